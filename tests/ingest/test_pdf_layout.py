"""PDF reading: paragraphs in order over two columns, ruled tables cell by cell, and errors
that name the file; lines are boxed without reading every glyph, to the same boxes."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF

from pipeline.ingest import IngestError, ingest_file, pdf_rules
from pipeline.ingest.pdf_layout import PdfError, TextLayer, read_pdf
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
TALL_GLYPHS = "Ångström measured ∫ f(x) dx and Ǆ or ÅÅ, then plain text over a line that wraps. "


def words(text: str) -> str:
    return " ".join(text.split())


def line_readings(path: Path) -> list[tuple[object, object]]:
    """Each line of each page boxed twice: as the reader boxes it, and glyph by glyph."""
    pdf = pdfium.PdfDocument(str(path))
    readings = []
    try:
        for page in pdf:
            layer = TextLayer(page.get_textpage(), page.get_height())
            readings += [(box, layer.glyph_by_glyph_box(start, end))
                         for (start, end), box in zip(layer.lines, layer.boxes, strict=True)]
    finally:
        pdf.close()
    return readings


def as_form_xobject(source: Path, path: Path, matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)) -> Path:
    """A one-page PDF whose page is the first page of ``source`` drawn, through ``matrix``, as a
    form XObject."""
    src = pdfium.PdfDocument(str(source))
    dst = pdfium.PdfDocument.new()
    try:
        page = dst.new_page(*src[0].get_size())
        xobject = pdfium_c.FPDF_NewXObjectFromPage(dst, src, 0)
        form = pdfium_c.FPDF_NewFormObjectFromXObject(xobject)
        pdfium_c.FPDFPageObj_Transform(form, *matrix)
        pdfium_c.FPDFPage_InsertObject(page, form)
        pdfium_c.FPDFPage_GenerateContent(page)
        pdfium_c.FPDF_CloseXObject(xobject)
        dst.save(str(path))
    finally:
        dst.close()
        src.close()
    return path


def tall_glyph_pdf(path: Path) -> Path:
    """Prose in DejaVu Sans, whose accents and integral sign reach beyond its ascent, and a line
    with a smaller superscript (drawn by a text object of its own)."""
    import matplotlib

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(w=120, text=TALL_GLYPHS * 3)
    pdf.ln(2)
    pdf.write(text="Dose 5 mg")
    pdf.set_font("DejaVu", size=7)
    pdf.write(text="2")
    pdf.set_font("DejaVu", size=11)
    pdf.write(text=" per day (a tall Ǆ inside).")
    pdf.output(str(path))
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


def test_only_pages_that_paint_rules_have_shapes_to_search(tmp_path: Path):
    blocks = [Paragraph(PARAGRAPHS[0] * 6), TableBlock("TABLE 1 Regimens.", ROWS, "horizontal")]
    path = render_pdf(blocks, tmp_path / "two.pdf")
    pdf = pdfium.PdfDocument(str(path))
    try:
        shapes = [pdf_rules.page_shapes(page, page.get_height()) for page in pdf]
    finally:
        pdf.close()
    assert not shapes[0] and {s.kind for s in shapes[1]} == {"line"}
    [table] = read_pdf(path).tables
    assert table.page == 2 and [[c.text for c in row] for row in table.rows] == ROWS


@pytest.mark.parametrize("matrix", [(1, 0, 0, 1, 0, 0), (0.5, 0, 0, 0.5, 100, 50)],
                         ids=["as_drawn", "scaled_and_moved"])
def test_rules_drawn_inside_a_form_xobject_still_make_a_table(tmp_path: Path, matrix):
    grid = render_pdf([TableBlock("TABLE 1 Regimens.", ROWS, "grid")], tmp_path / "grid.pdf")
    pdf = read_pdf(as_form_xobject(grid, tmp_path / "form.pdf", matrix))
    [table] = pdf.tables
    assert [[c.text for c in row] for row in table.rows] == ROWS
    assert pdf.text.count("tacrolimus") == 1


def test_lines_of_prose_are_boxed_as_glyph_by_glyph(tmp_path: Path):
    blocks = [Heading("Case presentation"), *(Paragraph(p) for p in PARAGRAPHS)]
    readings = line_readings(render_pdf(blocks, tmp_path / "prose.pdf", columns=2))
    assert len(readings) > 10
    for fast, glyph_by_glyph in readings:
        assert fast == glyph_by_glyph


def test_glyphs_reaching_beyond_the_font_ascent_widen_the_line_box(tmp_path: Path):
    path = tall_glyph_pdf(tmp_path / "tall.pdf")
    readings = line_readings(path)
    assert len(readings) >= 4
    for fast, glyph_by_glyph in readings:
        assert fast == glyph_by_glyph
    # the accents in mid-line reach above what the line's first and last glyph span
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        layer = TextLayer(page.get_textpage(), page.get_height())
        widened = 0
        for (start, end), box in zip(layer.lines, layer.boxes, strict=True):
            text = layer.raw[start:end]
            ends = [layer.glyph_box(start + len(text) - len(text.lstrip())),
                    layer.glyph_box(start + len(text.rstrip()) - 1)]
            widened += box is not None and box[1] < min(b[1] for b in ends)
    finally:
        pdf.close()
    assert widened >= 2


def test_prose_lines_read_two_glyph_boxes_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = render_pdf([Heading("Case presentation"), *(Paragraph(p) for p in PARAGRAPHS)],
                      tmp_path / "prose.pdf", columns=2)
    reads: list[int] = []
    loose_box = pdfium_c.FPDFText_GetLooseCharBox

    def counted(textpage, index, rect):
        reads.append(index)
        return loose_box(textpage, index, rect)

    monkeypatch.setattr(pdfium_c, "FPDFText_GetLooseCharBox", counted)
    pdf = read_pdf(path)
    lines = [ln for ln in pdf.text.splitlines() if ln.strip()]
    assert len(reads) <= 2 * len(lines) < len("".join(lines)) / 10


def test_grids_and_rules_match_pdfplumber(tmp_path: Path):
    """pdfplumber finds the same rules and the same grid cells (it is the reference the table
    finder was ported from)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    grid = render_pdf([Paragraph(PARAGRAPHS[0]), TableBlock("TABLE 1 Regimens.", ROWS, "grid"),
                       TableBlock("TABLE 2 Again.", ROWS[::-1], "horizontal")], tmp_path / "grid.pdf")
    paths = [grid, as_form_xobject(grid, tmp_path / "scaled.pdf", (0.5, 0, 0, 0.5, 100, 50))]
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        with pdfplumber.open(str(path)) as plumb:
            for page, plumb_page in zip(pdf, plumb.pages, strict=True):
                shapes = pdf_rules.page_shapes(page, page.get_height())
                ours = sorted((s.kind, *(round(v, 1) for v in _bbox(s.points))) for s in shapes)
                theirs = sorted((o["object_type"], *(round(o[k], 1) for k in ("x0", "top", "x1", "bottom")))
                                for o in [*plumb_page.lines, *plumb_page.rects])
                assert ours == theirs
                cells = pdf_rules.grid_tables(pdf_rules.shape_edges(shapes))
                found = plumb_page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
                assert [sorted(_rounded(c) for c in t) for t in cells] == \
                    [sorted(_rounded(c) for c in t.cells) for t in found]
        pdf.close()


def _bbox(points: tuple[tuple[float, float], ...]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _rounded(box: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(v, 1) for v in box)


def test_cell_words_keep_reading_order_when_baselines_shift(tmp_path: Path):
    # the last word of a cell sits 0.8pt higher and close to the one before: read by pdfplumber's
    # words and sorted by their rounded tops, the cell came out as "mgbid 5"
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for y in (100, 120, 140):
        pdf.line(50, y, 400, y)
    pdf.text(60, 113, "Drug")
    pdf.text(250, 113, "Dose")
    pdf.text(60, 133.4, "tofacitinib")
    pdf.text(250, 133.4, "5 mg")
    pdf.text(272, 132.6, "bid")
    path = tmp_path / "shifted.pdf"
    pdf.output(str(path))
    [table] = read_pdf(path).tables
    assert [[c.text for c in row] for row in table.rows] == [["Drug", "Dose"], ["tofacitinib", "5 mg bid"]]


def test_pdf_without_its_cross_reference_table_is_read_like_the_whole_file(tmp_path: Path):
    # pdfium rebuilds the cross-references; pdfminer, which once read the pages for tables,
    # could not, and made the file an error
    from tests.ingest.test_fuzz import EXAMPLE_PDF, pdf_sources

    _, plain = pdf_sources()
    path = tmp_path / "no_xref.pdf"
    path.write_bytes(plain[: plain.rindex(b"xref")])
    broken = ingest_file(path)
    whole = ingest_file(EXAMPLE_PDF)
    assert broken.source_text == whole.source_text
    assert [[c.text for c in row] for t in broken.tables for row in t.rows] == \
        [[c.text for c in row] for t in whole.tables for row in t.rows]


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
