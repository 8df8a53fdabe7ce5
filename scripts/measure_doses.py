"""Measure the DOSE finder against the gold: strict/lenient P/R/F1 and attribute accuracy.

Run from the repository root: ``python scripts/measure_doses.py [--errors]``. Gold is the brat
file of each adjudicated paper and, for 004, annotator_a's source YAML compiled on the fly.
``patient`` is left out: attribution is not the finder's job.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extractors.doses import LABEL, find_doses
from pipeline.ingest import ingest_file
from pipeline.scoring.gold_source import compile_source_dir
from pipeline.scoring.metrics import PRF, Accuracy, align, values_equal
from pipeline.standoff import Mention, read_brat

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = {
    "000_6609ea2d8f922a32": ROOT / "annotations" / "000_6609ea2d8f922a32.ann",
    "002_3b45bec07c519aaf": ROOT / "annotations" / "002_3b45bec07c519aaf.ann",
    "004_38da902c7f834fce": ROOT / "annotations" / "agreement" / "004_38da902c7f834fce"
    / "annotator_a",
}


@dataclass
class DoseScore:
    """Counts over all documents, and the disagreements to look at."""

    strict: PRF = field(default_factory=PRF)
    lenient: PRF = field(default_factory=PRF)
    attributes: dict[str, Accuracy] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    extra: int = 0
    per_document: dict[str, PRF] = field(default_factory=dict)

    @property
    def attribute_accuracy(self) -> Accuracy:
        """All attribute comparisons pooled."""
        total = Accuracy()
        for acc in self.attributes.values():
            total.compared += acc.compared
            total.equal += acc.equal
        return total


def gold_mentions(doc_id: str, source: str) -> list[Mention]:
    """The gold DOSE mentions of one paper."""
    path = GOLD[doc_id]
    annotated = (compile_source_dir(path, source)[0] if path.is_dir()
                 else read_brat(path, source))
    return [m for m in annotated.mentions if m.label == LABEL]


def predicted_mentions(doc_id: str) -> tuple[str, list[Mention]]:
    """The finder's DOSE mentions of one paper, in source offsets."""
    doc = ingest_file(CORPUS / f"{doc_id}.txt")
    out = []
    for f in find_doses(doc.clean_text):
        start, end = doc.to_source(f.start, f.end)
        out.append(Mention(LABEL, start, end, doc.source_text[start:end], dict(f.attrs)))
    return doc.source_text, out


def _short(text: str) -> str:
    return repr(text.replace("\n", " "))


def score_document(doc_id: str, score: DoseScore) -> None:
    """Add one paper's counts, attribute comparisons and errors to ``score``."""
    source, pred = predicted_mentions(doc_id)
    gold = gold_mentions(doc_id, source)
    found = align(gold, pred)
    score.per_document[doc_id] = PRF(len(found.strict), len(pred) - len(found.strict),
                                     len(gold) - len(found.strict))
    score.strict.score_set(len(gold), len(pred), len(found.strict))
    score.lenient.score_set(len(gold), len(pred), len(found.lenient))
    tag = doc_id[:3]
    for gi, pi in found.lenient:
        g, p = gold[gi], pred[pi]
        if (g.start, g.end) != (p.start, p.end):
            score.errors.append(f"{tag} boundary gold {_short(g.text)} pred {_short(p.text)}")
        for key in sorted((set(g.attrs) | set(p.attrs)) - {"patient"}):
            if key not in g.attrs:  # the project's scorer ignores these; we count them apart
                score.extra += 1
                score.errors.append(f"{tag} extra {key}={p.attrs[key]!r} at {_short(g.text)}")
                continue
            ok = values_equal(g.attrs[key], p.attrs.get(key))
            score.attributes.setdefault(key, Accuracy()).add(ok)
            if not ok:
                score.errors.append(f"{tag} attr {key} at {_short(g.text)}: gold "
                                    f"{g.attrs[key]!r} pred {p.attrs.get(key)!r}")
    score.errors += [f"{tag} missed {_short(gold[i].text)} at {gold[i].start}" for i in found.missed]
    score.errors += [f"{tag} spurious {_short(pred[i].text)} at {pred[i].start}"
                     for i in found.spurious]


def _prf_line(name: str, prf: PRF) -> str:
    return (f"{name:8} P {prf.precision:.3f}  R {prf.recall:.3f}  F1 {prf.f1:.3f}  "
            f"(tp {prf.tp}, fp {prf.fp}, fn {prf.fn})")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the DOSE scores over the gold papers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    score = DoseScore()
    for doc_id in GOLD:
        score_document(doc_id, score)
    print(_prf_line("strict", score.strict))
    print(_prf_line("lenient", score.lenient))
    for doc_id, prf in score.per_document.items():
        print("  " + _prf_line(doc_id[:3], prf))
    total = score.attribute_accuracy
    print(f"attributes on lenient matches: {total.accuracy:.3f} ({total.equal}/{total.compared})"
          f"; predicted attributes the gold does not give: {score.extra}")
    for key, acc in sorted(score.attributes.items()):
        print(f"  {key:12} {acc.accuracy:.3f} ({acc.equal}/{acc.compared})")
    if args.errors:
        print("\n".join(score.errors) or "no disagreements")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
