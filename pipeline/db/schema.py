"""The case database's tables, derived from the pandera schemas so the two cannot drift apart.

Each data table gets a surrogate ``row_id`` key, an index on ``doc_id`` and a foreign key to
``documents``; ``documents`` is keyed by ``doc_id`` and its ``(sha256, pipeline_version)`` says
whether a document is already loaded. ``casemine_schema`` records the schema version.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.tables.schemas import TABLE_SCHEMAS, column_kind, columns

SCHEMA_VERSION = 2
"""Bump when a table changes, and add the step from the old version to ``MIGRATIONS``."""

VERSION_TABLE = "casemine_schema"


COLUMN_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "int": sa.BigInteger(), "float": sa.Float(), "bool": sa.Boolean(), "str": sa.Text(),
}


def build_metadata() -> sa.MetaData:
    """The tables of the case database, one per pandera schema, plus the version table."""
    metadata = sa.MetaData()
    for name, model in TABLE_SCHEMAS.items():
        schema = model.to_schema()
        cols: list[sa.Column[Any]] = []
        if name == "documents":
            cols.append(sa.Column("doc_id", sa.Text(), primary_key=True))
        else:
            cols.append(sa.Column("row_id", sa.Integer(), primary_key=True, autoincrement=True))
        for col in columns(name):
            if name == "documents" and col == "doc_id":
                continue
            spec = schema.columns[col]
            fk = [sa.ForeignKey("documents.doc_id")] if col == "doc_id" else []
            cols.append(sa.Column(col, COLUMN_TYPES[column_kind(name, col)], *fk, nullable=spec.nullable,
                                  index=col == "doc_id", comment=spec.description))
        sa.Table(name, metadata, *cols)
    sa.Index("documents_sha256_version", metadata.tables["documents"].c.sha256,
             metadata.tables["documents"].c.pipeline_version)
    sa.Table(
        VERSION_TABLE, metadata,
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("pipeline_version", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.Text(), nullable=False),
    )
    return metadata


METADATA = build_metadata()
DATA_TABLES = tuple(TABLE_SCHEMAS)
"""In load order: ``documents`` first; deletion goes the other way."""
