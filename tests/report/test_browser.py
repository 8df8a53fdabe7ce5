"""The report in a real headless browser, opened from disk: marks, the mention panel, evidence
links, plots, escaping and no network. Screenshots go to ``outputs/report_screenshots/``.

Needs playwright's Python package and a system Chromium (Debian's ``chromium``); the browser is
never downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.report import write_report
from pipeline.report.links import document_page, patient_page
from pipeline.report.render import PALETTE
from pipeline.standoff import read_brat
from tests.report.inputs import (
    EX01,
    EXAMPLES,
    GOLD,
    PAPER_000,
    ROOT,
    SHARED_CORPUS,
    SYNTHETIC_ID,
    combined,
    extracted,
    synthetic,
    synthetic_gold,
)

SCREENSHOTS = ROOT / "outputs" / "report_screenshots"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

pytestmark = pytest.mark.slow


def chromium_path() -> str | None:
    """The system Chromium: ``$CHROMIUM`` if set, else the first one on the PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (install Debian's chromium or set $CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that fails the test on any script error, dialog or request off the disk."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if not request.url.startswith("file://"):
            problems.append(f"request {request.url}")

    tab.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    tab.on("dialog", on_dialog)
    tab.on("request", on_request)
    yield tab
    context.close()
    assert not problems


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the example ex01, the synthetic document and, when present, paper 000 with
    its gold; returns the report folder."""
    ex_text, _, ex_tables = extracted(EXAMPLES / f"{EX01}.txt")
    syn_text, syn_tables = synthetic()
    texts = {EX01: ex_text, SYNTHETIC_ID: syn_text}
    gold = {SYNTHETIC_ID: synthetic_gold()}
    parts = [ex_tables, syn_tables]
    paper = SHARED_CORPUS / f"{PAPER_000}.txt"
    if paper.is_file():
        text, _, tables = extracted(paper)
        parts.append(tables)
        texts[PAPER_000] = text
        gold[PAPER_000] = read_brat(GOLD / f"{PAPER_000}.ann", text)
    index = write_report(tmp_path_factory.mktemp("browser"), combined(*parts), texts, gold=gold)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return index.parent


def open_page(page: Any, report: Path, relative: str) -> None:
    page.goto((report / relative).as_uri() if "#" not in relative
              else (report / relative.split("#")[0]).as_uri() + "#" + relative.split("#")[1])
    page.wait_for_load_state("load")


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 0
    return path


def in_viewport(page: Any, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["height"] > 0 and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_index_lists_documents_and_links_their_pages(page: Any, report: Path) -> None:
    open_page(page, report, "index.html")
    hrefs = page.locator("table.docs a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert document_page(EX01) in hrefs and patient_page(EX01, "1") in hrefs
    assert page.locator("table.scores").count() == 1
    shot(page, "index", full_page=True)


def test_highlights_carry_their_label_class_and_colour(page: Any, report: Path) -> None:
    open_page(page, report, document_page(EX01))
    marks = page.locator("#text mark.m.k-mention")
    assert marks.count() > 20
    pairs = marks.evaluate_all("ms => ms.map(m => [m.dataset.label, m.classList.contains('l-' + m.dataset.label)])")
    assert all(ok for _, ok in pairs)
    assert {"DRUG", "DOSE", "SCORE", "LAB", "TIMEPOINT"} <= {label for label, _ in pairs}
    fill = page.locator("#text mark.l-DRUG.k-mention").first.evaluate("m => getComputedStyle(m).backgroundColor")
    r, g, b = (int(PALETTE["DRUG"][0][i:i + 2], 16) for i in (1, 3, 5))
    assert fill == f"rgb({r}, {g}, {b})"
    shot(page, "document_ex01")
    page.locator("#legend input[data-toggle-label='DRUG']").uncheck()
    hidden = page.locator("#text mark.l-DRUG.k-mention").first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert hidden == "rgba(0, 0, 0, 0)"
    assert page.locator("#text mark.l-DOSE.k-mention").first.evaluate(
        "m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_clicking_a_mention_shows_its_attributes_and_patient(page: Any, report: Path) -> None:
    open_page(page, report, document_page(EX01))
    dose = page.locator("#text mark.l-DOSE.k-mention.f[data-patient-href]").first
    dose.scroll_into_view_if_needed()
    attrs = dose.evaluate("m => JSON.parse(m.dataset.attrs)")
    assert attrs
    dose.click()
    panel = page.locator("#panel-body")
    text = panel.inner_text()
    assert "DOSE" in text
    for key, value in attrs:
        assert key in text and value in text
    patient = dose.get_attribute("data-patient")
    assert panel.locator("a", has_text=patient).first.get_attribute("href") == "../" + patient_page(EX01, patient)
    assert "selected" in (dose.get_attribute("class") or "")
    assert dose.get_attribute("title")  # the hover text
    shot(page, "mention_panel")


def test_evidence_link_targets_its_mark(page: Any, report: Path) -> None:
    open_page(page, report, document_page(EX01))
    link = page.locator("#tables table.rows a.ev").nth(3)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_function("h => location.hash === h", arg=href)
    anchor = href.lstrip("#")
    assert page.evaluate("id => document.getElementById(id).matches(':target')", anchor)
    start, end = (int(x) for x in anchor.split("-")[1:])
    target = page.locator(f"[id='{anchor}']")
    mark = target if "m" in (target.get_attribute("class") or "").split() else target.locator("xpath=..")
    assert in_viewport(page, f"[id='{anchor}']")
    assert page.evaluate("id => getComputedStyle(document.getElementById(id)).outlineStyle", anchor) == "solid"
    shown = page.locator("#panel-body .quote").inner_text()
    assert shown.strip() and shown.strip() in (mark.get_attribute("data-text") or "")
    assert (start, end) != (0, 0)
    shot(page, "evidence_target")


def test_patient_page_links_back_to_the_evidence(page: Any, report: Path) -> None:
    open_page(page, report, patient_page(EX01, "1"))
    link = page.locator("table.rows a.ev").first
    anchor = (link.get_attribute("href") or "").split("#")[1]
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{document_page(EX01)}#{anchor}")
    assert in_viewport(page, f"[id='{anchor}']")


def test_timeline_plot_renders_with_a_size(page: Any, report: Path) -> None:
    open_page(page, report, patient_page(EX01, "1"))
    svg = page.locator("figure.timeline svg")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert "JADAS-27" in svg.inner_html()
    shot(page, "patient_ex01_1", full_page=True)


def test_patient_without_timed_values_says_so(page: Any, report: Path) -> None:
    open_page(page, report, patient_page(SYNTHETIC_ID, "1"))
    assert page.locator("figure.timeline svg").count() == 1  # dose at 0, score at 6 months
    open_page(page, report, patient_page(SYNTHETIC_ID, "2"))
    assert page.locator("figure.timeline svg").count() == 0
    message = page.locator("#timeline").inner_text()
    assert message.startswith("No timed values") and "1 value without a time is listed below" in message
    shot(page, "patient_without_timed_values")


def test_markup_in_the_source_stays_text(page: Any, report: Path) -> None:
    open_page(page, report, document_page(SYNTHETIC_ID))
    assert page.evaluate("document.getElementById('text').textContent") == synthetic()[0]
    assert page.locator("#text script").count() == 0
    nested = page.locator("#text mark.l-DRUG mark.l-DOSE")
    assert nested.count() == 1
    assert page.locator("#text mark.l-TIMEPOINT.k-mention").count() == 2  # cut where SCORE ends
    page.locator("#text mark.l-DOSE").first.click()
    assert "inside: DRUG" in page.locator("#panel-body").inner_text()
    shot(page, "synthetic_overlaps")


def test_gold_differences_are_visible(page: Any, report: Path) -> None:
    if not (SHARED_CORPUS / f"{PAPER_000}.txt").is_file():
        pytest.skip("../shared/corpus is not beside the checkout")
    open_page(page, report, document_page(PAPER_000))
    assert page.locator("#text .k-missed").count() > 0
    style = page.locator("#text .k-missed").first.evaluate("m => getComputedStyle(m).borderTopStyle")
    assert style == "dashed"
    fp = page.locator("#text .s-fp")
    assert fp.count() > 0
    assert "repeating-linear-gradient" in fp.first.evaluate("m => getComputedStyle(m).backgroundImage")
    shot(page, "document_000_gold")
    button = page.locator("#next-difference")
    seen = []
    for _ in range(3):
        button.click()
        seen.append(page.locator("#text .m.selected.f").first.get_attribute("data-start"))
        assert page.locator("#text .m.selected.f").first.get_attribute("data-status") in ("fn", "fp", "boundary")
    assert [int(x or 0) for x in seen] == sorted(int(x or 0) for x in seen) and len(set(seen)) == 3
    shot(page, "next_difference")
    open_page(page, report, "index.html")
    page.locator("table.scores a").first.click()
    page.wait_for_load_state("load")
    error = page.locator("table.rows td a").first
    anchor = (error.get_attribute("href") or "").split("#")[1]
    error.click()
    page.wait_for_load_state("load")
    assert in_viewport(page, f"[id='{anchor}']")
    assert page.locator("#panel-body .quote").count() == 1
    shot(page, "error_target")


def test_paper_000_patient_timeline(page: Any, report: Path) -> None:
    if not (SHARED_CORPUS / f"{PAPER_000}.txt").is_file():
        pytest.skip("../shared/corpus is not beside the checkout")
    open_page(page, report, patient_page(PAPER_000, "1"))
    box = page.locator("figure.timeline svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    rows = page.locator("table.plotted tbody tr").evaluate_all(
        "rs => rs.map(r => Array.from(r.cells).slice(0, 3).map(c => c.textContent.trim()))")
    assert ["prednisone (mg/day)", "0", "15"] in rows
    assert ["prednisone (mg/day)", "24", "6.25"] in rows
    assert ["SLEDAI-2K (score)", "24", "2"] in rows
    shot(page, "patient_000_1", full_page=True)
    open_page(page, report, patient_page(PAPER_000, "cohort"))
    assert page.locator("figure.timeline svg").count() == 0
    assert "Not plotted" in page.locator("#timeline").inner_text()
