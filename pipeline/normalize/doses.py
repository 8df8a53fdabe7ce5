"""Posology: a dose expression as written (``480 mg q4w IV``) to a typed :class:`Dose`.

``parse_dose`` reads the whole span or returns ``None``: every piece of the text must be an
amount, a unit, a per-weight or per-surface denominator, a rate's time, a frequency, a route or a
total count, so a text with anything it does not understand is not turned into a half-filled dose.
Attribute formats follow ``annotations/GUIDELINES.md`` §DOSE; beyond its lists, frequencies are
``q<n>h`` (every n hours), ``q<n>d`` (every n days), ``biw``/``tiw``/``<n>xw`` (times a week),
``<n>xd`` (5 or more times a day), ``qmo``/``q<n>mo`` (months), an infusion rate carries
``per_time=min|h``, and a countable form (``two tablets``) has a UCUM annotation unit
(``{tablet}``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.extractors.found import format_number

# a thousands group never follows a leading 0: "0,125" is a decimal comma
NUM = r"[1-9]\d{0,2}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
# a decimal comma only where it can be nothing else (patterns/doses.yaml decimal_comma)
DECIMAL_COMMA = r"(?:0,\d{1,3}|[1-9]\d{0,2},(?:\d|\d[1-9]))(?![\d,])"
FORMS = ("tablet", "capsule", "pill", "puff", "inhalation", "sachet", "drop", "ampoule",
         "vial", "suppository", "lozenge", "spray")
FORM_UNIT = (r"tablets?|tabs?|capsules?|pills?|puffs?|inhalations?|sachets?|drops?|ampoules?"
             r"|ampules?|vials?|suppositor(?:y|ies)|lozenges?|sprays?")
# "g" and "U" are case-sensitive: "18 G" is a gauge, "5 u" nothing; "MIU" is a million units;
# "UI" is the international unit written in French, Spanish or Italian
UNIT = (r"mg|(?-i:g)|µg|μg|ug|mcg|ml|iu|(?-i:UI)|gy|mmol|meq|ng|cgy|mci|mbq|gbq"
        r"|(?:milli|micro)?grams?(?!-)|millilit(?:er|re)s?"
        r"|million\s+(?:international\s+)?units|million\s+iu|(?-i:MIU)"
        rf"|(?:international\s+)?units?|(?-i:U)|{FORM_UNIT}")
CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
NUMBER_WORDS = {**CARDINALS, "once": 1, "twice": 2, "thrice": 3}
_NW = "|".join(CARDINALS)
WORD_AMOUNTS = {**{k: float(v) for k, v in CARDINALS.items()}, "half a": 0.5, "half an": 0.5}

UCUM_UNITS = {"mg": "mg", "g": "g", "µg": "ug", "μg": "ug", "ug": "ug", "mcg": "ug",
              "ml": "mL", "iu": "[iU]", "ui": "[iU]", "unit": "[iU]", "units": "[iU]",
              "international units": "[iU]", "u": "[iU]", "million units": "[iU]",
              "million international units": "[iU]", "million iu": "[iU]", "miu": "[iU]",
              "gy": "Gy", "cgy": "cGy", "mci": "mCi", "mbq": "MBq", "gbq": "GBq",
              "mmol": "mmol", "meq": "meq", "ng": "ng",
              "gram": "g", "grams": "g", "milligram": "mg", "milligrams": "mg", "microgram": "ug",
              "micrograms": "ug", "milliliter": "mL", "milliliters": "mL", "millilitre": "mL",
              "millilitres": "mL",
              "tab": "{tablet}", "tabs": "{tablet}", "ampule": "{ampoule}", "ampules": "{ampoule}",
              "suppositories": "{suppository}",
              **{f: f"{{{f}}}" for f in FORMS}, **{f"{f}s": f"{{{f}}}" for f in FORMS}}
PINT_MASS_UNITS = {"mg": "milligram", "g": "gram", "ug": "microgram", "ng": "nanogram"}
DAYS_PER_MONTH = 365.25 / 12
PER_DAY = {"qd": 1.0, "bid": 2.0, "tid": 3.0, "qid": 4.0, "qod": 0.5, "split": 2.0,
           "biw": 2 / 7, "tiw": 3 / 7}
TIMES_A_DAY = {1: "qd", 2: "bid", 3: "tid", 4: "qid"}
TIMES_A_WEEK = {1: "qw", 2: "biw", 3: "tiw"}
EVERY_HOURS = {6: "qid", 8: "tid", 12: "bid", 24: "qd", 48: "qod"}
MAX_TIMES_A_DAY = 12

_N = rf"\d+|{_NW}"
_TIMES = rf"once|twice|thrice|(?:{_N})\s*(?:times|x|×)"
# (regex, code): tried in order at each position, so longer phrases come first. "weeks",
# "times", "week_times", "months", "hours" and "days" read their number from the groups n1..n3.
FREQUENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:once\s+)?every\s+(?:other|second|2|two)\s+days?|(?:on\s+)?alternate\s+days"
     r"|q\.o\.d\.?|qod", "qod"),
    (r"(?:once\s+)?every\s+(?:other|second)\s+weeks?|(?:on\s+)?alternate\s+weeks|fortnightly",
     "q2w"),
    (rf"(?:once\s+)?every\s+(?P<n1>{_N})\s+weeks?|/\s*(?P<n2>{_N})\s*weeks?"
     # g4w: OCR for q4w; two digits for q12w, the code this module writes for "every 12 weeks"
     r"|(?:q\s*|g(?=\dw))(?P<n3>[1-9]\d?)\s*w(?:ee)?k?s?", "weeks"),
    (rf"(?P<n1>{_TIMES})(?:\s*(?:/|a|per|every|each)\s*w(?:ee)?k|(?:\s*|-)weekly)", "week_times"),
    (r"(?:once\s+)?(?:every|a|per)\s+week|(?:once[\s\-]+)?weekly|/\s*w(?:ee)?k|q\.w\.?|qwk?", "qw"),
    (rf"(?:once\s+)?(?:every|a|per)\s+month|(?:once[\s\-]+)?monthly|/\s*month"
     rf"|(?:once\s+)?every\s+(?P<n1>{_N})\s+months?", "months"),
    (rf"/?\s*(?P<n1>{_TIMES})\s*(?:/|a|per)\s*d(?:ay)?|(?P<n2>{_TIMES})(?:\s+|-)(?:daily|a\s+day)",
     "times"),
    (rf"(?:once\s+)?every\s+(?P<n1>{_N})\s*(?:-\s*)?h(?:ours?|rs?)?\.?|(?P<n2>{_N})[\s\-]?hourly"
     # "/8 h", "per 8 hours": every 8 hours; never "/24 h", the denominator of a urine collection
     r"|q\.?\s*(?P<n3>\d{1,3})\s*h(?:ours?|rs?)?|(?:/|per)\s*(?P<n4>4|6|8|12)\s*h(?:ours?|rs?)?", "hours"),
    (r"b\.i\.d\.?|bid|b\.d\.|bd", "bid"),
    (r"t\.i\.d\.?|tid|t\.d\.s\.|tds", "tid"),
    (r"q\.i\.d\.?|qid|q\.d\.s\.|qds", "qid"),
    (r"(?:/|per)\s*d(?:ay)?|/\s*j|a\s+day|daily|every\s+day|q\.d\.?|qd|o\.d\.?|od"
     r"|[·⋅.]?\s*d(?:ay)?\s*(?:-1|⁻¹)"
     r"|at\s+(?:bed\s*time|night)|nightly|(?:every|each)\s+(?:night|morning|evening)"
     r"|in\s+the\s+(?:morning|evening)|q\.?h\.?s\.?|q\.?a\.?m\.?|q\.?p\.?m\.?|nocte|mane", "qd"),
    (rf"(?:once\s+)?every\s+(?P<n1>{_N})\s+days|q\s*(?P<n2>[3-9])\s*d", "days"),
    (r"p\.r\.n\.?|prn|as\s+needed|when\s+needed|as\s+required|on\s+demand", "prn"),
)
ROUTES: tuple[tuple[str, str], ...] = (
    (r"intravenous(?:ly)?|i\.v\.|iv", "iv"),
    (r"subcutaneous(?:ly)?|subcut|s\.c\.|sc|s\.q\.|sq", "sc"),
    (r"intramuscular(?:ly)?|i\.m\.|im", "im"),
    (r"orally|oral|per\s+os|by\s+mouth|p\.o\.|po", "oral"),
    (r"topical(?:ly)?", "topical"),
    (r"intra-?arterial(?:ly)?", "intra-arterial"),
    (r"intrathecal(?:ly)?", "intrathecal"),
    (r"intravitreal(?:ly)?", "intravitreal"),
    (r"sublingual(?:ly)?", "sublingual"),
    (r"rectal(?:ly)?|per\s+rectum", "rectal"),
    (r"inhaled|by\s+inhalation|nebuli[sz]ed", "inhaled"),
    (r"intranasal(?:ly)?", "intranasal"),
    (r"transdermal(?:ly)?", "transdermal"),
    (r"intralesional(?:ly)?", "intralesional"),
    (r"intra-?articular(?:ly)?", "intra-articular"),
    (r"intraperitoneal(?:ly)?", "intraperitoneal"),
    (r"intravesical(?:ly)?", "intravesical"),
    (r"epidural(?:ly)?", "epidural"),
)
COUNT = rf"(?P<n1>once|twice|thrice|(?:\d+|{_NW})\s+times)"
PER_WEIGHT = r"(?:/|per\s+)\s*(?P<w>kg|kilograms?|m2|m²|m\^2)|[·⋅.]?\s*(?P<w2>kg)\s*(?:-1|⁻¹)"
PER_WEIGHT_DAY = r"/\s*\(\s*(?P<w>kg|m2|m²)\s*[/·.]\s*d(?:ay)?\s*\)"
PER_TIME = r"(?:/|per\s+)\s*(?P<t>min(?:ute)?|h(?:(?:ou)?r)?)|[·⋅.]?\s*(?P<t2>min|h)\s*(?:-1|⁻¹)"
_END = r"(?![\w+\-])"
# A comma between listed amounts. A comma directly followed by exactly three digits is a
# thousands separator, never a list comma: without this rule "111,111,...,111 mg" can be split
# into numbers in 2**(n-1) ways and the regex backtracks exponentially (a hang on 30 groups).
_LIST_COMMA = r"\s*,(?!\d{3}(?!\d))\s*"

_HEAD = re.compile(
    rf"""(?:(?P<a>{NUM})\s*[(\[]\s*(?:range:?\s*)?(?P<lo>{NUM})\s*(?:-|to)\s*(?P<hi>{NUM})\s*[)\]]
        |(?P<rlo>{NUM})\s*(?:-|to)\s*(?P<rhi>{NUM})
        |(?P<alts>(?:{NUM})(?:{_LIST_COMMA}(?:{NUM}))*\s*,?\s*(?:and|or)\s*(?:{NUM}))
        |(?P<single>{DECIMAL_COMMA}|{NUM})
        |(?P<word>{_NW}|half\s+an?))
        (?:\s*|-(?=(?:mg|(?-i:g)|µg|μg|ug|mcg)(?![a-z\-])))(?P<unit>{UNIT})(?![a-z])""",
    re.IGNORECASE | re.VERBOSE,
)
# "3 x 250 mg/day": 250 mg three times a day (patterns/doses.yaml times_prefix)
_TIMES_PREFIX = re.compile(r"(?P<n>[1-6])\s*[x×]\s*(?=\d)")
_DECIMAL_COMMA = re.compile(DECIMAL_COMMA)
_NUMBERS = re.compile(NUM)
_SPLIT_CUE = re.compile(r"morning|evening|night|bedtime", re.IGNORECASE)
_SPLIT = (
    re.compile(rf"(?:in\s+the\s+)?morning\s*:?\s*(?P<a1>{NUM})\s*(?P<u1>{UNIT})?\s*[,;]?\s*"
               rf"(?:and\s+)?(?:in\s+the\s+|at\s+)?(?:evening|night|bedtime)\s*:?\s*"
               rf"(?P<a2>{NUM})\s*(?P<u2>{UNIT})", re.IGNORECASE),
    re.compile(rf"(?P<a1>{NUM})\s*(?P<u1>{UNIT})\s+(?:in\s+the\s+)?morning\s*[,;]?\s*"
               rf"(?:and\s+)?(?P<a2>{NUM})\s*(?P<u2>{UNIT})\s+(?:in\s+the\s+|at\s+)?"
               r"(?:evening|night|bedtime)", re.IGNORECASE),
)


@dataclass(frozen=True)
class Dose:
    """A normalised dose; ``amounts`` holds alternatives (``5|10``) or split parts (``0.5+0.25``)."""

    unit: str
    amounts: tuple[float, ...] = ()
    amount_low: float | None = None
    amount_high: float | None = None
    per_kg: bool = False
    per_m2: bool = False
    per_time: str | None = None
    freq: str | None = None
    per_day: float | None = None
    count: int | None = None
    route: str | None = None
    daily_mg: tuple[float, ...] = ()
    stat: str | None = None

    def attrs(self) -> dict[str, str]:
        """The guideline's DOSE attributes as strings; keys the text does not give are omitted."""
        out: dict[str, str] = {}
        if self.amounts:
            sep = "+" if self.freq == "split" else "|"
            out["amount"] = sep.join(format_number(a) for a in self.amounts)
        if self.amount_low is not None and self.amount_high is not None:
            out["amount_low"] = format_number(self.amount_low)
            out["amount_high"] = format_number(self.amount_high)
        out["unit"] = self.unit
        if self.per_kg:
            out["per_kg"] = "true"
        if self.per_m2:
            out["per_m2"] = "true"
        if self.per_time:
            out["per_time"] = self.per_time
        if self.freq:
            out["freq"] = self.freq
        if self.count is not None:
            out["count"] = str(self.count)
        if self.per_day is not None:
            out["per_day"] = format_number(self.per_day, 4)
        if self.route:
            out["route"] = self.route
        if self.daily_mg:
            out["daily_mg"] = "|".join(format_number(d, 2) for d in self.daily_mg)
        if self.stat:
            out["stat"] = self.stat
        return out


@cache
def _unit_registry() -> Any:
    import pint  # imported here: nothing heavy at import time

    return pint.UnitRegistry()


@cache
def mg_factor(unit: str) -> float | None:
    """How many mg one ``unit`` (UCUM) is, or None when the unit is not a mass (mL, [iU])."""
    name = PINT_MASS_UNITS.get(unit)
    if name is None:
        return None
    ureg = _unit_registry()
    return float(ureg.Quantity(1, name).to("milligram").magnitude)


def ucum_unit(text: str) -> str | None:
    """The UCUM code of a written unit (``mcg`` -> ``ug``, ``tablets`` -> ``{tablet}``), or None."""
    return UCUM_UNITS.get(" ".join(text.split()).lower())


def _unit_scale(text: str) -> float:
    """How many of the unit's code one written unit is: ``million units`` and ``MIU`` are 10^6."""
    written = text.strip()
    return 1e6 if written.lower().startswith("million") or written == "MIU" else 1.0


def _number(text: str) -> float:
    if _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


# Counts and week intervals above this are not posology; it also keeps int() away from
# thousands of digits (ValueError past 4300) and 1/(7*n) away from underflowing to 0.
MAX_COUNT_DIGITS = 4


_TIMES_WORD = re.compile(r"\s*times$")
_TIMES_SIGN = re.compile(r"\s*[x×]$")


def _count_word(text: str) -> int | None:
    word = _TIMES_WORD.sub("", text.strip().lower())
    if word not in NUMBER_WORDS:  # "3x", but "six" keeps its x
        word = _TIMES_SIGN.sub("", word)
    if word.isdigit():
        return int(word) if len(word) <= MAX_COUNT_DIGITS else None
    return NUMBER_WORDS.get(word)


_NUMBERED_CODES = ("weeks", "times", "week_times", "months", "hours", "days")


def frequency_code(match: re.Match[str], code: str) -> str | None:
    """The frequency code of a match of one of :data:`FREQUENCIES` (``every 2 weeks`` -> q2w)."""
    if code not in _NUMBERED_CODES:
        return code
    raw = next((g for g in (match.groupdict().get(k) for k in ("n1", "n2", "n3", "n4")) if g), None)
    n = _count_word(raw) if raw else 1  # "monthly" has no number
    if n is None or n < 1:
        return None
    if code == "times":
        return TIMES_A_DAY.get(n) or (f"{n}xd" if n <= MAX_TIMES_A_DAY else None)
    if code == "week_times":
        return TIMES_A_WEEK.get(n) or (f"{n}xw" if n < 7 else None)
    if code == "months":
        return "qmo" if n == 1 else f"q{n}mo"
    if code == "hours":
        return EVERY_HOURS.get(n) or f"q{n}h"
    if code == "days":
        return {1: "qd", 2: "qod"}.get(n) or f"q{n}d"
    return "qw" if n == 1 else f"q{n}w"


_INTERVAL = re.compile(rf"q([1-9]\d{{0,{MAX_COUNT_DIGITS - 1}}})?(w|h|d|mo)")
_DAYS_PER = {"w": 7.0, "h": 1 / 24, "d": 1.0, "mo": DAYS_PER_MONTH}
_TIMES_PER = re.compile(r"([1-9]\d?)x(d|w)")


def per_day_of(freq: str | None) -> float | None:
    """Administrations per day of a frequency code; None for ``once``, ``prn`` and unknown."""
    if freq is None:
        return None
    if freq in PER_DAY:
        return PER_DAY[freq]
    # q0w and intervals of thousands of digits are not codes frequency_code makes
    if interval := _INTERVAL.fullmatch(freq):
        n = int(interval.group(1) or 1)
        if interval.group(2) in ("h", "d") and interval.group(1) is None:
            return None  # "qh", "qd" alone: qd is in PER_DAY, qh is no code
        return 1 / (n * _DAYS_PER[interval.group(2)])
    if times := _TIMES_PER.fullmatch(freq):
        return int(times.group(1)) / (1.0 if times.group(2) == "d" else 7.0)
    return None


@cache
def _frequency_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"(?:{rx}){_END}", re.I), code) for rx, code in FREQUENCIES)


@cache
def _route_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"(?:{rx}){_END}", re.I), code) for rx, code in ROUTES)


def parse_frequency(text: str) -> str | None:
    """The frequency code of a whole phrase (``twice a day`` -> bid, ``/2 weeks`` -> q2w)."""
    phrase = " ".join(text.split())
    for pattern, code in _frequency_patterns():
        m = pattern.fullmatch(phrase)
        if m:
            return frequency_code(m, code)
    return None


def parse_route(text: str) -> str | None:
    """The route code of a whole phrase (``intramuscularly`` -> im, ``SQ`` -> sc)."""
    phrase = " ".join(text.split())
    return next((code for p, code in _route_patterns() if p.fullmatch(phrase)), None)


@dataclass
class _Modifiers:
    per_kg: bool = False
    per_m2: bool = False
    per_times: tuple[str, ...] = ()
    freqs: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()


def _weight(m: re.Match[str], mods: _Modifiers) -> None:
    if (m.group("w") or m.groupdict().get("w2") or "").lower() in ("kg", "kilogram", "kilograms"):
        mods.per_kg = True
    else:
        mods.per_m2 = True


_SEPARATOR = re.compile(r"[\s,]+")
_PER_WEIGHT_DAY = re.compile(PER_WEIGHT_DAY, re.I)
_PER_WEIGHT = re.compile(rf"(?:{PER_WEIGHT}){_END}", re.I)
_PER_TIME = re.compile(rf"(?:{PER_TIME}){_END}", re.I)
_PER_DOSE = re.compile(rf"(?:/|per\s+)\s*dose{_END}", re.I)  # "15 mg/kg/dose": each dose
_COUNT = re.compile(rf"{COUNT}{_END}", re.I)


def _first_match(
    patterns: tuple[tuple[re.Pattern[str], str], ...], text: str, pos: int
) -> tuple[re.Match[str], str] | None:
    for pattern, code in patterns:
        m = pattern.match(text, pos)
        if m:
            return m, code
    return None


def _parse_modifiers(rest: str) -> _Modifiers | None:
    """Read everything after the unit; None when any piece is not understood."""
    mods = _Modifiers()
    pos = 0
    while pos < len(rest):
        if m := _SEPARATOR.match(rest, pos):
            pos = m.end()
            continue
        if m := _PER_WEIGHT_DAY.match(rest, pos):
            _weight(m, mods)
            mods.freqs += ("qd",)
        elif m := _PER_WEIGHT.match(rest, pos):
            _weight(m, mods)
        elif m := _PER_DOSE.match(rest, pos):
            pass
        elif m := _PER_TIME.match(rest, pos):
            mods.per_times += ("min" if (m.group("t") or m.group("t2")).lower().startswith("m") else "h",)
        elif freq := _first_match(_frequency_patterns(), rest, pos):
            m, code = freq
            resolved = frequency_code(m, code)
            if resolved is None:
                return None
            mods.freqs += (resolved,)
        elif route := _first_match(_route_patterns(), rest, pos):
            m, code = route
            mods.routes += (code,)
        elif m := _COUNT.match(rest, pos):
            n = _count_word(m.group("n1"))
            if n is None or n < 1:  # "0 times" is no count
                return None
            mods.counts += (n,)
        else:
            return None
        pos = m.end()
    return mods


def _daily_mg(amounts: tuple[float, ...], unit: str, per_day: float | None) -> tuple[float, ...]:
    factor = mg_factor(unit)
    if factor is None or per_day is None:
        return ()
    return tuple(a * factor * per_day for a in amounts)


def _parse_split(text: str) -> Dose | None:
    for pattern in _SPLIT:
        m = pattern.fullmatch(text)
        if not m:
            continue
        u1 = ucum_unit(m.group("u1")) if m.group("u1") else None
        u2 = ucum_unit(m.group("u2"))
        if u2 is None or (u1 is not None and u1 != u2):
            return None
        parts = (_number(m.group("a1")), _number(m.group("a2")))
        if not all(math.isfinite(a) for a in parts):  # hundreds of digits: inf
            return None
        factor = mg_factor(u2)
        daily = (sum(parts) * factor,) if factor is not None else ()
        return Dose(unit=u2, amounts=parts, freq="split", per_day=PER_DAY["split"], daily_mg=daily)
    return None


def parse_dose(text: str) -> Dose | None:
    """Parse a posology expression (``5 mg bid``, ``8 mg/kg/2 weeks, IV``); None if not a dose."""
    flat = " ".join(text.replace("–", "-").split()).strip(" ,;")
    if not flat:
        return None
    if _SPLIT_CUE.search(flat) and (split := _parse_split(flat)):
        return split
    times = _TIMES_PREFIX.match(flat)
    head = _HEAD.match(flat, times.end() if times else 0)
    if head is None or (times and not head.group("single")):
        return None
    written_unit = " ".join(head.group("unit").split())
    unit = ucum_unit(written_unit)
    mods = _parse_modifiers(flat[head.end():])
    if unit is None or mods is None or not _reconciled(mods):
        return None
    per_time = mods.per_times[0] if mods.per_times else None
    if ((per_time == "min" and unit == "mL")  # mL/min is a flow or a clearance (GFR), never a rate
            or (head.group("word") and not unit.startswith("{"))):  # "two tablets", never "two mg"
        return None
    freq = mods.freqs[0] if mods.freqs else ("once" if mods.counts else None)
    if times and (freq := _times_over(int(times.group("n")), freq)) is None:
        return None
    amounts = _amounts(head, _unit_scale(written_unit))
    if amounts is None:
        return None
    values, low, high, stat = amounts
    per_day = per_day_of(freq)
    per_body = mods.per_kg or mods.per_m2
    return Dose(
        unit=unit, amounts=values, amount_low=low, amount_high=high,
        per_kg=mods.per_kg, per_m2=mods.per_m2, per_time=per_time, freq=freq, per_day=per_day,
        count=mods.counts[0] if mods.counts else None,
        route=mods.routes[0] if mods.routes else None,
        daily_mg=() if per_body else _daily_mg(values, unit, per_day), stat=stat,
    )


def _reconciled(mods: _Modifiers) -> bool:
    """Settle two frequencies that mean one, then whether the modifiers agree with each other."""
    if len(mods.freqs) == 2 and mods.freqs[0] == "qd" and _is_weekly(mods.freqs[1]):
        mods.freqs = mods.freqs[1:]  # "200 mg/day twice a week": 200 mg on two days a week
    if len(set(mods.freqs)) == 2 and "prn" in mods.freqs:
        mods.freqs = ("prn",)  # "every 4 h as needed": at most that often, so no fixed per_day
    return not (len(set(mods.freqs)) > 1 or len(set(mods.routes)) > 1 or len(mods.counts) > 1
                or (mods.freqs and mods.counts) or (mods.per_kg and mods.per_m2)
                or len(mods.per_times) > 1 or (mods.per_times and (mods.freqs or mods.counts)))


_Amounts = tuple[tuple[float, ...], float | None, float | None, str | None]


def _amounts(head: re.Match[str], scale: float) -> _Amounts | None:
    """(amounts, low, high, stat) of the amount part of ``_HEAD``; None if it is no amount."""
    amounts: tuple[float, ...] = ()
    low = high = None
    stat = None
    if head.group("a"):
        amounts = (_number(head.group("a")),)
        low, high, stat = _number(head.group("lo")), _number(head.group("hi")), "median"
        if not low <= amounts[0] <= high or low == high:
            return None
    elif head.group("rlo"):
        low, high = _number(head.group("rlo")), _number(head.group("rhi"))
        if low >= high:
            return None
    elif head.group("alts"):
        amounts = tuple(_number(n) for n in _NUMBERS.findall(head.group("alts")))
    elif head.group("word"):
        amounts = (WORD_AMOUNTS[" ".join(head.group("word").split()).lower()],)
    else:
        amounts = (_number(head.group("single")),)
    amounts = tuple(a * scale for a in amounts)
    if low is not None and high is not None:
        low, high = low * scale, high * scale
    # hundreds of digits overflow float() to inf: not a dose, and no inf daily_mg downstream
    if not all(math.isfinite(x) for x in (*amounts, low or 0.0, high or 0.0)):
        return None
    return amounts, low, high, stat


_SOME_TIMES_A_WEEK = re.compile(r"[4-6]xw")


def _is_weekly(freq: str) -> bool:
    """A code of some administrations a week: qw, biw, tiw, 4xw."""
    return freq in ("qw", "biw", "tiw") or bool(_SOME_TIMES_A_WEEK.fullmatch(freq))


def _times_over(n: int, freq: str | None) -> str | None:
    """The frequency of ``n x`` an amount given daily or weekly (``3 x 250 mg/day`` -> tid)."""
    if freq == "qd":
        return TIMES_A_DAY.get(n) or f"{n}xd"
    if freq == "qw":
        return TIMES_A_WEEK.get(n) or f"{n}xw"
    return None
