"""Readers for the external gold corpora: MACCROBAT2020 (brat), PHEE v2 (JSON lines), BC5CDR (PubTator).

Every reader yields :class:`CorpusDocument` tuples ``(doc_id, text, mentions)`` whose mentions keep
the corpus's own label (``Medication``, ``Treatment.Drug``, ``Chemical``) and attributes. Offsets
are half-open ``[start, end)`` character offsets into ``text``, as everywhere in casemine. A
discontinuous span (brat ``a b;c d``, a PHEE entity with several fragments) becomes one mention
over the envelope ``[first start, last end)``, with its fragments kept in ``attrs["fragments"]``.
Every annotation's text is checked against the document text; a mismatch raises
:class:`CorpusError` naming the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.standoff import Mention

PHEE_ROLES: tuple[str, ...] = ("Drug", "Dosage", "Freq", "Route", "Duration")
"""The Treatment arguments of PHEE that the benchmark reads (labels ``Treatment.<role>``)."""


class CorpusError(ValueError):
    """A gold file that cannot be read as its format says; the message names file and line."""


class CorpusDocument(NamedTuple):
    """One gold document: its id, its exact text and its mentions in the corpus's own labels."""

    doc_id: str
    text: str
    mentions: list[Mention]


Fragments = list[tuple[int, int]]


def _fragments_attr(fragments: Fragments) -> dict[str, str]:
    if len(fragments) < 2:
        return {}
    return {"fragments": ";".join(f"{s} {e}" for s, e in fragments)}


def _envelope(fragments: Fragments) -> tuple[int, int]:
    return min(s for s, _ in fragments), max(e for _, e in fragments)


# --- MACCROBAT2020: brat standoff ----------------------------------------------------------


def _brat_offsets(field: str, where: str) -> Fragments:
    """``"10 20;25 30"`` -> ``[(10, 20), (25, 30)]``."""
    try:
        fragments = [(int(a), int(b)) for a, b in (part.split() for part in field.split(";"))]
    except ValueError as exc:
        raise CorpusError(f"{where}: bad offsets {field!r}") from exc
    if any(s > e for s, e in fragments):
        raise CorpusError(f"{where}: a fragment ends before it starts: {field!r}")
    return fragments


def parse_brat(ann: str, text: str, origin: str = "<ann>") -> list[Mention]:
    """The entity (``T``) lines of a brat ``.ann`` as mentions, in file order.

    Relations (``R``), events (``E``), attributes (``A``/``M``), normalisations (``N``), notes
    (``#``) and equivalences (``*``) are skipped. A brat entity text joins the fragments of a
    discontinuous span with single spaces; that is what is checked against ``text``.
    """
    mentions: list[Mention] = []
    for lineno, line in enumerate(ann.split("\n"), start=1):
        if not line.startswith("T"):
            continue
        where = f"{origin}:{lineno}"
        parts = line.split("\t")
        if len(parts) < 3 or " " not in parts[1]:
            raise CorpusError(f"{where}: not an entity line: {line!r}")
        label, offsets = parts[1].split(" ", 1)
        fragments = _brat_offsets(offsets, where)
        if any(e > len(text) for _, e in fragments):
            raise CorpusError(f"{where}: offsets {offsets} beyond the text ({len(text)} characters)")
        shown = " ".join(text[s:e] for s, e in fragments)
        if shown != parts[2]:
            raise CorpusError(f"{where}: annotation text {parts[2]!r} but the text has {shown!r}")
        start, end = _envelope(fragments)
        attrs = {"id": parts[0], **_fragments_attr(fragments)}
        mentions.append(Mention(label, start, end, parts[2], attrs))
    return mentions


def read_maccrobat(folder: Path) -> Iterator[CorpusDocument]:
    """MACCROBAT2020 documents (``<pmid>.txt`` with ``<pmid>.ann``), sorted by file name.

    Files are decoded as UTF-8 without newline translation, since brat offsets count characters
    of the file exactly as it is.
    """
    for ann_path in sorted(folder.glob("*.ann")):
        txt_path = ann_path.with_suffix(".txt")
        if not txt_path.is_file():
            raise CorpusError(f"{ann_path}: no text file {txt_path.name} beside it")
        text = txt_path.read_bytes().decode("utf-8")
        ann = ann_path.read_bytes().decode("utf-8")
        yield CorpusDocument(ann_path.stem, text, parse_brat(ann, text, str(ann_path)))


# --- PHEE v2: JSON lines ---------------------------------------------------------------------


def _phee_arguments(arg: Mapping[str, Any], context: str, where: str) -> Iterator[tuple[Fragments, str, str]]:
    """(fragments, text, entity id) of each entity of one PHEE argument."""
    for texts, starts, entity_id in zip(arg["text"], arg["start"], arg["entity_id"], strict=True):
        fragments: Fragments = []
        for fragment_text, start in zip(texts, starts, strict=True):
            end = start + len(fragment_text)
            if context[start:end] != fragment_text:
                raise CorpusError(
                    f"{where}: {fragment_text!r} at {start} but the sentence has {context[start:end]!r}"
                )
            fragments.append((start, end))
        yield fragments, " ".join(texts), str(entity_id)


def _treatment_arguments(event: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(role, argument) of an event's Treatment, the drugs of its Combination sub-events included."""
    treatment = event.get("Treatment") or {}
    for role in PHEE_ROLES:
        if role in treatment:
            yield role, treatment[role]
    for combination in treatment.get("Combination") or []:
        if "Drug" in combination:
            yield "Drug", combination["Drug"]


def parse_phee_record(record: Mapping[str, Any], origin: str = "<phee>") -> CorpusDocument:
    """One PHEE sentence with its Treatment.Drug/Dosage/Freq/Route/Duration arguments.

    An entity that is an argument of several events is one mention. Where a sentence was
    annotated twice, the first annotator's annotation is read.
    """
    doc_id, context = str(record["id"]), str(record["context"])
    where = f"{origin}: {doc_id}"
    annotations: Sequence[Mapping[str, Any]] = record.get("annotations") or []
    seen: set[tuple[str, int, int]] = set()
    mentions: list[Mention] = []
    events = annotations[0].get("events", []) if annotations else []
    for event in events:
        for role, arg in _treatment_arguments(event):
            for fragments, text, entity_id in _phee_arguments(arg, context, where):
                start, end = _envelope(fragments)
                label = f"Treatment.{role}"
                if (label, start, end) in seen:
                    continue
                seen.add((label, start, end))
                attrs = {"entity_id": entity_id, **_fragments_attr(fragments)}
                mentions.append(Mention(label, start, end, text, attrs))
    mentions.sort(key=lambda m: (m.start, m.end, m.label))
    return CorpusDocument(doc_id, context, mentions)


def read_phee(path: Path) -> Iterator[CorpusDocument]:
    """The sentences of a PHEE v2 JSON-lines file (``test.json``), in file order."""
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: not JSON: {exc.msg}") from exc
            yield parse_phee_record(record, f"{path}:{lineno}")


# --- BC5CDR: PubTator --------------------------------------------------------------------------


def _pubtator_document(block: list[tuple[int, str]], origin: str) -> CorpusDocument:
    """One PubTator block: title line, abstract line, annotation lines (relation lines skipped)."""
    title = abstract = None
    pmid = ""
    rows: list[tuple[int, list[str]]] = []
    for lineno, line in block:
        head = line.split("|", 2)
        if len(head) == 3 and head[1] in ("t", "a") and "\t" not in head[0]:
            pmid = head[0]
            if head[1] == "t":
                title = head[2]
            else:
                abstract = head[2]
        else:
            rows.append((lineno, line.split("\t")))
    if title is None or abstract is None:
        raise CorpusError(f"{origin}:{block[0][0]}: a document without its title or abstract line")
    text = f"{title} {abstract}"
    mentions = []
    for lineno, parts in rows:
        where = f"{origin}:{lineno}"
        if len(parts) >= 2 and parts[1] == "CID":
            continue
        if len(parts) < 6 or parts[0] != pmid:
            raise CorpusError(f"{where}: not an annotation line of document {pmid}")
        try:
            start, end = int(parts[1]), int(parts[2])
        except ValueError as exc:
            raise CorpusError(f"{where}: bad offsets {parts[1]!r} {parts[2]!r}") from exc
        if text[start:end] != parts[3]:
            raise CorpusError(f"{where}: {parts[3]!r} at {start} but the text has {text[start:end]!r}")
        mentions.append(Mention(parts[4], start, end, parts[3], {"mesh": parts[5]}))
    return CorpusDocument(pmid, text, mentions)


def parse_pubtator(content: str, origin: str = "<pubtator>") -> Iterator[CorpusDocument]:
    """Documents of a PubTator file; text is ``title + " " + abstract``, as its offsets assume.

    Annotation lines are ``pmid, start, end, text, type, MeSH id(s)`` (``|``-joined ids for a
    composite mention, ``-1`` for none); ``attrs["mesh"]`` keeps the field as written.
    """
    block: list[tuple[int, str]] = []
    for lineno, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.strip():
            block.append((lineno, line))
        elif block:
            yield _pubtator_document(block, origin)
            block = []
    if block:
        yield _pubtator_document(block, origin)


def read_bc5cdr(path: Path) -> Iterator[CorpusDocument]:
    """The abstracts of the BC5CDR test set (``CDR_TestSet.PubTator.txt``), in file order."""
    yield from parse_pubtator(path.read_bytes().decode("utf-8"), str(path))
