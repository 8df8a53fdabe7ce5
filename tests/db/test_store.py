"""The case database on SQLite and PostgreSQL: schema, idempotent transactional loads, versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipeline.db import CaseStore, DatabaseError
from pipeline.db import store as store_module
from pipeline.db.queries import QueryError, _parse, named_queries, run_named_query
from pipeline.db.schema import DATA_TABLES, SCHEMA_VERSION, VERSION_TABLE
from pipeline.extract import extract_document
from pipeline.ingest import ingest_file
from pipeline.tables import TableSet, build_tables
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "ex01_narrative_tofacitinib_sjia.txt"


@pytest.fixture(scope="module")
def example_tables() -> TableSet:
    doc = ingest_file(EXAMPLE)
    return build_tables(doc, extract_document(doc))


def dump(store: CaseStore) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table, without surrogate keys, sorted: the database's content."""
    out = {}
    for name in DATA_TABLES:
        df = store.query(f"SELECT * FROM {name}").drop(columns=["row_id"], errors="ignore")
        out[name] = sorted(tuple(str(v) for v in row) for row in df.itertuples(index=False))
    return out


def test_load_and_read_back_exactly(database_url: str, example_tables: TableSet):
    with CaseStore.open(database_url) as store:
        assert store.load(example_tables) == ["ex01_narrative_tofacitinib_sjia"]
        back = store.read_tables()
        for name in DATA_TABLES:
            pd.testing.assert_frame_equal(back[name], example_tables[name].reset_index(drop=True))
        assert store.schema_version() == SCHEMA_VERSION


def test_loading_twice_changes_nothing(database_url: str, example_tables: TableSet):
    with CaseStore.open(database_url) as store:
        store.load(example_tables)
        first = dump(store)
        store.load(example_tables)
        assert dump(store) == first
        assert len(store.read_table("documents")) == 1


def test_a_load_that_fails_midway_leaves_the_previous_state(database_url: str, example_tables: TableSet):
    with CaseStore.open(database_url) as store:
        store.load(example_tables)
        before = dump(store)
        broken = TableSet(dict(example_tables.frames))
        mentions = broken["mentions"].copy()
        mentions.loc[mentions.index[-1], "label"] = None  # NOT NULL: the last insert fails
        broken.frames["mentions"] = mentions
        with pytest.raises(DatabaseError, match="load failed"):
            store.load(broken)
        assert dump(store) == before


def test_is_loaded_is_keyed_by_content_and_version(database_url: str, example_tables: TableSet):
    sha = example_tables["documents"].iloc[0]["sha256"]
    with CaseStore.open(database_url) as store:
        assert store.is_loaded(sha) is None
        store.load(example_tables)
        assert store.is_loaded(sha) == "ex01_narrative_tofacitinib_sjia"
        assert store.is_loaded(sha, version="0.0.1") is None
        store.delete(["ex01_narrative_tofacitinib_sjia"])
        assert store.is_loaded(sha) is None and dump(store)["mentions"] == []


def _set_version(url: str, version: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version = :v"), {"v": version})
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused(database_url: str):
    CaseStore.open(database_url).close()
    _set_version(database_url, SCHEMA_VERSION + 1)
    with pytest.raises(DatabaseError, match=r"made by a newer casemine"):
        CaseStore.open(database_url)


def test_an_older_database_is_upgraded_or_refused(database_url: str, monkeypatch: pytest.MonkeyPatch):
    CaseStore.open(database_url).close()
    _set_version(database_url, SCHEMA_VERSION - 1)
    monkeypatch.delitem(store_module.MIGRATIONS, SCHEMA_VERSION - 1)
    with pytest.raises(DatabaseError, match=r"older than .* cannot be upgraded"):
        CaseStore.open(database_url)
    steps: list[int] = []
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION - 1, lambda conn: steps.append(1))
    with pytest.raises(DatabaseError, match="upgrading was not allowed"):
        CaseStore.open(database_url, upgrade=False)
    with CaseStore.open(database_url) as store:
        assert steps == [1] and store.schema_version() == SCHEMA_VERSION


def test_a_version_1_database_gains_followup_months(database_url: str, example_tables: TableSet):
    with CaseStore.open(database_url) as store:
        store.load(example_tables)
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:  # the patients table as version 1 made it
        conn.execute(sa.text("ALTER TABLE patients DROP COLUMN followup_months"))
    engine.dispose()
    _set_version(database_url, 1)
    with CaseStore.open(database_url) as store:
        assert store.schema_version() == SCHEMA_VERSION == 2
        assert store.read_table("patients")["followup_months"].isna().all()  # until loaded again
        store.load(example_tables)
        back = store.read_table("patients")
        pd.testing.assert_frame_equal(back, example_tables["patients"].reset_index(drop=True))


def test_a_foreign_database_is_refused(database_url: str):
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE documents (id INTEGER)"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="not made by casemine"):
        CaseStore.open(database_url)


def test_a_locked_sqlite_database_gives_a_clear_error(tmp_path: Path, example_tables: TableSet):
    path = tmp_path / "cases.sqlite"
    store = CaseStore.open(f"sqlite:///{path}?timeout=0.2")
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match=r"cases.sqlite.*load failed.*locked.*another program"):
            store.load(example_tables)
        with pytest.raises(DatabaseError, match=r"cases.sqlite.*open failed.*locked"):
            CaseStore.open(f"sqlite:///{path}?timeout=0.2")
    finally:
        holder.rollback()
        holder.close()
        store.close()
    with CaseStore.open(f"sqlite:///{path}") as store:  # nothing half-written
        assert store.document_ids() == []


def test_an_unreachable_server_gives_a_clear_error_without_the_password():
    with pytest.raises(DatabaseError) as info:
        CaseStore.open("postgresql+psycopg://someone:secret@127.0.0.1:1/cases")
    assert "cannot connect" in str(info.value) and "secret" not in str(info.value)
    assert "127.0.0.1:1/cases" in str(info.value)


def test_a_bad_url_is_named():
    with pytest.raises(DatabaseError, match="not a database URL"):
        CaseStore.open("no-such-scheme")


def test_named_queries_parse_and_declare_their_parameters():
    queries = named_queries()
    assert {"cotreatment", "concomitant", "scores", "adverse_events"} <= set(queries)
    assert queries["cotreatment"].params == {"drug": "tofacitinib", "drug_class": "glucocorticoid"}
    with pytest.raises(QueryError, match="parameters used"):
        _parse("bad", "-- a question\n-- param x: 1\nSELECT :y")


def test_named_query_answers_from_the_loaded_rows(database_url: str, example_tables: TableSet):
    with CaseStore.open(database_url) as store:
        store.load(example_tables)
        rows = run_named_query(store, "scores", {"instrument": "%"})
        assert len(rows) == (example_tables["measurements"]["kind"] == "score").sum()
        with pytest.raises(QueryError, match="no parameter"):
            run_named_query(store, "scores", {"drug": "x"})
        with pytest.raises(QueryError, match="no query named"):
            run_named_query(store, "nothing")
