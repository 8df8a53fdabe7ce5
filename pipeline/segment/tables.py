"""Read a table region: its caption, header, rows (flattened or cellular) and footnote, and
split the rows of a flattened table into the treatment-list columns its header names."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations_with_replacement
from typing import Protocol

import yaml

from pipeline.segment.model import Table, TableRow

ROW_NUMBER = re.compile(r"^[ \t]*(?P<n>\d{1,3})(?=[ \t]+\S)")
PROSE_PARAGRAPH = re.compile(r"^[A-Z][a-z]+(?: [a-z]+){5,}.*[.]$", re.S)


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
        and not re.search(r"\d", body[0].text[:3])
    ):
        # a caption continued on the next paragraph ("Table1" then its title)
        caption_text += " " + body[0].stripped
        body = body[1:]
    rows, header, flattened = _rows(body)
    phases: tuple[str, ...] = ()
    if header is not None:
        header_lines = [line.text for line in body if header[0] <= line.start < header[1]]
        phases = header_list_phases("\n".join(header_lines))
    if flattened and len(phases) >= 2:
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
        bounds = [m.start() for m in re.finditer(r"\|", text)]
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
            if re.fullmatch(r"[\s|:\-]+", line.text):
                continue  # Markdown separator row
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


# ---- treatment-list columns of a flattened table ----------------------------------------------
# A PDF flattened to text interleaves the lines of neighbouring cells: a row's first line holds
# every cell's start, each later line the continuations of the cells that wrap, with no separator
# ("(morning 50 mg, evening 25 mg), belimumab mg bid), tofacitinib (5 mg bid),"). Lists of drugs
# with parenthesised doses follow a small bracket grammar; the split of each line between the
# list columns is the one that keeps every column well-formed.

Fragment = tuple[int, int, int]  # line index, start, end (offsets into that line)
State = tuple[int, str]  # parenthesis depth, kind of the last token
START: State = (0, "START")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_][\w\-]*|[^\w\s]")
_NON_SPACE = re.compile(r"\S")
_PUNCTUATION = {"(": "OPEN", ")": "CLOSE", ",": "COMMA", ";": "COMMA", ":": "COLON", "|": "NOISE",
                "=": "NOISE", "/": "JOIN", "-": "JOIN", "–": "JOIN", "+": "JOIN"}
_NEVER_IN_A_LIST = ("OTHER", "CELL", "NOISE")
_NO_CUT_BEFORE = ("COMMA", "COLON", "CLOSE")


@dataclass(frozen=True)
class ListVocabulary:
    """What the words of a treatment list are: drug names, parts of a dose, or cells of their own."""

    drugs: tuple[re.Pattern[str], ...]
    unit: re.Pattern[str]
    dose: tuple[re.Pattern[str], ...]
    split_words: frozenset[str]
    joiners: frozenset[str]
    cell_words: frozenset[str]


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    kind: str
    name: str = ""  # a drug's name, lower case


@cache
def list_vocabulary() -> ListVocabulary:
    """The vocabulary from package data: drug lexicons, dose patterns, ``table_lists`` cues."""
    from pipeline.extractors.doses import dose_patterns
    from pipeline.extractors.lexicon import load_lexicon

    origin = "pipeline/data/attribution.yaml"
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("attribution.yaml").read_text("utf-8"))
    cues = data.get("table_lists")
    words: dict[str, frozenset[str]] = {}
    for key in ("cell_words", "split_words", "dose_joiners"):
        items = cues.get(key) if isinstance(cues, dict) else None
        if not isinstance(items, list) or not all(isinstance(w, str) for w in items):
            raise ValueError(f"{origin}: table_lists.{key} must be a list of words")
        words[key] = frozenset(w.lower() for w in items)
    entries = [e for name in ("drugs.tsv", "drug_classes.tsv") for e in load_lexicon(name)]
    drugs = []
    for exact in (True, False):
        surfaces = sorted((re.escape(e.surface) for e in entries if e.exact == exact), key=len, reverse=True)
        drugs.append(re.compile(rf"(?<![\w-])(?:{'|'.join(surfaces)})(?![\w-])", 0 if exact else re.I))
    patterns = dose_patterns()
    return ListVocabulary(tuple(drugs), patterns["unit"].regex,
                          (patterns["frequency"].regex, patterns["route"].regex),
                          words["split_words"], words["dose_joiners"], words["cell_words"])


def header_list_phases(header: str) -> tuple[str, ...]:
    """The phases of the treatment-list columns a table header names, left to right."""
    from pipeline.attribution.rules import attribution_rules

    first: dict[str, int] = {}
    for phase, rx in attribution_rules().table_headers:
        if (m := rx.search(header)) and m.start() < first.get(phase, len(header) + 1):
            first[phase] = m.start()
    return tuple(sorted(first, key=first.__getitem__))


def list_column_at(row: TableRow, offset: int) -> int | None:
    """The index of the list column whose fragment holds ``offset``, if any."""
    for n, fragments in enumerate(row.lists):
        if any(a <= offset < b for a, b in fragments):
            return n
    return None


def _with_lists(row: TableRow, body: Sequence[LineLike], n: int) -> TableRow:
    lines = [line for line in body if row.start <= line.start <= row.end and line.text.strip()]
    columns = split_list_columns([line.text for line in lines], n)
    if columns is None:
        return row
    lists = tuple(tuple((lines[i].start + a, lines[i].start + b) for i, a, b in col) for col in columns)
    return dataclasses.replace(row, lists=lists)


def _kind(word: str, vocab: ListVocabulary) -> str:
    if word[0].isdigit():
        return "NUM"
    if word in _PUNCTUATION:
        return _PUNCTUATION[word]
    lower = word.lower()
    if not word[0].isalpha():
        return "OTHER"
    if lower in vocab.cell_words:
        return "CELL"
    if vocab.unit.fullmatch(word):
        return "UNIT"
    if lower in vocab.split_words:
        return "SPLIT"
    if any(rx.fullmatch(word) for rx in vocab.dose):
        return "DOSE"
    return "JOIN" if lower in vocab.joiners else "OTHER"


def _tokens(line: str, vocab: ListVocabulary) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while m := _NON_SPACE.search(line, pos):
        at = m.start()
        drug_end = max((d.end() for rx in vocab.drugs if (d := rx.match(line, at))), default=0)
        if drug_end and line[at:drug_end].lower() not in vocab.cell_words:
            out.append(_Token(at, drug_end, "DRUG", line[at:drug_end].lower()))
            pos = drug_end
            continue
        t = _TOKEN.match(line, at)
        assert t is not None  # \S always starts a token
        out.append(_Token(at, t.end(), _kind(t.group(0), vocab)))
        pos = t.end()
    # a word the lexicons lack, before a parenthesised dose, is a drug: "telitacicept (80 mg qw)"
    for i, tok in enumerate(out[:-2]):
        if tok.kind == "OTHER" and line[tok.start].isalpha() and out[i + 1].kind == "OPEN" \
                and out[i + 2].kind in ("NUM", "SPLIT"):
            out[i] = dataclasses.replace(tok, kind="DRUG", name=line[tok.start:tok.end].lower())
    return out


def _step(state: State, kind: str) -> tuple[State, int]:
    """Feed one token to a list column: its new state and 1 for a breach of the grammar
    ``DRUG ( dose ) , DRUG ...``, else 0."""
    depth, last = state
    after_comma = last in ("COMMA", "SPLIT_COMMA")
    bad = False
    if kind == "DRUG":
        if depth and after_comma:
            depth = 0  # "HCQ (100 mg bid, tacrolimus": a ")" lost by the PDF
        elif depth:
            bad, depth = True, 0
        else:
            bad = last not in ("START", "COMMA")
    elif kind == "OPEN":
        bad = depth > 0 or last != "DRUG"
        depth += 1
    elif kind == "CLOSE":
        bad = depth == 0 or last in ("OPEN", "COMMA", "SPLIT_COMMA")
        depth = max(0, depth - 1)
    elif kind == "COMMA":
        bad = (last in ("START", "OPEN", "COLON") or after_comma
               or (depth == 0 and last not in ("DRUG", "CLOSE")))
        kind = "SPLIT_COMMA" if depth and last == "SPLIT" else kind
    elif kind == "COLON":
        bad = depth == 0 or last != "SPLIT"
    elif kind == "NUM":
        bad = depth == 0 or last not in ("OPEN", "COLON", "SPLIT", "JOIN", "SPLIT_COMMA")
    elif kind == "UNIT":
        bad = depth == 0 or last not in ("NUM", "JOIN")
    elif kind == "DOSE":
        bad = depth == 0 or last not in ("UNIT", "DOSE", "JOIN", "COMMA")
    elif kind in ("SPLIT", "JOIN"):
        bad = depth == 0
    else:
        bad = True
    return (depth, kind), int(bad)


def _first_line(tokens: list[_Token], n: int) -> tuple[list[list[_Token]], list[State]] | None:
    """The list columns of a row's first line: each starts at a drug name and runs until a token
    that cannot continue it (a number cell, a status word, a stray ``|``)."""
    columns: list[list[_Token]] = []
    states: list[State] = []
    in_list = False
    for tok in tokens:
        if in_list:
            state, bad = _step(states[-1], tok.kind)
            if not bad and tok.kind not in _NEVER_IN_A_LIST:
                columns[-1].append(tok)
                states[-1] = state
                continue
            in_list = False
            if len(columns) == n:
                break
        if tok.kind == "DRUG":
            columns.append([tok])
            states.append(_step(START, "DRUG")[0])
            in_list = True
    return (columns, states) if len(columns) == n else None


def _cuts(tokens: list[_Token], n: int) -> list[tuple[int, ...]]:
    """Ways to cut a line's list tokens into ``n`` consecutive (maybe empty) column pieces."""
    allowed = [j for j in range(len(tokens) + 1)
               if j in (0, len(tokens)) or tokens[j].kind not in _NO_CUT_BEFORE]
    return [(0, *inner, len(tokens)) for inner in combinations_with_replacement(allowed, n - 1)]


def _column_of(cuts: tuple[int, ...], j: int) -> int:
    return next(c for c in range(len(cuts) - 1) if cuts[c] <= j < cuts[c + 1])


Column = tuple[State, bool, frozenset[str]]  # grammar state, last piece short, drugs named
Cost = tuple[int, int, int]  # breaches of the grammar, of the layout, pieces
Choice = tuple[tuple[int, ...], list[tuple[int, ...]]]  # the cuts taken, and every best cut


def _split_continuations(
    lines: list[list[_Token]], states: tuple[State, ...], widths: tuple[int, ...],
    named: tuple[frozenset[str], ...],
) -> list[list[int | None]]:
    """For each continuation line, the column of each list token (``None`` where two best splits
    disagree). The best splits breach the grammar least over the whole row (a list names a drug
    once), then the layout (a cell wraps only when its line is full, so a piece that its column
    continues after on a later line is at least half as long as the column's first line), then
    cut the lines into the fewest pieces."""
    n = len(states)
    memo: dict[tuple[int, tuple[Column, ...]], tuple[Cost, list[Choice]]] = {}

    def best(i: int, at: tuple[Column, ...]) -> tuple[Cost, list[Choice]]:
        if i == len(lines):
            return (sum(state[0] > 0 for state, _, _ in at), 0, 0), []  # a "(" never closed
        if (i, at) not in memo:
            options = []
            for cuts in _cuts(lines[i], n):
                grammar, layout, pieces, new = 0, 0, 0, list(at)
                for c in range(n):
                    piece = lines[i][cuts[c]:cuts[c + 1]]
                    if not piece:
                        continue
                    state, short, seen = new[c]
                    layout += short
                    pieces += 1
                    for tok in piece:
                        state, bad = _step(state, tok.kind)
                        grammar += bad + (tok.name in seen)
                        seen = seen | {tok.name} if tok.name else seen
                    new[c] = (state, 2 * (piece[-1].end - piece[0].start) < widths[c], seen)
                (g, lay, pie), path = best(i + 1, tuple(new))
                options.append(((grammar + g, layout + lay, pieces + pie), cuts, path))
            low = min(o[0] for o in options)
            optimal = [o for o in options if o[0] == low]
            memo[i, at] = (low, [(optimal[0][1], [o[1] for o in optimal]), *optimal[0][2]])
        return memo[i, at]

    start = tuple((state, False, names) for state, names in zip(states, named, strict=True))
    out = []
    for tokens, (_, ties) in zip(lines, best(0, start)[1], strict=True):
        columns: list[int | None] = []
        for j in range(len(tokens)):
            votes = {_column_of(cuts, j) for cuts in ties}
            columns.append(votes.pop() if len(votes) == 1 else None)
        out.append(columns)
    return out


def split_list_columns(
    lines: Sequence[str], n: int, vocab: ListVocabulary | None = None
) -> list[list[Fragment]] | None:
    """Split the lines of one flattened table row into its ``n`` treatment-list columns.

    Returns, per column, its fragments ``(line index, start, end)`` in reading order, or ``None``
    when the first line does not show ``n`` lists. On later lines the list text is the prefix
    before the first word that is neither a drug nor part of a dose; the rest belongs to the
    other columns. Text that two equally good splits give to different columns is left out.
    """
    vocab = vocab or list_vocabulary()
    tokenized = [_tokens(line, vocab) for line in lines]
    if not tokenized:
        return None
    first = _first_line(tokenized[0], n)
    if first is None:
        return None
    columns, states = first
    fragments: list[list[Fragment]] = [[(0, col[0].start, col[-1].end)] for col in columns]
    later = []
    for tokens in tokenized[1:]:
        stop = next((j for j, t in enumerate(tokens) if t.kind in ("OTHER", "CELL")), len(tokens))
        later.append([t for t in tokens[:stop] if t.kind != "NOISE"])
    widths = tuple(col[-1].end - col[0].start for col in columns)
    named = tuple(frozenset(t.name for t in col if t.name) for col in columns)
    placed_lines = _split_continuations(later, tuple(states), widths, named)
    for i, (tokens, placed) in enumerate(zip(later, placed_lines, strict=True), start=1):
        j = 0
        while j < len(tokens):
            k, column = j, placed[j]
            while k + 1 < len(tokens) and placed[k + 1] == column:
                k += 1
            if column is not None:
                fragments[column].append((i, tokens[j].start, tokens[k].end))
            j = k + 1
    return fragments
