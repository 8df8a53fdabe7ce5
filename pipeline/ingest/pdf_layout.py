"""PDF text and tables, read with pypdfium2 alone: the text layer in pdfium's reading order, and
tables found from the rules a page paints, the way pdfplumber finds them: fully ruled grids (its
"lines" strategy) and journal tables ruled only by horizontal lines.

The laid-out text has a blank line between paragraphs (found from vertical gaps between lines),
``\\n\\n`` between pages, and each table in its place as one line per row with cells joined by
tabs. Text inside a table's box is not repeated as running text.

Reading a glyph's box is a call through ctypes, and reading every glyph's took longer than pdfium
takes to read the page. So a line that one text object draws is boxed from its first and last
glyph, whose font-height boxes span those of the glyphs between (one font, one size, one baseline,
advancing steadily), and from the ink of the whole run, which pdfium measures in one call; other
lines are boxed glyph by glyph, to the same box. Table words are boxed from their first and last
glyph.
"""

from __future__ import annotations

import ctypes
import re
import struct
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

from pipeline.ingest.document import ExtractedTable, TableCell
from pipeline.ingest.pdf_rules import Box, Shape, grid_rows, grid_tables, page_shapes, shape_edges

# a gap between lines (font ascent-to-descent boxes) above this share of the line height
# starts a paragraph
PARAGRAPH_GAP = 0.25
RULE_MIN_WIDTH = 40.0
ROW_MAX_HEIGHT = 80.0
COLUMN_GAP = 6.0
CAPTION_WORD = re.compile(r"^(?:TABLE|Table)(?:\d{1,2})?$")
CAPTION_TEXT = re.compile(r"TABLE|Table")  # in every line that has a caption word
SENTENCE_END = re.compile(r"[.!?)\]]\s*$|\n\n\s*$")
SHORT_LINE = 0.9  # a line this much narrower than the page's lines ends its paragraph
# table words spell ligatures out, as pdfplumber's do
_EXPAND_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl",
                                   "ﬆ": "st", "ﬅ": "st"})
_LIGATURE = re.compile("[ﬀ-ﬆ]")
_TOKEN = re.compile(r"\S+")
_FLOATS = struct.Struct("4f")  # pdfium's FS_RECTF: left, top, right, bottom
_DOUBLES = struct.Struct("4d")  # the rectangle pdfium measures a run in: left, top, right, bottom



class PdfError(ValueError):
    """A PDF that cannot be read; the message names the file and the cause."""


@dataclass(frozen=True)
class PdfText:
    """A PDF's text laid out for reading, with its tables cell by cell."""

    text: str
    page_starts: tuple[int, ...]
    tables: tuple[ExtractedTable, ...]
    pages: int
    pages_without_text: tuple[int, ...]


class _Glyph(NamedTuple):
    """One character of pdfium's text and its loose box (top-down coordinates)."""

    char_index: int
    char: str
    left: float
    top: float
    right: float
    bottom: float


class _Word(NamedTuple):
    """A run of non-blank characters and its box; ``char_index`` is its first character's."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    char_index: int


class _Line(NamedTuple):
    """A line of running text and the box of its inked glyphs (None if it has none)."""

    text: str
    box: Box | None


@dataclass
class _Table:
    """A table found on a page: its box, its cells' text row by row, and whether the running text
    has taken it in yet."""

    bbox: Box
    rows: list[list[str]] = field(default_factory=list)
    placed: bool = False


def read_pdf(path: Path) -> PdfText:
    """Read every page of a PDF; raise :class:`PdfError` naming the file on failure."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise PdfError(f"{path}: {diagnose_unreadable(path, str(exc))}") from exc
    try:
        if len(pdf) == 0:
            raise PdfError(f"{path}: PDF has no pages")
        parts: list[str] = []
        length = 0
        page_starts: list[int] = []
        tables: list[ExtractedTable] = []
        empty: list[int] = []
        for number in range(len(pdf)):
            page_starts.append(length)
            pieces, page_tables, ends_paragraph = _read_page(pdf[number], number + 1, length)
            text = "".join(pieces)
            blank = not text or text.isspace()
            if blank:
                empty.append(number + 1)
            parts.append(text)
            length += len(text)
            tables.extend(page_tables)
            # a paragraph that runs on to the next page is not broken by the page; a sentence end
            # can only start at the page's last inked character, so the search starts there
            ended = ends_paragraph or blank or SENTENCE_END.search(text, len(text.rstrip()) - 1)
            joint = "\n\n" if ended else "\n"
            parts.append(joint)
            length += len(joint)
    except PdfError:
        raise
    except Exception as exc:  # a damaged file can fail pdfium, or what is read from it, many ways
        raise PdfError(f"{path}: damaged PDF: {type(exc).__name__}: {exc}") from exc
    finally:
        pdf.close()
    return PdfText("".join(parts), tuple(page_starts), tuple(tables), len(page_starts), tuple(empty))


def diagnose_unreadable(path: Path, pdfium_message: str) -> str:
    """Why pdfium could not open a file, told from its bytes (pdfium's error code can be stale)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        return "not a readable PDF (no %PDF- header: this is not a PDF file)"
    if b"/Encrypt" in data:
        return "encrypted PDF: a password is needed to read it"
    if b"%%EOF" not in data[-2048:]:
        return "not a readable PDF (truncated: the file ends before its %%EOF marker)"
    return f"not a readable PDF (damaged: {pdfium_message})"


def _read_page(page: Any, number: int, offset: int) -> tuple[list[str], list[ExtractedTable], bool]:
    """One page's laid-out text (starting at ``offset`` of the document) and its tables."""
    try:
        height = page.get_height()
        textpage = page.get_textpage()
        try:
            layer = TextLayer(textpage, height)
            tables = _find_tables(layer, page_shapes(page, height))
            return _page_text(layer, tables, number, offset)
        finally:
            textpage.close()
    finally:
        page.close()


class TextLayer:
    """One page's text as pdfium reads it: the raw text, its lines, and boxes of lines, glyphs and
    words in top-down coordinates, each glyph read at most once."""

    def __init__(self, textpage: Any, height: float) -> None:
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        self._textpage = textpage  # pdfium frees the text page when this is collected
        self._handle = textpage.raw
        self._height = height
        # ctypes passes the structure itself by reference, quicker than a pointer object
        self._rect = pdfium_c.FS_RECTF()
        count = textpage.count_chars()
        self.raw: str = textpage.get_text_range(0, count)[:count] if count else ""
        self.lines: list[tuple[int, int]] = []
        """``raw[start:end]`` of each line (pdfium ends lines with ``\\r\\n`` or ``\\n``)."""
        start = 0
        for line in self.raw.split("\n"):
            self.lines.append((start, start + len(line)))
            start += len(line) + 1
        self.boxes: list[Box | None] = self._ink_boxes()
        """The box of each line's inked glyphs (None for a blank line)."""
        self._glyphs: dict[int, list[_Glyph]] = {}
        self._words: dict[int, list[_Word]] = {}

    def glyph_box(self, index: int) -> Box:
        """pdfium's loose box of one character: its font's ascent to descent over its advance,
        widened by any ink of the glyph that reaches beyond."""
        self._c.FPDFText_GetLooseCharBox(self._handle, index, self._rect)
        left, top, right, bottom = _FLOATS.unpack_from(self._rect)
        return left, self._height - top, right, self._height - bottom

    def _ink_boxes(self) -> list[Box | None]:
        """The box of each line's inked glyphs, from its first and last glyph and the ink of its run
        where one text object draws the line, else glyph by glyph."""
        c, handle, raw, height = self._c, self._handle, self.raw, self._height
        count_runs, run_rect = c.FPDFText_CountRects, c.FPDFText_GetRect
        loose_box = c.FPDFText_GetLooseCharBox
        rect, floats, doubles = self._rect, _FLOATS.unpack_from, _DOUBLES.unpack_from
        run = (ctypes.c_double * 4)()
        r0, r1, r2, r3 = (ctypes.c_double.from_buffer(run, 8 * k) for k in range(4))
        boxes: list[Box | None] = []
        for start, end in self.lines:
            text = raw[start:end]
            first = start + len(text) - len(text.lstrip())
            last = start + len(text.rstrip()) - 1
            if last < first:
                boxes.append(None)
                continue
            # measured from the first to the last inked glyph: pdfium boxes the blanks around them
            if count_runs(handle, first, last + 1 - first) == 1:
                # one text object draws the line: its glyphs (one font, one size) advance steadily
                # along one baseline, so the ascent-to-descent boxes of the first and the last
                # span those of all, and ink that reaches beyond them is in the run's rectangle
                measured = run_rect(handle, 0, r0, r1, r2, r3)
                left, top, right, bottom = doubles(run)
                # an all-zero rectangle means pdfium found no inked glyph to measure
                if measured and (left or top or right or bottom):
                    for index in (first, last):
                        loose_box(handle, index, rect)
                        x0, y1, x1, y0 = floats(rect)
                        if x0 < left:
                            left = x0
                        if x1 > right:
                            right = x1
                        if y1 > top:
                            top = y1
                        if y0 < bottom:
                            bottom = y0
                    boxes.append((left, height - top, right, height - bottom))
                    continue
            boxes.append(self.glyph_by_glyph_box(start, end))
        return boxes

    def glyph_by_glyph_box(self, start: int, end: int) -> Box | None:
        """The box of the glyphs that leave a mark in ``raw[start:end]``, read one by one."""
        box = None
        for index in range(start, end):
            if not self.raw[index].isspace():
                box = _union(box, self.glyph_box(index))
        return box

    def glyphs(self, line: int) -> list[_Glyph]:
        """Every character of line number ``line`` but ``\\r``, with its box."""
        if line not in self._glyphs:
            start, end = self.lines[line]
            self._glyphs[line] = [_Glyph(i, self.raw[i], *self.glyph_box(i))
                                  for i in range(start, end) if self.raw[i] != "\r"]
        return self._glyphs[line]

    def words(self, line: int) -> list[_Word]:
        """The words of line number ``line``: its runs of non-blank characters (pdfium puts a blank
        where glyphs stand apart), each boxed from its first to its last glyph."""
        if line not in self._words:
            start, end = self.lines[line]
            handle, height, rect = self._handle, self._height, self._rect
            loose_box, floats = self._c.FPDFText_GetLooseCharBox, _FLOATS.unpack_from
            ligatures = _LIGATURE.search(self.raw, start, end) is not None
            words = []
            for token in _TOKEN.finditer(self.raw, start, end):
                first, last = token.start(), token.end() - 1
                loose_box(handle, first, rect)
                left, top, right, bottom = floats(rect)
                if last > first:
                    loose_box(handle, last, rect)
                    x0, y1, x1, y0 = floats(rect)
                    left, top, right, bottom = min(left, x0), max(top, y1), max(right, x1), min(bottom, y0)
                text = token.group()
                words.append(_Word(text.translate(_EXPAND_LIGATURES) if ligatures else text,
                                   left, height - top, right, height - bottom, first))
            self._words[line] = words
        return self._words[line]

    def lines_with(self, pattern: re.Pattern[str]) -> list[int]:
        """Numbers of the lines in whose text ``pattern`` matches, in order."""
        starts = [start for start, _ in self.lines]
        found = {bisect_right(starts, m.start()) - 1 for m in pattern.finditer(self.raw)}
        return sorted(found)

    def lines_within(self, box: Box) -> list[int]:
        """Numbers of the lines whose ink box meets ``box``."""
        left, top, right, bottom = box
        return [n for n, b in enumerate(self.boxes)
                if b is not None and b[0] <= right and b[2] >= left and b[1] <= bottom and b[3] >= top]

    def words_within(self, box: Box) -> list[_Word]:
        """The words of every line whose ink box meets ``box``, in pdfium's order."""
        return [w for n in self.lines_within(box) for w in self.words(n)]

    def first_ink(self, line: int) -> int:
        """Index of the first glyph of line number ``line`` that leaves a mark."""
        start, end = self.lines[line]
        text = self.raw[start:end]
        return start + len(text) - len(text.lstrip())


def _union(box: Box | None, other: Box) -> Box:
    """The smallest box that holds both (``other`` alone if ``box`` is None)."""
    if box is None:
        return other
    return min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3])


def _page_text(
    layer: TextLayer, tables: list[_Table], number: int, offset: int
) -> tuple[list[str], list[ExtractedTable], bool]:
    """Running text of a page with its tables placed where they begin."""
    raw = layer.raw
    if not tables:
        lines = [_Line(raw[start:end].replace("\r", ""), box)
                 for (start, end), box in zip(layer.lines, layer.boxes, strict=True) if box is not None]
        return _lay_out(lines, number, offset)
    items: list[_Line | _Table] = []
    for n, ((start, end), box) in enumerate(zip(layer.lines, layer.boxes, strict=True)):
        if box is None:
            continue
        near = [t for t in tables if _meets(box, t.bbox, 1.0)]
        if not near:
            items.append(_Line(raw[start:end].replace("\r", ""), box))
            continue
        left, top, right, bottom = layer.glyph_box(layer.first_ink(n))
        owner = _table_at(tables, (left + right) / 2, (top + bottom) / 2)
        if near == [owner] and owner is not None and _inside(box, owner.bbox, 1.0):
            # every inked glyph is in the table, which goes in at the first of them
            if not owner.placed:
                owner.placed = True
                items.append(owner)
        else:
            items.extend(_line_around_tables(layer.glyphs(n), tables))
    for t in tables:
        if not t.placed:
            items.append(t)
    return _lay_out(items, number, offset)


def _meets(box: Box, other: Box, margin: float) -> bool:
    """Whether two boxes touch or overlap once ``other`` is widened by ``margin`` on every side."""
    return (box[0] <= other[2] + margin and box[2] >= other[0] - margin
            and box[1] <= other[3] + margin and box[3] >= other[1] - margin)


def _inside(box: Box, other: Box, margin: float) -> bool:
    """Whether ``box`` lies within ``other`` widened by ``margin`` on every side."""
    return (box[0] >= other[0] - margin and box[2] <= other[2] + margin
            and box[1] >= other[1] - margin and box[3] <= other[3] + margin)


def _line_around_tables(glyphs: list[_Glyph], tables: list[_Table]) -> list[_Line | _Table]:
    """A line less its glyphs inside tables; a table goes in at its first glyph."""
    items: list[_Line | _Table] = []
    text: list[str] = []
    box: Box | None = None
    for glyph in glyphs:
        table = _table_at(tables, (glyph.left + glyph.right) / 2, (glyph.top + glyph.bottom) / 2)
        if table is not None:
            if not table.placed:
                table.placed = True
                items += [_Line("".join(text), box), table]
                text, box = [], None
            continue
        if not glyph.char.isspace():
            box = _union(box, glyph[2:])
        text.append(glyph.char)
    items.append(_Line("".join(text), box))
    return items


def _lay_out(
    items: Sequence[_Line | _Table], number: int, offset: int
) -> tuple[list[str], list[ExtractedTable], bool]:
    """Lines and tables as text; also whether the page's last line ends its paragraph."""
    boxes = [ln.box for ln in items if isinstance(ln, _Line) and ln.box is not None]
    line_height = median(b[3] - b[1] for b in boxes) if boxes else 10.0
    widths = sorted(b[2] - b[0] for b in boxes)
    full_width = widths[int(len(widths) * 0.9)] if widths else 0.0
    paragraph_gap, short_line = PARAGRAPH_GAP * line_height, SHORT_LINE * full_width
    out: list[str] = []
    length = offset
    tables: list[ExtractedTable] = []
    previous: Box | None = None

    def emit(text: str) -> tuple[int, int]:
        nonlocal length
        start = length
        out.append(text)
        length += len(text)
        return start, length

    for item in items:
        if isinstance(item, _Table):
            if out and not "".join(out[-2:]).endswith("\n\n"):
                emit("\n\n" if not "".join(out[-1:]).endswith("\n") else "\n")
            rows = []
            for row in item.rows:
                cells = []
                for k, cell in enumerate(row):
                    if k:
                        emit("\t")
                    start, end = emit(cell)
                    cells.append(TableCell(start, end, cell))
                emit("\n")
                rows.append(tuple(cells))
            emit("\n")
            tables.append(ExtractedTable(number, "", tuple(rows)))
            previous = None
            continue
        box = item.box
        if box is None:
            continue
        if previous is not None:
            gap = box[1] - previous[3]
            # a new column or page: the paragraph ended if its last line was short
            new_paragraph = gap > paragraph_gap or (gap < 0 and previous[2] - previous[0] < short_line)
            out.append("\n\n" if new_paragraph else "\n")
            length += 2 if new_paragraph else 1
        text = item.text.rstrip()
        out.append(text)
        length += len(text)
        previous = box
    ends_paragraph = previous is None or previous[2] - previous[0] < short_line
    return out, tables, ends_paragraph


def _table_at(tables: list[_Table], x: float, y: float) -> _Table | None:
    """The first table whose box, widened by 1pt, holds the point."""
    for t in tables:
        x0, top, x1, bottom = t.bbox
        if x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1:
            return t
    return None


# -- tables: cells from rules and words ------------------------------------------------------------

def _find_tables(layer: TextLayer, shapes: list[Shape]) -> list[_Table]:
    """Ruled grids as pdfplumber's "lines" strategy finds them; tables ruled by horizontal lines
    only, by their rules."""
    if not shapes:
        return []
    found: list[_Table] = []
    for cells in grid_tables(shape_edges(shapes)):
        bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                max(c[2] for c in cells), max(c[3] for c in cells))
        words = layer.words_within(bbox)
        rows = [["" if cell is None else _cell_text(words, cell) for cell in row]
                for row in grid_rows(cells)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            found.append(_Table(bbox, rows))
    for bbox, rule_ys in _horizontal_rule_groups(shapes, layer):
        if any(_overlap(bbox, t.bbox) for t in found):
            continue
        rows = _rows_between_rules(layer.words_within(_band(bbox[1], bbox[3])), bbox, rule_ys)
        if len(rows) >= 2:
            found.append(_Table(bbox, rows))
    return found


def _band(top: float, bottom: float) -> Box:
    """The page's full width between two heights."""
    return float("-inf"), top, float("inf"), bottom


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _cell_text(words: list[_Word], cell: Box) -> str:
    """The words centred in a grid cell (pdfplumber's test, for glyphs), in pdfium's order."""
    x0, top, x1, bottom = cell
    return " ".join(w.text for w in words
                    if x0 <= (w.left + w.right) / 2 < x1 and top <= (w.top + w.bottom) / 2 < bottom)


def _horizontal_rule_groups(shapes: list[Shape], layer: TextLayer) -> list[tuple[Box, list[float]]]:
    """Groups of horizontal rules stacked at row distance: one group per table; a caption word
    ("Table 2") between two rules separates tables."""
    by_y: dict[int, list[tuple[float, float]]] = {}
    for shape in shapes:
        if shape.kind in ("line", "rect"):
            xs, ys = [p[0] for p in shape.points], [p[1] for p in shape.points]
            if max(ys) - min(ys) < 2.0:
                by_y.setdefault(round(min(ys)), []).append((min(xs), max(xs)))
    rules = sorted(
        (y, min(a for a, _ in spans), max(b for _, b in spans))
        for y, spans in by_y.items()
        if max(b for _, b in spans) - min(a for a, _ in spans) >= RULE_MIN_WIDTH
    )
    captions = [w.top for n in layer.lines_with(CAPTION_TEXT) for w in layer.words(n)
                if CAPTION_WORD.match(w.text)]
    groups: list[list[tuple[int, float, float]]] = []
    for rule in rules:
        near = groups and rule[0] - groups[-1][-1][0] <= ROW_MAX_HEIGHT
        # a caption between two rules means the second rule opens another table
        if near and not any(groups[-1][-1][0] < y < rule[0] for y in captions):
            groups[-1].append(rule)
        else:
            groups.append([rule])
    out = []
    for g in groups:
        if len(g) < 2:
            continue
        ys = [float(r[0]) for r in g]
        bounds = ys
        if len(ys) == 2:
            # a single rule between two rows: the rows lie one row height beyond it
            row = ys[1] - ys[0]
            bounds = [ys[0] - row, *ys, ys[-1] + row]
        bbox = (min(r[1] for r in g), bounds[0], max(r[2] for r in g), bounds[-1])
        out.append((bbox, bounds))
    return out


def _rows_between_rules(page_words: list[_Word], bbox: Box, ys: list[float]) -> list[list[str]]:
    """Cells of a horizontally ruled table: rows between rules, columns from word gaps."""
    x0, top, x1, bottom = bbox
    words = [w for w in page_words if x0 - 1 <= w.left and w.right <= x1 + 1
             and top <= (w.top + w.bottom) / 2 <= bottom]
    if not words:
        return []
    # columns: gaps in the union of word extents over all rows
    spans = sorted((w.left, w.right) for w in words)
    columns: list[list[float]] = []
    for a, b in spans:
        if columns and a - columns[-1][1] < COLUMN_GAP:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    middles = [((w.top + w.bottom) / 2, w) for w in words]
    rows: list[list[str]] = []
    for upper, lower in zip(ys, ys[1:], strict=False):
        in_row = [w for middle, w in middles if upper <= middle <= lower]
        if not in_row:
            continue
        cells = []
        for a, b in columns:  # the words are in pdfium's reading order
            cells.append(" ".join(w.text for w in in_row if a - 0.5 <= w.left and w.right <= b + 0.5))
        rows.append(cells)
    return rows
