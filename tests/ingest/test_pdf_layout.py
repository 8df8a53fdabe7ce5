"""PDF reading: paragraphs in order over two columns, ruled tables cell by cell, and errors
that name the file; pdfplumber only reads the pages that draw lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.ingest import IngestError, ingest_file, pdf_layout
from pipeline.ingest.pdf_layout import PdfError, read_pdf
from tests.support.render_pdf import (
    Heading,
    Paragraph,
    TableBlock,
    render_encrypted_pdf,
    render_image_only_pdf,
    render_pdf,
)

PARAGRAPHS = [
    "Patient 1 received tofacitinib 5 mg twice daily after tocilizumab failed. " * 4,
    "At 3 months the JADAS-27 had fallen from 24.5 to 3.0 and ferritin was normal. " * 4,
    "Prednisolone was tapered from 1 mg/kg/day to 5 mg/day over six months. " * 4,
]
ROWS = [["Patient", "Drug", "Dose"], ["1", "HCQ", "100 mg bid"], ["2", "MMF", "0.5 g bid"],
        ["3", "tacrolimus", "1 mg bid"]]


def words(text: str) -> str:
    return " ".join(text.split())


def line_readings(path: Path) -> list[tuple[list[object], list[object]]]:
    """Each line of each page read twice: as pages without tables are read, and glyph by glyph
    as the lines of pages with tables are."""
    pdf = pdfium.PdfDocument(str(path))
    readings = []
    try:
        for page in pdf:
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            height = page.get_height()
            start = 0
            for line in raw.split("\n"):
                end = start + len(line)
                readings.append(([pdf_layout._line(textpage, raw, start, end, height)],
                                 pdf_layout._line_around_tables(textpage, raw, start, end, height, [])))
                start = end + 1
    finally:
        pdf.close()
    return readings


def as_form_xobject(source: Path, path: Path) -> Path:
    """A one-page PDF whose page is the first page of ``source`` drawn as a form XObject."""
    src = pdfium.PdfDocument(str(source))
    dst = pdfium.PdfDocument.new()
    try:
        page = dst.new_page(*src[0].get_size())
        xobject = pdfium_c.FPDF_NewXObjectFromPage(dst, src, 0)
        pdfium_c.FPDFPage_InsertObject(page, pdfium_c.FPDF_NewFormObjectFromXObject(xobject))
        pdfium_c.FPDFPage_GenerateContent(page)
        pdfium_c.FPDF_CloseXObject(xobject)
        dst.save(str(path))
    finally:
        dst.close()
        src.close()
    return path


def test_two_column_paragraphs_come_back_in_order(tmp_path: Path):
    blocks = [Heading("Case presentation"), *(Paragraph(p) for p in PARAGRAPHS)]
    pdf = read_pdf(render_pdf(blocks, tmp_path / "prose.pdf", columns=2))
    paragraphs = [words(p) for p in pdf.text.split("\n\n") if p.strip()]
    assert paragraphs == ["Case presentation", *(words(p) for p in PARAGRAPHS)]
    assert pdf.pages == 1 and pdf.page_starts == (0,) and pdf.tables == ()


@pytest.mark.parametrize("ruling", ["grid", "horizontal"])
def test_ruled_tables_come_back_cell_by_cell(tmp_path: Path, ruling: str):
    blocks = [Paragraph(PARAGRAPHS[0]), TableBlock("TABLE 1 Regimens.", ROWS, ruling),
              Paragraph(PARAGRAPHS[1])]
    pdf = read_pdf(render_pdf(blocks, tmp_path / f"{ruling}.pdf"))
    [table] = pdf.tables
    assert [[c.text for c in row] for row in table.rows] == ROWS
    for row in table.rows:
        for cell in row:
            assert pdf.text[cell.start:cell.end] == cell.text
    assert pdf.text.count("tacrolimus") == 1  # not repeated as running text
    assert "TABLE 1 Regimens." in pdf.text
    assert words(PARAGRAPHS[1]) in words(pdf.text)


def test_page_starts_of_a_two_page_document(tmp_path: Path):
    blocks = [Paragraph(PARAGRAPHS[0] * 6), TableBlock("TABLE 1 Regimens.", ROWS, "horizontal")]
    pdf = read_pdf(render_pdf(blocks, tmp_path / "two.pdf"))
    assert pdf.pages == 2 and len(pdf.page_starts) == 2
    assert pdf.text[pdf.page_starts[1]:].lstrip().startswith("TABLE 1 Regimens.")


def test_only_pages_that_draw_lines_are_searched_for_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks = [Paragraph(PARAGRAPHS[0] * 6), TableBlock("TABLE 1 Regimens.", ROWS, "horizontal")]
    path = render_pdf(blocks, tmp_path / "two.pdf")
    searched: list[int] = []
    find_tables = pdf_layout._find_tables

    def spy(page: Any) -> list[Any]:
        searched.append(page.page_number)
        return find_tables(page)

    monkeypatch.setattr(pdf_layout, "_find_tables", spy)
    pdf = read_pdf(path)
    assert searched == [2]
    [table] = pdf.tables
    assert table.page == 2 and [[c.text for c in row] for row in table.rows] == ROWS


def test_rules_drawn_inside_a_form_xobject_still_make_a_table(tmp_path: Path):
    grid = render_pdf([TableBlock("TABLE 1 Regimens.", ROWS, "grid")], tmp_path / "grid.pdf")
    pdf = read_pdf(as_form_xobject(grid, tmp_path / "form.pdf"))
    [table] = pdf.tables
    assert [[c.text for c in row] for row in table.rows] == ROWS
    assert pdf.text.count("tacrolimus") == 1


def test_lines_of_pages_without_tables_are_boxed_as_glyph_by_glyph(tmp_path: Path):
    blocks = [Heading("Case presentation"), *(Paragraph(p) for p in PARAGRAPHS)]
    readings = line_readings(render_pdf(blocks, tmp_path / "prose.pdf", columns=2))
    assert len(readings) > 10
    for fast, glyph_by_glyph in readings:
        assert fast == glyph_by_glyph


def test_truncated_pdf_is_an_error_naming_the_file(tmp_path: Path):
    whole = render_pdf([Paragraph(PARAGRAPHS[0])], tmp_path / "whole.pdf").read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(whole[:300])
    with pytest.raises(PdfError, match=r"broken\.pdf: "):
        read_pdf(broken)
    with pytest.raises(IngestError, match=r"broken\.pdf: not a readable PDF \(truncated"):
        ingest_file(broken)


def test_not_a_pdf(tmp_path: Path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("this is plain text, not a PDF")
    with pytest.raises(IngestError, match=r"fake\.pdf: not a readable PDF \(no %PDF- header"):
        ingest_file(fake)


def test_encrypted_pdf_says_a_password_is_needed(tmp_path: Path):
    path = render_encrypted_pdf(tmp_path / "locked.pdf", "secret")
    with pytest.raises(IngestError, match=r"locked\.pdf: encrypted PDF"):
        ingest_file(path)


def test_scanned_pdf_without_text_layer_says_how_to_ocr(tmp_path: Path):
    path = render_image_only_pdf(tmp_path / "scan.pdf")
    assert read_pdf(path).pages_without_text == (1,)
    with pytest.raises(IngestError, match=r"scan\.pdf: PDF has no text layer on any page \(.*--ocr"):
        ingest_file(path)
