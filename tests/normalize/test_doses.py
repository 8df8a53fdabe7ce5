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
    ("73 mL/min", None),
    ("0.5 mL/kg/min", None),
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
    # infusion rates: per_time, never a frequency nor a daily_mg; mL/min is a flow or a clearance
    ("0.1 µg/kg/min", {"amount": "0.1", "unit": "ug", "per_kg": "true", "per_time": "min"}),
    ("5 mL/h", {"amount": "5", "unit": "mL", "per_time": "h"}),
    ("2 g/hour", {"amount": "2", "unit": "g", "per_time": "h"}),
    ("1000 units per hour", {"amount": "1000", "unit": "[iU]", "per_time": "h"}),
    ("0.1 U/kg/h", {"amount": "0.1", "unit": "[iU]", "per_kg": "true", "per_time": "h"}),
    ("10 micrograms.kg-1.min-1", {"amount": "10", "unit": "ug", "per_kg": "true",
                                  "per_time": "min"}),
    ("1 mg kg-1", {"amount": "1", "unit": "mg", "per_kg": "true"}),
    ("5 mg/h daily", None),
    ("0.5 mL/kg/min", None),
    # intervals in hours, days, weeks and months; times a week; five or more times a day
    ("500 mg every 8 hours", {"amount": "500", "unit": "mg", "freq": "tid", "per_day": "3",
                              "daily_mg": "1500"}),
    ("1 g q6h", {"amount": "1", "unit": "g", "freq": "qid", "per_day": "4", "daily_mg": "4000"}),
    ("2 g every 4 h", {"amount": "2", "unit": "g", "freq": "q4h", "per_day": "6",
                       "daily_mg": "12000"}),
    ("1 g 8-hourly", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3",
                      "daily_mg": "3000"}),
    ("4 mg every 72 hours", {"amount": "4", "unit": "mg", "freq": "q72h", "per_day": "0.3333",
                             "daily_mg": "1.33"}),
    ("75 mcg every 3 days", {"amount": "75", "unit": "ug", "freq": "q3d", "per_day": "0.3333",
                             "daily_mg": "0.02"}),
    ("2 mg twice weekly", {"amount": "2", "unit": "mg", "freq": "biw", "per_day": "0.2857",
                           "daily_mg": "0.57"}),
    ("10,000 IU 3 times per week", {"amount": "10000", "unit": "[iU]", "freq": "tiw",
                                    "per_day": "0.4286"}),
    ("15 mg 4 times a week", {"amount": "15", "unit": "mg", "freq": "4xw", "per_day": "0.5714",
                              "daily_mg": "8.57"}),
    ("40 mg every other week", {"amount": "40", "unit": "mg", "freq": "q2w", "per_day": "0.0714",
                                "daily_mg": "2.86"}),
    ("40 mg fortnightly", {"amount": "40", "unit": "mg", "freq": "q2w", "per_day": "0.0714",
                           "daily_mg": "2.86"}),
    ("150 mg monthly", {"amount": "150", "unit": "mg", "freq": "qmo", "per_day": "0.0329",
                        "daily_mg": "4.93"}),
    ("3.75 mg every 3 months", {"amount": "3.75", "unit": "mg", "freq": "q3mo", "per_day": "0.011",
                                "daily_mg": "0.04"}),
    ("5 mg q6h prn", {"amount": "5", "unit": "mg", "freq": "prn"}),
    ("1 g/8 h", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3", "daily_mg": "3000"}),
    ("500 mg/12 hours", {"amount": "500", "unit": "mg", **BID, "daily_mg": "1000"}),
    ("1 g per 8 hours", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3", "daily_mg": "3000"}),
    ("3 pills per 6 hours", {"amount": "3", "unit": "{pill}", "freq": "qid", "per_day": "4"}),
    ("0.3 microgram/kilogram", {"amount": "0.3", "unit": "ug", "per_kg": "true"}),
    ("1000UI", {"amount": "1000", "unit": "[iU]"}),
    ("1000 ui", None),
    ("300 mg/24 h", None),
    ("800 mg 5 times daily", {"amount": "800", "unit": "mg", "freq": "5xd", "per_day": "5",
                              "daily_mg": "4000"}),
    # once a day at a time of day; British codes; French "/j"
    ("10 mg at bedtime", {"amount": "10", "unit": "mg", **QD, "daily_mg": "10"}),
    ("25 mg nocte", {"amount": "25", "unit": "mg", **QD, "daily_mg": "25"}),
    ("5 mg in the morning", {"amount": "5", "unit": "mg", **QD, "daily_mg": "5"}),
    ("500 mg tds", {"amount": "500", "unit": "mg", "freq": "tid", "per_day": "3",
                    "daily_mg": "1500"}),
    ("100 mg bd", {"amount": "100", "unit": "mg", **BID, "daily_mg": "200"}),
    ("250 mg q.d.s.", {"amount": "250", "unit": "mg", "freq": "qid", "per_day": "4",
                       "daily_mg": "1000"}),
    ("2 mg/kg/j", {"amount": "2", "unit": "mg", "per_kg": "true", **QD}),
    # an amount per day given some days a week; "n x amount" a day or a week
    ("200 mg/day twice a week", {"amount": "200", "unit": "mg", "freq": "biw", "per_day": "0.2857",
                                 "daily_mg": "57.14"}),
    ("3 x 250 mg/day", {"amount": "250", "unit": "mg", "freq": "tid", "per_day": "3",
                        "daily_mg": "750"}),
    ("2 x 500 mg weekly", {"amount": "500", "unit": "mg", "freq": "biw", "per_day": "0.2857",
                           "daily_mg": "142.86"}),
    ("3 x 250 mg", None),
    ("3 x 250 mg bid", None),
    ("3 x 5-10 mg/day", None),
    # decimal commas where unambiguous; a thousands group never follows a leading 0
    ("2,5 mg daily", {"amount": "2.5", "unit": "mg", **QD, "daily_mg": "2.5"}),
    ("0,6 mL/day", {"amount": "0.6", "unit": "mL", **QD}),
    ("0,125 mg", {"amount": "0.125", "unit": "mg"}),
    ("12,25 mg", {"amount": "12.25", "unit": "mg"}),
    ("5,10 mg", None),
    # units: millions, mEq, mmol, U and ng (the finder drops a bare one that is a lab result)
    ("12 million units", {"amount": "12000000", "unit": "[iU]"}),
    ("3 MIU sc three times a week", {"amount": "3000000", "unit": "[iU]", "freq": "tiw",
                                     "per_day": "0.4286", "route": "sc"}),
    ("3 mIU", None),
    ("40 mEq/day", {"amount": "40", "unit": "meq", **QD}),
    ("20 mmol/h", {"amount": "20", "unit": "mmol", "per_time": "h"}),
    ("10 U/kg", {"amount": "10", "unit": "[iU]", "per_kg": "true"}),
    ("8 U sc", {"amount": "8", "unit": "[iU]", "route": "sc"}),
    ("20 ng/kg/min", {"amount": "20", "unit": "ng", "per_kg": "true", "per_time": "min"}),
    ("40 mEq", {"amount": "40", "unit": "meq"}),
    ("10 U", {"amount": "10", "unit": "[iU]"}),
    ("5 G", None),
    # units spelled out, joined by a hyphen, countable forms
    ("2 grams daily", {"amount": "2", "unit": "g", **QD, "daily_mg": "2000"}),
    ("500 milligrams", {"amount": "500", "unit": "mg"}),
    ("250 micrograms twice daily", {"amount": "250", "unit": "ug", **BID, "daily_mg": "0.5"}),
    ("10 millilitres", {"amount": "10", "unit": "mL"}),
    ("10-mg", {"amount": "10", "unit": "mg"}),
    ("2-units", None),
    ("two tablets twice daily", {"amount": "2", "unit": "{tablet}", **BID}),
    ("one puff as needed", {"amount": "1", "unit": "{puff}", "freq": "prn"}),
    ("1 capsule daily", {"amount": "1", "unit": "{capsule}", **QD}),
    ("half a tablet", {"amount": "0.5", "unit": "{tablet}"}),
    ("two mg", None),
    ("15 mg/kg/dose every 6 hours", {"amount": "15", "unit": "mg", "per_kg": "true", "freq": "qid",
                                     "per_day": "4"}),
    ("20 mg once-daily", {"amount": "20", "unit": "mg", **QD, "daily_mg": "20"}),
    ("5 mg twice-weekly", {"amount": "5", "unit": "mg", "freq": "biw", "per_day": "0.2857",
                           "daily_mg": "1.43"}),
    ("4500 cGy", {"amount": "4500", "unit": "cGy"}),
    ("100 mCi", {"amount": "100", "unit": "mCi"}),
    ("3.7 GBq", {"amount": "3.7", "unit": "GBq"}),
    # routes beyond oral, iv, sc, im and topical
    ("2 mg intrathecally", {"amount": "2", "unit": "mg", "route": "intrathecal"}),
    ("1.25 mg intravitreal", {"amount": "1.25", "unit": "mg", "route": "intravitreal"}),
    ("0.4 mg sublingually", {"amount": "0.4", "unit": "mg", "route": "sublingual"}),
    ("5 mg/kg intraperitoneally", {"amount": "5", "unit": "mg", "per_kg": "true",
                                   "route": "intraperitoneal"}),
    ("2.5 mg nebulized", {"amount": "2.5", "unit": "mg", "route": "inhaled"}),
    ("10 mg rectally", {"amount": "10", "unit": "mg", "route": "rectal"}),
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
    ("q3w", "q3w"), ("daily", "qd"), ("as needed", "prn"), ("fortnightly", "q2w"),
    ("5 times/day", "5xd"), ("13 times/day", None), ("2-3 times per week", None),
    ("7 times a week", None), ("every 0 hours", None), ("bi-weekly", None),
    ("every six weeks", "q6w"), ("six times daily", "6xd"), ("every 12 hours", "bid"),
    ("every 48 h", "qod"), ("every 24 hours", "qd"), ("q4h", "q4h"), ("once a month", "qmo"),
])
def test_doses_parse_frequency(text: str, code: str | None) -> None:
    assert parse_frequency(text) == code


def test_doses_per_day_and_units() -> None:
    assert per_day_of("q3w") == pytest.approx(1 / 21)
    assert per_day_of("q4h") == 6 and per_day_of("q3d") == pytest.approx(1 / 3)
    assert per_day_of("tiw") == pytest.approx(3 / 7) and per_day_of("5xd") == 5
    assert per_day_of("qmo") == pytest.approx(12 / 365.25) and per_day_of("qh") is None
    assert per_day_of("once") is None and per_day_of("prn") is None
    assert parse_route("intramuscularly") == "im" and parse_route("SQ") == "sc"
    assert parse_route("rectal") == "rectal" and parse_route("nasogastric") is None
    assert ucum_unit("mcg") == "ug" and ucum_unit("ml") == "mL" and ucum_unit("IU") == "[iU]"
    assert ucum_unit("Tablets") == "{tablet}" and ucum_unit("million  units") == "[iU]"
    assert mg_factor("g") == pytest.approx(1000) and mg_factor("ug") == pytest.approx(0.001)
    assert mg_factor("mL") is None and mg_factor("[iU]") is None
