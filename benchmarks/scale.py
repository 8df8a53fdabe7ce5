"""Speed-up of ``casemine run --engine dask`` with more workers, timed as whole subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _casemine(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def dask_speedup(folder: Path, workers: Sequence[int] = (1, 2)) -> tuple[dict[str, Any] | None, str]:
    """Wall time of ``casemine run FOLDER --set workers=N --engine dask`` for each N, and the speed-up.

    Returns ``(None, reason)`` when the command line has no ``--engine`` yet or a run cannot
    complete (exit code 2 or worse; 1 only says that some file failed, listed in the run's log).
    The times include each process's start-up (imports, lexicons, the cluster), as a user sees them.
    """
    if "--engine" not in _casemine("run", "--help").stdout:
        return None, "`casemine run` has no --engine option yet"
    seconds: dict[int, float] = {}
    exit_codes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="casemine-scale-") as tmp:
        for n in workers:
            out = Path(tmp) / f"workers{n}"
            started = time.perf_counter()
            done = _casemine("run", str(folder.resolve()), "--out", str(out), "--engine", "dask",
                             "--set", f"workers={n}",
                             "--set", f"database_url=sqlite:///{out / 'cases.sqlite'}")
            seconds[n] = time.perf_counter() - started
            exit_codes[str(n)] = done.returncode
            if done.returncode not in (0, 1):
                tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                return None, f"workers={n} exited with {done.returncode}: {tail}"
    from pipeline.ingest import discover_inputs
    from pipeline.settings import Settings

    base = seconds[workers[0]]
    return {
        "folder": str(folder),
        "documents": sum(1 for p in discover_inputs([folder], Settings().exclude) if isinstance(p, Path)),
        "wall_seconds": {str(n): round(s, 3) for n, s in seconds.items()},
        "speedup": {str(n): round(base / s, 3) for n, s in seconds.items()},
        "exit_codes": exit_codes,
    }, ""
