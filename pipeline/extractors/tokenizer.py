"""spaCy's English tokenizer, made to use its cache: the same tokens, several times faster.

spaCy's tokenizer splits a text into white-space-delimited pieces and each piece by its prefix,
suffix and infix rules and its special cases ("e.g.", "and/or", "Jan.", "8)"), and remembers the
split of each piece in a cache. But it saves no more pieces to that cache for the rest of a text
once a special case was used in it (spaCy issue 1250): from the first "and/or" or "Jan." of a case
report on, every word is split by the rules again, in that report and in the next. Two changes
keep the cache in use and leave every token as spaCy makes it:

- :func:`without_whitespace_special_cases` drops the special cases for a lone space, tab and line
  break, which set nothing but the token's text and were used at a text's first line break;
- :class:`CachingTokenizer` splits each piece of a text it has not met before on its own first,
  so that a special case in one piece keeps no other piece out of the cache.
"""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

TOKENIZER_CACHE_CHUNKS = 100_000
"""How many white-space-delimited pieces of text the tokenizer remembers the split of. spaCy
stops adding to its cache once full (its default, 10,000, fills within a few hundred case reports
of a batch, after which a new report's words are split by the affix rules again); an entry costs
some 50 bytes."""

WHITE_SPACE_PIECES = ("\n", "\n\n", "\n\n\n", " ", "  ", "\t", "\r\n", "\n ")
"""Runs of white space common enough to cache up front. spaCy's piece between two words is the
run of white space between them, without its first character when that is a plain space."""


def without_whitespace_special_cases(nlp: Language) -> Language:
    """``nlp`` with its tokenizer's special cases for a lone space, tab or line break removed: the
    same tokens, made several times faster.

    spaCy's English defaults list ``" "``, ``"\\t"`` and ``"\\n"`` as special cases, so from a
    text's first line break on its tokenizer saved no piece to its cache (see the module's
    docstring). Without them a run of white space is still one token of its own, with the same
    text and attributes (the special cases set nothing but the text); the other special cases
    ("e.g.", "and/or", "Jan.") stay."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):  # a tokenizer of another kind has no special cases
        return nlp
    rules = tokenizer.rules or {}
    kept = {key: tokens for key, tokens in rules.items()
            if not (key.isspace() and tokens == [{ORTH: key}])}
    if len(kept) < len(rules):
        tokenizer.rules = kept
    return nlp


class CachingTokenizer(Tokenizer):
    """spaCy's :class:`~spacy.tokenizer.Tokenizer` that splits each piece of a text it has not met
    before on its own, then the text: the text's split finds every piece in the cache (but those
    a special case took part in, which spaCy never caches).

    The tokens are spaCy's: spaCy splits each white-space-delimited piece without looking at its
    neighbours, and caches a piece's split only where no special case took part, so a piece split
    alone is split as within a text. A piece costs a few microseconds the first time it is met,
    about what spaCy would spend splitting it inside the text; a word met again costs a look-up.
    Pieces are remembered up to the cache's size (``max_cache_size``), and forgotten whenever
    spaCy empties its cache (new rules or special cases)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._met: set[str] = set()  # before spaCy's __init__, whose setters empty the cache
        super().__init__(*args, **kwargs)

    @classmethod
    def like(cls, tokenizer: Tokenizer) -> CachingTokenizer:
        """A caching tokenizer with ``tokenizer``'s vocabulary, rules and settings."""
        return cls(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                   suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                   token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                   faster_heuristics=tokenizer.faster_heuristics,
                   max_cache_size=tokenizer.max_cache_size)

    def __call__(self, text: str) -> Doc:  # spaCy's pipe calls it for each text too
        self.cache_pieces(text)
        return super().__call__(text)

    def cache_pieces(self, text: str) -> None:
        """Split alone, and so cache, each word of ``text`` (a run of non-space characters) not
        met before, and the first time the common runs of white space (the other kind of piece:
        a rarer one is cached by the first text it appears in before a special case)."""
        met = self._met
        if len(met) >= self.max_cache_size or self.vocab.in_memory_zone:
            return  # spaCy saves nothing to a full cache, nor within a memory zone
        new = set(text.split()).difference(met)
        if not met:
            new.update(WHITE_SPACE_PIECES)
        if new:
            split = super().__call__
            for piece in new:
                split(piece)
            met.update(new)

    def _reset_cache(self, keys: list[int]) -> None:
        """spaCy empties (part of) its cache: every piece will be split alone again when met."""
        self._met.clear()
        super()._reset_cache(keys)


def casemine_tokenizer(nlp: Language) -> Language:
    """``nlp`` with a :class:`CachingTokenizer` like its own, without the white-space special
    cases and remembering :data:`TOKENIZER_CACHE_CHUNKS` pieces."""
    without_whitespace_special_cases(nlp)
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
        nlp.tokenizer = CachingTokenizer.like(tokenizer)
    return nlp
