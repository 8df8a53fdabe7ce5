"""Lay out a PubMed Central JATS XML article as text, tables cell by cell.

XML is parsed with defusedxml: DTDs, entity expansion and external references are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pipeline.ingest.document import ExtractedTable, TableCell
from pipeline.ingest.errors import IngestError

SKIP_INLINE = {"xref", "fn", "label"}
# JATS articles nest some 15 elements deep; the layout below recurses once per level, so a
# file nested thousands deep would end in RecursionError rather than an IngestError.
MAX_DEPTH = 200


@dataclass
class _Writer:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    tables: list[ExtractedTable] = field(default_factory=list)

    def write(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def block(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.write(text + "\n\n")

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class JatsText:
    """A JATS article laid out as text."""

    text: str
    title: str | None
    doi: str | None
    tables: tuple[ExtractedTable, ...]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inline_text(el: Element) -> str:
    """Text of an element with its inline children, skipping cross-references' labels."""
    out = [el.text or ""]
    for child in el:
        if _local(child.tag) not in SKIP_INLINE or _local(child.tag) == "xref":
            out.append(_inline_text(child))
        out.append(child.tail or "")
    return "".join(out)


def read_jats(data: bytes, origin: str) -> JatsText:
    """Parse a JATS article; raise :class:`IngestError` for malformed or unsafe XML."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise IngestError(origin, f"unsafe XML refused ({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise IngestError(origin, f"XML is not well-formed: {exc}") from exc
    except (LookupError, ValueError) as exc:
        # expat reads UTF-8/16 and single-byte encodings only: an unknown encoding name raises
        # LookupError, a multi-byte one (shift_jis, big5) ValueError
        raise IngestError(origin, f"XML encoding cannot be read: {exc}",
                          hint="save the file as UTF-8") from exc
    if _local(root.tag) != "article":
        raise IngestError(origin, f"not a JATS article: root element is <{_local(root.tag)}>")
    if _deeper_than(root, MAX_DEPTH):
        raise IngestError(origin, f"XML elements nested more than {MAX_DEPTH} deep: not a JATS article")
    w = _Writer()
    title = None
    doi = None
    for el in root.iter():
        if _local(el.tag) == "article-title" and title is None:
            title = " ".join(_inline_text(el).split())
        if _local(el.tag) == "article-id" and el.get("pub-id-type") == "doi":
            doi = (el.text or "").strip()
    if title:
        w.block(title)
    for el in root.iter():
        if _local(el.tag) == "abstract":
            w.block("Abstract")
            _abstract(el, w)
            break
    for child in root:
        if _local(child.tag) in {"body", "back", "floats-group"}:
            _walk(child, w)
    if not w.text.strip():
        raise IngestError(origin, "JATS article has no text")
    return JatsText(w.text, title, doi, tuple(w.tables))


def _deeper_than(root: Element, limit: int) -> bool:
    """Whether elements nest more than ``limit`` deep, found without recursion."""
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in el)
    return False


def _abstract(el: Element, w: _Writer) -> None:
    """A structured abstract's parts as ``Title: text`` paragraphs, as journals print them."""
    secs = [c for c in el if _local(c.tag) == "sec"]
    if not secs:
        _walk(el, w)
        return
    for sec in secs:
        title = next((c for c in sec if _local(c.tag) == "title"), None)
        paras = [_inline_text(c) for c in sec if _local(c.tag) == "p"]
        head = " ".join(_inline_text(title).split()) if title is not None else ""
        w.block(f"{head}: {' '.join(paras)}" if head else " ".join(paras))


def _walk(el: Element, w: _Writer) -> None:
    for child in el:
        tag = _local(child.tag)
        if tag == "title" or tag == "p":
            w.block(_inline_text(child))
        elif tag == "table-wrap":
            _table(child, w)
        elif tag == "ref-list":
            w.block("References")
            for ref in child.iter():
                if _local(ref.tag) == "ref":
                    w.block(_inline_text(ref))
        elif tag == "fig":
            caption = next((c for c in child.iter() if _local(c.tag) == "caption"), None)
            label = next((c for c in child if _local(c.tag) == "label"), None)
            text = " ".join(filter(None, [_inline_text(label) if label is not None else "Figure",
                                          _inline_text(caption) if caption is not None else ""]))
            w.block(text)
        else:
            _walk(child, w)


def _table(wrap: Element, w: _Writer) -> None:
    label = next((c for c in wrap if _local(c.tag) == "label"), None)
    caption = next((c for c in wrap if _local(c.tag) == "caption"), None)
    head = " ".join(
        _inline_text(x).strip() for x in (label, caption) if x is not None
    ).strip()
    if not head.lower().startswith("table"):
        head = f"Table {head}".strip()
    w.block(" ".join(head.split()))
    rows: list[tuple[TableCell, ...]] = []
    for tr in wrap.iter():
        if _local(tr.tag) != "tr":
            continue
        cells: list[TableCell] = []
        for n, cell in enumerate(c for c in tr if _local(c.tag) in {"td", "th"}):
            if n:
                w.write("\t")
            text = " ".join(_inline_text(cell).split())
            start, end = w.write(text)
            cells.append(TableCell(start, end, text))
        w.write("\n")
        rows.append(tuple(cells))
    w.write("\n")
    foot = next((c for c in wrap.iter() if _local(c.tag) == "table-wrap-foot"), None)
    if foot is not None:
        w.block(_inline_text(foot))
    w.tables.append(ExtractedTable(None, " ".join(head.split()), tuple(rows)))
