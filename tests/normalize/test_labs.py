"""LAB normalisers: numbers, UCUM units, analyte names, canonical units, lexicon validation."""

from __future__ import annotations

import pytest

from pipeline.normalize.labs import (
    ANALYTE_COLUMNS,
    Measurement,
    analyte_lexicon,
    analyte_unit,
    build_analytes,
    lookup_analyte,
    parse_measurement,
    parse_number,
    parse_unit,
    to_canonical,
)
from pipeline.tsv import LexiconError, parse_tsv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,103.8", 1103.8),
        ("22,738", 22738.0),
        ("1,397", 1397.0),
        ("85.00", 85.0),
        ("0.931", 0.931),
        ("15.32", 15.32),
        ("1,5", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("× 10^9/L", "10*9/L"),
        ("x 10^9/L", "10*9/L"),
        ("× 109/L", "10*9/L"),
        ("×10^12/L", "10*12/L"),
        ("10^9/L", "10*9/L"),
        ("g/L", "g/L"),
        ("g/l", "g/L"),
        ("g/dl", "g/dL"),
        ("U/L", "U/L"),
        ("IU/mL", "[iU]/mL"),
        ("mm/h", "mm/h"),
        ("mm/hr", "mm/h"),
        ("pg/ml", "pg/mL"),
        ("ng/ml", "ng/mL"),
        ("mg/L", "mg/L"),
        ("mg/dl", "mg/dL"),
        ("µmol/L", "umol/L"),
        ("/mm3", "/mm3"),
        ("cells/µL", "/uL"),
        ("%", "%"),
        ("mg/kg", None),
        ("mg", None),
        ("years", None),
    ],
)
def test_parse_unit_writes_ucum_as_written(text: str, expected: str | None) -> None:
    assert parse_unit(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.32 × 10^9/L", Measurement(15.32, "10*9/L")),
        ("1,103.8 U/L", Measurement(1103.8, "U/L")),
        ("39.29 pg/ml", Measurement(39.29, "pg/mL")),
        ("1,714 pg/ml", Measurement(1714.0, "pg/mL")),
        ("50 mm/h", Measurement(50.0, "mm/h")),
        ("15 mg qd", None),
        ("< 6 mg/L", None),
    ],
)
def test_parse_measurement(text: str, expected: Measurement | None) -> None:
    assert parse_measurement(text) == expected


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("white blood cell count", "wbc"),
        ("WBC", "wbc"),
        ("platelet count", "platelets"),
        ("haemoglobin", "hemoglobin"),
        ("Ferritin", "ferritin"),
        ("erythrocyte\nsedimentation rate", "esr"),
        ("c-reactive protein", "crp"),
        ("interleukin (IL)-6", "il6"),
        ("IL-6", "il6"),
        ("TNF-α", "tnf_alpha"),
        ("IFN-γ", "ifn_gamma"),
        ("sIL-2R", "sil2r"),
        ("alanine transaminase", "alt"),
        ("aspartate aminotransferase", "ast"),
        ("complement C3", "c3"),
        ("anti-\ndsDNA", "anti_dsdna"),
        ("dsDNA", "anti_dsdna"),
        ("Rheumatoid factor", "rf"),
        ("antinuclear antibody", "ana"),
        ("anti-cyclic citrullinated peptides", "anti_ccp"),
        ("human leukocyte antigen B27", "hla_b27"),
        ("wbc", None),
        ("serum ferritin", None),
        ("proteinuria", None),
    ],
)
def test_lookup_analyte(surface: str, expected: str | None) -> None:
    assert lookup_analyte(surface) == expected


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected"),
    [
        ("wbc", 15.32, "10*9/L", (15.32, "10*9/L")),
        ("wbc", 15320, "/mm3", (15.32, "10*9/L")),
        ("wbc", 15.32, "10*3/uL", (15.32, "10*9/L")),
        ("platelets", 676800, "/uL", (676.8, "10*9/L")),
        ("crp", 1.41, "mg/dL", (14.1, "mg/L")),
        ("crp", 146, "g/L", (146000.0, "mg/L")),
        ("hemoglobin", 9.18, "g/dL", (91.8, "g/L")),
        ("ferritin", 1103.8, "ug/L", (1103.8, "ng/mL")),
        ("il6", 0.28795, "ng/mL", (287.95, "pg/mL")),
        ("esr", 85, "mm/h", (85.0, "mm/h")),
        ("creatinine", 0.5, "mg/dL", (44.200849, "umol/L")),
        ("anti_dsdna", 212, "[iU]/mL", (212.0, "[iU]/mL")),
        ("ferritin", 1103.8, "U/L", None),
        ("hla_b27", 1, "%", None),
        ("no_such_analyte", 1, "g/L", None),
        ("crp", 1, "bananas/L", None),
    ],
)
def test_to_canonical_exact(analyte: str, value: float, unit: str,
                            expected: tuple[float, str] | None) -> None:
    assert to_canonical(analyte, value, unit) == expected


def test_every_analyte_has_one_canonical_unit() -> None:
    forms, analytes = analyte_lexicon()
    assert {f.analyte for f in forms} == set(analytes)
    assert analyte_unit("crp") == "mg/L"
    assert analyte_unit("hla_b27") is None


def _rows(body: str) -> list[tuple[int, dict[str, str]]]:
    return parse_tsv("\t".join(ANALYTE_COLUMNS) + "\n" + body, "analytes.tsv", ANALYTE_COLUMNS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("CRP\tcrp\tmg/L\t\texact\nCRP\tcrp\tmg/L\t\texact\n", "analytes.tsv:3: 'CRP' repeats line 2"),
        ("CRP\tcrp\tmg/L\t\texact\nC-reactive protein\tcrp\tg/L\t\tlower\n", "analytes.tsv:3: crp has"),
        ("CRP\tCRP!\tmg/L\t\texact\n", "analytes.tsv:2: needs a surface and an analyte code"),
        ("CRP\tcrp\tbananas/L\t\texact\n", "analytes.tsv:2: unit 'bananas/L'"),
        ("CRP\tcrp\tmg/L\texact\n", "analytes.tsv:2: expected 5 columns"),
        ("CRP\tcrp\tmg/L\t\tupper\n", "analytes.tsv:2: match must be exact or lower"),
    ],
)
def test_analyte_lexicon_errors_name_file_and_line(body: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace("*", r"\*")):
        build_analytes(_rows(body), "analytes.tsv")
