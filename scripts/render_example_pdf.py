"""Render the bundled fictional report ex03 as a two-column PDF with a ruled table.

Run from the repository root: ``python scripts/render_example_pdf.py``. Writes
``corpora/examples/ex06_ruxolitinib_series_as_pdf.pdf``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ingest_file  # noqa: E402
from tests.support.paper_to_pdf import render_document_pdf  # noqa: E402


def main() -> None:
    """Render the example and print where it went."""
    source = ROOT / "corpora" / "examples" / "ex03_flattened_table_ruxolitinib.txt"
    target = ROOT / "corpora" / "examples" / "ex06_ruxolitinib_series_as_pdf.pdf"
    render_document_pdf(ingest_file(source), target)
    print(target)


if __name__ == "__main__":
    main()
