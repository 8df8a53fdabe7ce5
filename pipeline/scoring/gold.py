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
