"""Decode plain-text and Markdown case reports, naming the encoding that was used."""

from __future__ import annotations

import codecs

from pipeline.ingest.errors import IngestError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CONTROL_OK = {"\n", "\r", "\t", "\f"}


def decode_text(data: bytes, origin: str) -> tuple[str, str]:
    """Decode bytes of a text file: BOM, then UTF-8, then UTF-16 without BOM, then Latin-1.

    Returns ``(text, encoding)``. Binary content (NUL bytes or many control characters in
    what should be text) raises :class:`IngestError` naming the file.
    """
    if not data.strip():
        raise IngestError(origin, "empty file: no text to read")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), origin), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(origin, f"broken {encoding} text: {exc.reason}") from exc
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1] == 0 else "utf-16-be"
        try:
            return _checked(data.decode(encoding), origin), encoding
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise IngestError(origin, "binary content (NUL bytes) in a text file")
    try:
        return _checked(data.decode("utf-8"), origin), "utf-8"
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), origin), "latin-1"


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    even_nul = sample[1::2].count(0) / (len(sample) // 2)
    odd_nul = sample[0::2].count(0) / (len(sample) // 2)
    return even_nul > 0.4 or odd_nul > 0.4


def _checked(text: str, origin: str) -> str:
    sample = text[:20000]
    if not sample.strip():
        raise IngestError(origin, "empty file: only white space")
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in CONTROL_OK)
    if "\x00" in sample or controls > max(8, len(sample) // 100):
        raise IngestError(origin, "binary content: this does not look like a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")
