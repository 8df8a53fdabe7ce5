"""What the parse of a regex proves about its matches, so that scanners can skip text no match uses.

Python's ``re`` reads a pattern into a tree of ``(op, arg)`` items with an internal parser
(``re._parser`` from Python 3.11, ``sre_parse`` before); this module is the package's only reader
of that tree. Every answer holds for every match; None (or False) means "cannot tell", never "no".

- :func:`required_literals` (and :func:`required_literals_pattern`, which finds them in any text
  under the regex's own flags): literals one of which every match needs.
- :func:`match_reach`: how far from its start a match reads the text.
- :func:`matches_at_start_only`: whether a match can start only where the text starts.
- :func:`opening`: a zero-width pattern that holds wherever a match can start, made of the
  assertions and the first characters of each alternative, the assertions all alternatives share
  tested once.
- :func:`hyperscan_superset`: the regex in Hyperscan's syntax, widened where the two differ, for
  :mod:`pipeline.match_starts` to tell in one compiled pass where a match can start.

``re`` tries every alternative of a regex, look-behind first, at every offset of a text; a
:class:`Scanner` tries the regex only where a match can start (or, without Hyperscan, where its
opening holds), and not at all in a text without its required literals, and finds what
``regex.finditer`` finds.
"""

from __future__ import annotations

import functools
import re
import sys
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

if sys.version_info >= (3, 11):
    from re import _compiler as regex_compiler  # type: ignore[attr-defined]
    from re import _parser as regex_parser  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_compile as regex_compiler
    import sre_parse as regex_parser

Item = tuple[Any, Any]  # one parsed item: an opcode (``LITERAL``, ``BRANCH``, ...) and its argument
OPENING_CHARACTERS = 4  # of an alternative's opening at most: enough to tell "one" or "two" from "the"
MAX_ALTERNATIVES = 32  # literal strings one requirement may list ("Case" or "CASE", then "l" or "I": 4)
_IGNORECASE = int(re.IGNORECASE)  # a plain int: flag arithmetic on the enum is slow
_REPEATS = tuple(getattr(regex_parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(regex_parser, name))
_ATOMIC_GROUP = getattr(regex_parser, "ATOMIC_GROUP", None)  # ``(?>...)``, from Python 3.11
_ZERO_WIDTH = (regex_parser.AT, regex_parser.ASSERT, regex_parser.ASSERT_NOT)
_ONE_CHARACTER = (regex_parser.LITERAL, regex_parser.NOT_LITERAL, regex_parser.IN, regex_parser.ANY)
_GROUP_REFERENCES = (regex_parser.GROUPREF, regex_parser.GROUPREF_EXISTS)


@functools.lru_cache(maxsize=512)
def parse(pattern: str, flags: int = 0) -> Any:
    """``pattern`` as ``re`` parses it: items in ``.data``, the fewest and most characters a match
    spans in ``.getwidth()``, the flags with the pattern's inline ones in ``.state.flags``. The
    analyses read a long pattern's parse several times, so the last ones are kept (do not change
    them)."""
    return regex_parser.parse(pattern, flags)


def required_literals(regex: re.Pattern[str], *, fold_case: bool = False) -> frozenset[str] | None:
    """Strings of which every match of ``regex`` needs one in the text searched (inside the match or
    in a lookaround beside it): of the sets the parse shows, the one whose shortest string is longest.
    None when no literal is needed, and when ``regex`` ignores case unless ``fold_case``: then only
    ASCII sets count, in lower case, and they tell about ``text.lower()`` of an ASCII ``text`` only
    (the engine folds some other characters, such as the Kelvin sign, onto ASCII letters)."""
    ignores_case = regex.flags & _IGNORECASE
    if ignores_case and not fold_case:
        return None
    found = _literal_sets(parse(regex.pattern, regex.flags).data)
    if ignores_case:
        found = [frozenset(text.lower() for text in f) for f in found if all(map(str.isascii, f))]
    return _most_telling(found)


def required_literals_pattern(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that finds, in any text, one of the strings of which every match of ``regex``
    needs one (as :func:`required_literals` reads them), matched under ``regex``'s flags and so
    folded as ``regex`` folds them when it ignores case; None when no literal is needed."""
    needed = _most_telling(_literal_sets(parse(regex.pattern, regex.flags).data))
    if needed is None:
        return None
    return re.compile("|".join(map(re.escape, sorted(needed))), regex.flags & ~re.VERBOSE)


def _most_telling(found: list[frozenset[str]]) -> frozenset[str] | None:
    """The set whose shortest string is longest (the rarest in a text); fewer alternatives break ties."""
    return max(found, key=lambda f: (min(map(len, f)), -len(f)), default=None)


def _literal_sets(items: Sequence[Item]) -> list[frozenset[str]]:
    """Literal sets that a sequence of parsed items needs: runs of items that each match one of a
    few literal strings (with the literals of lookarounds beside them), and what a group,
    lookaround, repeat or alternation inside the sequence needs."""
    found: list[frozenset[str]] = []
    run = frozenset([""])  # what the text just before this point is, when known
    for op, arg in items:
        if op is regex_parser.AT:  # zero-width: the literals on either side are still adjacent
            continue
        if op is regex_parser.ASSERT:
            direction, body = arg
            if direction < 0:  # a lookbehind's last literals end where the run ends
                behind = _edge_run(body.data, last=True)
                if len(behind) > min(map(len, run)):
                    run = frozenset([behind])
            elif ahead := _edge_run(body.data, last=False):  # zero-width: later items follow the run
                found.append(frozenset(text + ahead for text in run))
            needed = _item_literals(op, arg)
        else:
            exact = _exact_strings(op, arg)
            if exact is not None and len(run) * len(exact) <= MAX_ALTERNATIVES:
                run = frozenset(text + more for text in run for more in exact)
                continue
            if "" not in run:
                found.append(run)
            run = frozenset([""])
            needed = exact or _item_literals(op, arg)
        if needed and "" not in needed:
            found.append(needed)
    if "" not in run:
        found.append(run)
    return found


def _exact_strings(op: Any, arg: Any) -> frozenset[str] | None:
    """The few literal strings that one parsed item matches, if that is all it matches."""
    if op is regex_parser.LITERAL:
        return frozenset(chr(arg))
    if op is regex_parser.IN and all(kind is regex_parser.LITERAL for kind, _ in arg):
        return frozenset(chr(code) for _, code in arg)
    if op is regex_parser.SUBPATTERN and not arg[1] & _IGNORECASE:
        return _exact_sequence(arg[3].data)
    if op is regex_parser.BRANCH:
        alternatives = [_exact_sequence(alt.data) for alt in arg[1]]
        if any(alt is None for alt in alternatives):
            return None
        union = frozenset(text for alt in alternatives if alt for text in alt)
        return union if len(union) <= MAX_ALTERNATIVES else None
    return None


def _exact_sequence(items: Sequence[Item]) -> frozenset[str] | None:
    """The few literal strings that a sequence of parsed items matches, if that is all."""
    strings = frozenset([""])
    for op, arg in items:
        if op is regex_parser.AT:
            continue
        exact = _exact_strings(op, arg)
        if exact is None or len(strings) * len(exact) > MAX_ALTERNATIVES:
            return None
        strings = frozenset(text + more for text in strings for more in exact)
    return strings


def _edge_run(items: Sequence[Item], *, last: bool) -> str:
    """The literal characters that a sequence of parsed items starts (or ends) with."""
    run = ""
    for op, arg in reversed(items) if last else items:
        if op is regex_parser.LITERAL:
            run = chr(arg) + run if last else run + chr(arg)
        elif op is not regex_parser.AT:
            break
    return run


def _item_literals(op: Any, arg: Any) -> frozenset[str] | None:
    """What one parsed item that matches more than a few strings needs (None: nothing known)."""
    if op is regex_parser.BRANCH:
        alternatives = [_most_telling(_literal_sets(alt.data)) for alt in arg[1]]
        if any(alt is None for alt in alternatives):
            return None
        return frozenset(text for alt in alternatives if alt for text in alt)
    if op is regex_parser.SUBPATTERN and not arg[1] & _IGNORECASE:
        body = arg[3]
    elif op is regex_parser.ASSERT:  # a positive lookaround's text is in the source too
        body = arg[1]
    elif op in _REPEATS and arg[0] >= 1:
        body = arg[2]
    elif op is _ATOMIC_GROUP:
        body = arg
    else:
        return None
    return _most_telling(_literal_sets(body.data))


def match_reach(regex: re.Pattern[str]) -> int | None:
    """How far from where a match of ``regex`` starts the text it matches, or looks at around it,
    can lie; None when there is no bound, or when ``regex`` can match the empty string."""
    parsed = parse(regex.pattern, regex.flags)
    if parsed.getwidth()[0] == 0:
        return None
    width = _width(parsed.data)
    return None if width is None else width + 1  # \b, ^ and $ look at the character beside them


def _width(items: Sequence[Item]) -> int | None:
    """The most characters a sequence of parsed items matches, counting what lookarounds read as
    matched; None when unbounded or not known."""
    total = 0
    for op, arg in items:
        if op is regex_parser.AT:
            continue
        if op in (regex_parser.LITERAL, regex_parser.NOT_LITERAL, regex_parser.ANY, regex_parser.IN):
            width: int | None = 1
        elif op is regex_parser.SUBPATTERN:
            width = _width(arg[3].data)
        elif op in (regex_parser.ASSERT, regex_parser.ASSERT_NOT):
            width = _width(arg[1].data)
        elif op is regex_parser.BRANCH:
            widths = [_width(alt.data) for alt in arg[1]]
            width = None if None in widths else max(w for w in widths if w is not None)
        elif op in _REPEATS:
            _low, high, body = arg
            inner = _width(body.data)
            width = None if inner is None or high == regex_parser.MAXREPEAT else high * inner
        elif op is _ATOMIC_GROUP:
            width = _width(arg.data)
        else:  # group references and the like
            width = None
        if width is None:
            return None
        total += width
    return total


def matches_at_start_only(regex: re.Pattern[str]) -> bool:
    """Whether every match of ``regex`` starts where the text searched starts: its pattern opens
    with ``\\A``, or with ``^`` and the regex is not MULTILINE."""
    opening = parse(regex.pattern, regex.flags).data[:1]
    return opening == [(regex_parser.AT, regex_parser.AT_BEGINNING_STRING)] or (
        opening == [(regex_parser.AT, regex_parser.AT_BEGINNING)] and not regex.flags & re.MULTILINE)


def opening(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A zero-width pattern that holds at every offset where ``regex`` can match, or None when
    its parse does not tell (it can match an empty string, or refers back to a group)."""
    parsed = parse(regex.pattern, regex.flags)
    runs = None if _refers_back(parsed.data) else _openings(list(parsed.data), (), 0)
    if runs is None:
        return None
    unique = list({repr(run): run for run in runs}.values())
    shared = 0
    while all(run[shared][0] in _ZERO_WIDTH and repr(run[shared]) == repr(unique[0][shared])
              for run in unique):
        shared += 1
    state = parsed.state
    rests = [regex_parser.SubPattern(state, list(run[shared:])) for run in unique]
    either = regex_parser.SubPattern(state, [(regex_parser.BRANCH, (None, rests))])
    return regex_compiler.compile(
        regex_parser.SubPattern(state, [*unique[0][:shared], (regex_parser.ASSERT, (1, either))]),
        regex.flags)


_END: Item = (None, None)  # closes a repeat's body in :func:`_openings`: what follows it is not read


def _openings(items: list[Item], run: tuple[Item, ...], chars: int) -> list[tuple[Item, ...]] | None:
    """The openings of the sequence ``items`` after ``run``, which holds ``chars`` characters:
    groups, alternatives and repeats before the first character are unfolded; None when some
    path can match no character or opens with something not read here."""
    for i, (op, arg) in enumerate(items):
        if op in _ZERO_WIDTH:
            run += ((op, arg),)
        elif op in _ONE_CHARACTER:
            run += ((op, arg),)
            chars += 1
            if chars == OPENING_CHARACTERS:
                break
        elif chars or op is None:
            break
        elif (body := _plain_body(op, arg)) is not None:
            return _openings([*body, *items[i + 1:]], run, chars)
        elif op is regex_parser.BRANCH:
            out: list[tuple[Item, ...]] = []
            for alternative in arg[1]:
                found = _openings([*alternative.data, *items[i + 1:]], run, chars)
                if found is None:
                    return None
                out += found
            return out
        elif op in _REPEATS:
            low, _high, body = arg
            once = _openings([*body.data, _END], run, chars)
            if low or once is None:
                return once
            rest = _openings(items[i + 1:], run, chars)
            return None if rest is None else once + rest
        else:
            return None
    return [run] if chars else None


def _plain_body(op: Any, arg: Any) -> list[Item] | None:
    """The items of a group that sets no flags, or of an atomic group; None for other items."""
    if op is regex_parser.SUBPATTERN and not arg[1] and not arg[2]:
        return list(arg[3].data)
    if op is not None and op is _ATOMIC_GROUP:  # None: Python 3.10, which has no atomic groups
        return list(arg.data)
    return None


def _refers_back(node: Any) -> bool:
    """Whether a parsed regex (or a part of one) refers back to a group."""
    if isinstance(node, regex_parser.SubPattern):
        node = node.data
    if isinstance(node, list | tuple):
        return any(_refers_back(item) for item in node)
    return any(node is opcode for opcode in _GROUP_REFERENCES)


_SCANNERS: dict[int, tuple[re.Pattern[str], Scanner]] = {}


def scanner_of(regex: re.Pattern[str]) -> Scanner:
    """The one :class:`Scanner` of a compiled regex (built when first asked for). Looked up by
    the regex's identity: hashing a compiled regex hashes its whole compiled code."""
    found = _SCANNERS.get(id(regex))
    if found is None:  # the regex is kept with its scanner, so its id is never reused
        found = _SCANNERS[id(regex)] = (regex, Scanner(regex))
    return found[1]


class TextStarts:
    """Where matches of regexes can start in one text (:meth:`Scanner.starts`, read once a regex),
    and whether one can start in a stretch of it: a stretch (a sentence, the words before a
    mention) holds a match of a regex, searched as a slice or with ``pos`` and ``endpos``, only if
    one of the regex's starts lies in it. Bisecting says so for less than a search costs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[int, tuple[re.Pattern[str], list[int] | None]] = {}  # by id(), regex kept

    def of(self, regex: re.Pattern[str]) -> list[int] | None:
        """Every offset of the text where a match of ``regex`` can start, in order; None when not
        known."""
        known = self._starts.get(id(regex))
        if known is None:
            known = self._starts[id(regex)] = (regex, scanner_of(regex).starts(self.text))
        return known[1]

    def between(self, regex: re.Pattern[str], begin: int, end: int) -> list[int] | None:
        """The starts of ``regex`` in ``text[begin:end]``, in order; None when not known."""
        starts = self.of(regex)
        return None if starts is None else starts[bisect_left(starts, begin):bisect_left(starts, end)]

    def can_start(self, regex: re.Pattern[str], begin: int, end: int) -> bool:
        """False when no match of ``regex`` can start in ``text[begin:end]``."""
        starts = self.of(regex)
        return starts is None or bisect_left(starts, begin) < bisect_left(starts, end)


class Scanner:
    """A regex with its :func:`required_literals_pattern`, :func:`opening` and
    :class:`pipeline.match_starts.MatchStarts`, read once (build it once per regex: reading a parse
    takes a while, and the match starts are compiled when first asked for)."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.needed = required_literals_pattern(regex)
        self._starts: Any = None  # MatchStarts, None until built, False when there is none
        self._opening: Any = None  # the opening, None until built, False when there is none

    @property
    def opening(self) -> re.Pattern[str] | None:
        """:func:`opening` of the regex (built when first asked for)."""
        if self._opening is None:
            self._opening = opening(self.regex) or False
        return self._opening or None

    def may_match(self, text: str) -> bool:
        """False when ``text`` holds none of the required literals, so no match."""
        return self.needed is None or self.needed.search(text) is not None

    def starts(self, text: str) -> list[int] | None:
        """Every offset of ``text`` where a match can start, in order; a match of the regex in any
        stretch ``text[a:b]`` starts at one of them too. None when Hyperscan cannot tell."""
        if self._starts is None:
            from pipeline.match_starts import match_starts

            self._starts = match_starts(self.regex) or False
        if self._starts:
            return self._starts(text)  # no start in a text without the required literals either
        return [] if not self.may_match(text) else None

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``, the regex tried only where a match can start: where
        :class:`~pipeline.match_starts.MatchStarts` says so, or else where its opening holds (and
        nowhere when the text cannot hold a match)."""
        starts: Iterable[int] | None = self.starts(text)
        if starts is None:
            if self.opening is None:
                yield from self.regex.finditer(text)
                return
            starts = (at.start() for at in self.opening.finditer(text))
        end = 0
        match = self.regex.match
        for start in starts:
            if start >= end and (m := match(text, start)):
                yield m
                end = m.end()


# -- a superset of a regex in Hyperscan's syntax ---------------------------------------------------

_ASCII_CODES = frozenset(range(128))
_ASCII_WORD = frozenset(c for c in range(128) if chr(c).isalnum() or c == ord("_"))
_ASCII_DIGITS = frozenset(range(ord("0"), ord("9") + 1))
_ASCII_SPACE = frozenset(c for c in range(128) if chr(c).isspace())
_CATEGORY_CODES = {
    regex_parser.CATEGORY_DIGIT: _ASCII_DIGITS, regex_parser.CATEGORY_NOT_DIGIT: _ASCII_CODES - _ASCII_DIGITS,
    regex_parser.CATEGORY_WORD: _ASCII_WORD, regex_parser.CATEGORY_NOT_WORD: _ASCII_CODES - _ASCII_WORD,
    regex_parser.CATEGORY_SPACE: _ASCII_SPACE, regex_parser.CATEGORY_NOT_SPACE: _ASCII_CODES - _ASCII_SPACE}
FOLDED_ONTO_ASCII = {0x130: ord("i"), 0x131: ord("i"), 0x17F: ord("s"), 0x212A: ord("k")}
"""The characters past ASCII that ``re`` matches to an ASCII letter when case is ignored (the dotted
and dotless i, the long s, the Kelvin sign); a test checks this against every code point."""
BEYOND_ASCII = 0x80
"""The byte that stands for every character past ASCII in the text Hyperscan reads (see
:mod:`pipeline.match_starts`): one byte a character, so that offsets are the text's own."""
_GROUPS = tuple(op for op in (regex_parser.BRANCH, regex_parser.SUBPATTERN, _ATOMIC_GROUP) if op is not None)
"""Items whose translation is a group of its own."""


class _Untranslated(Exception):
    """A regex construct that :func:`hyperscan_superset` does not translate."""


HYPERSCAN_MAX_LENGTH = 15_000
"""Hyperscan refuses a pattern much longer (its limit is near 16,000 characters)."""


def hyperscan_superset(regex: re.Pattern[str], *, backwards: bool = False,
                       max_length: int = HYPERSCAN_MAX_LENGTH) -> str | None:
    """A pattern in Hyperscan's syntax that matches every stretch of text a match of ``regex``
    spans, and maybe more, in the text as :mod:`pipeline.match_starts` gives it to Hyperscan: one
    byte a character, every character past ASCII as :data:`BEYOND_ASCII`. Look-arounds and anchors
    are left out; with ``backwards`` it matches the same stretches read back to front. None when
    ``regex`` can match the empty string or refers back to a group.

    A regex whose translation is longer than ``max_length`` gives the longest opening part of it
    that fits: it matches every stretch a match *starts* with, which is all that backwards reading
    (see :mod:`pipeline.match_starts`) needs to tell where a match can start."""
    parsed = parse(regex.pattern, regex.flags)
    if parsed.getwidth()[0] == 0:
        return None
    flags = parsed.state.flags
    wrapper = len("(?i:)") if flags & _IGNORECASE else 0
    try:
        parts = _superset_opening(parsed.data, flags, backwards, max_length - wrapper)
    except _Untranslated:
        return None
    if not parts:
        return None
    body = "".join(reversed(parts) if backwards else parts)
    return f"(?i:{body})" if flags & _IGNORECASE else body


def _superset_sequence(items: Sequence[Item], flags: int, backwards: bool) -> str:
    parts = [_superset_item(op, arg, flags, backwards) for op, arg in items]
    return "".join(reversed(parts) if backwards else parts)


def _superset_opening(items: Sequence[Item], flags: int, backwards: bool, budget: int) -> list[str]:
    """The translated items, in their order, of the longest opening part of ``items`` that fits in
    ``budget`` characters; the last may be the opening part of a long item."""
    parts: list[str] = []
    for op, arg in items:
        part = _superset_item(op, arg, flags, backwards)
        if len(part) > budget:
            part = _shortened(op, arg, flags, backwards, budget)
            if part:
                parts.append(part)
            break
        parts.append(part)
        budget -= len(part)
    return parts


def _shortened(op: Any, arg: Any, flags: int, backwards: bool, budget: int) -> str:
    """A pattern that fits in ``budget`` and matches what every match of one item starts with, or
    "" when nothing fits or the item may match nothing (an optional part)."""
    def opening_of(items: Sequence[Item], inner: int, room: int) -> str:
        parts = _superset_opening(items, inner, backwards, room)
        return "".join(reversed(parts) if backwards else parts)

    if op is regex_parser.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        inner = (flags | add_flags) & ~del_flags
        opening = "(?:" if (inner ^ flags) & _IGNORECASE == 0 else "(?i:" if inner & _IGNORECASE else "(?-i:"
        shortened = opening_of(body.data, inner, budget - len(opening) - 1)
        return opening + shortened + ")" if shortened else ""
    if op is _ATOMIC_GROUP:
        shortened = opening_of(arg.data, flags, budget - 4)
        return f"(?:{shortened})" if shortened else ""
    if op in _REPEATS and arg[0] >= 1:  # every match opens with the body once
        body = arg[2].data
        if len(body) == 1 and body[0][0] in _GROUPS:
            only, only_arg = body[0]
            return _shortened(only, only_arg, flags, backwards, budget)
        shortened = opening_of(body, flags, budget - 4)
        return f"(?:{shortened})" if shortened else ""
    if op is regex_parser.BRANCH:
        alternatives = arg[1]
        room = (budget - 4 - len(alternatives)) // max(1, len(alternatives))
        openings = [opening_of(alt.data, flags, room) for alt in alternatives]
        return "(?:" + "|".join(openings) + ")" if all(openings) else ""
    return ""


def _superset_item(op: Any, arg: Any, flags: int, backwards: bool) -> str:
    """One parsed item in Hyperscan's syntax; the group around it ignores case where ``re`` does."""
    folded = bool(flags & _IGNORECASE)
    if op in _ZERO_WIDTH:
        return ""
    if op is regex_parser.LITERAL:
        if folded and arg < 128 and chr(arg).isalpha() and arg | 0x20 not in FOLDED_ONTO_ASCII.values():
            return chr(arg)  # Hyperscan ignores its case, as the group around it says
        return _superset_class(*_character_codes(arg, arg, folded))
    if op is regex_parser.NOT_LITERAL:
        return _superset_class(_ASCII_CODES, True)
    if op is regex_parser.ANY:
        return _superset_class(_ASCII_CODES if flags & re.DOTALL else _ASCII_CODES - {ord("\n")}, True)
    if op is regex_parser.IN:
        return _superset_class(*_class_codes(arg, folded))
    if op is regex_parser.BRANCH:
        return "(?:" + "|".join(_superset_sequence(alt.data, flags, backwards) for alt in arg[1]) + ")"
    if op is regex_parser.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        inner = (flags | add_flags) & ~del_flags
        return _case_group(flags, inner) + _superset_sequence(body.data, inner, backwards) + ")"
    if op is _ATOMIC_GROUP:  # what an atomic group gives up, the superset may keep
        return "(?:" + _superset_sequence(arg.data, flags, backwards) + ")"
    if op in _REPEATS:
        low, high, body = arg
        inner = _superset_sequence(body.data, flags, backwards)
        if len(body.data) != 1 or body.data[0][0] not in (*_ONE_CHARACTER, *_GROUPS):
            inner = f"(?:{inner})"
        if high == regex_parser.MAXREPEAT:
            return inner + ({0: "*", 1: "+"}.get(low) or f"{{{low},}}")
        return inner + ("?" if (low, high) == (0, 1) else f"{{{low},{high}}}")
    raise _Untranslated(op)


def _case_group(outer: int, inner: int) -> str:
    """The opening of a group whose items ignore case as ``inner`` says, inside ``outer``."""
    if (inner ^ outer) & _IGNORECASE == 0:
        return "(?:"
    return "(?i:" if inner & _IGNORECASE else "(?-i:"


def _character_codes(low: int, high: int, folded: bool) -> tuple[set[int], bool]:
    """What the characters ``low`` to ``high`` match under ``re``: ASCII codes, and whether a
    character past ASCII."""
    codes: set[int] = set()
    beyond = high > 127
    for code in range(low, min(high, 127) + 1):
        char = chr(code)
        if folded and char.isalpha():
            codes.update((ord(char.lower()), ord(char.upper())))
            beyond = beyond or ord(char.lower()) in FOLDED_ONTO_ASCII.values()
        else:
            codes.add(code)
    if folded:
        codes.update(c for partner, letter in FOLDED_ONTO_ASCII.items() if low <= partner <= high
                     for c in (letter, ord(chr(letter).upper())))
    return codes, beyond


def _class_codes(items: Sequence[Item], folded: bool) -> tuple[set[int], bool]:
    """What a ``[...]`` class matches: ASCII codes, and whether a character past ASCII."""
    codes: set[int] = set()
    beyond = False
    more: set[int] | frozenset[int]
    for kind, value in items:
        if kind is regex_parser.NEGATE:
            return set(_ASCII_CODES), True
        if kind is regex_parser.CATEGORY and value in _CATEGORY_CODES:
            more, past = _CATEGORY_CODES[value], True
        elif kind is regex_parser.LITERAL:
            more, past = _character_codes(value, value, folded)
        elif kind is regex_parser.RANGE:
            more, past = _character_codes(value[0], value[1], folded)
        else:
            raise _Untranslated(kind)
        codes |= more
        beyond = beyond or past
    return codes, beyond


def _superset_class(codes: set[int] | frozenset[int], beyond: bool) -> str:
    """``[...]`` of ASCII ``codes`` and, when ``beyond``, of :data:`BEYOND_ASCII`; or the one
    character alone."""
    ordered = sorted(codes) + ([BEYOND_ASCII] if beyond else [])
    if not ordered:
        raise _Untranslated("a class that matches nothing")
    if len(ordered) == 1:
        return _class_character(ordered[0])
    spans: list[list[int]] = []
    for code in ordered:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "[" + "".join(_class_character(low) + (f"-{_class_character(high)}" if high > low else "")
                         for low, high in spans) + "]"


def _class_character(code: int) -> str:
    """One byte as Hyperscan reads it in a class or alone: a letter or digit as it is."""
    return chr(code) if chr(code).isalnum() else f"\\x{code:02x}"
