"""Token offsets and white-space-free Docs, lexicon matches, and where a lexicon form can start
in a text."""

from __future__ import annotations

import random
import re

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extractors.lexicon import LexiconEntry
from pipeline.extractors.phrases import (
    WHITE_SPACE_CODES,
    LexiconMatcher,
    first_words,
    longest_first,
    make_doc,
    may_start_at,
    token_arrays,
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


_SPACED = st.sampled_from([" ", "  ", "\n", "\t", "\xa0", "\u2009", "\u3000", "\x1c", "\x85", "\u2028", "\r\n",
                           "word", "(", "e.g.", "8)", "İl", "\U0001f600", "5mg", "'s"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPACED, max_size=20))
def test_phrases_token_arrays_are_spacys(nlp, pieces):
    doc = make_doc(nlp, "".join(pieces))
    arrays = token_arrays(doc)
    assert arrays.starts.tolist() == [t.idx for t in doc]
    assert arrays.ends.tolist() == [t.idx + len(t) for t in doc]
    assert arrays.orths.tolist() == [t.orth for t in doc]
    assert arrays.is_space.tolist() == [t.is_space for t in doc]


def test_phrases_white_space_codes_are_every_white_space_character():
    assert WHITE_SPACE_CODES.tolist() == [c for c in range(0x110000) if chr(c).isspace()]


@pytest.mark.parametrize("text", ["", "Janus kinase\ninhibitors (JAKi).", "Qzxv-17  ZQXW\n\nqzxw étoposide İl"])
def test_phrases_space_free_doc_has_the_lexemes_of_its_words(nlp, text):
    # made from the tokens' ORTH ids, its tokens are those a Doc of the words' texts has
    doc = make_doc(nlp, text)
    compact, index = without_space_tokens(doc)
    words = Doc(nlp.vocab, words=[doc[i].text for i in index])
    attrs = ["ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "IS_ALPHA", "IS_PUNCT", "LIKE_NUM"]
    assert compact.to_array(attrs).tolist() == words.to_array(attrs).tolist()


def test_phrases_longest_first():
    # the longest, then the earlier of equal length, then the first of the same tokens; none
    # that shares a token with one kept
    assert longest_first([(0, 2, 0), (1, 3, 1), (4, 5, 2), (3, 6, 3), (7, 8, 4), (7, 8, 5)]) == [
        (0, 2, 0), (3, 6, 3), (7, 8, 4)]
    assert longest_first([]) == []


def test_phrases_longest_first_keeps_what_spacys_filter_spans_keeps(nlp):
    rng = random.Random(7)
    doc = make_doc(nlp, " ".join(["w"] * 30))
    for _ in range(500):
        starts = rng.choices(range(26), k=rng.randint(0, 12))
        matches = [(start, start + rng.randint(1, 4), i) for i, start in enumerate(starts)]
        matches += [(start, end, 100 + i) for start, end, i in rng.sample(matches, len(matches) // 3)]
        spans = [Span(doc, start, end, label=str(i)) for start, end, i in matches]
        assert longest_first(matches) == [(s.start, s.end, int(s.label_)) for s in filter_spans(spans)]


def entries(*surfaces: str) -> tuple[LexiconEntry, ...]:
    """A lexicon of ``surfaces``, matched as written when a surface starts with "=" ."""
    return tuple(LexiconEntry(s.lstrip("="), (("norm", s.lstrip("=").lower()),), s.startswith("="), n)
                 for n, s in enumerate(surfaces, start=2))


LEXICONS = (
    entries("Janus kinase inhibitors", "kinase", "=JAK", "jak", "JAKi"),
    entries("kinase inhibitors", "Janus kinase", "inhibitors", "=Jak"),
    entries("jak", "tofacitinib", "Janus"),
)
TEXT = "Janus kinase\ninhibitors (JAKi) and JAK; Janus  kinase\n\ninhibitors, Jak, tofacitinib.\nJanus"


def one_lexicon_matches(nlp, doc, lexicon):
    """What a matcher over one lexicon found before the matchers served several: its own two
    PhraseMatchers, a Span per match and spaCy's filter_spans."""
    exact, lower = PhraseMatcher(nlp.vocab, attr="ORTH"), PhraseMatcher(nlp.vocab, attr="LOWER")
    for i, e in enumerate(lexicon):
        (exact if e.exact else lower).add(str(i), [nlp.make_doc(e.surface)])
    compact, index = without_space_tokens(doc)
    spans = [Span(doc, index[start], index[end - 1] + 1, label=nlp.vocab.strings[key])
             for matcher in (exact, lower) for key, start, end in matcher(compact)]
    return [(s.start_char, s.end_char, lexicon[int(s.label_)]) for s in filter_spans(spans)]


def test_phrases_one_pass_matches_each_lexicon_as_a_matcher_over_it_alone(nlp):
    doc = make_doc(nlp, TEXT)
    by_lexicon = [[(TEXT[start:end], e.surface) for start, end, e in matches]
                  for matches in LexiconMatcher(nlp, *LEXICONS).by_lexicon(doc)]
    # "JAK" is both "=JAK" and "jak": the case-sensitive form first; a phrase's length counts the
    # white-space tokens in it ("kinase\ninhibitors" is longer than "Janus kinase")
    assert by_lexicon == [
        [("Janus kinase\ninhibitors", "Janus kinase inhibitors"), ("JAKi", "JAKi"), ("JAK", "JAK"),
         ("Janus  kinase\n\ninhibitors", "Janus kinase inhibitors"), ("Jak", "jak")],
        [("kinase\ninhibitors", "kinase inhibitors"), ("Janus  kinase", "Janus kinase"),
         ("inhibitors", "inhibitors"), ("Jak", "Jak")],
        [("Janus", "Janus"), ("JAK", "jak"), ("Janus", "Janus"), ("Jak", "jak"), ("tofacitinib", "tofacitinib"),
         ("Janus", "Janus")],
    ]
    for lexicon, matches in zip(LEXICONS, LexiconMatcher(nlp, *LEXICONS).by_lexicon(doc), strict=True):
        expected = one_lexicon_matches(nlp, doc, lexicon)
        assert [tuple(m) for m in matches] == expected
        assert [tuple(m) for m in LexiconMatcher(nlp, lexicon)(doc)] == expected


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
