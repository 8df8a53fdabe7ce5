"""Find lexicon phrases in a spaCy Doc with PhraseMatchers (longest match wins), and tell where in
a text a lexicon regex's phrase can start."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extractors.lexicon import LexiconEntry

WORD = re.compile(r"\w+")
_ASCII = "".join(map(chr, range(128)))
TEXT_KEY = "casemine.text"
TOKENS_KEY = "casemine.token_offsets"
COMPACT_KEY = "casemine.without_space_tokens"


def text_of(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins it from the tokens again on every access,
    and a Doc's tokens do not change once made."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` with :func:`text_of` known: spaCy's tokens give back the text they
    were made from, character for character."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


def token_offsets(doc: Doc) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of every token, built once per Doc from its arrays
    (without making a Token object per token)."""
    offsets = doc.user_data.get(TOKENS_KEY)
    if offsets is None:
        array = doc.to_array([IDX, LENGTH])
        starts, ends = array[:, 0].tolist(), (array[:, 0] + array[:, 1]).tolist()
        offsets = doc.user_data[TOKENS_KEY] = list(zip(starts, ends, strict=True))
    return offsets


def without_space_tokens(doc: Doc) -> tuple[Doc, list[int]]:
    """``doc`` without its white-space tokens, and the index in ``doc`` of each token kept; built
    once per Doc. spaCy makes a line break or a blank line a token of its own, so a phrase a line
    break wraps ("Janus kinase\ninhibitors", "conventional\n\nbiological DMARDs") matches a
    phrase pattern only here."""
    cached = doc.user_data.get(COMPACT_KEY)
    if cached is None:
        text = text_of(doc)
        offsets = token_offsets(doc)
        kept = np.flatnonzero(doc.to_array(IS_SPACE) == 0).tolist()
        words = [text[offsets[i][0]:offsets[i][1]] for i in kept]
        cached = doc.user_data[COMPACT_KEY] = (Doc(doc.vocab, words=words), kept)
    return cached


class LexiconMatcher:
    """Two PhraseMatchers (case-sensitive ORTH, case-insensitive LOWER) over one lexicon.

    Each match's ``span.id_`` holds the index of its lexicon entry, so the entry (canonical
    concept and class) travels with the span.
    """

    def __init__(self, nlp: Language, entries: Sequence[LexiconEntry]) -> None:
        self.entries = tuple(entries)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for i, e in enumerate(self.entries):
            matcher = self.exact if e.exact else self.lower
            matcher.add(str(i), [nlp.make_doc(e.surface)])

    def __call__(self, doc: Doc) -> list[tuple[Span, LexiconEntry]]:
        """Non-overlapping matches, longest first, each with its lexicon entry; a phrase may be
        wrapped by line breaks (see :func:`without_space_tokens`)."""
        compact, index = without_space_tokens(doc)
        spans = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(compact):
                key = doc.vocab.strings[match_id]
                spans.append(Span(doc, index[start], index[end - 1] + 1, label=key))
        kept = filter_spans(spans)
        return [(s, self.entries[int(s.label_)]) for s in sorted(kept, key=lambda s: s.start)]


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
