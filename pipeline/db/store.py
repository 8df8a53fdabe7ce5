"""The case database: open (creating or checking the schema), load documents, read tables back.

Loading is idempotent and transactional: one document's rows are replaced in one transaction,
so a crash mid-load leaves the previous state, and loading the same rows twice changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from pipeline import __version__
from pipeline.db.schema import DATA_TABLES, METADATA, SCHEMA_VERSION, VERSION_TABLE
from pipeline.tables.build import TableSet, frame
from pipeline.tables.schemas import columns


class DatabaseError(RuntimeError):
    """The case database cannot be used; the message names it (password hidden) and says why."""


def _add_followup_months(conn: Connection) -> None:
    """Version 2: ``patients.followup_months`` (months from index start to the last follow-up)."""
    column = METADATA.tables["patients"].c.followup_months
    kind = column.type.compile(dialect=conn.dialect)
    conn.execute(sa.text(f"ALTER TABLE patients ADD COLUMN followup_months {kind}"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _add_followup_months}
"""``MIGRATIONS[v]`` upgrades a database at schema version ``v`` to ``v + 1``; rows loaded before
keep the new columns empty until their documents are loaded again."""


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


class CaseStore:
    """A case database at a SQLAlchemy URL (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> CaseStore:
        """Connect, create the tables in an empty database, or check (and upgrade) its schema."""
        shown = safe_url(url)
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise DatabaseError(f"{url}: not a database URL ({exc})") from exc
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # wait this long for another writer before "locked" (``?timeout=`` in the URL wins)
            connect_args["timeout"] = float(parsed.query.get("timeout", 30))  # type: ignore[arg-type]
        elif parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 10
        try:
            engine = sa.create_engine(url, connect_args=connect_args)
        except Exception as exc:  # unknown dialect or a driver that is not installed
            raise DatabaseError(f"{shown}: cannot use this database ({exc})") from exc
        if parsed.get_backend_name() == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_foreign_keys)
        store = cls(engine)
        store._ensure_schema(upgrade=upgrade)
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- schema -------------------------------------------------------------------------

    def _ensure_schema(self, *, upgrade: bool) -> None:
        with self._connect("open") as conn:
            names = set(sa.inspect(conn).get_table_names())
            ours = set(DATA_TABLES) | {VERSION_TABLE}
            if not names & ours:
                METADATA.create_all(conn)
                _record_version(conn, SCHEMA_VERSION)
                return
            if VERSION_TABLE not in names:
                raise DatabaseError(
                    f"{self.url}: has tables named like a case database's "
                    f"({', '.join(sorted(names & ours))}) "
                    f"but no {VERSION_TABLE} table: not made by casemine; use another database"
                )
            found = conn.execute(sa.select(sa.func.max(METADATA.tables[VERSION_TABLE].c.version))).scalar()
            version = int(found or 0)
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    f"{self.url}: schema version {version} was made by a newer casemine "
                    f"(this one knows version {SCHEMA_VERSION}); upgrade casemine"
                )
            if version < SCHEMA_VERSION:
                missing = [v for v in range(version, SCHEMA_VERSION) if v not in MIGRATIONS]
                if missing or not upgrade:
                    raise DatabaseError(
                        f"{self.url}: schema version {version} is older than {SCHEMA_VERSION} and "
                        + ("cannot be upgraded in place; load into a new database"
                           if missing else "upgrading was not allowed")
                    )
                for v in range(version, SCHEMA_VERSION):
                    MIGRATIONS[v](conn)
                    _record_version(conn, v + 1)
            self._check_columns(conn)

    def _check_columns(self, conn: Connection) -> None:
        inspector = sa.inspect(conn)
        for name in DATA_TABLES:
            have = {c["name"] for c in inspector.get_columns(name)}
            want = set(METADATA.tables[name].c.keys())
            if want - have:
                raise DatabaseError(
                    f"{self.url}: table {name} lacks columns {', '.join(sorted(want - have))} that "
                    f"schema version {SCHEMA_VERSION} has; the database was changed by hand"
                )

    def schema_version(self) -> int:
        with self._connect("read") as conn:
            value = conn.execute(sa.select(sa.func.max(METADATA.tables[VERSION_TABLE].c.version))).scalar()
        return int(value or 0)

    # ---- loading ------------------------------------------------------------------------

    def is_loaded(self, sha256: str, version: str = __version__) -> str | None:
        """The doc_id under which this content was loaded by this pipeline version, if any."""
        docs = METADATA.tables["documents"]
        with self._connect("read") as conn:
            row = conn.execute(
                sa.select(docs.c.doc_id).where(docs.c.sha256 == sha256, docs.c.pipeline_version == version)
            ).first()
        return row[0] if row else None

    def load(self, tables: TableSet) -> list[str]:
        """Replace the rows of every document in ``tables`` in one transaction; return the doc_ids."""
        doc_ids = [str(d) for d in tables["documents"]["doc_id"]]
        with self._connect("load") as conn, conn.begin():
            self._delete(conn, doc_ids)
            for name in DATA_TABLES:
                records = _records(tables.frames[name])
                if records:
                    conn.execute(METADATA.tables[name].insert(), records)
        return doc_ids

    def delete(self, doc_ids: Sequence[str]) -> None:
        """Remove documents and all their rows."""
        with self._connect("delete") as conn, conn.begin():
            self._delete(conn, doc_ids)

    @staticmethod
    def _delete(conn: Connection, doc_ids: Sequence[str]) -> None:
        if not doc_ids:
            return
        for name in reversed(DATA_TABLES):
            table = METADATA.tables[name]
            conn.execute(table.delete().where(table.c.doc_id.in_(list(doc_ids))))

    # ---- reading ------------------------------------------------------------------------

    def document_ids(self) -> list[str]:
        docs = METADATA.tables["documents"]
        with self._connect("read") as conn:
            return [r[0] for r in conn.execute(sa.select(docs.c.doc_id).order_by(docs.c.doc_id))]

    def read_table(self, name: str, doc_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """One table (of some documents), validated against its schema, in a stable order."""
        return pd.concat(list(self.iter_table(name, doc_ids)) or [frame(name, [])], ignore_index=True)

    def iter_table(self, name: str, doc_ids: Sequence[str] | None = None,
                   chunk_docs: int = 200) -> Iterator[pd.DataFrame]:
        """A table in validated chunks of ``chunk_docs`` documents: memory stays bounded."""
        ids = list(doc_ids) if doc_ids is not None else self.document_ids()
        table = METADATA.tables[name]
        order = [table.c.doc_id] + ([table.c.row_id] if "row_id" in table.c else [])
        for i in range(0, len(ids), chunk_docs):
            query = sa.select(*(table.c[c] for c in columns(name))).where(
                table.c.doc_id.in_(ids[i:i + chunk_docs])).order_by(*order)
            with self._connect("read") as conn:
                df = pd.read_sql(query, conn)
            if len(df):
                yield frame(name, df.to_dict("records"))

    def read_tables(self, doc_ids: Sequence[str] | None = None) -> TableSet:
        """All six tables (of some documents)."""
        return TableSet({name: self.read_table(name, doc_ids) for name in DATA_TABLES})

    def query(self, sql: str, params: dict[str, object] | None = None) -> pd.DataFrame:
        """Run a read-only query and return its rows."""
        with self._connect("query") as conn:
            try:
                return pd.read_sql(sa.text(sql), conn, params=params or {})
            except sa.exc.DBAPIError as exc:
                raise DatabaseError(f"{self.url}: query failed: {exc.orig}") from exc

    # ---- connections --------------------------------------------------------------------

    def _connect(self, what: str) -> _Connecting:
        return _Connecting(self, what)


class _Connecting:
    """A connection whose driver errors become :class:`DatabaseError` naming the database."""

    def __init__(self, store: CaseStore, what: str) -> None:
        self.store, self.what = store, what
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        try:
            self.conn = self.store.engine.connect()
        except sa.exc.DBAPIError as exc:
            raise DatabaseError(f"{self.store.url}: cannot connect: {_reason(exc)}") from exc
        return self.conn

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        assert self.conn is not None
        self.conn.close()
        if isinstance(exc, sa.exc.DBAPIError):
            raise DatabaseError(f"{self.store.url}: {self.what} failed: {_reason(exc)}") from exc


def _reason(exc: sa.exc.DBAPIError) -> str:
    text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "locked" in text:
        text += " (another program is writing to it; retry when it has finished)"
    return text


def _sqlite_foreign_keys(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _record_version(conn: Connection, version: int) -> None:
    conn.execute(METADATA.tables[VERSION_TABLE].insert(), [{
        "version": version, "pipeline_version": __version__,
        "applied_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }])
    conn.commit()


def _records(df: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain Python values with nulls as None (NaN and pd.NA are not SQL values)."""
    out = []
    for row in df.to_dict("records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(v: object) -> object:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def open_store(url: str) -> CaseStore:
    """Open the case database at ``url`` (see :meth:`CaseStore.open`)."""
    return CaseStore.open(url)
