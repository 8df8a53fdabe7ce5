"""Throughput of casemine's stages beside a blank spaCy tokenizer, the peer drug taggers and pypdfium2.

Every system runs on the same documents in the same process, interleaved within each repeat so
that a busy machine slows them alike. Words are the whitespace-separated words of casemine's
clean text of each document, one count per document shared by every system, so words/s of two
systems compare as their times do. The first call of each system (lazy imports, lexicons, the
spaCy pipeline) is timed apart as its start-up and left out of the repeats.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.report import SYSTEM_NAMES
from pipeline.ingest.document import SourceDocument

TEXT_SUFFIXES = (".txt", ".md", ".xml")
NOT_REPORTS = ("README.md", "MANIFEST.md", "SOURCES.md")

EXTRACTION_TARGET = 0.5
"""Full extraction's words/s at least this share of the blank tokenizer's."""
PDF_TARGET = 2.0
"""PDF ingestion's time at most this multiple of pypdfium2's raw text extraction on the same PDFs."""


def text_inputs(*folders: Path) -> list[Path]:
    """The reports in a text format (.txt, .md, JATS .xml) in each folder, sorted; none from an absent one."""
    return [p for folder in folders for p in sorted(folder.glob("*"))
            if p.suffix.lower() in TEXT_SUFFIXES and p.is_file() and p.name not in NOT_REPORTS]


def render_paper_pdfs(papers: Iterable[Path], folder: Path) -> tuple[list[Path], str]:
    """The papers rendered as two-column PDFs by the test renderer into ``folder``; a note if it cannot."""
    try:
        from tests.support.paper_to_pdf import render_document_pdf
    except ImportError as exc:  # fpdf2 is a test extra; the tests folder is read from the checkout
        return [], f"papers not rendered to PDF ({exc})"
    from pipeline.ingest import ingest_file

    folder.mkdir(parents=True, exist_ok=True)
    return [render_document_pdf(ingest_file(p), folder / f"{p.stem}.pdf") for p in papers], ""


@dataclass
class Timing:
    """One system's runs over one set of documents."""

    system: str
    description: str
    documents: int
    words: int
    startup_seconds: float
    seconds: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Seconds, words/s and documents/s as median, min and max over the repeats."""

        def rates(amount: int) -> dict[str, float]:
            per_s = [amount / s if s > 0 else float("inf") for s in self.seconds]
            return {"median": statistics.median(per_s), "min": min(per_s), "max": max(per_s)}

        return {
            "system": self.system,
            "description": self.description,
            "documents": self.documents,
            "words": self.words,
            "repeats": len(self.seconds),
            "startup_seconds": round(self.startup_seconds, 4),
            "seconds": {"median": statistics.median(self.seconds), "min": min(self.seconds),
                        "max": max(self.seconds), "all": [round(s, 4) for s in self.seconds]},
            "words_per_s": rates(self.words),
            "documents_per_s": rates(self.documents),
        }


Work = Callable[[], object]


def _timed(work: Work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run_systems(systems: dict[str, tuple[str, Work, Work]], documents: int, words: int,
                repeats: int) -> dict[str, Timing]:
    """Time each system's warm-up once, then ``repeats`` rounds of every system in turn.

    ``systems`` maps a name to (description, warm-up, work over all documents).
    """
    timings = {name: Timing(name, desc, documents, words, _timed(warm))
               for name, (desc, warm, _) in systems.items()}
    for _ in range(repeats):
        for name, (_, _, work) in systems.items():
            timings[name].seconds.append(_timed(work))
    return timings


def extraction_stages(docs: Sequence[SourceDocument], repeats: int) -> dict[str, float]:
    """Where extraction's time goes: the median milliseconds of each stage over ``repeats`` passes
    over ``docs`` (after one pass to warm up), in the order the stages run."""
    from pipeline.extract import StageClock, extract_document

    passes: list[dict[str, float]] = []
    for _ in range(repeats + 1):
        seconds: dict[str, float] = {}
        for doc in docs:
            extract_document(doc, clock=StageClock(seconds))
        passes.append(seconds)
    measured = passes[1:]
    return {stage: round(1000 * statistics.median(p.get(stage, 0.0) for p in measured), 2)
            for stage in passes[0]}


def _extract_all(docs: Sequence[SourceDocument]) -> None:
    from pipeline.extract import extract_document

    for doc in docs:
        extract_document(doc)


def _whole(paths: Sequence[Path]) -> None:
    from pipeline.extract import extract_document
    from pipeline.ingest import ingest_file
    from pipeline.tables import build_tables

    for path in paths:
        doc = ingest_file(path)
        build_tables(doc, extract_document(doc))


def _ingest_all(paths: Sequence[Path]) -> list[SourceDocument]:
    from pipeline.ingest import ingest_file

    return [ingest_file(p) for p in paths]


def _peer_all(texts: Sequence[str]) -> None:
    from benchmarks.peer import find_peer_drugs

    for text in texts:
        find_peer_drugs(text)


def _lexicon_peer_all(texts: Sequence[str]) -> None:
    from benchmarks.lexicon_peer import find_lexicon_drugs

    for text in texts:
        find_lexicon_drugs(text)


def _pypdfium2_text(path: Path) -> str:
    """All pages' raw text, as pypdfium2 gives it: the floor any PDF ingestion starts from."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        parts = []
        for page in pdf:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        pdf.close()


def text_systems(paths: Sequence[Path], docs: Sequence[SourceDocument]) -> dict[str, tuple[str, Work, Work]]:
    """casemine's stages on text files beside the blank tokenizer and the peers, on the same texts."""
    import spacy

    from pipeline.nlp import build_nlp

    texts = [d.clean_text for d in docs]
    nlp = spacy.blank("en")
    tokenizer = build_nlp().tokenizer
    first = paths[:1]
    return {
        "casemine ingest": ("pipeline.ingest.ingest_file per file (read, decode, clean)",
                            lambda: _ingest_all(first), lambda: _ingest_all(paths)),
        "casemine extract": ("pipeline.extract.extract_document on the ingested documents",
                             lambda: _extract_all(docs[:1]), lambda: _extract_all(docs)),
        "casemine whole": ("ingest_file + extract_document + pipeline.tables.build_tables per file",
                           lambda: _whole(first), lambda: _whole(paths)),
        "spaCy blank tokenizer": ('spacy.blank("en"), list(nlp.pipe(clean texts))',
                                  lambda: list(nlp.pipe(texts[:1])), lambda: list(nlp.pipe(texts))),
        "casemine tokenizer": ("the blank tokenizer with spaCy's cache kept in use (the same tokens; see "
                               "pipeline.extractors.tokenizer), as extract_document runs it",
                               lambda: [tokenizer(t) for t in texts[:1]],
                               lambda: [tokenizer(t) for t in texts]),
        SYSTEM_NAMES["drug_ner"]: (
            "benchmarks.peer.find_peer_drugs on the clean texts (tokenize + find_drugs)",
            lambda: _peer_all(texts[:1]), lambda: _peer_all(texts)),
        SYSTEM_NAMES["lexicon_matcher"]: (
            "benchmarks.lexicon_peer.find_lexicon_drugs on the clean texts (blank tokenizer + two "
            "PhraseMatchers over casemine's drug vocabulary + filter_spans; the matchers are built once per "
            "process, by its first call)",
            lambda: _lexicon_peer_all(texts[:1]), lambda: _lexicon_peer_all(texts)),
    }


def pdf_systems(paths: Sequence[Path]) -> dict[str, tuple[str, Work, Work]]:
    """casemine's PDF ingestion beside pypdfium2's raw text extraction of the same files."""

    def raw(ps: Sequence[Path]) -> None:
        for p in ps:
            _pypdfium2_text(p)

    first = paths[:1]
    return {
        "casemine ingest PDF": ("pipeline.ingest.ingest_file per PDF (layout, tables, cleaning)",
                                lambda: _ingest_all(first), lambda: _ingest_all(paths)),
        "pypdfium2 raw text": ("pypdfium2.PdfDocument(path), get_textpage().get_text_range() per page",
                               lambda: raw(first), lambda: raw(paths)),
    }


def _words(docs: Iterable[SourceDocument]) -> int:
    return sum(len(d.clean_text.split()) for d in docs)


def _median(timings: dict[str, Any], system: str, key: str) -> float:
    return float(timings[system][key]["median"])


def targets(text: dict[str, Any], pdf: dict[str, Any]) -> list[dict[str, Any]]:
    """The speed targets measured: name, rule, value (a ``share`` or ``times``), threshold, pass."""
    out = []
    if text:
        ratio = (_median(text, "casemine extract", "words_per_s")
                 / _median(text, "spaCy blank tokenizer", "words_per_s"))
        out.append({"name": "extraction vs blank tokenizer",
                    "rule": f"casemine extract words/s >= {EXTRACTION_TARGET:.0%} of the blank tokenizer's",
                    "value": ratio, "unit": "share", "threshold": EXTRACTION_TARGET,
                    "pass": ratio >= EXTRACTION_TARGET})
    if pdf:
        ratio = (_median(pdf, "casemine ingest PDF", "seconds")
                 / _median(pdf, "pypdfium2 raw text", "seconds"))
        out.append({"name": "PDF ingestion vs pypdfium2",
                    "rule": f"casemine PDF ingestion time <= {PDF_TARGET:g}x pypdfium2's raw text time",
                    "value": ratio, "unit": "times", "threshold": PDF_TARGET, "pass": ratio <= PDF_TARGET})
    return out


def run_speed(texts: Sequence[Path], pdfs: Sequence[Path], *, repeats: int = 5) -> dict[str, Any]:
    """Throughput of every system on the text files and on the PDFs, with the targets."""
    started = time.perf_counter()
    result: dict[str, Any] = {"repeats": repeats, "texts": {}, "pdfs": {}}
    if texts:
        docs = _ingest_all(texts)
        timings = run_systems(text_systems(texts, docs), len(docs), _words(docs), repeats)
        result["texts"] = {"files": [str(p) for p in texts],
                           "systems": {k: t.to_dict() for k, t in timings.items()},
                           "stages": extraction_stages(docs, repeats)}
    if pdfs:
        docs = _ingest_all(pdfs)
        timings = run_systems(pdf_systems(pdfs), len(docs), _words(docs), repeats)
        result["pdfs"] = {"files": [str(p) for p in pdfs],
                          "systems": {k: t.to_dict() for k, t in timings.items()}}
    result["targets"] = targets(result["texts"].get("systems", {}), result["pdfs"].get("systems", {}))
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
