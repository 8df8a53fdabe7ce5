"""Write tables as CSV and Parquet, chunk by chunk, each file replaced atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.files import umask
from pipeline.tables.schemas import TABLE_SCHEMAS, column_kind, columns

ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of ``table``, from its pandera schema (so empty chunks agree too)."""
    spec = TABLE_SCHEMAS[table].to_schema().columns
    fields = [pa.field(name, ARROW_TYPES[column_kind(table, name)], nullable=spec[name].nullable)
              for name in columns(table)]
    return pa.schema(fields)


def write_table(table: str, chunks: Iterable[pd.DataFrame], out_dir: Path) -> tuple[Path, Path, int]:
    """``<out_dir>/<table>.csv`` and ``.parquet`` from validated chunks; returns paths and rows."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = out_dir / f"{table}.csv", out_dir / f"{table}.parquet"
    schema = arrow_schema(table)
    csv_tmp = _temp(csv_path)
    parquet_tmp = _temp(parquet_path)
    rows = 0
    try:
        with open(csv_tmp, "w", encoding="utf-8", newline="") as csv_handle, \
                pq.ParquetWriter(parquet_tmp, schema) as writer:
            pd.DataFrame(columns=columns(table)).to_csv(csv_handle, index=False)
            for chunk in chunks:
                chunk = chunk[columns(table)]
                chunk.to_csv(csv_handle, index=False, header=False)
                writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
                rows += len(chunk)
        for tmp, final in ((csv_tmp, csv_path), (parquet_tmp, parquet_path)):
            os.chmod(tmp, 0o666 & ~umask())
            os.replace(tmp, final)
    except BaseException:
        Path(csv_tmp).unlink(missing_ok=True)
        Path(parquet_tmp).unlink(missing_ok=True)
        raise
    return csv_path, parquet_path, rows


def write_tables(chunks: Mapping[str, Iterable[pd.DataFrame]], out_dir: Path) -> dict[str, int]:
    """Every table of ``chunks``; returns the rows written per table."""
    return {name: write_table(name, parts, out_dir)[2] for name, parts in chunks.items()}


def _temp(path: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return tmp
