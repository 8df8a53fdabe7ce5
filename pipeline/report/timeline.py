"""What a patient's timeline plots, read from the tables: pure, no plotting.

Time is months from the start of the index treatment. A row is placed at its
``timepoint_months``; without one, a medication of phase ``at_initiation`` is at 0, and a row of
phase (or measurement event) ``last_followup`` is at the patient's last known time: the largest
``timepoint_months`` of any of the patient's rows. Anything else has no place on the axis and is
counted as untimed, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GLUCOCORTICOID = "glucocorticoid"
LAST_FOLLOWUP = "last_followup"


@dataclass(frozen=True)
class Point:
    """One plotted value and the source characters it came from."""

    months: float
    value: float
    evidence_start: int
    evidence_end: int


@dataclass(frozen=True)
class Series:
    """The points of one drug or instrument, in time order."""

    name: str
    points: tuple[Point, ...]

    def xy(self) -> list[tuple[float, float]]:
        """The points as ``(months, value)`` pairs."""
        return [(p.months, p.value) for p in self.points]


@dataclass(frozen=True)
class IndexBar:
    """The index drug from its start (0) to the last time the tables place it."""

    drug: str
    end: float | None

    @property
    def start(self) -> float:
        """Index treatment starts the time axis."""
        return 0.0


@dataclass(frozen=True)
class Timeline:
    """Everything a patient's plot shows, and what could not be placed on it."""

    index: tuple[IndexBar, ...]
    glucocorticoid: tuple[Series, ...]
    scores: tuple[Series, ...]
    last_known_months: float | None
    untimed: int

    @property
    def has_values(self) -> bool:
        """True when at least one dose or score has a place on the time axis."""
        return any(s.points for s in (*self.glucocorticoid, *self.scores))


Row = Mapping[str, object]
"""One table row as a dict (``pipeline.report.rows.records``)."""


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def last_known_months(tables: Iterable[Iterable[Row]]) -> float | None:
    """The largest ``timepoint_months`` in the given rows, if it is after the index start."""
    times = [t for rows in tables for r in rows if (t := _number(r.get("timepoint_months"))) is not None]
    latest = max(times, default=None)
    return latest if latest is not None and latest > 0 else None


def row_months(row: Row, last_known: float | None) -> float | None:
    """Where a medication or measurement row sits on the time axis, or ``None``."""
    months = _number(row.get("timepoint_months"))
    if months is not None:
        return months
    phase = _text(row.get("phase"))
    if phase == "at_initiation":
        return 0.0
    if LAST_FOLLOWUP in (phase, _text(row.get("timepoint_event"))):
        return last_known
    return None


def _series(rows: Iterable[tuple[str, Point]]) -> tuple[Series, ...]:
    by_name: dict[str, dict[tuple[float, float], Point]] = {}
    for name, point in rows:
        by_name.setdefault(name, {}).setdefault((point.months, point.value), point)
    return tuple(
        Series(name, tuple(sorted(points.values(), key=lambda p: (p.months, p.evidence_start))))
        for name, points in sorted(by_name.items())
    )


def _evidence(row: Row) -> tuple[int, int]:
    """Where a value is written: a medication's dose evidence, else the row's evidence."""
    start, end = _number(row.get("dose_evidence_start")), _number(row.get("dose_evidence_end"))
    if start is not None and end is not None:
        return int(start), int(end)
    return int(row["evidence_start"]), int(row["evidence_end"])  # type: ignore[call-overload]


def _timed(
    rows: Iterable[Row], name_column: str, value_column: str, last_known: float | None
) -> tuple[list[tuple[str, Point]], int]:
    placed: list[tuple[str, Point]] = []
    untimed = 0
    for row in rows:
        value = _number(row.get(value_column))
        if value is None:
            continue
        months = row_months(row, last_known)
        if months is None:
            untimed += 1
            continue
        start, end = _evidence(row)
        placed.append((str(row[name_column]), Point(months, value, start, end)))
    return placed, untimed


def _index_bars(index_drugs: str | None, medications: Sequence[Row],
                last_known: float | None) -> tuple[IndexBar, ...]:
    bars = []
    for drug in sorted(d for d in (index_drugs or "").split("|") if d):
        times = [t for t in (row_months(r, last_known) for r in medications if r.get("drug") == drug)
                 if t is not None]
        bars.append(IndexBar(drug, max(times, default=None)))
    return tuple(bars)


def patient_timeline(
    index_drugs: str | None, medications: Sequence[Row], measurements: Sequence[Row], events: Sequence[Row],
) -> Timeline:
    """The timeline of one patient from that patient's rows of the three tables."""
    last = last_known_months([medications, measurements, events])
    doses, untimed_doses = _timed([r for r in medications if r.get("drug_class") == GLUCOCORTICOID],
                                  "drug", "daily_dose_mg", last)
    scores, untimed_scores = _timed([r for r in measurements if r.get("kind") == "score"],
                                    "name", "value", last)
    return Timeline(
        index=_index_bars(index_drugs if isinstance(index_drugs, str) else None, medications, last),
        glucocorticoid=_series(doses),
        scores=_series(scores),
        last_known_months=last,
        untimed=untimed_doses + untimed_scores,
    )
