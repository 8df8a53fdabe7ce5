"""SCORE normalisers: instrument names, stated values, statistics, spreads, lexicon validation."""

from __future__ import annotations

import pytest

from pipeline.normalize.scores import (
    INSTRUMENT_COLUMNS,
    Spread,
    build_instruments,
    instrument_lexicon,
    lookup_instrument,
    parse_score_value,
    parse_spread,
    parse_stat,
)
from pipeline.tsv import LexiconError, parse_tsv


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("SLEDAI-2K", "SLEDAI-2K"),
        ("SLE Disease Activity Index-2000", "SLEDAI-2K"),
        ("SDI", "SDI"),
        ("sJADAS", "sJADAS"),
        ("SJADAS", "sJADAS"),
        ("JADAS-27", "JADAS-27"),
        ("JADAS-10", "JADAS-10"),
        ("CLASI", "CLASI"),
        ("Juvenile Arthritis\nDisease Activity Score", "JADAS"),
        ("sledai-2k", None),
        ("SLICC", None),
    ],
)
def test_lookup_instrument(surface: str, expected: str | None) -> None:
    found = lookup_instrument(surface)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(
    ("instrument", "text", "expected"),
    [
        ("SLEDAI-2K", "4.00", 4.0),
        ("SLEDAI-2K", "11.11", 11.11),
        ("SLEDAI-2K", "0", 0.0),
        ("SLEDAI-2K", "106", None),
        ("SDI", "48", None),
        ("JADAS-27", "56.5", 56.5),
        ("JADAS-27", "58", None),
        ("sJADAS", "14.1", 14.1),
        ("NOPE", "1", None),
    ],
)
def test_parse_score_value(instrument: str, text: str, expected: float | None) -> None:
    assert parse_score_value(instrument, text) == expected


@pytest.mark.parametrize(
    ("instrument", "cell", "expected"),
    [
        ("SLEDAI-2K", "8", True),
        ("SLEDAI-2K", "6*", True),
        ("SLEDAI-2K", "10.00", False),
        ("SLEDAI-2K", "120", False),
        ("sJADAS", "20.3", True),
        ("sJADAS", "15,600", False),
    ],
)
def test_instrument_accepts_cell(instrument: str, cell: str, expected: bool) -> None:
    assert instrument_lexicon()[1][instrument].accepts_cell(cell) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(interquartile range:\n[IQR]: 1.50, 8.50)", Spread(1.5, 8.5, "iqr")),
        ("(IQR: 1.00, 6.00)", Spread(1.0, 6.0, "iqr")),
        ("(range: 7-16)", Spread(7.0, 16.0, "range")),
        ("(range 8–16)", Spread(8.0, 16.0, "range")),
        ("(6, 28.2)", Spread(6.0, 28.2, "range")),
        ("(16, 7)", None),
        ("(moderate disease activity)", None),
    ],
)
def test_parse_spread(text: str, expected: Spread | None) -> None:
    assert parse_spread(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("median", "median"), ("Mean", "mean"), ("average", "average"), ("the", "value")],
)
def test_parse_stat(word: str, expected: str) -> None:
    assert parse_stat(word) == expected


def _rows(body: str) -> list[tuple[int, dict[str, str]]]:
    return parse_tsv("\t".join(INSTRUMENT_COLUMNS) + "\n" + body, "instruments.tsv",
                     INSTRUMENT_COLUMNS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("SDI\tSDI\t0\t47\tyes\texact\nSDI\tSDI\t0\t47\tyes\texact\n", "instruments.tsv:3: 'SDI' repeats"),
        ("SDI\tSDI\t0\t47\tyes\texact\nSLE Damage Index\tSDI\t0\t46\tyes\tlower\n", "instruments.tsv:3: SDI has"),
        ("SDI\tSDI\t0\t47\tmaybe\texact\n", "instruments.tsv:2: integer must be yes or no"),
        ("SDI\tSDI\t47\t0\tyes\texact\n", "instruments.tsv:2: min/max"),
    ],
)
def test_instrument_lexicon_errors_name_file_and_line(body: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        build_instruments(_rows(body), "instruments.tsv")
