"""The ``casemine`` command line: thin typer commands over the library's functions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.db.store import CaseStore, DatabaseError
from pipeline.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    name="casemine",
    help="Turn paediatric rheumatology case reports into traceable rows: drugs, doses, scores, "
    "labs, timepoints, responses and adverse events, each pointing back to its words.",
    no_args_is_help=True,
    add_completion=False,
)
gold_app = typer.Typer(help="Build the gold annotation set from its human-written sources.")
app.add_typer(gold_app, name="gold")
db_app = typer.Typer(help="Ask the case database questions; see its schema version and contents.")
app.add_typer(db_app, name="db")
console = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="Settings file (default: ./config.yaml).")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output folder (setting output_dir).")
]
PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders to process (default: the inputs in config.yaml)."),
]


SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override any setting of config.yaml: --set workers=2 (repeatable)."),
]


def _settings(config: Path | None, assignments: list[str] | None = None, **overrides: object) -> Settings:
    from pipeline.settings import parse_assignments

    try:
        settings = load_settings(config).with_overrides(**parse_assignments(assignments))
        return settings.with_overrides(**overrides)
    except SettingsError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _inputs(paths: list[Path] | None, settings: Settings) -> list[Path]:
    from pipeline.batch import existing_inputs

    if paths:
        return list(paths)
    present, notices = existing_inputs(settings.inputs)
    for n in notices:
        console.print(f"[yellow]notice:[/yellow] {n}")
    return present


OcrOpt = Annotated[bool | None, typer.Option("--ocr/--no-ocr", help="OCR pages without text.")]
MaxBytesOpt = Annotated[int | None, typer.Option(help="Refuse files larger than this.")]


def _batch(paths: list[Path] | None, settings: Settings, *, extract: bool, title: str,
           store: CaseStore | None = None, resume: bool = True) -> None:
    from pipeline.batch import ingest_batch
    from pipeline.engines import EngineError

    inputs = _inputs(paths, settings)
    try:
        with _progress() as progress:
            task = progress.add_task(title, total=None)
            summary = ingest_batch(
                inputs,
                settings,
                extract=extract,
                store=store,
                resume=resume,
                on_start=lambda n: progress.update(task, total=n),
                on_done=lambda o: progress.advance(task),
            )
    except (EngineError, DatabaseError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    table = Table(title="Documents")
    columns = ["document", "status", "sections", "tables", "sentences"]
    columns += ["mentions"] if extract else []
    for col in columns:
        table.add_column(col)
    for o in summary.outcomes[:200]:
        row = [o.doc_id or o.path, o.status, str(o.sections), str(o.tables), str(o.sentences)]
        table.add_row(*(row + ([str(o.mentions)] if extract else [])))
    if len(summary.outcomes) > 200:
        table.caption = f"first 200 of {len(summary.outcomes)} documents; all in the log"
    console.print(table)
    for o in summary.outcomes:
        if o.status in ("error", "duplicate"):
            console.print(f"[red]{o.status}:[/red] {o.message}")
    mentions = sum(o.mentions for o in summary.outcomes)
    where = settings.output_dir / ("brat" if extract else "documents")
    unchanged = f", {len(summary.unchanged)} unchanged" if summary.unchanged else ""
    console.print(
        f"{len(summary.ok)} documents{unchanged}, {mentions} mentions, {len(summary.failed)} failed, "
        f"{summary.seconds:.1f} s; outputs in {where} (log: {settings.output_dir / 'ingest_log.jsonl'})"
    )
    if store is not None:
        rows = ", ".join(f"{n} {name}" for name, n in summary.table_rows.items())
        console.print(f"case database {store.url}: {rows}; tables in {settings.output_dir / 'tables'}")
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: PathsArg = None,
    out: OutOpt = None,
    config: ConfigOpt = None,
    ocr: OcrOpt = None,
    max_file_bytes: MaxBytesOpt = None,
    assignments: SetOpt = None,
) -> None:
    """Read .txt, .md, .pdf and JATS .xml files, clean and segment them.

    Writes OUT/documents/<doc_id>.json (sections, tables with rows, sentences, all in source
    offsets) and OUT/ingest_log.jsonl (one line per file). Exit code 1 if any file failed.
    """
    settings = _settings(config, assignments, output_dir=out, ocr=ocr, max_file_bytes=max_file_bytes)
    _batch(paths, settings, extract=False, title="ingest")


@app.command()
def extract(
    paths: PathsArg = None,
    out: OutOpt = None,
    config: ConfigOpt = None,
    ocr: OcrOpt = None,
    max_file_bytes: MaxBytesOpt = None,
    assignments: SetOpt = None,
) -> None:
    """Ingest and find every mention (drugs, doses, scores, labs, timepoints, patients,
    responses, adverse events) with its normalised attributes, patient and relations.

    Writes OUT/brat/<doc_id>.ann with the .txt beside it (the gold's format) and
    OUT/documents/<doc_id>.json. Exit code 1 if any file failed.
    """
    settings = _settings(config, assignments, output_dir=out, ocr=ocr, max_file_bytes=max_file_bytes)
    _batch(paths, settings, extract=True, title="extract")


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Case database URL (setting database_url; with --out and no --db: "
                 "OUT/cases.sqlite). SQLite by default, postgresql+psycopg://user:pw@host/db for teams."),
]


def _store_url(settings: Settings, db: str | None, out: Path | None) -> str:
    if db:
        return db
    if out is not None:
        return f"sqlite:///{out / 'cases.sqlite'}"
    return settings.database_url


def _open_store(url: str) -> CaseStore:
    try:
        return CaseStore.open(url)
    except DatabaseError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def run(
    paths: PathsArg = None,
    out: OutOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    ocr: OcrOpt = None,
    max_file_bytes: MaxBytesOpt = None,
    workers: Annotated[int | None, typer.Option(help="Parallel processes or Dask workers.")] = None,
    engine: Annotated[str | None, typer.Option(help="local (this machine's cores) or dask.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://host:8786); none starts a local cluster.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Process documents the database already holds in this version.")] = False,
    assignments: SetOpt = None,
) -> None:
    """The whole job on PATHS (default: the inputs in config.yaml): ingest, extract, build the
    tables, load them into the case database and write them to OUT/tables as CSV and Parquet.

    Documents already in the database with the same content and pipeline version are skipped,
    so an interrupted run resumes where it stopped. Exit code 1 if any file failed.
    """
    settings = _settings(config, assignments, output_dir=out, ocr=ocr, max_file_bytes=max_file_bytes,
                         workers=workers, engine=engine, scheduler=scheduler)
    with _open_store(_store_url(settings, db, out)) as store:
        _batch(paths, settings, extract=True, title="run", store=store, resume=not force)


@gold_app.command("compile")
def gold_compile(
    config: ConfigOpt = None,
    source_dir: Annotated[Path | None, typer.Option(help="Gold sources: <doc_id>/*.yaml.")] = None,
    text_dir: Annotated[Path | None, typer.Option(help="Texts the offsets refer to.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where <doc_id>.ann and MANIFEST go.")] = None,
) -> None:
    """Compile the quoted gold sources to brat standoff, checking every quote against its text."""
    from pipeline.scoring.gold import compile_gold

    settings = _settings(config)
    report = compile_gold(
        source_dir or settings.gold_source_dir,
        text_dir or settings.gold_text_dir,
        out or settings.gold_dir,
    )
    for problem in report.problems:
        console.print(f"[red]problem:[/red] {problem}")
    for doc_id, counts in report.counts.items():
        console.print(f"{doc_id}: {sum(counts.values())} mentions {dict(sorted(counts.items()))}")
    if report.problems:
        raise typer.Exit(1)


@app.command()
def score(
    config: ConfigOpt = None,
    gold: Annotated[Path | None, typer.Option(help="Gold folder with <doc_id>.ann.")] = None,
    pred: Annotated[Path | None, typer.Option(help="Predictions: <doc_id>.ann and .txt.")] = None,
    text_dir: Annotated[Path | None, typer.Option(help="Texts the gold refers to.")] = None,
    out: OutOpt = None,
    assignments: SetOpt = None,
) -> None:
    """Score predictions against gold: strict and lenient P/R/F1 per label, attributes,
    relations and patient attribution; writes OUT/score.json and OUT/score.md."""
    from pipeline.scoring.gold import check_manifest
    from pipeline.scoring.score import score as score_fn
    from pipeline.scoring.score import write_score_report

    settings = _settings(config, assignments, output_dir=out)
    gold_dir = gold or settings.gold_dir
    texts = text_dir or settings.gold_text_dir
    problems = check_manifest(gold_dir, texts)
    for p in problems:
        console.print(f"[red]error:[/red] {p}")
    if problems:
        raise typer.Exit(2)
    pred_dir = pred or settings.output_dir / "brat"
    if not pred_dir.is_dir():
        console.print(f"[red]error:[/red] {pred_dir}: no predictions; run `casemine extract` first")
        raise typer.Exit(2)
    report = score_fn(gold_dir, pred_dir, texts)
    json_path, md_path = write_score_report(report, settings.output_dir)
    typer.echo(report.to_markdown())
    console.print(f"written {json_path} and {md_path}")


@app.command()
def report(
    out: OutOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    gold: Annotated[Path | None, typer.Option(
        help="Gold folder with <doc_id>.ann; a document without gold stands alone.")] = None,
    no_gold: Annotated[bool, typer.Option("--no-gold", help="Leave the gold out.")] = False,
    workers: Annotated[int | None, typer.Option(help="Processes rendering documents.")] = None,
) -> None:
    """Write the review report, OUT/report/index.html: every document's text with its mentions
    highlighted (and gold differences), its tables with links to the evidence, and a timeline
    per patient. Reads the case database and the texts in OUT/brat written by `casemine run`."""
    from pipeline.report import write_report
    from pipeline.standoff import StandoffError, read_brat

    settings = _settings(config, output_dir=out, workers=workers)
    with _open_store(_store_url(settings, db, out)) as store:
        tables = store.read_tables()
    brat = settings.output_dir / "brat"
    texts = {d: (brat / f"{d}.txt").read_text(encoding="utf-8")
             for d in tables["documents"]["doc_id"] if (brat / f"{d}.txt").is_file()}
    if not texts:
        console.print(f"[red]error:[/red] no documents with their text in {brat}; run `casemine run` first")
        raise typer.Exit(2)
    gold_docs = {}
    gold_dir = gold or settings.gold_dir
    for ann in sorted(gold_dir.glob("*.ann")) if not no_gold else []:
        if ann.stem in texts:
            try:
                gold_docs[ann.stem] = read_brat(ann, texts[ann.stem])
            except StandoffError as exc:  # the gold was made on another version of the text
                console.print(f"[yellow]notice:[/yellow] gold left out: {exc}")
    with console.status("writing the report"):
        index = write_report(settings.output_dir, tables, texts, gold=gold_docs or None,
                             workers=settings.workers)
    console.print(f"report of {len(texts)} documents ({len(gold_docs)} with gold): {index}")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(
        "--quick", help="Examples only, one repeat, small memory runs.")] = False,
    out: Annotated[Path, typer.Option(
        help="Where BENCHMARKS.md and benchmarks.json go.")] = Path("outputs/bench"),
    reuse_accuracy: Annotated[bool, typer.Option(
        "--reuse-accuracy", help="Read OUT/accuracy.json if it is there instead of running accuracy again.")
    ] = False,
) -> None:
    """Accuracy on public corpora, speed beside spaCy's blank tokenizer and two peer taggers, memory
    over 200 and 2,000 documents, and the Dask engine's speed-up: writes OUT/BENCHMARKS.md and
    OUT/benchmarks.json. Run from the repository's root (the benchmarks live beside the package)."""
    import sys

    root = Path.cwd()
    if not (root / "benchmarks" / "bench.py").is_file():
        console.print("[red]error:[/red] no benchmarks/ here: run `casemine bench` from the "
                      "repository's root")
        raise typer.Exit(2)
    sys.path.insert(0, str(root))
    from benchmarks.bench import main as run_benchmarks

    result = run_benchmarks(quick, out, reuse_accuracy)
    console.print(f"wrote {out / 'BENCHMARKS.md'} and {out / 'benchmarks.json'} in {result['seconds']:.0f} s")


@db_app.command("query")
def db_query(
    name: Annotated[str | None, typer.Argument(help="A named query (see `casemine db queries`).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="A parameter of the named query: -p drug=ruxolitinib (repeatable).")] = None,
    sql: Annotated[str | None, typer.Option(help="Your own SQL instead of a named query.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Also write the rows to this CSV file.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Answer a question from the case database and print the rows, e.g.
    `casemine db query cotreatment -p drug=tofacitinib -p drug_class=glucocorticoid`."""
    from pipeline.db.queries import QueryError, run_named_query

    settings = _settings(config)
    if bool(name) == bool(sql):
        console.print("[red]error:[/red] give a query name or --sql, not both or neither")
        raise typer.Exit(2)
    overrides = dict(p.split("=", 1) for p in (param or []) if "=" in p)
    if len(overrides) != len(param or []):
        console.print("[red]error:[/red] --param takes NAME=VALUE")
        raise typer.Exit(2)
    with _open_store(_store_url(settings, db, None)) as store:
        try:
            rows = run_named_query(store, name, overrides) if name else store.query(sql or "")
        except (QueryError, DatabaseError) as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    table = Table(title=name or "query")
    for col in rows.columns:
        table.add_column(str(col))
    for record in rows.itertuples(index=False):
        table.add_row(*("" if v is None or v != v else str(v) for v in record))
    Console().print(table)
    if csv is not None:
        rows.to_csv(csv, index=False)
    console.print(f"{len(rows)} rows")


@db_app.command("queries")
def db_queries() -> None:
    """List the named queries with their parameters and defaults."""
    from pipeline.db.queries import named_queries

    for q in named_queries().values():
        params = ", ".join(f"{k}={v}" for k, v in q.params.items())
        typer.echo(f"{q.name}: {q.description}" + (f" [{params}]" if params else ""))


@db_app.command("info")
def db_info(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """The database's schema version and how many rows each table holds."""
    from pipeline.db.schema import DATA_TABLES

    settings = _settings(config)
    with _open_store(_store_url(settings, db, None)) as store:
        typer.echo(f"{store.url}: schema version {store.schema_version()}")
        for name in DATA_TABLES:
            n = store.query(f"SELECT COUNT(*) AS n FROM {name}")["n"].iloc[0]
            typer.echo(f"  {name}: {n} rows")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def main() -> None:
    """Entry point for ``python -m pipeline``."""
    app(prog_name="casemine")


@gold_app.command("agreement")
def gold_agreement(
    config: ConfigOpt = None,
    agreement_dir: Annotated[Path, typer.Option(help="<doc_id>/<annotator>/*.yaml")] = Path(
        "annotations/agreement"
    ),
    text_dir: Annotated[Path | None, typer.Option(help="Texts the offsets refer to.")] = None,
    out: Annotated[Path, typer.Option(help="Markdown report.")] = Path("annotations/AGREEMENT.md"),
) -> None:
    """Pairwise agreement (F1 per label, attributes, relations) of two independent annotations."""
    import tempfile

    from pipeline.files import write_text_atomic
    from pipeline.scoring.gold import agreement_markdown

    settings = _settings(config)
    with tempfile.TemporaryDirectory() as work:
        markdown = agreement_markdown(agreement_dir, text_dir or settings.gold_text_dir, Path(work))
    write_text_atomic(out, markdown)
    typer.echo(markdown)
