"""Treatment-list columns of a flattened table: which phase each list column of a header is, and
the split of a row's lines back into one stream of fragments per list column."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from itertools import combinations_with_replacement
from typing import NamedTuple

import yaml

from pipeline.segment.model import TableRow

# A PDF flattened to text interleaves the lines of neighbouring cells: a row's first line holds
# every cell's start, each later line the continuations of the cells that wrap, with no separator
# ("(morning 50 mg, evening 25 mg), belimumab mg bid), tofacitinib (5 mg bid),"). Lists of drugs
# with parenthesised doses follow a small bracket grammar; the split of each line between the
# list columns is the one that keeps every column well-formed.

Fragment = tuple[int, int, int]  # line index, start, end (offsets into that line)
State = tuple[int, str]  # parenthesis depth, kind of the last token
START: State = (0, "START")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_][\w\-]*|[^\w\s]|_")  # "_" is a word character, not a letter
_NON_SPACE = re.compile(r"\S")
_PUNCTUATION = {"(": "OPEN", ")": "CLOSE", ",": "COMMA", ";": "COMMA", ":": "COLON", "|": "NOISE",
                "=": "NOISE", "/": "JOIN", "-": "JOIN", "–": "JOIN", "+": "JOIN"}
_NEVER_IN_A_LIST = ("OTHER", "CELL", "NOISE")
_NO_CUT_BEFORE = ("COMMA", "COLON", "CLOSE")


@dataclass(frozen=True, eq=False)
class ListVocabulary:
    """What the words of a treatment list are: drug names, parts of a dose, or cells of their own.
    (Equal only to itself, so that a vocabulary is quick to hash as a key of :func:`_kind`.)"""

    drugs: tuple[re.Pattern[str], ...]
    drug_may_start: Callable[[str, int], bool]  # whether a drug name may start at an offset of a line
    unit: re.Pattern[str]
    dose: tuple[re.Pattern[str], ...]
    split_words: frozenset[str]
    joiners: frozenset[str]
    cell_words: frozenset[str]


class _Token(NamedTuple):
    """A word or mark of a line (a drug's name may be several words), made by the hundred per
    table row: a named tuple is quicker to make than a dataclass."""

    start: int
    end: int
    kind: str
    name: str = ""  # a drug's name, lower case


@cache
def list_vocabulary() -> ListVocabulary:
    """The vocabulary from package data: drug lexicons, dose patterns, ``table_lists`` cues."""
    from pipeline.extractors.doses import dose_patterns
    from pipeline.extractors.lexicon import load_lexicon
    from pipeline.extractors.phrases import first_words, may_start_at

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
    names = first_words(e.surface for e in entries)
    may_start = partial(may_start_at, words=names) if names is not None else _anywhere
    patterns = dose_patterns()
    return ListVocabulary(tuple(drugs), may_start, patterns["unit"].regex,
                          (patterns["frequency"].regex, patterns["route"].regex),
                          words["split_words"], words["dose_joiners"], words["cell_words"])


def _anywhere(line: str, at: int) -> bool:
    return True


def header_list_phases(header: str) -> tuple[str, ...]:
    """The phases of the treatment-list columns a table header names, left to right."""
    from pipeline.attribution.rules import attribution_rules

    first: dict[str, int] = {}
    for cue in attribution_rules().table_headers:
        if (m := cue.search(header)) and m.start() < first.get(cue.phase, len(header) + 1):
            first[cue.phase] = m.start()
    return tuple(sorted(first, key=first.__getitem__))


def list_column_at(row: TableRow, offset: int) -> int | None:
    """The index of the list column whose fragment holds ``offset``, if any."""
    for n, fragments in enumerate(row.lists):
        if any(a <= offset < b for a, b in fragments):
            return n
    return None


@lru_cache(maxsize=4096)
def _kind(word: str, vocab: ListVocabulary) -> str:
    """What a word that is not a drug's name is in a list. (Kept for the words met last: a list
    repeats its units and frequencies, and telling them tries several long patterns.)"""
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
        drug_end = 0
        if vocab.drug_may_start(line, at):
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
            out[i] = tok._replace(kind="DRUG", name=line[tok.start:tok.end].lower())
    return out


def _join_wrapped_names(
    lines: Sequence[str], tokenized: list[list[_Token]], vocab: ListVocabulary
) -> list[tuple[int, _Token, str]]:
    """A two-word name the layout wrapped ("HCQ, Cys from GC" ... next line "A belimumab"): the
    word before the break becomes the drug, the next line's first word its ``NAME`` tail.
    Returns the line, token and whole name (as written) of each."""
    heads = []
    for i in range(len(lines) - 1):
        following = tokenized[i + 1]
        if not following or following[0].kind not in ("OTHER", "JOIN", "CELL"):
            continue
        tail = lines[i + 1][following[0].start:following[0].end]
        for k, tok in enumerate(tokenized[i]):
            if tok.kind not in ("OTHER", "DRUG"):
                continue
            name = f"{lines[i][tok.start:tok.end]} {tail}"
            if any(rx.fullmatch(name) for rx in vocab.drugs):
                tokenized[i][k] = tok._replace(kind="DRUG", name=name.lower())
                following[0] = following[0]._replace(kind="NAME")
                heads.append((i, tokenized[i][k], name))
                break
    return heads


@cache
def _step(state: State, kind: str) -> tuple[State, int]:
    """Feed one token to a list column: its new state and 1 for a breach of the grammar
    ``DRUG ( dose ) , DRUG ...``, else 0. (Kept for each state and kind met: the split of a row
    feeds thousands of tokens, from the few states a parenthesis depth and a kind make.)"""
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
    elif kind == "NAME":
        bad, kind = last != "DRUG", "DRUG"  # the wrapped tail of a drug's name
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


def _columns(cuts: tuple[int, ...]) -> list[int]:
    """The column of each token of a line cut at ``cuts``."""
    return [c for c in range(len(cuts) - 1) for _ in range(cuts[c], cuts[c + 1])]


Column = tuple[State, bool, frozenset[str]]  # grammar state, last piece short, drugs named
Cost = tuple[int, int, int]  # breaches of the grammar, of the layout, pieces
Choice = tuple[tuple[int, ...], list[tuple[int, ...]]]  # the cuts taken, and every best cut
Fed = tuple[State, int, frozenset[str]]  # grammar state, breaches of the grammar, drugs named


def _feed(tokens: list[_Token], state: State, seen: frozenset[str]) -> list[Fed]:
    """A list column fed ``tokens`` from ``state`` with the drugs ``seen``: after each prefix of
    ``tokens`` (the empty one first), its state, the breaches so far and the drugs named."""
    out = [(state, 0, seen)]
    grammar = 0
    for _, _, kind, name in tokens:
        state, bad = _step(state, kind)
        if name:
            if name in seen:
                bad += 1
            else:
                seen = seen | {name}
        grammar += bad
        out.append((state, grammar, seen))
    return out


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
    all_cuts = [_cuts(tokens, n) for tokens in lines]
    # every line with tokens is cut into one piece at least
    pieces_after = [sum(1 for tokens in lines[i + 1:] if tokens) for i in range(len(lines))]
    # a column's pieces of line i that start at token a, from one state: prefixes of one feed
    fed: dict[tuple[int, int, State, frozenset[str]], list[Fed]] = {}

    def cut(i: int, at: tuple[Column, ...], k: int) -> tuple[Cost, int, tuple[Column, ...]]:
        """Line ``i`` cut its ``k``-th way: the cost, ``k``, and the columns after it."""
        cuts = all_cuts[i][k]
        line = lines[i]
        grammar, layout, pieces, new = 0, 0, 0, list(at)
        for c in range(n):
            a, b = cuts[c], cuts[c + 1]
            if a == b:
                continue
            state, short, seen = at[c]
            layout += short
            pieces += 1
            key = (i, a, state, seen)
            prefixes = fed.get(key)
            if prefixes is None:
                prefixes = fed[key] = _feed(line[a:], state, seen)
            state, bad, seen = prefixes[b - a]
            grammar += bad
            new[c] = (state, 2 * (line[b - 1].end - line[a].start) < widths[c], seen)
        return (grammar, layout, pieces), k, tuple(new)

    def best(i: int, at: tuple[Column, ...]) -> tuple[Cost, list[Choice]]:
        if i == len(lines):
            return (sum(state[0] > 0 for state, _, _ in at), 0, 0), []  # a "(" never closed
        found = memo.get((i, at))
        if found is not None:
            return found
        # cheapest line cut first: once a cut costs more than the best whole split even if the
        # lines after it cost the least they can, no later cut can tie with it
        options = sorted(cut(i, at, k) for k in range(len(all_cuts[i])))
        low: Cost | None = None
        optimal: list[tuple[int, list[Choice]]] = []
        for (grammar, layout, pieces), k, new in options:
            if low is not None and (grammar, layout, pieces + pieces_after[i]) > low:
                break
            (g, lay, pie), path = best(i + 1, new)
            total = (grammar + g, layout + lay, pieces + pie)
            if low is None or total < low:
                low, optimal = total, [(k, path)]
            elif total == low:
                optimal.append((k, path))
        assert low is not None  # a line has one cut at least
        optimal.sort(key=lambda o: o[0])
        cuts_of = all_cuts[i]
        found = memo[i, at] = (low, [(cuts_of[optimal[0][0]], [cuts_of[k] for k, _ in optimal]),
                                     *optimal[0][1]])
        return found

    start = tuple((state, False, names) for state, names in zip(states, named, strict=True))
    out = []
    for _, ties in best(0, start)[1]:
        votes = zip(*(_columns(cuts) for cuts in ties), strict=True)  # a token's column in each
        out.append([columns[0] if len(set(columns)) == 1 else None for columns in votes])
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
    split = read_list_columns(lines, n, vocab)
    return None if split is None else split[0]


def read_list_columns(
    lines: Sequence[str], n: int, vocab: ListVocabulary | None = None
) -> tuple[list[list[Fragment]], list[tuple[int, int, int, str]]] | None:
    """:func:`split_list_columns`, and the two-word names the layout wrapped over a line break
    (``Cys`` ... next line ``A``): the line, start and end of the word before the break and the
    whole name as written."""
    vocab = vocab or list_vocabulary()
    tokenized = [_tokens(line, vocab) for line in lines]
    heads = [(i, tok.start, tok.end, name) for i, tok, name in _join_wrapped_names(lines, tokenized, vocab)]
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
    return fragments, heads
