"""RESPONSE and ADVERSE_EVENT from lexicons; negated adverse events are kept and marked."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extractors.found import Found
from pipeline.extractors.lexicon import load_lexicon
from pipeline.extractors.phrases import LexiconMatcher, text_of

WORD = re.compile(r"\w+(?:[-']\w+)*")
# what stands between two events of one coordinated list ("embolism, anemia, or cytopenias")
LIST_SEPARATOR = re.compile(r"\s*(?:,\s*(?:(?:and|or|nor)\s+)?|(?:and|or|nor)\s+)", re.IGNORECASE)
# "without any recurrence", "no recurrence of fever": a relapse or flare that did not happen is
# not an outcome judgement (GUIDELINES §3 RESPONSE)
NEGATABLE_RESPONSES = frozenset({"relapse", "flare"})
# "complete resolution of fever": the resolution of a named symptom, not of the disease
# ("a complete resolution of 4 months" is one of the disease)
OF_AFTER = re.compile(r"\s+of\s+(?![\d(])", re.IGNORECASE)
# the negation before a relapse or flare
NEGATION_BEFORE = re.compile(r"\b(?:no|without(?:\s+any)?|free\s+of|absence\s+of)\s+\Z", re.IGNORECASE)


def negate_lists(events: list[Found], text: str) -> list[Found]:
    """Events coordinated in one list ("malignancy, embolism, anemia, or cytopenias") share a
    negation that reaches one of them ("nor were other adverse events such as ...")."""
    groups: list[list[Found]] = []
    for event in sorted(events, key=lambda f: f.start):
        if groups and LIST_SEPARATOR.fullmatch(text, groups[-1][-1].end, event.start):
            groups[-1].append(event)
        else:
            groups.append([event])
    out = []
    for group in groups:
        negated = any(e.attrs.get("negated") for e in group)
        out += [replace(e, attrs={**e.attrs, "negated": "true"}) if negated else e for e in group]
    return out


class OutcomeFinder:
    """Finds responses and adverse events; build once per pipeline."""

    def __init__(self, nlp: Language) -> None:
        # one pass of the matchers for both lexicons, each keeping its own longest matches
        self.lexicons = LexiconMatcher(nlp, load_lexicon("responses.tsv"), load_lexicon("adverse_events.tsv"))
        cues = load_lexicon("negation_cues.tsv", ("surface", "direction", "window"))
        self.forward = [(c.surface.lower().split(), int(c.get("window"))) for c in cues
                        if c.get("direction") == "forward"]
        self.backward = [(c.surface.lower().split(), int(c.get("window"))) for c in cues
                         if c.get("direction") == "backward"]

    def __call__(self, doc: Doc, sentences: Sequence[tuple[int, int]]) -> list[Found]:
        """RESPONSE and ADVERSE_EVENT mentions; ``sentences`` bound the negation scope."""
        text = text_of(doc)
        responses, events_found = self.lexicons.by_lexicon(doc)
        out = [Found("RESPONSE", start, end, {"norm": e.get("norm")}, "response_lexicon")
               for start, end, e in responses
               if not (e.get("norm") in NEGATABLE_RESPONSES
                       and NEGATION_BEFORE.search(text, max(0, start - 20), start))
               and not (text[start:end].lower().endswith("resolution") and OF_AFTER.match(text, end))]
        starts = [s for s, _ in sentences]
        events = []
        for start, end, entry in events_found:
            attrs = {"norm": entry.get("norm")}
            i = bisect_right(starts, start) - 1
            sent = sentences[i] if i >= 0 else (0, len(text))
            if self.negated(text, sent, start, end):
                attrs["negated"] = "true"
            events.append(Found("ADVERSE_EVENT", start, end, attrs, "event_lexicon"))
        return out + negate_lists(events, text)

    def negated(self, text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
        """A negation cue before the event (within its window) or after it, in its sentence."""
        before = [w.lower() for w in WORD.findall(text[sentence[0]:start])]
        after = [w.lower() for w in WORD.findall(text[end:sentence[1]])]
        for cue, window in self.forward:
            scope = before[-(window + len(cue)):]
            if any(scope[k:k + len(cue)] == cue for k in range(len(scope) - len(cue) + 1)):
                return True
        for cue, window in self.backward:
            scope = after[: window + len(cue)]
            if any(scope[k:k + len(cue)] == cue for k in range(len(scope) - len(cue) + 1)):
                return True
        return False
