"""The tables cut per document, as the pages read them: rows as dicts with ``None`` for nulls."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from pipeline.tables.build import TableSet
from pipeline.tables.schemas import TABLE_SCHEMAS, columns

Record = dict[str, Any]


def _is_null(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def records(df: pd.DataFrame) -> list[Record]:
    """Rows as dicts with ``None`` for every null."""
    return [{k: (None if _is_null(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


@cache
def _columns(table: str) -> tuple[str, ...]:
    return tuple(columns(table))


def empty_table(table: str) -> pd.DataFrame:
    """A table without rows, with its declared columns."""
    return pd.DataFrame(columns=list(_columns(table)))


@dataclass
class DocumentRows:
    """The rows of one document in every table, as DataFrames and as dicts."""

    doc_id: str
    frames: dict[str, pd.DataFrame]
    rows: dict[str, list[Record]] = field(init=False)

    def __post_init__(self) -> None:
        self.rows = {name: records(df) for name, df in self.frames.items()}

    @property
    def document(self) -> Record:
        """The documents row, or what can be said without one."""
        found = self.rows.get("documents") or [{}]
        return {"doc_id": self.doc_id, "title": None, "doi": None, "format": "", "characters": None,
                **found[0]}

    @property
    def patient_ids(self) -> list[str]:
        """The patients of the document, in the table's order."""
        return [str(p["patient_id"]) for p in self.rows["patients"]]

    def of_patient(self, table: str, patient_id: str) -> list[Record]:
        """The rows of ``table`` that belong to one patient."""
        return [r for r in self.rows[table] if r.get("patient_id") == patient_id]


def split_by_document(tables: TableSet) -> list[DocumentRows]:
    """Every document of the tables (first-seen order, documents table first) with its rows."""
    grouped: dict[str, dict[str, pd.DataFrame]] = {}
    for name in TABLE_SCHEMAS:
        df = tables.frames.get(name)
        if df is None or df.empty:
            continue
        for doc_id, part in df.groupby("doc_id", sort=False):
            grouped.setdefault(str(doc_id), {})[name] = part
    return [DocumentRows(d, {n: grouped[d].get(n, empty_table(n)) for n in TABLE_SCHEMAS}) for d in grouped]
