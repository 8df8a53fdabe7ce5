"""DRUG and DRUG_CLASS: the domain lexicon, abbreviations a paper defines, an open dictionary of
about 20,000 drugs (drug-named-entity-recognition) behind a stop list, misspelt names of its
drugs, substances as often measured as given (only where the text says given), the class
lexicon, and classes named after their target (the rules of ``patterns/drugs.yaml``)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extractors.found import Found, Spans
from pipeline.extractors.lexicon import LexiconEntry, load_lexicon, load_word_list
from pipeline.extractors.misspellings import MisspellingIndex, may_be_misspelt
from pipeline.extractors.phrases import (
    LexiconMatcher,
    PhraseMatch,
    flagged_tokens,
    lexeme_flag,
    text_of,
    token_offsets,
)
from pipeline.regex_analysis import Scanner, scanner_of
from pipeline.segment.model import Table

DRUGS = "drugs.tsv"
CLASSES = "drug_classes.tsv"
STOPLIST = "drug_stoplist.txt"
ORGANISM_GENERA = "organism_genera.txt"
CLASS_MODIFIERS = "drug_class_modifiers.tsv"
RULES = "drugs.yaml"
GIVEN_SUBSTANCES = "given_substances.tsv"
RULE_KINDS = ("class", "given_before", "given_after")
DMARD_NORMS = frozenset({"dmard", "csdmard", "bdmard", "tsdmard"})
MODIFIER_REACH = 80
GIVEN_REACH = 60
# "sodium pentothal", "potassium iodide": the substance names a salt of a drug the dictionary
# does not know, so it is not the drug given ("ibandronate sodium": a drug just before it)
SALT_AFTER = re.compile(r"[ \t]+(?!concentrate\b)[a-z]+(?:ide|ate|ite|ine|ol|al|one)\b")
# "GC (15 mg qd)": a glucocorticoid written as its class but dosed like a drug
DOSED_CLASS = re.compile(r"\s*\(\s*\d")
NOT_A_NAME = re.compile(r"\[\[|\]\]|\{\{|\}\}|&(?:lt|gt|quot|amp);|''|^\.")
"""What no name a text writes holds, though the open dictionary's sources have it: wiki or HTML
markup (``[[ritonavir``, ``&lt;ref name=...``), or a full stop first (``.alpha.-mangostin``, a
substance register's way of writing a Greek letter)."""
LEADING_SEPARATORS = ",; "
"""Left over before some names of the open dictionary's sources (``, vusion``): taken off."""
DOSED_CLASS_START = re.compile("GC")  # where a "GC" or "GCs" token may start
OPEN_MIN_CHARS = 5
OPEN_MAX_TOKENS = 4
# An open-dictionary name that is measured, stained, tested, imaged with or named as an enzyme's
# substrate or a receptor is not a medication: "valproate levels", "growth hormone (GH)
# deficiency", "citrate synthase", "serum folate", "the ceftaroline Etest strip", "epinephrine
# values", "the tacrolimus trough", "the levodopa test", "rifampicin-susceptible M. tuberculosis",
# "human epidermal growth factor receptor 2", "a factor VIII inhibitor" (an antibody), "bile
# esculin-negative";
# "acyclovir increases ..." is no enzyme.
MEASURED_AFTER = re.compile(
    r"(?:\s*\([^()]{1,15}\))?[ \t-]*(?:deficien\w*|levels?|concentrations?|values?|trough|titers?|titres?"
    r"|stain\w*|E-?test|MICs?|(?:\w+[ \t])?(?:test|tests|testing|assay)|receptors?"
    r"|inhibitors?|antagonists?|agonists?|blockers?|negative|positive"
    r"|susceptib\w*|sensitive|resistan\w*|monitor\w*|intolerance|saturation|overload|stores|status"
    r"|profile|metabolism|homeostasis|clamp"
    r"|(?!(?:in|de)creases?\b|releases?\b|diseases?\b|phases?\b|cases?\b|bases?\b|ceases?\b)\w+ases?)\b",
    re.IGNORECASE)
# a tracer or dye of an imaging study: "technetium-99m octreotide (99mTc-OCT) scintigraphy",
# "indocyanine green angiography", "bone scintigraphy using technetium-99m methylenediphosphate"
IMAGING = r"(?:scan|scans|scintigraphy|scintigram|angiography|imaging|PET|SPECT|uptake)"
IMAGING_AFTER = re.compile(
    rf"(?:[ \t-]+(?!(?:and|or|with|then|a|an|the|was|were)\b)[\w-]+){{0,2}}?"
    rf"(?:\s*\([^()]{{1,15}}\))?[ \t-]*{IMAGING}\b", re.IGNORECASE)
IMAGING_BEFORE = re.compile(
    rf"\b(?:{IMAGING}|tomography|echocardiography|(?:ultra)?sonography|ultrasound|MRI|CT)\s+"
    r"(?:using|with|of)\s+\Z", re.IGNORECASE)
MEASURED_BEFORE = re.compile(r"\b(?:serum|plasma|urinary|urine)\s+\Z", re.IGNORECASE)
# "serum levels of ACTH and cortisol": every name of the coordinated list is measured
LEVELS_OF_BEFORE = re.compile(
    r"\b(?:levels?|concentrations?)\s+of\s+(?:[\w-]+(?:\s+[\w-]+)?\s*(?:,|\band\b|\bor\b)\s*){0,4}\Z",
    re.IGNORECASE)
# "adrenocorticotropic hormone (ACTH), 37.4 pg/ml", "cortisol was 2 µg/dL": a value per volume
# follows, so the substance is measured; doses are not written per litre of the patient
VALUE_PER_VOLUME_AFTER = re.compile(
    r"\)?(?:\s*\([^()]{1,15}\))?\s*(?:[,:=]|\b(?:was|were|of|at|is)\b)?\s*[<>≤≥]?\s*"
    r"\d[\d.,]*\s*(?:[pnµμumk]?(?:g|mol|eq)|[mµμ]?I?U)\s*/\s*(?:[dm]?[lL])\b")
# "the isolate was sensitive to penicillin, ceftriaxone and vancomycin": a susceptibility test
SUSCEPTIBILITY = re.compile(
    r"\b(?:resistant|resistance|sensitive|sensitivity|susceptible|susceptibility)\s+to\b", re.IGNORECASE)
SUSCEPTIBILITY_CUE = re.compile(
    r"\b(?:isolates?|strains?|organisms?|MICs?|cultures?|E-?test|susceptib\w*|bacteri\w*)\b", re.IGNORECASE)
LIST_BREAK = re.compile(
    r"[.;:](?:\s|\Z)|\b(?:but|was|were|is|are|with|then|treated|started|given|received|therapy|treatment)\b",
    re.IGNORECASE)
# "lupus anticoagulant" is an antiphospholipid test, not a class of drugs given
TEST_BEFORE_CLASS = re.compile(r"\blupus\s+\Z", re.IGNORECASE)
# "factor VIII inhibitor" is an antibody against a clotting factor, found by a blood test
FACTOR_BEFORE = re.compile(r"\bfactor\s+\Z", re.IGNORECASE)
# "(L-AMB)", "(TAZ/PIPC)": a short form with a hyphen or slash in brackets
BRACKETED_SHORT_FORM = re.compile(r"\(\s*(?P<short>[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)+)\s*\)")
# how the drugs of a combination are joined: "tazobactam/piperacillin", "A, B and C"
COMBINATION_MAX = 4
COMBINATION_JOIN = re.compile(r"\s*(?:/|-|\+|,|,?\s*and|,?\s*plus)\s*")
SENTENCE_START = re.compile(r"[.!?]\s+(?=[A-Z])|\n")
LOOKBACK = 300


MEDICINE_IDS = ("drugbank_id", "medline_plus_id", "nhs_url")
"""An entry of the open dictionary is a medicine when DrugBank, MedlinePlus's drug pages or the
NHS medicines pages know it; entries known to MeSH only are concepts such as interleukins,
autoantibodies, enzymes and drug classes ("Penicillins")."""


@dataclass(frozen=True)
class DrugRule:
    """A named regex of drugs.yaml: a class phrase built from a drug target (``class``), or the
    words before or after a substance that say it is given (``given_before``, ``given_after``)."""

    name: str
    kind: str
    regex: re.Pattern[str]
    match_examples: tuple[tuple[str, str], ...] = ()
    no_match_examples: tuple[str, ...] = ()

    def norm(self, m: re.Match[str]) -> str:
        """``EGFR inhibitors`` -> ``egfr_inhibitor``: the target and the action, lower-cased."""
        words = re.split(r"[^\w/α-ωΑ-Ω]+", f"{m['target']} {m['action']}".lower())
        return "_".join(w for w in words if w)

    def find(self, example: str) -> list[str]:
        """What the rule finds in one of its examples (a given_* example is ``before|after``)."""
        if self.kind == "class":
            return [m.group() for m in self.regex.finditer(example)]
        before, after = example.split("|", 1)
        m = self.regex.search(before) if self.kind == "given_before" else self.regex.match(after)
        return [m.group()] if m else []


@cache
def drug_rules() -> tuple[DrugRule, ...]:
    """The packaged drug rules with their fragments expanded (errors name the file and rule)."""
    origin = f"pipeline/data/patterns/{RULES}"
    data = yaml.safe_load(
        resources.files("pipeline.data.patterns").joinpath(RULES).read_text(encoding="utf-8"))
    fragments: dict[str, str] = data.get("fragments", {})

    def expand(template: str) -> str:
        for _ in range(5):
            template = re.sub(r"\{\{(\w+)\}\}", lambda m: fragments[m[1]], template)
        return template

    rules = []
    for n, raw in enumerate(data.get("patterns", []), start=1):
        where = f"{origin}: pattern {n} ({raw.get('name')})"
        try:
            regex = re.compile(expand(raw["regex"]))
        except (KeyError, re.error) as exc:
            raise ValueError(f"{where}: {exc!r}") from exc
        if raw.get("kind") not in RULE_KINDS:
            raise ValueError(f"{where}: kind must be one of {RULE_KINDS}")
        if raw["kind"] == "class" and not {"target", "action"} <= set(regex.groupindex):
            raise ValueError(f"{where}: a class rule needs the groups target and action")
        ex = raw.get("examples") or {}
        rules.append(DrugRule(raw["name"], raw["kind"], regex,
                              tuple((a, b) for a, b in ex.get("match", [])), tuple(ex.get("no_match", []))))
    return tuple(rules)


def _rule(kind: str) -> re.Pattern[str]:
    return next(r.regex for r in drug_rules() if r.kind == kind)


@cache
def _class_scanners() -> tuple[tuple[DrugRule, Scanner], ...]:
    """The class rules, each with its scanner."""
    return tuple((r, scanner_of(r.regex)) for r in drug_rules() if r.kind == "class")


@cache
def open_dictionary() -> dict[str, tuple[str, str]]:
    """Lower-case name or synonym -> (generic name, DrugBank id or ""), for medicines (see
    :data:`MEDICINE_IDS`) of the dictionary of drug-named-entity-recognition.

    A genus and species ("Escherichia coli", "Candida albicans") is left out: DrugBank lists
    such extracts, but a case report names the organism a culture grew. So is an entry that is
    :data:`NOT_A_NAME`; :data:`LEADING_SEPARATORS` are taken off an entry's start."""
    from drug_named_entity_recognition import drugs_finder

    data = drugs_finder.d
    canon = data["drug_canonical_to_data"]
    out: dict[str, tuple[str, str]] = {}
    genera = load_word_list(ORGANISM_GENERA)
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        words = variant.split()
        if len(words) > OPEN_MAX_TOKENS or (len(words) == 2 and words[0].lower() in genera):
            continue
        if NOT_A_NAME.search(variant):
            continue
        medicines = [canon.get(name) or {} for name in canonicals]
        medicines = [info for info in medicines if any(info.get(k) for k in MEDICINE_IDS)]
        # a DrugBank drug first, so that a name shared with a MedlinePlus-only entry keeps its id
        medicines.sort(key=lambda info: not info.get("drugbank_id"))
        if medicines:
            info = medicines[0]
            name = variant.lower().lstrip(LEADING_SEPARATORS)
            if not name or (name != variant.lower() and name in out):
                continue  # ", vusion" is "vusion", unless the dictionary has that already
            out[name] = (str(info.get("name", canonicals[0])).lower(), str(info.get("drugbank_id") or ""))
    return out


@cache
def misspellings() -> MisspellingIndex:
    """The single-word names of the open dictionary and the domain lexicon, for misspellings."""
    norms = {name: norm for name, (norm, _) in open_dictionary().items()}
    norms.update({e.surface.lower(): e.get("norm") for e in load_lexicon(DRUGS, ("surface", "norm", "class"))
                  if not e.exact})
    stoplist = load_word_list(STOPLIST)
    return MisspellingIndex({name: norm for name, norm in norms.items() if name not in stoplist})


@cache
def open_dictionary_prefixes() -> frozenset[str]:
    """The beginnings of the names of :func:`open_dictionary` that end where a token can end:
    before a space or a punctuation mark, after one, or between a digit and a letter."""
    return frozenset(v[:j] for v in open_dictionary() for j in range(1, len(v)) if _token_boundary(v, j))


@cache
def open_dictionary_openers() -> frozenset[str]:
    """What the first token of a name of :func:`open_dictionary` can be, in lower case: a whole
    name or one of :func:`open_dictionary_prefixes`."""
    return frozenset(open_dictionary()) | open_dictionary_prefixes()


def may_open(word: str) -> bool:
    """Whether ``word`` may begin a name of the open dictionary: its lower case is one of
    :func:`open_dictionary_openers`, or it has a character past ASCII (whose lower case in the
    text, as :func:`lower_in_place` makes it, may differ)."""
    return not word.isascii() or word.lower() in open_dictionary_openers()


def _token_boundary(text: str, j: int) -> bool:
    before, after = text[j - 1], text[j]
    return not (before.isalnum() and after.isalnum() and before.isdigit() == after.isdigit())


def lower_in_place(text: str) -> str:
    """``text.lower()`` with every character where it stands, so that the text's offsets index it:
    a character whose lower case is longer (``İ`` -> ``i̇``) is kept as it is."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def drugbank_id(norm: str) -> str | None:
    """The DrugBank id of a generic name, from the open drug dictionary."""
    hit = open_dictionary().get(norm.lower())
    return hit[1] or None if hit else None


def _drug_found(start: int, end: int, entry: LexiconEntry, rule: str) -> Found:
    """A DRUG of a lexicon entry: its norm, its class (when the entry gives one), its DrugBank id."""
    norm = entry.get("norm")
    attrs = {"norm": norm}
    if entry.get("class"):
        attrs["class"] = entry.get("class")
    db = drugbank_id(norm)
    if db:
        attrs["drugbank"] = db
    return Found("DRUG", start, end, attrs, rule)


class DrugFinder:
    """Finds drugs and drug classes in a Doc; build once per pipeline."""

    def __init__(self, nlp: Language, *, open_vocabulary: bool = True) -> None:
        self.drug_entries = load_lexicon(DRUGS, ("surface", "norm", "class"))
        # drugs, classes and substances as often measured as given, matched in one pass
        self.lexicons = LexiconMatcher(nlp, self.drug_entries, with_hyphenated_anti(load_lexicon(CLASSES)),
                                       load_lexicon(GIVEN_SUBSTANCES))
        self.stoplist = load_word_list(STOPLIST)
        self.modifiers = {e.surface.lower(): e.get("norm") for e in load_lexicon(CLASS_MODIFIERS)}
        words = "|".join(r"\s+".join(map(re.escape, w.split()))
                         for w in sorted(self.modifiers, key=len, reverse=True))
        self.modifier_word = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
        self.modifier_chain = re.compile(
            rf"(?:\b(?:{words})(?:\s+(?:and/or|and|or)\s+|\s*,\s*|\s+))+\Z", re.IGNORECASE)
        self.open_vocabulary = open_vocabulary
        # the words that may begin an open-dictionary name or be a misspelt drug, marked in the
        # vocabulary once a word (see lexeme_flag)
        vocab = nlp.vocab
        self.opener_flag = lexeme_flag(vocab, "may_open", may_open) if open_vocabulary else 0
        self.misspelt_flag = lexeme_flag(vocab, "may_be_misspelt", may_be_misspelt) if open_vocabulary else 0
        self.by_norm = {e.get("norm"): e for e in self.drug_entries}

    def __call__(
        self, doc: Doc, abbreviations: list[tuple[str, int, int, str]] | None = None,
        tables: Sequence[Table] = (),
    ) -> list[Found]:
        """All DRUG and DRUG_CLASS mentions of ``doc`` (abbreviations: short, start, end, long;
        ``tables``: segmentation's tables, whose list columns may wrap a name over two lines)."""
        found: list[Found] = []
        taken = Spans()
        drugs, classes, given = self.lexicons.by_lexicon(doc)
        for start, end, entry in drugs:
            found.append(_drug_found(start, end, entry, "lexicon"))
            taken.add(start, end)
        found += self._wrapped_names(doc, tables, taken)
        if self.open_vocabulary:
            found += self._open(doc, taken)
            found += self._misspelled(doc, taken)
        text = text_of(doc)
        found += self._defined_abbreviations(doc, abbreviations or [], found, taken)
        found += self._bracketed_short_forms(text, found, taken)
        found += self._dosed_classes(doc, found, taken)
        for start, end, entry in classes:
            if not taken.overlaps(start, end) and not TEST_BEFORE_CLASS.search(
                    text[max(0, start - 20):start]):
                first, norm = self._with_modifiers(text, start, entry.get("norm"))
                found.append(Found("DRUG_CLASS", first, end, {"norm": norm}, "class_lexicon"))
        # the drugs found so far are the spans taken; from here on the classes are taken too
        taken = Spans((f.start, f.end) for f in found)
        found += self._given_substances(doc, given, taken)
        found += self._built_classes(text, taken)
        return sorted(found, key=lambda f: (f.start, f.end))

    def _built_classes(self, text: str, taken: Spans) -> list[Found]:
        """Classes named after their target ("EGFR inhibitors") that no name above covers; not
        where the phrase is measured ("C1 esterase inhibitor deficiency") or a factor's antibody
        ("factor VIII inhibitor")."""
        out = []
        for rule, scanner in _class_scanners():
            for m in scanner.matches(text):
                start, end = m.span()
                if (taken.overlaps(start, end) or FACTOR_BEFORE.search(text, max(0, start - 10), start)
                        or not_a_medication(text, start, end)):
                    continue
                out.append(Found("DRUG_CLASS", start, end, {"norm": rule.norm(m)}, rule.name))
                taken.add(start, end)
        return out

    def _with_modifiers(self, text: str, start: int, norm: str) -> tuple[int, str]:
        """A DMARD class with the coordinated words that narrow it written before it
        ("conventional synthetic and/or | biological DMARDs"): its new start and norm."""
        if norm not in DMARD_NORMS:
            return start, norm
        chain = self.modifier_chain.search(text, max(0, start - MODIFIER_REACH), start)
        if chain is None:
            return start, norm
        kinds = {self.modifiers[" ".join(m.group().lower().split())]
                 for m in self.modifier_word.finditer(text, chain.start(), start)}
        if norm != "dmard":
            kinds.add(norm)
        return chain.start(), kinds.pop() if len(kinds) == 1 else "dmard"

    def _wrapped_names(self, doc: Doc, tables: Sequence[Table], taken: Spans) -> list[Found]:
        """A two-word name a flattened table's list column wrapped over a line break ("Cys" ...
        next line "A"): the word before the break stands for the drug (GUIDELINES §2)."""
        out = []
        for table in tables:
            for row in table.rows:
                for start, end, name in row.wrapped:
                    entry = next((e for e in self.drug_entries if e.surface == name
                                  or (not e.exact and e.surface.lower() == name.lower())), None)
                    if entry is not None and not taken.overlaps(start, end):
                        out.append(_drug_found(start, end, entry, "wrapped_name"))
                        taken.add(start, end)
        return out

    def _dictionary_attrs(self, norm: str, db: str) -> dict[str, str]:
        """A dictionary drug's attributes: its norm, the domain lexicon's class for it, its
        DrugBank id when it has one."""
        attrs = {"norm": norm}
        entry = self.by_norm.get(norm)
        if entry is not None:
            attrs["class"] = entry.get("class")
        if db:
            attrs["drugbank"] = db
        return attrs

    def _misspelled(self, doc: Doc, taken: Spans) -> list[Found]:
        """Words that are a misspelling of one drug's name (see :mod:`misspellings`)."""
        text = text_of(doc)
        index = misspellings()
        tokens = token_offsets(doc)
        words = (tokens[i] for i in flagged_tokens(doc, self.misspelt_flag))
        corrected = [(start, end, name) for start, end in words
                     if (name := index.correct(text[start:end])) is not None]
        out = []
        for start, end, name in corrected:
            if taken.overlaps(start, end) or not_a_medication(text, start, end):
                continue
            norm, db = open_dictionary().get(name, (index.norms[name], ""))
            attrs = self._dictionary_attrs(norm, db or drugbank_id(norm) or "")
            out.append(Found("DRUG", start, end, attrs, f"misspelling:{name}"))
            taken.add(start, end)
        return out

    def _given_substances(
        self, doc: Doc, matches: list[PhraseMatch], taken: Spans
    ) -> list[Found]:
        """Insulin, albumin, iron, oxygen ...: a DRUG only where the words before or after say it
        is given ("subcutaneous insulin", "albumin infusion") and nothing says it is measured."""
        text = text_of(doc)
        before, after = _rule("given_before"), _rule("given_after")
        out = []
        for start, end, entry in matches:
            if taken.overlaps(start, end) or SALT_AFTER.match(text, end) or _follows_a_name(
                text, start, taken
            ) or not (
                before.search(text, max(0, start - GIVEN_REACH), start) or after.match(text, end)
            ) or not_a_medication(text, start, end):
                continue
            out.append(_drug_found(start, end, entry, "given_substance"))
            taken.add(start, end)
        return out

    def _defined_abbreviations(
        self, doc: Doc, abbreviations: list[tuple[str, int, int, str]], found: list[Found],
        taken: Spans,
    ) -> list[Found]:
        """Short forms a paper defines for a drug ("tocilizumab (TCZ)") become that drug."""
        text = text_of(doc)
        by_long = {text[f.start:f.end].lower(): f for f in found if f.label == "DRUG"}
        out = []
        for short, start, end, long in abbreviations:
            drug = by_long.get(long.lower())
            if drug is None or taken.overlaps(start, end) or not short.strip():
                continue
            entry = self.by_norm.get(drug.attrs["norm"])
            attrs = dict(drug.attrs) if entry is None else _drug_found(0, 0, entry, "").attrs
            out.append(Found("DRUG", start, end, attrs, f"abbreviation:{short}"))
            taken.add(start, end)
        return out

    def _bracketed_short_forms(
        self, text: str, found: list[Found], taken: Spans
    ) -> list[Found]:
        """Short forms with a hyphen or slash defined right after one drug or a combination of
        drugs ("liposomal amphotericin B (L-AMB)", "tazobactam/piperacillin (TAZ/PIPC)"), which
        scispaCy's detector does not propose: the short form stands for the drug (or the
        combination) wherever the paper writes it, when its letters occur in order in the name."""
        drugs = sorted((f for f in found if f.label == "DRUG"), key=lambda f: f.start)
        ends = {f.end: i for i, f in enumerate(drugs)}
        defined: dict[str, dict[str, str]] = {}
        for m in BRACKETED_SHORT_FORM.finditer(text):
            i = ends.get(_back_over_blanks(text, m.start(), str.isspace))
            if i is None:
                continue
            chain = [drugs[i]]
            while (i > 0 and len(chain) < COMBINATION_MAX
                   and COMBINATION_JOIN.fullmatch(text[drugs[i - 1].end:chain[0].start])):
                i -= 1
                chain.insert(0, drugs[i])
            long = text[chain[0].start:chain[-1].end]
            if _letters_in_order(m["short"], long):
                defined[m["short"]] = _combined_attrs([f.attrs for f in chain])
        out = []
        for short, attrs in defined.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                if not taken.overlaps(m.start(), m.end()):
                    out.append(Found("DRUG", m.start(), m.end(), dict(attrs), f"abbreviation:{short}"))
                    taken.add(*m.span())
        return out

    def _open(self, doc: Doc, taken: Spans) -> list[Found]:
        """Drugs of the open dictionary not in the domain lexicon: longest n-gram first.

        The lower-cased text of tokens ``i .. k`` is looked up for ``k`` up to
        ``i + OPEN_MAX_TOKENS - 1`` while it is still the beginning of some name.
        """
        variants = open_dictionary()
        prefixes = open_dictionary_prefixes()
        openers = open_dictionary_openers()
        text = text_of(doc)
        tokens = token_offsets(doc)
        lower = lower_in_place(text)
        out = []
        last = len(tokens) - 1
        # a token that is no name itself begins one only together with the token after it
        firsts = [i for i in flagged_tokens(doc, self.opener_flag)
                  if (word := lower[tokens[i][0]:tokens[i][1]]) in openers
                  and (word in variants or (i < last and lower[tokens[i][0]:tokens[i + 1][1]] in openers))]
        after = 0  # the tokens before this one belong to a name found
        for i in firsts:
            if i < after:
                continue
            start, end = tokens[i]
            surface = lower[start:end]
            hit = (i + 1, end) if surface in variants else None
            k, stop = i + 1, min(i + OPEN_MAX_TOKENS, len(tokens))
            while k < stop and surface in prefixes:
                end = tokens[k][1]
                surface = lower[start:end]
                k += 1
                if surface in variants:
                    hit = (k, end)
            if hit is None:
                continue
            after, end = hit
            norm, db = variants[lower[start:end]]
            if (
                end - start < OPEN_MIN_CHARS
                or lower[start:end] in self.stoplist
                or taken.overlaps(start, end)
                or not_a_medication(text, start, end)
            ):
                continue
            out.append(Found("DRUG", start, end, self._dictionary_attrs(norm, db), "open_dictionary"))
            taken.add(start, end)
        return out

    def _dosed_classes(self, doc: Doc, found: list[Found], taken: Spans) -> list[Found]:
        """``GC (15 mg qd)``: the class is dosed, so it stands for the paper's glucocorticoid."""
        steroids = Counter(
            f.attrs["norm"] for f in found if f.label == "DRUG" and f.attrs.get("class") == "glucocorticoid"
        )
        if not steroids:
            return []
        norm = steroids.most_common(1)[0][0]
        entry = self.by_norm.get(norm)
        if entry is None:
            return []
        text = text_of(doc)
        tokens = token_offsets(doc)
        out = []
        for m in DOSED_CLASS_START.finditer(text):
            i = bisect_left(tokens, (m.start(),))
            if i == len(tokens) or tokens[i][0] != m.start():
                continue
            start, end = tokens[i]
            if (
                text[start:end] in ("GC", "GCs")
                and DOSED_CLASS.match(text, end)
                and not taken.overlaps(start, end)
            ):
                out.append(_drug_found(start, end, entry, "dosed_class"))
                taken.add(start, end)
        return out


def _back_over_blanks(text: str, pos: int, blank: Callable[[str], bool]) -> int:
    """Where ``text[:pos]`` ends without the characters that are ``blank`` at its end."""
    while pos > 0 and blank(text[pos - 1]):
        pos -= 1
    return pos


def _follows_a_name(text: str, start: int, taken: Spans) -> bool:
    """Whether a name found already ends right before ``start``, spaces apart ("ibandronate
    sodium")."""
    k = _back_over_blanks(text, start, " \t".__contains__)
    return k < start and taken.overlaps(k - 1, k)


def _letters_in_order(short: str, long: str) -> bool:
    """Whether the short form's letters and digits occur in order in the long form, the first
    one at the start of the long form's first word (Schwartz & Hearst's test, simplified)."""
    chars = [c for c in short.lower() if c.isalnum()]
    words = long.lower()
    if not chars or not words.startswith(chars[0]):
        return False
    at = 1
    for c in chars[1:]:
        at = words.find(c, at)
        if at < 0:
            return False
        at += 1
    return True


def _combined_attrs(parts: list[dict[str, str]]) -> dict[str, str]:
    """The attributes of one drug, or of a combination: the names joined by "/", a class they
    share, no DrugBank id."""
    if len(parts) == 1:
        return dict(parts[0])
    attrs = {"norm": "/".join(p["norm"] for p in parts)}
    classes = {p.get("class", "") for p in parts}
    if len(classes) == 1 and "" not in classes:
        attrs["class"] = classes.pop()
    return attrs


def with_hyphenated_anti(entries: Sequence[LexiconEntry]) -> tuple[LexiconEntry, ...]:
    """The class lexicon with "anti-thyroid drugs" beside "antithyroid drugs": a class named
    anti<word> is as often written with a hyphen. Forms the lexicon lists itself are kept."""
    listed = {e.surface.lower() for e in entries}
    variants = []
    for e in entries:
        hyphenated = re.sub(r"^(anti)(?=[a-z]{3})", r"\1-", e.surface, flags=re.IGNORECASE)
        if hyphenated != e.surface and hyphenated.lower() not in listed:
            variants.append(LexiconEntry(hyphenated, e.fields, e.exact, e.line))
    return (*entries, *variants)


def not_a_medication(text: str, start: int, end: int) -> bool:
    """Whether the substance at ``[start, end)`` is measured or tested rather than given."""
    if (MEASURED_AFTER.match(text, end) or MEASURED_BEFORE.search(text[max(0, start - 20):start])
            or VALUE_PER_VOLUME_AFTER.match(text, end)
            or LEVELS_OF_BEFORE.search(text, max(0, start - 80), start)
            or IMAGING_AFTER.match(text, end) or IMAGING_BEFORE.search(text, max(0, start - 40), start)):
        return True
    begin = max(0, start - LOOKBACK)
    breaks = list(SENTENCE_START.finditer(text, begin, start))
    sentence = text[breaks[-1].end() if breaks else begin:start]
    cues = list(SUSCEPTIBILITY.finditer(sentence))
    if not cues or not SUSCEPTIBILITY_CUE.search(text, start - len(sentence), _sentence_end(text, end)):
        return False
    return LIST_BREAK.search(sentence, cues[-1].end()) is None


def _sentence_end(text: str, end: int) -> int:
    m = SENTENCE_START.search(text, end, end + LOOKBACK)
    return m.start() if m else min(len(text), end + LOOKBACK)
