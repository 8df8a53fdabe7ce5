"""Drug names a paper misspells ("Sevofluorane", "mycofenolate", "5-fluorourasil",
"slidenafil"): a word no English word list knows that sounds like exactly one drug name and is
one or two edits from it.

The guards that keep precision:
- the word is unknown to wordfreq's English list (which knows "creatinine", "cortisone" and
  "prolactin", each an edit or two from a drug), at least :data:`MIN_CHARS` letters long, not
  written in capitals (an acronym), and begins with the drug's first letter;
- the edits change how the word is spelt, not what it sounds like: both have the same
  :func:`consonants` ("apatinib" is not a misspelt "afatinib", nor "denopamine" of "dopamine",
  which are other drugs);
- the drugs nearest to it are one drug, and no English word that is not a drug's name is as near
  ("troponine" is nearer "troponin" than any drug, "creatinin" "creatinine").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_CHARS = 7
LONG_CHARS = 11
"""Words of this many letters may be two edits from the drug; shorter words one."""
SEEN_MAX = 100_000
"""Words whose answer is remembered, at most (a long batch's memory stays flat)."""


SOUNDS = ((re.compile(r"ph"), "f"), (re.compile(r"th"), "t"), (re.compile(r"c(?=[eiy])"), "s"),
          (re.compile(r"[ckq]"), "k"), (re.compile(r"z"), "s"), (re.compile(r"[aeiouyh]"), ""),
          (re.compile(r"(.)\1+"), r"\1"))


def consonants(word: str) -> str:
    """The consonants of a word as it sounds: ph = f, th = t, a soft c = s, c = k = q, z = s,
    vowels and h dropped, doubled letters written once ("mycophenolate" and "mycofenolate" ->
    "mkfnlt")."""
    word = word.lower()
    for pattern, sound in SOUNDS:
        word = pattern.sub(sound, word)
    return word


@dataclass(frozen=True)
class EnglishWords:
    """wordfreq's English words of :data:`MIN_CHARS` - 1 letters or more (lower case, letters
    only): all of them, and by first letter."""

    all: frozenset[str]
    by_letter: dict[str, list[str]]


@lru_cache(maxsize=1)
def english_words() -> EnglishWords:
    """The English word list, read once per process."""
    from wordfreq import iter_wordlist

    by_letter: dict[str, list[str]] = defaultdict(list)
    for word in iter_wordlist("en"):
        if len(word) >= MIN_CHARS - 1 and word.isalpha():
            by_letter[word[0]].append(word)
    return EnglishWords(frozenset(w for group in by_letter.values() for w in group), dict(by_letter))


def known_word(word: str) -> bool:
    """Whether wordfreq's English list has the (lower-case) word: the same answer as
    ``zipf_frequency(word, "en") > 0`` for words of :data:`MIN_CHARS` - 1 letters or more,
    without its tokenizer."""
    return word in english_words().all


def may_be_misspelt(word: str) -> bool:
    """Whether ``word`` can be a misspelt drug name at all: :data:`MIN_CHARS` letters or more, not
    all capitals, and no word of wordfreq's English list."""
    return len(word) >= MIN_CHARS and word.isalpha() and not word.isupper() and not known_word(word.lower())


class MisspellingIndex:
    """Single-word drug names by first letter, searched by optimal string alignment distance
    (a transposition is one edit); ``norms`` maps each name to the drug it names."""

    def __init__(self, norms: Mapping[str, str]) -> None:
        self.norms = dict(norms)
        self._seen: dict[str, str | None] = {}
        by_letter: dict[str, set[str]] = defaultdict(set)
        for name in self.norms:
            if len(name) >= MIN_CHARS - 1 and name.isalpha():
                by_letter[name[0]].add(name)
        self.by_letter = {letter: sorted(group) for letter, group in by_letter.items()}

    def correct(self, word: str) -> str | None:
        """The drug name ``word`` is a misspelling of, if it is one: the nearest names must all
        name the same drug (remembered per word)."""
        if word not in self._seen:
            if len(self._seen) >= SEEN_MAX:
                self._seen.clear()
            self._seen[word] = self._correct(word)
        return self._seen[word]

    def _correct(self, word: str) -> str | None:
        if not may_be_misspelt(word):
            return None
        lower = word.lower()
        most = 2 if len(word) >= LONG_CHARS else 1
        candidates = self.by_letter.get(lower[0], [])
        sound = consonants(lower)
        hits = [(name, int(edits)) for name, edits, _ in
                process.extract(lower, candidates, scorer=OSA.distance, score_cutoff=most, limit=4)
                if edits > 0 and consonants(name) == sound]
        if not hits:
            return None
        best = min(edits for _, edits in hits)
        nearest = [name for name, edits in hits if edits == best]
        if len({self.norms[n] for n in nearest}) != 1:
            return None
        words = process.extract(lower, english_words().by_letter.get(lower[0], []), scorer=OSA.distance,
                                score_cutoff=best, limit=4)
        if any(english not in self.norms for english, _, _ in words):
            return None
        return nearest[0]
