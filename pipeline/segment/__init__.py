"""Segmentation: sections, per-case blocks, tables and their rows, sentences."""

from __future__ import annotations

from pipeline.segment.model import Section, Segmentation, Sentence, Table, TableRow
from pipeline.segment.sections import (
    SectionRules,
    is_standalone_heading,
    paragraphs,
    sections_of_paragraphs,
    split_at_headings,
    split_lines,
)
from pipeline.segment.sentences import split_sentences, trim_span

__all__ = ["Section", "Segmentation", "Sentence", "Table", "TableRow", "segment"]


def segment(text: str) -> Segmentation:
    """Segment a clean text into sections, tables (with rows) and sentences."""
    rules = _rules()
    paras = split_at_headings(paragraphs(split_lines(text)), rules)
    sections, tables, furniture = sections_of_paragraphs(text, paras, rules)
    furniture_set = set(furniture)
    sentences: list[Sentence] = []
    table_spans = [(t.start, t.end) for t in tables]
    for t in tables:
        if t.header:
            sentences.append(Sentence(t.header[0], t.header[1], "table_header"))
        sentences.extend(Sentence(r.start, r.end, "table_row") for r in t.rows)
    for para in paras:
        # lines of a table are its rows; prose glued to a table's footnote is still prose
        body = [
            line for line in para
            if (line.start, line.end) not in furniture_set
            and not any(a <= line.start < b for a, b in table_spans)
        ]
        if not body:
            continue
        if len(body) == 1 and is_standalone_heading(body[0].text, rules):
            span = trim_span(text, body[0].start, body[0].end)
            if span:
                sentences.append(Sentence(*span, "heading"))
            continue
        # furniture lines inside a paragraph split it into separate runs
        run_start = body[0].start
        prev_end = body[0].end
        for line in body[1:]:
            if line.start != prev_end + 1:
                sentences.extend(Sentence(a, b) for a, b in split_sentences(text, run_start, prev_end))
                run_start = line.start
            prev_end = line.end
        sentences.extend(Sentence(a, b) for a, b in split_sentences(text, run_start, prev_end))
    sentences.sort(key=lambda s: s.start)
    return Segmentation(sections, tables, sentences, furniture)


def _rules() -> SectionRules:
    from pipeline.segment.sections import default_section_rules

    return default_section_rules()
