"""Mentions, relations and the brat standoff format shared by the gold and the predictions.

Offsets are half-open character offsets ``[start, end)`` into the source text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LABELS: tuple[str, ...] = (
    "DRUG",
    "DRUG_CLASS",
    "DOSE",
    "SCORE",
    "LAB",
    "TIMEPOINT",
    "PATIENT",
    "RESPONSE",
    "ADVERSE_EVENT",
)
RELATION_TYPES: tuple[str, ...] = ("DOSE_OF", "MEASURED_AT")


class StandoffError(ValueError):
    """A brat file or an annotation source that cannot be read; the message names the file."""


@dataclass(frozen=True, init=False)
class Mention:
    """One labelled span of a document, with its normalised attributes."""

    label: str
    start: int
    end: int
    text: str
    attrs: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    key: str = field(default="", compare=False, hash=False)

    def __init__(self, label: str, start: int, end: int, text: str,
                 attrs: Mapping[str, str] | None = None, key: str = "") -> None:
        # written into the instance's dict at once (see pipeline.extractors.found.Found)
        fields = self.__dict__
        fields["label"], fields["start"], fields["end"], fields["text"] = label, start, end, text
        fields["attrs"], fields["key"] = {} if attrs is None else attrs, key

    @property
    def patient(self) -> str | None:
        """The patient the mention belongs to, if known."""
        return self.attrs.get("patient")

    def overlaps(self, other: Mention) -> bool:
        """True when the two half-open spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Relation:
    """A typed link between two mentions, identified by their spans."""

    type: str
    source: Mention
    target: Mention


@dataclass
class Annotated:
    """A document's mentions and relations."""

    doc_id: str
    mentions: list[Mention]
    relations: list[Relation] = field(default_factory=list)


def sha256_text(text: str) -> str:
    """The sha256 of a text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_attrs(attrs: Mapping[str, str]) -> str:
    """Attributes as brat AnnotatorNotes: ``key=value`` pairs joined by ``; ``."""
    return "; ".join(f"{k}={v}" for k, v in attrs.items())


def parse_attrs(note: str) -> dict[str, str]:
    """Inverse of :func:`format_attrs`."""
    attrs: dict[str, str] = {}
    for part in note.split("; "):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"attribute without '=': {part!r}")
        attrs[key.strip()] = value.strip()
    return attrs


def _brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span at line breaks, as brat wants discontinuous fragments for multi-line spans."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for i in range(start, end):
        if text[i] == "\n":
            if i > cursor:
                pieces.append((cursor, i))
            cursor = i + 1
    if end > cursor:
        pieces.append((cursor, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()] or [(start, end)]


def to_brat(annotated: Annotated, text: str) -> str:
    """Serialise mentions and relations as brat standoff for ``text``."""
    lines: list[str] = []
    ids: dict[tuple[str, int, int], str] = {}
    ordered = sorted(annotated.mentions, key=lambda m: (m.start, m.end, m.label))
    for n, m in enumerate(ordered, start=1):
        tid = f"T{n}"
        ids[(m.label, m.start, m.end)] = tid
        frags = _brat_fragments(text, m.start, m.end)
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        shown = " ".join(text[s:e] for s, e in frags)
        lines.append(f"{tid}\t{m.label} {offsets}\t{shown}")
        if m.attrs:
            lines.append(f"#{n}\tAnnotatorNotes {tid}\t{format_attrs(m.attrs)}")
    for n, r in enumerate(annotated.relations, start=1):
        src = ids[(r.source.label, r.source.start, r.source.end)]
        tgt = ids[(r.target.label, r.target.start, r.target.end)]
        lines.append(f"R{n}\t{r.type} Arg1:{src} Arg2:{tgt}\t")
    return "\n".join(lines) + ("\n" if lines else "")


def from_brat(ann: str, text: str, *, doc_id: str, origin: str = "<brat>") -> Annotated:
    """Parse brat standoff; multi-fragment entities become one span from first to last offset."""
    spans: dict[str, tuple[str, int, int]] = {}
    notes: dict[str, dict[str, str]] = {}
    rels: list[tuple[str, str, str]] = []
    for lineno, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            if line.startswith("T"):
                tid, head, _shown = line.split("\t", 2)
                label, _, offsets = head.partition(" ")
                nums = [int(x) for frag in offsets.split(";") for x in frag.split()]
                spans[tid] = (label, min(nums), max(nums))
            elif line.startswith("#"):
                _nid, head, note = line.split("\t", 2)
                _kind, target = head.split()
                notes[target] = parse_attrs(note)
            elif line.startswith("R"):
                _rid, head = line.split("\t")[:2]
                rtype, a1, a2 = head.split()
                rels.append((rtype, a1.split(":", 1)[1], a2.split(":", 1)[1]))
        except ValueError as exc:
            raise StandoffError(f"{origin}:{lineno}: cannot parse brat line {line!r}: {exc}") from exc
    mentions: dict[str, Mention] = {}
    for tid, (label, start, end) in spans.items():
        if label not in LABELS:
            raise StandoffError(f"{origin}: {tid} has unknown label {label!r}")
        if not 0 <= start < end <= len(text):
            raise StandoffError(f"{origin}: {tid} offsets {start}-{end} fall outside the text")
        mentions[tid] = Mention(label, start, end, text[start:end], notes.get(tid, {}), key=tid)
    relations = []
    for rtype, a1, a2 in rels:
        if a1 not in mentions or a2 not in mentions:
            raise StandoffError(f"{origin}: relation {rtype} names an unknown entity {a1} or {a2}")
        relations.append(Relation(rtype, mentions[a1], mentions[a2]))
    return Annotated(doc_id, list(mentions.values()), relations)


def read_brat(ann_path: Path, text: str) -> Annotated:
    """Read ``<doc_id>.ann`` for the given source text."""
    return from_brat(
        ann_path.read_text(encoding="utf-8"), text, doc_id=ann_path.stem, origin=str(ann_path)
    )


def write_brat(annotated: Annotated, text: str, out_dir: Path, *, with_text: bool = True) -> Path:
    """Write ``<doc_id>.ann`` (and the ``.txt`` beside it) atomically into ``out_dir``."""
    from pipeline.files import write_text_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    ann_path = out_dir / f"{annotated.doc_id}.ann"
    if with_text:
        write_text_atomic(out_dir / f"{annotated.doc_id}.txt", text)
    write_text_atomic(ann_path, to_brat(annotated, text))
    return ann_path


def by_label(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    """Group mentions by label, every label present (possibly empty)."""
    groups: dict[str, list[Mention]] = {label: [] for label in LABELS}
    for m in mentions:
        groups.setdefault(m.label, []).append(m)
    return groups
