"""Patient attribution, medication phase and relation linking on small invented reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.attribution.patients import attribute_patients
from pipeline.attribution.phases import attribute_phases
from pipeline.attribution.relations import link_relations
from pipeline.extractors.found import Found
from pipeline.segment import segment

SERIES = """Results

Patient 2 received tofacitinib. He stopped prednisone later.

Case 1

Prior treatment: prednisone (15 mg qd), HCQ (100 mg bid).

Tofacitinib dosage: 5 mg bid.

Follow-up: 24 months, Cys A was discontinued, belimumab changed to telitacicept.

Discussion

Smith et al. (12) gave tofacitinib to a girl. Our patients tolerated tofacitinib.
"""


def drug(text: str, word: str, nth: int = 0, cls: str = "csdmard") -> Found:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Found("DRUG", start, start + len(word), {"norm": word.lower(), "class": cls})


def test_patients_and_phases_in_a_series():
    seg = segment(SERIES)
    p2 = SERIES.index("Patient 2")
    found = [
        Found("PATIENT", p2, p2 + 9, {"id": "2"}),
        drug(SERIES, "tofacitinib", 0, "jak_inhibitor"),
        drug(SERIES, "prednisone", 0, "glucocorticoid"),
        drug(SERIES, "prednisone", 1, "glucocorticoid"),
        drug(SERIES, "HCQ", 0, "antimalarial"),
        drug(SERIES, "Tofacitinib", 0, "jak_inhibitor"),
        drug(SERIES, "Cys A", 0, "calcineurin_inhibitor"),
        drug(SERIES, "belimumab", 0, "blys_inhibitor"),
        drug(SERIES, "telitacicept", 0, "blys_inhibitor"),
        drug(SERIES, "tofacitinib", 1, "jak_inhibitor"),
        drug(SERIES, "tofacitinib", 2, "jak_inhibitor"),
    ]
    found = attribute_phases(attribute_patients(found, SERIES, seg), SERIES, seg)
    got = [(SERIES[f.start:f.end], f.attrs["patient"], f.attrs.get("phase")) for f in found]
    assert got == [
        ("Patient 2", "2", None),
        ("tofacitinib", "2", "started"),
        ("prednisone", "2", "discontinued"),
        ("prednisone", "1", "at_initiation"),
        ("HCQ", "1", "at_initiation"),
        ("Tofacitinib", "1", "started"),
        ("Cys A", "1", "discontinued"),
        ("belimumab", "1", "discontinued"),
        ("telitacicept", "1", "started"),
        ("tofacitinib", "other", None),
        ("tofacitinib", "cohort", None),
    ]


def test_table_rows_footnotes_and_treatment_columns():
    text = ("TABLE 2 Regimens.\n\nPatient Concomitant treatments at TOF initiation Response "
            "Additional treatments at last follow-up\n"
            "1 GC (15 mg qd), HCQ Alleviated GC (6.25 mg qd), HCQ\n"
            "2 MMF Unalleviated MMF\n\nTOF, tofacitinib; GC, glucocorticoid; HCQ, hydroxychloroquine.\n")
    seg = segment(text)
    assert len(seg.tables) == 1
    alleviated = text.index("Alleviated")
    unalleviated = text.index("Unalleviated")
    found = [
        drug(text, "HCQ", 0), drug(text, "HCQ", 1), drug(text, "MMF", 0), drug(text, "MMF", 1),
        drug(text, "HCQ", 2),
        Found("RESPONSE", alleviated, alleviated + 10, {"norm": "alleviated"}),
        Found("RESPONSE", unalleviated, unalleviated + 12, {"norm": "unalleviated"}),
    ]
    found = attribute_phases(attribute_patients(found, text, seg), text, seg)
    got = [(f.attrs["patient"], f.attrs.get("phase")) for f in found if f.label == "DRUG"]
    assert got == [("1", "at_initiation"), ("1", "last_followup"), ("2", "at_initiation"),
                   ("2", "last_followup"), ("other", None)]


def test_single_case_report_is_patient_1_and_citations_are_other():
    text = ("Case presentation\n\nA 4-year-old girl received tocilizumab.\n\nDiscussion\n\n"
            "In our patient tocilizumab worked. Huang et al. [6] used tocilizumab.\n")
    seg = segment(text)
    found = [drug(text, "tocilizumab", n, "il6_inhibitor") for n in range(3)]
    got = [f.attrs["patient"] for f in attribute_patients(found, text, seg)]
    assert got == ["1", "1", "other"]


def test_dose_of_and_measured_at_links():
    text = "Follow-up: 3 months, prednisone (15 mg qd).\n\nSLEDAI-2K score: 4 at 3 months."
    seg = segment(text)
    pred = drug(text, "prednisone", 0, "glucocorticoid")
    dose_at = text.index("15 mg qd")
    dose = Found("DOSE", dose_at, dose_at + 8, {})
    score_at = text.index("SLEDAI")
    score = Found("SCORE", score_at, score_at + 18, {})
    time_at = text.index("at 3 months")
    when = Found("TIMEPOINT", time_at, time_at + 11, {})
    links = link_relations([pred, dose, score, when], text, seg)
    assert [(t, text[a.start:a.end], text[b.start:b.end]) for t, a, b in links] == [
        ("DOSE_OF", "15 mg qd", "prednisone"),
        ("MEASURED_AT", "SLEDAI-2K score: 4", "at 3 months"),
    ]


def test_a_dose_without_its_drug_is_marked_not_guessed():
    from pipeline.extract import find_mentions

    text = "Case 1\n\nShe took 5 mg bid of a new remedy. Prednisone (10 mg qd) was given."
    found, links, _ = find_mentions(text)
    doses = {text[f.start:f.end]: f.attrs.get("drug") for f in found if f.label == "DOSE"}
    assert doses == {"5 mg bid": "unattached", "10 mg qd": None}
    assert [(text[a.start:a.end], text[b.start:b.end]) for t, a, b in links if t == "DOSE_OF"] == [
        ("10 mg qd", "Prednisone"),
    ]


def test_an_amount_of_a_drug_named_after_it_is_its_dose():
    from pipeline.extract import find_mentions

    text = ("Case 1\n\nShe received 500 mL of normal saline, 10 mL of 10% calcium gluconate and "
            "1000UI of prothrombin complex concentrate.")
    _, links, _ = find_mentions(text)
    assert [(text[a.start:a.end], text[b.start:b.end]) for t, a, b in links if t == "DOSE_OF"] == [
        ("500 mL", "normal saline"), ("10 mL", "calcium gluconate"),
        ("1000UI", "prothrombin complex concentrate"),
    ]


def test_a_bare_volume_of_no_drug_is_no_dose_but_a_volume_with_a_frequency_is():
    from pipeline.extract import find_mentions

    text = ("Case 1\n\nEstimated blood loss totaled 600 mL. The vomitus (approximately 50 mL) was "
            "dark. Venous blood of 10 mL was drawn. Later 20 mL was removed again. She took 2 mL "
            "twice daily of a syrup.")
    found, _, _ = find_mentions(text)
    assert {text[f.start:f.end]: f.attrs.get("drug") for f in found if f.label == "DOSE"} == {
        "2 mL twice daily": "unattached"}


def test_an_amount_with_its_normal_range_is_a_measurement_not_a_dose():
    from pipeline.extract import find_mentions

    text = ("Case 1\n\n24-hour norepinephrine 468 μg (normal range: 23-105), 24-hour epinephrine "
            "13 μg (normal range: 4-20). She was given epinephrine 1 mg.")
    found, _, _ = find_mentions(text)
    assert [text[f.start:f.end] for f in found if f.label == "DOSE"] == ["1 mg"]


def test_a_frequency_that_cannot_apply_to_the_drug_is_withdrawn_not_stored():
    from pipeline.attribution.relations import plausibility_rules
    from pipeline.extract import find_mentions

    assert [r.name for r in plausibility_rules()] == ["biologic_antibody_or_fusion_protein"]
    # a flattened table cell: belimumab's "480" meets the neighbouring cell's "mg bid"
    text = "Case 1\n\nPrior treatment: belimumab (480 mg bid), HCQ (100 mg bid)."
    found, _links, _ = find_mentions(text)
    doses = {text[f.start:f.end]: f.attrs for f in found if f.label == "DOSE"}
    belimumab, hcq = doses["480 mg bid"], doses["100 mg bid"]
    assert belimumab["check"] == "implausible_frequency"
    assert "freq" not in belimumab and "daily_mg" not in belimumab and belimumab["amount"] == "480"
    assert hcq["freq"] == "bid" and hcq["daily_mg"] == "200" and "check" not in hcq


# ---- flattened tables whose treatment lists are interleaved line by line ----------------------

LISTED_TABLE = (
    "TABLE 2 Regimens of the children who received baricitinib.\n\n"
    "Patient Concomitant treatments at Duration Status Additional treatments at last follow-up\n"
    "1 MP (20 mg qd), AZA (50 mg bid), 8 6 Stopped | Unimproved MP (15 mg qd), MTX (10 4 proteinuria\n"
    "tacrolimus (1 mg bid), rituximab (375 mg qw), LEF (10 mg qd), decreased C3\n"
    "mg q4w) rituximab (375 mg q4w) low WBC\n\n"
    "MP, methylprednisolone; AZA, azathioprine; MTX, methotrexate; LEF, leflunomide.\n"
)


def test_listed_table_phase_is_the_column_and_doses_stay_in_their_column():
    from pipeline.extractors.doses import find_doses

    text = LISTED_TABLE
    seg = segment(text)
    row = text.index("1 MP")
    found = [Found("PATIENT", row, row + 1, {"id": "1"}), *find_doses(text, seg.tables)]
    for word, nth in [("MP", 0), ("AZA", 0), ("MP", 1), ("MTX", 0), ("tacrolimus", 0),
                      ("rituximab", 0), ("LEF", 0), ("rituximab", 1)]:
        found.append(drug(text, word, nth))
    found = attribute_phases(attribute_patients(found, text, seg), text, seg)
    links = link_relations(found, text, seg)
    dose_of = {(b.start, b.end): a for t, a, b in links if t == "DOSE_OF"}
    got = [(text[f.start:f.end], f.attrs.get("phase"), dose_of[f.start, f.end].attrs.get("daily_mg")
            if (f.start, f.end) in dose_of else None)
           for f in sorted(found, key=lambda f: f.start) if f.label == "DRUG"]
    assert got == [
        ("MP", "at_initiation", "20"), ("AZA", "at_initiation", "100"),
        ("MP", "last_followup", "15"), ("MTX", "last_followup", "1.43"),
        ("tacrolimus", "at_initiation", "2"), ("rituximab", "at_initiation", "13.39"),
        ("LEF", "last_followup", "10"), ("rituximab", "last_followup", "13.39"),
    ]
    assert all(f.attrs.get("patient") == "1" for f in found if f.label in ("DRUG", "DOSE"))


# The nine rows of TABLE 2 of the cSLE paper, read from the text: per patient, the drugs of
# "Concomitant treatments at TOF initiation" and of "Additional treatments at last follow-up",
# each with the daily dose in mg of the dose linked to it.
PRED, HCQ, MMF, BEL = "prednisone", "hydroxychloroquine", "mycophenolate mofetil", "belimumab"
TOF, TAC, LEF = "tofacitinib", "tacrolimus", "leflunomide"
CSLE_TABLE_2 = {
    "1": {"at_initiation": [(PRED, "15"), (HCQ, "200"), ("cyclosporine", "75"), (BEL, "17.14")],
          "last_followup": [(PRED, "6.25"), (HCQ, "200"), (TOF, "10"), ("telitacicept", "11.43")]},
    "2": {"at_initiation": [(PRED, "25"), (HCQ, "300"), (MMF, "1000"), (BEL, "17.14")],
          "last_followup": [(PRED, "12.5"), (HCQ, "300"), (MMF, "1000"), (TOF, "10")]},
    "3": {"at_initiation": [(PRED, "32.5"), (HCQ, "200"), (LEF, "20"), (MMF, "750")],
          "last_followup": [(PRED, "5"), (HCQ, "200"), (MMF, "750")]},
    "4": {"at_initiation": [(PRED, "20"), (HCQ, "200"), (TAC, "2"), (BEL, "12.86")],
          "last_followup": [(PRED, "15"), (HCQ, "200"), (TAC, "2"), (TOF, "10")]},
    "5": {"at_initiation": [(PRED, "30"), (HCQ, "200"), (TAC, "2"), (BEL, "17.14")],
          "last_followup": [(PRED, "27.5"), (HCQ, "200"), (LEF, "20"), (BEL, "17.14")]},
    "6": {"at_initiation": [(PRED, "7.5"), (HCQ, "200"), (MMF, "1000")],
          "last_followup": [(PRED, "7.5"), (HCQ, "200"), (MMF, "1000")]},
    "7": {"at_initiation": [(PRED, "20"), (MMF, "1250")],
          "last_followup": [(PRED, "12.5"), (MMF, "1250"), (TOF, "10")]},
    "8": {"at_initiation": [(PRED, "12.5"), (HCQ, "150"), ("cyclophosphamide", "12.5"), (MMF, "750"),
                            (BEL, "12.86")],
          "last_followup": [(PRED, "2.5"), (HCQ, "150"), (MMF, "1000"), (TAC, "2")]},
    "9": {"at_initiation": [(PRED, "7.5"), (HCQ, "200"), (MMF, "1000"), (BEL, "21.43")],
          "last_followup": [(PRED, "2.5"), (HCQ, "200"), (MMF, "1000"), (TAC, "2")]},
}


@pytest.mark.slow
def test_csle_table_2_lists_phases_and_daily_doses(shared_corpus: Path):
    from pipeline.extract import find_mentions
    from pipeline.ingest import ingest_file

    text = ingest_file(shared_corpus / "000_6609ea2d8f922a32.txt").clean_text
    found, links, seg = find_mentions(text)
    table = next(t for t in seg.tables if t.caption.startswith("TABLE 2"))
    assert table.list_phases == ("at_initiation", "last_followup")
    dose_of = {id(drug): dose for t, dose, drug in links if t == "DOSE_OF"}
    got: dict[str, dict[str, list[tuple[str, str | None]]]] = {}
    for f in sorted(found, key=lambda f: f.start):
        if f.label == "DRUG" and table.rows[0].start <= f.start < table.rows[-1].end:
            dose = dose_of.get(id(f))
            column = got.setdefault(f.attrs["patient"], {}).setdefault(f.attrs.get("phase", "?"), [])
            column.append((f.attrs["norm"], dose.attrs.get("daily_mg") if dose else None))
    assert got == CSLE_TABLE_2


# ---- cues as data ---------------------------------------------------------------------------------

def _cue_examples() -> list[tuple[str, str, bool]]:
    from pipeline.attribution.rules import attribution_rules

    out = []
    for cue in attribution_rules().all_cues():
        out += [(cue.where, text, True) for text in cue.match_examples]
        out += [(cue.where, text, False) for text in cue.no_match_examples]
    return out


@pytest.mark.parametrize(("where", "text", "matches"), _cue_examples())
def test_attribution_cue_examples(where: str, text: str, matches: bool):
    from pipeline.attribution.rules import attribution_rules

    cue = next(c for c in attribution_rules().all_cues() if c.where == where)
    assert (cue.search(text) is not None) == matches


def test_a_cue_that_fails_its_example_names_the_file_and_entry():
    import re

    from pipeline.attribution.rules import _cue

    with pytest.raises(ValueError, match=r"attribution\.yaml: citation_cues entry 2: example 'b'"):
        _cue({"regex": "a", "examples": {"match": ["b"]}}, "citation_cues entry 2", re.I)


def test_citation_cue_skips_ranges_that_are_statistics():
    from pipeline.attribution.rules import attribution_rules

    def cites(sentence: str) -> bool:
        return any(c.search(sentence) for c in attribution_rules().citation)

    assert not cites("The median age at diagnosis and JAKi initiation were 6.5 (2-11) years and 12.75\n"
                     "(3-16) years, respectively.")
    assert cites("to ruxolitinib in HLH (6, 15), three patients with SJIA-MAS showed a good response")


# ---- patients -----------------------------------------------------------------------------------

def _patients(text: str, found: list[Found]) -> list[tuple[str, str]]:
    from pipeline.extractors.patients import find_patients

    seg = segment(text)
    everything = find_patients(text, seg.tables) + found
    return [(text[f.start:f.end], f.attrs["patient"])
            for f in attribute_patients(everything, text, seg) if f.label != "PATIENT"]


def test_a_statistic_range_keeps_its_sentence_with_the_cohort():
    text = ("Results\n\nPatient 1 and Patient 2 were girls. The median age at JAKi initiation was "
            "12.75 (3-16) years for tofacitinib.\n")
    assert _patients(text, [drug(text, "tofacitinib", 0, "jak_inhibitor")]) == [("tofacitinib", "cohort")]


def test_a_cohort_only_text_keeps_cohort_facts_with_the_cohort():
    text = ("Tofacitinib in sJIA\n\nMethods\n\nWe reviewed 12 children with sJIA treated with tofacitinib.\n\n"
            "Results\n\nThe median JADAS-27 fell. Tofacitinib was stopped in one child.\n")
    found = [drug(text, "tofacitinib", 0, "jak_inhibitor"), drug(text, "Tofacitinib", 1, "jak_inhibitor")]
    assert [p for _, p in _patients(text, found)] == ["cohort", "cohort"]
    single = "Case presentation\n\nA 4-year-old girl received tocilizumab. The median ESR was high.\n"
    assert _patients(single, [drug(single, "tocilizumab", 0, "il6_inhibitor")]) == [("tocilizumab", "1")]


def test_several_patients_in_a_sentence_the_clause_decides():
    text = ("Results\n\nIn addition, case 1 discontinued CysA, and cases 2 and 4 discontinued belimumab. "
            "Cases 3, 7, and 8 had SDI scores of 1.\n")
    score_at = text.index("SDI scores of 1")
    found = [drug(text, "CysA", 0, "calcineurin_inhibitor"), drug(text, "belimumab", 0, "blys_inhibitor"),
             Found("SCORE", score_at, score_at + 15, {})]
    assert _patients(text, found) == [("CysA", "1"), ("belimumab", "cohort"), ("SDI scores of 1", "cohort")]


def test_the_story_of_one_patient_goes_on_until_a_group_or_another_patient():
    # the PDF left blank lines inside the paragraph; "as Patient 3" only compares
    text = ("Results\n\nPatient 6 achieved partial remission after the introduction of ruxolitinib. However, 1 week "
            "later, he presented with fever. JAKi treatment was discontinued for 2 weeks. Finally, as Patient 3, "
            "he achieved complete remission after treatment of canakinumab. Patient 8 experienced MAS before "
            "ruxolitinib treatment. After a complete resolution of 4 months, ruxolitinib was discontinued.\n\n"
            "glucocorticoids,\n\nMaintenance treatment included tocilizumab. However, she presented with a flare "
            "and was switched to canakinumab. Nine patients received MTX.\n\nAnakinra was expensive.\n")
    found = [drug(text, "ruxolitinib", n, "jak_inhibitor") for n in range(3)]
    found += [drug(text, "canakinumab", n, "il1_inhibitor") for n in range(2)]
    found += [drug(text, "tocilizumab", 0, "il6_inhibitor"), drug(text, "MTX"), drug(text, "Anakinra")]
    assert _patients(text, sorted(found, key=lambda f: f.start)) == [
        ("ruxolitinib", "6"), ("canakinumab", "6"), ("ruxolitinib", "8"), ("ruxolitinib", "8"),
        ("tocilizumab", "8"), ("canakinumab", "8"), ("MTX", "cohort"), ("Anakinra", "cohort"),
    ]


# ---- phases in sentences ------------------------------------------------------------------------

def _phases(text: str, found: list[Found]) -> list[tuple[str, str | None]]:
    from pipeline.extractors.doses import find_doses
    from pipeline.extractors.patients import find_patients

    seg = segment(text)
    everything = find_patients(text, seg.tables) + find_doses(text, seg.tables) + found
    out = attribute_phases(attribute_patients(everything, text, seg), text, seg)
    return [(text[f.start:f.end], f.attrs.get("phase")) for f in sorted(out, key=lambda f: f.start)
            if f.label == "DRUG"]


def test_a_time_phrase_that_opens_the_sentence_places_its_drugs():
    text = ("Case presentation\n\nAt tofacitinib initiation she was taking prednisone 10 mg qd. "
            "At the last follow-up, prednisone was tapered to 2.5 mg qd.\n")
    found = [drug(text, "tofacitinib", 0, "jak_inhibitor"), drug(text, "prednisone", 0, "glucocorticoid"),
             drug(text, "prednisone", 1, "glucocorticoid")]
    assert _phases(text, found) == [("tofacitinib", "started"), ("prednisone", "at_initiation"),
                                    ("prednisone", "last_followup")]


def test_case_fields_and_an_intermediate_follow_up():
    text = ("Case 3\n\nPrior treatment: prednisone (32.5 mg qd), LEF (20 mg qd), no HCQ due to visual loss.\n\n"
            "Reason for tofacitinib addition: Difficulty reducing prednisone dose.\n\n"
            "Follow-up: 3 months, prednisone could not be reduced.\n\n"
            "Follow-up at 12 months: prednisone dosage reduced (5 mg qd), LEF discontinued.\n\n"
            "Clinical outcome: Unalleviated, tofacitinib continued.\n")
    found = [drug(text, "prednisone", n, "glucocorticoid") for n in range(4)]
    found += [drug(text, "LEF", 0), drug(text, "LEF", 1), drug(text, "HCQ", 0, "antimalarial"),
              drug(text, "tofacitinib", 0, "jak_inhibitor"), drug(text, "tofacitinib", 1, "jak_inhibitor")]
    assert _phases(text, found) == [
        ("prednisone", "at_initiation"), ("LEF", "at_initiation"), ("HCQ", None),
        ("tofacitinib", "started"), ("prednisone", "at_initiation"),
        ("prednisone", None), ("prednisone", "last_followup"), ("LEF", "discontinued"),
        ("tofacitinib", "last_followup"),
    ]


def test_the_cue_before_a_run_of_drugs_holds_for_each_and_the_index_drug_is_started():
    text = ("Results\n\nPatient 8 achieved complete remission 1 month after concomitant treatment with "
            "ruxolitinib, MTX, and tocilizumab. Patient 5 showed no response to tofacitinib.\n")
    found = [drug(text, "ruxolitinib", 0, "jak_inhibitor"), drug(text, "MTX"),
             drug(text, "tocilizumab", 0, "il6_inhibitor"), drug(text, "tofacitinib", 0, "jak_inhibitor")]
    assert _phases(text, found) == [("ruxolitinib", "started"), ("MTX", "at_initiation"),
                                    ("tocilizumab", "at_initiation"), ("tofacitinib", "started")]


def test_the_parts_of_a_clause_and_a_drug_others_were_added_to():
    text = ("Case presentation\n\nThe patient was seen again, so tocilizumab was stopped and oral tofacitinib "
            "2.5 mg twice daily was added to methotrexate.\n\nShe was taking prednisone 10 mg qd and "
            "hydroxychloroquine 200 mg qd when tofacitinib 5 mg bid was added.\n")
    found = [drug(text, "tocilizumab", 0, "il6_inhibitor"), drug(text, "tofacitinib", 0, "jak_inhibitor"),
             drug(text, "methotrexate"), drug(text, "prednisone", 0, "glucocorticoid"),
             drug(text, "hydroxychloroquine", 0, "antimalarial"), drug(text, "tofacitinib", 1, "jak_inhibitor")]
    assert _phases(text, found) == [
        ("tocilizumab", "discontinued"), ("tofacitinib", "started"), ("methotrexate", "at_initiation"),
        ("prednisone", "at_initiation"), ("hydroxychloroquine", "at_initiation"), ("tofacitinib", "started"),
    ]


def test_the_drug_the_index_drug_replaced_is_prior_and_the_others_went_on():
    text = ("Case presentation\n\nThe patient was started on a regimen including TCZ (8 mg/kg/2 weeks, IV), "
            "ibuprofen suspension (4 ml/three times/day, orally), and methotrexate (7.5 mg/week, orally). "
            "Thereafter, the patient received TCZ once every 2 weeks. The family could not afford TCZ. "
            "We chose tofacitinib (2.5 mg/twice/day) to replace the TCZ, whereas the other treatment regimens "
            "remained unchanged. Sequential TCZ and tofacitinib treatment worked.\n")
    found = [drug(text, "TCZ", n, "il6_inhibitor") for n in range(5)]
    found += [drug(text, "ibuprofen", 0, "nsaid"), drug(text, "methotrexate"),
              drug(text, "tofacitinib", 0, "jak_inhibitor"), drug(text, "tofacitinib", 1, "jak_inhibitor")]
    assert _phases(text, found) == [
        ("TCZ", "prior"), ("ibuprofen", "at_initiation"), ("methotrexate", "at_initiation"),
        ("TCZ", "prior"), ("TCZ", "prior"), ("tofacitinib", "started"), ("TCZ", "discontinued"),
        ("TCZ", None), ("tofacitinib", "started"),
    ]


def test_doses_read_the_tables_segmentation_found(monkeypatch: pytest.MonkeyPatch):
    import pipeline.extractors.doses as doses
    from pipeline.extract import find_mentions

    def no_second_segmentation(text: str):  # type: ignore[no-untyped-def]
        raise AssertionError("find_doses segmented the text again")

    monkeypatch.setattr(doses, "_tables_of", no_second_segmentation)
    found, _, _ = find_mentions(LISTED_TABLE)
    assert any(f.label == "DOSE" for f in found)


def _lab_times(text: str) -> list[tuple[str, str | None]]:
    from pipeline.extract import find_mentions

    found, _, _ = find_mentions(text)
    return [(text[f.start:f.end], f.attrs.get("at")) for f in found if f.label == "LAB"]


def test_lab_values_after_an_admission_or_a_dated_event_take_its_time():
    text = ("The patient was admitted to our department in June 2020. Physical examination showed "
            "swollen knees. Laboratory tests revealed a ferritin level of 1,103.8 U/L. Results for "
            "rheumatoid factor were negative.\n\nShe presented with mild swelling in May 2021. "
            "Laboratory tests revealed increased levels (CRP: 127 mg/L).\n\nLater, CRP: 9 mg/L.")
    assert _lab_times(text) == [
        ("ferritin level of 1,103.8 U/L", "admission"), ("rheumatoid factor", "admission"),
        ("CRP: 127 mg/L", "2021-05"), ("CRP: 9 mg/L", None),
    ]


def test_lab_findings_of_a_flattened_table_take_the_time_its_header_states():
    text = ("TABLE 2 Outcomes.\n\n"
            "Patient SLEDAI-2K Abnormal Adverse\n"
            "at last laboratory effects\n"
            "follow-up findings at last\n"
            "follow-up\n\n"
            "1 2 anti-dsDNA positive None\n"
            "2 4 decreased C3 None\n"
            "3 6 decreased WBC Rash\n")
    assert _lab_times(text) == [
        ("anti-dsDNA positive", "last_followup"), ("decreased C3", "last_followup"),
        ("decreased WBC", "last_followup"),
    ]


def test_a_score_takes_the_time_its_own_words_state():
    from pipeline.extract import find_mentions

    text = ("Methods and results. The average SLEDAI-2K score at disease onset was 11.11 "
            "(range: 7-16) in 9 patients.")
    found, _, _ = find_mentions(text)
    assert [(text[f.start:f.end], f.attrs.get("at")) for f in found if f.label == "SCORE"] == [
        ("SLEDAI-2K score at disease onset was 11.11 (range: 7-16)", "onset")]
