"""Find lexicon phrases in a spaCy Doc with PhraseMatchers (longest match wins), and tell where in
a text a lexicon regex's phrase can start."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.extractors.lexicon import LexiconEntry

WORD = re.compile(r"\w+")
_ASCII = "".join(map(chr, range(128)))
TEXT_KEY = "casemine.text"
TOKENS_KEY = "casemine.token_offsets"
COMPACT_KEY = "casemine.without_space_tokens"
ARRAYS_KEY = "casemine.token_arrays"
WHITE_SPACE_CODES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
"""The code points Python (and so spaCy's ``IS_SPACE``) counts as white space; the last is
U+3000, the ideographic space."""


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins it from the tokens again on every access,
    and a Doc's tokens do not change once made."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


_FLAGS: dict[tuple[int, str], tuple[Vocab, int]] = {}


def lexeme_flag(vocab: Vocab, name: str, getter: Callable[[str], bool]) -> int:
    """The id of the lexeme flag ``name`` of ``vocab`` (``Token.check_flag``, ``Doc.to_array``),
    added the first time it is asked for: spaCy sets it once a word, with ``getter``, for the
    words it knows and for each new one, so that a Doc tells the tokens it marks from one array
    instead of a look-up per token. One flag per name and vocabulary (it has 63)."""
    known = _FLAGS.get((id(vocab), name))
    if known is None:  # the vocabulary is kept with its flag, so that its id stays its own
        known = _FLAGS[id(vocab), name] = (vocab, vocab.add_flag(getter))
    return known[1]


def flagged_tokens(doc: Doc, flag: int) -> list[int]:
    """The indices of the tokens of ``doc`` whose word has the lexeme flag ``flag``."""
    return np.flatnonzero(doc.to_array(flag)).tolist()


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` with :func:`text_of` known: spaCy's tokens give back the text they
    were made from, character for character."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


class TokenArrays(NamedTuple):
    """A Doc's tokens as arrays, one row a token: character offsets, word ids, and whether the
    token is white space."""

    starts: np.ndarray
    ends: np.ndarray
    orths: np.ndarray
    is_space: np.ndarray


def token_arrays(doc: Doc) -> TokenArrays:
    """The :class:`TokenArrays` of ``doc``, built once per Doc from one ``to_array`` call. A
    token is white space (spaCy's ``IS_SPACE``) when its first character is: spaCy splits a text
    at the edges of its runs of white space, so a token is white space through and through or
    has none. (Reading the flag from every token's lexeme took longer than the offsets and word
    ids together.)"""
    arrays = doc.user_data.get(ARRAYS_KEY)
    if arrays is None:
        array = doc.to_array([IDX, LENGTH, ORTH]).reshape(-1, 3)
        starts = array[:, 0].astype(np.int64)
        codes = np.frombuffer(text_of(doc).encode("utf-32-le"), dtype=np.uint32)
        arrays = doc.user_data[ARRAYS_KEY] = TokenArrays(
            starts, starts + array[:, 1].astype(np.int64), array[:, 2],
            np.isin(codes[starts], WHITE_SPACE_CODES))
    return arrays


def token_offsets(doc: Doc) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of every token, built once per Doc from its arrays
    (without making a Token object per token)."""
    offsets = doc.user_data.get(TOKENS_KEY)
    if offsets is None:
        arrays = token_arrays(doc)
        offsets = doc.user_data[TOKENS_KEY] = list(
            zip(arrays.starts.tolist(), arrays.ends.tolist(), strict=True))
    return offsets


def without_space_tokens(doc: Doc) -> tuple[Doc, list[int]]:
    """``doc`` without its white-space tokens, and the index in ``doc`` of each token kept; built
    once per Doc. spaCy makes a line break or a blank line a token of its own, so a phrase a line
    break wraps ("Janus kinase\ninhibitors", "conventional\n\nbiological DMARDs") matches a
    phrase pattern only here."""
    cached = doc.user_data.get(COMPACT_KEY)
    if cached is None:
        # the words go in as their ORTH ids: spaCy finds each lexeme by its id, where slicing and
        # hashing each word's text again took twice as long
        arrays = token_arrays(doc)
        is_kept = ~arrays.is_space
        compact = Doc(doc.vocab, words=arrays.orths[is_kept].tolist())
        cached = doc.user_data[COMPACT_KEY] = (compact, np.flatnonzero(is_kept).tolist())
    return cached


class PhraseMatch(NamedTuple):
    """A lexicon form found in a text: its characters and its entry."""

    start: int
    end: int
    entry: LexiconEntry


class LexiconMatcher:
    """One PhraseMatcher over one or more lexicons: every form is matched ignoring case (LOWER),
    and a match of a case-sensitive form is kept where the tokens are written as the form is.

    One pass of the matcher over a Doc serves every lexicon and both kinds of form (a pass costs
    about the same for one lexicon as for several); each lexicon's matches are then resolved on
    their own, as a matcher over that lexicon alone would resolve them.
    """

    def __init__(self, nlp: Language, *lexicons: Sequence[LexiconEntry]) -> None:
        self.lexicons = tuple(tuple(entries) for entries in lexicons)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entry_of: dict[int, tuple[int, int]] = {}  # match id -> (lexicon, entry) indices
        self.exact_orths: dict[int, list[int]] = {}  # match id of a case-sensitive form -> its ORTHs
        for n, entries in enumerate(self.lexicons):
            for i, e in enumerate(entries):
                key = f"{n}:{i}"
                form = nlp.make_doc(e.surface)
                self.matcher.add(key, [form])
                match_id = nlp.vocab.strings[key]
                self.entry_of[match_id] = (n, i)
                if e.exact:
                    self.exact_orths[match_id] = [t.orth for t in form]

    def __call__(self, doc: Doc) -> list[PhraseMatch]:
        """The matches of a matcher built over one lexicon (see :meth:`by_lexicon`)."""
        (matches,) = self.by_lexicon(doc)
        return matches

    def by_lexicon(self, doc: Doc) -> list[list[PhraseMatch]]:
        """For each lexicon, its non-overlapping matches in text order, each with its lexicon
        entry; a phrase may be wrapped by line breaks (see :func:`without_space_tokens`). Of
        matches over the same tokens, a case-sensitive form's comes first."""
        compact, index = without_space_tokens(doc)
        exact: list[list[tuple[int, int, int]]] = [[] for _ in self.lexicons]
        folded: list[list[tuple[int, int, int]]] = [[] for _ in self.lexicons]
        orths: list[int] | None = None
        for match_id, start, end in self.matcher(compact):
            n, i = self.entry_of[match_id]
            form = self.exact_orths.get(match_id)
            if form is None:
                folded[n].append((index[start], index[end - 1] + 1, i))
                continue
            if orths is None:
                orths = compact.to_array(ORTH).tolist()
            if orths[start:end] == form:
                exact[n].append((index[start], index[end - 1] + 1, i))
        tokens = token_offsets(doc)
        return [[PhraseMatch(tokens[start][0], tokens[end - 1][1], entries[i])
                 for start, end, i in longest_first(first + then)]
                for entries, first, then in zip(self.lexicons, exact, folded, strict=True)]


def longest_first(matches: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The matches ``(start, end, entry)`` (token offsets) that spaCy's ``filter_spans`` keeps,
    in text order: the longest first, of equal length the earlier, of the same tokens the first
    given, and none that shares a token with one kept. (``filter_spans`` takes Span objects;
    a tuple carries the entry of a match of any lexicon and costs less to make.)"""
    kept = []
    taken: set[int] = set()
    for start, end, entry in sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        if start not in taken and end - 1 not in taken:
            kept.append((start, end, entry))
            taken.update(range(start, end))
    return sorted(kept, key=lambda m: m[0])


def first_words(surfaces: Iterable[str]) -> frozenset[str] | None:
    """The first word, in lower case, of every surface form of a lexicon whose regex matches a form
    by its characters (ignoring case or not) and only with no word character before or after it, as
    ``(?<![\\w-])(?:...)(?![\\w-])`` does; None when this does not tell where a form can start: a
    form opens with no word, or its first word is followed by a non-ASCII character or has non-ASCII
    letters that match ASCII ones when case is ignored."""
    words = set()
    for surface in surfaces:
        first = WORD.match(surface)
        if first is None:
            return None
        word, after = first.group(), surface[first.end() : first.end() + 1]
        if not after.isascii() or any(
            not c.isascii() and re.search(re.escape(c), _ASCII, re.IGNORECASE) for c in word
        ):
            return None
        words.add(word.lower())
    return frozenset(words)


def may_start_at(text: str, at: int, words: frozenset[str]) -> bool:
    """Whether a form whose first word is one of ``words`` (from :func:`first_words`) may start at
    ``at``: the word there is one of them, or holds a non-ASCII letter."""
    word = WORD.match(text, at)
    return word is not None and (word.group().lower() in words or not word.group().isascii())
