"""The `ficlens` command line: a thin skin over the library.

Each command parses its options, makes one library call and prints. Errors the
library raises on purpose (`FiclensError`) become one line on stderr and exit 2;
anything else becomes one line and exit 3 (set FICLENS_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import FiclensError
from .export.writers import FORMAT_HELP, FORMATS

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _friendly_errors(func):
    """Turn exceptions into one-line messages and exit codes, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FiclensError as exc:
            click.echo(f"ficlens: error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # a bug in ficlens: still no traceback for the user
            if os.environ.get("FICLENS_DEBUG"):
                raise
            where = kwargs.get("file") or ""
            click.echo(
                f"ficlens: internal error{' on ' + str(where) if where else ''}: "
                f"{type(exc).__name__}: {exc} (set FICLENS_DEBUG=1 for details)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


FILE_ARG = click.argument("file", type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ficlens")
def main() -> None:
    """ficlens: fan fiction in, structured narrative data out.

    FILE may be an AO3 download (HTML or EPUB), an AO3 work page saved from a
    browser, a bare AO3 chapter fragment, a FanFicFare EPUB or HTML file, or
    plain text / Markdown. The format is detected from the content.

    \b
    Examples:
      ficlens info work.html            metadata as a table
      ficlens text work.epub --format md
      ficlens analyze work.html -o work.json

    Exit codes: 0 success, 2 bad input (message names the file), 3 internal error.
    """


@main.command()
@FILE_ARG
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON instead of a table.")
@_friendly_errors
def info(file: Path, as_json: bool) -> None:
    """Show a work's metadata: title, authors, tags, stats, chapters.

    \b
    Example:
      ficlens info examples/lighthouse.html --json
    """
    from .export.document import work_document
    from .export.table import print_work_info
    from .ingest import read_work

    work = read_work(file)
    if as_json:
        click.echo(json.dumps(work_document(work)["work"], ensure_ascii=False, indent=2))
    else:
        print_work_info(work)


@main.command()
@FILE_ARG
@click.option("--format", "fmt", type=click.Choice(["txt", "md"]), default="txt", show_default=True,
              help="Plain text, or Markdown with *italics* and **bold** kept.")
@click.option("--notes", is_flag=True, help="Include summaries and author's notes.")
@_friendly_errors
def text(file: Path, fmt: str, notes: bool) -> None:
    """Print the clean story text with chapter headings (no site chrome, no notes
    unless --notes)."""
    from .export.text import render_text
    from .ingest import read_work

    click.echo(render_text(read_work(file), fmt=fmt, notes=notes), nl=False)


@main.command()
@FILE_ARG
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write here instead of standard output (a folder for tsv/csv/parquet, a file otherwise).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="Output format: " + "; ".join(f"{k}: {v}" for k, v in FORMAT_HELP.items()) + ".")
@click.option("--compact", is_flag=True, help="JSON on one line (no indentation).")
@_friendly_errors
def analyze(file: Path, output: Path | None, fmt: str, compact: bool) -> None:
    """Analyse a work and write the ficlens JSON document (schema ficlens/1), or
    one of the other formats.

    The document holds the metadata (`work`), the chapters with their paragraph,
    style and scene-break spans, and one top-level list per analysis layer.

    \b
    Examples:
      ficlens analyze work.html -o work.json
      ficlens analyze work.html --format html -o report.html
      ficlens analyze work.html --format tsv -o work-tables/
      ficlens analyze work.html --format epub -o work.epub
    """
    from .export.writers import check_output, export
    from .ingest import read_work
    from .pipeline import run_layers

    check_output(fmt, output)
    result = export(run_layers(read_work(file)), fmt, output, compact=compact, book_id=file.stem)
    if isinstance(result, str):
        click.echo(result, nl=False)
    else:
        for path in result:
            click.echo(f"wrote {path}", err=True)


@main.command()
@FILE_ARG
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the report [default: FILE's name with .report.html, in the current folder].")
@_friendly_errors
def report(file: Path, output: Path | None) -> None:
    """Write a self-contained HTML report of a work and print its path: header and
    tags, characters and profiles, the conversation network, dialogue share,
    who appears where, timeline, places, tags against the text, and the story
    with every quotation coloured by its speaker. Opens offline in any browser.

    \b
    Example:
      ficlens report work.html -o work-report.html
    """
    from .export.writers import export
    from .ingest import read_work
    from .pipeline import run_layers

    output = output or Path(f"{file.stem}.report.html")
    export(run_layers(read_work(file)), "html", output)
    click.echo(str(output))


@main.command()
@FILE_ARG
@click.option("--kinds", is_flag=True, help="Show how each speaker was found (explicit/anaphoric/implicit) and the confidence.")
@_friendly_errors
def quotes(file: Path, kinds: bool) -> None:
    """Print the dialogue as a script: SPEAKER → ADDRESSEE: text.

    \b
    Example:
      ficlens quotes work.html --kinds
    """
    from .export.script import render_script
    from .ingest import read_work
    from .pipeline import analyze as run_pipeline

    click.echo(render_script(run_pipeline(read_work(file)), show_kind=kinds), nl=False)


@main.command()
@FILE_ARG
@_friendly_errors
def characters(file: Path) -> None:
    """List the characters: name, aliases, gender, mentions, lines and share of dialogue."""
    from .export.table import print_characters
    from .ingest import read_work
    from .pipeline import analyze as run_pipeline

    print_characters(run_pipeline(read_work(file)))


@main.command()
@FILE_ARG
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "json"]), default="graphml",
              show_default=True, help="GraphML or GEXF (Gephi, Cytoscape), CSV edge list, or node-link JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write here instead of standard output.")
@_friendly_errors
def network(file: Path, fmt: str, output: Path | None) -> None:
    """Write the character network: characters as nodes, interactions as weighted
    edges (lines spoken to each other + mentions + scenes shared).

    \b
    Example:
      ficlens network work.html --format gexf -o work.gexf
    """
    from .export.network import render_network
    from .ingest import read_work
    from .pipeline import analyze as run_pipeline

    rendered = render_network(run_pipeline(read_work(file)), fmt)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        _write_output(output, rendered)
        click.echo(f"wrote {output}", err=True)


@main.command()
@FILE_ARG
@click.argument("name")
@_friendly_errors
def profile(file: Path, name: str) -> None:
    """Show one character's profile: what they do and have done to them, how they
    are described, what they own, their dialogue, appearances and closest ties.
    NAME is a name or alias ("Tamsin", "Tamsin Reedy").

    \b
    Example:
      ficlens profile work.html "Tamsin Reedy"
    """
    from .export.profile import find_character, print_profile
    from .ingest import read_work
    from .pipeline import analyze as run_pipeline

    doc = run_pipeline(read_work(file))
    print_profile(doc, find_character(doc, name, file))


@main.command()
@FILE_ARG
@_friendly_errors
def scenes(file: Path) -> None:
    """List the scenes: where each opens and why (chapter, break, time or place shift),
    its place, its time and the characters present.

    \b
    Example:
      ficlens scenes work.html
    """
    from .export.table import print_scenes
    from .ingest import read_work
    from .pipeline import analyze as run_pipeline

    print_scenes(run_pipeline(read_work(file)))


@main.group(name="eval")
def eval_group() -> None:
    """Score ficlens on annotated corpora (PDNC, LitBank), read from DIR.

    Each text runs through exactly what `ficlens analyze` runs; quotations are
    matched to the gold one-to-one in reading order.
    """


@eval_group.command("pdnc")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="dev", show_default=True,
              help="Which novels: DEV (tuning), TEST (report only), or all.")
@click.option("--novels", default=None, metavar="A,B", help="Only these novel folders (comma-separated).")
@click.option("--gold-characters", is_flag=True,
              help="Give the gold alias sets to the pipeline as its character list (an easier setting).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_friendly_errors
def eval_pdnc(directory: Path, split: str, novels: str | None, gold_characters: bool, as_json: bool) -> None:
    """Quotation detection P/R, speaker accuracy (overall and per quote type) and
    character clustering B-cubed on the Project Dialogism Novel Corpus.

    \b
    Example:
      ficlens eval pdnc ../shared/eval/pdnc --split dev
    """
    from .eval.pdnc import evaluate, print_report

    names = [n for n in novels.split(",") if n.strip()] if novels else None
    report = evaluate(directory, split=split, novels=names, gold_characters=gold_characters, progress=True)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(report)


@eval_group.command("litbank")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--layer", type=click.Choice(["quotes", "places"]), default="quotes", show_default=True,
              help="quotes: quotation P/R and speakers; places: place mentions against the gold FAC/GPE/LOC spans.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_friendly_errors
def eval_litbank(directory: Path, layer: str, as_json: bool) -> None:
    """Quotation detection P/R and speaker accuracy on LitBank's quotation layer, or
    (--layer places) place detection P/R on its entity layer.

    \b
    Examples:
      ficlens eval litbank ../shared/eval/litbank
      ficlens eval litbank ../shared/eval/litbank --layer places
    """
    if layer == "places":
        from .eval.litbank_places import evaluate, print_report
    else:
        from .eval.litbank import evaluate, print_report

    report = evaluate(directory, progress=True)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(report)


@main.group(name="corpus")
def corpus_group() -> None:
    """Many works at once: analyse folders and zips into a DuckDB database, then query it.

    \b
    Example:
      ficlens corpus build works/ fandom.zip --db fandom.duckdb
      ficlens corpus stats --db fandom.duckdb
    """


DB_OPTION = click.option("--db", "db", type=click.Path(path_type=Path), required=True,
                         help="The corpus database file (DuckDB).")


@corpus_group.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: one per core). Each loads the spaCy model once.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster instead, e.g. tcp://host:8786 (see README).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Per-work time limit in seconds (default 1800).")
@click.option("--retry-failed", is_flag=True, help="Analyse again the works that failed in earlier runs.")
@_friendly_errors
def corpus_build(sources: tuple[Path, ...], db: Path, workers: int | None, scheduler: str | None,
                 timeout: float | None, retry_failed: bool) -> None:
    """Analyse every work under SOURCES (files, folders, zip archives) into a database.

    Works are identified by a hash of their content: a re-run skips what is stored,
    so an interrupted build resumes where it stopped. A work that fails is recorded
    in the `failures` table and the build goes on. Exit code 1 when any work failed.

    \b
    Example:
      ficlens corpus build downloads/ old-works.zip --db fandom.duckdb --workers 2
    """
    from .corpus.build import BuildOptions, build_corpus
    from .corpus.progress import RichBuildProgress

    options = BuildOptions(scheduler=scheduler, retry_failed=retry_failed)
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    if timeout is not None:
        options = dataclasses.replace(options, timeout=timeout)
    display = RichBuildProgress()
    try:
        summary = build_corpus(sources, db, options, progress=display)
    except KeyboardInterrupt:
        display.stop()
        click.echo("ficlens: interrupted; every stored work is complete; run the same command to resume", err=True)
        sys.exit(130)
    sys.exit(0 if summary.ok else 1)


@corpus_group.command("query")
@click.argument("sql")
@DB_OPTION
@click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")
@click.option("--json", "fmt", flag_value="json", help="Print a JSON list of objects.")
@_friendly_errors
def corpus_query(sql: str, db: Path, fmt: str | None) -> None:
    """Run one SQL query (DuckDB dialect, read-only) and print the result as a table.

    \b
    Example:
      ficlens corpus query --db fandom.duckdb "SELECT rating, count(*) FROM works GROUP BY rating"
    """
    from .corpus.query import run_query
    from .export.results import print_table, render_csv, render_json

    result = run_query(db, sql)
    if fmt == "csv":
        click.echo(render_csv(result.columns, result.rows), nl=False)
    elif fmt == "json":
        click.echo(render_json(result.columns, result.rows))
    else:
        print_table(result.columns, result.rows)


@corpus_group.command("stats")
@DB_OPTION
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows per ranked table.")
@click.option("--only", default=None, metavar="A,B", help="Only these tables (e.g. rating,romantic,gender).")
@click.option("--json", "as_json", is_flag=True, help="Print the tables as JSON.")
@_friendly_errors
def corpus_stats(db: Path, top: int, only: str | None, as_json: bool) -> None:
    """Print the corpus statistics: works by rating, warning, category, language and year,
    top fandoms, romantic and platonic pairings, tagged vs prominent characters, tag
    co-occurrence with lift, dialogue share by gender.

    \b
    Example:
      ficlens corpus stats --db fandom.duckdb --top 10
    """
    from .corpus.stats import corpus_stats as compute
    from .export.results import print_stat_tables, stat_tables_json

    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    tables = compute(db, top=top, names=names)
    if as_json:
        click.echo(stat_tables_json(tables))
    else:
        print_stat_tables(tables)


@corpus_group.command("export")
@DB_OPTION
@click.option("--parquet", "directory", type=click.Path(path_type=Path), required=True,
              help="Folder to write one .parquet file per table into.")
@_friendly_errors
def corpus_export(db: Path, directory: Path) -> None:
    """Write every table of the database as Parquet, for pandas, Polars or Spark.

    \b
    Example:
      ficlens corpus export --db fandom.duckdb --parquet fandom-parquet/
    """
    from .corpus.query import export_parquet

    for path in export_parquet(db, directory):
        click.echo(f"wrote {path}", err=True)


@corpus_group.command("report")
@DB_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The HTML file to write.")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True,
              help="Rows per ranked chart.")
@_friendly_errors
def corpus_report(db: Path, output: Path, top: int) -> None:
    """Write a self-contained HTML dashboard of the corpus statistics, with charts.

    \b
    Example:
      ficlens corpus report --db fandom.duckdb -o corpus.html
    """
    from .corpus.stats import corpus_stats as compute
    from .export.corpus_report import render_corpus_report

    _write_output(output, render_corpus_report(compute(db, top=top), title=db.stem))
    click.echo(f"wrote {output}", err=True)


def _write_output(path: Path, content: str) -> None:
    from .export.writers import write_text

    write_text(path, content)


if __name__ == "__main__":  # pragma: no cover
    main()
