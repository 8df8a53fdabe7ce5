"""Which gold labels of each external corpus are compared with which casemine labels.

One :class:`LabelMap` is one row of the benchmark report. LABEL_MAPPING.md gives the reason for
each row; keep the two in step. Both sides of a row are relabelled to the row's name before
matching, so :class:`pipeline.scoring.metrics.StrictMatch` and ``LenientMatch`` compare them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pipeline.standoff import Mention

GoldFilter = Callable[[Mention], bool]
DRUG_LABELS = frozenset({"DRUG"})
DRUG_OR_CLASS = frozenset({"DRUG", "DRUG_CLASS"})
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LabelMap:
    """One benchmark row: gold mentions of ``gold_labels`` against predictions of ``pred_labels``.

    ``pred_attr``/``pred_value`` keep only predictions carrying that attribute (with that value,
    or any value when ``pred_value`` is None). ``strict=False`` marks a row whose spans cannot
    coincide by definition (a route inside a DOSE span), scored leniently only. ``recall_only``
    marks a row whose gold is a subset of what the predictions aim at, so precision means nothing.
    Frequency rows are recall-only: both corpora write a rate inside the dose (``900 mg/d``,
    ``500 mg daily``) as Dosage, so most DOSE spans with ``freq`` have no Frequency to meet.
    ``peer`` rows are also scored for the peer drug taggers. A prediction that falls on a gold span
    of an ``ignore_labels`` label (MACCROBAT's ``Coreference``: a repeated mention of a drug is
    labelled as a coreference, not as Medication) is neither right nor wrong and is left out.
    """

    name: str
    gold_labels: frozenset[str]
    pred_labels: frozenset[str]
    pred_attr: str | None = None
    pred_value: str | None = None
    gold_filter: GoldFilter | None = None
    strict: bool = True
    recall_only: bool = False
    peer: bool = False
    ignore_labels: frozenset[str] = frozenset()

    def gold(self, mentions: Iterable[Mention]) -> list[Mention]:
        """The gold mentions this row scores, relabelled to the row's name."""
        return [replace(m, label=self.name) for m in mentions
                if m.label in self.gold_labels and (self.gold_filter is None or self.gold_filter(m))]

    def pred(self, mentions: Iterable[Mention]) -> list[Mention]:
        """The predicted mentions this row scores, relabelled to the row's name."""
        out = []
        for m in mentions:
            if m.label not in self.pred_labels:
                continue
            if self.pred_attr is not None:
                value = m.attrs.get(self.pred_attr)
                if value is None or (self.pred_value is not None and value != self.pred_value):
                    continue
            out.append(replace(m, label=self.name))
        return out


def has_number(m: Mention) -> bool:
    """Whether a gold span contains a digit (our DOSE needs an amount; ``low dose`` has none)."""
    return bool(_DIGIT.search(m.text))


def _one(label: str) -> frozenset[str]:
    return frozenset({label})


def drug_rows(gold_label: str, ignore: frozenset[str] = frozenset()) -> tuple[LabelMap, LabelMap]:
    """A corpus's drug label against DRUG alone and against DRUG ∪ DRUG_CLASS."""
    return (
        LabelMap(f"{gold_label} -> DRUG", _one(gold_label), DRUG_LABELS, peer=True, ignore_labels=ignore),
        LabelMap(f"{gold_label} -> DRUG ∪ DRUG_CLASS", _one(gold_label), DRUG_OR_CLASS, peer=True,
                 ignore_labels=ignore),
    )


MACCROBAT_MAPS: tuple[LabelMap, ...] = (
    *drug_rows("Medication", frozenset({"Coreference"})),
    LabelMap("Dosage -> DOSE", _one("Dosage"), _one("DOSE")),
    LabelMap("Dosage (with a number) -> DOSE", _one("Dosage"), _one("DOSE"), gold_filter=has_number),
    LabelMap("Administration -> DOSE with route", _one("Administration"), _one("DOSE"),
             pred_attr="route", strict=False),
    LabelMap("Frequency -> DOSE with freq", _one("Frequency"), _one("DOSE"), pred_attr="freq", strict=False,
             recall_only=True),
    LabelMap("Lab_value -> LAB", _one("Lab_value"), _one("LAB")),
    LabelMap("Date -> TIMEPOINT kind=date", _one("Date"), _one("TIMEPOINT"), "kind", "date"),
    LabelMap("Duration -> TIMEPOINT kind=duration", _one("Duration"), _one("TIMEPOINT"), "kind", "duration"),
    LabelMap("Date -> TIMEPOINT (any kind)", _one("Date"), _one("TIMEPOINT")),
    LabelMap("Duration -> TIMEPOINT (any kind)", _one("Duration"), _one("TIMEPOINT")),
)

PHEE_MAPS: tuple[LabelMap, ...] = (
    *drug_rows("Treatment.Drug"),
    LabelMap("Treatment.Dosage -> DOSE", _one("Treatment.Dosage"), _one("DOSE")),
    LabelMap("Treatment.Dosage (with a number) -> DOSE", _one("Treatment.Dosage"), _one("DOSE"),
             gold_filter=has_number),
    LabelMap("Treatment.Freq -> DOSE with freq", _one("Treatment.Freq"), _one("DOSE"),
             pred_attr="freq", strict=False, recall_only=True),
    LabelMap("Treatment.Route -> DOSE with route", _one("Treatment.Route"), _one("DOSE"),
             pred_attr="route", strict=False),
    LabelMap("Treatment.Duration -> TIMEPOINT kind=duration", _one("Treatment.Duration"),
             _one("TIMEPOINT"), "kind", "duration"),
    LabelMap("Treatment.Duration -> TIMEPOINT (any kind)", _one("Treatment.Duration"), _one("TIMEPOINT")),
)

NORMALISABLE_ROW = "Chemical (MeSH id of a DrugBank drug) -> DRUG"


def mesh_ids(m: Mention) -> frozenset[str]:
    """The MeSH ids of a BC5CDR mention (``|``-joined for composites; ``-1`` means none)."""
    return frozenset(i for i in m.attrs.get("mesh", "").split("|") if i and i != "-1")


def bc5cdr_maps(normalisable_mesh: frozenset[str]) -> tuple[LabelMap, ...]:
    """BC5CDR rows; the last is recall on chemicals whose MeSH id maps to a DrugBank drug."""
    return (
        *drug_rows("Chemical"),
        LabelMap(NORMALISABLE_ROW, _one("Chemical"), DRUG_LABELS,
                 gold_filter=lambda m: bool(mesh_ids(m) & normalisable_mesh),
                 recall_only=True, peer=True),
    )
