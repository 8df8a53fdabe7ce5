"""The case database (SQLite by default, PostgreSQL by URL), derived from the table schemas."""

from pipeline.db.store import CaseStore, DatabaseError, open_store

__all__ = ["CaseStore", "DatabaseError", "open_store"]
