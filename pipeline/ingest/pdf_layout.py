"""PDF text and tables: pypdfium2 reads the text layer in reading order, pdfplumber finds the
tables (fully ruled grids and journal tables ruled only by horizontal lines).

pdfplumber parses a page's whole content in Python, which costs far more than reading its text,
so it reads only the pages that draw lines (rules are path objects, which pypdfium2 lists
cheaply): a page without any path has no ruled table.

The laid-out text has a blank line between paragraphs (found from vertical gaps between lines),
``\\n\\n`` between pages, and each table in its place as one line per row with cells joined by
tabs. Text inside a table's box is not repeated as running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from pipeline.ingest.document import ExtractedTable, TableCell

# a gap between lines (font ascent-to-descent boxes) above this share of the line height
# starts a paragraph
PARAGRAPH_GAP = 0.25
RULE_MIN_WIDTH = 40.0
ROW_MAX_HEIGHT = 80.0
COLUMN_GAP = 6.0
CAPTION_WORD = re.compile(r"^(?:TABLE|Table)(?:\d{1,2})?$")
SENTENCE_END = re.compile(r"[.!?)\]]\s*$|\n\n\s*$")
SHORT_LINE = 0.9  # a line this much narrower than the page's lines ends its paragraph
FORM_DEPTH = 64  # nesting of form XObjects searched for paths; pdfium parses at most 40 levels
INK = re.compile(r"\S")  # a character that leaves a mark: only these give a line its box


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


@dataclass
class _Line:
    """A line of running text and the box of its glyphs (top-down coordinates)."""

    text: str = ""
    top: float = 0.0
    bottom: float = 1e9
    left: float = 1e9
    right: float = 0.0
    chars: int = 0

    def cover(self, left: float, top: float, right: float, bottom: float) -> None:
        """Widen the line's box over one glyph's box (top-down coordinates)."""
        self.top = min(self.top or top, top)
        self.bottom = bottom if self.bottom == 1e9 else max(self.bottom, bottom)
        self.left = min(self.left, left)
        self.right = max(self.right, right)
        self.chars += 1


@dataclass
class _Table:
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom (top-down coordinates)
    rows: list[list[str]] = field(default_factory=list)
    placed: bool = False


def read_pdf(path: Path) -> PdfText:
    """Read every page of a PDF; raise :class:`PdfError` naming the file on failure."""
    import pdfplumber
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
        with pdfplumber.open(str(path)) as plumb:
            for number in range(len(pdf)):
                page_starts.append(length)
                # every page is looked up in pdfplumber too, so that a file whose page tree
                # pdfminer cannot read fails as it always did
                plumb_page = plumb.pages[number]
                page = pdf[number]
                found = _find_tables(plumb_page) if _has_paths(page) else []
                pieces, page_tables, ends_paragraph = _page_text(page, found, number + 1, length)
                text = "".join(pieces)
                if not text.strip():
                    empty.append(number + 1)
                parts.append(text)
                length += len(text)
                tables.extend(page_tables)
                # a paragraph that runs on to the next page is not broken by the page
                ended = ends_paragraph or not text.strip() or SENTENCE_END.search(text)
                joint = "\n\n" if ended else "\n"
                parts.append(joint)
                length += len(joint)
    except PdfError:
        raise
    except Exception as exc:  # pdfminer and pdfium raise many types on damaged files
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


def _has_paths(page: Any) -> bool:
    """Whether a page draws any path (in its forms too): table rules are paths."""
    from pypdfium2.raw import FPDF_PAGEOBJ_PATH

    return any(True for _ in page.get_objects(filter=[FPDF_PAGEOBJ_PATH], max_depth=FORM_DEPTH))


def _page_text(
    page: Any, tables: list[_Table], number: int, offset: int
) -> tuple[list[str], list[ExtractedTable], bool]:
    """Running text of a page with its tables placed where they begin."""
    textpage = page.get_textpage()
    height = page.get_height()
    count = textpage.count_chars()
    raw = textpage.get_text_range(0, count)[:count] if count else ""
    items: list[_Line | _Table] = []
    start = 0
    for line in raw.split("\n"):
        end = start + len(line)
        if tables:
            items.extend(_line_around_tables(textpage, raw, start, end, height, tables))
        else:
            items.append(_line(textpage, raw, start, end, height))
        start = end + 1
    for t in tables:
        if not t.placed:
            items.append(t)
    return _lay_out(items, number, offset)


def _line(textpage: Any, raw: str, start: int, end: int, height: float) -> _Line:
    """The line ``raw[start:end]`` of a page without tables, boxed by its glyphs."""
    line = _Line(raw[start:end].replace("\r", ""))
    for ink in INK.finditer(raw, start, end):
        left, bottom, right, top = textpage.get_charbox(ink.start(), loose=True)
        line.cover(left, height - top, right, height - bottom)
    return line


def _line_around_tables(
    textpage: Any, raw: str, start: int, end: int, height: float, tables: list[_Table]
) -> list[_Line | _Table]:
    """The line ``raw[start:end]`` less the glyphs inside tables; a table goes in at its first glyph."""
    items: list[_Line | _Table] = []
    current = _Line()
    for i in range(start, end):
        ch = raw[i]
        if ch == "\r":
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        y_top, y_bottom = height - top, height - bottom
        table = _table_at(tables, (left + right) / 2, (y_top + y_bottom) / 2)
        if table is not None:
            if not table.placed:
                table.placed = True
                items += [current, table]
                current = _Line()
            continue
        if not ch.isspace():
            current.cover(left, y_top, right, y_bottom)
        current.text += ch
    items.append(current)
    return items


def _lay_out(
    items: list[_Line | _Table], number: int, offset: int
) -> tuple[list[str], list[ExtractedTable], bool]:
    """Lines and tables as text; also whether the page's last line ends its paragraph."""
    heights = [ln.bottom - ln.top for ln in items if isinstance(ln, _Line) and ln.chars]
    line_height = median(heights) if heights else 10.0
    widths = sorted(ln.right - ln.left for ln in items if isinstance(ln, _Line) and ln.chars)
    full_width = widths[int(len(widths) * 0.9)] if widths else 0.0
    out: list[str] = []
    length = offset
    tables: list[ExtractedTable] = []
    previous: _Line | None = None

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
        if not item.chars:
            continue
        text = item.text.rstrip()
        if previous is not None:
            gap = item.top - previous.bottom
            # a new column or page: the paragraph ended if its last line was short
            short = previous.right - previous.left < SHORT_LINE * full_width
            new_paragraph = gap > PARAGRAPH_GAP * line_height or (gap < 0 and short)
            emit("\n\n" if new_paragraph else "\n")
        emit(text)
        previous = item
    ends_paragraph = previous is None or previous.right - previous.left < SHORT_LINE * full_width
    return out, tables, ends_paragraph


def _table_at(tables: list[_Table], x: float, y: float) -> _Table | None:
    for t in tables:
        x0, top, x1, bottom = t.bbox
        if x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1:
            return t
    return None


def _find_tables(page: Any) -> list[_Table]:
    """Ruled grids through pdfplumber; tables ruled by horizontal lines only, by their rules."""
    found: list[_Table] = []
    for table in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        rows = [[_clean_cell(c) for c in row] for row in table.extract()]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            found.append(_Table(tuple(table.bbox), rows))
    words = page.extract_words()
    for bbox, rule_ys in _horizontal_rule_groups(page, words):
        if any(_overlap(bbox, t.bbox) for t in found):
            continue
        rows = _rows_between_rules(words, bbox, rule_ys)
        if len(rows) >= 2:
            found.append(_Table(bbox, rows))
    return found


def _clean_cell(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _horizontal_rule_groups(
    page: Any, words: list[dict[str, Any]]
) -> list[tuple[tuple[float, float, float, float], list[float]]]:
    """Groups of horizontal rules stacked at row distance: one group per table; ``words`` are the
    page's words, for the captions that separate tables."""
    segments = [
        (float(e["x0"]), float(e["x1"]), float(e["top"]))
        for e in list(page.lines) + list(page.rects)
        if abs(float(e["bottom"]) - float(e["top"])) < 2.0
    ]
    by_y: dict[int, list[tuple[float, float]]] = {}
    for x0, x1, y in segments:
        by_y.setdefault(round(y), []).append((x0, x1))
    rules = sorted(
        (y, min(a for a, _ in spans), max(b for _, b in spans))
        for y, spans in by_y.items()
        if max(b for _, b in spans) - min(a for a, _ in spans) >= RULE_MIN_WIDTH
    )
    captions = [float(w["top"]) for w in words if CAPTION_WORD.match(w["text"])]
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


def _rows_between_rules(
    page_words: list[dict[str, Any]], bbox: tuple[float, float, float, float], ys: list[float]
) -> list[list[str]]:
    """Cells of a horizontally ruled table: rows between rules, columns from word gaps."""
    x0, top, x1, bottom = bbox
    words = [w for w in page_words if x0 - 1 <= w["x0"] and w["x1"] <= x1 + 1
             and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
    if not words:
        return []
    # columns: gaps in the union of word extents over all rows
    spans = sorted((w["x0"], w["x1"]) for w in words)
    columns: list[list[float]] = []
    for a, b in spans:
        if columns and a - columns[-1][1] < COLUMN_GAP:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    rows: list[list[str]] = []
    for upper, lower in zip(ys, ys[1:], strict=False):
        in_row = [w for w in words if upper <= (w["top"] + w["bottom"]) / 2 <= lower]
        if not in_row:
            continue
        cells = []
        for a, b in columns:
            cell = sorted((w for w in in_row if a - 0.5 <= w["x0"] and w["x1"] <= b + 0.5),
                          key=lambda w: (round(w["top"]), w["x0"]))
            cells.append(" ".join(w["text"] for w in cell))
        rows.append(cells)
    return rows
