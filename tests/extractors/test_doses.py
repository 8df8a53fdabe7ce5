"""DOSE finder: the patterns' own examples, spans in sentences, parentheses and flattened tables."""

from __future__ import annotations

import pytest

from pipeline.extractors.doses import (
    PatternError,
    dose_patterns,
    example_failures,
    find_doses,
    parse_patterns,
)
from pipeline.normalize.doses import parse_frequency, parse_route

PATTERNS = dose_patterns()
EXAMPLES = [(name, text, span) for name, p in PATTERNS.items() for text, span in p.match_examples]
NO_MATCH = [(name, text) for name, p in PATTERNS.items() for text in p.no_match_examples]


def spans(text: str) -> list[str]:
    return [text[f.start:f.end] for f in find_doses(text)]


def attrs_of(text: str) -> list[tuple[str, dict[str, str]]]:
    return [(text[f.start:f.end], f.attrs) for f in find_doses(text)]


@pytest.mark.parametrize(("name", "text", "span"), EXAMPLES,
                         ids=[f"{n}:{t[:25]!r}" for n, t, _ in EXAMPLES])
def test_doses_pattern_match_examples(name: str, text: str, span: str | None) -> None:
    regex = PATTERNS[name].regex
    if span is None:
        assert regex.fullmatch(text), f"{name} should match all of {text!r}"
    else:
        found = regex.search(text)
        assert found is not None and found.group(0) == span


@pytest.mark.parametrize(("name", "text"), NO_MATCH, ids=[f"{n}:{t[:25]!r}" for n, t in NO_MATCH])
def test_doses_pattern_no_match_examples(name: str, text: str) -> None:
    assert PATTERNS[name].regex.search(text) is None


def test_doses_every_pattern_passes_its_examples() -> None:
    assert {name: example_failures(p) for name, p in PATTERNS.items() if example_failures(p)} == {}


@pytest.mark.parametrize("text", [t for t, _ in PATTERNS["frequency"].match_examples])
def test_doses_normaliser_reads_every_frequency_example(text: str) -> None:
    assert parse_frequency(text) is not None


@pytest.mark.parametrize("text", [t for t, _ in PATTERNS["route"].match_examples])
def test_doses_normaliser_reads_every_route_example(text: str) -> None:
    assert parse_route(text) is not None


@pytest.mark.parametrize(("data", "message"), [
    ({"patterns": [{"name": "x", "regex": "(", "examples": {"match": ["a"]}}]},
     r"doses\.yaml: pattern 1 \(x\): bad regex"),
    ({"patterns": [{"name": "x", "regex": "a", "examples": {"match": ["b"]}}]},
     r"doses\.yaml: pattern 1 \(x\): does not match the whole of 'b'"),
    ({"patterns": [{"name": "x", "regex": "a", "examples": {"match": ["a"], "no_match": ["ba"]}}]},
     r"pattern 1 \(x\): matches 'a' in no_match example 'ba'"),
    ({"patterns": [{"name": "x", "regex": "<<y>>", "examples": {"match": ["a"]}}]},
     r"pattern 1 \(x\): <<y>> is not an earlier pattern"),
    ({"patterns": [{"name": "x", "regex": "a"}]}, r"pattern 1 \(x\): needs examples\.match"),
    ({"patterns": [{"regex": "a"}]}, r"pattern 1 \(\?\): needs 'name' and 'regex'"),
    ({"patterns": [{"name": "x", "regex": "a", "examples": {"match": ["a"]}}]},
     r"doses\.yaml: missing patterns dose"),
    ([], r"doses\.yaml: expected a mapping"),
])
def test_doses_bad_pattern_file_names_file_and_pattern(data: object, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        parse_patterns(data, "pipeline/data/patterns/doses.yaml")


# ---- spans: short phrases quoted from the papers ------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("prednisone (15 mg qd), HCQ (100 mg bid), Cys A", ["15 mg qd", "100 mg bid"]),
    ("belimumab (480 mg q4w IV).", ["480 mg q4w IV"]),
    ("belimumab (600 mg g4w IV).", ["600 mg g4w IV"]),
    ("telitacicept (80 mg qw SQ), height", ["80 mg qw SQ"]),
    ("MMF (morning: 0.5 g, evening: 0.25 g).", ["morning: 0.5 g, evening: 0.25 g"]),
    ("Cys A\n(morning: 50 mg, evening: 25 mg), belimumab", ["morning: 50 mg, evening: 25 mg"]),
    ("MMF (morning: 0.5 g,\n\nevening: 0.25 g)", ["morning: 0.5 g,\n\nevening: 0.25 g"]),
    ("Tofacitinib dosage: 5 mg bid.", ["5 mg bid"]),
    ("prednisone dosage reduced (12.5 mg\nqd), belimumab", ["12.5 mg\nqd"]),
    ("added tacrolimus (1\nmg bid).", ["1\nmg bid"]),
    ("prednisone dosage\nbelow 5 mg/day.", ["5 mg/day"]),
    ("(case 1:\n15 mg/day to 6.25 mg/day, case 2:", ["15 mg/day", "6.25 mg/day"]),
    ("reduced to 10 mg once a day, he", ["10 mg once a day"]),
    ("Prednisone\n0.3 mg/(kg/day). However", ["0.3 mg/(kg/day)"]),
    ("are 5 (3.75-10) mg and 5 (5-7.5) mg\ntwice a day, respectively.",
     ["5 (3.75-10) mg", "5 (5-7.5) mg\ntwice a day"]),
    ("is 5 and 10 mg twice a day, respectively.", ["5 and 10 mg twice a day"]),
    ("varies from 5 to 25mg\ntwice daily.", ["5 to 25mg\ntwice daily"]),
    ("tofacitinib 5 mg twice a day, ruxolitinib\n1 mg/kg/day or 30 mg/day, and baricitinib "
     "8 mg/day (9, 10, 16).", ["5 mg twice a day", "1 mg/kg/day", "30 mg/day", "8 mg/day"]),
    ("suspension (3 ml/3 times/day, orally), dexamethasone injection (3 mg, intramuscularly, "
     "once), traditional", ["3 ml/3 times/day, orally", "3 mg, intramuscularly, once"]),
    ("etanercept (12.5 mg, subcutaneously, twice), but", ["12.5 mg, subcutaneously, twice"]),
    ("TCZ (8\n\nmg/kg/2 weeks, IV), ibuprofen suspension (4 ml/three times/day, orally), and "
     "methotrexate (7.5 mg/week, orally).",
     ["8\n\nmg/kg/2 weeks, IV", "4 ml/three times/day, orally", "7.5 mg/week, orally"]),
    ("tofacitinib (2.5 mg/twice/day) to replace", ["2.5 mg/twice/day"]),
])
def test_doses_spans_in_papers(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize("text", [
    "CRP: 127 mg/L", "a platelet count of 14.1 mg/L", "albumin 26 g/L", "hemoglobin 146.00 g/L",
    "from 22,738 to 1,397 ng/ml", "(height 110 cm, weight 20 kg)", "gradually reduced to 42%",
    "after six infusions of TCZ", "high-dose glucocorticoids", "one intravenous dose",
    "2% tofacitinib ointment", "IL-6: 39.29 pg/ml", "ESR: 50 mm/h", "SLEDAI-2K score: 4",
])
def test_doses_not_doses(text: str) -> None:
    assert find_doses(text) == []


# ---- spans and attributes: invented phrases ----------------------------------------------------

def test_doses_attributes_follow_guidelines() -> None:
    text = "He took aspirin 100 mg po qd and MMF 0.5 g bid; IVIG 2 g/kg was given."
    assert attrs_of(text) == [
        ("100 mg po qd", {"amount": "100", "unit": "mg", "freq": "qd", "per_day": "1",
                          "route": "oral", "daily_mg": "100"}),
        ("0.5 g bid", {"amount": "0.5", "unit": "g", "freq": "bid", "per_day": "2",
                       "daily_mg": "1000"}),
        ("2 g/kg", {"amount": "2", "unit": "g", "per_kg": "true"}),
    ]
    assert all(f.label == "DOSE" and "patient" not in f.attrs for f in find_doses(text))


def test_doses_coordinated_doses_share_the_frequency_but_not_daily_mg() -> None:
    text = "The median doses were 5 (3.75-10) mg and 5 (5-7.5) mg twice a day, respectively."
    first, second = find_doses(text)
    assert first.attrs == {"amount": "5", "amount_low": "3.75", "amount_high": "10",
                           "unit": "mg", "freq": "bid", "per_day": "2", "stat": "median"}
    assert second.attrs["daily_mg"] == "10" and second.attrs["stat"] == "median"


def test_doses_stat_from_the_sentence() -> None:
    text = "The mean dose of anakinra was 2 mg/kg/day. Patient 2 received 4 mg/kg/day."
    assert [f.attrs.get("stat") for f in find_doses(text)] == ["mean", None]


def test_doses_change_is_not_a_range() -> None:
    assert spans("Prednisone was tapered from 20 to 10 mg/day over 2 months.") == ["10 mg/day"]
    assert attrs_of("doses between 5 and 10 mg daily")[0][1] == {
        "amount_low": "5", "amount_high": "10", "unit": "mg", "freq": "qd", "per_day": "1"}
    assert spans("the dose was reduced by 5 mg every 2 weeks") == []


def test_doses_count_needs_to_close_the_expression() -> None:
    assert spans("dexamethasone 5 mg, once the fever settled") == ["5 mg"]
    assert spans("etanercept (0.4 mg/kg, subcutaneously, twice)") == [
        "0.4 mg/kg, subcutaneously, twice"]


def test_doses_measurements_are_not_doses() -> None:
    text = ("birth weight of 2,500 g; proteinuria decreased to 0.5 g/day; haemoglobin 9.8 g per "
            "dL; creatinine clearance of 45 mL/min; 20 mg/mL solution; prednisone 10 mg/day")
    assert spans(text) == ["10 mg/day"]


def test_doses_weight_is_not_a_dose_unless_dosed_by_it() -> None:
    assert spans("birth weight of 2,500 g") == []
    assert spans("dosed by weight: 8 mg/kg every 2 weeks") == ["8 mg/kg every 2 weeks"]


def test_doses_split_written_amount_first() -> None:
    assert attrs_of("ruxolitinib (5 mg in the morning and 2.5 mg in the evening)") == [
        ("5 mg in the morning and 2.5 mg in the evening",
         {"amount": "5+2.5", "unit": "mg", "freq": "split", "per_day": "2", "daily_mg": "7.5"})]


# ---- flattened tables: a parenthesised dose cut at a column break ------------------------------

FLAT_TABLE = (
    "1 CS (20 mg qd), AZA (50 4 12 Ongoing Improved CS (10 mg qd), AZA (50 mg 3 None\n"
    "mg qd), MMF (0.5 g bid) bid), MMF (1 g bid)\n"
    "\n"
    "2 CS (15 mg qd), MMF (morning: 0.75 g, 1 6 Ongoing Improved MMF (morning: 1 g, evening: kept\n"
    "evening: 0.5 g) 0.5 g)\n"
)
QD, BID = {"freq": "qd", "per_day": "1"}, {"freq": "bid", "per_day": "2"}
SPLIT = {"freq": "split", "per_day": "2"}


def test_doses_flattened_table_rejoins_cut_doses() -> None:
    assert attrs_of(FLAT_TABLE) == [
        ("20 mg qd", {"amount": "20", "unit": "mg", **QD, "daily_mg": "20"}),
        ("50", {"amount": "50", "unit": "mg", **QD, "daily_mg": "50"}),
        ("10 mg qd", {"amount": "10", "unit": "mg", **QD, "daily_mg": "10"}),
        ("50 mg", {"amount": "50", "unit": "mg", **BID, "daily_mg": "100"}),
        ("0.5 g bid", {"amount": "0.5", "unit": "g", **BID, "daily_mg": "1000"}),
        ("1 g bid", {"amount": "1", "unit": "g", **BID, "daily_mg": "2000"}),
        ("15 mg qd", {"amount": "15", "unit": "mg", **QD, "daily_mg": "15"}),
        ("morning: 0.75 g", {"amount": "0.75+0.5", "unit": "g", **SPLIT, "daily_mg": "1250"}),
        ("morning: 1 g", {"amount": "1+0.5", "unit": "g", **SPLIT, "daily_mg": "1500"}),
    ]


def test_doses_flattened_table_unpaired_head() -> None:
    # a bare amount whose unit never turns up is not a dose; an amount with its unit stays one
    text = "2 CS (15 4 9 Stopped CS (5 mg | 2 None\n(0.5 g bid) 7 Flare\n"
    assert attrs_of(text) == [
        ("5 mg", {"amount": "5", "unit": "mg"}),
        ("0.5 g bid", {"amount": "0.5", "unit": "g", "freq": "bid", "per_day": "2",
                       "daily_mg": "1000"}),
    ]


def test_doses_flattened_table_fictional_example() -> None:
    text = ("3 M 7.5 25 0.3 mg/kg/day 9,450 1,120 12.4 0.0 MP, CsA, Complete\n"
            "(5 mg morning, anakinra remission\n2.5 mg evening)\n")
    assert attrs_of(text) == [
        ("0.3 mg/kg/day", {"amount": "0.3", "unit": "mg", "per_kg": "true", "freq": "qd",
                           "per_day": "1"}),
        ("5 mg morning", {"amount": "5+2.5", "unit": "mg", "freq": "split", "per_day": "2",
                          "daily_mg": "7.5"}),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("prednisone (20 mg for 2 weeks, then\n10 mg for a week) was given", ["20 mg", "10 mg"]),
    ("prednisone (20 at admission, tapered\nto 5 mg qd) was given", ["5 mg qd"]),
    ("In this group (100 of them girls\ngiven 5 mg bid) none", ["5 mg bid"]),
])
def test_doses_prose_wrapped_parenthesis_is_not_a_table_cut(text: str, expected: list[str]) -> None:
    assert spans(text) == expected
    assert all(f.rule != "table_continuation" for f in find_doses(text))


# ---- flattened tables split into treatment-list columns (pipeline/segment/tables.py) ----------

LISTED_TABLE = (
    "TABLE 2 Regimens of the children who received baricitinib.\n\n"
    "Patient Concomitant treatments at Duration Status Additional treatments at last follow-up\n"
    "1 MP (20 mg qd), AZA (50 mg bid), 8 6 Stopped | Unimproved MP (15 mg qd), MTX (10 4 proteinuria\n"
    "tacrolimus (1 mg bid), rituximab (375 mg qw), LEF (10 mg qd), decreased C3\n"
    "mg q4w) rituximab (375 mg q4w) low WBC\n"
    "2 MP (10 mg qd), AZA (50 mg bid) 2 9 Ongoing Improved MP (5 mg qd), MMF 2 None\n"
    "(morning: 0.75 g, evening:\n"
    "0.5 g), baricitinib (4 mg qd)\n\n"
    "MP, methylprednisolone; AZA, azathioprine; MTX, methotrexate; LEF, leflunomide.\n"
)


def test_doses_listed_table_never_span_two_columns() -> None:
    got = [(span, a["amount"], a.get("freq"), a.get("daily_mg")) for span, a in attrs_of(LISTED_TABLE)]
    assert got == [
        ("20 mg qd", "20", "qd", "20"), ("50 mg bid", "50", "bid", "100"),
        ("15 mg qd", "15", "qd", "15"),
        ("10", "10", "qw", "1.43"),  # MTX (10 ... next line mg qw): the part in its own cell
        ("1 mg bid", "1", "bid", "2"),
        ("375", "375", "q4w", "13.39"),  # rituximab (375 ... mg q4w), never "375 mg qw"
        ("10 mg qd", "10", "qd", "10"), ("375 mg q4w", "375", "q4w", "13.39"),
        ("10 mg qd", "10", "qd", "10"), ("50 mg bid", "50", "bid", "100"),
        ("5 mg qd", "5", "qd", "5"),
        # parts on consecutive lines with nothing between them: one span across the line break
        ("morning: 0.75 g, evening:\n0.5 g", "0.75+0.5", "split", "1250"),
        ("4 mg qd", "4", "qd", "4"),
    ]
    rules = {LISTED_TABLE[f.start:f.end]: f.rule for f in find_doses(LISTED_TABLE)}
    assert rules["375"] == "table_column" and rules["10"] == "table_column"


def test_doses_listed_table_with_its_segmentation_given() -> None:
    from pipeline.segment import segment

    tables = segment(LISTED_TABLE).tables
    assert find_doses(LISTED_TABLE, tables) == find_doses(LISTED_TABLE)
    # without the columns, the same text is read line by line: the seam makes "375 mg qw"
    assert "375 mg qw" in [LISTED_TABLE[f.start:f.end] for f in find_doses(LISTED_TABLE, ())]


def test_doses_unicode_spaces_between_amount_and_unit() -> None:
    # PMC text puts a four-per-em or hair space between a number and its unit
    text = "His daily medication was perindopril 2.5\u2005mg and ribavirin (1200\u200amg/day)."
    assert [text[f.start:f.end] for f in find_doses(text)] == ["2.5\u2005mg", "1200\u200amg/day"]


def test_doses_units_and_gray() -> None:
    text = "5000 units of heparin; insulin 10 units daily; radiotherapy (70 Gy, 35 sessions)."
    found = find_doses(text)
    assert [(text[f.start:f.end], f.attrs["unit"]) for f in found] == [
        ("5000 units", "[iU]"), ("10 units daily", "[iU]"), ("70 Gy", "Gy")]


def test_doses_transfused_units_are_not_doses() -> None:
    assert find_doses("She was transfused 2 units of packed red blood cells.") == []


# ---- general posology of case reports: one short invented phrase per rule -----------------------

RATE = {"per_time": "min"}
GENERAL_RULES: list[tuple[str, list[tuple[str, dict[str, str]]]]] = [
    # infusion rates
    ("Noradrenaline was infused at 0.1 µg/kg/min and dobutamine at 5 µg/kg/min.",
     [("0.1 µg/kg/min", {"amount": "0.1", "unit": "ug", "per_kg": "true", **RATE}),
      ("5 µg/kg/min", {"amount": "5", "unit": "ug", "per_kg": "true", **RATE})]),
    ("Heparin was started at 1000 units/h and saline at 80 mL/h.",
     [("1000 units/h", {"amount": "1000", "unit": "[iU]", "per_time": "h"}),
      ("80 mL/h", {"amount": "80", "unit": "mL", "per_time": "h"})]),
    ("magnesium sulfate 2 g/hour for 24 hours",
     [("2 g/hour", {"amount": "2", "unit": "g", "per_time": "h"})]),
    ("an insulin infusion of 0.1 U/kg/h was begun",
     [("0.1 U/kg/h", {"amount": "0.1", "unit": "[iU]", "per_kg": "true", "per_time": "h"})]),
    ("followed by 4 micrograms.kg-1.min-1 dopamine",
     [("4 micrograms.kg-1.min-1", {"amount": "4", "unit": "ug", "per_kg": "true", **RATE})]),
    ("induction with thiopental 5 mg kg-1 was smooth",
     [("5 mg kg-1", {"amount": "5", "unit": "mg", "per_kg": "true"})]),
    # frequencies written as words or codes
    ("vancomycin 1 g every 12 hours and meropenem 1 g q8h were given",
     [("1 g every 12 hours", {"amount": "1", "unit": "g", "freq": "bid", "per_day": "2",
                              "daily_mg": "2000"}),
      ("1 g q8h", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3", "daily_mg": "3000"})]),
    ("morphine 2 mg IV every 4 h and oxycodone 5 mg every 6 hours as needed",
     [("2 mg IV every 4 h", {"amount": "2", "unit": "mg", "freq": "q4h", "per_day": "6",
                             "route": "iv", "daily_mg": "12"}),
      ("5 mg every 6 hours as needed", {"amount": "5", "unit": "mg", "freq": "prn"})]),
    ("tranexamic acid 1 g 8-hourly was added",
     [("1 g 8-hourly", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3",
                        "daily_mg": "3000"})]),
    ("epoetin 4000 IU subcutaneously three times a week, with iron",
     [("4000 IU subcutaneously three times a week",
       {"amount": "4000", "unit": "[iU]", "freq": "tiw", "per_day": "0.4286", "route": "sc"})]),
    ("cabergoline 0.5 mg twice per week was prescribed",
     [("0.5 mg twice per week", {"amount": "0.5", "unit": "mg", "freq": "biw",
                                 "per_day": "0.2857", "daily_mg": "0.14"})]),
    ("adalimumab 40 mg every other week since 2015",
     [("40 mg every other week", {"amount": "40", "unit": "mg", "freq": "q2w",
                                  "per_day": "0.0714", "daily_mg": "2.86"})]),
    ("vitamin B12 1000 µg monthly by injection",
     [("1000 µg monthly", {"amount": "1000", "unit": "ug", "freq": "qmo", "per_day": "0.0329",
                           "daily_mg": "0.03"})]),
    ("a fentanyl patch of 25 µg every 3 days",
     [("25 µg every 3 days", {"amount": "25", "unit": "ug", "freq": "q3d", "per_day": "0.3333",
                              "daily_mg": "0.01"})]),
    ("valacyclovir, 1 g three times daily, and acyclovir 800 mg 5 times daily",
     [("1 g three times daily", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3",
                                 "daily_mg": "3000"}),
      ("800 mg 5 times daily", {"amount": "800", "unit": "mg", "freq": "5xd", "per_day": "5",
                                "daily_mg": "4000"})]),
    ("quetiapine 25 mg at bedtime and amoxicillin 500 mg tds",
     [("25 mg at bedtime", {"amount": "25", "unit": "mg", "freq": "qd", "per_day": "1",
                            "daily_mg": "25"}),
      ("500 mg tds", {"amount": "500", "unit": "mg", "freq": "tid", "per_day": "3",
                      "daily_mg": "1500"})]),
    ("methylprednisolone 2 mg/kg/j was started",
     [("2 mg/kg/j", {"amount": "2", "unit": "mg", "per_kg": "true", "freq": "qd", "per_day": "1"})]),
    ("capecitabine at 1500 mg/day twice a week, was well tolerated",
     [("1500 mg/day twice a week", {"amount": "1500", "unit": "mg", "freq": "biw",
                                    "per_day": "0.2857", "daily_mg": "428.57"})]),
    ("he was taking valproate 3 x 300 mg/day before admission",
     [("3 x 300 mg/day", {"amount": "300", "unit": "mg", "freq": "tid", "per_day": "3",
                          "daily_mg": "900"})]),
    # decimal commas where unambiguous
    ("bisoprolol 2,5 mg daily and nadroparin 0,3 ml/day",
     [("2,5 mg daily", {"amount": "2.5", "unit": "mg", "freq": "qd", "per_day": "1",
                        "daily_mg": "2.5"}),
      ("0,3 ml/day", {"amount": "0.3", "unit": "mL", "freq": "qd", "per_day": "1"})]),
    ("digoxin 0,125 mg was stopped", [("0,125 mg", {"amount": "0.125", "unit": "mg"})]),
    # units
    ("benzylpenicillin, 12 million units intravenously per day.",
     [("12 million units intravenously per day",
       {"amount": "12000000", "unit": "[iU]", "freq": "qd", "per_day": "1", "route": "iv"})]),
    ("potassium chloride 20 mmol/h IV and bicarbonate 1 mEq/kg",
     [("20 mmol/h IV", {"amount": "20", "unit": "mmol", "per_time": "h", "route": "iv"}),
      ("1 mEq/kg", {"amount": "1", "unit": "meq", "per_kg": "true"})]),
    ("she received 10 U of regular insulin and 40 mEq of potassium chloride",
     [("10 U", {"amount": "10", "unit": "[iU]"}), ("40 mEq", {"amount": "40", "unit": "meq"})]),
    ("cefazolin 1 g/8 h IV and amikacin 500 mg/12 h",
     [("1 g/8 h IV", {"amount": "1", "unit": "g", "freq": "tid", "per_day": "3", "route": "iv",
                      "daily_mg": "3000"}),
      ("500 mg/12 h", {"amount": "500", "unit": "mg", "freq": "bid", "per_day": "2",
                       "daily_mg": "1000"})]),
    ("enoxaparin 100 U/kg sc bid", [("100 U/kg sc bid", {
        "amount": "100", "unit": "[iU]", "per_kg": "true", "freq": "bid", "per_day": "2",
        "route": "sc"})]),
    ("ceftriaxone 2 grams daily and 500 micrograms of atropine",
     [("2 grams daily", {"amount": "2", "unit": "g", "freq": "qd", "per_day": "1",
                         "daily_mg": "2000"}),
      ("500 micrograms", {"amount": "500", "unit": "ug"})]),
    ("she took a single 10-mg dose", [("10-mg", {"amount": "10", "unit": "mg"})]),
    ("paracetamol two tablets twice daily and salbutamol one puff as needed",
     [("two tablets twice daily", {"amount": "2", "unit": "{tablet}", "freq": "bid",
                                   "per_day": "2"}),
      ("one puff as needed", {"amount": "1", "unit": "{puff}", "freq": "prn"})]),
    ("ibuprofen 10 mg/kg/dose every 8 hours, then alendronate 70 mg once-weekly",
     [("10 mg/kg/dose every 8 hours", {"amount": "10", "unit": "mg", "per_kg": "true",
                                       "freq": "tid", "per_day": "3"}),
      ("70 mg once-weekly", {"amount": "70", "unit": "mg", "freq": "qw", "per_day": "0.1429",
                             "daily_mg": "10"})]),
    ("radiotherapy to 5040 cGy and radioiodine 150 mCi",
     [("5040 cGy", {"amount": "5040", "unit": "cGy"}), ("150 mCi", {"amount": "150", "unit": "mCi"})]),
    # routes
    ("methotrexate 12 mg intrathecally and cytarabine 30 mg intrathecal",
     [("12 mg intrathecally", {"amount": "12", "unit": "mg", "route": "intrathecal"}),
      ("30 mg intrathecal", {"amount": "30", "unit": "mg", "route": "intrathecal"})]),
    ("nitroglycerin 0.4 mg sublingually relieved the pain",
     [("0.4 mg sublingually", {"amount": "0.4", "unit": "mg", "route": "sublingual"})]),
    # a route adjective before a finding is no route: the volume alone, then dropped as bare fluid
    ("CT showed 500 mL intraperitoneal free fluid; 20 mg intraperitoneal was not given",
     [("20 mg intraperitoneal", {"amount": "20", "unit": "mg", "route": "intraperitoneal"})]),
    # a dose after "followed by" is a dose, not a reduction
    ("prednisone 60 mg daily for 5 days followed by 30 mg for 5 days",
     [("60 mg daily", {"amount": "60", "unit": "mg", "freq": "qd", "per_day": "1",
                       "daily_mg": "60"}),
      ("30 mg", {"amount": "30", "unit": "mg"})]),
]


@pytest.mark.parametrize(("text", "expected"), GENERAL_RULES, ids=[t[:40] for t, _ in GENERAL_RULES])
def test_doses_general_posology_rules(text: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert attrs_of(text) == expected


@pytest.mark.parametrize("text", [
    # lab results in units that are doses only when given: U, mmol, mEq, ng
    "anticardiolipin IgG (120 U, normal range <15 U)", "24-hour urine calcium 7.2 mmol",
    "ALT 88 U/L", "troponin 40 ng", "IgM 35 U of the reference", "urinary calcium 300 mg/24 h", "a glomerular filtration rate of 52 mL/min",
    "peak VO2 of 18 mL/kg/min",
    # body weights and organ masses, fluid volumes, figure panels, needle gauges, spreads
    "Her birthweight was 2,950 g at term", "left ventricular mass index, 82.4 g",
    "hydrothorax (600 mL) and ascites (1200 mL)", "estimated blood loss of 300 mL",
    "about 300 mL of pus was evacuated", "CT showed 500 mL intraperitoneal free fluid",
    "as shown in (Figure 3 G and H)", "an 18 G cannula was placed",
    "mean dose 110 +/- 25 mg and 12 ± 3 mg/day",
    "concentrations of 5 mg l-1 were reached",
    # no frequency after "n x": a count, not a dose
    "a 3 x 4 cm mass",
    # skin findings and measured urine quantities
    "two patches of erythema on the forearm", "24-hour urine sodium was 150 mmol/day",
    # decimal-looking lists and measurements
    "a diameter of 44,5 mm", "doses of 5,10 mg",
    "a 2-unit transfusion",
])
def test_doses_general_rules_not_doses(text: str) -> None:
    assert find_doses(text) == []


def test_doses_count_word_six_keeps_its_x() -> None:
    # "six" ends in x like "3x": it must not lose it
    assert attrs_of("tocilizumab 8 mg/kg every six weeks") == [
        ("8 mg/kg every six weeks", {"amount": "8", "unit": "mg", "per_kg": "true",
                                     "freq": "q6w", "per_day": "0.0238"})]
