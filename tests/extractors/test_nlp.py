"""The spaCy pipeline as spaCy runs it: every mention found is in ``doc._.found`` and, by label,
in ``doc.spans``."""

from __future__ import annotations

from pipeline.extract import find_mentions
from pipeline.nlp import SPAN_GROUPS, build_nlp

TEXT = ("A 12-year-old girl with SLE received tofacitinib 5 mg twice daily and prednisone\n"
        "10 mg/day for 3 months; her SLEDAI-2K fell from 12 to 4.")


def test_nlp_writes_every_mention_to_its_span_group():
    nlp = build_nlp()
    assert nlp.pipe_names[-1] == SPAN_GROUPS
    doc = nlp(TEXT)
    found = doc._.found
    assert {f.label for f in found} >= {"DRUG", "DOSE", "SCORE", "TIMEPOINT"}
    by_label = {label: [(s.start_char, s.end_char) for s in group] for label, group in doc.spans.items()}
    assert by_label["DRUG"] == [(37, 48), (70, 80)]
    assert [TEXT[a:b] for a, b in by_label["DOSE"]] == ["5 mg twice daily", "10 mg/day"]
    assert sum(map(len, by_label.values())) == len(found)
    for f in found:  # each mention's tokens cover its characters
        assert any(a <= f.start and f.end <= b for a, b in by_label[f.label])


def test_extraction_reads_the_mentions_without_writing_span_groups():
    found, _, _ = find_mentions(TEXT)
    assert [(f.label, TEXT[f.start:f.end]) for f in found if f.label in ("DRUG", "DOSE")] == [
        ("DRUG", "tofacitinib"), ("DOSE", "5 mg twice daily"), ("DRUG", "prednisone"), ("DOSE", "10 mg/day")]
