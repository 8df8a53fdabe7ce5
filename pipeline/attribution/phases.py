"""Medication phase of each patient-level DRUG mention: prior, at_initiation, started,
discontinued or last_followup (GUIDELINES §DRUG). Left out where the text does not say."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from pipeline.attribution.rules import attribution_rules
from pipeline.extractors.found import Found
from pipeline.segment.model import Segmentation, Table
from pipeline.segment.tables import header_list_phases, list_column_at

INDEX_CLASS = "jak_inhibitor"
BEFORE_TARGET = re.compile(r"\b(?:changed to|switch(?:ed)? to|replaced by)\s*$", re.I)
FOLLOW_UP_FIELD = re.compile(r"^Follow-up(?: at \d+ months)?:", re.I | re.M)


def attribute_phases(found: list[Found], text: str, seg: Segmentation) -> list[Found]:
    """A copy of ``found`` with ``phase`` on patient-level drugs where the text places them."""
    responses = [f for f in found if f.label == "RESPONSE"]
    starts = [s.start for s in seg.sentences]
    out = []
    for f in found:
        patient = f.attrs.get("patient", "")
        if f.label != "DRUG" or not patient.isdigit():
            out.append(f)
            continue
        phase = _table_phase(f, seg.tables, text, responses)
        if phase is None:
            i = bisect_right(starts, f.start) - 1
            sent = seg.sentences[i] if i >= 0 else None
            if sent is not None and sent.kind == "sentence":
                phase = _sentence_phase(f, text, sent.start, sent.end, seg)
        if phase is None and f.attrs.get("class") == INDEX_CLASS and _in_case_block(f, seg):
            phase = "started"
        attrs = dict(f.attrs)
        if phase:
            attrs["phase"] = phase
        out.append(replace(f, attrs=attrs))
    return out


def _in_case_block(f: Found, seg: Segmentation) -> bool:
    section = seg.section_at(f.start)
    return section is not None and section.kind in ("case", "case_presentation")


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


def _clause(text: str, start: int, end: int, s_start: int, s_end: int) -> tuple[int, int]:
    """The comma-delimited clause around ``[start, end)``, ignoring commas in parentheses."""
    depth = 0
    left = s_start
    for i in range(start - 1, s_start - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                continue
            depth -= 1
        elif ch in ",;:" and depth == 0:
            left = i + 1
            break
    depth = 0
    right = s_end
    for i in range(end, s_end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        elif ch in ",;" and depth == 0:
            right = i
            break
    return left, right


def _sentence_phase(f: Found, text: str, s_start: int, s_end: int, seg: Segmentation) -> str | None:
    left, right = _clause(text, f.start, f.end, s_start, s_end)
    before = text[left:f.start]
    clause = text[left:right]
    if BEFORE_TARGET.search(before):
        return "started"
    for phase, rx in attribution_rules().phase_cues:
        if rx.search(clause):
            return phase
    head = text[s_start:min(s_end, s_start + 40)]
    if re.match(r"(?i)prior treatment", head):
        return "at_initiation"
    if re.match(r"(?i)\w+ dosage:", head):
        return "started"
    if FOLLOW_UP_FIELD.match(head) and _is_last_follow_up(s_start, seg, text):
        return "last_followup"
    return None


def _is_last_follow_up(offset: int, seg: Segmentation, text: str) -> bool:
    section = seg.section_at(offset)
    if section is None:
        return False
    later = text[offset + 1:section.end]
    return FOLLOW_UP_FIELD.search(later) is None
