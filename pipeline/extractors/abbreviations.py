"""Abbreviations a paper defines ("tocilizumab (TCZ)") and every later use of their short forms:
scispaCy's detector (Schwartz & Hearst, 2003) driven over token offsets. scispaCy's own
``find_abbreviation`` matches each short form to its long form; the candidates around brackets
are found by one pass over the bracket tokens, filtered as scispaCy filters them, and the later
uses of each short form are looked up in the token array. scispaCy does the same with two spaCy
Matchers and a Span object for every candidate, which cost several times more."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.extractors.phrases import text_of, token_arrays, token_offsets

MAX_INSIDE = 8
"""scispaCy drops a parenthesis with more tokens inside, so none longer is proposed."""


class Abbreviation(NamedTuple):
    """One use of a short form a text defines, and the long form it stands for."""

    short: str
    start: int
    end: int
    long: str


def parenthesised(doc: Doc) -> list[tuple[int, int, int]]:
    """``(match id, start, end)`` of every ``( ... )`` with 1 to :data:`MAX_INSIDE` tokens inside,
    brackets included, in the order spaCy's Matcher gives for the pattern ``( any+ )``: by end,
    then by start from the nearest bracket outwards. The Matcher's open-ended wildcard keeps a
    state alive from every opening bracket to the end of the text; this pass does not, and
    looks at the bracket tokens only."""
    strings = doc.vocab.strings
    orths = token_arrays(doc).orths
    is_closing = orths == strings[")"]
    brackets = np.flatnonzero((orths == strings["("]) | is_closing)
    out: list[tuple[int, int, int]] = []
    opening: list[int] = []
    for j, closes in zip(brackets.tolist(), is_closing[brackets].tolist(), strict=True):
        if closes:
            for i in reversed(opening):
                inside = j - i - 1
                if inside > MAX_INSIDE:
                    break
                if inside >= 1:
                    out.append((0, i, j + 1))
        else:
            opening.append(j)
    return out


def _unbalanced(doc: Doc, start: int, end: int, tokens: list[tuple[int, int]], text: str) -> bool:
    """scispaCy's ``span_contains_unbalanced_parentheses`` of ``doc[start:end]``."""
    depth = 0
    for a, b in tokens[start:end]:
        word = text[a:b]
        if word == "(":
            depth += 1
        elif word == ")":
            if depth == 0:
                return True
            depth -= 1
    return depth != 0


def _is_short_form(start: int, end: int, tokens: list[tuple[int, int]], text: str) -> bool:
    """scispaCy's ``short_form_filter`` of ``doc[start:end]``: every token 2 to 9 characters
    long, at least half the characters letters, and a letter first."""
    if not all(2 <= b - a < 10 for a, b in tokens[start:end]):
        return False
    form = text[tokens[start][0]:tokens[end - 1][1]]
    return sum(c.isalpha() for c in form) / len(form) >= 0.5 and form[0].isalpha()


def candidates(doc: Doc) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """scispaCy's ``filter_matches`` over :func:`parenthesised`: the ``(long, short)`` token
    ranges to try, in order. Up to three tokens in brackets are a short form after its long form
    (the words before, as many as its length allows); more are a long form after its short form
    (the one word before the bracket)."""
    tokens = token_offsets(doc)
    text = text_of(doc)
    out = []
    for _, first, last in parenthesised(doc):
        start, end = first + 1, last - 1
        if end - start > 8 or start == 1:
            continue
        if end - start > 3:
            short, long = (start - 2, start - 1), (start, end)
            if _unbalanced(doc, start, end, tokens, text):
                continue
        else:
            short = (start, end)
            length = sum(b - a for a, b in tokens[start:end])
            long = (max(start - min(length + 5, length * 2) - 1, 0), start - 1)
        if _is_short_form(*short, tokens, text):
            out.append((long, short))
    return out


def defined_abbreviations(doc: Doc, short_forms: ShortFormMatcher) -> list[Abbreviation]:
    """What scispaCy's detector finds (its ``find_matches_for``): each long form defined once,
    by the first short form not defined before, and every place that short form's tokens stand;
    grouped by long form in the order defined, each group's uses in the order first found."""
    from scispacy.abbreviation import find_abbreviation

    uses: dict[tuple[int, int], dict[tuple[int, int], None]] = {}
    long_of: dict[str, tuple[int, int]] = {}
    seen_short: set[str] = set()
    for (long_start, long_end), (short_start, short_end) in candidates(doc):
        short, long = find_abbreviation(doc[long_start:long_end], doc[short_start:short_end])
        if not long or long.text in long_of or short.text in seen_short:
            continue
        long_of[long.text] = (long.start, long.end)
        seen_short.add(short.text)
        uses.setdefault((long.start, long.end), {})[(short.start, short.end)] = None
        short_forms.add(long.text, [[{"ORTH": t.text} for t in short]])
    strings = doc.vocab.strings
    for key_id, start, end in short_forms(doc):
        uses[long_of[strings[key_id]]][(start, end)] = None
    for key in long_of:
        short_forms.remove(key)
    tokens = token_offsets(doc)
    text = text_of(doc)
    out = []
    for (long_start, long_end), shorts in uses.items():
        long = text[tokens[long_start][0]:tokens[long_end - 1][1]]
        for start, end in shorts:
            out.append(Abbreviation(text[tokens[start][0]:tokens[end - 1][1]], tokens[start][0],
                                    tokens[end - 1][1], long))
    return out


class ShortFormMatcher:
    """What scispaCy's detector asks of its "global matcher", a spaCy Matcher of one pattern a
    defined short form (its tokens' ORTH): ``add``, ``remove``, and the matches in a Doc, in the
    Matcher's order (by last token, then first token, then the order the forms were added). The
    Matcher steps every pattern through every token; this looks each form's first token up in
    the Doc's token array."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.forms: dict[str, list[tuple[int, ...]]] = {}

    def add(self, key: str, patterns: list[list[dict[str, Any]]]) -> None:
        """Find ``key``'s token sequences: each pattern a list of ``{"ORTH": text}``."""
        strings = self.vocab.strings
        strings.add(key)
        self.forms.setdefault(key, []).extend(
            tuple(strings.add(token["ORTH"]) for token in pattern) for pattern in patterns)

    def remove(self, key: str) -> None:
        del self.forms[key]

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(key id, start, end)`` of every place a form's tokens stand in ``doc``."""
        if not self.forms:
            return []
        orths = token_arrays(doc).orths
        found = []
        order = 0
        for key, sequences in self.forms.items():
            key_id = self.vocab.strings[key]
            for sequence in sequences:
                size = len(sequence)
                for start in np.flatnonzero(orths[: len(orths) - size + 1] == sequence[0]).tolist():
                    if all(orths[start + j] == sequence[j] for j in range(1, size)):
                        found.append((start + size, start, order, key_id))
                order += 1
        found.sort()
        return [(key_id, start, end) for end, start, _, key_id in found]


@Language.factory("case_abbreviations")
def make_abbreviations(nlp: Language, name: str):
    """``doc._.defined_abbreviations``: :func:`defined_abbreviations` of the Doc."""
    short_forms = ShortFormMatcher(nlp.vocab)
    if not Doc.has_extension("defined_abbreviations"):
        Doc.set_extension("defined_abbreviations", default=None)

    def component(doc: Doc) -> Doc:
        doc._.defined_abbreviations = defined_abbreviations(doc, short_forms)
        return doc

    return component
