"""The gold set on disk: compile sources to brat, and guard against changed source texts.

``annotations/MANIFEST`` lists, per document, the sha256 of the text the offsets refer to.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.files import write_text_atomic
from pipeline.scoring.gold_source import SourceProblem, compile_source_dir
from pipeline.standoff import to_brat

MANIFEST = "MANIFEST"


@dataclass
class CompileReport:
    """What compiling the gold sources produced."""

    problems: list[SourceProblem | str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compile_gold(source_dir: Path, text_dir: Path, out_dir: Path) -> CompileReport:
    """Compile every ``source_dir/<doc_id>/`` against ``text_dir/<doc_id>.txt`` into ``out_dir``.

    Nothing is written for a document with problems; the MANIFEST is rewritten with the
    documents that compiled.
    """
    report = CompileReport()
    manifest_lines = ["# doc_id\tsha256 of the source text\tmentions\trelations"]
    for doc_dir in sorted(p for p in source_dir.iterdir() if p.is_dir()):
        text_path = text_dir / f"{doc_dir.name}.txt"
        if not text_path.exists():
            report.problems.append(f"{doc_dir}: source text {text_path} not found")
            continue
        text = text_path.read_text(encoding="utf-8")
        annotated, problems = compile_source_dir(doc_dir, text)
        report.problems.extend(problems)
        report.counts[doc_dir.name] = Counter(m.label for m in annotated.mentions)
        report.relations[doc_dir.name] = len(annotated.relations)
        if problems:
            continue
        write_text_atomic(out_dir / f"{doc_dir.name}.ann", to_brat(annotated, text))
        manifest_lines.append(
            f"{doc_dir.name}\t{file_sha256(text_path)}\t{len(annotated.mentions)}\t{len(annotated.relations)}"
        )
    write_text_atomic(out_dir / MANIFEST, "\n".join(manifest_lines) + "\n")
    return report


def read_manifest(gold_dir: Path) -> dict[str, str]:
    """``doc_id -> sha256`` from the gold MANIFEST."""
    path = gold_dir / MANIFEST
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            doc_id, sha, *_ = line.split("\t")
            out[doc_id] = sha
    return out


def check_manifest(gold_dir: Path, text_dir: Path) -> list[str]:
    """Problems that make scoring meaningless: a missing or changed source text."""
    problems = []
    manifest = read_manifest(gold_dir)
    if not manifest:
        problems.append(f"{gold_dir / MANIFEST}: missing or empty; run `casemine gold compile`")
    for doc_id, sha in manifest.items():
        text_path = text_dir / f"{doc_id}.txt"
        if not text_path.exists():
            problems.append(f"{text_path}: source text of the gold for {doc_id} not found")
        elif file_sha256(text_path) != sha:
            problems.append(
                f"{text_path}: changed since the gold was made (sha256 differs from {MANIFEST}); "
                "the gold offsets no longer fit"
            )
    return problems


def compile_annotator(source_dir: Path, text_path: Path, out_dir: Path) -> list[SourceProblem]:
    """Compile one annotator's sources for one document into ``out_dir/<doc_id>.ann``."""
    from pipeline.scoring.gold_source import compile_entries, load_source_entries

    text = text_path.read_text(encoding="utf-8")
    annotated, problems = compile_entries(
        load_source_entries(source_dir.glob("*.yaml")), text, text_path.stem
    )
    if not problems:
        write_text_atomic(out_dir / f"{text_path.stem}.ann", to_brat(annotated, text))
    return problems


def agreement_markdown(agreement_dir: Path, text_dir: Path, work_dir: Path) -> str:
    """Pairwise agreement of the two independent annotations under ``agreement_dir``.

    Layout: ``agreement_dir/<doc_id>/<annotator>/*.yaml`` with exactly two annotators per
    document. F1 is symmetric, so annotator A is taken as the reference.
    """
    from pipeline.scoring.score import agreement

    parts = ["# Inter-annotator agreement", ""]
    for doc_dir in sorted(p for p in agreement_dir.iterdir() if p.is_dir()):
        annotators = sorted(p for p in doc_dir.iterdir() if p.is_dir())
        if len(annotators) != 2:
            raise ValueError(f"{doc_dir}: expected two annotator folders, found {len(annotators)}")
        text_path = text_dir / f"{doc_dir.name}.txt"
        outs = []
        for annotator in annotators:
            out = work_dir / annotator.name
            problems = compile_annotator(annotator, text_path, out)
            if problems:
                raise ValueError(f"{annotator}: {problems[0]}")
            outs.append(out)
        report = agreement(outs[0], outs[1], text_dir)
        parts += [f"## {doc_dir.name}: {annotators[0].name} vs {annotators[1].name}", ""]
        parts += [
            "| label | mentions A | mentions B | strict F1 | lenient F1 |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, prf in report.strict.items():
            lenient = report.lenient[label]
            if prf.gold or prf.pred:
                parts.append(
                    f"| {label} | {prf.gold} | {prf.pred} | {prf.f1:.3f} | {lenient.f1:.3f} |"
                )
        ms, ml = report.micro_strict, report.micro_lenient
        parts.append(f"| all | {ms.gold} | {ms.pred} | {ms.f1:.3f} | {ml.f1:.3f} |")
        parts += ["", "Agreement on normalised attributes of leniently matched mentions:", ""]
        parts += ["| label | attribute | compared | agreement |", "|---|---|---:|---:|"]
        for label, attrs in report.attributes.items():
            for attr, acc in attrs.items():
                parts.append(f"| {label} | {attr} | {acc.compared} | {acc.accuracy:.3f} |")
        parts += ["", f"Patient attribution agreement: {report.patient.accuracy:.3f} "
                  f"over {report.patient.compared} matched mentions.", ""]
        for rtype, prf in report.relations.items():
            parts.append(f"Relation {rtype}: F1 {prf.f1:.3f} ({prf.gold} vs {prf.pred}).")
        parts.append("")
    return "\n".join(parts)
