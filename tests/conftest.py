"""Shared fixtures: where the source papers and bundled examples are."""

from __future__ import annotations

from collections.abc import Callable
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
def paper_text(shared_corpus: Path) -> Callable[[str], str]:
    """Read a source paper by its short name."""

    def read(name: str) -> str:
        return (shared_corpus / f"{PAPERS[name]}.txt").read_text(encoding="utf-8")

    return read


POSTGRES_ENV = "CASEMINE_TEST_POSTGRES_URL"


def _fresh_postgres(url: str) -> str:
    """Empty the test PostgreSQL database (it belongs to the tests) and return its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            for (view,) in conn.execute(sa.text(
                    "SELECT table_name FROM information_schema.views WHERE table_schema = 'public'")):
                conn.execute(sa.text(f'DROP VIEW IF EXISTS "{view}" CASCADE'))
            for (table,) in conn.execute(sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty case database: a SQLite file, and the PostgreSQL test database when configured.

    CI sets CASEMINE_TEST_POSTGRES_URL (and CASEMINE_REQUIRE_POSTGRES, so that a PostgreSQL that
    cannot be reached fails the run instead of skipping it).
    """
    import os

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CASEMINE_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_ENV} is not set but CASEMINE_REQUIRE_POSTGRES is")
        pytest.skip(f"no PostgreSQL for tests: set {POSTGRES_ENV}")
    return _fresh_postgres(url)
