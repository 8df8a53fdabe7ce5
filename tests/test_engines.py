"""Engines: results stream back, a dead worker or a failing task costs only its own files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import engines
from pipeline.engines import EngineError, run_documents
from pipeline.process import DocumentOutcome, DocumentResult, WorkOptions

OPTIONS = WorkOptions(max_file_bytes=1000, ocr=False, extract=False)


def fake_process(path: str, options: WorkOptions) -> DocumentResult:
    if path.endswith("die"):
        os._exit(3)  # a worker killed by a native crash or the out-of-memory killer
    if path.endswith("raise"):
        raise MemoryError("too big")
    return DocumentResult(DocumentOutcome(path, Path(path).stem, "ok"))


def test_a_worker_that_dies_costs_only_the_files_in_flight(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engines, "process_file", fake_process)
    paths = [f"doc{i}" for i in range(6)] + ["x-die"] + [f"late{i}" for i in range(6)]
    results = list(run_documents(iter(paths), OPTIONS, workers=2))
    by_path = {r.outcome.path: r.outcome for r in results}
    assert sorted(by_path) == sorted(paths)  # every file has exactly one outcome
    died = by_path["x-die"]
    assert died.status == "error" and ("died" in died.message or "broke" in died.message)
    assert all(by_path[f"late{i}"].status == "ok" for i in range(3, 6))  # the batch went on


def test_an_unexpected_error_in_a_task_is_that_file_s_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engines, "process_file", fake_process)
    results = list(run_documents(iter(["a", "b-raise", "c"]), OPTIONS, workers=2))
    statuses = {r.outcome.path: r.outcome.status for r in results}
    assert statuses == {"a": "ok", "b-raise": "error", "c": "ok"}
    failed = next(r.outcome for r in results if r.outcome.path == "b-raise")
    assert "MemoryError" in failed.message and "b-raise" in failed.message


def test_serial_engine_is_lazy(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engines, "process_file", fake_process)
    taken: list[str] = []

    def paths():  # type: ignore[no-untyped-def]
        for p in ["a", "b", "c"]:
            taken.append(p)
            yield p

    stream = run_documents(paths(), OPTIONS)
    next(iter(stream))
    assert taken == ["a"]


def test_unknown_engine_and_unreachable_scheduler_are_clear_errors():
    with pytest.raises(EngineError, match="unknown engine 'spark'"):
        run_documents([], OPTIONS, engine="spark")
    with pytest.raises(EngineError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1"):
        list(run_documents(["a"], OPTIONS, engine="dask", scheduler="tcp://127.0.0.1:1"))


@pytest.mark.slow
def test_dask_engine_on_a_cluster_given_by_address(tmp_path: Path):
    from distributed import LocalCluster

    doc = tmp_path / "case.txt"
    doc.write_text("A 9-year-old girl was started on tofacitinib 5 mg bid.\n", encoding="utf-8")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        results = list(run_documents([str(doc)], WorkOptions(10**6, False, True), engine="dask",
                                     scheduler=cluster.scheduler_address))
    assert [r.outcome.status for r in results] == ["ok"]
    assert results[0].tables is not None
    assert list(results[0].tables["medications"]["daily_dose_mg"].dropna()) == [10.0]


def test_a_stray_stop_iteration_in_the_pipeline_is_that_file_s_error(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path):
    import pipeline.extract as extract_module

    def broken(*args: object, **kwargs: object) -> None:
        raise StopIteration  # what next() on an empty iterator raises inside extraction

    monkeypatch.setattr(extract_module, "extract_case", broken)
    good = tmp_path / "a.txt"
    good.write_text("Tofacitinib 5 mg bid was started.\n", encoding="utf-8")
    results = list(run_documents([str(good), str(good)], WorkOptions(10**6, False, True)))
    assert [r.outcome.status for r in results] == ["error", "error"]
    assert "StopIteration" in results[0].outcome.message and "test_engines.py" not in results[0].outcome.message
