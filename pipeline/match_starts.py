"""Where in a text a match of a regex can start, found by Hyperscan in one pass of compiled code.

Python's ``re`` finds matches by trying a regex at every offset of a text, one after another. A
regex's :func:`pipeline.regex_analysis.hyperscan_superset` matches every stretch of text a match
spans (and maybe more); read backwards, it is compiled once into a Hyperscan database, and one
scan of the reversed text reports every offset where a stretch of the superset starts. ``re``
then has to be tried only there (:class:`pipeline.regex_analysis.Scanner` does this), and finds
exactly what ``regex.finditer`` finds: no match starts anywhere else.

Hyperscan reads bytes: the text is given one byte a character, each character past ASCII as the
byte :data:`~pipeline.regex_analysis.BEYOND_ASCII`, so offsets are the text's own.

Compiling a long pattern takes Hyperscan a tenth of a second or more, so a compiled database is
kept in a cache folder (``$CASEMINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/casemine``, else
``~/.cache/casemine``), named by a hash of the pattern and of Hyperscan's version, and read back
by later runs; a file that cannot be read or was made for another machine is compiled again, and
a folder that cannot be written is no error.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from pipeline.regex_analysis import BEYOND_ASCII, HYPERSCAN_MAX_LENGTH, hyperscan_superset

try:
    import hyperscan
except ImportError:  # pragma: no cover - a declared dependency; without it re tries every offset
    hyperscan = None  # type: ignore[assignment]

_PAST_ASCII = re.compile(r"[^\x00-\x7f]")
_BEYOND = chr(BEYOND_ASCII)
LENGTHS = (HYPERSCAN_MAX_LENGTH, 4_000, 1_000)
"""The longest superset tried first; one that Hyperscan finds too large to compile is shortened."""


class _Reversed(threading.local):
    """The last text read, back to front, one byte a character: every regex of a document reads
    the same text, so it is made once."""

    text: str | None = None
    data: bytes = b""


_REVERSED = _Reversed()


def reversed_bytes(text: str) -> bytes:
    """``text`` back to front, one byte a character: ASCII as it is, any other character as
    :data:`~pipeline.regex_analysis.BEYOND_ASCII`."""
    last = _REVERSED
    if last.text is not text and last.text != text:
        backwards = text[::-1]
        if not backwards.isascii():
            backwards = _PAST_ASCII.sub(_BEYOND, backwards)
        last.data = backwards.encode("latin-1")
        last.text = text
    return last.data


class MatchStarts:
    """The offsets where a match of one regex can start, in any text (see the module's text).

    Build it with :func:`match_starts`, which says when a regex cannot be read this way."""

    def __init__(self, regex: re.Pattern[str], pattern: str) -> None:
        self.regex = regex
        self.pattern = pattern
        self.database = compiled(pattern)
        self._scratch = threading.local()

    def __call__(self, text: str) -> list[int]:
        """Every offset of ``text`` where a match of the regex may start, in order."""
        data = reversed_bytes(text)
        ends: list[int] = []
        scratch = getattr(self._scratch, "value", None)
        if scratch is None:
            scratch = self._scratch.value = hyperscan.Scratch(self.database)
        self.database.scan(data, match_event_handler=_collect_end, context=ends, scratch=scratch)
        size = len(data)
        return sorted(size - end for end in ends)  # Hyperscan does not promise an order


def cache_folder() -> Path:
    """Where compiled databases are kept (see the module's text)."""
    if folder := os.environ.get("CASEMINE_CACHE_DIR"):
        return Path(folder) / "hyperscan"
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "casemine" / "hyperscan"


def compiled(pattern: str) -> Any:
    """The Hyperscan database (block mode) of one pattern, from the cache folder when it is there;
    raises ``hyperscan.error`` when Hyperscan cannot compile the pattern."""
    version = getattr(hyperscan, "__version__", "")
    key = hashlib.sha256(f"{version}\n{pattern}".encode()).hexdigest()
    path = cache_folder() / f"{key}.hsdb"
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):  # not there yet, unreadable, or for another machine
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[pattern.encode("ascii")], ids=[0], flags=[0])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            out.write(hyperscan.dumpb(database))
        os.replace(out.name, path)  # whole or not at all, whoever else writes it
    except OSError:
        pass
    return database


def _collect_end(_id: int, _start: int, end: int, _flags: int, ends: Any) -> None:
    ends.append(end)


def match_starts(regex: re.Pattern[str]) -> MatchStarts | None:
    """A :class:`MatchStarts` for ``regex``; None when Hyperscan is not installed, or cannot take
    the regex's superset (it can match the empty string, refers back to a group, or stays too large
    for Hyperscan however short)."""
    if hyperscan is None:
        return None
    for length in LENGTHS:
        pattern = hyperscan_superset(regex, backwards=True, max_length=length)
        if pattern is None:
            return None
        try:
            return MatchStarts(regex, pattern)
        except hyperscan.error:
            continue
    return None
