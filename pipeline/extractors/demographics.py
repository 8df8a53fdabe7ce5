"""Demographics of the patients: sex, ages, disease duration at the index start, diagnosis.

A pure finder over a document's clean text, its segmentation and the mentions the pipeline found.
The rules are ``pipeline/data/patterns/demographics.yaml`` (named regex templates over the
diagnosis lexicon ``pipeline/data/lexicons/diagnoses.tsv`` and the index drugs, the JAK inhibitors
of the drug lexicons). Every candidate is attributed to a patient the way mentions are
(:func:`pipeline.attribution.patients.attribute_patients`, with the numbered patients of
``found``): a value of one patient is kept only when that gives a patient number, a statistic
only when it gives ``cohort``; cited work (``other``) is dropped.

A wrong value is worse than a missing one, so an age is read only at a named event (diagnosis,
onset, the index drug's start); "a 4-year-old girl" gets its meaning from the event her episode
goes on to tell, and not at all when the story moves in time first. A flattened table's age and
duration columns are read only when the sum rule (age at the index start = earlier age + disease
duration) holds in every row. A patient given two different values of one field gets none.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache

from pipeline.attribution.patients import attribute_patients, document_shape
from pipeline.attribution.phases import INDEX_CLASS
from pipeline.extractors.found import Found, format_number
from pipeline.extractors.labs import RuleFile, RulePattern, load_rule_file
from pipeline.extractors.lexicon import LexiconEntry, load_lexicon
from pipeline.extractors.scores import header_cells, line_words, row_number_slots, sentence_before
from pipeline.segment.model import Segmentation, Sentence, Table, TableRow

RESOURCE = "demographics.yaml"
DIAGNOSES = "diagnoses.tsv"
FIELDS = ("sex", "age_at_onset", "age_at_diagnosis", "age_at_index_start",
          "disease_duration_at_index_start", "diagnosis")
KINDS = frozenset({"aged", "age", "respectively", "duration", "sex", "sex_cohort", "diagnosis",
                   "diagnosis_cohort", "anchor", "column", "header", "context"})
AGE_FIELD = {"index_start": "age_at_index_start", "diagnosis": "age_at_diagnosis",
             "onset": "age_at_onset"}
# The age's sentence and three more: an episode told over more sentences is not trusted to
# still be at the age it began with.
EPISODE_SENTENCES = 4
_WS = r"(?:[^\S\t\n]+\n?|\n)[^\S\t\n]*"
_CELL_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,2})?")
_CLAUSE_END = re.compile(r"[.;,](?=\s)|\n\s*\n")
_PROBE = "DEMOGRAPHIC"


@dataclass(frozen=True)
class PatientFact:
    """One demographic fact of a patient (``"1"``..) or of the whole ``cohort``.

    ``value`` is ``female``/``male``, a number of years as a decimal string, or a diagnosis code;
    ``stat`` is ``value`` for one patient, ``median``/``mean`` for a cohort statistic, ``count``
    (how many: ``n``) or ``all``. ``[start, end)`` are clean-text offsets of the words stating it.
    """

    patient: str
    field: str
    value: str
    stat: str
    start: int
    end: int
    n: int | None = None
    rule: str = dataclass_field(default="", compare=False)


@dataclass(frozen=True)
class _Claim:
    field: str
    value: str
    stat: str
    start: int
    end: int
    rule: str
    n: int | None = None


# --- rules ------------------------------------------------------------------------------------


def _surface_regex(entries: Iterable[LexiconEntry]) -> str:
    """An alternation of lexicon surface forms, longest first, any white space between words."""
    parts = []
    for e in sorted(entries, key=lambda e: (-len(e.surface), e.surface)):
        body = _WS.join(re.escape(w) for w in e.surface.split())
        parts.append(body if e.exact else f"(?i:{body})")
    return "|".join(parts)


def _index_entries() -> list[LexiconEntry]:
    drugs = [e for e in load_lexicon("drugs.tsv") if dict(e.fields).get("class") == INDEX_CLASS]
    return drugs + [e for e in load_lexicon("drug_classes.tsv") if e.get("norm") == INDEX_CLASS]


@cache
def demographic_rules() -> RuleFile:
    """The packaged demographics patterns, loaded and validated once."""
    builtins = {"INDEX": _surface_regex(_index_entries()),
                "DX": _surface_regex(load_lexicon(DIAGNOSES))}
    words = {"sex": frozenset({"female", "male"}), "pronouns": frozenset({"female", "male"}),
             "stats": frozenset({"median", "mean"}),
             "numbers": frozenset(str(i) for i in range(1, 21)),
             "anchors": frozenset(AGE_FIELD), "columns": frozenset(FIELDS)}
    return load_rule_file(RESOURCE, builtins, KINDS, words)


def diagnosis_code(surface: str) -> str | None:
    """The canonical code of a diagnosis as written (``"systemic JIA"`` -> ``sJIA``)."""
    written = " ".join(surface.split())
    entries = load_lexicon(DIAGNOSES)
    for e in entries:
        if e.exact and e.surface == written:
            return e.get("norm")
    return next((e.get("norm") for e in entries if not e.exact and e.surface.lower() == written.lower()),
                None)


def pattern_texts(pattern: RulePattern, text: str) -> tuple[str, ...]:
    """What one pattern finds in ``text``, as its examples state it (for the example tests)."""
    if pattern.kind == "column":
        m = pattern.regex.fullmatch(text)
        return (m.group(),) if m else ()
    out: list[str] = []
    for m in pattern.regex.finditer(text):
        if pattern.kind == "respectively":
            out += [m["v1"], m["v2"]]
        else:
            out.append(m["v"] if "v" in pattern.regex.groupindex else m.group())
    return tuple(out)


# --- small readers ------------------------------------------------------------------------------


def _years(number: str, unit: str | None, rules: RuleFile) -> str | None:
    raw = rules.words["numbers"].get(number.lower(), number)
    try:
        value = float(raw)
    except ValueError:
        return None
    unit = (unit or "years").lower()
    if unit.startswith("mo"):
        value /= 12
    elif not unit.startswith("y"):
        return None
    return format_number(value, 2)


def _count(m: re.Match[str], rules: RuleFile) -> int | None:
    written = m["n"].lower()
    raw = rules.words["numbers"].get(written, written)
    return int(raw) if raw.isdigit() else None


def _stat(m: re.Match[str], rules: RuleFile) -> str:
    stat = m.groupdict().get("stat")
    return rules.words["stats"].get(stat.lower(), "value") if stat else "value"


def _anchor(anchor: str, rules: RuleFile) -> str | None:
    """What an anchor names: ``index_start``, ``diagnosis`` or ``onset`` (None: something else)."""
    for pattern in rules.by_kind("anchor"):
        if pattern.regex.fullmatch(anchor.strip()):
            return rules.words["anchors"][pattern.name]
    return None


def _clause(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, max(0, start - 300), start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return text[left:right.start() if right else len(text)]


# --- narrative ------------------------------------------------------------------------------------


def _of_subgroup(text: str, m: re.Match[str], rules: RuleFile) -> bool:
    """Whether the sentence of a statistic restricts it to part of the cohort ("in the girls")."""
    if not m.groupdict().get("stat"):
        return False
    after = re.split(r"\.\s|\n\s*\n", text[m.end():m.end() + 160])[0]
    sentence = sentence_before(text, m.start()) + m.group() + after
    return bool(rules.get("subgroup").regex.search(sentence))


def _age_claims(text: str, rules: RuleFile) -> list[_Claim]:
    out = []
    for p in rules.by_kind("age"):
        for m in p.matches(text):
            anchor, value = _anchor(m["anchor"], rules), _years(m["value"], m["unit"], rules)
            if anchor and value and not _of_subgroup(text, m, rules):
                out.append(_Claim(AGE_FIELD[anchor], value, _stat(m, rules), m.start(), m.end(), p.name))
    for p in rules.by_kind("respectively"):
        for m in p.matches(text):
            for k in ("1", "2") if not _of_subgroup(text, m, rules) else ():
                anchor = _anchor(m[f"a{k}"], rules)
                value = _years(m[f"value{k}"], m[f"unit{k}"] or m["unit2"], rules)
                if anchor and value:
                    out.append(_Claim(AGE_FIELD[anchor], value, _stat(m, rules), *m.span(f"v{k}"),
                                      p.name))
    return out


def _duration_claims(text: str, rules: RuleFile) -> list[_Claim]:
    """Disease durations at the index start.

    In these reports a disease duration stated without a time is the duration when the index
    drug was started (the baseline the report is about); one stated after words that put the
    sentence at another time ("At the last follow-up, ...") is not read.
    """
    time_anchor, index_start = rules.get("time_anchor").regex, rules.get("anchor_index_start").regex
    out = []
    for p in rules.by_kind("duration"):
        for m in p.matches(text):
            value = _years(m["value"], m["unit"], rules)
            if value is None or _of_subgroup(text, m, rules):
                continue
            if not m["anchor"]:
                prefix = sentence_before(text, m.start())
                last = list(time_anchor.finditer(prefix))
                if last:
                    said = re.split(r",|;", prefix[last[-1].start():])[0]
                    at = said.split()[0].lower() in ("at", "on", "by")
                    if not (at and index_start.search(said)):
                        continue
            out.append(_Claim("disease_duration_at_index_start", value, _stat(m, rules),
                              m.start(), m.end(), p.name))
    return out


def _sex_claims(text: str, rules: RuleFile) -> list[_Claim]:
    family = rules.get("family_before").regex
    out = []
    for p in rules.by_kind("sex"):
        for m in p.matches(text):
            if not family.search(text[max(0, m.start() - 60):m.start()]):
                value = rules.words["sex"][m["v"].lower()]
                out.append(_Claim("sex", value, "value", *m.span("v"), p.name))
    for p in rules.by_kind("sex_cohort"):
        for m in p.matches(text):
            value = rules.words["sex"][m["v"].lower()]
            if "n" not in p.regex.groupindex:
                out.append(_Claim("sex", value, "all", m.start(), m.end(), p.name))
            elif (n := _count(m, rules)) is not None:
                out.append(_Claim("sex", value, "count", m.start(), m.end(), p.name, n))
    return out


def _diagnosis_claims(text: str, rules: RuleFile) -> list[_Claim]:
    out = []
    for p in rules.by_kind("diagnosis"):
        for m in p.matches(text):
            if code := diagnosis_code(m["v"]):
                out.append(_Claim("diagnosis", code, "value", *m.span("v"), p.name))
    for p in rules.by_kind("diagnosis_cohort"):
        for m in p.matches(text):
            code, n = diagnosis_code(m["v"]), _count(m, rules)
            if code and n is not None:
                out.append(_Claim("diagnosis", code, "count", m.start(), m.end(), p.name, n))
    return out


def _aged_claims(text: str, sentences: list[Sentence], rules: RuleFile) -> list[_Claim]:
    out = []
    for p in rules.by_kind("aged"):
        for m in p.matches(text):
            sex = rules.words["sex"].get(m["person"].lower())
            if sex and not rules.get("family_before").regex.search(text[max(0, m.start() - 60):m.start()]):
                out.append(_Claim("sex", sex, "value", *m.span("person"), p.name))
            value = _years(m["age"], m["unit"], rules)
            event = _episode_event(text, m, sentences, rules)
            if value and event:
                out.append(_Claim(event, value, "value", *m.span("v"), p.name))
    return out


def _episode_event(text: str, m: re.Match[str], sentences: list[Sentence], rules: RuleFile) -> str | None:
    """The field an age of a person holds: the first event its episode tells, if nothing moves it.

    The episode is the age's sentence and the next ones of its paragraph (at most
    EPISODE_SENTENCES). The first diagnosis ("she was diagnosed with sJIA") or start of the index
    drug in it dates the age, unless the story moves on first (a forward shift such as "At 3
    months", or a date in a later sentence: the age's own sentence may date the presentation),
    or the event's clause itself looks back or forward ("diagnosed 3 years earlier").
    """
    i = bisect_right([s.start for s in sentences], m.start()) - 1
    if i < 0 or sentences[i].end <= m.start():
        return None
    first = sentences[i]
    end = sentences[min(i + EPISODE_SENTENCES, len(sentences)) - 1].end
    paragraph = text.find("\n\n", m.end())
    end = min(end, paragraph) if paragraph >= 0 else end
    events = [(e.start(), e, f) for name, f in (("diagnosed_event", "age_at_diagnosis"),
                                                 ("index_event", "age_at_index_start"))
              if (e := rules.get(name).regex.search(text, m.end(), end))]
    if not events:
        return None
    _, event, field_name = min(events, key=lambda t: t[0])
    forward, date = rules.get("forward_shift").regex, rules.get("absolute_date").regex
    same = text[m.end():min(first.end, event.start())]
    later = text[first.end:event.start()] if event.start() > first.end else ""
    clause = _clause(text, event.start(), event.end())
    if forward.search(same) or forward.search(later) or date.search(later) or forward.search(clause):
        return None
    dated = {d.group() for d in date.finditer(text, first.start, first.end)}
    if dated and dated != {d.group() for d in date.finditer(clause)} and date.search(clause):
        return None  # the age's sentence and the event are dated differently
    if field_name == "age_at_diagnosis" and rules.get("backward_ref").regex.search(clause):
        return None
    return field_name


# --- tables ----------------------------------------------------------------------------------------


def _sex_code(written: str, rules: RuleFile) -> str | None:
    if len(written) == 1 and not written.isupper():
        return None
    return rules.words["sex"].get(written.lower())


def _column(header: str, rules: RuleFile) -> tuple[str, str | None] | None:
    for p in rules.by_kind("column"):
        if m := p.regex.fullmatch(header.strip()):
            return rules.words["columns"][p.name], m.groupdict().get("unit")
    return None


def _cell_claims(text: str, table: Table, rules: RuleFile) -> list[_Claim]:
    """Values of the demographic columns of a table with cells, named by the header cell."""
    header = header_cells(text, table)
    if header is None:
        return []
    columns = [_column(h, rules) for h in header]
    out = []
    for row in table.rows:
        if not (row.key or "").isdigit() or len(row.cells) != len(header):
            continue
        for column, (a, b) in zip(columns, row.cells, strict=True):
            cell = text[a:b].strip()
            if column is None or not cell:
                continue
            at = a + text[a:b].index(cell)
            name, unit = column
            if name == "sex":
                value = _sex_code(cell, rules)
            else:
                value = _years(cell, unit, rules) if _CELL_NUMBER.fullmatch(cell) else None
            if value:
                out.append(_Claim(name, value, "value", at, at + len(cell), "table_cell"))
    return out


def _first_line_words(text: str, row: TableRow) -> list[tuple[int, int, str]]:
    line_end = text.find("\n", row.start)
    line_end = row.end if line_end < 0 else min(line_end, row.end)
    words = line_words(text[row.start:line_end], row.start)
    return words[1:] if words and words[0][2] == row.key else words


def _flat_sex(text: str, table: Table, rows: list[TableRow], rules: RuleFile) -> list[_Claim]:
    """The sex column of a flattened table: exactly one sex code on each row's first line.

    A one-letter code must not be defined otherwise by the footnote (``F, Female`` agrees).
    """
    defined = {}
    if table.footnote:
        for m in rules.get("footnote_code").regex.finditer(text[table.footnote[0]:table.footnote[1]]):
            defined[m["code"]] = m["word"].lower()
    out = []
    for row in rows:
        hits = [(a, b, w) for a, b, w in _first_line_words(text, row) if _sex_code(w, rules)]
        if len(hits) != 1:
            return []
        a, b, w = hits[0]
        value = _sex_code(w, rules)
        if w in defined and rules.words["sex"].get(defined[w]) != value:
            return []
        out.append(_Claim("sex", value or "", "value", a, b, "flat_table"))
    return out


def _sums(early: str, duration: str, late: str) -> bool:
    values = [early, duration, late]
    if not all(_CELL_NUMBER.fullmatch(v) for v in values):
        return False
    places = min(len(v.partition(".")[2]) for v in values)
    a, d, b = (float(v) for v in values)
    return abs(a + d - b) <= 10 ** -places + 1e-9


def _flat_ages(text: str, table: Table, rows: list[TableRow], rules: RuleFile) -> list[_Claim]:
    """Two age columns and a disease duration column of a flattened table, by the sum rule.

    The header's first line names the columns in order (two "Age" and one "Disease"); each
    row's bare numbers (``row_number_slots``) are its numeric cells in that order, all in years.
    Exactly one choice of three of them, kept in the header's order, must satisfy earlier age +
    duration = later age in every row. The later age is at the index start when the header names
    it; the earlier is at diagnosis or onset when the header names one of them only.
    """
    header = text[table.header[0]:table.header[1]] if table.header else ""
    first = header.split("\n", 1)[0]
    ages = [m.start() for m in rules.get("header_age").regex.finditer(first)]
    durations = [m.start() for m in rules.get("header_duration").regex.finditer(first)]
    if (len(ages) != 2 or len(durations) != 1 or len(rows) < 2
            or not rules.get("header_duration_word").regex.search(header)
            or not rules.get("header_years").regex.search(header)
            or rules.get("header_months").regex.search(header)
            or rules.get("header_other_anchor").regex.search(header)):
        return []
    slots = [row_number_slots(text, row)[1] for row in rows]
    if len({len(s) for s in slots}) != 1:
        return []
    order = [name for _, name in sorted([(ages[0], "a"), (ages[1], "b"), (durations[0], "d")])]
    fits = []
    for chosen in itertools.combinations(range(len(slots[0])), 3):
        at = dict(zip(order, chosen, strict=True))
        for early, late in (("a", "b"), ("b", "a")):
            if all(_sums(s[at[early]].text, s[at["d"]].text, s[at[late]].text) for s in slots):
                fits.append((at[early], at["d"], at[late]))
    if len(fits) != 1:
        return []
    diagnosis = bool(rules.get("header_diagnosis_word").regex.search(header))
    onset = bool(rules.get("header_onset_word").regex.search(header))
    early_field = ("age_at_diagnosis" if diagnosis and not onset
                   else "age_at_onset" if onset and not diagnosis else None)
    index = bool(rules.get("header_index_start").regex.search(header))
    columns = [(fits[0][0], early_field)]
    if index:
        columns += [(fits[0][1], "disease_duration_at_index_start"), (fits[0][2], "age_at_index_start")]
    out = []
    for s in slots:
        for j, name in columns:
            if name:
                tok = s[j]
                out.append(_Claim(name, format_number(float(tok.text)), "value", tok.start, tok.end,
                                  "flat_table"))
    return out


def _table_claims(text: str, tables: Sequence[Table], rules: RuleFile) -> list[_Claim]:
    out = []
    for table in tables:
        if not table.flattened:
            out += _cell_claims(text, table, rules)
            continue
        rows = [r for r in table.rows if (r.key or "").isdigit()]
        first = text[table.header[0]:table.header[1]].split("\n", 1)[0] if table.header else ""
        if rows and rules.get("header_sex").regex.search(first):
            out += _flat_sex(text, table, rows, rules)
        out += _flat_ages(text, table, rows, rules)
    return out


# --- attribution and the finder -------------------------------------------------------------------


def _numbered(text: str, found: Sequence[Found]) -> list[Found]:
    """The PATIENT mentions that number a patient ("Patient 4", a table row key), with ``id``."""
    out = []
    for f in found:
        patient = f.attrs.get("patient", "")
        if f.label == "PATIENT" and patient.isdigit() and re.search(
                rf"(?<!\d){patient}(?!\d)", text[f.start:f.end]):
            out.append(Found("PATIENT", f.start, f.end, {"id": patient}, f.rule))
    return out


def _attribute(claims: list[_Claim], text: str, seg: Segmentation, numbered: list[Found],
               rules: RuleFile) -> list[str]:
    """The patient of each claim, as attribution gives it to a mention at the same place.

    A spread inside a claim ("6.5 (2-11) years") is blanked first: attribution takes a
    parenthesised number range for a citation, and the sentence would go to ``other``.
    """
    spread = rules.compile(rules.fragments["SPREAD"])
    chars = list(text)
    for c in claims:
        for m in spread.finditer(text, c.start, c.end):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    probes = [Found(_PROBE, c.start, c.end, {}, c.rule) for c in claims]
    attributed = attribute_patients([*numbered, *probes], "".join(chars), seg)[len(numbered):]
    return [f.attrs["patient"] for f in attributed]


def _pronoun_facts(text: str, seg: Segmentation, numbered: list[Found], strong: set[str],
                   rules: RuleFile) -> list[PatientFact]:
    """Sex from he/she, for a patient with no sex word, when all pronouns about them agree.

    A pronoun names no one: in a series told without case blocks "he" may be any patient of the
    paragraph, so pronouns are read only inside a one-patient case block or in a report of a
    single case, and only where attribution gives that same patient.
    """
    words = rules.words["pronouns"]
    pronoun = re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)
    if document_shape(numbered, seg).single_case:
        regions = [(0, len(text), "1")]
    else:
        regions = [(s.start, s.end, s.case_id) for s in seg.case_blocks() if s.case_id]
    claims, expected = [], []
    for start, end, patient in regions:
        for m in pronoun.finditer(text, start, end):
            claims.append(_Claim("sex", words[m.group().lower()], "value", m.start(), m.end(), "pronoun"))
            expected.append(patient)
    by_patient: dict[str, list[_Claim]] = defaultdict(list)
    for c, want, got in zip(claims, expected, _attribute(claims, text, seg, numbered, rules), strict=True):
        if want == got and want not in strong:
            by_patient[want].append(c)
    return [PatientFact(p, "sex", cs[0].value, "value", cs[0].start, cs[0].end, None, "pronoun")
            for p, cs in by_patient.items() if len({c.value for c in cs}) == 1]


def _consistent(facts: list[PatientFact]) -> list[PatientFact]:
    """Drops every fact of a (patient, field, statistic) that is stated with different values."""

    def key(f: PatientFact) -> tuple[str, ...]:
        return (f.patient, f.field, f.stat, f.value if f.stat == "count" else "")

    said: dict[tuple[str, ...], set[tuple[str, int | None]]] = defaultdict(set)
    for f in facts:
        said[key(f)].add((f.value, f.n))
    return [f for f in facts
            if (f.field == "diagnosis" and f.stat == "value") or len(said[key(f)]) == 1]


def find_demographics(text: str, seg: Segmentation, found: Sequence[Found]) -> list[PatientFact]:
    """Sex, ages, disease duration at the index start and diagnoses of each patient and the cohort."""
    rules = demographic_rules()
    sentences = sorted((s for s in seg.sentences if s.kind == "sentence"), key=lambda s: s.start)
    claims = [*_table_claims(text, seg.tables, rules), *_aged_claims(text, sentences, rules),
              *_age_claims(text, rules), *_duration_claims(text, rules), *_sex_claims(text, rules),
              *_diagnosis_claims(text, rules)]
    numbered = _numbered(text, found)
    facts = set()
    for c, patient in zip(claims, _attribute(claims, text, seg, numbered, rules), strict=True):
        if patient.isdigit() if c.stat == "value" else patient == "cohort":
            facts.add(PatientFact(patient, c.field, c.value, c.stat, c.start, c.end, c.n, c.rule))
    strong = {f.patient for f in facts if f.field == "sex" and f.stat == "value"}
    facts.update(_pronoun_facts(text, seg, numbered, strong, rules))
    return sorted(_consistent(list(facts)), key=lambda f: (f.start, f.end, f.field))
