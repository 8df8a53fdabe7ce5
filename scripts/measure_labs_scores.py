"""Measure the LAB and SCORE finders against the gold of the three source papers.

Run from the repository root: ``python scripts/measure_labs_scores.py [--errors]``.

Gold: ``annotations/<doc>.ann`` for 000 and 002; for 004 (under adjudication) annotator A's
sources in ``annotations/agreement/004_38da902c7f834fce/annotator_a``. Predictions: the finders
on each paper's clean text (with segmentation's tables), mapped to source offsets. Reports strict
and lenient P/R/F1 per label and attribute accuracy on leniently matched pairs, for the
attributes the finders produce (``at`` and ``patient`` belong to attribution, a later stage).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.extractors.found import Found
from pipeline.extractors.labs import find_labs
from pipeline.extractors.scores import find_scores
from pipeline.ingest import ingest_file
from pipeline.scoring.gold_source import compile_entries, load_source_entries
from pipeline.scoring.metrics import PRF, Accuracy, align, values_equal
from pipeline.segment import segment
from pipeline.standoff import Annotated, Mention, read_brat

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = ("000_6609ea2d8f922a32", "002_3b45bec07c519aaf", "004_38da902c7f834fce")
FINDERS: dict[str, Callable[..., list[Found]]] = {"LAB": find_labs, "SCORE": find_scores}
OWN_ATTRS = {"LAB": ("analyte", "value", "value_from", "unit", "qual"),
             "SCORE": ("instrument", "value", "stat", "low", "high", "spread")}


def gold_for(doc_id: str, source: str) -> Annotated:
    """The gold annotation of one paper (annotator A's for the one under adjudication)."""
    ann = ROOT / "annotations" / f"{doc_id}.ann"
    if ann.exists():
        return read_brat(ann, source)
    folder = ROOT / "annotations" / "agreement" / doc_id / "annotator_a"
    annotated, problems = compile_entries(load_source_entries(folder.glob("*.yaml")), source, doc_id)
    if problems:
        raise SystemExit(f"{folder}: {problems[0]}")
    return annotated


def predict(doc_id: str, label: str, tables: bool = True) -> tuple[list[Mention], str]:
    """The finder's mentions of one paper in source offsets, and the source text."""
    doc = ingest_file(CORPUS / f"{doc_id}.txt")
    text = doc.clean_text
    found = FINDERS[label](text, segment(text).tables if tables else None)
    mentions = []
    for f in found:
        start, end = doc.to_source(f.start, f.end)
        mentions.append(Mention(label, start, end, doc.source_text[start:end], dict(f.attrs)))
    return mentions, doc.source_text


def _show(m: Mention) -> str:
    return f"{m.start}-{m.end} {m.text!r} {dict(m.attrs)}".replace("\n", "⏎")


def measure(show_errors: bool = False, tables: bool = True
            ) -> dict[str, tuple[PRF, PRF, dict[str, Accuracy]]]:
    """Strict and lenient scores and attribute accuracy per label, summed over the papers."""
    results = {}
    for label in FINDERS:
        strict, lenient, attrs = PRF(), PRF(), {a: Accuracy() for a in OWN_ATTRS[label]}
        for doc_id in DOCS:
            pred, source = predict(doc_id, label, tables)
            gold = [m for m in gold_for(doc_id, source).mentions if m.label == label]
            found = align(gold, pred)
            strict.score_set(len(gold), len(pred), len(found.strict))
            lenient.score_set(len(gold), len(pred), len(found.lenient))
            for gi, pi in found.lenient:
                for key in OWN_ATTRS[label]:
                    g, p = gold[gi].attrs.get(key), pred[pi].attrs.get(key)
                    if g is not None or p is not None:
                        ok = g is not None and values_equal(g, p)
                        attrs[key].add(ok)
                        if show_errors and not ok:
                            print(f"  ATTR {doc_id[:3]} {key}: gold={g} pred={p} {_show(gold[gi])}")
            if show_errors:
                for gi in found.missed:
                    print(f"  MISS {doc_id[:3]} {_show(gold[gi])}")
                for pi in found.spurious:
                    print(f"  SPUR {doc_id[:3]} {_show(pred[pi])}")
                for gi, pi in found.boundary:
                    print(f"  BOUND {doc_id[:3]} gold {_show(gold[gi])} pred {_show(pred[pi])}")
        results[label] = (strict, lenient, attrs)
    return results


def main(argv: list[str] | None = None) -> int:
    """Print the measurement table; ``--errors`` lists misses, spurious and boundary errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--no-tables", action="store_true", help="running text only")
    args = parser.parse_args(argv)
    results = measure(args.errors, tables=not args.no_tables)
    print(f"{'label':6} {'match':8} {'gold':>5} {'pred':>5} {'tp':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for label, (strict, lenient, attrs) in results.items():
        for name, prf in (("strict", strict), ("lenient", lenient)):
            print(f"{label:6} {name:8} {prf.gold:5d} {prf.pred:5d} {prf.tp:4d} "
                  f"{prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f}")
        for key, acc in attrs.items():
            if acc.compared:
                print(f"{'':6} {key:15} {acc.equal:3d}/{acc.compared:<3d} {acc.accuracy:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
