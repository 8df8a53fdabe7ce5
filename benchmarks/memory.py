"""Peak memory of one process running the batch over N documents, for growing N.

The documents are synthesised from the corpus: each is a template (a corpus document's source
text) with its body paragraphs shuffled and about a third of its numbers (patient numbers, doses,
dates, lab values) replaced by others of the same length, so that no two share a sha256 and the
batch skips none as a duplicate. Each N runs in a fresh subprocess
(``python -m benchmarks.memory --child FOLDER OUT``) that reports its own peak resident set size
(``ru_maxrss``) and a few RSS samples taken while it ran.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLATNESS = 0.20
"""Peak RSS at the largest N at most this much above the peak at the smallest N."""
NUMBER = re.compile(r"\d+")
SAMPLE_EVERY = 0.25  # seconds between RSS samples in the child


def templates(paths: Sequence[Path]) -> list[str]:
    """The source text of each corpus file that ingests (text, JATS or PDF alike)."""
    from pipeline.ingest import IngestError, ingest_file

    out = []
    for p in paths:
        try:
            out.append(ingest_file(p).source_text)
        except IngestError:
            continue
    return out


def _renumber(match: re.Match[str], rng: random.Random) -> str:
    digits = match.group()
    if rng.random() >= 1 / 3:
        return digits
    if len(digits) == 1:
        return str(rng.randint(1, 9))
    return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))


def vary(text: str, rng: random.Random) -> str:
    """The text with its paragraphs after the first shuffled and some numbers replaced."""
    paragraphs = text.split("\n\n")
    head, body = paragraphs[:1], paragraphs[1:]
    rng.shuffle(body)
    return NUMBER.sub(lambda m: _renumber(m, rng), "\n\n".join(head + body))


def synthesise_corpus(sources: Sequence[str], n: int, folder: Path, *, seed: int = 0) -> list[Path]:
    """Write ``n`` varied documents, each with a different sha256, as ``.txt`` files in ``folder``."""
    if not sources:
        raise ValueError("no corpus documents to synthesise from")
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seen: set[str] = set()
    paths = []
    for i in range(n):
        text = vary(sources[i % len(sources)], rng)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:  # a short template can come out unchanged
            text += f"\n\nSynthetic variant {i}.\n"
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        seen.add(digest)
        path = folder / f"synthetic_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run_batch(folder: Path, output_dir: Path) -> dict[str, int]:
    """The batch under measurement, called in its simplest form: every file, with extraction."""
    from pipeline.batch import ingest_batch
    from pipeline.settings import Settings

    settings = Settings(output_dir=output_dir, database_url=f"sqlite:///{output_dir / 'cases.sqlite'}")
    summary = ingest_batch([folder], settings, extract=True)
    return {"ok": 0, "error": 0, **Counter(o.status for o in summary.outcomes)}


def _peak_rss_mb(who: int) -> float:
    import resource

    peak = resource.getrusage(who).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


class _Sampler(threading.Thread):
    """Records the RSS of this process and its live children every ``SAMPLE_EVERY`` seconds."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stopped.wait(SAMPLE_EVERY):
            rss = 0
            for proc in (self.process, *self.process.children(recursive=True)):
                with contextlib.suppress(psutil.Error):
                    rss += proc.memory_info().rss
            self.samples.append(rss / 2**20)


def child(folder: Path, output_dir: Path) -> dict[str, Any]:
    """In the measured process: run the batch and report counts, time and memory in MiB."""
    import resource

    import psutil

    before = psutil.Process().memory_info().rss / 2**20
    sampler = _Sampler()
    sampler.start()
    started = time.perf_counter()
    counts = run_batch(folder, output_dir)
    seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    samples = sampler.samples
    end = psutil.Process().memory_info().rss / 2**20
    step = max(1, len(samples) // 10)
    return {
        "documents": sum(counts.values()),
        **counts,
        "seconds": round(seconds, 3),
        "rss_before_mb": round(before, 1),
        "rss_end_mb": round(end, 1),
        # the high-water mark can trail the current RSS by a few pages
        "peak_rss_mb": round(max(_peak_rss_mb(resource.RUSAGE_SELF), end), 1),
        # processes the batch started (a worker pool's, if any; a short-lived fork counts the
        # pages it shares), and the sampled RSS of this process with its live children
        "children_peak_rss_mb": round(_peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
        "peak_sampled_tree_rss_mb": round(max(samples, default=end), 1),
        "rss_samples_mb": [round(s, 1) for s in samples[::step]],
    }


class ChildFailed(RuntimeError):
    """The measured process exited with an error; ``stderr_tail`` holds the end of its traceback."""

    def __init__(self, message: str, stderr_tail: list[str]) -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


def measure(folder: Path, output_dir: Path) -> dict[str, Any]:
    """Run :func:`child` on ``folder`` in a fresh interpreter and return its report."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--child", str(folder), str(output_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-30:] or ["no output"]
        raise ChildFailed(f"memory child failed on {folder} (exit {done.returncode}): {tail[-1]}", tail)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def run_memory(sources: Sequence[Path], sizes: Sequence[int] = (200, 2000), *,
               work_dir: Path | None = None) -> dict[str, Any]:
    """Peak RSS for each N in ``sizes`` (a fresh process each) and whether it stays flat."""
    started = time.perf_counter()
    texts = templates(sources)
    runs = []
    with tempfile.TemporaryDirectory(prefix="casemine-memory-", dir=work_dir) as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            paths = synthesise_corpus(texts, n, folder / "inputs")
            words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
            try:
                runs.append({"n": n, "words": words, **measure(folder / "inputs", folder / "outputs")})
            except ChildFailed as exc:  # one N failing still leaves the others' numbers
                runs.append({"n": n, "words": words, "failed": str(exc), "stderr_tail": exc.stderr_tail})
    measured = [r for r in runs if "failed" not in r]
    both = len(measured) == len(runs) >= 2
    return {
        "sources": [str(p) for p in sources],
        "templates": len(texts),
        "runs": runs,
        "checks": [flatness(runs, "peak_rss_mb", "peak RSS"),
                   flatness(runs, "rss_end_mb", "RSS at the end")] if both else [],
        "seconds": round(time.perf_counter() - started, 3),
    }


def flatness(runs: Sequence[dict[str, Any]], key: str, what: str) -> dict[str, Any]:
    """Whether ``key`` at the largest N is at most ``FLATNESS`` above its value at the smallest N.

    The peak is the check asked for; the RSS at the end is the stricter one, as the peak is often
    reached while the pipeline loads, which can hide a slow growth per document until it passes it.
    """
    low, high = runs[0][key], runs[-1][key]
    growth = high / low - 1 if low else 0.0
    return {"name": f"{what} flat in N",
            "rule": f"{what} at N={runs[-1]['n']} at most {FLATNESS:.0%} above N={runs[0]['n']}",
            "value": growth, "unit": "growth", "threshold": FLATNESS, "pass": growth <= FLATNESS}


def main(argv: Sequence[str] | None = None) -> int:
    """``--child FOLDER OUT``: the measured process; it prints its report as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--child", nargs=2, type=Path, metavar=("FOLDER", "OUT"), required=True)
    args = parser.parse_args(argv)
    print(json.dumps(child(*args.child)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
