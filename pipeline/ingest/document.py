"""The ingested document: source text, cleaned text, and the map between their offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.offsets import OffsetMap


@dataclass(frozen=True)
class TableCell:
    """One cell of a table, as a half-open span of the document's source text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ExtractedTable:
    """A table read cell by cell from a PDF or JATS file: rows of cells in source offsets."""

    page: int | None
    caption: str
    rows: tuple[tuple[TableCell, ...], ...]


@dataclass
class SourceDocument:
    """A case report after ingestion: what the file said and what the pipeline reads.

    ``source_text`` is the text of the file (decoded text; for a PDF or JATS file, the text the
    ingester laid out from it) and is what every offset in the outputs refers to. ``clean_text``
    is the cleaned text the extractors read; ``offsets`` maps clean offsets to source offsets.
    """

    doc_id: str
    path: Path
    sha256: str
    format: str
    source_text: str
    clean_text: str
    offsets: OffsetMap
    pages: int | None = None
    page_starts: tuple[int, ...] = ()
    tables: list[ExtractedTable] = field(default_factory=list)
    cleaning_counts: dict[str, int] = field(default_factory=dict)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the clean text to the source text."""
        return self.offsets.to_source(start, end)

    def page_of(self, source_offset: int) -> int | None:
        """The 1-based page on which a source offset lies (PDF only)."""
        if not self.page_starts:
            return None
        page = 0
        for n, start in enumerate(self.page_starts):
            if start <= source_offset:
                page = n
        return page + 1
