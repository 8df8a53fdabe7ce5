"""Shared fixtures: where the source papers and bundled examples are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = ROOT / "corpora" / "examples"
PAPERS = {
    "csle": "000_6609ea2d8f922a32",
    "sjia_cohort": "002_3b45bec07c519aaf",
    "sjia_case": "004_38da902c7f834fce",
}


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The folder of the three source papers; tests that need it skip when it is absent."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def paper_text(shared_corpus: Path):  # type: ignore[no-untyped-def]
    """Read a source paper by its short name."""

    def read(name: str) -> str:
        return (shared_corpus / f"{PAPERS[name]}.txt").read_text(encoding="utf-8")

    return read
