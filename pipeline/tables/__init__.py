"""Typed tables of one or more documents: schemas, building and writing."""

from pipeline.tables.build import Demographic, Evidence, TableSet, build_tables
from pipeline.tables.schemas import COHORT, PHASES, TABLE_SCHEMAS, columns

__all__ = ["COHORT", "PHASES", "TABLE_SCHEMAS", "Demographic", "Evidence", "TableSet", "build_tables",
           "columns"]
