"""Measure the TIMEPOINT finder against the gold of the three source papers.

Usage: ``python scripts/measure_timepoints.py [--errors]``

Gold: ``annotations/<doc>.ann`` for 000 and 002, annotator_a's sources for 004 (compiled in
memory). Predictions are mapped from clean-text offsets to source offsets with
``doc.to_source``. Prints strict and lenient P/R/F1 and attribute accuracy (kind, iso, months,
anchor, event, stat) on leniently matched mentions; ``--errors`` lists every disagreement.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.extractors.timepoints import LABEL, find_timepoints
from pipeline.ingest import ingest_file
from pipeline.scoring.gold_source import compile_entries, load_source_entries
from pipeline.scoring.metrics import PRF, Accuracy, align, values_equal
from pipeline.standoff import Mention, read_brat

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = ("000_6609ea2d8f922a32", "002_3b45bec07c519aaf", "004_38da902c7f834fce")
ATTRIBUTES = ("kind", "iso", "months", "anchor", "event", "stat")


def gold_mentions(doc_id: str, source: str) -> list[Mention]:
    """The gold TIMEPOINT mentions of one paper, in source offsets."""
    ann = ROOT / "annotations" / f"{doc_id}.ann"
    if ann.exists():
        annotated = read_brat(ann, source)
    else:
        sources = ROOT / "annotations" / "agreement" / doc_id / "annotator_a"
        annotated, problems = compile_entries(load_source_entries(sources.glob("*.yaml")), source, doc_id)
        if problems:
            raise SystemExit(f"{sources}: {problems[0]}")
    return sorted((m for m in annotated.mentions if m.label == LABEL), key=lambda m: m.start)


def predicted_mentions(path: Path, source: str) -> list[Mention]:
    """The finder's TIMEPOINT mentions of one paper, mapped to source offsets."""
    doc = ingest_file(path)
    out = []
    for f in find_timepoints(doc.clean_text):
        start, end = doc.to_source(f.start, f.end)
        out.append(Mention(LABEL, start, end, source[start:end], dict(f.attrs)))
    return out


def _show(m: Mention) -> str:
    attrs = "; ".join(f"{k}={v}" for k, v in m.attrs.items() if k != "patient")
    return f"{m.start}-{m.end} {m.text!r} [{attrs}]"


def main(argv: list[str] | None = None) -> int:
    """Score every paper, print the totals and, with ``--errors``, the disagreements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misses, spurious and attribute errors")
    args = parser.parse_args(argv)
    strict, lenient = PRF(), PRF()
    accuracy = {a: Accuracy() for a in ATTRIBUTES}
    for doc_id in DOCS:
        path = CORPUS / f"{doc_id}.txt"
        source = path.read_text(encoding="utf-8")
        gold, pred = gold_mentions(doc_id, source), predicted_mentions(path, source)
        found = align(gold, pred)
        doc_strict, doc_lenient = PRF(), PRF()
        doc_strict.score_set(len(gold), len(pred), len(found.strict))
        doc_lenient.score_set(len(gold), len(pred), len(found.lenient))
        strict, lenient = strict + doc_strict, lenient + doc_lenient
        print(f"{doc_id}: gold {len(gold)}, predicted {len(pred)}, "
              f"strict F1 {doc_strict.f1:.3f}, lenient F1 {doc_lenient.f1:.3f}")
        errors = []
        for gi, pi in found.lenient:
            g, p = gold[gi], pred[pi]
            wrong = []
            for key in ATTRIBUTES:
                if key in g.attrs:
                    ok = values_equal(g.attrs[key], p.attrs.get(key))
                    accuracy[key].add(ok)
                    if not ok:
                        wrong.append(key)
            if wrong or (g.start, g.end) != (p.start, p.end):
                errors.append(f"  DIFF  gold {_show(g)}\n        mine {_show(p)}")
        errors += [f"  MISS  {_show(gold[gi])}" for gi in found.missed]
        errors += [f"  SPUR  {_show(pred[pi])}" for pi in found.spurious]
        if args.errors:
            print("\n".join(errors))
    print(f"\nTIMEPOINT strict:  P {strict.precision:.3f}  R {strict.recall:.3f}  F1 {strict.f1:.3f}"
          f"  (tp {strict.tp}, fp {strict.fp}, fn {strict.fn})")
    print(f"TIMEPOINT lenient: P {lenient.precision:.3f}  R {lenient.recall:.3f}  F1 {lenient.f1:.3f}"
          f"  (tp {lenient.tp}, fp {lenient.fp}, fn {lenient.fn})")
    for key, acc in accuracy.items():
        print(f"  {key:<7} {acc.equal}/{acc.compared} = {acc.accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
