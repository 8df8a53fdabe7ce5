"""Each page of the review report as HTML, from Jinja2 templates (package data under
``templates/``, HTML autoescaped: every text and attribute from a document is escaped)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipeline.report.compare import ERROR_KINDS, Comparison, CorpusScore, ReportError
from pipeline.report.highlight import nest_spans
from pipeline.report.links import document_page, errors_page, index_page, patient_page
from pipeline.report.plot import timeline_svg
from pipeline.report.rows import DocumentRows, Record
from pipeline.report.spans import compare_document, document_spans, evidence_offsets
from pipeline.report.timeline import Point, patient_timeline
from pipeline.standoff import LABELS, Annotated
from pipeline.tables.schemas import COHORT

DOCUMENTS_PER_PAGE = 100
PATIENT_LINKS_PER_DOCUMENT = 12  # in the document list; the document page lists them all
CONTEXT_CHARS = 50
WHITESPACE = re.compile(r"\s+")
PALETTE: dict[str, tuple[str, str]] = {
    "DRUG": ("#7aecec", "#1b9a9a"),
    "DRUG_CLASS": ("#bfeeb7", "#4f9a44"),
    "DOSE": ("#feca74", "#b97d0c"),
    "SCORE": ("#ff9561", "#c24f14"),
    "LAB": ("#c3b8ff", "#6350d8"),
    "TIMEPOINT": ("#bfe1d9", "#3f8a78"),
    "PATIENT": ("#e4e7d2", "#8a8f5c"),
    "RESPONSE": ("#e2b8fb", "#8e3fc4"),
    "ADVERSE_EVENT": ("#ff9cac", "#c2173a"),
    "DEMOGRAPHIC": ("#f2e6a0", "#9c8a1c"),
    "EVIDENCE": ("#ffffff", "#888888"),
}
"""Fill and edge colour of each label's marks (labels not listed are grey)."""
LABEL_SHORT = {"DRUG": "drug", "DRUG_CLASS": "class", "DOSE": "dose", "SCORE": "score", "LAB": "lab",
               "TIMEPOINT": "time", "PATIENT": "pat.", "RESPONSE": "resp.", "ADVERSE_EVENT": "AE",
               "DEMOGRAPHIC": "demo."}
ERROR_TITLES = {"missed": "Missed (in gold, not predicted)", "spurious": "False positives (no gold)",
                "boundary": "Other offsets (overlap gold of the same label)"}
FACTS = (("sex", "sex"), ("age_at_onset_years", "age at onset (years)"),
         ("age_at_diagnosis_years", "age at diagnosis (years)"),
         ("age_at_index_start_years", "age at index start (years)"),
         ("disease_duration_years", "disease duration at index start (years)"),
         ("diagnosis", "diagnosis"), ("index_drugs", "index drugs"), ("response", "last response"))


def format_number(value: object) -> str:
    """A number as a person reads it: ``15``, ``6.25``, ``17.14``; ``""`` for null."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if not math.isfinite(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def clip(text: object, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the report's templates (HTML autoescaped)."""
    env = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["pct"] = lambda x: f"{100 * x:.1f}"
    env.filters["clip"] = clip
    return env


def _evidence_mismatches(rows: DocumentRows, text: str) -> int:
    tables = ("patients", "medications", "measurements", "events", "mentions")
    return sum(text[r["evidence_start"]:r["evidence_end"]] != r["evidence_text"]
               for t in tables for r in rows.rows[t])


def _warnings(rows: DocumentRows, text: str | None) -> list[str]:
    if text is None:
        return [f"No source text was given for {rows.doc_id}: nothing can be highlighted."]
    bad = _evidence_mismatches(rows, text)
    if bad:
        return [f"{bad} evidence spans do not match this text: it may not be the text the tables were "
                "extracted from, so marks may sit on the wrong words."]
    return []


def label_counts(rows: DocumentRows) -> list[tuple[str, int]]:
    """Mentions per label: the gold guidelines' labels first, then any other."""
    counts: dict[str, int] = {}
    for m in rows.rows["mentions"]:
        counts[m["label"]] = counts.get(m["label"], 0) + 1
    known = (*LABELS, "DEMOGRAPHIC")
    order = [lb for lb in known if lb in counts] + sorted(lb for lb in counts if lb not in known)
    return [(lb, counts[lb]) for lb in order]


def _gold_summary(comparison: Comparison) -> dict[str, int]:
    summary = {k: comparison.status.count(k) for k in ("tp", "boundary", "fp")}
    return {**summary, "missed": len(comparison.missed)}


def render_document(rows: DocumentRows, text: str | None, gold: Annotated | None) -> str:
    """The HTML of one document page: the marked text, the mention panel and the tables."""
    root = "../"
    source = text or ""
    links = {p: patient_page(rows.doc_id, p) for p in rows.patient_ids}
    comparison = compare_document(rows.frames["mentions"], gold) if gold is not None else None
    spans = document_spans(source, rows.frames["mentions"], evidence_offsets(rows.frames.values()),
                           comparison)
    return environment().get_template("document.html").render(
        root=root, doc=rows.document, text=source, nodes=nest_spans(source, spans),
        patients=rows.rows["patients"], patient_links=links,
        patient_links_here={p: root + href for p, href in links.items()},
        label_counts=label_counts(rows), mention_total=len(rows.rows["mentions"]),
        gold=_gold_summary(comparison) if comparison is not None else None,
        warnings=_warnings(rows, text), medications=rows.rows["medications"],
        measurements=rows.rows["measurements"], events=rows.rows["events"],
    )


def _facts(patient: Record) -> list[tuple[str, str]]:
    out = []
    for column, name in FACTS:
        value = patient.get(column)
        if value is not None:
            shown = format_number(value) if isinstance(value, float) else str(value)
            out.append((name, shown.replace("|", ", ").replace("_", " ")))
    return out


def _trusted_svg(svg: str) -> Markup:
    # matplotlib escapes every text it writes into the SVG, so the figure goes in as markup
    return Markup(svg)


def render_patient(rows: DocumentRows, patient: Record, text: str | None) -> str:
    """The HTML of one patient page: the timeline figure and the patient's rows."""
    pid = str(patient["patient_id"])
    meds, meas, events = (rows.of_patient(t, pid) for t in ("medications", "measurements", "events"))
    timeline = patient_timeline(patient.get("index_drugs"), meds, meas, events)
    source = text or ""
    figure = "" if pid == COHORT else timeline_svg(timeline, f"{rows.doc_id} · patient {pid}")
    return environment().get_template("patient.html").render(
        root="../../", doc=rows.document, doc_page=document_page(rows.doc_id), patient=patient,
        facts=_facts(patient), timeline=timeline, cohort=pid == COHORT, svg=_trusted_svg(figure),
        index_names=", ".join(b.drug for b in timeline.index),
        plotted=[(s, "mg/day") for s in timeline.glucocorticoid] + [(s, "score") for s in timeline.scores],
        text_of=lambda p: source[p.evidence_start:p.evidence_end] if isinstance(p, Point) else "",
        medications=meds, measurements=meas, events=events,
    )


def _document_summary(rows: DocumentRows, gold: Mapping[str, Annotated]) -> dict[str, Any]:
    doc = rows.document
    return {
        "doc_id": rows.doc_id, "page": document_page(rows.doc_id), "title": doc["title"], "doi": doc["doi"],
        "format": doc["format"], "characters": doc["characters"] if doc["characters"] is not None else "",
        "patients": [(p, patient_page(rows.doc_id, p)) for p in rows.patient_ids],
        "counts": dict(label_counts(rows)), "gold": rows.doc_id in gold,
    }


def render_index_pages(documents: Sequence[DocumentRows], gold: Mapping[str, Annotated],
                       score: CorpusScore | None) -> dict[str, str]:
    """The document list, ``DOCUMENTS_PER_PAGE`` per page, with the score table on the first page."""
    count = max(1, math.ceil(len(documents) / DOCUMENTS_PER_PAGE))
    present = {lb for d in documents for lb, _ in label_counts(d)}
    labels = [lb for lb in (*LABELS, "DEMOGRAPHIC") if lb in present]
    totals = {"documents": len(documents),
              **{t: sum(len(d.rows[t]) for d in documents)
                 for t in ("patients", "medications", "measurements", "events", "mentions")}}
    pages = {}
    for number in range(1, count + 1):
        chunk = documents[(number - 1) * DOCUMENTS_PER_PAGE: number * DOCUMENTS_PER_PAGE]
        pages[index_page(number)] = environment().get_template("index.html").render(
            root="", page={"number": number, "count": count, "first": (number - 1) * DOCUMENTS_PER_PAGE + 1,
                           "last": (number - 1) * DOCUMENTS_PER_PAGE + len(chunk)},
            page_links={n: index_page(n) for n in range(1, count + 1)}, totals=totals,
            documents=[_document_summary(d, gold) for d in chunk], labels=labels, label_short=LABEL_SHORT,
            score=score, error_kinds=ERROR_KINDS, max_patient_links=PATIENT_LINKS_PER_DOCUMENT,
            error_pages={r.label: errors_page(r.label) for r in score.labels} if score else {},
            gold_without_tables=sorted(set(gold) - {d.doc_id for d in documents}),
        )
    return pages


def _in_context(e: ReportError, texts: Mapping[str, str]) -> tuple[ReportError, str, str]:
    text = texts.get(e.doc_id, "")
    left = WHITESPACE.sub(" ", text[max(0, e.start - CONTEXT_CHARS):e.start])
    right = WHITESPACE.sub(" ", text[e.end:e.end + CONTEXT_CHARS])
    return e, left, right


def render_error_pages(score: CorpusScore, texts: Mapping[str, str]) -> dict[str, str]:
    """One page per label listing its errors in context, each linking to its mark."""
    doc_pages = {d: document_page(d) for d in score.documents}
    return {
        errors_page(row.label): environment().get_template("errors.html").render(
            root="../", label=row.label, doc_pages=doc_pages,
            sections=[(k, ERROR_TITLES[k], [_in_context(e, texts) for e in score.errors_of(row.label, k)])
                      for k in ERROR_KINDS],
        )
        for row in score.labels
    }


def render_assets() -> dict[str, str]:
    """The stylesheet (with the label colours) and the script every page loads."""
    css = environment().get_template("report.css").render(palette=PALETTE)
    js = (files("pipeline.report") / "templates" / "report.js").read_text(encoding="utf-8")
    return {"assets/report.css": css, "assets/report.js": js}
