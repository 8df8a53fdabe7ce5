"""parse_dose: one table of written doses and the exact guideline attributes they normalise to."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.normalize.doses import (
    Dose,
    mg_factor,
    parse_dose,
    parse_frequency,
    parse_route,
    per_day_of,
    ucum_unit,
)

BID = {"freq": "bid", "per_day": "2"}
QD = {"freq": "qd", "per_day": "1"}
QW = {"freq": "qw", "per_day": "0.1429"}
Q4W = {"freq": "q4w", "per_day": "0.0357"}

CASES: list[tuple[str, dict[str, str] | None]] = [
    # frequencies written as codes
    ("5 mg bid", {"amount": "5", "unit": "mg", **BID, "daily_mg": "10"}),
    ("15 mg qd", {"amount": "15", "unit": "mg", **QD, "daily_mg": "15"}),
    ("100mg bid", {"amount": "100", "unit": "mg", **BID, "daily_mg": "200"}),
    ("15 mg qod", {"amount": "15", "unit": "mg", "freq": "qod", "per_day": "0.5",
                   "daily_mg": "7.5"}),
    ("80 mg qw", {"amount": "80", "unit": "mg", **QW, "daily_mg": "11.43"}),
    ("480 mg q4w", {"amount": "480", "unit": "mg", **Q4W, "daily_mg": "17.14"}),
    ("350 mg q4w", {"amount": "350", "unit": "mg", **Q4W, "daily_mg": "12.5"}),
    ("0.5 g bid", {"amount": "0.5", "unit": "g", **BID, "daily_mg": "1000"}),
    ("0.5 g\nbid", {"amount": "0.5", "unit": "g", **BID, "daily_mg": "1000"}),
    ("5 mg tid", {"amount": "5", "unit": "mg", "freq": "tid", "per_day": "3", "daily_mg": "15"}),
    ("10 mg qid", {"amount": "10", "unit": "mg", "freq": "qid", "per_day": "4",
                   "daily_mg": "40"}),
    ("5 mg b.i.d.", {"amount": "5", "unit": "mg", **BID, "daily_mg": "10"}),
    ("50 mg prn", {"amount": "50", "unit": "mg", "freq": "prn"}),
    # routes
    ("480 mg q4w IV", {"amount": "480", "unit": "mg", **Q4W, "route": "iv", "daily_mg": "17.14"}),
    ("600 mg g4w IV", {"amount": "600", "unit": "mg", **Q4W, "route": "iv", "daily_mg": "21.43"}),
    ("80 mg qw SQ", {"amount": "80", "unit": "mg", **QW, "route": "sc", "daily_mg": "11.43"}),
    ("100 mg po qd", {"amount": "100", "unit": "mg", **QD, "route": "oral", "daily_mg": "100"}),
    ("2 mg/kg/d s.c.", {"amount": "2", "unit": "mg", "per_kg": "true", **QD, "route": "sc"}),
    ("1 g i.v.", {"amount": "1", "unit": "g", "route": "iv"}),
    ("40 mg, intravenously", {"amount": "40", "unit": "mg", "route": "iv"}),
    ("2 g topical", {"amount": "2", "unit": "g", "route": "topical"}),
    # slashes and words
    ("30 mg/day", {"amount": "30", "unit": "mg", **QD, "daily_mg": "30"}),
    ("200mg/d", {"amount": "200", "unit": "mg", **QD, "daily_mg": "200"}),
    ("7.5 mg/week, orally", {"amount": "7.5", "unit": "mg", **QW, "route": "oral",
                             "daily_mg": "1.07"}),
    ("2.5 mg/twice/day", {"amount": "2.5", "unit": "mg", **BID, "daily_mg": "5"}),
    ("5 mg twice a day", {"amount": "5", "unit": "mg", **BID, "daily_mg": "10"}),
    ("2.5 mg twice daily", {"amount": "2.5", "unit": "mg", **BID, "daily_mg": "5"}),
    ("10 mg once a day", {"amount": "10", "unit": "mg", **QD, "daily_mg": "10"}),
    ("10 mg once daily", {"amount": "10", "unit": "mg", **QD, "daily_mg": "10"}),
    ("5 mg daily", {"amount": "5", "unit": "mg", **QD, "daily_mg": "5"}),
    ("5 mg every other day", {"amount": "5", "unit": "mg", "freq": "qod", "per_day": "0.5",
                              "daily_mg": "2.5"}),
    ("8 mg once weekly, orally", {"amount": "8", "unit": "mg", **QW, "route": "oral",
                                  "daily_mg": "1.14"}),
    ("162 mg once every 2 weeks", {"amount": "162", "unit": "mg", "freq": "q2w",
                                   "per_day": "0.0714", "daily_mg": "11.57"}),
    ("40 mg every 2 weeks", {"amount": "40", "unit": "mg", "freq": "q2w", "per_day": "0.0714",
                             "daily_mg": "2.86"}),
    ("3 ml/3 times/day, orally", {"amount": "3", "unit": "mL", "freq": "tid", "per_day": "3",
                                  "route": "oral"}),
    ("4 ml/three times/day, orally", {"amount": "4", "unit": "mL", "freq": "tid",
                                      "per_day": "3", "route": "oral"}),
    ("5 mg 3 times/day", {"amount": "5", "unit": "mg", "freq": "tid", "per_day": "3",
                          "daily_mg": "15"}),
    # per body weight or surface: never a daily_mg
    ("1 mg/kg/day", {"amount": "1", "unit": "mg", "per_kg": "true", **QD}),
    ("0.3 mg/(kg/day)", {"amount": "0.3", "unit": "mg", "per_kg": "true", **QD}),
    ("1 mg·kg-1·d-1", {"amount": "1", "unit": "mg", "per_kg": "true", **QD}),
    ("8\n\nmg/kg/2 weeks, IV", {"amount": "8", "unit": "mg", "per_kg": "true", "freq": "q2w",
                                "per_day": "0.0714", "route": "iv"}),
    ("8 mg/kg every 2 weeks IV", {"amount": "8", "unit": "mg", "per_kg": "true", "freq": "q2w",
                                  "per_day": "0.0714", "route": "iv"}),
    ("10 mg/m2/week", {"amount": "10", "unit": "mg", "per_m2": "true", **QW}),
    ("500 mg/m2", {"amount": "500", "unit": "mg", "per_m2": "true"}),
    ("20 mg/kg four times daily", {"amount": "20", "unit": "mg", "per_kg": "true",
                                   "freq": "qid", "per_day": "4"}),
    # totals: freq=once with a count
    ("3 mg, intramuscularly, once", {"amount": "3", "unit": "mg", "freq": "once", "count": "1",
                                     "route": "im"}),
    ("12.5 mg, subcutaneously, twice", {"amount": "12.5", "unit": "mg", "freq": "once",
                                        "count": "2", "route": "sc"}),
    # split morning/evening doses
    ("morning: 0.5 g, evening: 0.25 g", {"amount": "0.5+0.25", "unit": "g", "freq": "split",
                                         "per_day": "2", "daily_mg": "750"}),
    ("morning 50 mg, evening 25 mg", {"amount": "50+25", "unit": "mg", "freq": "split",
                                      "per_day": "2", "daily_mg": "75"}),
    ("morning: 100\nmg, evening: 50 mg", {"amount": "100+50", "unit": "mg", "freq": "split",
                                          "per_day": "2", "daily_mg": "150"}),
    ("morning: 0.75 g, evening:\n\n0.5g", {"amount": "0.75+0.5", "unit": "g", "freq": "split",
                                           "per_day": "2", "daily_mg": "1250"}),
    ("5 mg morning, 2.5 mg evening", {"amount": "5+2.5", "unit": "mg", "freq": "split",
                                      "per_day": "2", "daily_mg": "7.5"}),
    # medians, ranges, alternatives
    ("5 (3.75-10) mg", {"amount": "5", "amount_low": "3.75", "amount_high": "10", "unit": "mg",
                        "stat": "median"}),
    ("5 (5-7.5) mg\ntwice a day", {"amount": "5", "amount_low": "5", "amount_high": "7.5",
                                   "unit": "mg", **BID, "daily_mg": "10", "stat": "median"}),
    ("5 to 25mg\ntwice daily", {"amount_low": "5", "amount_high": "25", "unit": "mg", **BID}),
    ("5-10 mg/day", {"amount_low": "5", "amount_high": "10", "unit": "mg", **QD}),
    ("5 and 10 mg twice a day", {"amount": "5|10", "unit": "mg", **BID, "daily_mg": "10|20"}),
    ("5, 10 or 15 mg", {"amount": "5|10|15", "unit": "mg"}),
    # units
    ("1,000 mg daily", {"amount": "1000", "unit": "mg", **QD, "daily_mg": "1000"}),
    ("500 mcg qd", {"amount": "500", "unit": "ug", **QD, "daily_mg": "0.5"}),
    ("250 µg bid", {"amount": "250", "unit": "ug", **BID, "daily_mg": "0.5"}),
    ("1000 IU/day", {"amount": "1000", "unit": "[iU]", **QD}),
    ("100 mg", {"amount": "100", "unit": "mg"}),
    # not doses, or not understood: None, never a guess
    ("14.1 mg/L", None),
    ("26 g/L", None),
    ("146.00 g/L", None),
    ("1,397 ng/ml", None),
    ("20 kg", None),
    ("110 cm", None),
    ("42%", None),
    ("2 infusions", None),
    ("high-dose", None),
    ("mg bid", None),
    ("5 mg bid tid", None),
    ("5 mg/kg/min", None),
    ("5 mg IV SC", None),
    ("5 (10-12) mg", None),
    ("25 to 5 mg", None),
    ("morning: 0.5 g, evening: 250 mL", None),
    ("5 mg bid for 3 days", None),
    ("", None),
    ("5000 units", {"amount": "5000", "unit": "[iU]"}),
    ("5,000 international units sc bid", {"amount": "5000", "unit": "[iU]", "freq": "bid",
                                          "per_day": "2", "route": "sc"}),
    ("30 Gy", {"amount": "30", "unit": "Gy"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_doses_parse_table(text: str, expected: dict[str, str] | None) -> None:
    dose = parse_dose(text)
    if expected is None:
        assert dose is None
    else:
        assert dose is not None
        assert dose.attrs() == expected


def test_doses_attrs_never_include_patient_and_omit_unknowns() -> None:
    dose = parse_dose("100 mg")
    assert dose == Dose(unit="mg", amounts=(100.0,))
    assert set(dose.attrs()) == {"amount", "unit"}


def test_doses_dose_is_frozen() -> None:
    dose = parse_dose("5 mg bid")
    assert dose is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        dose.freq = "qd"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "code"), [
    ("twice a day", "bid"), ("/twice/day", "bid"), ("three times/day", "tid"),
    ("/week", "qw"), ("/2 weeks", "q2w"), ("once every 2 weeks", "q2w"), ("every 4 weeks", "q4w"),
    ("q3w", "q3w"), ("daily", "qd"), ("as needed", "prn"), ("fortnightly", None),
    ("5 times/day", None),
])
def test_doses_parse_frequency(text: str, code: str | None) -> None:
    assert parse_frequency(text) == code


def test_doses_per_day_and_units() -> None:
    assert per_day_of("q3w") == pytest.approx(1 / 21)
    assert per_day_of("once") is None and per_day_of("prn") is None
    assert parse_route("intramuscularly") == "im" and parse_route("SQ") == "sc"
    assert parse_route("rectal") is None
    assert ucum_unit("mcg") == "ug" and ucum_unit("ml") == "mL" and ucum_unit("IU") == "[iU]"
    assert mg_factor("g") == pytest.approx(1000) and mg_factor("ug") == pytest.approx(0.001)
    assert mg_factor("mL") is None and mg_factor("[iU]") is None
