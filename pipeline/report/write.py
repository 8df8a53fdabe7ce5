"""Write the review report: a static HTML site that opens from disk, no server, no network.

``<out>/report/index.html`` lists the documents (and the scores when gold is given),
``doc/<doc_id>.html`` shows each source text with its mentions marked and its table rows,
``patient/<doc_id>/<patient_id>.html`` each patient's timeline and rows, ``errors/<label>.html``
the errors of each label. Stylesheet and script are local files under ``assets/``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.files import write_text_atomic
from pipeline.report.compare import score_corpus
from pipeline.report.links import document_page, index_page, patient_page
from pipeline.report.render import (
    render_assets,
    render_document,
    render_error_pages,
    render_index_pages,
    render_patient,
)
from pipeline.report.rows import DocumentRows, split_by_document
from pipeline.report.spans import predicted_mentions
from pipeline.standoff import Annotated
from pipeline.tables.build import TableSet


def document_pages(rows: DocumentRows, text: str | None, gold: Annotated | None) -> dict[str, str]:
    """The document page and its patients' pages, by path relative to the report folder."""
    pages = {document_page(rows.doc_id): render_document(rows, text, gold)}
    for patient in rows.rows["patients"]:
        pages[patient_page(rows.doc_id, str(patient["patient_id"]))] = render_patient(rows, patient, text)
    return pages


def _rendered_documents(
    documents: Sequence[DocumentRows], texts: Mapping[str, str], gold: Mapping[str, Annotated], workers: int
) -> Iterator[dict[str, str]]:
    jobs = (list(documents), [texts.get(d.doc_id) for d in documents],
            [gold.get(d.doc_id) for d in documents])
    if workers <= 1 or len(documents) <= 1:
        yield from map(document_pages, *jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(document_pages, *jobs, chunksize=4)


def _write(report_dir: Path, pages: Mapping[str, str]) -> None:
    for relative, html in pages.items():
        write_text_atomic(report_dir / relative, html)


def write_report(
    out_dir: Path,
    tables: TableSet,
    texts: Mapping[str, str],
    *,
    gold: Mapping[str, Annotated] | None = None,
    workers: int = 1,
) -> Path:
    """Write the report of ``tables`` into ``out_dir/report`` and return the path of its index.

    ``texts`` maps each doc_id to the source text the offsets refer to; ``gold`` maps doc_ids to
    gold annotations (``pipeline.standoff.read_brat``), which adds the scores and marks the errors.
    ``workers`` > 1 renders documents in that many processes (the figures take most of the time).
    """
    report_dir = out_dir / "report"
    gold = dict(gold or {})
    documents = split_by_document(tables)
    predictions = {d.doc_id: predicted_mentions(d.frames["mentions"]) for d in documents if d.doc_id in gold}
    score = score_corpus(gold, predictions) if gold else None
    _write(report_dir, render_assets())
    for pages in _rendered_documents(documents, texts, gold, workers):
        _write(report_dir, pages)  # as they come: memory stays bounded for many documents
    if score is not None:
        _write(report_dir, render_error_pages(score, texts))
    _write(report_dir, render_index_pages(documents, gold, score))  # last: links to what exists
    return report_dir / index_page(1)
