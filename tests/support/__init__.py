"""Helpers shared by the tests (renderers of fixture files)."""
