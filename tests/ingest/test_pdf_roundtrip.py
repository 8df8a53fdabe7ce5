"""Each source paper rendered to a two-column PDF with ruled tables ingests to the same sections
and sentences as its text, and its tables come back row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ingest_file
from pipeline.segment import segment
from tests.conftest import PAPERS
from tests.ingest.test_pdf_layout import line_readings
from tests.support.paper_to_pdf import render_document_pdf
from tests.support.render_pdf import pdf_safe

pytestmark = pytest.mark.slow


def normalised(text: str) -> str:
    return " ".join(pdf_safe(text).split())


def sentences(text: str, seg) -> list[str]:
    return [normalised(text[s.start:s.end]) for s in seg.sentences if s.kind in ("sentence", "heading")]


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_paper_as_pdf_ingests_like_its_text(paper, shared_corpus: Path, tmp_path: Path):
    text_doc = ingest_file(shared_corpus / f"{PAPERS[paper]}.txt")
    pdf_path = render_document_pdf(text_doc, tmp_path / f"{PAPERS[paper]}.pdf")
    pdf_doc = ingest_file(pdf_path)
    assert pdf_doc.format == "pdf" and pdf_doc.pages and pdf_doc.pages > 1
    text_seg, pdf_seg = segment(text_doc.clean_text), segment(pdf_doc.clean_text)
    assert [(s.kind, s.case_id) for s in pdf_seg.sections] == [
        (s.kind, s.case_id) for s in text_seg.sections
    ]
    assert sentences(pdf_doc.clean_text, pdf_seg) == sentences(text_doc.clean_text, text_seg)
    assert len(pdf_doc.tables) == len(text_seg.tables)
    for extracted, table in zip(pdf_doc.tables, text_seg.tables, strict=True):
        assert [row[0].text for row in extracted.rows[1:]] == [pdf_safe(r.key or "") for r in table.rows]
        for row in extracted.rows:
            for cell in row:
                assert pdf_doc.source_text[cell.start:cell.end] == cell.text
    for pdf_table, table in zip(pdf_seg.tables, text_seg.tables, strict=True):
        assert [r.key for r in pdf_table.rows] == [pdf_safe(r.key or "") for r in table.rows]


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_paper_pdf_lines_are_boxed_as_glyph_by_glyph(paper, shared_corpus: Path, tmp_path: Path):
    text_doc = ingest_file(shared_corpus / f"{PAPERS[paper]}.txt")
    readings = line_readings(render_document_pdf(text_doc, tmp_path / f"{PAPERS[paper]}.pdf"))
    assert len(readings) > 100
    for fast, glyph_by_glyph in readings:
        assert fast == glyph_by_glyph
