"""The second peer: plain dictionary matching with casemine's own drug vocabulary.

The equivalent of medspaCy's ``TargetMatcher`` with one ``TargetRule`` per name: every surface
form of the domain lexicon (``drugs.tsv`` as DRUG, ``drug_classes.tsv`` as DRUG_CLASS) and of the
open dictionary (:func:`pipeline.extractors.drugs.open_dictionary`, as DRUG) is a spaCy
``PhraseMatcher`` pattern on a blank English tokenizer, matched on ``LOWER`` (on ``ORTH`` for the
lexicon's ``exact`` entries, as a ``TargetRule`` with a token pattern would), and of overlapping
matches the longest is kept (``spacy.util.filter_spans``). None of casemine's rules apply: no stop
list, no 5-character minimum, no measured, tested or susceptibility filters, no abbreviations a
paper defines, no names wrapped over a line break, no dosed classes. So it shows what those rules
add over plain matching of the same vocabulary.

medspaCy itself is not used: medspaCy 1.3.1 requires ``spacy<3.8`` on Python < 3.12 and
``medspacy_quickumls==3.2``, which cannot be installed beside casemine's spaCy 3.8 and scispaCy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pipeline.standoff import Mention

if TYPE_CHECKING:
    from spacy.language import Language

DRUGS = "drugs.tsv"
CLASSES = "drug_classes.tsv"
OPEN = "open dictionary"


@dataclass(frozen=True)
class Pattern:
    """One surface form to match, and the mention it makes."""

    surface: str
    exact: bool
    """Matched case-sensitively (ORTH) rather than on lower case (LOWER)."""
    label: str
    attrs: tuple[tuple[str, str], ...]
    """``norm``, ``drugbank`` and ``class`` where known, and ``source`` (the list it comes from)."""


def _attrs(norm: str, drugbank: str | None, source: str, drug_class: str | None = None) -> tuple[
        tuple[str, str], ...]:
    pairs = [("norm", norm), ("drugbank", drugbank), ("class", drug_class), ("source", source)]
    return tuple((k, v) for k, v in pairs if v)


def _patterns() -> Iterator[Pattern]:
    from pipeline.extractors.drugs import drugbank_id, open_dictionary
    from pipeline.extractors.lexicon import load_lexicon

    for e in load_lexicon(DRUGS, ("surface", "norm", "class")):
        norm = e.get("norm")
        yield Pattern(e.surface, e.exact, "DRUG", _attrs(norm, drugbank_id(norm), DRUGS, e.get("class")))
    for surface, (norm, drugbank) in open_dictionary().items():
        yield Pattern(surface, False, "DRUG", _attrs(norm, drugbank, OPEN))
    for e in load_lexicon(CLASSES):
        yield Pattern(e.surface, e.exact, "DRUG_CLASS", _attrs(e.get("norm"), None, CLASSES))


@cache
def lexicon_patterns() -> tuple[Pattern, ...]:
    """casemine's drug vocabulary as patterns: ``drugs.tsv``, then the open dictionary, then
    ``drug_classes.tsv``; of two matches of the same tokens the earlier pattern wins."""
    return tuple(_patterns())


class PlainDictionaryMatcher:
    """Two PhraseMatchers (ORTH, LOWER) over ``patterns`` on ``nlp``'s tokenizer; longest match wins."""

    def __init__(self, nlp: Language, patterns: Sequence[Pattern]) -> None:
        from spacy.matcher import PhraseMatcher

        self.nlp = nlp
        self.patterns = tuple(patterns)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for i, pattern in enumerate(self.patterns):
            (self.exact if pattern.exact else self.lower).add(str(i), [nlp.make_doc(pattern.surface)])

    def __call__(self, text: str) -> list[Mention]:
        """The mentions of ``text``, in order, with half-open character offsets."""
        from spacy.tokens import Span
        from spacy.util import filter_spans

        doc = self.nlp.make_doc(text)
        strings = doc.vocab.strings
        found = [(int(strings[key]), start, end)
                 for matcher in (self.exact, self.lower) for key, start, end in matcher(doc)]
        # filter_spans keeps the longest span and, of equally long ones, the first it is given
        found.sort()
        spans = filter_spans([Span(doc, start, end, label=str(i)) for i, start, end in found])
        out = []
        for span in sorted(spans, key=lambda s: s.start):
            pattern = self.patterns[int(span.label_)]
            out.append(Mention(pattern.label, span.start_char, span.end_char, span.text, dict(pattern.attrs)))
        return out


@cache
def lexicon_matcher() -> PlainDictionaryMatcher:
    """The peer, built once: :func:`lexicon_patterns` on ``spacy.blank("en")`` (a few seconds)."""
    import spacy

    return PlainDictionaryMatcher(spacy.blank("en"), lexicon_patterns())


def find_lexicon_drugs(text: str) -> list[Mention]:
    """DRUG and DRUG_CLASS mentions of ``text`` by plain matching of casemine's drug vocabulary."""
    return lexicon_matcher()(text)


def describe() -> str:
    """What the peer is, with the size of each list, for the reports."""
    counts = {DRUGS: 0, OPEN: 0, CLASSES: 0}
    for p in lexicon_patterns():
        counts[dict(p.attrs)["source"]] += 1
    return (f"spaCy {_spacy_version()} PhraseMatcher on spacy.blank(\"en\") over casemine's own drug "
            f"vocabulary: pipeline/data/lexicons/{DRUGS} ({counts[DRUGS]} names, DRUG), "
            f"pipeline.extractors.drugs.open_dictionary() ({counts[OPEN]:,} names, DRUG) and "
            f"{CLASSES} ({counts[CLASSES]} names, DRUG_CLASS); attr LOWER (ORTH for the lexicon's "
            "`exact` entries), longest match kept by spacy.util.filter_spans (on a tie: drugs.tsv, "
            "then the open dictionary, then the classes). None of casemine's rules: no stop list, "
            "no 5-character minimum, no measured/tested or susceptibility filters, no defined "
            "abbreviations, no names wrapped over a line break, no dosed classes. It stands in for "
            "medspaCy's TargetMatcher (one TargetRule per name): medspaCy 1.3.1 requires spacy<3.8 "
            "on Python < 3.12 and medspacy_quickumls, which cannot be installed beside casemine's "
            "spaCy 3.8 and scispaCy. DrugBank ids: the open dictionary's, and "
            "pipeline.extractors.drugs.drugbank_id(norm) for the lexicon's names")


def _spacy_version() -> str:
    import spacy

    return str(spacy.__version__)
