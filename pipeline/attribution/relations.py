"""Relations: DOSE_OF (a dose to the drug it is the dose of) and MEASURED_AT (a score or lab
value to the timepoint that says when it was measured)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import yaml

from pipeline.extractors.found import ByStart, Found
from pipeline.segment.list_columns import list_column_at
from pipeline.segment.model import Segmentation, TableRow

DOSE_REACH = 60
# "500 mL of normal saline", "40 mEq of potassium chloride": the drug named right after the dose
DRUG_AFTER_DOSE = re.compile(r"\s+of\s+(?:(?!(?:and|or|with|the|a|an)\b)[\w%.,-]+\s+){0,2}\Z", re.I)
DOSE_OF_DRUG = re.compile(r"\b(?:doses?|dosing|dosage)\s+(?:of|for)\s+$", re.I)
# what may stand between a drug and its dose: "prednisone (", "ibuprofen suspension (",
# "Tofacitinib dosage: ", "tofacitinib ", "Prednisone "
BETWEEN_DRUG_AND_DOSE = re.compile(
    r"^[\s(]*(?:(?:suspension|injection|tablets?|dosage|doses?|was|were|reduced|adjusted|increased|"
    r"tapered|decreased|below|to|at a dose of|at|of|pulse therapy|therapy)[\s:(]*)*$",
    re.I,
)
FOLLOW_UP = re.compile(r"^Follow-up\b", re.I)
"""A timepoint that states a follow-up ("Follow-up: 24 months", "Follow-up at 12 months")."""


def link_relations(found: list[Found], text: str, seg: Segmentation) -> list[tuple[str, Found, Found]]:
    """``(type, source, target)`` triples for DOSE_OF and MEASURED_AT."""
    drugs = _Drugs(f for f in found if f.label == "DRUG")
    times = ByStart(f for f in found if f.label == "TIMEPOINT")
    sentences = [(s.start, s.end) for s in seg.sentences]
    starts = [s for s, _ in sentences]
    listed = [row for table in seg.tables for row in table.rows if row.lists]
    out: list[tuple[str, Found, Found]] = []
    for f in found:
        if f.label == "DOSE":
            row = next((r for r in listed if r.start <= f.start < r.end), None)
            if row is not None:
                drug = _drug_of_column(f, drugs, text, row)
            else:
                drug = (_drug_before(f, drugs.last_ending_in(f.start - DOSE_REACH, f.start), text)
                        or _drug_after(f, drugs, text)
                        or _drug_of_sentence(f, drugs, text, sentences, starts))
            if drug is not None:
                out.append(("DOSE_OF", f, drug))
        elif f.label in ("SCORE", "LAB"):
            when = _time_of(f, times, text, seg, sentences, starts)
            if when is not None:
                out.append(("MEASURED_AT", f, when))
    return out


class _Drugs:
    """The drugs of a text in text order, looked up by where they start and where they end."""

    def __init__(self, drugs: Iterable[Found]) -> None:
        self.by_start = ByStart(drugs)
        self.drugs = self.by_start.mentions
        self.by_end = sorted((d.end, i) for i, d in enumerate(self.drugs))
        self.ends = [end for end, _ in self.by_end]

    def last_ending_in(self, low: int, high: int) -> Found | None:
        """The last drug, in text order, of those that end in ``[low, high]``."""
        ending = self.by_end[bisect_left(self.ends, low):bisect_right(self.ends, high)]
        return self.drugs[max(i for _, i in ending)] if ending else None

    def first_ending_at(self, end: int) -> Found | None:
        """The first drug, in text order, of those that end at ``end``."""
        i = bisect_left(self.ends, end)
        return self.drugs[self.by_end[i][1]] if i < len(self.ends) and self.ends[i] == end else None


def _drug_before(dose: Found, drug: Found | None, text: str) -> Found | None:
    """``drug`` when it ends at most ``DOSE_REACH`` characters before the dose and only words that
    lead to a dose stand between them."""
    if (drug is not None and drug.end <= dose.start and dose.start - drug.end <= DOSE_REACH
            and BETWEEN_DRUG_AND_DOSE.match(text[drug.end:dose.start])):
        return drug
    return None


def _drug_after(dose: Found, drugs: _Drugs, text: str) -> Found | None:
    """The drug an amount is "of", named right after it ("500 mL of normal saline")."""
    i = bisect_right(drugs.by_start.starts, dose.end)
    after = drugs.drugs[i] if i < len(drugs.drugs) else None
    if after is not None and after.start - dose.end <= DOSE_REACH and DRUG_AFTER_DOSE.match(
            text, dose.end, after.start):
        return after
    return None


def _drug_of_column(dose: Found, drugs: _Drugs, text: str, row: TableRow) -> Found | None:
    """In a table row split into list columns, the drug just before the dose in its own column
    (``belimumab`` ... next line ``(480 mg q4w)``); outside the columns, only a drug outside them."""
    column = list_column_at(row, dose.start)
    same = [d for d in drugs.by_start.between(row.start, row.end) if d.end <= dose.start
            and list_column_at(row, d.start) == column]
    if not same:
        return None
    drug = same[-1]
    if column is None:
        return _drug_before(dose, drug, text)
    between = " ".join(text[max(a, drug.end):min(b, dose.start)]
                       for a, b in row.lists[column] if a < dose.start and b > drug.end)
    ok = len(between) <= DOSE_REACH and BETWEEN_DRUG_AND_DOSE.match(between)
    return drug if ok else None


def _drug_of_sentence(
    dose: Found, drugs: _Drugs, text: str, sentences: list[tuple[int, int]], starts: list[int]
) -> Found | None:
    """A dose in parentheses opened right after a drug ("prednisone (case 1: 15 mg/day ...)"),
    or the drug named after "the dose of" earlier in the sentence."""
    i = bisect_right(starts, dose.start) - 1
    if i < 0:
        return None
    s_start = sentences[i][0]
    depth = 0
    for pos in range(dose.start - 1, s_start - 1, -1):
        ch = text[pos]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth:
                depth -= 1
                continue
            opener = drugs.first_ending_at(s_start + len(text[s_start:pos].rstrip()))
            if opener is not None:
                return opener
            break
    # a drug that ends before the dose starts no later than the dose
    named = [d for d in drugs.by_start.between(s_start, dose.start + 1) if d.end <= dose.start
             and DOSE_OF_DRUG.search(text[max(s_start, d.start - 20):d.start])]
    return named[-1] if named else None


def _time_of(f: Found, times: ByStart, text: str, seg: Segmentation,
             sentences: list[tuple[int, int]], starts: list[int]) -> Found | None:
    for table in seg.tables:
        if table.start <= f.start < table.end:
            for row in table.rows:
                if row.start <= f.start < row.end:
                    # a duration cell ("TOF duration (months)") says how long, not when
                    in_row = [t for t in times.between(row.start, row.end) if t.start < f.start
                              and t.attrs.get("kind") != "duration"]
                    return in_row[0] if in_row else None
            return None
    # "SLEDAI-2K score at disease onset was 11.11": the time the value's own words state
    inside = [t for t in times.between(f.start, f.end + 1) if t.end <= f.end]
    if inside:
        return inside[0]
    i = bisect_right(starts, f.start) - 1
    if i >= 0:
        s, e = sentences[i]
        same = [t for t in times.between(s, e) if t.end <= f.start or t.start >= f.end]
        if same:
            return min(same, key=lambda t: abs(t.start - f.start))
    section = seg.section_at(f.start)
    if section is not None and section.kind == "case":
        prior = [t for t in times.between(section.start, f.start) if FOLLOW_UP.match(text[t.start:t.end])]
        if prior:
            return prior[-1]
    return None


def replace_mentions(
    found: list[Found], links: list[tuple[str, Found, Found]], new: dict[int, Found]
) -> tuple[list[Found], list[tuple[str, Found, Found]]]:
    """``found`` and ``links`` with the mentions keyed by ``id()`` in ``new`` replaced."""
    return (
        [new.get(id(f), f) for f in found],
        [(t, new.get(id(a), a), new.get(id(b), b)) for t, a, b in links],
    )


def measurement_time(timepoint: Found) -> str | None:
    """The ``at`` of a score or lab value measured at ``timepoint`` (GUIDELINES §TIMEPOINT)."""
    attrs = timepoint.attrs
    if attrs.get("event") == "last_followup":
        return "last_followup"
    if attrs.get("kind") == "date" and attrs.get("iso"):
        return attrs["iso"]
    months = attrs.get("months")
    anchor = attrs.get("anchor")
    if anchor == "index_start" and months and "|" not in months:
        return months
    if anchor in ("admission", "onset", "diagnosis") and months in (None, "0"):
        return anchor
    return None


def with_measurement_times(
    found: list[Found], links: list[tuple[str, Found, Found]]
) -> tuple[list[Found], list[tuple[str, Found, Found]]]:
    """Set ``at`` on scores and labs from their MEASURED_AT timepoint; relations follow."""
    new: dict[int, Found] = {}
    for rtype, source, target in links:
        if rtype == "MEASURED_AT" and "at" not in source.attrs:
            at = measurement_time(target)
            if at is not None:
                new[id(source)] = replace(source, attrs={**source.attrs, "at": at})
    return replace_mentions(found, links, new)


def with_table_lab_times(
    found: list[Found], links: list[tuple[str, Found, Found]], text: str, seg: Segmentation
) -> tuple[list[Found], list[tuple[str, Found, Found]]]:
    """A lab finding in a table row that states no time of its own takes the time the header
    states for the table's column of laboratory findings ("... findings at last follow-up")."""
    from pipeline.extractors.scores import laboratory_column_time

    new: dict[int, Found] = {}
    for table in seg.tables:
        inside = [f for f in found if f.label == "LAB" and "at" not in f.attrs
                  and any(r.start <= f.start < r.end for r in table.rows)]
        at = laboratory_column_time(text, table) if inside else None
        if at is not None:
            new.update((id(f), replace(f, attrs={**f.attrs, "at": at})) for f in inside)
    return replace_mentions(found, links, new)


PARAGRAPH_REACH = 6
"""How many sentences back a lab value without a time of its own looks for one."""


def with_paragraph_lab_times(
    found: list[Found], links: list[tuple[str, Found, Found]], text: str, seg: Segmentation
) -> tuple[list[Found], list[tuple[str, Found, Found]]]:
    """A lab value in running text whose sentence states no time ("Laboratory tests revealed
    ...") takes the time of the nearest earlier sentence of its paragraph that states one: an
    admission ("was admitted ... in June 2020") is ``admission``, else the last timepoint there
    that places a measurement (a date). A time that cannot be placed stops the search."""
    from pipeline.attribution.rules import attribution_rules

    admission = attribution_rules().admission_event
    sentences = seg.sentences
    starts = [s.start for s in sentences]
    times = ByStart(f for f in found if f.label == "TIMEPOINT")

    def in_sentence(k: int) -> list[Found]:
        return times.between(sentences[k].start, sentences[k].end)

    stated: dict[int, str | None] = {}

    def time_stated(i: int) -> str | None:
        if i not in stated:
            stated[i] = None
            for k in range(i - 1, max(-1, i - 1 - PARAGRAPH_REACH), -1):
                prev, after = sentences[k], sentences[k + 1]
                if prev.kind != "sentence" or "\n\n" in text[prev.end:after.start]:
                    break
                if admission.search(text[prev.start:prev.end]):
                    stated[i] = "admission"
                    break
                if there := in_sentence(k):
                    stated[i] = measurement_time(there[-1])
                    break
        return stated[i]

    new: dict[int, Found] = {}
    for f in found:
        if f.label != "LAB" or "at" in f.attrs or any(t.start <= f.start < t.end for t in seg.tables):
            continue
        i = bisect_right(starts, f.start) - 1
        if i < 0 or sentences[i].kind != "sentence" or in_sentence(i):
            continue
        at = time_stated(i)
        if at is not None:
            new[id(f)] = replace(f, attrs={**f.attrs, "at": at})
    return replace_mentions(found, links, new)


@dataclass(frozen=True)
class PlausibilityRule:
    """Frequencies that cannot apply to drugs whose generic names end with ``suffixes``."""

    name: str
    suffixes: tuple[str, ...]
    impossible_freq: frozenset[str]

    def refuses(self, drug_norm: str, freq: str | None) -> bool:
        """True when ``freq`` cannot be the frequency of ``drug_norm``."""
        return freq in self.impossible_freq and drug_norm.lower().endswith(self.suffixes)


@cache
def plausibility_rules() -> tuple[PlausibilityRule, ...]:
    """The rules of ``pipeline/data/dose_plausibility.yaml``, checked against their examples."""
    origin = "pipeline/data/dose_plausibility.yaml"
    data = yaml.safe_load(
        resources.files("pipeline.data").joinpath("dose_plausibility.yaml").read_text("utf-8")
    )
    rules = []
    for n, raw in enumerate(data.get("rules", []), start=1):
        try:
            rule = PlausibilityRule(raw["name"], tuple(raw["suffixes"]), frozenset(raw["impossible_freq"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{origin}: rule {n}: missing {exc}") from exc
        examples = raw.get("examples") or {}
        for drug, freq in examples.get("flagged", []):
            if not rule.refuses(drug, freq):
                raise ValueError(f"{origin}: rule {rule.name}: example {drug} {freq} is not flagged")
        for drug, freq in examples.get("kept", []):
            if rule.refuses(drug, freq):
                raise ValueError(f"{origin}: rule {rule.name}: example {drug} {freq} is flagged")
        rules.append(rule)
    return tuple(rules)


IMPLIED_BY_FREQ = ("freq", "per_day", "daily_mg")


def withdraw_implausible_frequencies(
    found: list[Found], links: list[tuple[str, Found, Found]]
) -> tuple[list[Found], list[tuple[str, Found, Found]]]:
    """Doses whose frequency cannot apply to their drug lose it and say so."""
    new: dict[int, Found] = {}
    for rtype, dose, drug in links:
        if rtype != "DOSE_OF":
            continue
        norm = drug.attrs.get("norm", "")
        if any(r.refuses(norm, dose.attrs.get("freq")) for r in plausibility_rules()):
            attrs = {k: v for k, v in dose.attrs.items() if k not in IMPLIED_BY_FREQ}
            attrs["check"] = "implausible_frequency"
            new[id(dose)] = replace(dose, attrs=attrs)
    return replace_mentions(found, links, new)
