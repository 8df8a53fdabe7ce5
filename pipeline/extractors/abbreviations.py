"""Abbreviations a paper defines ("tocilizumab (TCZ)"): scispaCy's AbbreviationDetector
(Schwartz & Hearst, 2003), with its parenthesised candidates found by one pass over the tokens."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

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


@Language.factory("case_abbreviations", default_config={"make_serializable": False})
def make_abbreviations(nlp: Language, name: str, make_serializable: bool):
    """scispaCy's detector (``doc._.abbreviations``, ``span._.long_form``) with
    :func:`parenthesised` in place of its Matcher: the same candidates in the same order."""
    from scispacy.abbreviation import AbbreviationDetector

    detector = AbbreviationDetector(nlp, name, make_serializable=make_serializable)
    detector.matcher = parenthesised
    return detector
