"""Hand-worked cases that pin the scoring arithmetic, and a cross-check against nervaluate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.scoring.metrics import (
    PRF,
    Accuracy,
    LenientMatch,
    NerCounts,
    StrictMatch,
    Tally,
    align,
    micro,
    nervaluate_counts,
    run_nervaluate,
    values_equal,
)
from pipeline.standoff import LABELS, Annotated, Mention, Relation

TEXT = "".join(chr(ord("a") + i % 26) for i in range(400))


def m(label: str, start: int, end: int, **attrs: str) -> Mention:
    """A mention over the synthetic TEXT."""
    return Mention(label, start, end, TEXT[start:end], attrs)


def doc(mentions: list[Mention], relations: list[Relation] | None = None) -> Annotated:
    """An annotated document named ``d``."""
    return Annotated("d", mentions, relations or [])


def tally_of(gold: list[Mention], pred: list[Mention]) -> Tally:
    """A tally of one document."""
    tally = Tally()
    tally.add(doc(gold), doc(pred))
    return tally


def test_prf_three_gold_two_pred_one_exact_one_overlapping() -> None:
    gold = [m("DRUG", 0, 5), m("DRUG", 10, 15), m("DRUG", 20, 25)]
    pred = [m("DRUG", 0, 5), m("DRUG", 11, 16)]
    tally = tally_of(gold, pred)
    strict, lenient = tally.strict["DRUG"], tally.lenient["DRUG"]
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 2)
    assert strict.precision == 0.5
    assert strict.recall == pytest.approx(1 / 3)
    assert strict.f1 == pytest.approx(0.4)
    assert (lenient.tp, lenient.fp, lenient.fn) == (2, 0, 1)
    assert lenient.precision == 1.0
    assert lenient.recall == pytest.approx(2 / 3)
    assert lenient.f1 == pytest.approx(0.8)
    assert tally.counts["DRUG"] == NerCounts(correct=1, partial=1, missed=1, spurious=0)
    assert (tally.counts["DRUG"].possible, tally.counts["DRUG"].actual) == (3, 2)


def test_prf_zero_division_is_zero() -> None:
    assert (PRF().precision, PRF().recall, PRF().f1) == (0.0, 0.0, 0.0)
    only_missed = PRF(fn=3)
    assert (only_missed.precision, only_missed.recall, only_missed.f1) == (0.0, 0.0, 0.0)
    only_spurious = PRF(fp=2)
    assert (only_spurious.precision, only_spurious.recall, only_spurious.f1) == (0.0, 0.0, 0.0)
    assert Accuracy().accuracy == 0.0


def test_empty_document_scores_zero_for_every_label() -> None:
    tally = tally_of([], [])
    assert all(prf == PRF() for prf in tally.strict.values())
    assert set(tally.strict) == set(LABELS)


def test_micro_sums_counts_over_labels() -> None:
    total = micro([PRF(tp=1, fp=1, fn=0), PRF(tp=2, fp=0, fn=2)])
    assert total == PRF(tp=3, fp=1, fn=2)
    assert total.precision == 0.75
    assert total.recall == 0.6
    assert total.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_lenient_match_is_one_to_one() -> None:
    gold = [m("DOSE", 10, 20)]
    pred = [m("DOSE", 8, 14), m("DOSE", 15, 25)]
    assert LenientMatch().match(gold, pred) == [(0, 1)]  # overlap 5 beats overlap 4
    lenient = tally_of(gold, pred).lenient["DOSE"]
    assert (lenient.tp, lenient.fp, lenient.fn) == (1, 1, 0)


def test_lenient_match_greedy_by_largest_overlap_across_golds() -> None:
    gold = [m("LAB", 0, 10), m("LAB", 12, 20)]
    pred = [m("LAB", 5, 15), m("LAB", 8, 20)]
    # (pred 1, gold 1) overlaps 8 and is taken first; pred 0 then takes gold 0 (overlap 5).
    assert LenientMatch().match(gold, pred) == [(0, 0), (1, 1)]


def test_lenient_match_prefers_the_exact_pair_on_equal_overlap() -> None:
    gold = [m("DRUG", 0, 10)]
    pred = [m("DRUG", 0, 12), m("DRUG", 0, 10)]
    found = align(gold, pred)
    assert found.lenient == [(0, 1)]
    assert found.strict == [(0, 1)]
    assert found.boundary == []
    assert found.spurious == [0]


def test_match_requires_the_same_label() -> None:
    gold = [m("DRUG", 0, 5)]
    pred = [m("DRUG_CLASS", 0, 5)]
    assert StrictMatch().match(gold, pred) == []
    assert LenientMatch().match(gold, pred) == []


def test_half_open_adjacent_spans_do_not_overlap() -> None:
    gold = [m("DRUG", 0, 5)]
    pred = [m("DRUG", 5, 10)]
    assert LenientMatch().match(gold, pred) == []
    raw = run_nervaluate([gold], [pred])
    assert raw["entities"]["DRUG"]["ent_type"].correct == 0
    assert raw["entities"]["DRUG"]["ent_type"].spurious == 1


def test_strict_match_pairs_duplicates_once() -> None:
    gold = [m("DRUG", 0, 5)]
    pred = [m("DRUG", 0, 5), m("DRUG", 0, 5)]
    strict = tally_of(gold, pred).strict["DRUG"]
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 0)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("10", "10.0", True),
        ("17.14", "17.143", True),
        ("100", "101", True),
        ("100", "102", False),
        ("17.14", "17.5", False),
        ("0", "0.0", True),
        ("5|10", "5.0|10", True),
        ("5|10", "5", False),
        ("0.5+0.25", "0.5 + 0.250", True),
        ("0.5+0.25", "0.5|0.25", False),
        ("SLEDAI-2K", "sledai-2k", True),
        (" bid ", "bid", True),
        ("2020-06", "2020-06", True),
        ("2020-06", "2020-6", False),
        ("q4w", "qw", False),
        ("true", None, False),
    ],
)
def test_values_equal(gold: str, pred: str | None, expected: bool) -> None:
    assert values_equal(gold, pred) is expected


def test_attribute_accuracy_with_numeric_tolerance() -> None:
    gold = [
        m("DOSE", 0, 10, amount="10", unit="mg", daily_mg="17.14", freq="q4w", patient="1"),
        m("DOSE", 20, 30, amount="5|10", unit="mg", patient="2"),
        m("DOSE", 40, 50, amount="1"),  # missed: not compared
    ]
    pred = [
        m("DOSE", 0, 10, amount="10.0", unit="mg", daily_mg="17.143", freq="qw", patient="3"),
        m("DOSE", 22, 30, amount="5|10.0", route="oral", patient="2"),
    ]
    tally = tally_of(gold, pred)
    dose = tally.attributes["DOSE"]
    assert {k: (a.equal, a.compared) for k, a in dose.items()} == {
        "amount": (2, 2), "unit": (1, 2), "daily_mg": (1, 1), "freq": (0, 1),
    }
    assert dose["unit"].accuracy == 0.5
    assert (tally.patient.equal, tally.patient.compared) == (1, 2)
    assert tally.patient.accuracy == 0.5


def test_relation_scoring_uses_lenient_ends_and_type() -> None:
    g_dose1, g_drug1 = m("DOSE", 0, 8), m("DRUG", 10, 20)
    g_dose2, g_drug2 = m("DOSE", 30, 38), m("DRUG", 40, 50)
    g_score, g_time = m("SCORE", 60, 70), m("TIMEPOINT", 72, 80)
    gold = doc(
        [g_dose1, g_drug1, g_dose2, g_drug2, g_score, g_time],
        [Relation("DOSE_OF", g_dose1, g_drug1), Relation("DOSE_OF", g_dose2, g_drug2),
         Relation("MEASURED_AT", g_score, g_time)],
    )
    p_dose1, p_drug1 = m("DOSE", 0, 7), m("DRUG", 10, 20)  # dose only overlaps: still a match
    p_dose2, p_stray = m("DOSE", 30, 38), m("DRUG", 100, 110)
    p_score, p_time = m("SCORE", 60, 70), m("TIMEPOINT", 73, 80)
    pred = doc(
        [p_dose1, p_drug1, p_dose2, p_stray, p_score, p_time],
        [Relation("DOSE_OF", p_dose1, p_drug1),  # correct
         Relation("DOSE_OF", p_dose2, p_drug1),  # wrong target
         Relation("DOSE_OF", p_dose2, p_stray),  # target matches no gold mention
         Relation("DOSE_OF", p_score, p_time)],  # right ends, wrong type
    )
    tally = Tally()
    tally.add(gold, pred)
    dose_of, measured_at = tally.relations["DOSE_OF"], tally.relations["MEASURED_AT"]
    assert (dose_of.tp, dose_of.fp, dose_of.fn) == (1, 3, 1)
    assert dose_of.precision == 0.25
    assert dose_of.recall == 0.5
    assert (measured_at.tp, measured_at.fp, measured_at.fn) == (0, 0, 1)
    assert measured_at.f1 == 0.0


# Two documents, four labels: exact, overlapping, missed, spurious, a cross-label overlap and
# adjacent spans. No prediction overlaps a gold span before an exact prediction of the same span,
# the one order in which nervaluate's first-come matching and ours would differ.
CROSS_GOLD = [
    [m("DRUG", 0, 11), m("DRUG", 20, 28), m("DOSE", 30, 38), m("DOSE", 50, 60),
     m("TIMEPOINT", 70, 79), m("SCORE", 90, 110)],
    [m("LAB", 0, 10), m("LAB", 10, 20), m("DRUG", 30, 40), m("TIMEPOINT", 50, 60)],
]
CROSS_PRED = [
    [m("DRUG", 0, 11), m("DRUG", 22, 28), m("DOSE", 30, 36), m("DOSE", 61, 65),
     m("DRUG_CLASS", 70, 79), m("SCORE", 90, 110), m("SCORE", 120, 125)],
    [m("LAB", 0, 10), m("LAB", 12, 18), m("DRUG", 40, 45), m("TIMEPOINT", 48, 55)],
]


def test_strict_and_lenient_equal_nervaluate_strict_and_ent_type() -> None:
    tally = Tally()
    for gold, pred in zip(CROSS_GOLD, CROSS_PRED, strict=True):
        tally.add(doc(gold), doc(pred))
    raw = run_nervaluate(CROSS_GOLD, CROSS_PRED)
    theirs = raw["entities"]
    assert set(theirs) == {"DRUG", "DOSE", "TIMEPOINT", "SCORE", "LAB", "DRUG_CLASS"}
    for label, by_schema in theirs.items():
        for ours, schema in ((tally.strict[label], "strict"), (tally.strict[label], "exact"),
                             (tally.lenient[label], "ent_type")):
            ref = by_schema[schema]
            assert (ours.tp, ours.pred, ours.gold) == (ref.correct, ref.actual, ref.possible)
            assert ours.precision == pytest.approx(ref.precision), (label, schema)
            assert ours.recall == pytest.approx(ref.recall), (label, schema)
            assert ours.f1 == pytest.approx(ref.f1), (label, schema)
        ref_partial = by_schema["partial"]
        assert tally.counts[label] == NerCounts(ref_partial.correct, ref_partial.incorrect,
                                                ref_partial.partial, ref_partial.missed,
                                                ref_partial.spurious)
    # Pinned by hand, so the cross-check cannot pass by both sides being wrong the same way.
    assert tally.strict["DRUG"] == PRF(tp=1, fp=2, fn=2)
    assert tally.lenient["DRUG"] == PRF(tp=2, fp=1, fn=1)
    assert tally.counts["LAB"] == NerCounts(correct=1, partial=1)
    assert tally.lenient["DOSE"] == PRF(tp=1, fp=1, fn=1)


def test_nervaluate_counts_fill_absent_labels_and_overall() -> None:
    counts = nervaluate_counts(CROSS_GOLD, CROSS_PRED)
    assert counts["partial"]["RESPONSE"] == NerCounts()
    assert counts["partial"]["LAB"] == NerCounts(correct=1, partial=1)
    # all labels together: the DRUG_CLASS prediction over the TIMEPOINT gold is 'incorrect'
    assert counts["ent_type"]["overall"].incorrect == 1
    empty = nervaluate_counts([], [])
    assert empty["strict"]["overall"] == NerCounts()


SPAN = st.tuples(st.sampled_from(["DRUG", "DOSE"]), st.integers(0, 60), st.integers(1, 12))


def _mentions(spans: list[tuple[str, int, int]], *, disjoint: bool) -> list[Mention]:
    out: list[Mention] = []
    for label, start, length in spans:
        new = m(label, start, start + length)
        if not disjoint or not any(o.label == label and o.overlaps(new) for o in out):
            out.append(new)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(SPAN, max_size=8), st.lists(SPAN, max_size=8))
def test_strict_equals_nervaluate_when_same_label_spans_are_disjoint(
    gold_spans: list[tuple[str, int, int]], pred_spans: list[tuple[str, int, int]]
) -> None:
    gold = _mentions(gold_spans, disjoint=True)
    pred = _mentions(pred_spans, disjoint=True)
    tally = tally_of(gold, pred)
    theirs = run_nervaluate([gold], [pred])["entities"]
    for label, by_schema in theirs.items():
        assert tally.strict[label].tp == by_schema["strict"].correct


@settings(max_examples=200, deadline=None)
@given(st.lists(SPAN, max_size=8), st.lists(SPAN, max_size=8))
def test_exact_pairs_are_always_in_the_lenient_match(
    gold_spans: list[tuple[str, int, int]], pred_spans: list[tuple[str, int, int]]
) -> None:
    gold = _mentions(gold_spans, disjoint=True)
    pred = _mentions(pred_spans, disjoint=False)
    found = align(gold, pred)
    assert len(found.lenient) - len(found.boundary) == len(found.strict)
    assert len(found.missed) == len(gold) - len(found.lenient)
    assert len(found.spurious) == len(pred) - len(found.lenient)
