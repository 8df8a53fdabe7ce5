"""List gold against predicted medication phase (or patient) for every matched DRUG mention.

Run from the repository root after ``casemine extract ../shared/corpus --out /tmp/phx``:
``python scripts/phase_errors.py --pred /tmp/phx/brat [--all] [--patients]``.

Each line: document, offsets, gold phase, predicted phase, the mention and the text around it
(on one line). By default only disagreements are listed; ``--all`` lists every DRUG that has a
phase in the gold or the prediction. ``--patients`` lists patient disagreements of every label
instead, the attribution the phase depends on.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from pipeline.scoring.metrics import align, values_equal
from pipeline.standoff import Mention, read_brat

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CONTEXT = 70


def context(text: str, m: Mention) -> str:
    """The mention in ``[[ ]]`` with some text either side, on one line."""
    left = text[max(0, m.start - CONTEXT):m.start]
    right = text[m.end:m.end + CONTEXT]
    return " ".join(f"{left}[[{text[m.start:m.end]}]]{right}".split())


def rows(gold_dir: Path, pred_dir: Path, text_dir: Path, key: str, label: str | None,
         show_all: bool) -> list[tuple[str, int, int, str, str, str]]:
    """``(doc, start, end, gold value, predicted value, context)`` for matched mentions."""
    out = []
    for gold_path in sorted(gold_dir.glob("*.ann")):
        doc_id = gold_path.stem
        text = (text_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        pred_path = pred_dir / f"{doc_id}.ann"
        if not pred_path.is_file():
            continue
        gold, pred = read_brat(gold_path, text), read_brat(pred_path, text)
        for gi, pi in align(gold.mentions, pred.mentions).lenient:
            g, p = gold.mentions[gi], pred.mentions[pi]
            if label is not None and g.label != label:
                continue
            gv, pv = g.attrs.get(key, "-"), p.attrs.get(key, "-")
            if gv == "-" and pv == "-":
                continue
            if not show_all and gv != "-" and values_equal(gv, p.attrs.get(key)):
                continue
            if not show_all and gv == pv:
                continue
            out.append((doc_id[:3], g.start, g.end, gv, pv, f"{g.label} {context(text, g)}"))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the listing and a tally of (gold, predicted) pairs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "annotations")
    parser.add_argument("--pred", type=Path, default=ROOT / "outputs" / "brat")
    parser.add_argument("--text-dir", type=Path, default=CORPUS)
    parser.add_argument("--all", action="store_true", help="list agreements too")
    parser.add_argument("--patients", action="store_true", help="patient of every label instead")
    args = parser.parse_args(argv)
    key, label = ("patient", None) if args.patients else ("phase", "DRUG")
    listed = rows(args.gold, args.pred, args.text_dir, key, label, args.all)
    for doc, start, end, gv, pv, ctx in listed:
        mark = " " if gv == pv else "!"
        print(f"{mark} {doc} [{start},{end}) gold={gv:<13} pred={pv:<13} {ctx}")
    tally = Counter((gv, pv) for *_, gv, pv, _ in listed if gv != pv)
    print(f"\n{sum(tally.values())} disagreements on {key}:", file=sys.stderr)
    for (gv, pv), n in tally.most_common():
        print(f"  gold={gv:<13} pred={pv:<13} {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
