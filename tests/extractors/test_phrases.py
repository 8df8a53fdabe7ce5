"""Token offsets and white-space-free Docs, and where a lexicon form can start in a text."""

from __future__ import annotations

import re

import pytest
import spacy

from pipeline.extractors.phrases import (
    first_words,
    make_doc,
    may_start_at,
    token_offsets,
    without_space_tokens,
)


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.mark.parametrize("text", ["", " ", "\n", "Janus kinase\ninhibitors (JAKi).", "a  b\n\n c\t"])
def test_phrases_token_offsets_and_space_free_tokens(nlp, text):
    doc = make_doc(nlp, text)
    assert token_offsets(doc) == [(t.idx, t.idx + len(t)) for t in doc]
    compact, index = without_space_tokens(doc)
    assert index == [t.i for t in doc if not t.text.isspace()]
    assert [t.text for t in compact] == [doc[i].text for i in index]


def test_phrases_first_words_of_a_lexicon():
    assert first_words(["IL-6", "anti-dsDNA", "C3", "white blood cell count", "TNFα"]) == {
        "il", "anti", "c3", "white", "tnfα"}
    assert first_words([]) == frozenset()
    assert first_words(["(+)-form"]) is None  # a form that opens with no word
    assert first_words(["abc\u00a0def"]) is None  # a first word followed by a non-ASCII character
    assert first_words(["\u212aelvin"]) is None  # the Kelvin sign matches "k" when case is ignored


def lexicon_regex(surfaces: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@pytest.mark.parametrize(
    "text",
    ["IL-6 and il-6, IL6 but fibrile-6; anti-dsDNA was Anti-dsDNA", "C3C3 c3 C3_ the C3.",
     "TNFα TNFΑ tnf α; IL-\n6", "İl-6 ıl-6 ſtat STAT", ""],
)
def test_phrases_every_form_starts_where_may_start_at_says(text):
    surfaces = ["IL-6", "anti-dsDNA", "C3", "TNFα", "STAT"]
    words = first_words(surfaces)
    assert words is not None
    found = [m.start() for at in range(len(text)) if (m := lexicon_regex(surfaces).match(text, at))]
    assert all(may_start_at(text, at, words) for at in found)
