"""The review report: static HTML pages a person reads to check the extractions."""

from pipeline.report.write import write_report

__all__ = ["write_report"]
