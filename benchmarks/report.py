"""The benchmarks' reports: ``accuracy.json`` and ``ACCURACY.md`` for the accuracy benchmark, and
``benchmarks.json`` and ``BENCHMARKS.md`` for all of them (accuracy, speed, memory, scale)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.files import write_text_atomic

CASEMINE = "casemine"
SYSTEM_NAMES = {CASEMINE: "casemine", "drug_ner": "drug-NER (peer)",
                "lexicon_matcher": "lexicon matcher (peer)"}
"""How the reports name each system key of ``accuracy.json`` (and the peers' rows of the speed table)."""
HEADER = ("| gold -> casemine | system | gold | pred | strict P | strict R | strict F1 "
          "| lenient P | lenient R | lenient F1 |")
RULE = "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"


def system_name(system: str) -> str:
    """The name a report gives a system key; an unknown key stands for itself."""
    return SYSTEM_NAMES.get(system, system)


def peers(systems_by_corpus: Sequence[Mapping[str, Any]]) -> list[str]:
    """The keys of every system other than casemine, in order of first appearance: one column each."""
    seen = dict.fromkeys(s for systems in systems_by_corpus for s in systems if s != CASEMINE)
    return list(seen)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _scores(scores: Mapping[str, Any] | None) -> list[str]:
    if scores is None:
        return ["n/a", "n/a", "n/a"]
    return [_num(scores["precision"]), _num(scores["recall"]), _num(scores["f1"])]


def _lenient_cell(f1: float | None, recall: float | None) -> str:
    """Lenient F1, or ``R`` and the recall for a recall-only row (whose F1 is None)."""
    return _num(f1) if f1 is not None else f"R {_num(recall)}"


def _rows_by_name(systems: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {system: {r["row"]: r for r in res["rows"]} for system, res in systems.items()}


def _summary_table(systems: Mapping[str, Any]) -> list[str]:
    """Lenient F1 per row, one column per system; blank where a peer is not scored on a row."""
    names = [CASEMINE, *peers([systems])]
    by_name = _rows_by_name(systems)
    lines = [_md_row(["row", "gold", *map(system_name, names)]), "|---|--:|" + "--:|" * len(names)]
    for row in systems[CASEMINE]["rows"]:
        cells = [row["row"], str(row["gold"])]
        for system in names:
            r = by_name[system].get(row["row"])
            cells.append("" if r is None else _lenient_cell(r["lenient"]["f1"], r["lenient"]["recall"]))
        lines.append(_md_row(cells))
    return lines


def _rows_table(systems: Mapping[str, Any]) -> list[str]:
    """One line per (row, system), each peer under casemine on the rows it is scored on."""
    lines = [HEADER, RULE]
    names = [CASEMINE, *peers([systems])]
    by_name = _rows_by_name(systems)
    for row in systems[CASEMINE]["rows"]:
        for system in names:
            r = by_name[system].get(row["row"])
            if r is None:
                continue
            cells = [r["row"], system_name(system), str(r["gold"]), str(r["pred"]),
                     *_scores(r["strict"]), *_scores(r["lenient"])]
            lines.append(_md_row(cells))
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
            lines.append(f"| {system_name(system)} | {n['matched']} | {n['with_id']} | {n['correct']} "
                         f"| {_num(n['accuracy'])} | {_num(n['accuracy_with_id'])} |")
    return lines


def _corpus(name: str, c: Mapping[str, Any]) -> list[str]:
    lines = ["", f"## {c['title']}", ""]
    if not c.get("available"):
        return [*lines, f"Not found at `{c['path']}`; not scored."]
    systems = c["systems"]
    times = ", ".join(f"{system_name(s)} {r['seconds']:.1f} s" for s, r in systems.items())
    gold = ", ".join(f"{label} {n}" for label, n in c["gold_counts"].items())
    lines += [f"`{c['path']}`: {c['documents']} documents, {c['characters']:,} characters. "
              f"Gold mentions: {gold}. Time: {times}.", "",
              "Lenient F1 (R: recall of a recall-only row; blank: the system is not scored on the row):",
              "", *_summary_table(systems), "", "All scores:", ""]
    lines += _rows_table(systems)
    for system, res in systems.items():
        preds = ", ".join(f"{label} {n}" for label, n in res["pred_counts"].items())
        lines += ["", f"{system_name(system)} predicted mentions (all labels): {preds or 'none'}."]
        if res["errors"]:
            shown = "; ".join(f"{e['doc_id']}: {e['error']}" for e in res["errors"][:5])
            lines.append(f"{len(res['errors'])} documents failed (scored as empty predictions): {shown}")
    if any("normalisation" in r for r in systems.values()):
        lines += _normalisation(systems)
    return lines


def render_markdown(result: Mapping[str, Any]) -> str:
    """ACCURACY.md: the setting, then one table per corpus."""
    limit = result["limit"]
    half = result.get("half", "all")
    lines = [
        "# Accuracy on external gold corpora",
        "",
        f"Generated {result['generated']} by `python -m benchmarks.accuracy"
        f"{'' if limit is None else f' --limit {limit}'}{'' if half == 'all' else f' --half {half}'}` "
        f"from `{result['shared_dir']}`; "
        f"{'all documents' if limit is None else f'first {limit} documents of each corpus'}"
        f"{'' if half == 'all' else f', {half} half'}; "
        f"total time {result['seconds']:.1f} s.",
        "",
        "Systems, run on the same documents in the same run:",
        *(f"- **{system_name(k)}**: {v}" for k, v in result["systems"].items()),
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


def _write_report(result: Mapping[str, Any], json_path: Path, md_path: Path,
                  markdown: str) -> tuple[Path, Path]:
    write_text_atomic(json_path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(md_path, markdown)
    return json_path, md_path


def write_accuracy_report(result: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``accuracy.json`` and ``ACCURACY.md`` into ``out_dir`` atomically; return both paths."""
    return _write_report(result, out_dir / "accuracy.json", out_dir / "ACCURACY.md", render_markdown(result))


# --- BENCHMARKS.md: accuracy in brief, speed, memory, scale -------------------------------------

UNITS = {"share": lambda v: f"{v:.1%}", "times": lambda v: f"{v:.1f}×", "growth": lambda v: f"{v:+.1%}"}


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _spread(stats: Mapping[str, float], repeats: int) -> str:
    median = _rate(stats["median"])
    return median if repeats < 2 else f"{median} ({_rate(stats['min'])}–{_rate(stats['max'])})"


def _failed(section: Mapping[str, Any]) -> list[str]:
    return [f"Failed: `{section['error']}`."] if "error" in section else []


def _lenient(row: Mapping[str, Any] | None) -> str:
    return "" if row is None else _lenient_cell(row["lenient_f1"], row["lenient_recall"])


def _accuracy_brief(acc: Mapping[str, Any]) -> list[str]:
    lines = ["## Accuracy", ""]
    if "error" in acc:
        return [*lines, *_failed(acc)]
    limit = "all documents" if acc["limit"] is None else f"first {acc['limit']} documents per corpus"
    if acc.get("half", "all") != "all":
        limit += f", {acc['half']} half"
    lines += [f"From `accuracy.json` ({acc['source']}; generated {acc['generated']}, {limit}). "
              "Lenient F1 (overlap, one-to-one; recall for recall-only rows; blank where a peer is not "
              "scored on the row); strict scores and normalisation in `ACCURACY.md`.", ""]
    names = [CASEMINE, *peers([c["systems"] for c in acc["corpora"].values() if c["available"]])]
    lines += [_md_row(["corpus", "row", "gold", *map(system_name, names)]),
              "|---|---|--:|" + "--:|" * len(names)]
    for name, corpus in acc["corpora"].items():
        if not corpus["available"]:
            lines.append(_md_row([name, "not found, not scored", "", *[""] * len(names)]))
            continue
        systems = corpus["systems"]
        for row, r in systems[CASEMINE]["rows"].items():
            cells = [_lenient(systems.get(s, {}).get("rows", {}).get(row)) for s in names]
            lines.append(_md_row([name, row, str(r["gold"]), *cells]))
    return lines


def _speed(speed: Mapping[str, Any]) -> list[str]:
    lines = ["## Speed", ""]
    if "error" in speed:
        return [*lines, *_failed(speed)]
    lines += [f"Median over {speed['repeats']} repeat(s) (min–max in brackets). Each system is first "
              "called once on the first document, timed apart as its start-up (lazy imports, lexicons, "
              "the spaCy pipeline; for ingestion, after one pass over the set to count words); all "
              "systems interleaved in the same process. Words: whitespace-separated words of casemine's "
              "clean text, the same count for every system on a set.", "",
              "| set | system | docs | words | words/s | docs/s | first call (s) |",
              "|---|---|--:|--:|--:|--:|--:|"]
    for name in ("texts", "pdfs"):
        for system, t in speed[name].get("systems", {}).items():
            lines.append(f"| {name} | {system} | {t['documents']} | {t['words']:,} "
                         f"| {_spread(t['words_per_s'], t['repeats'])} "
                         f"| {_spread(t['documents_per_s'], t['repeats'])} | {t['startup_seconds']:.2f} |")
    lines += ["", *_stages(speed["texts"].get("stages", {})), ""]
    for name in ("texts", "pdfs"):
        files = speed[name].get("files", [])
        lines.append(f"- {name}: " + (", ".join(f"`{Path(f).name}`" for f in files) or "none"))
    lines += [f"- {note}" for note in speed.get("notes", [])]
    lines += ["", "Systems:"]
    lines += [f"- **{s}**: {t['description']}"
              for n in ("texts", "pdfs") for s, t in speed[n].get("systems", {}).items()]
    return lines


def _stages(stages: Mapping[str, float]) -> list[str]:
    """Where extraction's time goes, stage by stage (the tokenizer is the floor a spaCy pipeline pays)."""
    if not stages:
        return []
    total = sum(stages.values()) or 1.0
    lines = ["Where extraction's time goes on the texts (median milliseconds a pass, `extract_document` "
             "timed stage by stage):", "", "| stage | ms | share |", "|---|--:|--:|"]
    lines += [f"| {stage} | {ms:.1f} | {ms / total:.0%} |" for stage, ms in stages.items()]
    return [*lines, f"| all | {total:.1f} | 100% |"]


def _memory(memory: Mapping[str, Any]) -> list[str]:
    lines = ["## Memory", ""]
    if "error" in memory:
        return [*lines, *_failed(memory)]
    lines += [f"`pipeline.batch.ingest_batch([folder], Settings(output_dir=tmp), extract=True)` in a fresh "
              f"process per N, over N documents synthesised from {memory['templates']} corpus documents "
              "(paragraphs shuffled, numbers changed: every sha256 differs). Peak: the process's "
              "`ru_maxrss`; worker processes, if any, are in `benchmarks.json` "
              "(`children_peak_rss_mb`, `peak_sampled_tree_rss_mb`).", "",
              "| N | ok | errors | words | seconds | RSS before (MiB) | peak RSS (MiB) | RSS at end (MiB) |",
              "|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in memory["runs"]:
        if "failed" in r:
            lines.append(f"| {r['n']} | failed: `{r['failed']}` | | | | | | |")
            continue
        lines.append(f"| {r['n']} | {r['ok']} | {r['error']} | {r['words']:,} | {r['seconds']:.1f} "
                     f"| {r['rss_before_mb']:.0f} | {r['peak_rss_mb']:.0f} | {r['rss_end_mb']:.0f} |")
    return lines


def _scale(scale: Mapping[str, Any]) -> list[str]:
    lines = ["## Scale (Dask)", ""]
    if "error" in scale:
        return [*lines, *_failed(scale)]
    if not scale.get("available"):
        return [*lines, f"Not measured: {scale.get('reason', 'unknown')}."]
    lines += [f"`casemine run --engine dask --set workers=N` on {scale['documents']} synthesised documents, "
              "wall time of the whole command (start-up and cluster included).", "",
              "| workers | seconds | speed-up |", "|--:|--:|--:|"]
    lines += [f"| {n} | {s:.1f} | {scale['speedup'][n]:.2f} |" for n, s in scale["wall_seconds"].items()]
    failing = [n for n, code in scale.get("exit_codes", {}).items() if code]
    if failing:
        lines += ["", f"Some files failed in the runs with workers={', '.join(failing)} (exit code 1)."]
    return lines


def _targets(targets: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["## Targets", "", "| target | rule | measured | result |", "|---|---|--:|---|"]
    for t in targets:
        verdict = "pass" if t["pass"] else "**fail**"
        lines.append(f"| {t['name']} | {t['rule']} | {UNITS[t['unit']](t['value'])} | {verdict} |")
    return lines if targets else [*lines, "| none measured | | | |"]


def render_benchmarks_markdown(result: Mapping[str, Any]) -> str:
    """BENCHMARKS.md: the setting, the targets, then accuracy, speed, memory and scale."""
    m = result["machine"]
    mode = "quick mode, for CI" if result["quick"] else "full mode"
    load = f"{m['load_average_start']} at the start, {m.get('load_average_end', '?')} at the end"
    command = "python -m benchmarks.bench" + (" --quick" if result["quick"] else "")
    lines = [
        "# casemine benchmarks", "",
        f"Generated {result['generated']} by `{command}` "
        f"({mode}) in {result['seconds']:.1f} s on {m['platform']}, Python {m['python']}, "
        f"{m['cpus']} CPUs, {m['memory_gib']} GiB; load average (1, 5, 15 min) {load}. Timings on a "
        "shared or busy machine are noisy: compare systems within one report, not across reports.", "",
        *_targets(result["targets"]), "",
        *_accuracy_brief(result["accuracy"]), "",
        *_speed(result["speed"]), "",
        *_memory(result["memory"]), "",
        *_scale(result["scale"]),
    ]
    return "\n".join(lines) + "\n"


def write_benchmarks_report(result: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``benchmarks.json`` and ``BENCHMARKS.md`` into ``out_dir`` atomically; return both paths."""
    return _write_report(result, out_dir / "benchmarks.json", out_dir / "BENCHMARKS.md",
                         render_benchmarks_markdown(result))
