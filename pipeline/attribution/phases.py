"""Medication phase of each patient-level DRUG mention: prior, at_initiation, started,
discontinued or last_followup (GUIDELINES §DRUG). Left out where the text does not say.

Evidence, strongest first: the treatment-list column of a table; in a sentence, the words around
the drug (``no HCQ``, ``switched to X``, ``X to replace Y``, ``added to X``), a cue in the part of
its clause that holds it, in a ``when ...`` part, in the rest of the clause, before the run of
drugs it stands in, in a time phrase that opens the sentence, the ``Label:`` field the sentence
is; then defaults for the index drug, and what a replacement by the index drug says of the drug
it replaced. Cue words are data (``pipeline/data/attribution.yaml``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from pipeline.attribution.clauses import clause_around, drug_runs, subclauses
from pipeline.attribution.patients import document_shape
from pipeline.attribution.rules import AttributionRules, Cue, TextCues, attribution_rules
from pipeline.extractors.found import Found, blanked
from pipeline.segment.list_columns import header_list_phases, list_column_at
from pipeline.segment.model import Segmentation, Sentence, Table

INDEX_CLASS = "jak_inhibitor"
BEFORE_TARGET = re.compile(r"\b(?:changed to|switch(?:ed)? to|replaced by)\s*(?:oral\s+)?$", re.I)
TIME_POINT_PHASES = ("at_initiation", "prior", "last_followup")


def attribute_phases(found: list[Found], text: str, seg: Segmentation) -> list[Found]:
    """A copy of ``found`` with ``phase`` on patient-level drugs where the text places them."""
    rules = attribution_rules()
    responses = [f for f in found if f.label == "RESPONSE"]
    drugs = [f for f in found if f.label == "DRUG" and f.attrs.get("patient", "").isdigit()]
    # a dose between two drugs does not part them: "prednisone 15 mg qd, hydroxychloroquine 200 mg bid"
    masked = blanked(text, ((f.start, f.end) for f in found if f.label == "DOSE"))
    all_runs = drug_runs([f for f in found if f.label == "DRUG"], masked)
    runs = {id(d): run for run in all_runs for d in run}
    series = not document_shape(found, seg, text).single_case
    story = _Story(text, seg, rules, [f for f in found if _is_index(f)],
                   sorted((f for f in found if f.label == "DRUG"), key=lambda f: f.start),
                   [(run[0].start, run[-1].end) for run in all_runs])
    phases: dict[int, str | None] = {}
    for f in drugs:
        in_table = any(t.start <= f.start < t.end for t in seg.tables)
        phase = _table_phase(f, seg.tables, text, responses) if in_table else None
        sent = story.sentence_at(f.start)
        if phase is None and sent is not None and sent.kind == "sentence":
            phase = _sentence_phase(f, story, sent, runs.get(id(f)))
        if _is_index(f) and not in_table:
            if phase == "at_initiation":
                phase = "started"  # the index drug is not taken at its own start
            elif phase is None and (series or _in_case_block(f, seg)):
                phase = "started"
        phases[id(f)] = phase
    _place_replaced_drugs(drugs, phases, story, runs)
    out = []
    for f in found:
        phase = phases.get(id(f))
        out.append(replace(f, attrs={**f.attrs, "phase": phase}) if phase else f)
    return out


def _is_index(f: Found) -> bool:
    return (f.label == "DRUG" and f.attrs.get("class") == INDEX_CLASS) or (
        f.label == "DRUG_CLASS" and f.attrs.get("norm") == INDEX_CLASS)


def _in_case_block(f: Found, seg: Segmentation) -> bool:
    section = seg.section_at(f.start)
    return section is not None and section.kind in ("case", "case_presentation")


@dataclass
class _Story:
    """The text with its sentences, the rules (searched in stretches of the text by ``cues``),
    where the index drug is named, and every drug in text order."""

    text: str
    seg: Segmentation
    rules: AttributionRules
    index_mentions: list[Found]
    drugs: list[Found]
    run_spans: list[tuple[int, int]]

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.seg.sentences]
        self.drug_starts = [d.start for d in self.drugs]
        self.index_starts = sorted(f.start for f in self.index_mentions)
        self.cues = TextCues(self.text)
        self.time_point_cues = tuple(c for c in self.rules.phase_cues if c.phase in TIME_POINT_PHASES)

    def cue_phase(self, start: int, end: int, *, time_point: bool = False) -> str | None:
        """The phase of the first ``phase_cues`` entry found in ``text[start:end]``; of those that
        place a time point only, when ``time_point``."""
        cue = self.cues.first(self.time_point_cues if time_point else self.rules.phase_cues, start, end)
        return cue.phase if cue is not None else None

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that holds ``offset``."""
        i = bisect_right(self.starts, offset) - 1
        sent = self.seg.sentences[i] if i >= 0 else None
        return sent if sent is not None and offset < sent.end else None

    def names_index(self, sent: Sentence) -> bool:
        """Whether the sentence names the index drug (or its class)."""
        return _any_between(self.index_starts, sent.start, sent.end)

    def drugs_between(self, start: int, end: int) -> list[Found]:
        """The drugs that start in ``[start, end)``, in text order."""
        return self.drugs[bisect_left(self.drug_starts, start):bisect_left(self.drug_starts, end)]


def _any_between(starts: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``starts`` lies in ``[start, end)``."""
    return bisect_left(starts, start) < bisect_left(starts, end)


def _table_phase(f: Found, tables: list[Table], text: str, responses: list[Found]) -> str | None:
    """In a table with treatment-list columns, the phase of the column the drug stands in."""
    for table in tables:
        if not (table.start <= f.start < table.end) or table.header is None:
            continue
        row = next((r for r in table.rows if r.start <= f.start < r.end), None)
        if row is not None and row.lists:
            column = list_column_at(row, f.start)
            return table.list_phases[column] if column is not None else None
        columns = table.list_phases or header_list_phases(text[table.header[0]:table.header[1]])
        if not columns:
            return None
        if len(columns) == 1:
            return columns[0]
        if row is not None:
            # a row whose lists could not be told apart: the response cell parts them
            split = next((r.start for r in responses if row.start <= r.start < row.end), None)
            if split is None:
                return None
            return columns[0] if f.start < split else columns[-1]
    return None


def _sentence_phase(f: Found, story: _Story, sent: Sentence, run: list[Found] | None) -> str | None:
    text, rules, cues = story.text, story.rules, story.cues
    left, right = clause_around(text, f.start, f.end, sent.start, sent.end)
    if cues.search(rules.not_taken, left, f.start):
        return None  # "no HCQ due to visual field loss"
    if BEFORE_TARGET.search(text[left:f.start]) or _replaces_next_drug(f, story, sent):
        return "started"
    if cues.search(rules.continuing_before, left, f.start):
        return "at_initiation"  # "tofacitinib was added to methotrexate"
    phase = _subclause_phase(f, story, left, right)
    if phase is None and run is not None and run[0] is not f:
        # "treatment with ruxolitinib, MTX, and tocilizumab": the cue before the run
        first = run[0]
        first_sent = story.sentence_at(first.start) or sent  # a PDF may break a sentence in a run
        head_start, _ = clause_around(text, first.start, first.end, first_sent.start, first_sent.end)
        phase = story.cue_phase(head_start, first.start)
    if phase is not None:
        return phase
    lead = cues.search(rules.leading_time_phrase, sent.start, sent.end)
    if lead is not None and sent.start + lead.end() <= left:
        phase = story.cue_phase(sent.start + lead.start(), sent.start + lead.end(), time_point=True)
        if phase is not None:
            return phase
    field = cues.first(rules.phase_fields, sent.start, sent.end)
    if field is not None and field.last_only and not _is_last_field(field, sent.start, story):
        return None
    return field.phase if field is not None else None


def _subclause_phase(f: Found, story: _Story, left: int, right: int) -> str | None:
    """The cue of the part of the clause that holds the drug; else a time clause among the other
    parts ("when baricitinib was added"); else a cue of a part that names no other drug (a cue
    beside another drug is that drug's: "tocilizumab was stopped | and oral tofacitinib ...")."""
    parts = subclauses(story.text, left, right, story.run_spans)
    own = next((p for p in parts if p[0] <= f.start < p[1]), (left, right))
    phase = story.cue_phase(*own)
    others = [(a, b) for a, b in parts if (a, b) != own]
    for a, b in others:
        if phase is None and story.cues.search(story.rules.time_subclause, a, b):
            phase = story.cue_phase(a, b, time_point=True)
    for a, b in others:
        if phase is None and not _any_between(story.drug_starts, a, b):
            phase = story.cue_phase(a, b)
    return phase


def _replaces_next_drug(f: Found, story: _Story, sent: Sentence) -> bool:
    """``tofacitinib (2.5 mg/twice/day) to replace the TCZ``: the drug is the new one."""
    after = story.drugs_between(f.end, sent.end)
    return bool(after) and story.cues.search(story.rules.new_then_old, f.end, after[0].start) is not None


def _is_last_field(field: Cue, offset: int, story: _Story) -> bool:
    section = story.seg.section_at(offset)
    if section is None:
        return False
    later = story.text[offset + 1:section.end]
    return re.search(field.regex.pattern, later, re.I | re.M) is None


def _place_replaced_drugs(
    drugs: list[Found], phases: dict[int, str | None], story: _Story, runs: dict[int, list[Found]]
) -> None:
    """A drug the index drug replaced ("tofacitinib to replace the TCZ") is one the patient took
    before: its mentions that no cue places and its starts before the replacement (in the same
    section) are ``prior``. The drugs begun with it went on when the text says the others
    remained unchanged (``at_initiation``); else their start before the index drug is no phase."""
    rules, cues = story.rules, story.cues
    others = [d for d in drugs if not _is_index(d)]
    for new in drugs:
        if not _is_index(new):
            continue
        sent = story.sentence_at(new.start)
        if sent is None:
            continue
        patient = new.attrs["patient"]
        for old in others:
            if old.attrs["patient"] != patient or not sent.start <= old.start < sent.end:
                continue
            if not ((old.start >= new.end and cues.search(rules.new_then_old, new.end, old.start))
                    or (old.end <= new.start and cues.search(rules.old_then_new, old.end, new.start))):
                continue
            unchanged = cues.search(rules.others_unchanged, sent.start, sent.end) is not None
            section = story.seg.section_at(new.start)
            for m in drugs:
                m_sent = story.sentence_at(m.start)
                if (m.attrs["patient"] != patient or m.attrs.get("norm") != old.attrs.get("norm")
                        or m_sent is None or m_sent.kind != "sentence" or story.names_index(m_sent)):
                    continue
                earlier = m.start < new.start and story.seg.section_at(m.start) == section
                if phases[id(m)] is None:
                    phases[id(m)] = "prior"
                elif phases[id(m)] == "started" and earlier:
                    phases[id(m)] = "prior"
                    for other in runs.get(id(m), []):
                        if other is not m and phases.get(id(other)) == "started" and not _is_index(other):
                            phases[id(other)] = "at_initiation" if unchanged else None
