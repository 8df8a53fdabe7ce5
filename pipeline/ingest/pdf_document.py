"""PDF files to laid-out text: text layer and tables, with OCR for pages that have no text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.document import ExtractedTable
from pipeline.ingest.errors import IngestError

OCR_HINT = "it looks scanned; run with --ocr to read it with Tesseract"


@dataclass
class PdfDocumentText:
    """What ingestion keeps of a PDF."""

    text: str
    page_starts: tuple[int, ...]
    tables: tuple[ExtractedTable, ...]
    pages: int
    warnings: list[str] = field(default_factory=list)


def read_pdf_document(data: bytes, path: Path, *, ocr: bool = False) -> PdfDocumentText:
    """Read a PDF; pages without a text layer are OCRed when ``ocr`` is set, else reported."""
    from pipeline.ingest.pdf_layout import PdfError, read_pdf

    origin = str(path)
    try:
        pdf = read_pdf(path)
    except PdfError as exc:
        raise IngestError(origin, _cause(str(exc), origin)) from exc
    warnings: list[str] = []
    empty = list(pdf.pages_without_text)
    if empty and ocr:
        from pipeline.ingest.ocr import ocr_pages

        return ocr_pages(path, pdf)
    if empty and len(empty) == pdf.pages:
        raise IngestError(origin, "PDF has no text layer on any page", hint=OCR_HINT)
    if empty:
        warnings.append(f"pages without a text layer were skipped: {empty} ({OCR_HINT})")
    return PdfDocumentText(pdf.text, pdf.page_starts, pdf.tables, pdf.pages, warnings)


def _cause(message: str, origin: str) -> str:
    """The PdfError message without the file name, which IngestError adds itself."""
    for prefix in (f"{origin}: ", f"{origin} "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
