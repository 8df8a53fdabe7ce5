"""Named questions to the case database: SQL files in ``pipeline/data/queries/``.

Each file starts with a comment line saying what it answers, then ``-- param NAME: default``
lines for its ``:NAME`` parameters. The SQL is portable (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from pipeline.db.store import CaseStore

PARAM_LINE = re.compile(r"^--\s*param\s+(?P<name>\w+)\s*:\s*(?P<default>.*?)\s*$")
PLACEHOLDER = re.compile(r"(?<!:):(?P<name>[A-Za-z_]\w*)")


class QueryError(ValueError):
    """An unknown query, a bad parameter, or a query file that is malformed (named in the message)."""


@dataclass(frozen=True)
class NamedQuery:
    """A question with its SQL and the defaults of its parameters."""

    name: str
    description: str
    sql: str
    params: dict[str, str]


def _parse(name: str, text: str) -> NamedQuery:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("--"):
        raise QueryError(f"queries/{name}.sql: line 1 must be a comment saying what it answers")
    params = {}
    for n, line in enumerate(lines[1:], start=2):
        if not line.startswith("--"):
            break
        m = PARAM_LINE.match(line)
        if not m:
            raise QueryError(f"queries/{name}.sql line {n}: expected '-- param NAME: default'")
        params[m["name"]] = m["default"]
    sql = "\n".join(line for line in lines if not line.startswith("--")).strip()
    used = set(PLACEHOLDER.findall(sql))
    if used != set(params):
        raise QueryError(f"queries/{name}.sql: parameters used {sorted(used)} but declared {sorted(params)}")
    return NamedQuery(name, lines[0].lstrip("- ").strip(), sql, params)


def named_queries() -> dict[str, NamedQuery]:
    """Every named query shipped with the package, by name."""
    folder = resources.files("pipeline.data").joinpath("queries")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            name = entry.name[: -len(".sql")]
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def run_named_query(store: CaseStore, name: str, overrides: dict[str, str] | None = None) -> pd.DataFrame:
    """Answer a named question, with parameters from ``overrides`` or the defaults."""
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no query named {name!r}; known: {', '.join(queries)}")
    query = queries[name]
    unknown = set(overrides or {}) - set(query.params)
    if unknown:
        raise QueryError(f"query {name} has no parameter {', '.join(sorted(unknown))}; "
                         f"it takes {', '.join(query.params) or 'none'}")
    return store.query(query.sql, {**query.params, **(overrides or {})})
