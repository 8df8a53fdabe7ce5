"""One document, start to finish, in whichever process or cluster worker runs it.

``process_file`` is a top-level function of plain, picklable arguments and results so that the
local process pool and Dask workers can run it; it writes nothing: the batch writes the results.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import IngestError, ingest_file
from pipeline.ingest.document import SourceDocument
from pipeline.segment.model import Segmentation
from pipeline.tables.build import TableSet


@dataclass(frozen=True)
class WorkOptions:
    """What a worker needs to know; a plain value that crosses process boundaries."""

    max_file_bytes: int
    ocr: bool
    extract: bool


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to one input file."""

    path: str
    doc_id: str | None
    status: str  # "ok", "error", "duplicate" or "unchanged" (already in the database)
    sha256: str | None = None
    message: str = ""
    sections: int = 0
    tables: int = 0
    sentences: int = 0
    mentions: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class DocumentResult:
    """A processed document: its outcome and, when it succeeded, everything to write."""

    outcome: DocumentOutcome
    segmented_json: str | None = None
    source_text: str | None = None
    brat: str | None = None
    tables: TableSet | None = None


# A fault of the pipeline on one document is logged with where it happened, and the batch goes
# on: any Exception (a StopIteration from a stray next() included), never KeyboardInterrupt.
PIPELINE_FAULTS = (Exception,)


def _where(exc: BaseException) -> str:
    """The innermost frame of the pipeline's own code in a traceback: file and line."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "pipeline" in f.filename]
    if not frames:
        return ""
    last = frames[-1]
    return f" at {Path(last.filename).name}:{last.lineno}"


def process_file(path: str, options: WorkOptions) -> DocumentResult:
    """Ingest, segment and (with ``options.extract``) extract one file and build its tables."""
    from pipeline.segment import segment
    from pipeline.segment.export import segmented_document_json

    t0 = time.perf_counter()
    p = Path(path)
    try:
        doc = ingest_file(p, max_bytes=options.max_file_bytes, ocr=options.ocr)
    except IngestError as exc:
        return DocumentResult(DocumentOutcome(path, p.stem, "error", message=str(exc),
                                              seconds=time.perf_counter() - t0))
    except PIPELINE_FAULTS as exc:  # a reader's fault, not the file's: still only this file
        return DocumentResult(DocumentOutcome(
            path, p.stem, "error",
            message=f"{path}: reading failed ({type(exc).__name__}: {exc}{_where(exc)})",
            seconds=time.perf_counter() - t0))
    try:
        seg = segment(doc.clean_text)
        segmented = json.dumps(segmented_document_json(doc, seg), ensure_ascii=False, indent=1)
        brat, tables, mentions = None, None, 0
        if options.extract:
            brat, tables, mentions = _extract(doc, seg)
    except PIPELINE_FAULTS as exc:
        return DocumentResult(DocumentOutcome(
            path, doc.doc_id, "error", doc.sha256,
            f"{path}: processing failed ({type(exc).__name__}: {exc}{_where(exc)})",
            seconds=time.perf_counter() - t0,
        ))
    outcome = DocumentOutcome(
        path, doc.doc_id, "ok", doc.sha256, sections=len(seg.sections), tables=len(seg.tables),
        sentences=len(seg.sentences), mentions=mentions, seconds=time.perf_counter() - t0,
    )
    return DocumentResult(outcome, segmented, doc.source_text, brat, tables)


def _extract(doc: SourceDocument, seg: Segmentation) -> tuple[str, TableSet, int]:
    from pipeline.extract import extract_case
    from pipeline.standoff import to_brat
    from pipeline.tables import build_tables

    annotated, demographics = extract_case(doc, seg)
    tables = build_tables(doc, annotated, demographics)
    return to_brat(annotated, doc.source_text), tables, len(annotated.mentions)
