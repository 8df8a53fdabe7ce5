"""Run the pipeline over many files: streaming, in parallel, resumable, errors logged, never fatal.

The batch reads the input list lazily, hands files to an engine (``pipeline.engines``), and as
each result comes back writes its files, loads its rows into the case database in one
transaction and appends a line to ``ingest_log.jsonl``. A document already in the database with
the same sha256 and pipeline version is skipped, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.db.store import CaseStore
from pipeline.engines import run_documents
from pipeline.files import write_text_atomic
from pipeline.ingest import IngestError, discover_inputs
from pipeline.process import DocumentOutcome, DocumentResult, WorkOptions
from pipeline.settings import Settings

__all__ = ["DocumentOutcome", "RunSummary", "existing_inputs", "ingest_batch"]


@dataclass
class RunSummary:
    """The outcome of a run over a batch of files."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    seconds: float = 0.0
    output_dir: Path = Path("outputs")
    notices: list[str] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "ok"]

    @property
    def unchanged(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "unchanged"]

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "error"]


def existing_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Split configured inputs into those present and notices for those absent."""
    present, notices = [], []
    for p in paths:
        if p.exists():
            present.append(p)
        else:
            notices.append(f"{p}: not found, skipped")
    return present, notices


def ingest_batch(
    paths: Iterable[Path],
    settings: Settings,
    *,
    extract: bool = False,
    store: CaseStore | None = None,
    resume: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[DocumentOutcome], None] | None = None,
) -> RunSummary:
    """Process every file under ``paths``; write ``documents/<doc_id>.json`` for each.

    With ``extract``, also write ``brat/<doc_id>.ann`` and ``.txt``; with a ``store``, load each
    document's tables into it and, at the end, write the run's tables to ``tables/`` as CSV and
    Parquet. With ``resume``, documents the store already holds (same sha256 and pipeline
    version) are not processed again. A file that fails is logged and the batch goes on.
    """
    t0 = time.perf_counter()
    summary = RunSummary(output_dir=settings.output_dir)
    found = list(discover_inputs(paths, exclude=settings.exclude))  # paths only: small
    if on_start:
        on_start(len(found))
    options = WorkOptions(settings.max_file_bytes, settings.ocr, extract or store is not None)
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.output_dir / "ingest_log.jsonl"
    with open(log_path, "w", encoding="utf-8") as log:
        def record(outcome: DocumentOutcome) -> None:
            summary.outcomes.append(outcome)
            log.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
            log.flush()
            if on_done:
                on_done(outcome)

        gate = _Gate(settings, store if resume else None)
        to_process = gate.admit(found, record)
        results = run_documents(to_process, options, engine=settings.engine, workers=settings.workers,
                                scheduler=settings.scheduler)
        for result in results:
            record(_keep(result, settings, store))
    if store is not None:
        summary.table_rows = _export(store, summary, settings.output_dir / "tables")
    summary.seconds = time.perf_counter() - t0
    return summary


class _Gate:
    """Decides, before any work, which files to process: not duplicates, not already loaded."""

    def __init__(self, settings: Settings, store: CaseStore | None) -> None:
        self.settings, self.store = settings, store
        self.by_sha: dict[str, str] = {}
        self.by_id: dict[str, str] = {}

    def admit(self, found: list[Path | IngestError],
              record: Callable[[DocumentOutcome], None]) -> Iterator[str]:
        for item in found:
            if isinstance(item, IngestError):
                record(DocumentOutcome(item.path, None, "error", message=str(item)))
                continue
            verdict = self._verdict(item)
            if verdict is None:
                yield str(item)
            else:
                record(verdict)

    def _verdict(self, path: Path) -> DocumentOutcome | None:
        sha = _file_sha256(path, self.settings.max_file_bytes)
        if sha is None:
            return None  # unreadable or too large: the worker says why
        where = str(path)
        if sha in self.by_sha:
            return DocumentOutcome(where, path.stem, "duplicate", sha,
                                   f"{path}: same content as {self.by_sha[sha]}, skipped")
        if path.stem in self.by_id:
            return DocumentOutcome(where, path.stem, "error", sha,
                                   f"{path}: same document id as {self.by_id[path.stem]}; "
                                   "rename one of the two files")
        self.by_sha[sha], self.by_id[path.stem] = where, where
        if self.store is not None:
            loaded = self.store.is_loaded(sha, __version__)
            if loaded is not None:
                note = "" if loaded == path.stem else f" (as {loaded})"
                return DocumentOutcome(where, loaded, "unchanged", sha,
                                       f"{path}: already in the database{note}, skipped")
        return None


def _file_sha256(path: Path, max_bytes: int) -> str | None:
    try:
        if path.stat().st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _keep(result: DocumentResult, settings: Settings, store: CaseStore | None) -> DocumentOutcome:
    """Write a finished document's files and load its rows; the outcome says what happened."""
    outcome = result.outcome
    if outcome.status != "ok" or outcome.doc_id is None:
        return outcome
    out = settings.output_dir
    if result.segmented_json is not None:
        write_text_atomic(out / "documents" / f"{outcome.doc_id}.json", result.segmented_json)
    if result.brat is not None and result.source_text is not None:
        write_text_atomic(out / "brat" / f"{outcome.doc_id}.txt", result.source_text)
        write_text_atomic(out / "brat" / f"{outcome.doc_id}.ann", result.brat)
    if store is not None and result.tables is not None:
        store.load(result.tables)
    return outcome


def _export(store: CaseStore, summary: RunSummary, out_dir: Path) -> dict[str, int]:
    from pipeline.db.schema import DATA_TABLES
    from pipeline.tables.export import write_tables

    ids = sorted({o.doc_id for o in summary.outcomes if o.status in ("ok", "unchanged") and o.doc_id})
    return write_tables({name: store.iter_table(name, ids) for name in DATA_TABLES}, out_dir)


def read_log(path: Path) -> list[dict[str, object]]:
    """The outcomes of the last run, as written to ``ingest_log.jsonl``."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]
