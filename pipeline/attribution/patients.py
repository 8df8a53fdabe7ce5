"""Which patient each mention belongs to: a case number, ``cohort`` or ``other``.

Evidence, strongest first: the table row, the per-case block, a numbered patient in the same
sentence (the clause decides between several), the patient whose story the sentence goes on
(about "he"/"she", or without a subject of its own in a results or case narrative), then the
kind of section and whether the sentence cites other work or speaks of the study's own
patients. A text with fewer than two numbered patients is one case unless it speaks of a cohort.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from pipeline.attribution.clauses import clause_around
from pipeline.attribution.rules import AttributionRules, Cue, TextCues, attribution_rules
from pipeline.extractors.found import ByStart, Found
from pipeline.segment.model import Segmentation, Sentence, Table

# a cue (of the code, not of the data) so that it is searched as the sentence cues are: once a sentence
PRONOUN = Cue("pronoun", re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b"))
CONTINUATION_SENTENCES = 5
COHORT_SECTIONS = ("abstract", "methods", "results")
# sections where a sentence without a subject of its own goes on with the patient before it
STORY_SECTIONS = ("results", "case_presentation", "abstract")
SENTENCE_END = ".!?:"
COMPARISON_REACH = 20
CueFamily = Literal["citation", "own", "definition", "group", "pronoun"]
"""A family of sentence cues of :class:`AttributionRules`, or the :data:`PRONOUN`."""


@dataclass(frozen=True)
class DocumentShape:
    """Whether a document reports one patient or a series."""

    single_case: bool
    patient_ids: frozenset[str]


def document_shape(found: list[Found], seg: Segmentation, text: str = "") -> DocumentShape:
    """A series has case blocks, numbered table rows or several numbered patients (``id`` before
    attribution, ``patient`` after it). A text with fewer is one case, unless it has no case
    presentation and its own abstract, methods or results speak of several patients
    (``cohort_cues``): then it reports a cohort."""
    ids = {f.attrs.get("id") or f.attrs["patient"] for f in found if f.label == "PATIENT"
           and (f.attrs.get("id") or f.attrs.get("patient", "").isdigit())}
    ids |= {c.case_id for c in seg.case_blocks() if c.case_id}
    presents_a_case = any(s.kind == "case_presentation" for s in seg.sections)
    single = len(ids) <= 1 and not (text and not presents_a_case and speaks_of_cohort(text, seg))
    return DocumentShape(single_case=single, patient_ids=frozenset(ids))


def speaks_of_cohort(text: str, seg: Segmentation) -> bool:
    """Whether a sentence of the text's own abstract (not its background), methods or results,
    citing no other work, speaks of several patients or of statistics over them."""
    rules = attribution_rules()
    for sent in seg.sentences:
        section = seg.section_at(sent.start)
        if section is None or section.kind not in COHORT_SECTIONS:
            continue
        if section.kind == "abstract" and section.title.lower() in rules.background_parts:
            continue
        sentence = text[sent.start:sent.end]
        if any(c.search(sentence) for c in rules.cohort) and not any(
                c.search(sentence) for c in rules.citation):
            return True
    return False


class SentenceCues:
    """Whether a family of cues is found in a stretch of one text; each family is searched once
    per stretch, however many mentions the stretch holds."""

    def __init__(self, text: str, rules: AttributionRules) -> None:
        self.text_cues = TextCues(text)
        self.families: dict[CueFamily, tuple[Cue, ...]] = {
            "citation": rules.citation, "own": rules.own,
            "definition": rules.definition, "group": rules.group, "pronoun": (PRONOUN,),
        }
        self._found: dict[tuple[CueFamily, int, int], bool] = {}

    def any(self, family: CueFamily, start: int, end: int) -> bool:
        """Whether a cue of ``family`` is found in ``text[start:end]``."""
        key = (family, start, end)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self.text_cues.any(self.families[family], start, end)
        return found


def attribute_patients(found: list[Found], text: str, seg: Segmentation) -> list[Found]:
    """A copy of ``found`` with ``patient`` set on every mention."""
    rules = attribution_rules()
    shape = document_shape(found, seg, text)
    sentences = [(s.start, s.end) for s in seg.sentences]
    starts = [s for s, _ in sentences]
    # the numbered patients ("Patient 8", "case 3"); one named for comparison ("as Patient 3, he
    # achieved ...", "Except for Patient 4, no other patients ...") is not the one the sentence
    # speaks of
    numbered = ByStart([f for f in found if f.label == "PATIENT" and f.attrs.get("id")
                        and not rules.comparison.search(text[max(0, f.start - COMPARISON_REACH):f.start])])
    cues = SentenceCues(text, rules)
    out = []
    for f in found:
        patient = _patient_of(f, text, seg, shape, sentences, starts, numbered, cues, rules)
        if "id" in f.attrs:
            attrs = {k: v for k, v in f.attrs.items() if k != "id"}
            attrs["patient"] = patient
        else:
            attrs = {**f.attrs, "patient": patient}
        out.append(Found(f.label, f.start, f.end, attrs, f.rule))
    return out


def _patient_of(
    f: Found,
    text: str,
    seg: Segmentation,
    shape: DocumentShape,
    sentences: list[tuple[int, int]],
    starts: list[int],
    numbered: ByStart,
    cues: SentenceCues,
    rules: AttributionRules,
) -> str:
    if f.label == "PATIENT" and f.attrs.get("id"):
        return str(f.attrs["id"])
    table = _table_at(seg.tables, f.start)
    if table is not None:
        if table.footnote and table.footnote[0] <= f.start < table.footnote[1]:
            return "other"
        for row in table.rows:
            if row.start <= f.start < row.end and (row.key or "").isdigit():
                return row.key or "cohort"
        return "1" if shape.single_case else "cohort"
    section = seg.section_at(f.start)
    kind = section.kind if section else "front"
    if section is not None and section.kind == "case" and section.case_id:
        return section.case_id
    i = bisect_right(starts, f.start) - 1
    sent = sentences[i] if i >= 0 else (0, len(text))
    in_sentence = numbered.between(sent[0], sent[1])
    ids = {p.attrs["id"] for p in in_sentence}
    if len(ids) == 1 and not shape.single_case:
        # "three had infections; one (Patient 6) showed leukopenia": the clause decides
        left = text.rfind(";", sent[0], f.start) + 1 or sent[0]
        right = text.find(";", f.end, sent[1])
        right = sent[1] if right < 0 else right
        if any(left <= p.start < right for p in in_sentence) or text.find(";", *sent) < 0:
            return next(iter(ids))
    if len(ids) > 1:
        # an enumeration with labels, "case 1: 15 mg/day ..., case 2: 25 mg/day": the label before
        labelled = [p for p in in_sentence if p.end <= f.start and text[p.end:p.end + 1] == ":"]
        if labelled:
            return str(labelled[-1].attrs["id"])
        # "case 1 discontinued CysA, and cases 2 and 4 discontinued belimumab": the clause's one
        left, right = clause_around(text, f.start, f.end, sent[0], sent[1])
        in_clause = [p for p in in_sentence if left <= p.start < right]
        if len(in_clause) == 1 and in_clause[0].rule != "list_continuation":  # not "Cases 3, 7, and 8"
            return str(in_clause[0].attrs["id"])
        return "cohort"
    cites = cues.any("citation", *sent)
    if i > 0 and not shape.single_case and not ids and not cites and (
        cues.any("pronoun", *sent) or (kind in STORY_SECTIONS and not cues.any("group", *sent))
    ):
        story = _story_patient(i, text, seg.sentences, numbered, cues)
        if story is not None:
            return story
    study = "1" if shape.single_case else "cohort"
    if shape.single_case and f.label == "PATIENT" and f.rule == "definite" and not cites:
        return "1"
    if kind == "keywords":
        return study if shape.single_case else "other"
    # whether the sentence speaks of the study's own patients is searched only where it decides
    if kind == "introduction" and not cites and cues.any("own", *sent):
        return study
    if kind in rules.other_sections:
        return "other"
    if kind in ("discussion", "conclusion"):
        return study if not cites and cues.any("own", *sent) else "other"
    if cites and not cues.any("own", *sent):
        return "other"
    if kind == "abstract" and section is not None and section.title.lower() in rules.background_parts:
        return study if cues.any("own", *sent) else "other"
    if kind == "methods" and cues.any("definition", *sent):
        return "other"
    if kind == "methods" and not cues.any("own", *sent):
        return "other" if f.label in ("RESPONSE", "DOSE", "LAB", "SCORE") else study
    return study


def _story_patient(
    i: int, text: str, sentences: list[Sentence], numbered: ByStart, cues: SentenceCues
) -> str | None:
    """The patient whose story sentence ``i`` goes on: the one patient named in an earlier sentence
    of the same paragraph, with no sentence between that names others or speaks of a group.
    A blank line that a PDF left inside a sentence ("... discontinued.\n\nglucocorticoids,")
    does not end the paragraph."""
    after = sentences[i].start
    for k in range(i - 1, max(-1, i - 1 - CONTINUATION_SENTENCES), -1):
        prev = sentences[k]
        if prev.kind != "sentence" or _paragraph_break(text, prev.end, after):
            return None  # a heading or a table row ends the story too
        before = {p.attrs["id"] for p in numbered.between(prev.start, prev.end)}
        if len(before) == 1:
            return str(next(iter(before)))
        if before or cues.any("group", prev.start, prev.end):
            return None
        after = prev.start
    return None


def _paragraph_break(text: str, end: int, start: int) -> bool:
    """A blank line between a sentence that ends and one that starts with a capital."""
    return ("\n\n" in text[end:start] and end > 0 and text[end - 1] in SENTENCE_END
            and start < len(text) and (text[start].isupper() or text[start].isdigit()))


def _table_at(tables: list[Table], offset: int) -> Table | None:
    for t in tables:
        if t.start <= offset < t.end:
            return t
    return None
