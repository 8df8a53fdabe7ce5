"""Run the pipeline over many files: one document at a time, errors logged, never fatal."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.files import write_text_atomic
from pipeline.ingest import IngestError, discover_inputs, ingest_file
from pipeline.segment import segment
from pipeline.segment.export import segmented_document_json
from pipeline.settings import Settings


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to one input file."""

    path: str
    doc_id: str | None
    status: str  # "ok", "error" or "duplicate"
    sha256: str | None = None
    message: str = ""
    sections: int = 0
    tables: int = 0
    sentences: int = 0
    mentions: int = 0
    seconds: float = 0.0


@dataclass
class RunSummary:
    """The outcome of a run over a batch of files."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    seconds: float = 0.0
    output_dir: Path = Path("outputs")
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "ok"]

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
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[DocumentOutcome], None] | None = None,
) -> RunSummary:
    """Ingest and segment every file under ``paths``; write ``documents/<doc_id>.json``.

    With ``extract``, also find the mentions and write ``brat/<doc_id>.ann`` and ``.txt``.
    A file that fails is logged with its error and the batch goes on.
    """
    t0 = time.perf_counter()
    out_dir = settings.output_dir / "documents"
    summary = RunSummary(output_dir=settings.output_dir)
    found = list(discover_inputs(paths, exclude=settings.exclude))
    if on_start:
        on_start(len(found))
    seen: dict[str, str] = {}
    for item in found:
        if isinstance(item, IngestError):
            outcome = DocumentOutcome(item.path, None, "error", message=str(item))
        else:
            outcome = _ingest_one(item, settings, out_dir, seen, extract)
        summary.outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    summary.seconds = time.perf_counter() - t0
    _write_log(summary, settings.output_dir / "ingest_log.jsonl")
    return summary


def _ingest_one(
    path: Path, settings: Settings, out_dir: Path, seen: dict[str, str], extract: bool
) -> DocumentOutcome:
    t0 = time.perf_counter()
    try:
        doc = ingest_file(path, max_bytes=settings.max_file_bytes, ocr=settings.ocr)
    except IngestError as exc:
        return DocumentOutcome(str(path), path.stem, "error", message=str(exc),
                               seconds=time.perf_counter() - t0)
    if doc.sha256 in seen:
        return DocumentOutcome(str(path), doc.doc_id, "duplicate", doc.sha256,
                               f"{path}: same content as {seen[doc.sha256]}, skipped",
                               seconds=time.perf_counter() - t0)
    seen[doc.sha256] = str(path)
    seg = segment(doc.clean_text)
    payload = segmented_document_json(doc, seg)
    write_text_atomic(out_dir / f"{doc.doc_id}.json", json.dumps(payload, ensure_ascii=False, indent=1))
    mentions = 0
    if extract:
        from pipeline.extract import extract_document
        from pipeline.standoff import write_brat

        try:
            annotated = extract_document(doc)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            # a fault of the pipeline on this document: log it, keep the batch going
            return DocumentOutcome(
                str(path), doc.doc_id, "error", doc.sha256,
                f"{path}: extraction failed ({type(exc).__name__}: {exc})",
                seconds=time.perf_counter() - t0,
            )
        write_brat(annotated, doc.source_text, settings.output_dir / "brat")
        mentions = len(annotated.mentions)
    return DocumentOutcome(
        str(path), doc.doc_id, "ok", doc.sha256,
        sections=len(seg.sections), tables=len(seg.tables), sentences=len(seg.sentences),
        mentions=mentions, seconds=time.perf_counter() - t0,
    )


def _write_log(summary: RunSummary, path: Path) -> None:
    lines = [json.dumps(asdict(o), ensure_ascii=False) for o in summary.outcomes]
    write_text_atomic(path, "\n".join(lines) + ("\n" if lines else ""))
