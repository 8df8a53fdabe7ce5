"""The casemine command line, run as a user runs it, on the bundled examples and the papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.db.schema import SCHEMA_VERSION
from pipeline.standoff import read_brat
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()


def test_help_lists_the_stages():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "ingest", "extract", "score", "gold"):
        assert command in result.output


def test_ingest_writes_segmented_documents_and_a_log(tmp_path: Path):
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "ex05_ocr_damaged_lupus.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "documents" / "ex05_ocr_damaged_lupus.json").read_text())
    assert [s["kind"] for s in data["sections"]] == ["front", "case", "case"]
    source = (EXAMPLES / "ex05_ocr_damaged_lupus.txt").read_text(encoding="utf-8")
    for sentence in data["sentences"]:
        assert source[sentence["start"]:sentence["end"]] == sentence["text"]
    assert data["cleaning"]["ocr_mmef"] == 1
    [log] = (tmp_path / "ingest_log.jsonl").read_text().splitlines()
    assert json.loads(log)["status"] == "ok"


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text("Case 1\n\nThe girl received tofacitinib 5 mg bid.\n")
    result = runner.invoke(app, ["extract", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in " ".join(result.output.split())
    ann = read_brat(tmp_path / "out" / "brat" / "good.ann", (folder / "good.txt").read_text())
    assert [(m.label, m.text) for m in ann.mentions if m.label in ("DRUG", "DOSE")] == [
        ("DRUG", "tofacitinib"), ("DOSE", "5 mg bid"),
    ]
    statuses = [json.loads(line)["status"] for line in (tmp_path / "out" / "ingest_log.jsonl").read_text().splitlines()]
    assert sorted(statuses) == ["error", "ok"]


def test_unknown_setting_is_refused_with_the_list_of_settings(tmp_path: Path):
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--set", "nosuch=1"])
    assert result.exit_code == 2
    assert "unknown setting 'nosuch'" in " ".join(result.output.split())


def test_set_overrides_a_setting(tmp_path: Path):
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "ex01_narrative_tofacitinib_sjia.txt"),
                                 "--set", f"output_dir={tmp_path}", "--set", "max_file_bytes=100"])
    assert result.exit_code == 1
    assert "over the limit of 100" in " ".join(result.output.split())


@pytest.mark.slow
def test_extract_then_score_the_source_papers(shared_corpus: Path, tmp_path: Path):
    result = runner.invoke(app, ["extract", str(shared_corpus), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["score", "--pred", str(tmp_path / "brat"), "--out", str(tmp_path),
                                 "--gold", str(ROOT / "annotations"), "--text-dir", str(shared_corpus)])
    assert result.exit_code == 0, result.output
    score = json.loads((tmp_path / "score.json").read_text())
    assert (tmp_path / "score.md").read_text().startswith("# Scores")
    # regression guard on the development gold (the rules were written against these papers)
    assert score["micro"]["strict"]["f1"] >= 0.95
    assert score["strict"]["DRUG"]["f1"] >= 0.97
    assert score["strict"]["DOSE"]["f1"] >= 0.95
    assert score["strict"]["SCORE"]["f1"] >= 0.95
    assert score["strict"]["LAB"]["f1"] >= 0.93
    assert score["lenient"]["TIMEPOINT"]["f1"] >= 0.90
    assert score["patient"]["accuracy"] >= 0.93


@pytest.mark.slow
def test_run_then_db_query_then_report(tmp_path: Path):
    example = EXAMPLES / "ex05_ocr_damaged_lupus.txt"
    result = runner.invoke(app, ["run", str(example), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cases.sqlite").is_file()
    for table in ("documents", "patients", "medications", "measurements", "events", "mentions"):
        assert (tmp_path / "tables" / f"{table}.csv").is_file()
        assert (tmp_path / "tables" / f"{table}.parquet").is_file()
    again = runner.invoke(app, ["run", str(example), "--out", str(tmp_path)])
    assert again.exit_code == 0 and "1 unchanged" in again.output
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    info = runner.invoke(app, ["db", "info", "--db", db])
    assert f"schema version {SCHEMA_VERSION}" in info.output and "documents: 1 rows" in info.output
    query = runner.invoke(app, ["db", "query", "--db", db, "--sql",
                                "SELECT COUNT(*) AS n FROM documents", "--csv", str(tmp_path / "n.csv")])
    assert query.exit_code == 0, query.output
    assert (tmp_path / "n.csv").read_text().splitlines() == ["n", "1"]
    bad = runner.invoke(app, ["db", "query", "nothing", "--db", db])
    assert bad.exit_code == 2 and "no query named" in bad.output
    report = runner.invoke(app, ["report", "--out", str(tmp_path), "--no-gold"])
    assert report.exit_code == 0, report.output
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "doc/ex05_ocr_damaged_lupus.html" in index
    assert (tmp_path / "report" / "doc" / "ex05_ocr_damaged_lupus.html").is_file()


def test_a_locked_database_stops_the_run_with_a_clear_error(tmp_path: Path):
    import sqlite3

    from pipeline.db import CaseStore

    db = tmp_path / "cases.sqlite"
    CaseStore.open(f"sqlite:///{db}").close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(app, ["run", str(EXAMPLES / "ex05_ocr_damaged_lupus.txt"), "--out",
                                     str(tmp_path / "out"), "--db", f"sqlite:///{db}?timeout=0.2"])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 2
    said = result.output.replace("\n", "")  # rich wraps long lines
    assert "cases.sqlite" in said and "database is locked" in said


def test_an_unreachable_database_stops_the_run_with_a_clear_error(tmp_path: Path):
    result = runner.invoke(app, ["run", str(EXAMPLES / "ex05_ocr_damaged_lupus.txt"), "--out", str(tmp_path),
                                 "--db", "postgresql+psycopg://casemine:secret@127.0.0.1:1/cases"])
    assert result.exit_code == 2
    said = result.output.replace("\n", "")
    assert "cannot connect" in said and "secret" not in said
