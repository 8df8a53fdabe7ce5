"""Assemble the spaCy pipeline: a blank English tokenizer (see
:mod:`pipeline.extractors.tokenizer`), the abbreviation detector, one component per entity family,
each adding its :class:`Found` mentions to ``doc._.found``, and a last one that writes them to
``doc.spans[<LABEL>]``. Nothing is downloaded; no trained model is used."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extractors.found import Found
from pipeline.extractors.phrases import text_of
from pipeline.extractors.tokenizer import casemine_tokenizer
from pipeline.segment.model import Segmentation

FAMILIES = ("drugs", "doses", "scores", "labs", "timepoints", "patients", "outcomes")
SPAN_GROUPS = "span_groups"
"""The name of the last component, which writes ``doc.spans`` for whoever runs the pipeline as
spaCy does."""


def register_extensions() -> None:
    """The one inventory of extension attributes (raises if another package took a name)."""
    for name, default in (("found", None), ("segmentation", None)):
        if Doc.has_extension(name):
            getter = Doc.get_extension(name)
            if getter is not None and getter[0] is not default:
                raise ValueError(f"Doc._.{name} is already registered by another package")
            continue
        Doc.set_extension(name, default=default)


def _add(doc: Doc, found: list[Found]) -> Doc:
    if doc._.found is None:
        doc._.found = []
    doc._.found.extend(found)
    return doc


@Language.factory("case_span_groups")
def make_span_groups(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """``doc.spans[<LABEL>]``: the tokens of every mention in ``doc._.found``, by label, in the
    order found (each mention's tokens are all it touches). The last component; extraction,
    which reads ``doc._.found``, runs the others only (see :data:`SPAN_GROUPS`)."""

    def component(doc: Doc) -> Doc:
        groups: dict[str, list[Span]] = {}
        for f in doc._.found or []:
            span = doc.char_span(f.start, f.end, label=f.label, alignment_mode="expand")
            if span is not None:
                groups.setdefault(f.label, []).append(span)
        for label, spans in groups.items():
            doc.spans.setdefault(label, []).extend(spans)
        return doc

    return component


def _segmentation(doc: Doc) -> Segmentation:
    seg = doc._.segmentation
    if seg is None:
        from pipeline.segment import segment

        seg = segment(text_of(doc))
        doc._.segmentation = seg
    return seg


@Language.factory("case_drugs", default_config={"open_vocabulary": True})
def make_drugs(nlp: Language, name: str, open_vocabulary: bool) -> Callable[[Doc], Doc]:
    """DRUG and DRUG_CLASS from lexicons, defined abbreviations and the open dictionary."""
    from pipeline.extractors.drugs import DrugFinder

    finder = DrugFinder(nlp, open_vocabulary=open_vocabulary)

    def component(doc: Doc) -> Doc:
        abbreviations = doc._.defined_abbreviations if doc.has_extension("defined_abbreviations") else None
        return _add(doc, finder(doc, abbreviations or [], tables=_segmentation(doc).tables))

    return component


@Language.factory("case_outcomes")
def make_outcomes(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """RESPONSE and ADVERSE_EVENT (with negation) from lexicons."""
    from pipeline.extractors.outcomes import OutcomeFinder

    finder = OutcomeFinder(nlp)

    def component(doc: Doc) -> Doc:
        seg = _segmentation(doc)
        return _add(doc, finder(doc, [(s.start, s.end) for s in seg.sentences]))

    return component


def _text_family(finder: Callable[[Doc], list[Found]]) -> Callable[[Doc], Doc]:
    def component(doc: Doc) -> Doc:
        return _add(doc, finder(doc))

    return component


@Language.factory("case_doses")
def make_doses(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """DOSE: posology expressions, normalised."""
    from pipeline.extractors.doses import find_doses

    return _text_family(lambda doc: find_doses(text_of(doc), tables=_segmentation(doc).tables))


@Language.factory("case_scores")
def make_scores(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """SCORE: values of disease-activity and damage instruments."""
    from pipeline.extractors.scores import find_scores

    return _text_family(lambda doc: find_scores(text_of(doc), tables=_segmentation(doc).tables))


@Language.factory("case_labs")
def make_labs(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """LAB: lab values and qualitative findings, table cells included."""
    from pipeline.extractors.labs import find_labs

    return _text_family(lambda doc: find_labs(text_of(doc), tables=_segmentation(doc).tables))


@Language.factory("case_timepoints")
def make_timepoints(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """TIMEPOINT: dates, relative times and durations, normalised."""
    from pipeline.extractors.timepoints import find_timepoints

    return _text_family(lambda doc: find_timepoints(text_of(doc), _segmentation(doc)))


@Language.factory("case_patients")
def make_patients(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """PATIENT: numbered cases, definite references and table rows."""
    from pipeline.extractors.patients import find_patients

    return _text_family(lambda doc: find_patients(text_of(doc), _segmentation(doc).tables))


@cache
def build_nlp(open_vocabulary: bool = True) -> Language:
    """The extraction pipeline (cached per process)."""
    import pipeline.extractors.abbreviations  # noqa: F401  (registers "case_abbreviations")

    register_extensions()
    nlp = casemine_tokenizer(spacy.blank("en"))
    nlp.add_pipe("case_abbreviations", name="abbreviation_detector")
    nlp.add_pipe("case_drugs", config={"open_vocabulary": open_vocabulary})
    for family in FAMILIES[1:]:
        nlp.add_pipe(f"case_{family}")
    nlp.add_pipe("case_span_groups", name=SPAN_GROUPS)
    return nlp
