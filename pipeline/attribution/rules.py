"""The attribution cues of ``pipeline/data/attribution.yaml``, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

PHASES = ("prior", "at_initiation", "started", "discontinued", "last_followup")


@dataclass(frozen=True)
class AttributionRules:
    """Compiled cues for patient attribution and medication phase."""

    other_sections: frozenset[str]
    citation: tuple[re.Pattern[str], ...]
    own: tuple[re.Pattern[str], ...]
    definition: tuple[re.Pattern[str], ...]
    background_parts: frozenset[str]
    phase_cues: tuple[tuple[str, re.Pattern[str]], ...]
    table_headers: tuple[tuple[str, re.Pattern[str]], ...]


@cache
def attribution_rules() -> AttributionRules:
    """Load and check ``attribution.yaml``; errors name the file and the entry."""
    origin = "pipeline/data/attribution.yaml"
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("attribution.yaml").read_text("utf-8"))

    def compile_all(key: str, flags: int = re.I) -> tuple[re.Pattern[str], ...]:
        try:
            return tuple(re.compile(p, flags) for p in data[key])
        except (KeyError, re.error) as exc:
            raise ValueError(f"{origin}: {key}: {exc}") from exc

    def phased(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        out = []
        for n, item in enumerate(data[key], start=1):
            if item.get("phase") not in PHASES:
                raise ValueError(f"{origin}: {key} entry {n}: unknown phase {item.get('phase')!r}")
            try:
                out.append((item["phase"], re.compile(item["regex"], re.I)))
            except re.error as exc:
                raise ValueError(f"{origin}: {key} entry {n}: {exc}") from exc
        return tuple(out)

    return AttributionRules(
        other_sections=frozenset(data["other_sections"]),
        citation=compile_all("citation_cues", re.M),
        own=compile_all("own_cues"),
        definition=compile_all("definition_cues", re.M),
        background_parts=frozenset(str(x).lower() for x in data["background_abstract_parts"]),
        phase_cues=phased("phase_cues"),
        table_headers=phased("table_phase_headers"),
    )
