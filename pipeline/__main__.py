"""``python -m pipeline`` is the ``casemine`` command line."""

from pipeline.cli import app

app(prog_name="casemine")
