"""Where each page of the report lives and the ids its links point to."""

from __future__ import annotations

import re

SAFE = re.compile(r"[A-Za-z0-9_-]")


def file_stem(name: str) -> str:
    """A file name for any id: safe characters kept, others as ``.xxxx`` (so no two ids collide)."""
    stem = "".join(c if SAFE.fullmatch(c) else f".{ord(c):04x}" for c in name)
    return stem or ".empty"


def document_page(doc_id: str) -> str:
    """The document page, relative to the report folder."""
    return f"doc/{file_stem(doc_id)}.html"


def patient_page(doc_id: str, patient_id: str) -> str:
    """The patient page, relative to the report folder."""
    return f"patient/{file_stem(doc_id)}/{file_stem(patient_id)}.html"


def evidence_anchor(start: int, end: int) -> str:
    """The id of the element holding the source characters ``[start, end)``."""
    return f"ev-{start}-{end}"


def index_page(number: int) -> str:
    """Page ``number`` (from 1) of the document list; the first one is ``index.html``."""
    return "index.html" if number == 1 else f"documents-{number}.html"


def errors_page(label: str) -> str:
    """The error list of one label."""
    return f"errors/{file_stem(label)}.html"
