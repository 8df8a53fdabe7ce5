"""The batch: streaming over files, parallel engines, resume, idempotence, per-document errors."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipeline.batch import ingest_batch, read_log
from pipeline.db import CaseStore
from pipeline.settings import Settings
from tests.conftest import EXAMPLES, ROOT
from tests.db.test_store import dump

TEXT_EXAMPLES = ["ex01_narrative_tofacitinib_sjia.txt", "ex02_case_series_baricitinib_sle.md",
                 "ex03_flattened_table_ruxolitinib.txt", "ex05_ocr_damaged_lupus.txt"]


def corpus(folder: Path, copies: int = 1) -> Path:
    """The text examples, each ``copies`` times with a varied last line (so the content differs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEXT_EXAMPLES:
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        for n in range(copies):
            stem, suffix = name.rsplit(".", 1)
            target = folder / (f"{stem}.{suffix}" if n == 0 else f"{stem}_v{n}.{suffix}")
            target.write_text(text if n == 0 else text + f"\nFollow-up note {n}.\n", encoding="utf-8")
    return folder


def settings_for(tmp_path: Path, **kw: object) -> Settings:
    return Settings(output_dir=tmp_path / "out", **kw)  # type: ignore[arg-type]


@pytest.mark.slow
def test_running_twice_leaves_the_database_unchanged(tmp_path: Path, database_url: str):
    folder = corpus(tmp_path / "in")
    settings = settings_for(tmp_path)
    with CaseStore.open(database_url) as store:
        first = ingest_batch([folder], settings, store=store)
        assert [o.status for o in first.outcomes] == ["ok"] * 4
        before = dump(store)
        second = ingest_batch([folder], settings, store=store)
        assert [o.status for o in second.outcomes] == ["unchanged"] * 4
        assert dump(store) == before
        forced = ingest_batch([folder], settings, store=store, resume=False)
        assert [o.status for o in forced.outcomes] == ["ok"] * 4
        after = dump(store)
        # reprocessing replaces a document's rows: only the processing time may differ
        assert {k: v for k, v in after.items() if k != "documents"} == \
            {k: v for k, v in before.items() if k != "documents"}
        assert len(after["documents"]) == 4
    tables = settings.output_dir / "tables"
    assert len(pd.read_parquet(tables / "documents.parquet")) == 4
    assert len(pd.read_csv(tables / "mentions.csv")) == len(before["mentions"])


@pytest.mark.slow
def test_a_bad_file_is_logged_and_the_others_are_loaded(tmp_path: Path):
    folder = corpus(tmp_path / "in")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (folder / "ex01_narrative_tofacitinib_sjia.md").write_text("A different file, same id.\n")
    settings = settings_for(tmp_path)
    with CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}") as store:
        summary = ingest_batch([folder], settings, store=store)
        assert store.document_ids() == sorted(Path(n).stem for n in TEXT_EXAMPLES)
    by_path = {Path(o["path"]).name: o for o in read_log(settings.output_dir / "ingest_log.jsonl")}
    assert by_path["broken.pdf"]["status"] == "error" and "broken.pdf" in by_path["broken.pdf"]["message"]
    collided = by_path["ex01_narrative_tofacitinib_sjia.txt"]
    assert collided["status"] == "error" and "same document id" in collided["message"]
    assert len(summary.ok) == 4  # the .md file, first in order, holds the id ex01_...


@pytest.mark.slow
@pytest.mark.parametrize("engine,workers", [("local", 2), ("dask", 2)])
def test_parallel_engines_give_the_same_tables(tmp_path: Path, engine: str, workers: int):
    folder = corpus(tmp_path / "in")
    tables = {}
    for name, kw in {"serial": {}, "parallel": {"engine": engine, "workers": workers}}.items():
        settings = settings_for(tmp_path / name, **kw)
        with CaseStore.open(f"sqlite:///{tmp_path / name / 'cases.sqlite'}") as store:
            summary = ingest_batch([folder], settings, store=store)
            assert len(summary.ok) == 4
            tables[name] = store.read_tables()
    for table in ("patients", "medications", "measurements", "events", "mentions"):
        pd.testing.assert_frame_equal(tables["serial"][table], tables["parallel"][table])


def _documents_in(db: Path) -> int:
    if not db.exists():
        return 0
    engine = sa.create_engine(f"sqlite:///{db}", connect_args={"timeout": 5})
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return conn.execute(sa.text("SELECT COUNT(*) FROM documents")).scalar() if "documents" in names else 0
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_killed_run_resumes_where_it_stopped(tmp_path: Path):
    folder = corpus(tmp_path / "in", copies=4)  # 16 documents
    out, db = tmp_path / "out", tmp_path / "out" / "cases.sqlite"
    cmd = [sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _documents_in(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    loaded_before = _documents_in(db)
    assert 3 <= loaded_before < 16, "the run was not killed in the middle"
    with CaseStore.open(f"sqlite:///{db}") as store:  # every loaded document is whole
        for doc_id in store.document_ids():
            assert len(store.read_table("mentions", [doc_id])) > 0
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    statuses = [o["status"] for o in read_log(out / "ingest_log.jsonl")]
    assert statuses.count("unchanged") == loaded_before
    assert statuses.count("ok") == 16 - loaded_before
    with CaseStore.open(f"sqlite:///{db}") as store:
        assert len(store.document_ids()) == 16
        counts = store.query("SELECT doc_id, COUNT(*) AS n FROM documents GROUP BY doc_id")
        assert set(counts["n"]) == {1}


def test_the_log_is_written_line_by_line(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    shutil.copy(EXAMPLES / "ex01_narrative_tofacitinib_sjia.txt", folder)
    seen: list[int] = []
    settings = settings_for(tmp_path)
    log = settings.output_dir / "ingest_log.jsonl"
    ingest_batch([folder], settings, on_done=lambda o: seen.append(len(log.read_text().splitlines())))
    assert seen == [1, 2]
    assert [json.loads(line)["status"] for line in log.read_text().splitlines()] == ["ok", "error"] or \
        [json.loads(line)["status"] for line in log.read_text().splitlines()] == ["error", "ok"]
