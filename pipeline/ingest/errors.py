"""The one error type of ingestion: it names the file and says what is wrong with it."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is a one-line message naming the file."""

    def __init__(self, path: str, cause: str, *, hint: str | None = None) -> None:
        self.path = path
        self.cause = cause
        self.hint = hint
        message = f"{path}: {cause}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)
