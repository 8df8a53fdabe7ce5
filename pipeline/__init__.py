"""casemine: traceable extraction of treatments and outcomes from paediatric rheumatology case reports."""

__version__ = "0.2.0"
