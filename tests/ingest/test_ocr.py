"""--ocr: a scanned page (an image, no text layer) is read by Tesseract and flows through."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from pipeline.extract import extract_document
from pipeline.ingest import IngestError, ingest_file
from pipeline.ingest.ocr import tesseract_path
from tests.support.render_pdf import Paragraph, render_pdf

pytestmark = pytest.mark.skipif(tesseract_path() is None, reason="tesseract is not installed")

TEXT = "Case 1. The girl received tofacitinib 5 mg bid and prednisone 10 mg qd."


def scanned_pdf(tmp_path: Path) -> Path:
    """A PDF whose only page is a 300 dpi picture of a typeset page (as a scanner makes)."""
    import pypdfium2 as pdfium

    typeset = render_pdf([Paragraph(TEXT)], tmp_path / "typeset.pdf", columns=1)
    page = pdfium.PdfDocument(str(typeset))[0]
    image = page.render(scale=300 / 72).to_pil().convert("L")
    scan = FPDF(unit="pt", format=(page.get_width(), page.get_height()))
    scan.add_page()
    scan.image(image, x=0, y=0, w=page.get_width(), h=page.get_height())
    path = tmp_path / "scanned.pdf"
    scan.output(str(path))
    return path


def test_scanned_pdf_needs_ocr_and_says_so(tmp_path: Path):
    with pytest.raises(IngestError, match=r"scanned\.pdf: PDF has no text layer.*--ocr"):
        ingest_file(scanned_pdf(tmp_path))


def test_ocr_reads_the_scanned_page_and_extraction_runs_on_it(tmp_path: Path):
    doc = ingest_file(scanned_pdf(tmp_path), ocr=True)
    assert "tofacitinib 5 mg bid" in " ".join(doc.clean_text.split())
    assert doc.warnings == ["pages read by OCR: [1]"]
    found = extract_document(doc)
    drugs = sorted(m.attrs["norm"] for m in found.mentions if m.label == "DRUG")
    assert drugs == ["prednisone", "tofacitinib"]
    doses = {m.text: m.attrs.get("daily_mg") for m in found.mentions if m.label == "DOSE"}
    assert doses == {"5 mg bid": "10", "10 mg qd": "10"}
