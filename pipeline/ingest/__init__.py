"""Ingestion: case-report files to :class:`SourceDocument` with a clean text and offset map."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from pipeline.ingest.cleaning import clean_text
from pipeline.ingest.document import ExtractedTable, SourceDocument
from pipeline.ingest.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".xml")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "SourceDocument",
    "discover_inputs",
    "ingest_bytes",
    "ingest_file",
]


def discover_inputs(
    paths: Iterable[Path], exclude: Iterable[str] = ()
) -> Iterator[Path | IngestError]:
    """Supported files under the given files and folders, in sorted order.

    Files inside folders whose name matches an ``exclude`` glob are passed over; files named
    explicitly are always taken.
    A path that does not exist or a folder that cannot be listed is yielded as an
    :class:`IngestError` so that a batch can log it and go on.
    """
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            except OSError as exc:
                yield IngestError(str(path), f"cannot list folder: {exc.strerror or exc}")
                continue
            patterns = list(exclude)
            for p in found:
                if any(fnmatch(p.name, pat) for pat in patterns):
                    continue
                if p.is_file() and not p.name.startswith("."):
                    yield p
        elif path.is_file():
            yield path
        elif path.exists():
            yield IngestError(str(path), "not a regular file")
        else:
            yield IngestError(str(path), "no such file or folder")


def ingest_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False) -> SourceDocument:
    """Read, lay out and clean one file; raise :class:`IngestError` naming it on failure."""
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(origin, f"unsupported file type {suffix or '(none)'}",
                          hint="supported: " + ", ".join(SUPPORTED_SUFFIXES))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(origin, f"file is {size:,} bytes, over the limit of {max_bytes:,}",
                              hint="raise max_file_bytes in config.yaml or --max-file-bytes")
        data = path.read_bytes()
    except PermissionError as exc:
        raise IngestError(origin, "permission denied: the file cannot be read") from exc
    except IsADirectoryError as exc:
        raise IngestError(origin, "is a folder, not a file") from exc
    except OSError as exc:
        raise IngestError(origin, f"cannot read file: {exc.strerror or exc}") from exc
    return ingest_bytes(data, path, ocr=ocr)


def ingest_bytes(data: bytes, path: Path, *, ocr: bool = False) -> SourceDocument:
    """Ingest the bytes of a file whose name (and so format) is ``path``."""
    origin = str(path)
    suffix = path.suffix.lower()
    sha = hashlib.sha256(data).hexdigest()
    tables: list[ExtractedTable] = []
    pages: int | None = None
    page_starts: tuple[int, ...] = ()
    title: str | None = None
    warnings: list[str] = []
    if suffix in (".txt", ".md"):
        from pipeline.ingest.text import decode_text

        source, encoding = decode_text(data, origin)
        fmt = "markdown" if suffix == ".md" else "text"
        if encoding not in ("utf-8", "utf-8-sig"):
            warnings.append(f"decoded as {encoding}")
    elif suffix == ".xml":
        from pipeline.ingest.jats import read_jats

        jats = read_jats(data, origin)
        source, title, tables, fmt = jats.text, jats.title, list(jats.tables), "jats"
    elif suffix == ".pdf":
        from pipeline.ingest.pdf_document import read_pdf_document

        pdf = read_pdf_document(data, path, ocr=ocr)
        source, tables, fmt = pdf.text, list(pdf.tables), "pdf"
        pages, page_starts, warnings = pdf.pages, pdf.page_starts, list(pdf.warnings)
    else:
        raise IngestError(origin, f"unsupported file type {suffix}")
    clean, offsets, counts = clean_text(source)
    if title is None:
        title = _first_paragraph(clean)
    return SourceDocument(
        doc_id=path.stem,
        path=path,
        sha256=sha,
        format=fmt,
        source_text=source,
        clean_text=clean,
        offsets=offsets,
        pages=pages,
        page_starts=page_starts,
        tables=tables,
        cleaning_counts=counts,
        title=title,
        warnings=warnings,
    )


def _first_paragraph(text: str) -> str | None:
    for block in text.split("\n\n"):
        words = " ".join(block.replace("#", " ").replace("*", " ").split())
        if words:
            return words[:300]
    return None
