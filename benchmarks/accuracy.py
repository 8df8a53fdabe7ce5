"""External accuracy benchmark: casemine and peer drug taggers on public gold corpora.

``python -m benchmarks.accuracy [--limit N] [--out DIR]`` reads MACCROBAT2020, PHEE v2 (test) and
BC5CDR (test) from ``../shared/benchmarks``, runs every system of :data:`SYSTEMS` on the same
documents, scores each row of :mod:`benchmarks.mapping` strictly (same offsets) and leniently
(overlap, one-to-one) with :mod:`pipeline.scoring.metrics`, and writes ``accuracy.json`` and
``ACCURACY.md``. The peers are scored on the rows marked ``peer`` (the drug rows). It measures;
nothing here feeds back into the pipeline's rules.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks import lexicon_peer
from benchmarks.corpora import CorpusDocument, read_bc5cdr, read_maccrobat, read_phee
from benchmarks.mapping import MACCROBAT_MAPS, PHEE_MAPS, LabelMap, bc5cdr_maps, mesh_ids
from benchmarks.peer import drugbank_to_mesh, find_peer_drugs, predicted_mesh
from benchmarks.report import write_accuracy_report
from pipeline.scoring.metrics import PRF, LenientMatch, StrictMatch
from pipeline.standoff import Mention

__all__ = ["MATCHING", "SYSTEMS", "run_accuracy", "score_row", "score_system", "write_accuracy_report"]

Predictor = Callable[[str, str], list[Mention]]
"""(doc_id, text) -> predicted mentions with offsets into text."""

MATCHING: dict[str, str] = {
    "strict": "same start and end character offsets (pipeline.scoring.metrics.StrictMatch)",
    "lenient": "spans overlap by at least one character, one-to-one, largest overlap first "
               "(pipeline.scoring.metrics.LenientMatch)",
}
CASEMINE, DRUG_NER, LEXICON_MATCHER = "casemine", "drug_ner", "lexicon_matcher"


def predict_casemine(doc_id: str, text: str) -> list[Mention]:
    """casemine's mentions of a plain text, through ingestion as a ``.txt`` file."""
    from pipeline.extract import extract_document
    from pipeline.ingest import ingest_bytes

    doc = ingest_bytes(text.encode("utf-8"), Path(f"{doc_id}.txt"))
    if doc.source_text != text:
        raise ValueError("the ingested source text differs from the corpus text")
    return list(extract_document(doc).mentions)


def predict_peer(doc_id: str, text: str) -> list[Mention]:
    """The peer tagger's DRUG mentions of a plain text."""
    return find_peer_drugs(text)


def predict_lexicon_matcher(doc_id: str, text: str) -> list[Mention]:
    """The lexicon matcher's DRUG and DRUG_CLASS mentions of a plain text."""
    return lexicon_peer.find_lexicon_drugs(text)


@dataclass
class Predictions:
    """One system's mentions for each document, the documents it failed on and the time taken."""

    mentions: list[list[Mention]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def predict_all(docs: Sequence[CorpusDocument], predictor: Predictor) -> Predictions:
    """Run a system on every document; a failure is an empty prediction, listed in ``errors``."""
    out = Predictions()
    started = time.perf_counter()
    for doc in docs:
        try:
            out.mentions.append(predictor(doc.doc_id, doc.text))
        except Exception as exc:  # a benchmark records a crash and goes on
            out.mentions.append([])
            out.errors.append({"doc_id": doc.doc_id, "error": f"{type(exc).__name__}: {exc}"})
    out.seconds = time.perf_counter() - started
    return out


@dataclass
class RowScore:
    """Strict and lenient counts of one mapping row, summed over documents."""

    row: LabelMap
    strict: PRF
    lenient: PRF

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers; strict is None for lenient-only rows, precision and F1 for recall-only rows."""

        def scores(prf: PRF) -> dict[str, Any]:
            d: dict[str, Any] = prf.to_dict()
            if self.row.recall_only:
                d["precision"] = d["f1"] = None
            return d

        return {
            "row": self.row.name,
            "gold_labels": sorted(self.row.gold_labels),
            "pred_labels": sorted(self.row.pred_labels),
            "pred_attr": self.row.pred_attr,
            "pred_value": self.row.pred_value,
            "recall_only": self.row.recall_only,
            "gold": self.lenient.gold,
            "pred": self.lenient.pred,
            "strict": scores(self.strict) if self.row.strict else None,
            "lenient": scores(self.lenient),
        }


def score_row(gold_docs: Iterable[Sequence[Mention]], pred_docs: Iterable[Sequence[Mention]],
              row: LabelMap) -> RowScore:
    """Score one row over parallel documents of gold and predicted mentions (micro-averaged)."""
    strict, lenient = PRF(), PRF()
    for gold_mentions, pred_mentions in zip(gold_docs, pred_docs, strict=True):
        gold, pred = row.gold(gold_mentions), row.pred(pred_mentions)
        if row.ignore_labels:
            ignored = [m for m in gold_mentions if m.label in row.ignore_labels]
            pred = [p for p in pred
                    if any(p.overlaps(g) for g in gold) or not any(p.overlaps(i) for i in ignored)]
        strict.score_set(len(gold), len(pred), len(StrictMatch().match(gold, pred)))
        lenient.score_set(len(gold), len(pred), len(LenientMatch().match(gold, pred)))
    return RowScore(row, strict, lenient)


def score_system(docs: Sequence[CorpusDocument], predictions: Sequence[Sequence[Mention]],
                 rows: Iterable[LabelMap]) -> list[RowScore]:
    """Every row for one system's predictions on ``docs``."""
    return [score_row((d.mentions for d in docs), predictions, row) for row in rows]


def normalisation(docs: Sequence[CorpusDocument], predictions: Sequence[Sequence[Mention]],
                  row: LabelMap, table: dict[str, str]) -> dict[str, Any]:
    """MeSH agreement on the leniently matched pairs whose gold MeSH id is in ``table``'s range.

    The predicted MeSH id comes from the prediction's DrugBank id through ``table``; a matched
    prediction without one counts as wrong (``without_id``).
    """
    normalisable = frozenset(table.values())
    matched = with_id = correct = 0
    for doc, pred_mentions in zip(docs, predictions, strict=True):
        gold, pred = row.gold(doc.mentions), row.pred(pred_mentions)
        for gi, pi in LenientMatch().match(gold, pred):
            wanted = mesh_ids(gold[gi]) & normalisable
            if not wanted:
                continue
            matched += 1
            got = predicted_mesh(pred[pi], table)
            with_id += got is not None
            correct += got in wanted
    return {
        "row": row.name, "matching": "lenient", "matched": matched, "with_id": with_id,
        "without_id": matched - with_id, "correct": correct,
        "accuracy": correct / matched if matched else 0.0,
        "accuracy_with_id": correct / with_id if with_id else 0.0,
    }


@dataclass(frozen=True)
class Corpus:
    """Where a corpus lives under the shared folder, how to read it and which rows score it."""

    name: str
    title: str
    path: str
    read: Callable[[Path], Iterator[CorpusDocument]]
    rows: Callable[[], tuple[LabelMap, ...]]
    normalise: str | None = None
    """Name of the row whose matched pairs are checked for MeSH normalisation, if any."""


CORPORA: tuple[Corpus, ...] = (
    Corpus("maccrobat2020", "MACCROBAT2020 (PMC case reports, brat)", "maccrobat2020",
           read_maccrobat, lambda: MACCROBAT_MAPS),
    Corpus("phee_v2", "PHEE v2 test (MEDLINE case-report sentences)", "phee_v2/test.json",
           read_phee, lambda: PHEE_MAPS),
    Corpus("bc5cdr", "BC5CDR test (PubMed abstracts, PubTator)", "bc5cdr/CDR_TestSet.PubTator.txt",
           read_bc5cdr, lambda: bc5cdr_maps(frozenset(drugbank_to_mesh().values())),
           normalise="Chemical -> DRUG"),
)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class System:
    """A system the benchmark runs: how it predicts, how the report describes it, and whether it is
    a peer (scored on the ``peer`` rows of :mod:`benchmarks.mapping` only)."""

    predict: Predictor
    describe: Callable[[], str]
    peer: bool = True


SYSTEMS: dict[str, System] = {
    CASEMINE: System(
        predict_casemine, peer=False,
        describe=lambda: f"casemine {_version('casemine')} (pipeline.extract.extract_document on a .txt)"),
    DRUG_NER: System(
        predict_peer,
        describe=lambda: f"drug-named-entity-recognition {_version('drug-named-entity-recognition')} "
                         "(find_drugs over word and punctuation tokens, is_ignore_case=True; "
                         "DRUG rows only)"),
    LEXICON_MATCHER: System(
        predict_lexicon_matcher,
        describe=lambda: f"{lexicon_peer.describe()}; drug rows only (its DRUG_CLASS mentions count in "
                         "the DRUG ∪ DRUG_CLASS rows)"),
}
"""casemine first, then the peers, in the order of the report's columns."""


HALVES = ("all", "development", "held-out")
"""Which documents of each corpus to score: all of them, the first half (the one rules may be
developed by looking at) or the second half (never looked at, for numbers that say how the rules
carry over to unseen text)."""


def select_half(docs: list[CorpusDocument], half: str) -> list[CorpusDocument]:
    """The documents of ``half`` (see :data:`HALVES`), in the corpus's order."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {', '.join(HALVES)}, not {half!r}")
    middle = len(docs) // 2
    return docs if half == "all" else docs[:middle] if half == "development" else docs[middle:]


def run_corpus(corpus: Corpus, shared_dir: Path, limit: int | None, half: str = "all") -> dict[str, Any]:
    """Read one corpus, run every system on the same documents and score its rows."""
    path = shared_dir / corpus.path
    out: dict[str, Any] = {"title": corpus.title, "path": corpus.path, "available": path.exists()}
    if not path.exists():
        return out
    started = time.perf_counter()
    docs = select_half(list(islice(corpus.read(path), limit)), half)
    rows = corpus.rows()
    gold_labels = sorted({label for row in rows for label in row.gold_labels})
    out |= {
        "documents": len(docs),
        "characters": sum(len(d.text) for d in docs),
        "gold_counts": {label: sum(m.label == label for d in docs for m in d.mentions)
                        for label in gold_labels},
        "read_seconds": round(time.perf_counter() - started, 3),
        "systems": {},
    }
    for name, system in SYSTEMS.items():
        preds = predict_all(docs, system.predict)
        system_rows = [r for r in rows if not system.peer or r.peer]
        result: dict[str, Any] = {
            "seconds": round(preds.seconds, 3),
            "errors": preds.errors,
            "pred_counts": dict(sorted(Counter(m.label for ms in preds.mentions for m in ms).items())),
            "rows": [s.to_dict() for s in score_system(docs, preds.mentions, system_rows)],
        }
        if corpus.normalise:
            row = next(r for r in rows if r.name == corpus.normalise)
            result["normalisation"] = normalisation(docs, preds.mentions, row, drugbank_to_mesh())
        out["systems"][name] = result
    return out


def run_accuracy(shared_dir: Path, *, limit: int | None = None, half: str = "all",
                 corpora: Sequence[str] | None = None) -> dict[str, Any]:
    """Score casemine and the peers on each corpus under ``shared_dir`` (first ``limit`` documents
    each, then the ``half`` of them; only the ``corpora`` named, if given)."""
    unknown = set(corpora or ()) - {c.name for c in CORPORA}
    if unknown:
        raise ValueError(f"unknown corpus {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(c.name for c in CORPORA)}")
    started = time.perf_counter()
    result: dict[str, Any] = {
        "benchmark": "accuracy",
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "shared_dir": str(shared_dir),
        "limit": limit,
        "half": half,
        "matching": MATCHING,
        "systems": {name: system.describe() for name, system in SYSTEMS.items()},
        "mesh_table": {
            "source": "drug-named-entity-recognition drug_canonical_to_data entries with both "
                      "drugbank_id and mesh_id, MeSH ids shared by several DrugBank ids left out",
            "size": len(drugbank_to_mesh()),
        },
        "corpora": {c.name: run_corpus(c, shared_dir, limit, half) for c in CORPORA
                    if not corpora or c.name in corpora},
    }
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the benchmark and write the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared/benchmarks"),
                        help="folder of the gold corpora (default: ../shared/benchmarks)")
    parser.add_argument("--limit", type=int, default=None, help="first N documents of each corpus")
    parser.add_argument("--out", type=Path, default=Path("outputs/bench"),
                        help="folder for accuracy.json and ACCURACY.md (default: outputs/bench)")
    parser.add_argument("--half", choices=HALVES, default="all",
                        help="score all documents (default), the first half of each corpus "
                             "(development) or the second (held-out)")
    parser.add_argument("--corpus", action="append", choices=[c.name for c in CORPORA],
                        help="only this corpus (repeatable; default: all)")
    args = parser.parse_args(argv)
    result = run_accuracy(args.shared, limit=args.limit, half=args.half, corpora=args.corpus)
    write_accuracy_report(result, args.out)
    print(f"wrote {args.out / 'accuracy.json'} and {args.out / 'ACCURACY.md'} in {result['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
