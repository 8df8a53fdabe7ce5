"""The report's files: escaping, anchors every link can reach, no network, gold differences."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.report import write_report
from pipeline.report.compare import score_corpus
from pipeline.report.links import document_page, file_stem, patient_page
from pipeline.report.render import format_number
from pipeline.report.spans import predicted_mentions
from tests.report.inputs import EX01, EXAMPLES, SYNTHETIC_ID, combined, extracted, synthetic, synthetic_gold


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text of the element with id ``text``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.source = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if self._depth or dict(attrs).get("id") == "text":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.source += data

    def ids(self) -> set[str]:
        return {str(a["id"]) for _, a in self.elements if a.get("id")}

    def with_class(self, cls: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.elements if cls in (a.get("class") or "").split()]


def parsed(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text, tables = synthetic()
    return write_report(tmp_path_factory.mktemp("syn"), tables, {SYNTHETIC_ID: text},
                        gold={SYNTHETIC_ID: synthetic_gold()})


def test_format_number_reads_like_the_paper() -> None:
    assert [format_number(x) for x in (15.0, 6.25, 17.142857, None, float("nan"), 0.0)] == [
        "15", "6.25", "17.14", "", "", "0"]


def test_file_stem_keeps_ids_apart() -> None:
    assert file_stem("000_ab-1") == "000_ab-1"
    assert file_stem("a/b") != file_stem("a_b") != file_stem("a b")
    assert "/" not in file_stem("../x") and not file_stem("..").startswith("..")


def test_markup_in_the_text_is_shown_as_text(synthetic_report: Path) -> None:
    page = synthetic_report.parent / document_page(SYNTHETIC_ID)
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert not re.search(r"<script(?![^>]*\bsrc=\"\.\./assets/report\.js\")", html)
    doc = parsed(page)
    assert doc.source == synthetic()[0]  # every character, in order, none added or lost
    index = (synthetic_report).read_text(encoding="utf-8")
    assert "A &lt;script&gt; title" in index


def test_attributes_are_escaped_inside_mark_attributes(synthetic_report: Path) -> None:
    doc = parsed(synthetic_report.parent / document_page(SYNTHETIC_ID))
    (event,) = [a for a in doc.with_class("l-ADVERSE_EVENT") if "f" in (a.get("class") or "").split()]
    assert event["data-text"] == "<script>alert('x')</script>"
    assert json.loads(event["data-attrs"] or "") == [["norm", '<b>"quoted"</b>']]
    assert 'norm=<b>"quoted"</b>' in (event["title"] or "")


def test_overlapping_mentions_of_different_labels_all_render(synthetic_report: Path) -> None:
    doc = parsed(synthetic_report.parent / document_page(SYNTHETIC_ID))
    labels = {a["data-label"] for a in doc.with_class("m") if a.get("data-kind") == "mention"}
    assert labels == {"PATIENT", "DRUG", "DOSE", "SCORE", "TIMEPOINT", "ADVERSE_EVENT"}
    timepoint = [a for a in doc.with_class("l-TIMEPOINT") if a.get("data-kind") == "mention"]
    assert len(timepoint) == 2  # crosses the end of SCORE: two fragments
    assert sum("f" in (a["class"] or "").split() for a in timepoint) == 1


def test_every_evidence_link_reaches_an_element(synthetic_report: Path) -> None:
    root = synthetic_report.parent
    doc_page = root / document_page(SYNTHETIC_ID)
    ids = parsed(doc_page).ids()
    for page in (doc_page, root / patient_page(SYNTHETIC_ID, "1")):
        hrefs = [str(a["href"]) for _, a in parsed(page).elements if "#ev-" in (a.get("href") or "")]
        assert hrefs
        for href in hrefs:
            assert href.split("#")[1] in ids, href
    # the medication's evidence is no mention's span: it gets an anchor of its own
    assert any(a.get("data-kind") == "evidence" for a in parsed(doc_page).with_class("m"))


def test_gold_differences_are_marked_and_scored(synthetic_report: Path) -> None:
    doc = parsed(synthetic_report.parent / document_page(SYNTHETIC_ID))
    status = {(a["data-label"], a.get("data-status")) for a in doc.with_class("f")}
    assert ("DRUG", "tp") in status and ("DOSE", "boundary") in status and ("TIMEPOINT", "boundary") in status
    assert ("SCORE", "fp") in status and ("LAB", "fn") in status
    text, tables = synthetic()
    lab, dose = text.index("co."), text.index("5 mg bid")
    missed, boundary = f"fn-LAB-{lab}-{lab + 2}", f"bd-DOSE-{dose}-{dose + 8}"
    assert {missed, boundary} <= doc.ids()
    score = score_corpus({SYNTHETIC_ID: synthetic_gold()},
                         {SYNTHETIC_ID: predicted_mentions(tables.frames["mentions"])})
    assert (score.micro.strict.tp, score.micro.lenient.tp) == (1, 3)
    errors = parsed(synthetic_report.parent / "errors" / "LAB.html")
    assert f"../{document_page(SYNTHETIC_ID)}#{missed}" in {a.get("href") for _, a in errors.elements}


def test_pages_load_nothing_from_the_network(synthetic_report: Path) -> None:
    for page in synthetic_report.parent.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), page
        assert "@import" not in html


@pytest.mark.slow
def test_report_of_an_example_links_every_row(tmp_path: Path) -> None:
    text, _, tables = extracted(EXAMPLES / f"{EX01}.txt")
    index = write_report(tmp_path, tables, {EX01: text})
    doc_page = index.parent / document_page(EX01)
    doc = parsed(doc_page)
    assert doc.source == text
    ids = doc.ids()
    rows = sum(tables.rows(t) for t in ("patients", "medications", "measurements", "events"))
    links = [a["href"] for _, a in doc.elements if (a.get("href") or "").startswith("#ev-")]
    assert len(links) >= rows
    assert all(h[1:] in ids for h in links)  # type: ignore[index]
    for pid in tables.frames["patients"]["patient_id"]:
        assert (index.parent / patient_page(EX01, pid)).is_file()


@pytest.mark.slow
def test_report_from_the_case_database(tmp_path: Path) -> None:
    """The command line reads the tables back from the case database: the same pages result."""
    from pipeline.db.store import open_store

    text, _, tables = extracted(EXAMPLES / f"{EX01}.txt")
    syn_text, syn_tables = synthetic()
    with open_store(f"sqlite:///{tmp_path / 'cases.db'}") as store:
        store.load(tables)
        store.load(syn_tables)
        loaded = store.read_tables()
    index = write_report(tmp_path / "out", loaded, {EX01: text, SYNTHETIC_ID: syn_text})
    assert parsed(index.parent / document_page(EX01)).source == text
    listing = index.read_text(encoding="utf-8")
    assert document_page(EX01) in listing and document_page(SYNTHETIC_ID) in listing


@pytest.mark.slow
def test_many_documents_are_paginated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.report import render

    text, tables = synthetic()
    monkeypatch.setattr(render, "DOCUMENTS_PER_PAGE", 1)
    index = write_report(tmp_path, combined(tables, extracted(EXAMPLES / f"{EX01}.txt")[2]),
                         {SYNTHETIC_ID: text})
    assert (index.parent / "documents-2.html").is_file()
    assert 'href="documents-2.html"' in index.read_text(encoding="utf-8")
    page = (index.parent / document_page(EX01)).read_text(encoding="utf-8")
    assert "No source text was given" in page
