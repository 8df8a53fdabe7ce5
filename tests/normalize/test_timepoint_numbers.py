"""Number words and unit spellings as parse_quantity reads them (one regex for the words, a cache
for the units): exact values, look-alikes that ignoring case matches included."""

from __future__ import annotations

import pytest

from pipeline.normalize.timepoints import NUMBER_WORDS, _number, parse_quantity, to_months


@pytest.mark.parametrize("word", sorted(NUMBER_WORDS))
def test_every_number_word_gives_its_value(word: str) -> None:
    assert _number(word) == NUMBER_WORDS[word]
    assert _number(f" {word.upper()} ") == NUMBER_WORDS[word]


@pytest.mark.parametrize(("token", "value"), [
    ("3", 3.0), ("2.5", 2.5), ("ſix", 6), ("fıve", 5), ("An", 1), ("a", 1), ("twelve", 12),
])
def test_numbers_and_look_alike_words(token: str, value: float) -> None:
    assert _number(token) == value


def test_a_word_that_is_no_number_word_is_read_as_a_float_and_fails() -> None:
    with pytest.raises(ValueError):
        _number("tens")


@pytest.mark.parametrize(("value", "unit", "months"), [
    (2, "years", 24.0), (1, "yr", 12.0), (3, "Months", 3.0), (4, "weeks", 0.92), (10, "days", 0.33),
    (3, "dayſ", 0.1), (2, " week ", 0.46),
])
def test_to_months_exact(value: float, unit: str, months: float) -> None:
    assert to_months(value, unit) == months
    assert to_months(value, unit) == months  # again, from the cached unit


def test_to_months_unknown_unit_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(KeyError):
            to_months(1, "hours")


def test_parse_quantity_lists_and_words() -> None:
    assert parse_quantity("1, 3, and 6 months") == (1.0, 3.0, 6.0)
    assert parse_quantity("two and ſix weeks") == (0.46, 1.38)
    assert parse_quantity("an year") == (12.0,)
