"""OCR of PDF pages that have no text layer, with Tesseract (Debian's tesseract-ocr).

Pages with a text layer keep it; pages without one are rendered with pypdfium2 and read by
the ``tesseract`` command. The result flows through the same cleaning and segmentation.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ingest.errors import IngestError

if TYPE_CHECKING:
    from pipeline.ingest.pdf_document import PdfDocumentText
    from pipeline.ingest.pdf_layout import PdfText

RENDER_SCALE = 300 / 72  # 300 dpi
TESSERACT_TIMEOUT = 120


def tesseract_path() -> str | None:
    """The tesseract command, if installed."""
    return shutil.which("tesseract")


def ocr_image(image_path: Path, origin: str) -> str:
    """Text of one page image; raise IngestError naming the file if tesseract fails."""
    exe = tesseract_path()
    if exe is None:
        raise IngestError(origin, "OCR asked for but tesseract is not installed",
                          hint="apt-get install tesseract-ocr")
    try:
        done = subprocess.run(
            [exe, str(image_path), "stdout", "--psm", "3"],
            capture_output=True, text=True, timeout=TESSERACT_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(origin, f"OCR timed out after {TESSERACT_TIMEOUT} s") from exc
    if done.returncode != 0:
        raise IngestError(origin, f"OCR failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def ocr_pages(path: Path, pdf: PdfText) -> PdfDocumentText:
    """The PDF's text with every page that had no text layer replaced by its OCR."""
    import pypdfium2 as pdfium

    from pipeline.ingest.pdf_document import PdfDocumentText

    origin = str(path)
    document = pdfium.PdfDocument(str(path))
    try:
        bounds = [*pdf.page_starts, len(pdf.text)]
        pages = [pdf.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        with tempfile.TemporaryDirectory() as work:
            for number in pdf.pages_without_text:
                image = document[number - 1].render(scale=RENDER_SCALE).to_pil()
                png = Path(work) / f"page{number}.png"
                image.save(png)
                pages[number - 1] = ocr_image(png, origin).strip() + "\n\n"
    finally:
        document.close()
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += page
    tables = pdf.tables if not pdf.pages_without_text else tuple(
        t for t in pdf.tables if t.page not in pdf.pages_without_text
    )
    if any(t.page and t.page > 0 for t in tables) and pdf.pages_without_text:
        tables = ()  # cell offsets refer to the text before OCR shifted it
    warnings = [f"pages read by OCR: {list(pdf.pages_without_text)}"]
    if not text.strip():
        raise IngestError(origin, "OCR found no text on the scanned pages")
    return PdfDocumentText(text, tuple(starts), tables, pdf.pages, warnings)
