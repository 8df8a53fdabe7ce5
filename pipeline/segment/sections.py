"""Find sections, per-case blocks, tables, figure captions and page furniture in a clean text.

The segmenter walks the text paragraph by paragraph (runs of non-blank lines). Heading
vocabularies and caption patterns are data (``pipeline/data/sections.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipeline.segment.model import Section, Table
from pipeline.segment.tables import read_table

SECTIONS_RESOURCE = "sections.yaml"
MARKUP = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?P<body>.*?)(?:\*\*)?[ \t]*:?[ \t]*$")
ABBREVIATION_PAIR = re.compile(r"^[^\s,;]{1,20}(?: [^\s,;]{1,15}){0,2}, [^;]{2,120}(?:;|\.$)")


@dataclass(frozen=True)
class SectionRules:
    """The validated contents of ``sections.yaml``."""

    headings: dict[str, str]
    inline_labels: tuple[str, ...]
    body_kinds: frozenset[str]
    case_heading: re.Pattern[str]
    table_caption: re.Pattern[str]
    figure_caption: re.Pattern[str]
    table_footnote: re.Pattern[str]
    furniture: tuple[re.Pattern[str], ...]
    article_types: frozenset[str]
    longest_heading: int


def parse_section_rules(data: Any, origin: str) -> SectionRules:
    """Validate the section vocabulary; errors name the file and the key."""
    try:
        headings = {
            str(word).lower(): kind for kind, words in data["headings"].items() for word in words
        }
        inline = tuple(sorted((str(x).lower() for x in data["inline_abstract_labels"]), key=len))
        return SectionRules(
            headings=headings,
            inline_labels=inline[::-1],
            body_kinds=frozenset(data["body_kinds"]),
            case_heading=re.compile(data["case_heading"]),
            table_caption=re.compile(data["table_caption"]),
            figure_caption=re.compile(data["figure_caption"]),
            table_footnote=re.compile(data["table_footnote"]),
            furniture=tuple(re.compile(p) for p in data["furniture"]),
            article_types=frozenset(str(x).lower() for x in data["article_types"]),
            longest_heading=max(map(len, headings), default=0),
        )
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise ValueError(f"{origin}: invalid section rules: {exc!r}") from exc


@cache
def default_section_rules() -> SectionRules:
    """The packaged section vocabulary, loaded once."""
    ref = resources.files("pipeline.data").joinpath(SECTIONS_RESOURCE)
    return parse_section_rules(
        yaml.safe_load(ref.read_text(encoding="utf-8")), f"pipeline/data/{SECTIONS_RESOURCE}"
    )


@dataclass(frozen=True)
class Line:
    """A line of the clean text without its newline."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` with its offsets (newlines excluded)."""
    lines, cursor = [], 0
    for raw in text.split("\n"):
        lines.append(Line(cursor, cursor + len(raw), raw))
        cursor += len(raw) + 1
    return lines


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Runs of non-blank lines."""
    out: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.stripped:
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def case_heading(line: str, rules: SectionRules) -> re.Match[str] | None:
    """The match of a per-case heading (``Case 3``, ``**Patient 8**``, ``## CASE 2:``), if any."""
    return rules.case_heading.match(line.strip().replace("**", "").lstrip("# "))


def is_standalone_heading(line: str, rules: SectionRules) -> bool:
    """A line that is a heading on its own: a section heading or a per-case heading."""
    return bool(heading_kind(line, rules) or case_heading(line, rules))


def is_boundary_line(line: str, rules: SectionRules) -> bool:
    """A line that stands on its own: a heading, a case heading or a table/figure caption."""
    return is_standalone_heading(line, rules) or _is_caption_line(line, rules)


def _is_caption_line(line: str, rules: SectionRules) -> bool:
    stripped = line.strip()
    return is_caption(stripped, rules.table_caption) or is_caption(stripped, rules.figure_caption)


def split_at_headings(paras: list[list[Line]], rules: SectionRules) -> list[list[Line]]:
    """Split paragraphs so that headings are alone and captions start a paragraph.

    PDF text often glues a heading to the last line of the previous page or paragraph.
    """
    out: list[list[Line]] = []
    for para in paras:
        current: list[Line] = []
        for line in para:
            standalone = is_standalone_heading(line.text, rules)
            if current and (standalone or _is_caption_line(line.text, rules)):
                out.append(current)
                current = []
            current.append(line)
            if standalone:
                out.append(current)
                current = []
        if current:
            out.append(current)
    return out


def _without_markup(line: str) -> str:
    """``line`` without white space, ``#``, ``*`` or ``:`` at either end."""
    previous, bare = None, line
    while bare != previous:
        previous, bare = bare, bare.strip().strip("#*:")
    return bare


def heading_kind(line: str, rules: SectionRules) -> tuple[str, str] | None:
    """``(kind, title)`` when the line is a known heading on its own."""
    # a heading's markup and white space are all a line holds besides the heading
    if len(_without_markup(line)) > rules.longest_heading:
        return None
    m = MARKUP.match(line)
    body = m.group("body").strip() if m else line.strip()
    kind = rules.headings.get(body.lower())
    return (kind, body) if kind else None


def inline_label(line: str, rules: SectionRules) -> str | None:
    """The structured-abstract label that starts the line (``Background: ...``), if any."""
    stripped = line.strip().replace("**", "")
    low = stripped.lower()
    for label in rules.inline_labels:
        if low.startswith(label + ":") and len(stripped) > len(label) + 2:
            return stripped[: len(label)]
    return None


def is_caption(line: str, pattern: re.Pattern[str]) -> bool:
    """A table or figure caption: the pattern at line start, not a prose sentence about it."""
    stripped = line.strip().replace("**", "")
    m = pattern.match(stripped)
    if not m:
        return False
    rest = stripped[m.end() :].lstrip(" .:|")
    return not rest or not rest[0].islower()


def is_abbreviation_paragraph(para: list[Line]) -> bool:
    """A paragraph of an abbreviation list: ``X, expansion; ...`` or a short glossary line."""
    text = " ".join(line.stripped for line in para)
    if ABBREVIATION_PAIR.match(text) and text.count(";") >= 1:
        return True
    # a glossary entry: the abbreviation and its expansion, on one line or two short ones
    return len(para) <= 2 and len(text.split()) <= 10 and not text.endswith(".")


def find_sections(
    text: str, rules: SectionRules | None = None
) -> tuple[list[Section], list[Table], list[tuple[int, int]]]:
    """Sections (covering the whole text), tables, and furniture line spans."""
    rules = rules or default_section_rules()
    return sections_of_paragraphs(text, split_at_headings(paragraphs(split_lines(text)), rules), rules)


def sections_of_paragraphs(
    text: str, paras: list[list[Line]], rules: SectionRules
) -> tuple[list[Section], list[Table], list[tuple[int, int]]]:
    """:func:`find_sections` over the text's paragraphs as :func:`split_at_headings` gives them
    (``paras`` is left as it is)."""
    paras = list(paras)
    sections: list[Section] = []
    tables: list[Table] = []
    furniture: list[tuple[int, int]] = []

    # Inline labels ("Results: ...") belong to a structured abstract when standalone body
    # headings follow; in a short report without such headings they are the sections.
    has_body_headings = any(
        (h := heading_kind(p[0].text, rules)) and h[0] in rules.body_kinds and len(p) == 1
        for p in paras
    )
    kind, title, case_id, start = "front", "", None, 0
    resume: tuple[str, str, str | None] | None = None
    body_started = False

    def close(at: int) -> None:
        if at > start:
            sections.append(Section(kind, title, start, at, case_id))

    i = 0
    while i < len(paras):
        para = paras[i]
        first = para[0]
        stripped = first.stripped
        if all(any(p.match(line.stripped) for p in rules.furniture) for line in para):
            furniture.extend((line.start, line.end) for line in para)
            i += 1
            continue
        case_m = case_heading(first.text, rules)
        heading = heading_kind(first.text, rules) if len(para) >= 1 else None
        if kind == "abbreviations" and resume and not heading and not case_m:
            ends = [k for k, line in enumerate(para) if line.stripped.endswith(".")]
            if is_abbreviation_paragraph(para) and ends and ends[0] < len(para) - 1:
                # the list ends mid-paragraph: text of the page continues after it
                paras[i : i + 1] = [para[: ends[0] + 1], para[ends[0] + 1 :]]
                para = paras[i]
            elif not is_abbreviation_paragraph(para):
                close(first.start)
                (kind, title, case_id), start, resume = resume, first.start, None
        if case_m:
            close(first.start)
            kind, title = "case", stripped.replace("**", "").lstrip("# ")
            case_id, start = case_m["id"], first.start
            body_started, resume = True, None
        elif is_caption(stripped, rules.table_caption) or _starts_cellular_table(para):
            table, consumed, leftover = read_table(paras, i, rules.table_footnote, rules.table_caption)
            if leftover:
                paras[i + consumed - 1] = leftover  # type: ignore[assignment]
                consumed -= 1
            close(first.start)
            prev = (kind, title, case_id)
            sections.append(Section("table", table.caption, table.start, table.end, None))
            tables.append(table)
            kind, title, case_id = prev
            i += consumed
            start = paras[i][0].start if i < len(paras) else len(text)
            continue
        elif is_caption(stripped, rules.figure_caption):
            close(first.start)
            prev = (kind, title, case_id)
            end_para = i + 1 if len(stripped.split()) <= 3 and i + 1 < len(paras) else i
            end = paras[end_para][-1].end
            sections.append(Section("figure", stripped.replace("**", ""), first.start, end, None))
            kind, title, case_id = prev
            i = end_para + 1
            start = paras[i][0].start if i < len(paras) else len(text)
            continue
        elif (heading and len(para) == 1) or (heading and heading[0] in rules.body_kinds):
            assert heading is not None
            close(first.start)
            new_kind, new_title = heading
            if kind == "front" and new_title.lower() in rules.article_types:
                new_kind = "front"
            if new_kind == "abbreviations":
                resume = (kind, title, case_id)
            kind, title, case_id, start = new_kind, new_title, None, first.start
            body_started = body_started or new_kind in rules.body_kinds
        elif not body_started and (label := inline_label(first.text, rules)):
            close(first.start)
            label_kind = rules.headings.get(label.lower(), "abstract")
            if label_kind != "keywords" and has_body_headings:
                label_kind = "abstract"  # a structured abstract before the body's headings
            kind, title, case_id, start = label_kind, label, None, first.start
        i += 1
    close(len(text))
    return _merge_empty(sections), tables, furniture


def _starts_cellular_table(para: list[Line]) -> bool:
    """A Markdown (``| a | b |``) or tab-separated table that starts this paragraph."""
    first = para[0].text
    return (first.lstrip().startswith("|") and first.count("|") >= 3) or first.count("\t") >= 1


def _merge_empty(sections: list[Section]) -> list[Section]:
    return [s for s in sections if s.end > s.start]
