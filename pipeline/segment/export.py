"""A segmented document as JSON a person or another tool can read, in source offsets."""

from __future__ import annotations

from typing import Any

from pipeline.ingest.document import SourceDocument
from pipeline.segment.model import Segmentation


def segmented_document_json(doc: SourceDocument, seg: Segmentation) -> dict[str, Any]:
    """Everything ingestion and segmentation found; every span in source-text offsets."""

    def span(start: int, end: int) -> dict[str, Any]:
        s, e = doc.to_source(start, end)
        return {"start": s, "end": e, "text": doc.source_text[s:e]}

    return {
        "doc_id": doc.doc_id,
        "path": str(doc.path),
        "sha256": doc.sha256,
        "format": doc.format,
        "title": doc.title,
        "pages": doc.pages,
        "characters": len(doc.source_text),
        "cleaning": doc.cleaning_counts,
        "warnings": doc.warnings,
        "sections": [
            {"kind": s.kind, "title": s.title, "case_id": s.case_id, **_bounds(doc, s.start, s.end)}
            for s in seg.sections
        ],
        "tables": [
            {
                "caption": t.caption,
                "flattened": t.flattened,
                **_bounds(doc, t.start, t.end),
                "header": span(*t.header) if t.header else None,
                "rows": [
                    {"key": r.key, **span(r.start, r.end), "cells": [span(a, b) for a, b in r.cells]}
                    for r in t.rows
                ],
                "footnote": span(*t.footnote) if t.footnote else None,
            }
            for t in seg.tables
        ],
        "sentences": [{"kind": s.kind, **span(s.start, s.end)} for s in seg.sentences],
    }


def _bounds(doc: SourceDocument, start: int, end: int) -> dict[str, int]:
    s, e = doc.to_source(start, end)
    return {"start": s, "end": e}
