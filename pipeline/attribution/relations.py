"""Relations: DOSE_OF (a dose to the drug it is the dose of) and MEASURED_AT (a score or lab
value to the timepoint that says when it was measured)."""

from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.extractors.found import Found
from pipeline.segment.model import Segmentation

DOSE_REACH = 60
# what may stand between a drug and its dose: "prednisone (", "ibuprofen suspension (",
# "Tofacitinib dosage: ", "tofacitinib ", "Prednisone "
BETWEEN_DRUG_AND_DOSE = re.compile(
    r"^[\s(]*(?:(?:suspension|injection|tablets?|dosage|dose|was reduced to|at a dose of|at|of|"
    r"pulse therapy|therapy)[\s:(]*)*$",
    re.I,
)
FOLLOW_UP = re.compile(r"^Follow-up\b", re.I)


def link_relations(found: list[Found], text: str, seg: Segmentation) -> list[tuple[str, Found, Found]]:
    """``(type, source, target)`` triples for DOSE_OF and MEASURED_AT."""
    drugs = sorted((f for f in found if f.label == "DRUG"), key=lambda f: f.start)
    times = sorted((f for f in found if f.label == "TIMEPOINT"), key=lambda f: f.start)
    sentences = [(s.start, s.end) for s in seg.sentences]
    starts = [s for s, _ in sentences]
    out: list[tuple[str, Found, Found]] = []
    for f in found:
        if f.label == "DOSE":
            drug = _drug_of(f, drugs, text)
            if drug is not None:
                out.append(("DOSE_OF", f, drug))
        elif f.label in ("SCORE", "LAB"):
            when = _time_of(f, times, text, seg, sentences, starts)
            if when is not None:
                out.append(("MEASURED_AT", f, when))
    return out


def _drug_of(dose: Found, drugs: list[Found], text: str) -> Found | None:
    before = [d for d in drugs if d.end <= dose.start and dose.start - d.end <= DOSE_REACH]
    if before:
        drug = before[-1]
        if BETWEEN_DRUG_AND_DOSE.match(text[drug.end:dose.start]):
            return drug
    return None


def _time_of(f: Found, times: list[Found], text: str, seg: Segmentation,
             sentences: list[tuple[int, int]], starts: list[int]) -> Found | None:
    for table in seg.tables:
        if table.start <= f.start < table.end:
            for row in table.rows:
                if row.start <= f.start < row.end:
                    in_row = [t for t in times if row.start <= t.start < row.end and t.start < f.start]
                    return in_row[0] if in_row else None
            return None
    i = bisect_right(starts, f.start) - 1
    if i >= 0:
        s, e = sentences[i]
        same = [t for t in times if s <= t.start < e and (t.end <= f.start or t.start >= f.end)]
        if same:
            return min(same, key=lambda t: abs(t.start - f.start))
    section = seg.section_at(f.start)
    if section is not None and section.kind == "case":
        prior = [t for t in times if section.start <= t.start < f.start
                 and FOLLOW_UP.match(text[t.start:t.end])]
        if prior:
            return prior[-1]
    return None
