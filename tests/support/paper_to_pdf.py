"""Render an ingested text document as a PDF of the kind journals publish: two columns of prose,
headings, and its tables as tables ruled by horizontal lines (test support only)."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.document import SourceDocument
from pipeline.segment import Segmentation, segment
from pipeline.segment.sections import (
    default_section_rules,
    is_standalone_heading,
    paragraphs,
    split_at_headings,
    split_lines,
)
from tests.support.render_pdf import Block, Heading, Paragraph, TableBlock, render_pdf


def document_blocks(doc: SourceDocument, seg: Segmentation | None = None) -> list[Block]:
    """The document's paragraphs, headings and tables in reading order."""
    text = doc.clean_text
    seg = seg or segment(text)
    rules = default_section_rules()
    furniture = set(seg.furniture)
    placed: list[tuple[int, Block]] = []
    for table in seg.tables:
        if table.flattened:
            header = ["Patient", " ".join(text[table.header[0]:table.header[1]].split()) if table.header else ""]
            rows = [[r.key or "", " ".join(text[r.start:r.end].split()[1:])] for r in table.rows]
        else:
            header_line = text[table.header[0]:table.header[1]] if table.header else ""
            header = [c.strip() for c in header_line.strip("|").split("\t" if "\t" in header_line else "|")]
            rows = [[text[a:b] for a, b in r.cells] for r in table.rows]
        placed.append((table.start, TableBlock(table.caption, [header, *rows], "horizontal")))
        if table.footnote:
            placed.append((table.footnote[0], Paragraph(" ".join(text[table.footnote[0]:table.footnote[1]].split()))))
    spans = [(t.start, t.end) for t in seg.tables]
    for para in split_at_headings(paragraphs(split_lines(text)), rules):
        body = [ln for ln in para if (ln.start, ln.end) not in furniture
                and not any(a <= ln.start < b for a, b in spans)]
        if not body:
            continue
        words = " ".join(ln.stripped for ln in body)
        is_heading = len(body) == 1 and is_standalone_heading(body[0].text, rules)
        placed.append((body[0].start, Heading(words) if is_heading else Paragraph(words)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def render_document_pdf(doc: SourceDocument, path: Path) -> Path:
    """Render the document to ``path`` in two columns."""
    return render_pdf(document_blocks(doc), path, columns=2)
