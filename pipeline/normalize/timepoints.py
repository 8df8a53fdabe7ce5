"""Parse dates, relative times and durations into typed values (GUIDELINES.md §TIMEPOINT).

Pure functions over the text of one mention: :func:`parse_date` keeps a date's real precision,
:func:`parse_timepoint` reads a whole TIMEPOINT span (date, relative time, duration, list,
``Label: value`` field) into a :class:`Timepoint` whose :meth:`Timepoint.attrs` are the brat
attributes. Anything read from outside the span (``median`` before it, the drug after
``of treatment``) is the finder's business. dateutil is not a declared dependency and its fuzzy
parser guesses a day where the text gives none, so months come from the small table below.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.extractors.found import format_number

ANCHORS = ("index_start", "onset", "diagnosis", "admission", "previous", "unknown")
KINDS = ("date", "relative", "duration")

MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTHS_PER_UNIT: dict[str, float] = {"year": 12.0, "month": 1.0, "week": 0.23, "day": 0.0329}
NUMBER_WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
}
# The index treatment of these papers is a JAK inhibitor (GUIDELINES.md §4); "this agent" and
# a bare "treatment" refer back to it.
INDEX_TREATMENT = re.compile(
    r"\b(?:tofacitinib|ruxolitinib|baricitinib|upadacitinib|filgotinib|abrocitinib|peficitinib|"
    r"JAKIi|JAKi|JAK\s+inhibitors?|TOF|RUX|BARI|this\s+agent|this\s+drug|the\s+drug|"
    r"treatment|therapy)\b",
    re.IGNORECASE,
)

_MONTH_NAME = r"(?P<mon>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    re.compile(rf"{_MONTH_NAME}\s*{_DAY}\s*[,.]\s*{_YEAR}"),  # Jun. 28,2020  Sep.30.2021
    re.compile(rf"{_DAY}\s+{_MONTH_NAME},?\s+{_YEAR}"),  # 28 June 2020
    re.compile(rf"{_MONTH_NAME},?\s+{_YEAR}"),  # June 2020
    re.compile(rf"{_YEAR}-(?P<mm>\d{{1,2}})(?:-(?P<dd>\d{{1,2}}))?"),  # 2020-06-28, 2020-06
    re.compile(rf"(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-]{_YEAR}"),  # 12/03/2021
    re.compile(rf"(?P<mm>\d{{1,2}})/{_YEAR}"),  # 03/2021
    re.compile(_YEAR),  # 2015
)

_NUM = (
    r"(?:\d+(?:\.\d+)?|\b(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)\b)"
)
_UNIT = r"(?P<unit>(?i:years?|yrs?|months?|weeks?|days?))\b"
_QUANTITY = re.compile(
    rf"(?P<nums>{_NUM}(?:\s*(?:,|and|or|to|-|–|,\s*and|,\s*or)\s*{_NUM})*)"
    rf"(?:\s*\(\s*{_NUM}\s*[-–]\s*{_NUM}\s*\))?[\s-]*{_UNIT}"
)
_UNIT_FIRST = re.compile(
    r"\b(?P<unit>(?i:days?|weeks?|months?))\s+(?P<nums>\d+(?:\s*(?:,|and|to|-|–)\s*\d+)*)"
)
_FIELD = re.compile(
    r"^(?P<label>[A-Za-z][\w-]*(?:\s+[a-z][\w-]*)?)\s*(?::|\bat\b)\s*(?P<rest>.+)$", re.DOTALL
)
_PREPOSITION = re.compile(
    r"^(?P<prep>(?i:at|after|within|by|before|since|until|from|between|on|as\s+of))\b\s*"
)
_COMPARATOR = re.compile(
    r"^(?:>|<|≥|≤|(?i:more\s+than|less\s+than|over|up\s+to|at\s+least|almost|about|"
    r"approximately|nearly))\s*"
)
_LAST_FOLLOWUP = re.compile(r"\blast\s+follow-?\s*up\b", re.IGNORECASE)
_FIELD_LABEL = re.compile(r"duration|follow-?\s*up", re.IGNORECASE)
_FIRST = re.compile(r"(?i:first)\s+")
_OF_FOLLOW_UP = re.compile(r"(?:of\s+)?follow-?\s*up")
_OF_TREATMENT = re.compile(r"of\s+(?:treatment|therapy)")
_CONNECTIVE = re.compile(r"(?:after|following|from|of|before|prior\s+to)\s+")
_EVENT = re.compile(
    r"\b(?:onset|diagnosis|admission|baseline|initiation|start|introduction|switch|beginning)\b",
    re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(?:19|20)\d{2}")
# A TIMEPOINT span is a phrase (the longest in the gold has 68 characters). Longer text is not
# one, and searching it for a quantity is quadratic in the length of a run of numbers
# ("Follow-up: 111,111,..." of 6,000 characters took 10 s).
MAX_SPAN_CHARS = 500


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """ISO 8601 at the date's own precision: ``2015``, ``2020-06``, ``2020-06-28``."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


@dataclass(frozen=True)
class Timepoint:
    """A TIMEPOINT's normalised value; ``months`` holds one value per listed time."""

    kind: str
    iso: str | None = None
    months: tuple[float, ...] = field(default=())
    anchor: str | None = None
    event: str | None = None
    stat: str | None = None

    def attrs(self) -> dict[str, str]:
        """The brat attributes in the guidelines' order: kind, iso, months, anchor, event, stat."""
        out = {"kind": self.kind}
        if self.iso:
            out["iso"] = self.iso
        if self.months:
            out["months"] = "|".join(format_number(m, 2) for m in self.months)
        for key in ("anchor", "event", "stat"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


def _month_number(name: str) -> int | None:
    low = name.lower()
    if low in MONTHS:
        return MONTHS[low]
    return _full_month_names().get(low)


@cache
def _full_month_names() -> dict[str, int]:
    """The month names of the locale (``calendar`` formats each name anew on every access)."""
    return {calendar.month_name[i].lower(): i for i in range(1, 13)}


def _checked(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return PartialDate(year, month, day)


def parse_date(text: str) -> PartialDate | None:
    """A date written in full (``Jun. 28,2020``, ``June 2020``, ``2015``) or None.

    A numeric day/month date is read only when the order is certain (a part above 12);
    ``12/03/2021`` is None.
    """
    s = " ".join(text.split()).strip(" ,.;")
    for form in _DATE_FORMS:
        m = form.fullmatch(s)
        if m is None:
            continue
        parts = m.groupdict()
        year = int(parts["year"])
        if parts.get("mon"):
            month = _month_number(parts["mon"])
            if month is None:
                return None
            return _checked(year, month, int(parts["day"]) if parts.get("day") else None)
        if parts.get("a"):
            a, b = int(parts["a"]), int(parts["b"])
            if a > 12 >= b:
                return _checked(year, b, a)
            if b > 12 >= a:
                return _checked(year, a, b)
            return None if a != b else _checked(year, a, b)
        if parts.get("mm"):
            return _checked(year, int(parts["mm"]), int(parts["dd"]) if parts.get("dd") else None)
        return _checked(year, None, None)
    return None


# Words and units are looked up with the same case-insensitive match that found them: re's
# IGNORECASE also matches look-alikes that str.lower() does not map back ("ſix", "fıve", "fİve",
# "3 dayſ"), and a dictionary lookup of those raised ValueError or KeyError.
_UNIT_KEYS = tuple((key, re.compile(rx, re.IGNORECASE)) for key, rx in (
    ("year", r"years?|yrs?"), ("month", r"months?"), ("week", r"weeks?"), ("day", r"days?")))
_NUMBER_WORD_VALUES = tuple(NUMBER_WORDS.values())
_NUMBER_WORD = re.compile("|".join(f"(?P<w{n}>{word})" for n, word in enumerate(NUMBER_WORDS)), re.IGNORECASE)
"""Every number word, one regex: the group that matches (``w<n>``) names the word's value."""
_NUMBERS = re.compile(_NUM)


def _number(token: str) -> float:
    token = token.strip()
    word = _NUMBER_WORD.fullmatch(token)
    return float(token) if word is None else _NUMBER_WORD_VALUES[int(str(word.lastgroup)[1:])]


@lru_cache(maxsize=256)
def _unit_key(unit: str) -> str | None:
    """The unit (year, month, week, day) that ``unit`` is written for; cached, since the same
    few spellings come back in every document."""
    return next((k for k, rx in _UNIT_KEYS if rx.fullmatch(unit.strip())), None)


def to_months(value: float, unit: str) -> float:
    """A time in ``unit`` (year, month, week, day; plural or ``yr``) as months, 2 decimals.

    An unknown unit raises KeyError.
    """
    key = _unit_key(unit)
    if key is None:
        raise KeyError(unit)
    return round(value * MONTHS_PER_UNIT[key], 2)


def parse_quantity(text: str) -> tuple[float, ...]:
    """The months of the first time quantity in ``text``: ``1, 3, and 6 months`` -> (1, 3, 6).

    A spread in parentheses after the value (``2.75 (0.05-9) years``) is left out.
    """
    m = _QUANTITY.search(text)
    if m is None:
        m = _UNIT_FIRST.search(text)
    if m is None:
        return ()
    numbers = _NUMBERS.findall(m.group("nums"))
    months = tuple(to_months(_number(n), m.group("unit")) for n in numbers)
    # hundreds of digits overflow float() to inf: not a time
    return months if all(math.isfinite(x) for x in months) else ()


_EVENT_ANCHORS = tuple((re.compile(rx), anchor) for rx, anchor in (
    (r"\bonset\b|\b(?:beginning|early|initial)\b.*\bof\s+(?:the\s+)?(?:disease|illness)", "onset"),
    (r"\bdiagnos", "diagnosis"),
    (r"\b(?:admission|admitted|hospitali[sz]|presentation)", "admission"),
    (r"\b(?:baseline|follow-?\s*up|switch)", "index_start"),
    (r"\b(?:discontinu|withdraw|stop|cessation|taper)", "unknown"),
))
"""Event words and the anchor they name, tried in order."""
_TREATMENT_START = re.compile(r"\b(?:start|initiat|introduc|receiv|treatment|therapy|began|begin)")
_NOT_THE_DRUG = re.compile(
    r"\b(?:the|of|start(?:ing)?|initiat\w*|introduc\w*|receiv\w*|beginning|"
    r"concomitant|with|high-dose|low-dose|oral|treatment|therapy)\b")
"""The words of a treatment start that do not name what was started."""


def event_anchor(phrase: str) -> str:
    """The anchor an event phrase names: ``the onset of the disease`` -> ``onset``."""
    p = " ".join(phrase.split()).lower()
    for event, anchor in _EVENT_ANCHORS:
        if event.search(p):
            return anchor
    if _TREATMENT_START.search(p):
        obj = _NOT_THE_DRUG.sub(" ", p)
        if not obj.split() or INDEX_TREATMENT.search(obj):
            return "index_start"
        return "unknown"
    return "index_start" if INDEX_TREATMENT.search(p) else "unknown"


def _field(s: str) -> Timepoint | None:
    m = _FIELD.match(s)
    if m is None or not _FIELD_LABEL.search(m.group("label")):
        return None
    months = parse_quantity(m.group("rest"))
    if not months:
        return None
    label = m.group("label").lower()
    if "follow" in label:
        return Timepoint("relative", months=months, anchor="index_start")
    anchor = "diagnosis" if "disease" in label else "index_start"
    return Timepoint("duration", months=months, anchor=anchor)


def _relative_or_duration(s: str) -> Timepoint | None:
    prep_match = _PREPOSITION.match(s)
    prep = prep_match.group("prep").lower() if prep_match else ""
    rest = s[prep_match.end():] if prep_match else s
    comparator = _COMPARATOR.match(rest)
    rest = rest[comparator.end():] if comparator else rest
    first = _FIRST.match(rest)
    rest = rest[first.end():] if first else rest
    quantity = _QUANTITY.match(rest) or _UNIT_FIRST.match(rest)
    if quantity is None:
        return None
    months = parse_quantity(quantity.group(0))
    if not months:  # an unreadable quantity (inf) makes no timepoint, not one without months
        return None
    tail = rest[quantity.end():].strip()
    tail_low = tail.lower()
    if first or (not prep and not tail):
        anchor = event_anchor(tail) if tail else None
        return Timepoint("duration", months=months, anchor=anchor)
    sign = 1.0
    if tail_low in ("later", "subsequently"):
        anchor = "previous"
    elif tail_low == "earlier":
        anchor, sign = "previous", -1.0
    elif tail_low == "ago":
        anchor, sign = "unknown", -1.0
    elif _OF_FOLLOW_UP.fullmatch(tail_low):
        anchor = "index_start"
    elif _OF_TREATMENT.fullmatch(tail_low):
        anchor = "unknown"
    elif tail:
        connective = _CONNECTIVE.match(tail_low)
        anchor = event_anchor(tail_low[connective.end():] if connective else tail_low)
        if connective and connective.group(0).split()[0] in ("before", "prior"):
            sign = -1.0
    elif quantity.re is _UNIT_FIRST or prep in ("at", "by", "on"):
        anchor = "index_start"
    elif prep == "before":
        anchor, sign = "unknown", -1.0
    else:
        anchor = "previous"
    return Timepoint("relative", months=tuple(sign * m for m in months), anchor=anchor)


def _event_only(s: str) -> Timepoint | None:
    if _LAST_FOLLOWUP.search(s):
        return Timepoint("relative", anchor="index_start", event="last_followup")
    body = _PREPOSITION.sub("", s)
    if not _EVENT.search(body):
        return None
    return Timepoint("relative", months=(0.0,), anchor=event_anchor(body))


def parse_timepoint(text: str) -> Timepoint | None:
    """Read one TIMEPOINT span (``at 3 months``, ``Jun. 28,2020``, ``Follow-up: 24 months``)."""
    s = " ".join(text.split()).strip(" ,.;:()")
    if not s or len(s) > MAX_SPAN_CHARS:
        return None
    date = parse_date(s)
    if date is not None:
        return Timepoint("date", iso=date.iso)
    numeric = _NUMERIC_DATE.fullmatch(s)
    if numeric and max(int(numeric.group(1)), int(numeric.group(2))) <= 12:
        return Timepoint("date")  # a date, but day and month cannot be told apart
    return _field(s) or _relative_or_duration(s) or _event_only(s)
