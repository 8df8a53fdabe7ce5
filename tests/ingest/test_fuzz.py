"""Bounded, reproducible fuzzing of ingestion: damaged files end in a document or an IngestError.

Random bytes, truncated and mutated copies of a valid PDF, mutated JATS XML and random Unicode
text files are written to disk and read with ``ingest_file``. Each must give a
:class:`SourceDocument` or an :class:`IngestError` naming the file: never another exception,
never a hang. Cases come from fixed seeds, so a failure in CI names a case that fails the same
way on every machine. The batch test runs a folder mixing good and damaged files through
``ingest_batch``. The regression tests at the end are the smallest inputs of the faults found.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import random
import re
import shutil
import signal
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pipeline.ingest import IngestError, SourceDocument, ingest_bytes, ingest_file
from tests.conftest import EXAMPLES

SEED = 20250611
CASE_SECONDS = 10  # one case taking longer than this counts as a hang
EXAMPLE_PDF = EXAMPLES / "ex06_ruxolitinib_series_as_pdf.pdf"
EXAMPLE_JATS = EXAMPLES / "ex04_jats_case_report.xml"
SUFFIXES = (".txt", ".md", ".xml", ".pdf")


@dataclass(frozen=True)
class Case:
    """One fuzzed file: a name that says how it was made, its suffix and its bytes."""

    name: str
    suffix: str
    data: bytes


class Hang(BaseException):
    """A case ran past CASE_SECONDS (a BaseException, so ``except Exception`` in the code under
    test cannot turn it into an IngestError)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang after ``seconds`` (Unix main thread only; elsewhere no guard)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_outcome(path: Path) -> SourceDocument | IngestError:
    """Ingest ``path``; a document must be consistent, an error must name the file in one line."""
    try:
        doc = ingest_file(path)
    except IngestError as exc:
        message = str(exc)
        assert exc.path == str(path) and message.startswith(f"{path}: "), message
        assert "\n" not in message, message
        return exc
    assert isinstance(doc, SourceDocument) and doc.doc_id == path.stem
    assert doc.source_text.strip() and isinstance(doc.clean_text, str)
    start, end = doc.to_source(0, len(doc.clean_text))
    assert 0 <= start <= end <= len(doc.source_text)
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert doc.source_text[cell.start:cell.end] == cell.text
    return doc


def run_cases(cases: list[Case], folder: Path) -> dict[str, int]:
    """Ingest every case; fail with the list of cases that raised anything but IngestError."""
    failures: list[str] = []
    counts = {"document": 0, "error": 0}
    for case in cases:
        path = folder / f"{case.name}{case.suffix}"
        path.write_bytes(case.data)
        try:
            with time_limit(CASE_SECONDS):
                outcome = check_outcome(path)
        except (Exception, Hang) as exc:  # the point of the test: report every case, not the first
            failures.append(f"{case.name}{case.suffix}: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        counts["document" if isinstance(outcome, SourceDocument) else "error"] += 1
    assert not failures, "\n".join(failures)
    return counts


# -- case generators -------------------------------------------------------------------------

def random_bytes_cases(rng: random.Random, n: int) -> list[Case]:
    """Random bytes, some behind the magic that sends them down a format's path."""
    prefixes = [b"", b"", b"%PDF-1.7\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<", codecs.BOM_UTF8,
                codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"<?xml version='1.0'?>",
                b"<article><body><p>", b"\x00\x00\xfe\xff"]
    cases = []
    for i in range(n):
        size = rng.choice([0, 1, 2, 3, 7, 64, 500, 4000])
        body = rng.randbytes(size) if rng.random() < 0.7 else bytes(
            rng.choice(b"abc 0123456789\n\t\r\x0c.,;%<>/") for _ in range(size))
        cases.append(Case(f"random_bytes_{i:03d}", SUFFIXES[i % 4], rng.choice(prefixes) + body))
    return cases


def uncompressed_pdf(data: bytes) -> bytes:
    """The same PDF with its Flate streams written plain, so mutations hit the text operators."""
    out = bytearray(data[: data.index(b"\n") + 1])
    offsets = []
    for number, body in re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        stream = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
        if stream and b"/FlateDecode" in body:
            raw = zlib.decompress(stream.group(1))
            head = body[: stream.start()].replace(b"/Filter /FlateDecode\n", b"")
            head = re.sub(rb"/Length \d+", b"/Length %d" % len(raw), head)
            body = head + b"stream\n" + raw + b"\nendstream\n"
        offsets.append(len(out))
        out += number + b" 0 obj\n" + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += data[data.rindex(b"trailer") : data.rindex(b"startxref")]
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_sources() -> tuple[bytes, bytes]:
    """The example PDF as shipped (Flate-compressed) and with its streams uncompressed."""
    data = EXAMPLE_PDF.read_bytes()
    return data, uncompressed_pdf(data)


def truncated_pdf_cases(rng: random.Random, n: int) -> list[Case]:
    """Copies of the PDF cut short: at fixed places and at random ones."""
    cases = []
    for k, source in enumerate(pdf_sources()):
        fixed = [0, 1, 8, 9, len(source) // 2, len(source) - 7, len(source) - 1]
        cuts = fixed + [rng.randrange(len(source)) for _ in range(n // 2 - len(fixed))]
        cases += [Case(f"pdf{k}_truncated_at_{cut}", ".pdf", source[:cut]) for cut in cuts]
    return cases


NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
NAME = re.compile(rb"/[A-Za-z][A-Za-z0-9]*")
ODD_NUMBERS = [b"0", b"-1", b"-0.0", b"999999999", b"4294967296", b"1e308", b"99999999999999999999",
               b"0.0000001", b"NaN", b"-595.28", b"3.4e38"]


def _mutate(rng: random.Random, data: bytes, how: str) -> bytes:
    """One kind of damage to a file's bytes."""
    buf = bytearray(data)
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    if how == "number":
        spans = [m.span() for m in NUMBER.finditer(data)]
        for start, end in sorted(rng.sample(spans, rng.randint(1, 3)), reverse=True):
            buf[start:end] = rng.choice(ODD_NUMBERS)
        return bytes(buf)
    if how == "name":
        names = [m.span() for m in NAME.finditer(data)]
        (start, end), (s2, e2) = rng.choice(names), rng.choice(names)
        buf[start:end] = data[s2:e2]
        return bytes(buf)
    start = rng.randrange(len(buf))
    end = min(len(buf), start + rng.randint(1, 400))
    if how == "delete":
        del buf[start:end]
    elif how == "duplicate":
        buf[end:end] = buf[start:end] * rng.randint(1, 5)
    elif how == "insert":
        buf[start:start] = rng.randbytes(rng.randint(1, 200))
    return bytes(buf)


MUTATIONS = ("flip", "number", "name", "delete", "duplicate", "insert")


def pdf_structure_cases() -> list[Case]:
    """Hand-made damage that random mutation rarely reaches."""
    data, plain = pdf_sources()
    nested = b"[" * 5000 + b"]" * 5000
    return [
        Case("pdf_mediabox_nested_5000", ".pdf", plain.replace(b"[0 0 595.28 841.89]", nested)),
        Case("pdf_mediabox_empty", ".pdf", plain.replace(b"[0 0 595.28 841.89]", b"[0 0 0 0]")),
        Case("pdf_mediabox_inverted", ".pdf", plain.replace(b"[0 0 595.28 841.89]", b"[595 842 0 0]")),
        Case("pdf_count_huge", ".pdf", plain.replace(b"/Count 2", b"/Count 2147483647")),
        Case("pdf_kids_self", ".pdf", plain.replace(b"/Kids [3 0 R\n5 0 R]", b"/Kids [1 0 R 1 0 R]")),
        Case("pdf_font_size_zero", ".pdf", plain.replace(b"10.00 Tf", b"0 Tf")),
        Case("pdf_font_size_negative", ".pdf", plain.replace(b"10.00 Tf", b"-10 Tf")),
        Case("pdf_no_xref", ".pdf", plain[: plain.rindex(b"xref")]),
        Case("pdf_encrypt_marker", ".pdf", data[:200] + b"/Encrypt" + data[200:210]),
        Case("pdf_two_headers", ".pdf", data[:100] + data),
        Case("pdf_header_only", ".pdf", b"%PDF-1.3\n%%EOF\n"),
        Case("pdf_zero_pages", ".pdf", plain.replace(b"/Kids [3 0 R\n5 0 R]", b"/Kids []")
             .replace(b"/Count 2", b"/Count 0")),
        Case("pdf_as_text", ".txt", data),
        Case("pdf_as_xml", ".xml", data),
    ]


def mutated_pdf_cases(rng: random.Random, n: int) -> list[Case]:
    """Mutations of both forms of the PDF, and the hand-made structural damage."""
    cases = pdf_structure_cases()
    sources = pdf_sources()
    for i in range(n - len(cases)):
        k = rng.randrange(2)
        source = sources[k]
        how = MUTATIONS[i % len(MUTATIONS)]
        cases.append(Case(f"pdf{k}_{how}_{i:03d}", ".pdf", _mutate(rng, source, how)))
    return cases


JATS_TAGS = ["article", "body", "back", "sec", "title", "p", "xref", "fn", "label", "table-wrap",
             "table", "tr", "td", "th", "caption", "fig", "ref-list", "ref", "abstract",
             "article-title", "table-wrap-foot", "italic", "floats-group"]


def _mutate_tree(rng: random.Random, data: bytes) -> bytes:
    """Parse the example article and damage its element tree, keeping it well-formed."""
    root = ET.fromstring(data)
    for _ in range(rng.randint(1, 6)):
        parents = [el for el in root.iter() if len(el)]
        parent = rng.choice(parents)
        child = rng.choice(list(parent))
        action = rng.choice(["drop", "retag", "text", "move", "copy", "attr", "empty"])
        if action == "drop":
            parent.remove(child)
        elif action == "retag":
            child.tag = rng.choice(JATS_TAGS)
        elif action == "text":
            child.text = "".join(chr(rng.choice([rng.randrange(32, 0x2FF), rng.randrange(0x370, 0xD7FF)]))
                                 for _ in range(rng.randint(0, 40)))
        elif action == "move":
            parent.remove(child)
            rng.choice(list(root.iter())).append(child)
        elif action == "copy":
            rng.choice(list(root.iter())).append(copy.deepcopy(child))
        elif action == "attr":
            child.set(rng.choice(["pub-id-type", "id", "rid"]), rng.choice(["doi", "", "x" * 50]))
        else:
            child.clear()
    return ET.tostring(root, encoding="utf-8")


def jats_structure_cases() -> list[Case]:
    """Hand-made XML that parsers and layout code handle badly."""
    xml = EXAMPLE_JATS.read_bytes()
    deep = b"<sec>" * 3000 + b"<p>deep</p>" + b"</sec>" * 3000
    return [
        Case("jats_entity_bomb", ".xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bb">'
             b'<!ENTITY c "&b;&b;&b;">]><article><body><p>&c;</p></body></article>'),
        Case("jats_external_entity", ".xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM '
             b'"file:///etc/passwd">]><article><body><p>&x;</p></body></article>'),
        Case("jats_unknown_encoding", ".xml", b'<?xml version="1.0" encoding="x-no-such"?><article/>'),
        Case("jats_multibyte_encoding", ".xml",
             '<?xml version="1.0" encoding="shift_jis"?><article><body><p>日本</p></body></article>'
             .encode("shift_jis")),
        Case("jats_utf16", ".xml", xml.decode("utf-8").encode("utf-16")),
        Case("jats_latin1_declared_utf8", ".xml", "<article><body><p>M\u00e4rz</p></body></article>"
             .encode("latin-1")),
        Case("jats_wrong_root", ".xml", b"<html><body><p>x</p></body></html>"),
        Case("jats_empty_article", ".xml", b"<article/>"),
        Case("jats_only_whitespace", ".xml", b"<article>  <body> </body> </article>"),
        Case("jats_nested_sections_3000", ".xml", b"<article><body>" + deep + b"</body></article>"),
        Case("jats_nested_inline_3000", ".xml", b"<article><body><p>" + b"<italic>" * 3000 + b"x"
             + b"</italic>" * 3000 + b"</p></body></article>"),
        Case("jats_nested_abstract_3000", ".xml", b"<article><front><abstract>" + b"<p>" * 3000
             + b"x" + b"</p>" * 3000 + b"</abstract></front></article>"),
        Case("jats_table_without_rows", ".xml",
             b"<article><body><table-wrap><label>Table 1</label></table-wrap></body></article>"),
        Case("jats_cdata_and_pi", ".xml", b"<article><?pi x?><body><p><![CDATA[5 mg <bid>]]></p>"
             b"</body></article>"),
        Case("jats_nul_char_ref", ".xml", b"<article><body><p>&#0;</p></body></article>"),
        Case("jats_empty_file", ".xml", b""),
    ]


def mutated_jats_cases(rng: random.Random, n: int) -> list[Case]:
    """Byte-level and tree-level mutations of the example article, and the hand-made cases."""
    xml = EXAMPLE_JATS.read_bytes()
    cases = jats_structure_cases()
    for i in range(n - len(cases)):
        if i % 3 == 0:
            cases.append(Case(f"jats_tree_{i:03d}", ".xml", _mutate_tree(rng, xml)))
        elif i % 3 == 1:
            cases.append(Case(f"jats_truncated_{i:03d}", ".xml", xml[: rng.randrange(len(xml))]))
        else:
            how = MUTATIONS[(i // 3) % len(MUTATIONS)]
            how = "flip" if how in ("number", "name") else how
            cases.append(Case(f"jats_{how}_{i:03d}", ".xml", _mutate(rng, xml, how)))
    return cases


UNICODE_RANGES = [(0x0, 0x7F), (0x80, 0x2FF), (0x370, 0x52F), (0x590, 0x6FF), (0x900, 0x97F),
                  (0x2000, 0x206F), (0x2190, 0x23FF), (0x3000, 0x30FF), (0x4E00, 0x4FFF),
                  (0xD800, 0xDFFF), (0xE000, 0xE0FF), (0xFFF0, 0xFFFF), (0x1F300, 0x1F6FF),
                  (0x10FFF0, 0x10FFFF)]
TEXT_SNIPPETS = ["Case 1\n\n", "Tofacitinib 5 mg bid", " at 3 months", "CRP 12 mg/L", "Table 1",
                 "\u00ad", "ﬁ", "\u2212", "$15.32 \\times 10^9/L$", "\r\n", "\f", "\n\n\n", "-\n"]
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1",
             "surrogatepass"]


def random_text(rng: random.Random, length: int) -> str:
    """Text mixing clinical snippets with characters from all over Unicode."""
    parts = []
    while sum(map(len, parts)) < length:
        if rng.random() < 0.2:
            parts.append(rng.choice(TEXT_SNIPPETS))
        else:
            low, high = rng.choice(UNICODE_RANGES)
            parts.append("".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 30))))
    return "".join(parts)


def unicode_text_cases(rng: random.Random, n: int) -> list[Case]:
    """Random Unicode text in the encodings text files come in (and some they should not)."""
    cases = []
    for i in range(n):
        text = random_text(rng, rng.choice([1, 5, 50, 500, 3000]))
        encoding = ENCODINGS[i % len(ENCODINGS)]
        if encoding in ("cp1252", "latin-1"):
            data = text.encode(encoding, "replace")
        else:  # lone surrogates written as they are: text a decoder must refuse or replace
            data = text.encode("utf-8" if encoding == "surrogatepass" else encoding, "surrogatepass")
        cases.append(Case(f"unicode_{encoding}_{i:03d}", (".txt", ".md")[i % 2], data))
    return cases


FAMILIES: dict[str, tuple[Callable[[random.Random, int], list[Case]], int]] = {
    "random_bytes": (random_bytes_cases, 80),
    "truncated_pdf": (truncated_pdf_cases, 40),
    "mutated_pdf": (mutated_pdf_cases, 70),
    "mutated_jats": (mutated_jats_cases, 80),
    "unicode_text": (unicode_text_cases, 60),
}


def family_cases(family: str) -> list[Case]:
    """The cases of one family, the same on every run."""
    make, n = FAMILIES[family]
    return make(random.Random(f"{SEED}-{family}"), n)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fuzzed_files_end_in_a_document_or_an_error_naming_them(family: str, tmp_path: Path):
    cases = family_cases(family)
    assert len({c.name + c.suffix for c in cases}) == len(cases)
    t0 = time.perf_counter()
    counts = run_cases(cases, tmp_path)
    assert counts["document"] + counts["error"] == len(cases)
    assert time.perf_counter() - t0 < 60 * 2, "the fuzz family is too slow for CI"


def test_the_hang_guard_stops_a_case_and_cannot_be_swallowed():
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        pytest.skip("the guard needs SIGALRM on the main thread")
    # read_pdf turns any Exception of pdfium into an IngestError; a Hang must get through
    with pytest.raises(Hang), time_limit(0.05), contextlib.suppress(Exception):
        time.sleep(2)


def test_fuzz_cases_are_reproducible():
    for family in FAMILIES:
        assert family_cases(family) == family_cases(family)


# -- the batch goes on --------------------------------------------------------------------------

BATCH_GOOD = ("ex01_narrative_tofacitinib_sjia.txt", "ex02_case_series_baricitinib_sle.md",
              "ex04_jats_case_report.xml", "ex06_ruxolitinib_series_as_pdf.pdf")
BATCH_BAD_FAMILIES = ("random_bytes", "truncated_pdf", "mutated_jats", "unicode_text")


def batch_files(folder: Path, n_bad: int, n_garbage: int) -> tuple[list[Path], list[Path], list[Path]]:
    """Copy the good examples to ``folder`` with fuzzed files that fail to ingest (bad) and
    fuzzed text that ingests but means nothing (garbage), chosen by the fixed seed."""
    good = [shutil.copy(EXAMPLES / name, folder / name) for name in BATCH_GOOD]
    pool = [c for family in BATCH_BAD_FAMILIES for c in family_cases(family)]
    bad: list[Path] = []
    garbage: list[Path] = []
    for case in random.Random(SEED).sample(pool, len(pool)):
        path = folder / f"fuzz_{case.name}{case.suffix}"
        path.write_bytes(case.data)
        outcome = check_outcome(path)
        if isinstance(outcome, IngestError) and len(bad) < n_bad:
            bad.append(path)
        elif isinstance(outcome, SourceDocument) and len(garbage) < n_garbage:
            garbage.append(path)
        else:
            path.unlink()
        if len(bad) == n_bad and len(garbage) == n_garbage:
            break
    return [Path(p) for p in good], bad, garbage


@pytest.mark.slow
def test_batch_over_good_and_fuzzed_files_logs_the_bad_and_processes_the_good(tmp_path: Path):
    from pipeline.batch import ingest_batch
    from pipeline.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    good, bad, garbage = batch_files(folder, n_bad=12, n_garbage=4)
    out = tmp_path / "out"
    summary = ingest_batch([folder], Settings(output_dir=out, exclude=["README.md"]), extract=True)

    by_name = {Path(o.path).name: o for o in summary.outcomes}
    assert sorted(by_name) == sorted(p.name for p in good + bad + garbage)
    for path in good:
        outcome = by_name[path.name]
        assert outcome.status == "ok", outcome.message
        assert outcome.mentions > 0 and outcome.sentences > 0
        assert (out / "documents" / f"{path.stem}.json").is_file()
        assert (out / "brat" / f"{path.stem}.ann").is_file()
        assert (out / "brat" / f"{path.stem}.txt").is_file()
    for path in garbage:  # ingestible nonsense: processed, or a logged error naming it
        outcome = by_name[path.name]
        assert outcome.status == "ok" or str(path) in outcome.message, outcome
    log = [json.loads(line) for line in (out / "ingest_log.jsonl").read_text().splitlines()]
    assert len(log) == len(good) + len(bad) + len(garbage)
    rows = {Path(row["path"]).name: row for row in log}
    for path in bad:
        row = rows[path.name]
        assert row["status"] == "error" and row["message"].startswith(f"{path}: "), row
    assert {Path(o.path).name for o in summary.failed} >= {p.name for p in bad}


# -- regressions: the smallest inputs of the faults the fuzzing found ----------------------------

def _nested(tag: bytes, depth: int, inner: bytes = b"x") -> bytes:
    return (b"<" + tag + b">") * depth + inner + (b"</" + tag + b">") * depth


def test_jats_nested_sections_1000_is_an_error_not_a_recursion_error():
    data = b"<article><body>" + _nested(b"sec", 1000, b"<p>deep</p>") + b"</body></article>"
    with pytest.raises(IngestError, match=r"deep\.xml: XML elements nested more than 200 deep"):
        ingest_bytes(data, Path("deep.xml"))


def test_jats_nested_inline_1000_is_an_error_not_a_recursion_error():
    data = b"<article><body><p>" + _nested(b"italic", 1000) + b"</p></body></article>"
    with pytest.raises(IngestError, match=r"deep\.xml: XML elements nested more than 200 deep"):
        ingest_bytes(data, Path("deep.xml"))


def test_jats_nested_150_deep_is_still_read():
    data = b"<article><body>" + _nested(b"sec", 150, b"<p>Tofacitinib 5 mg bid.</p>") + b"</body></article>"
    assert ingest_bytes(data, Path("deep.xml")).source_text == "Tofacitinib 5 mg bid.\n\n"


def test_jats_unknown_encoding_is_an_error_not_a_lookup_error():
    data = b'<?xml version="1.0" encoding="x-no-such"?><article/>'
    with pytest.raises(IngestError, match=r"enc\.xml: XML encoding cannot be read"):
        ingest_bytes(data, Path("enc.xml"))


def test_jats_shift_jis_is_an_error_not_a_value_error():
    data = '<?xml version="1.0" encoding="shift_jis"?><article><p>日本</p></article>'.encode("shift_jis")
    with pytest.raises(IngestError, match=r"enc\.xml: XML encoding cannot be read"):
        ingest_bytes(data, Path("enc.xml"))


@pytest.mark.parametrize(("name", "unit"), [("line_end_hyphens", "remis-\nsion remission "),
                                            ("ligatures", "\ufb01"), ("soft_hyphens", "a\u00ad")])
def test_cleaning_20000_repairs_is_not_quadratic(name: str, unit: str, tmp_path: Path):
    # 20,000 repairs took over a minute: every match was checked against every earlier one, and
    # dehyphenation sliced and searched the whole text before each break
    path = tmp_path / f"{name}.txt"
    path.write_text(unit * 20000, encoding="utf-8")
    t0 = time.perf_counter()
    doc = ingest_file(path)
    assert time.perf_counter() - t0 < 5.0
    assert sum(doc.cleaning_counts.values()) == 20000
