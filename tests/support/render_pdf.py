"""Render small test PDFs: prose in columns, ruled tables, encrypted and image-only files.

Only fpdf2 and its core fonts are used, so the rendered text is limited to latin-1; ``pdf_safe``
is the one mapping from arbitrary text to what the renderer writes, so a test can compare
extracted text with ``pdf_safe(original)``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fpdf import FPDF

FONT = "Helvetica"
FONT_SIZE = 10
TABLE_FONT_SIZE = 7
LINE_HEIGHT = 1.25  # multiple of the font size, for prose
GUTTER = 8  # mm between prose columns

# Common characters outside latin-1, mapped to what an author would type instead.
_REPLACEMENTS: dict[str, str] = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2022": "-",  # bullet
    "\u00ad": "",  # soft hyphen: invisible in print, pdfium drops it
}


@dataclass(frozen=True)
class Heading:
    """A section heading, printed bold in the prose columns."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text in the prose columns."""

    text: str


@dataclass(frozen=True)
class TableBlock:
    """A full-width table below its caption; the first row is the header.

    ``ruling="grid"`` rules every cell; ``ruling="horizontal"`` draws only horizontal rules
    between rows, as journals print tables.
    """

    caption: str
    rows: list[list[str]]
    ruling: Literal["grid", "horizontal"] = "grid"


Block = Heading | Paragraph | TableBlock


def _safe_char(char: str) -> str:
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    code = ord(char)
    if char in "\t\n" or (0x20 <= code <= 0x7E) or (0xA0 <= code <= 0xFF):
        return char
    name = unicodedata.name(char, "")
    if name.startswith("GREEK SMALL LETTER "):
        return name.removeprefix("GREEK SMALL LETTER ").split()[0].lower()
    if name.startswith("GREEK CAPITAL LETTER "):
        return name.removeprefix("GREEK CAPITAL LETTER ").split()[0].capitalize()
    if name == "MICRO SIGN":  # pragma: no cover - latin-1, kept above
        return char
    return "_"


def pdf_safe(text: str) -> str:
    """Map text to what the core-font renderer can print (latin-1; Greek letters by name)."""
    return "".join(_safe_char(c) for c in text)


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_font(FONT, size=FONT_SIZE)
    return pdf


def _render_prose(pdf: FPDF, blocks: Sequence[Heading | Paragraph], columns: int) -> None:
    """Flow headings and paragraphs through ``columns`` balanced columns."""
    with pdf.text_columns(
        ncols=columns, gutter=GUTTER, balance=True, line_height=LINE_HEIGHT, text_align="JUSTIFY"
    ) as cols:
        for block in blocks:
            with cols.paragraph(bottom_margin=2) as par:
                if isinstance(block, Heading):
                    pdf.set_font(FONT, style="B", size=FONT_SIZE)
                    par.write(pdf_safe(block.text))
                    pdf.set_font(FONT, style="", size=FONT_SIZE)
                else:
                    par.write(pdf_safe(block.text))
    pdf.ln(3)


def _render_table(pdf: FPDF, block: TableBlock) -> None:
    """Print a caption and a full-width table ruled as ``block.ruling`` asks."""
    # like a journal's full-width table: it starts on a fresh page so that it is not split
    if pdf.get_y() > pdf.t_margin + 1:
        pdf.add_page()
    pdf.set_font(FONT, size=TABLE_FONT_SIZE)
    pdf.multi_cell(w=pdf.epw, text=pdf_safe(block.caption), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    layout = "ALL" if block.ruling == "grid" else "HORIZONTAL_LINES"
    top, first_page = pdf.get_y(), pdf.page
    with pdf.table(
        borders_layout=layout,
        width=pdf.epw,
        text_align="LEFT",
        line_height=TABLE_FONT_SIZE * 0.3528 * LINE_HEIGHT,
        padding=1.2,
    ) as table:
        for row in block.rows:
            table_row = table.row()
            for cell in row:
                table_row.cell(pdf_safe(cell))
    if block.ruling == "horizontal":
        # journal style: a top rule and a bottom rule around the rules between rows
        bottom, last_page = pdf.get_y(), pdf.page
        pdf.page = first_page
        pdf.line(pdf.l_margin, top, pdf.l_margin + pdf.epw, top)
        pdf.page = last_page
        pdf.line(pdf.l_margin, bottom, pdf.l_margin + pdf.epw, bottom)
    pdf.set_font(FONT, size=FONT_SIZE)
    pdf.ln(4)


def _runs(blocks: Iterable[Block]) -> list[list[Block]]:
    """Group blocks into runs of prose and single tables, in document order."""
    runs: list[list[Block]] = []
    for block in blocks:
        if isinstance(block, TableBlock) or not runs or isinstance(runs[-1][0], TableBlock):
            runs.append([block])
        else:
            runs[-1].append(block)
    return runs


def render_pdf(blocks: Iterable[Block], path: Path, *, columns: int = 2) -> Path:
    """Render blocks to an A4 PDF at ``path``: prose in columns, tables at full width."""
    pdf = _new_pdf()
    pdf.add_page()
    for run in _runs(blocks):
        first = run[0]
        if isinstance(first, TableBlock):
            _render_table(pdf, first)
        else:
            _render_prose(pdf, [b for b in run if not isinstance(b, TableBlock)], columns)
    pdf.output(str(path))
    return path


def render_encrypted_pdf(path: Path, password: str) -> Path:
    """Render a one-page PDF that needs ``password`` to open."""
    pdf = _new_pdf()
    pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.add_page()
    pdf.multi_cell(w=0, text="This document is confidential.")
    pdf.output(str(path))
    return path


def render_image_only_pdf(path: Path) -> Path:
    """Render a one-page PDF with drawn shapes and no text layer, like a scanned page."""
    pdf = _new_pdf()
    pdf.add_page()
    pdf.set_fill_color(60, 60, 60)
    for n in range(12):
        pdf.rect(20, 30 + n * 15, 120 + (n % 3) * 20, 6, style="F")
    pdf.ellipse(140, 220, 40, 30, style="D")
    pdf.output(str(path))
    return path
