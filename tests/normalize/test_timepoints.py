"""Timepoint parsers: one table of dates and one of whole TIMEPOINT spans, exact attributes."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.normalize.timepoints import (
    PartialDate,
    Timepoint,
    event_anchor,
    parse_date,
    parse_quantity,
    parse_timepoint,
    to_months,
)

DATES = [
    ("June 2020", "2020-06"),
    ("Jun. 28,2020", "2020-06-28"),
    ("Sep.30.2021", "2021-09-30"),
    ("May. 15,2021", "2021-05-15"),
    ("April 25th, 2022", "2022-04-25"),
    ("28 June 2020", "2020-06-28"),
    ("2015", "2015"),
    ("2021-03-13", "2021-03-13"),
    ("13/03/2021", "2021-03-13"),
    ("03/13/2021", "2021-03-13"),
    ("02/2021", "2021-02"),
    ("Sept 2019", "2019-09"),
    ("12/03/2021", None),  # day and month cannot be told apart
    ("Feb 29, 2021", None),  # no such day
    ("Foo 2020", None),
    ("3 months", None),
]


@pytest.mark.parametrize(("text", "iso"), DATES)
def test_parse_date_keeps_the_real_precision(text: str, iso: str | None) -> None:
    date = parse_date(text)
    assert (date.iso if date else None) == iso


def test_partial_date_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PartialDate(2020).year = 2021  # type: ignore[misc]


TIMEPOINTS = [
    # dates
    ("June 2020", {"kind": "date", "iso": "2020-06"}),
    ("Jun. 28,2020", {"kind": "date", "iso": "2020-06-28"}),
    ("Sep.30.2021", {"kind": "date", "iso": "2021-09-30"}),
    ("2015", {"kind": "date", "iso": "2015"}),
    ("12/03/2021", {"kind": "date"}),
    # relative times
    ("at 3 months", {"kind": "relative", "months": "3", "anchor": "index_start"}),
    ("after 9 months of follow-up", {"kind": "relative", "months": "9", "anchor": "index_start"}),
    ("1 week later", {"kind": "relative", "months": "0.23", "anchor": "previous"}),
    ("2 months later", {"kind": "relative", "months": "2", "anchor": "previous"}),
    ("Six weeks later", {"kind": "relative", "months": "1.38", "anchor": "previous"}),
    ("A week later", {"kind": "relative", "months": "0.23", "anchor": "previous"}),
    ("10 months earlier", {"kind": "relative", "months": "-10", "anchor": "previous"}),
    ("2 years ago", {"kind": "relative", "months": "-24", "anchor": "unknown"}),
    ("2 weeks before admission", {"kind": "relative", "months": "-0.46", "anchor": "admission"}),
    ("within 1 week after the introduction of\nruxolitinib",
     {"kind": "relative", "months": "0.23", "anchor": "index_start"}),
    ("within 1 week\nafter introducing this agent",
     {"kind": "relative", "months": "0.23", "anchor": "index_start"}),
    ("within 1-3 months of JAKi initiation",
     {"kind": "relative", "months": "1|3", "anchor": "index_start"}),
    ("within 3 months\nafter discontinuation of JAKi treatment",
     {"kind": "relative", "months": "3", "anchor": "unknown"}),
    ("8 days after receiving high-dose\nglucocorticoids",
     {"kind": "relative", "months": "0.26", "anchor": "unknown"}),
    ("1 month after concomitant treatment with\nruxolitinib",
     {"kind": "relative", "months": "1", "anchor": "index_start"}),
    ("5 years\nafter the onset of the disease", {"kind": "relative", "months": "60", "anchor": "onset"}),
    ("1, 3, 6, 9, 12, 18, and 24 months after starting tofacitinib",
     {"kind": "relative", "months": "1|3|6|9|12|18|24", "anchor": "index_start"}),
    ("at 1, 3, 6, 9, and 12 months", {"kind": "relative", "months": "1|3|6|9|12", "anchor": "index_start"}),
    ("between days 14 and 42", {"kind": "relative", "months": "0.46|1.38", "anchor": "index_start"}),
    ("at week 12", {"kind": "relative", "months": "2.76", "anchor": "index_start"}),
    ("After 1 day of treatment", {"kind": "relative", "months": "0.03", "anchor": "unknown"}),
    ("after 6 months of tofacitinib therapy", {"kind": "relative", "months": "6", "anchor": "index_start"}),
    ("within three months of the switch", {"kind": "relative", "months": "3", "anchor": "index_start"}),
    ("at initiation of tofacitinib", {"kind": "relative", "months": "0", "anchor": "index_start"}),
    ("At the start of JAKIi initiation", {"kind": "relative", "months": "0", "anchor": "index_start"}),
    ("JAKi\ninitiation", {"kind": "relative", "months": "0", "anchor": "index_start"}),
    ("at disease onset", {"kind": "relative", "months": "0", "anchor": "onset"}),
    ("at the beginning phase of the disease", {"kind": "relative", "months": "0", "anchor": "onset"}),
    ("at the time of diagnosis", {"kind": "relative", "months": "0", "anchor": "diagnosis"}),
    ("on admission", {"kind": "relative", "months": "0", "anchor": "admission"}),
    ("at baseline", {"kind": "relative", "months": "0", "anchor": "index_start"}),
    ("at the last follow-up", {"kind": "relative", "anchor": "index_start", "event": "last_followup"}),
    ("As of the last follow-up", {"kind": "relative", "anchor": "index_start", "event": "last_followup"}),
    ("the last\nfollow-up", {"kind": "relative", "anchor": "index_start", "event": "last_followup"}),
    # fields
    ("Follow-up: 24 months", {"kind": "relative", "months": "24", "anchor": "index_start"}),
    ("Follow-up at 12 months", {"kind": "relative", "months": "12", "anchor": "index_start"}),
    ("Disease duration: 3.5 years", {"kind": "duration", "months": "42", "anchor": "diagnosis"}),
    ("Disease duration: 0.03 years", {"kind": "duration", "months": "0.36", "anchor": "diagnosis"}),
    ("Treatment duration: 6 months", {"kind": "duration", "months": "6", "anchor": "index_start"}),
    # durations
    ("6\nmonths", {"kind": "duration", "months": "6"}),
    ("2 weeks", {"kind": "duration", "months": "0.46"}),
    ("2.62 years", {"kind": "duration", "months": "31.44"}),
    ("2.75 (0.05-9) years", {"kind": "duration", "months": "33"}),
    (">13 months", {"kind": "duration", "months": "13"}),
    ("less than 6 months", {"kind": "duration", "months": "6"}),
    ("more than 2 years", {"kind": "duration", "months": "24"}),
    ("6 to\n24 months", {"kind": "duration", "months": "6|24"}),
    ("first 11 days after the\nintroduction of ruxolitinib",
     {"kind": "duration", "months": "0.36", "anchor": "index_start"}),
]


@pytest.mark.parametrize(("text", "expected"), TIMEPOINTS, ids=[t for t, _ in TIMEPOINTS])
def test_parse_timepoint_attrs(text: str, expected: dict[str, str]) -> None:
    tp = parse_timepoint(text)
    assert tp is not None
    assert tp.attrs() == expected
    assert list(tp.attrs()) == list(expected)  # the guidelines' key order


@pytest.mark.parametrize("text", ["hello", "3 mg", "the patient", "31/02/2020", ""])
def test_parse_timepoint_none_for_what_is_not_a_time(text: str) -> None:
    assert parse_timepoint(text) is None


@pytest.mark.parametrize(
    ("value", "unit", "months"),
    [(1, "year", 12), (1, "weeks", 0.23), (1, "day", 0.03), (11, "days", 0.36), (2.62, "years", 31.44),
     (3, "yrs", 36)],
)
def test_to_months_uses_the_guidelines_factors(value: float, unit: str, months: float) -> None:
    assert to_months(value, unit) == months


def test_parse_quantity_lists_and_spreads() -> None:
    assert parse_quantity("at 6 and 12 months") == (6.0, 12.0)
    assert parse_quantity("2.75 (0.05-9) years") == (33.0,)
    assert parse_quantity("no time here") == ()


@pytest.mark.parametrize(
    ("phrase", "anchor"),
    [("the onset of the disease", "onset"), ("starting tofacitinib", "index_start"),
     ("receiving high-dose glucocorticoids", "unknown"), ("discontinuation of JAKi", "unknown"),
     ("admission", "admission"), ("treatment with TCZ", "unknown"), ("the switch", "index_start")],
)
def test_event_anchor(phrase: str, anchor: str) -> None:
    assert event_anchor(phrase) == anchor


def test_timepoint_attrs_carry_stat_and_leave_out_empty_values() -> None:
    tp = Timepoint("duration", months=(18.0,), stat="median")
    assert tp.attrs() == {"kind": "duration", "months": "18", "stat": "median"}
