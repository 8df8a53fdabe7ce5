"""Abbreviations a paper defines ("tocilizumab (TCZ)"): scispaCy's AbbreviationDetector
(Schwartz & Hearst, 2003), with its parenthesised candidates found by one pass over the tokens and
the later uses of each short form looked up in the token array."""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.extractors.phrases import text_of, token_offsets

MAX_INSIDE = 8
"""scispaCy drops a parenthesis with more tokens inside, so none longer is proposed."""


def parenthesised(doc: Doc) -> list[tuple[int, int, int]]:
    """``(match id, start, end)`` of every ``( ... )`` with 1 to :data:`MAX_INSIDE` tokens inside,
    brackets included, in the order spaCy's Matcher gives for the pattern ``( any+ )``: by end,
    then by start from the nearest bracket outwards. The Matcher's open-ended wildcard keeps a
    state alive from every opening bracket to the end of the text; this pass does not."""
    out: list[tuple[int, int, int]] = []
    opening: list[int] = []
    text = text_of(doc)
    for j, (start, end) in enumerate(token_offsets(doc)):
        if end - start != 1:
            continue
        if text[start] == ")":
            for i in reversed(opening):
                inside = j - i - 1
                if inside > MAX_INSIDE:
                    break
                if inside >= 1:
                    out.append((0, i, j + 1))
        elif text[start] == "(":
            opening.append(j)
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
        orths = doc.to_array(ORTH)
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


@Language.factory("case_abbreviations", default_config={"make_serializable": False})
def make_abbreviations(nlp: Language, name: str, make_serializable: bool):
    """scispaCy's detector (``doc._.abbreviations``, ``span._.long_form``) with
    :func:`parenthesised` and :class:`ShortFormMatcher` in place of its two Matchers: the same
    matches in the same order."""
    from scispacy.abbreviation import AbbreviationDetector

    detector = AbbreviationDetector(nlp, name, make_serializable=make_serializable)
    detector.matcher = parenthesised
    detector.global_matcher = ShortFormMatcher(nlp.vocab)
    return detector
