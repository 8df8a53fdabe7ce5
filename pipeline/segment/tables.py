"""Read a table region: its caption, header, rows (flattened or cellular) and footnote, and
split the rows of a flattened table into the treatment-list columns its header names
(``pipeline/segment/list_columns.py``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Protocol

from pipeline.segment.list_columns import header_list_phases, list_column_at, read_list_columns
from pipeline.segment.model import Table, TableRow

ROW_NUMBER = re.compile(r"^[ \t]*(?P<n>\d{1,3})(?=[ \t]+\S)")
PROSE_PARAGRAPH = re.compile(r"^[A-Z][a-z]+(?: [a-z]+){5,}.*[.]$", re.S)
DIGIT = re.compile(r"\d")
CELL_BAR = re.compile(r"\|")
SEPARATOR_ROW = re.compile(r"[\s|:\-]+")  # a Markdown table's |---|:--| row


class LineLike(Protocol):
    """A line of text with its offsets (``pipeline.segment.sections.Line``)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def stripped(self) -> str: ...


def read_table(
    paras: Sequence[Sequence[LineLike]], i: int, footnote: re.Pattern[str], caption: re.Pattern[str]
) -> tuple[Table, int, list[LineLike]]:
    """Read the table starting at paragraph ``i``.

    Returns the table, how many paragraphs it used, and the lines of the last used paragraph
    that follow the table (prose glued to a footnote by the PDF's layout), to be read again.
    """
    first = paras[i][0]
    has_caption = bool(caption.match(first.stripped.replace("**", "")))
    lines: list[LineLike] = []
    foot: tuple[int, int] | None = None
    leftover: list[LineLike] = []
    j = i
    while j < len(paras):
        para = paras[j]
        head = " ".join(line.stripped for line in para)
        if j > i and footnote.match(head):
            foot_lines, leftover, used = _footnote(paras, j)
            foot = (foot_lines[0].start, foot_lines[-1].end)
            j += used
            break
        if j > i and _ends_table(para, lines, has_caption):
            break
        lines.extend(para)
        j += 1
    body = lines[1:] if has_caption else lines
    caption_text = first.stripped.replace("**", "") if has_caption else ""
    bare_caption = has_caption and len(caption_text.split()) <= 2  # "Table1" with its title below
    if (
        bare_caption
        and body
        and not _is_cellular(body[0].text)
        and not ROW_NUMBER.match(body[0].text)
        and len(body[0].text.split()) <= 20
        and not DIGIT.search(body[0].text[:3])
    ):
        # a caption continued on the next paragraph ("Table1" then its title)
        caption_text += " " + body[0].stripped
        body = body[1:]
    rows, header, flattened = _rows(body)
    phases: tuple[str, ...] = ()
    if header is not None:
        header_lines = [line.text for line in body if header[0] <= line.start < header[1]]
        phases = header_list_phases("\n".join(header_lines))
    if flattened and phases:
        # even one list column interleaves with the text columns beside it ("GC, CTX, MMF Growth
        # retardation 3.50 ..."): only the words of the list take its phase
        rows = [_with_lists(row, body, len(phases)) for row in rows]
    end = foot[1] if foot else (lines[-1].end if lines else first.end)
    table = Table(first.start, end, caption_text, header, tuple(rows), foot, flattened, phases)
    return table, j - i, leftover


def _footnote(paras: Sequence[Sequence[LineLike]], j: int) -> tuple[list[LineLike], list[LineLike], int]:
    """The footnote's lines (up to the line that ends with a full stop, over at most three
    paragraphs), the lines after it in its last paragraph, and the paragraphs used."""
    lines: list[LineLike] = []
    for used, para in enumerate(paras[j : j + 3], start=1):
        for k, line in enumerate(para):
            lines.append(line)
            if line.stripped.endswith("."):
                return lines, list(para[k + 1 :]), used
    return list(paras[j]), [], 1


def _ends_table(para: Sequence[LineLike], so_far: list[LineLike], has_caption: bool) -> bool:
    text = " ".join(line.stripped for line in para)
    if any(_is_cellular(line.text) for line in so_far) and not any(
        _is_cellular(line.text) for line in para
    ):
        return True
    if not has_caption:
        return not all(_is_cellular(line.text) for line in para)
    return bool(PROSE_PARAGRAPH.match(text)) and len(text.split()) >= 12


def _is_cellular(line: str) -> bool:
    s = line.strip()
    return (s.startswith("|") and s.count("|") >= 3) or line.count("\t") >= 1


def _cells(line: LineLike) -> tuple[tuple[int, int], ...]:
    """Cell spans of a Markdown or tab-separated line, trimmed of white space."""
    text = line.text
    if text.strip().startswith("|"):
        bounds = [m.start() for m in CELL_BAR.finditer(text)]
        pieces = list(zip(bounds, bounds[1:], strict=False))
        spans = [(a + 1, b) for a, b in pieces]
    else:
        spans, cursor = [], 0
        for part in text.split("\t"):
            spans.append((cursor, cursor + len(part)))
            cursor += len(part) + 1
    out = []
    for a, b in spans:
        seg = text[a:b]
        left = len(seg) - len(seg.lstrip())
        right = len(seg.rstrip())
        out.append((line.start + a + left, line.start + a + max(left, right)))
    return tuple(out)


def _rows(body: list[LineLike]) -> tuple[list[TableRow], tuple[int, int] | None, bool]:
    """Rows of the table body, the header span, and whether the table was flattened."""
    cellular = [line for line in body if _is_cellular(line.text)]
    if cellular and len(cellular) >= len(body) // 2:
        rows = []
        header = (cellular[0].start, cellular[0].end)
        for line in cellular[1:]:
            if SEPARATOR_ROW.fullmatch(line.text):
                continue
            cells = _cells(line)
            nonempty = [c for c in cells if c[1] > c[0]]
            key = line.text[nonempty[0][0] - line.start : nonempty[0][1] - line.start] if nonempty else None
            rows.append(TableRow(line.start, line.end, key, cells))
        return rows, header, False
    starts: list[tuple[int, str]] = []
    expected = 1
    for k, line in enumerate(body):
        m = ROW_NUMBER.match(line.text)
        if m and int(m["n"]) == expected:
            starts.append((k, m["n"]))
            expected += 1
    if not starts:
        return [], (body[0].start, body[-1].end) if body else None, True
    flat_header = (body[0].start, body[starts[0][0] - 1].end) if starts[0][0] > 0 else None
    rows = []
    for n, (k, key) in enumerate(starts):
        last = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(body) - 1
        rows.append(TableRow(body[k].start, body[last].end, key))
    return rows, flat_header, True


def _with_lists(row: TableRow, body: Sequence[LineLike], n: int) -> TableRow:
    lines = [line for line in body if row.start <= line.start <= row.end and line.text.strip()]
    split = read_list_columns([line.text for line in lines], n)
    if split is None:
        return row
    columns, heads = split
    lists = tuple(tuple((lines[i].start + a, lines[i].start + b) for i, a, b in col) for col in columns)
    row = dataclasses.replace(row, lists=lists)
    wrapped = tuple((lines[i].start + a, lines[i].start + b, name) for i, a, b, name in heads
                    if list_column_at(row, lines[i].start + a) is not None)
    return dataclasses.replace(row, wrapped=wrapped)
