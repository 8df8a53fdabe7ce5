"""All benchmarks in one report: accuracy, speed, memory and scale.

``python -m benchmarks.bench [--quick] [--out DIR] [--reuse-accuracy]`` writes ``benchmarks.json``
and ``BENCHMARKS.md`` into ``outputs/bench``. Accuracy is run and written beside them
(``accuracy.json``, ``ACCURACY.md``; on 3 documents per corpus in quick mode); with
``--reuse-accuracy`` an ``accuracy.json`` already there is read instead. Quick mode, for CI: the
bundled examples only, one repeat, memory at N=20 and 200. Timings are of this machine at this
moment: the report states its load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.report import write_accuracy_report, write_benchmarks_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpora" / "examples"
SHARED = ROOT.parent / "shared"
DEFAULT_OUT = Path("outputs/bench")
PACKAGES = ("casemine", "spacy", "scispacy", "pypdfium2", "drug-named-entity-recognition", "pandas",
            "pandera", "dask", "distributed")


@dataclass(frozen=True)
class Plan:
    """What a benchmark run measures, and on which inputs."""

    texts: tuple[Path, ...]
    pdfs: tuple[Path, ...]
    papers_to_render: tuple[Path, ...]
    """Texts rendered to PDF by the test renderer and added to ``pdfs``."""
    repeats: int
    memory_sizes: tuple[int, ...]
    scale_documents: int
    """Synthesised documents for the Dask run; 0 skips it."""
    shared_benchmarks: Path
    accuracy_limit: int | None
    """Documents per corpus when accuracy has to be run here (None: all)."""

    @property
    def memory_sources(self) -> tuple[Path, ...]:
        return self.texts + self.pdfs


def make_plan(quick: bool, examples: Path = EXAMPLES, shared: Path = SHARED) -> Plan:
    """The full plan, or the quick one CI runs: examples only, one repeat, small N."""
    from benchmarks.speed import text_inputs

    corpus = shared / "corpus"
    pdfs = tuple(sorted(examples.glob("ex06*.pdf")))
    if quick:
        return Plan(tuple(text_inputs(examples)), pdfs, (), repeats=1, memory_sizes=(20, 200),
                    scale_documents=8, shared_benchmarks=shared / "benchmarks", accuracy_limit=3)
    return Plan(tuple(text_inputs(examples, corpus)), pdfs, tuple(sorted(corpus.glob("*.txt"))),
                repeats=5, memory_sizes=(200, 2000), scale_documents=60,
                shared_benchmarks=shared / "benchmarks", accuracy_limit=None)


def machine() -> dict[str, Any]:
    """Where the numbers were taken: they mean little without it."""
    import psutil

    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def accuracy(out_dir: Path, shared_benchmarks: Path, limit: int | None,
             reuse: bool = False) -> dict[str, Any]:
    """The accuracy results: run now and written to ``out_dir``, or with ``reuse`` read from an
    ``accuracy.json`` there (which may be of older code: the report says which)."""
    path = out_dir / "accuracy.json"
    if reuse and path.exists():
        result = json.loads(path.read_text(encoding="utf-8"))
        source = f"reused {path}"
    else:
        from benchmarks.accuracy import run_accuracy

        result = run_accuracy(shared_benchmarks, limit=limit)
        write_accuracy_report(result, out_dir)
        source = f"run now (limit {limit}) and written to {path}"
    return {"source": source, "generated": result["generated"], "limit": result["limit"],
            "seconds": result["seconds"], "corpora": _accuracy_summary(result)}


def _accuracy_summary(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, corpus in result["corpora"].items():
        entry: dict[str, Any] = {"title": corpus["title"], "available": corpus.get("available", False)}
        if entry["available"]:
            entry["documents"] = corpus["documents"]
            entry["systems"] = {
                system: {"seconds": res["seconds"], "errors": len(res["errors"]),
                         "rows": {r["row"]: {"gold": r["gold"], "pred": r["pred"],
                                             "strict_f1": (r["strict"] or {}).get("f1"),
                                             "lenient_f1": r["lenient"]["f1"],
                                             "lenient_recall": r["lenient"]["recall"]}
                                  for r in res["rows"]}}
                for system, res in corpus["systems"].items()}
        out[name] = entry
    return out


def _section(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one benchmark; a crash is recorded in its place so that the others still report."""
    started = time.perf_counter()
    try:
        result = work()
    except Exception as exc:  # a benchmark records a failure and goes on
        result = {"error": f"{type(exc).__name__}: {exc}"}
    result.setdefault("seconds", round(time.perf_counter() - started, 3))
    return result


def _speed(plan: Plan, work_dir: Path) -> dict[str, Any]:
    from benchmarks.speed import render_paper_pdfs, run_speed

    rendered, note = render_paper_pdfs(plan.papers_to_render, work_dir / "pdf")
    return {**run_speed(plan.texts, plan.pdfs + tuple(rendered), repeats=plan.repeats),
            "notes": [note] if note else []}


def _scale(plan: Plan, work_dir: Path) -> dict[str, Any]:
    from benchmarks.memory import synthesise_corpus, templates
    from benchmarks.scale import dask_speedup

    if not plan.scale_documents:
        return {"available": False, "reason": "not in this plan"}
    folder = work_dir / "scale"
    synthesise_corpus(templates(plan.memory_sources), plan.scale_documents, folder, seed=1)
    result, reason = dask_speedup(folder)
    return {"available": False, "reason": reason} if result is None else {"available": True, **result}


def run_benchmarks(plan: Plan, out_dir: Path, *, quick: bool, reuse_accuracy: bool = False) -> dict[str, Any]:
    """Run every benchmark of ``plan``, write ``benchmarks.json`` and ``BENCHMARKS.md``, return the result."""
    from benchmarks.memory import run_memory

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "benchmark": "casemine",
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine(),
        "plan": json.loads(json.dumps(asdict(plan), default=str)),
    }
    result["accuracy"] = _section(lambda: accuracy(out_dir, plan.shared_benchmarks, plan.accuracy_limit,
                                                   reuse_accuracy))
    with tempfile.TemporaryDirectory(prefix="casemine-bench-") as tmp:
        result["speed"] = _section(lambda: _speed(plan, Path(tmp)))
        result["memory"] = _section(lambda: run_memory(plan.memory_sources, plan.memory_sizes))
        result["scale"] = _section(lambda: _scale(plan, Path(tmp)))
    result["targets"] = [*result["speed"].get("targets", []), *result["memory"].get("checks", [])]
    result["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 3)
    write_benchmarks_report(result, out_dir)
    return result


def main(quick: bool = False, out_dir: Path = DEFAULT_OUT, reuse_accuracy: bool = False) -> dict[str, Any]:
    """Run the full (or quick) benchmarks; write ``benchmarks.json`` and ``BENCHMARKS.md`` to ``out_dir``."""
    return run_benchmarks(make_plan(quick), out_dir, quick=quick, reuse_accuracy=reuse_accuracy)


def cli(argv: Sequence[str] | None = None) -> int:
    """Command line of ``python -m benchmarks.bench``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="examples only, one repeat, memory at N=20 and 200 (for CI)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for benchmarks.json and BENCHMARKS.md (default: outputs/bench)")
    parser.add_argument("--reuse-accuracy", action="store_true",
                        help="read OUT/accuracy.json if it is there instead of running accuracy again")
    args = parser.parse_args(argv)
    result = main(args.quick, args.out, args.reuse_accuracy)
    print(f"wrote {args.out / 'benchmarks.json'} and {args.out / 'BENCHMARKS.md'} "
          f"in {result['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli())
