"""External benchmarks: casemine measured on public gold corpora (``python -m benchmarks.accuracy``)."""
