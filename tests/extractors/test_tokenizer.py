"""The extraction tokenizer: spaCy's English tokens, with its cache kept in use."""

from __future__ import annotations

import pickle

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extractors.tokenizer import (
    TOKENIZER_CACHE_CHUNKS,
    CachingTokenizer,
    casemine_tokenizer,
    without_whitespace_special_cases,
)
from pipeline.nlp import build_nlp
from tests.conftest import EXAMPLES

# A special case ("and/or") early in a text; the words after it are the ones spaCy stopped caching
TEXT = "JAKi and/or MTX: tofacitinib 5 mg bid (n=8) in patients (8) with arthritis, e.g. sJIA.\nNo flare."


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def _tokens(doc):
    return [(t.idx, t.text, t.whitespace_, t.norm_, t.lower_, t.is_space, t.is_punct) for t in doc]


class _Counting:
    """Counts the prefix-rule look-ups of a tokenizer: one or more for every piece of a text split
    by the affix rules, none for a piece found in the cache."""

    def find_prefix(self, string):
        self.prefix_lookups += 1
        return super().find_prefix(string)


class CountingSpacy(_Counting, spacy.tokenizer.Tokenizer):
    prefix_lookups = 0


class CountingCaching(_Counting, CachingTokenizer):
    prefix_lookups = 0


def _lookups_in_second_pass(tokenizer, text):
    tokenizer(text)
    tokenizer.prefix_lookups = 0
    tokenizer(text)
    return tokenizer.prefix_lookups


def _like(cls):
    tokenizer = without_whitespace_special_cases(spacy.blank("en")).tokenizer
    return cls(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
               suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
               token_match=tokenizer.token_match, url_match=tokenizer.url_match,
               max_cache_size=TOKENIZER_CACHE_CHUNKS)


def test_tokenizer_keeps_every_special_case_but_white_space(nlp):
    # and remembers ten times spaCy's default of pieces, so that a batch does not fill its cache
    assert build_nlp().tokenizer.max_cache_size == TOKENIZER_CACHE_CHUNKS == 10 * nlp.tokenizer.max_cache_size
    rules = build_nlp().tokenizer.rules
    assert {key for key in nlp.tokenizer.rules if key not in rules} == {" ", "\t", "\n"}
    assert rules["e.g."] == nlp.tokenizer.rules["e.g."]
    assert "\xa0" in rules  # its special case sets a NORM of its own, so it stays
    text = "MTX, e.g.\n\n5 mg\tbid  and/or\nJan. 2020 \n"
    assert [t.text for t in build_nlp().make_doc(text)] == [
        "MTX", ",", "e.g.", "\n\n", "5", "mg", "\t", "bid", " ", "and/or", "\n", "Jan.", "2020", "\n"]
    assert _tokens(build_nlp().make_doc(text)) == _tokens(nlp.make_doc(text))


def test_tokenizer_without_white_space_special_cases_is_idempotent():
    once = without_whitespace_special_cases(spacy.blank("en"))
    twice = without_whitespace_special_cases(once)
    assert twice.tokenizer.rules == once.tokenizer.rules


def test_tokenizer_of_the_pipeline_caches_its_pieces():
    assert isinstance(build_nlp().tokenizer, CachingTokenizer)
    assert isinstance(casemine_tokenizer(spacy.blank("en")).tokenizer, CachingTokenizer)


def test_tokenizer_splits_no_word_again_after_a_special_case():
    # spaCy's own tokenizer splits the 15 pieces after "and/or" by the affix rules on every call
    # (20 prefix look-ups: one a piece, a second where a prefix or suffix is split off, and one
    # for "(8)", whose split stops at its special case)
    assert _lookups_in_second_pass(_like(CountingSpacy), TEXT) == 20
    # the caching one finds every piece in its cache but those a special case took part in:
    # "and/or" and "e.g." are special cases themselves (found, not split); "(8)" is split by the
    # prefix rule into "(" and the special case "8)", so spaCy never caches it
    caching = _like(CountingCaching)
    assert _lookups_in_second_pass(caching, TEXT) == 1
    assert _lookups_in_second_pass(caching, "(8)") == 1 and _lookups_in_second_pass(caching, "(n=8)") == 0
    assert _tokens(caching(TEXT)) == _tokens(spacy.blank("en").make_doc(TEXT))


def test_tokenizer_caches_again_after_spacy_empties_its_cache():
    caching = _like(CountingCaching)
    caching(TEXT)
    caching.rules = {**caching.rules, "sJIA.": [{"ORTH": "sJIA"}, {"ORTH": "."}]}  # empties the cache
    assert _lookups_in_second_pass(caching, TEXT) == 1
    assert [t.text for t in caching(TEXT)][-6:] == ["sJIA", ".", "\n", "No", "flare", "."]


def test_tokenizer_with_a_full_cache_or_in_a_memory_zone_splits_as_spacy(nlp):
    full = _like(CountingCaching)
    full.max_cache_size = 3
    assert _tokens(full(TEXT)) == _tokens(nlp.make_doc(TEXT))
    assert _tokens(full(TEXT + " again")) == _tokens(nlp.make_doc(TEXT + " again"))
    zoned = casemine_tokenizer(spacy.blank("en"))
    with zoned.memory_zone():
        assert _tokens(zoned.make_doc(TEXT)) == _tokens(nlp.make_doc(TEXT))
    assert _tokens(zoned.make_doc(TEXT)) == _tokens(nlp.make_doc(TEXT))


def test_tokenizer_pickles_and_pipes_as_it_splits():
    tokenizer = build_nlp().tokenizer
    copy = pickle.loads(pickle.dumps(tokenizer))
    assert isinstance(copy, CachingTokenizer) and copy.rules == tokenizer.rules
    assert [_tokens(d) for d in copy.pipe([TEXT, "", " \n"])] == [
        _tokens(tokenizer(TEXT)), [], _tokens(tokenizer(" \n"))]


def test_tokenizer_tokens_of_the_bundled_texts_are_spacys(nlp, shared_corpus):
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.md")) + sorted(shared_corpus.glob("*.txt"))
    assert len(paths) >= 6
    ours = casemine_tokenizer(spacy.blank("en"))
    for _ in range(2):  # the second time from the cache
        for path in paths:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert _tokens(ours.make_doc(text)) == _tokens(nlp.make_doc(text)), path.name


_PIECES = st.sampled_from([
    " ", "  ", "\t", "\n", "\n\n", " \n", "\n ", "\r\n", "\xa0", "\u2009", "word", "MTX", "(", ")", ".",
    ",", "'s", "e.g.", "E.G.", "and/or", "Jan.", "5", "mg", "-", "/", "°", "c.", "C++", "’", ":)", "0.0",
    "8)", "(n=8)", "Dr.", "can't", "US$5"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_tokenizer_tokens_of_any_text_are_spacys(nlp, pieces):
    # one tokenizer for every example: what it cached from one text must not change another's
    text = "".join(pieces)
    assert _tokens(build_nlp().make_doc(text)) == _tokens(nlp.make_doc(text))
