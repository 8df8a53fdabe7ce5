"""Scanning a text with a large regex, guided by what its parse tells about its matches.

- Its *needed texts*: literals one of which every match holds ("inhibitor", "blocker",
  "antagonist" or "agonist" for a class named after its target); a text with none of them holds
  no match (:meth:`Scanner.may_match`).
- Its *opening*: a zero-width pattern that holds wherever it can match, made of the assertions and
  the single characters that every match starts with, one run per alternative, the assertions all
  alternatives share tested once. ``re`` tries every alternative of a regex, look-behind first, at
  every offset of a text; :meth:`Scanner.matches` tries the regex only where its opening holds
  and finds what ``regex.finditer`` finds.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

if sys.version_info >= (3, 11):
    from re import _compiler as regex_compiler  # type: ignore[attr-defined]
    from re import _parser as regex_parser  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_compile as regex_compiler
    import sre_parse as regex_parser

OPENING_CHARS = 4
"""Characters of an alternative's opening at most: enough to tell "one" or "two" from "the"."""

Item = tuple[Any, Any]
"""An item of a parsed regex: ``(opcode, argument)``."""

_ZERO_WIDTH = frozenset({regex_parser.AT, regex_parser.ASSERT, regex_parser.ASSERT_NOT})
_ONE_CHAR = frozenset({regex_parser.LITERAL, regex_parser.NOT_LITERAL, regex_parser.IN, regex_parser.ANY})
_REPEATS = frozenset(getattr(regex_parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                     if hasattr(regex_parser, name))
_ATOMIC = getattr(regex_parser, "ATOMIC_GROUP", object())  # Python 3.11 on
_BACKREFERENCES = tuple(getattr(regex_parser, name) for name in ("GROUPREF", "GROUPREF_EXISTS"))
_STOP: Item = (None, None)


def _plain_body(op: Any, arg: Any) -> list[Item] | None:
    """The items of a group that sets no flags, or of an atomic group; None for other items."""
    if op is regex_parser.SUBPATTERN and not arg[1] and not arg[2]:
        return list(arg[3].data)
    if op is _ATOMIC:
        return list(arg.data)
    return None


def _runs(items: list[Item], run: tuple[Item, ...], chars: int) -> list[tuple[Item, ...]] | None:
    """The openings of the sequence ``items`` after ``run``, which holds ``chars`` characters:
    groups, alternatives and repeats before the first character are unfolded; None when some
    path can match no character or opens with something not read here."""
    for i, (op, arg) in enumerate(items):
        if op in _ZERO_WIDTH:
            run += ((op, arg),)
        elif op in _ONE_CHAR:
            run += ((op, arg),)
            chars += 1
            if chars == OPENING_CHARS:
                break
        elif chars or op is None:
            break
        elif (body := _plain_body(op, arg)) is not None:
            return _runs([*body, *items[i + 1:]], run, chars)
        elif op is regex_parser.BRANCH:
            out: list[tuple[Item, ...]] = []
            for alternative in arg[1]:
                found = _runs([*alternative.data, *items[i + 1:]], run, chars)
                if found is None:
                    return None
                out += found
            return out
        elif op in _REPEATS:
            low, _high, body = arg
            once = _runs([*body.data, _STOP], run, chars)
            if low or once is None:
                return once
            rest = _runs(items[i + 1:], run, chars)
            return None if rest is None else once + rest
        else:
            return None
    return [run] if chars else None


def _needed(items: list[Item]) -> frozenset[str] | None:
    """Literals one of which every match of the sequence ``items`` holds (the choice whose
    shortest literal is longest), or None when it needs none that this reads."""
    best: frozenset[str] | None = None
    literal = ""
    for op, arg in [*items, _STOP]:
        if op is regex_parser.LITERAL:
            literal += chr(arg)
            continue
        found: frozenset[str] | None = frozenset({literal}) if literal else None
        literal = ""
        if (body := _plain_body(op, arg)) is not None:
            found = _longer(found, _needed(body))
        elif op is regex_parser.BRANCH:
            found = _longer(found, _either([_needed(alternative.data) for alternative in arg[1]]))
        elif op in _REPEATS and arg[0] >= 1:
            found = _longer(found, _needed(arg[2].data))
        best = _longer(best, found)
    return best


def _either(parts: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The needed literals of a choice between parts: those of every part."""
    out: frozenset[str] = frozenset()
    for part in parts:
        if part is None:
            return None
        out |= part
    return out


def _longer(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Of two choices of needed literals, the one whose shortest literal is longer (``a`` on ties)."""
    if a is None or b is None:
        return b if a is None else a
    return a if min(map(len, a)) >= min(map(len, b)) else b


def _has_backreference(node: Any) -> bool:
    """Whether a parsed regex (or a part of one) refers back to a group."""
    if isinstance(node, regex_parser.SubPattern):
        node = node.data
    if isinstance(node, list | tuple):
        return any(_has_backreference(item) for item in node)
    return any(node is opcode for opcode in _BACKREFERENCES)


def needed_texts(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern of the literals one of which every match of ``regex`` holds (matched as
    ``regex`` matches them, so with its flags), or None when its parse does not tell."""
    needed = _needed(list(regex_parser.parse(regex.pattern, regex.flags).data))
    if not needed or "" in needed:
        return None
    return re.compile("|".join(map(re.escape, sorted(needed))), regex.flags & ~re.VERBOSE)


def opening(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A zero-width pattern that holds at every offset where ``regex`` can match, or None when
    its parse does not tell (it can match an empty string, or refers back to a group)."""
    parsed = regex_parser.parse(regex.pattern, regex.flags)
    runs = None if _has_backreference(parsed) else _runs(list(parsed.data), (), 0)
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


class Scanner:
    """A regex with its :func:`needed_texts` and :func:`opening`, read once (build it once per
    regex: reading a parse takes a while)."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.needed = needed_texts(regex)
        self.opening = opening(regex)

    def may_match(self, text: str) -> bool:
        """False when ``text`` holds none of the needed texts, so no match."""
        return self.needed is None or self.needed.search(text) is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``, or nothing at once when the text cannot hold a match."""
        return self.regex.finditer(text) if self.may_match(text) else iter(())

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``, the regex tried only where its opening holds (and nowhere
        when the text cannot hold a match)."""
        if not self.may_match(text):
            return
        if self.opening is None:
            yield from self.regex.finditer(text)
            return
        end = 0
        for at in self.opening.finditer(text):
            start = at.start()
            if start >= end and (m := self.regex.match(text, start)):
                yield m
                end = m.end()
