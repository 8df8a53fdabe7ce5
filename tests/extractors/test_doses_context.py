"""DOSE finder's shortcuts: each must find exactly what the plain search it replaces finds."""

from __future__ import annotations

import pytest

import pipeline.extractors.doses as doses
from pipeline.extractors.doses import LOOKBACK, _Context, _rx, _stat, find_doses, table_continuations
from pipeline.regex_analysis import Scanner

CONTEXT_PATTERNS = ("reduction_before", "spread_before", "measurement_before", "change_before",
                    "weight_before", "volume_before", "between_before", "stat_before")
WINDOWS = (6, 10, 12, 40, 60, 80, LOOKBACK)
# every context pattern's examples, in sentences and table lines, with doses between them
CONTEXT_TEXT = "\n".join(
    [f"{text} 5 mg bid. " for name in CONTEXT_PATTERNS
     for text, _ in doses.dose_patterns()[name].match_examples]
    + ["The final median doses of tofacitinib were 5 mg bid (range 2.5-10). Patient 2 got 4 mg.",
       "A mean daily dose\n\nof 20 mg! Then 10 mg qd? The average dosing, 3 mg/kg/day.",
       "MTX (10 mg qw), AZA (50\nmg bid) birth weight of 2,500 g; proteinuria decreased to 0.5 g/day"])


def test_context_search_is_the_search_of_the_window() -> None:
    context = _Context(CONTEXT_TEXT)
    for name in CONTEXT_PATTERNS:
        for end in range(len(CONTEXT_TEXT) + 1):
            for window in WINDOWS:
                begin = max(0, end - window)
                got = context.search(name, begin, end)
                expected = _rx(name).search(CONTEXT_TEXT, begin, end)
                assert (got and got.span()) == (expected and expected.span()), (name, begin, end)


def test_context_search_without_match_starts_searches_the_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Scanner, "starts", lambda self, text: None)  # as without Hyperscan
    context = _Context("the dose was reduced by 5 mg")
    assert context.can_match("reduction_before", 0, 3)
    found = context.search("reduction_before", 14, 24)
    assert found is not None and found.group(0) == "by "


def _stat_scanning_back(text: str, start: int) -> str | None:
    """What ``_stat`` finds, read the plain way: every sentence end in the look-back."""
    begin = max(0, start - LOOKBACK)
    ends = list(_rx("sentence_end").finditer(text, begin, start))
    m = _rx("stat_before").search(text, ends[-1].end() if ends else begin, start)
    if m is None:
        return None
    return "median" if m.group(0).split()[0].lower() == "median" else "mean"


def test_stat_is_the_plain_reading_at_every_offset() -> None:
    context = _Context(CONTEXT_TEXT)
    got = [_stat(context, start) for start in range(len(CONTEXT_TEXT) + 1)]
    assert got == [_stat_scanning_back(CONTEXT_TEXT, start) for start in range(len(CONTEXT_TEXT) + 1)]
    assert got.count("median") > 0 and got.count("mean") > 0


def test_stat_values() -> None:
    text = "The median dose was 5 mg. Then 10 mg. A mean daily dose\n\nof 20 mg, the average dosing 3 mg."
    assert [(text[f.start:f.end], f.attrs.get("stat")) for f in find_doses(text)] == [
        ("5 mg", "median"), ("10 mg", None), ("20 mg", None), ("3 mg", "mean")]


def _pairs(text: str) -> list[tuple[str, str, str, str, str, str]]:
    return [(text[h.start:h.end], h.kind, h.parse_text, text[t.start:t.end], t.kind, t.parse_text)
            for h, t in table_continuations(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("1 CS (20 mg qd), AZA (50 4 12 Ongoing Improved CS (10 mg qd), AZA (50 mg 3 None\n"
     "mg qd), MMF (0.5 g bid) bid), MMF (1 g bid)\n",
     [("50", "amount", "50", "mg qd", "unit_frequency", "mg qd"),
      ("50 mg", "dose", "50 mg", "bid", "frequency", "bid")]),
    # blank lines between a cut head and its tail; a bracket on the last line, which no line follows
    ("2 CS (15 mg qd), MMF (morning: 0.75 g, 1 6\n\n  \nevening: 0.5 g) 0.5 g)\nMP (4",
     [("morning: 0.75 g", "split_cut", "morning: 0.75 g,", "evening: 0.5 g", "evening",
       "evening: 0.5 g")]),
    # a head on a line that only blank lines follow
    ("HCQ (100 mg | 0 None\n\n \n", []),
    # two brackets open on one line; the last line without a line break
    ("AZA (50 (x MTX (10 4\nmg qd) mg qw)",
     [("50", "amount", "50", "mg qd", "unit_frequency", "mg qd"),
      ("10", "amount", "10", "mg qw", "unit_frequency", "mg qw")]),
])
def test_table_continuations_pairs(text: str, expected: list[tuple[str, ...]]) -> None:
    assert _pairs(text) == expected


def test_find_doses_parses_each_distinct_span_once(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    parse_dose = doses.parse_dose

    def counted(text: str) -> doses.Dose | None:
        read.append(text)
        return parse_dose(text)

    monkeypatch.setattr(doses, "parse_dose", counted)
    text = "MP (20 mg qd) on day 1, MP (20 mg qd) on day 2, then MP 20 mg qd and AZA 50 mg bid."
    assert [(text[f.start:f.end], f.attrs) for f in find_doses(text, tables=())] == [
        ("20 mg qd", {"amount": "20", "unit": "mg", "freq": "qd", "per_day": "1", "daily_mg": "20"}),
        ("20 mg qd", {"amount": "20", "unit": "mg", "freq": "qd", "per_day": "1", "daily_mg": "20"}),
        ("20 mg qd", {"amount": "20", "unit": "mg", "freq": "qd", "per_day": "1", "daily_mg": "20"}),
        ("50 mg bid", {"amount": "50", "unit": "mg", "freq": "bid", "per_day": "2", "daily_mg": "100"}),
    ]
    assert sorted(read) == sorted(set(read)) and "20 mg qd" in read
    read.clear()
    find_doses(text, tables=())
    assert "20 mg qd" in read  # read again: nothing is kept from one call to the next
