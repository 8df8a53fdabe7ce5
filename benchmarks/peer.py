"""The peer drug tagger (drug-named-entity-recognition) and its DrugBank -> MeSH table.

The package matches single tokens and token bigrams against a dictionary of about 20,000 drug
names; :func:`tokenize` gives it word tokens (hyphenated words kept whole) and punctuation tokens
(so that no bigram spans ``aspirin, heparin``), each with its character offsets. The package is
imported inside the functions because importing it loads its dictionary (a few seconds).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from typing import Any

from pipeline.standoff import Mention

TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
"""A word (with inner hyphens or apostrophes: ``5-fluorouracil``, ``Crohn's``) or one punctuation mark."""

Token = tuple[str, int, int]


def tokenize(text: str) -> list[Token]:
    """Whitespace- and punctuation-separated tokens with half-open character offsets."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _attrs(data: dict[str, Any]) -> dict[str, str]:
    attrs = {"norm": str(data.get("name", "")).lower()}
    for key, name in (("drugbank_id", "drugbank"), ("mesh_id", "mesh")):
        if data.get(key):
            attrs[name] = str(data[key])
    return attrs


def find_peer_drugs(text: str) -> list[Mention]:
    """DRUG mentions found by ``find_drugs(tokens, is_ignore_case=True)``, in character offsets.

    A span matched to several dictionary entries is one mention (the first entry with a DrugBank
    id, else the first entry); of overlapping bigram matches the earlier is kept, as one gold
    span can match only once anyway.
    """
    from drug_named_entity_recognition import find_drugs

    tokens = tokenize(text)
    hits = find_drugs([t for t, _, _ in tokens], is_ignore_case=True)
    spans: dict[tuple[int, int], dict[str, str]] = {}
    for data, first, after in hits:
        start, end = tokens[first][1], tokens[after - 1][2]
        attrs = _attrs(data)
        earlier = spans.get((start, end))
        if earlier is None or ("drugbank" not in earlier and "drugbank" in attrs):
            spans[(start, end)] = attrs
    kept: list[Mention] = []
    for (start, end), attrs in sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if kept and start < kept[-1].end:
            continue
        kept.append(Mention("DRUG", start, end, text[start:end], attrs))
    return kept


@cache
def drugbank_to_mesh() -> dict[str, str]:
    """DrugBank id -> MeSH id, from the dictionary entries that hold both, one-to-one only.

    Where several DrugBank drugs share one MeSH id in the dictionary (atorvastatin, lovastatin and
    simvastatin all carry D019161 Statins), the id is a pharmacological class rather than the
    drug's own descriptor, so those entries are left out.
    """
    from drug_named_entity_recognition import drugs_finder

    by_mesh: dict[str, set[str]] = defaultdict(set)
    for info in drugs_finder.d["drug_canonical_to_data"].values():
        mesh, drugbank = info.get("mesh_id"), info.get("drugbank_id")
        if mesh and drugbank:
            by_mesh[str(mesh)].add(str(drugbank))
    return {next(iter(dbs)): mesh for mesh, dbs in by_mesh.items() if len(dbs) == 1}


def predicted_mesh(m: Mention, table: dict[str, str]) -> str | None:
    """The MeSH id a predicted drug normalises to, through its DrugBank id."""
    drugbank = m.attrs.get("drugbank")
    return table.get(drugbank) if drugbank else None
