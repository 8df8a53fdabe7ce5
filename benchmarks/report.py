"""The accuracy benchmark's report: ``accuracy.json`` (the numbers) and ``ACCURACY.md`` (to read)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.files import write_text_atomic

SYSTEM_NAMES = {"casemine": "casemine", "drug_ner": "drug-NER (peer)"}
HEADER = ("| gold -> casemine | system | gold | pred | strict P | strict R | strict F1 "
          "| lenient P | lenient R | lenient F1 |")
RULE = "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _scores(scores: Mapping[str, Any] | None) -> list[str]:
    if scores is None:
        return ["n/a", "n/a", "n/a"]
    return [_num(scores["precision"]), _num(scores["recall"]), _num(scores["f1"])]


def _rows_table(systems: Mapping[str, Any]) -> list[str]:
    """One line per (row, system), the peer under casemine on the rows it is scored on."""
    lines = [HEADER, RULE]
    peer_rows = {r["row"]: r for r in systems.get("drug_ner", {}).get("rows", [])}
    for row in systems["casemine"]["rows"]:
        for system, r in (("casemine", row), ("drug_ner", peer_rows.get(row["row"]))):
            if r is None:
                continue
            cells = [r["row"], SYSTEM_NAMES[system], str(r["gold"]), str(r["pred"]),
                     *_scores(r["strict"]), *_scores(r["lenient"])]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _normalisation(systems: Mapping[str, Any]) -> list[str]:
    lines = ["", "MeSH normalisation on the leniently matched `Chemical -> DRUG` pairs whose gold MeSH "
             "id is in the DrugBank -> MeSH table (predicted id = table[prediction's DrugBank id]; "
             "a matched prediction without a DrugBank id in the table counts as wrong):", "",
             "| system | matched pairs | with an id | correct | accuracy | accuracy when an id |",
             "|---|--:|--:|--:|--:|--:|"]
    for system, res in systems.items():
        n = res.get("normalisation")
        if n:
            lines.append(f"| {SYSTEM_NAMES[system]} | {n['matched']} | {n['with_id']} | {n['correct']} "
                         f"| {_num(n['accuracy'])} | {_num(n['accuracy_with_id'])} |")
    return lines


def _corpus(name: str, c: Mapping[str, Any]) -> list[str]:
    lines = ["", f"## {c['title']}", ""]
    if not c.get("available"):
        return [*lines, f"Not found at `{c['path']}`; not scored."]
    systems = c["systems"]
    times = ", ".join(f"{SYSTEM_NAMES[s]} {r['seconds']:.1f} s" for s, r in systems.items())
    gold = ", ".join(f"{label} {n}" for label, n in c["gold_counts"].items())
    lines += [f"`{c['path']}`: {c['documents']} documents, {c['characters']:,} characters. "
              f"Gold mentions: {gold}. Time: {times}.", ""]
    lines += _rows_table(systems)
    for system, res in systems.items():
        preds = ", ".join(f"{label} {n}" for label, n in res["pred_counts"].items())
        lines += ["", f"{SYSTEM_NAMES[system]} predicted mentions (all labels): {preds or 'none'}."]
        if res["errors"]:
            shown = "; ".join(f"{e['doc_id']}: {e['error']}" for e in res["errors"][:5])
            lines.append(f"{len(res['errors'])} documents failed (scored as empty predictions): {shown}")
    if any("normalisation" in r for r in systems.values()):
        lines += _normalisation(systems)
    return lines


def render_markdown(result: Mapping[str, Any]) -> str:
    """ACCURACY.md: the setting, then one table per corpus."""
    limit = result["limit"]
    lines = [
        "# Accuracy on external gold corpora",
        "",
        f"Generated {result['generated']} by `python -m benchmarks.accuracy"
        f"{'' if limit is None else f' --limit {limit}'}` "
        f"from `{result['shared_dir']}`; "
        f"{'all documents' if limit is None else f'first {limit} documents of each corpus'}; "
        f"total time {result['seconds']:.1f} s.",
        "",
        "Systems, run on the same documents in the same run:",
        *(f"- **{SYSTEM_NAMES[k]}**: {v}" for k, v in result["systems"].items()),
        "",
        "Matching (per row, both sides relabelled to the row, micro-averaged over documents):",
        *(f"- **{k}**: {v}" for k, v in result["matching"].items()),
        "- `n/a`: strict matching is not applicable (the gold span is a part of the DOSE span by "
        "definition); `–`: recall-only row (the gold is a subset of what the predictions aim at).",
        "",
        "Label mapping and the reason for each row: `benchmarks/LABEL_MAPPING.md`. "
        f"DrugBank -> MeSH table: {result['mesh_table']['size']} ids "
        f"({result['mesh_table']['source']}).",
    ]
    for name, corpus in result["corpora"].items():
        lines += _corpus(name, corpus)
    return "\n".join(lines) + "\n"


def write_accuracy_report(result: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``accuracy.json`` and ``ACCURACY.md`` into ``out_dir`` atomically; return both paths."""
    json_path, md_path = out_dir / "accuracy.json", out_dir / "ACCURACY.md"
    write_text_atomic(json_path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(md_path, render_markdown(result))
    return json_path, md_path
