"""The command line: one thin command per verb over the Python API."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click
from tqdm import tqdm

from storyline import pipeline
from storyline.errors import StorylineError
from storyline.ingest.files import DEFAULT_MAX_BYTES
from storyline.models import Briefing
from storyline.render import RENDERERS, briefing_to_dict, tally
from storyline.serialize import to_dict
from storyline.store import Store, default_db_path

EXIT_NO_ARTICLES = 1


def _progress_for(quiet: bool) -> pipeline.Progress:
    def progress(items: Iterable, label: str, total: int) -> Iterable:
        if quiet or total < 2:
            return items
        return tqdm(items, desc=label, total=total, file=sys.stderr, leave=False,
                    disable=None, unit="batch" if label in ("parse", "embed") else "doc")
    return progress


def _db_option(func):
    return click.option("--db", type=click.Path(dir_okay=False), default=None,
                        help="SQLite store (default: $STORYLINE_DB or ./storyline.db).")(func)


def _common(func):
    func = click.option("-q", "--quiet", is_flag=True, help="No progress bars or tally.")(func)
    func = click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")(func)
    return click.option("--debug", is_flag=True, help="Show tracebacks on errors.")(func)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("sentence_transformers", "transformers", "httpx", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


def _fail(error: Exception, debug: bool) -> NoReturn:
    if debug:
        raise error
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_NO_ARTICLES)


def _report_failures(failures) -> None:
    for failure in failures:
        click.echo(f"failed ({failure.stage}): {failure.message}", err=True)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storyline")
def cli() -> None:
    """storyline: turn news articles from many outlets into a cited briefing.

    Example: storyline brief examples/sample --manifest examples/sample/manifest.jsonl
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="JSONL of file, published, outlet, title, url.")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="md",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse input files larger than this.")
@_db_option
@_common
def brief(paths, manifest, fmt, output, max_bytes, db, quiet, verbose, debug) -> None:
    """Ingest PATHS (files or folders of .txt, .html, .jsonl) and print a cited briefing.

    Example: storyline brief seeds/ --manifest seeds/manifest.jsonl --format html -o brief.html
    """
    _setup_logging(verbose)
    try:
        briefing = pipeline.brief(paths, db=db or default_db_path(), manifest=manifest,
                                  max_bytes=max_bytes, progress=_progress_for(quiet))
    except StorylineError as e:
        _fail(e, debug)
    _report_failures(briefing.failures)
    if not briefing.articles:
        click.echo(f"error: no article could be read ({len(briefing.failures)} failed)", err=True)
        sys.exit(EXIT_NO_ARTICLES)
    _write(RENDERERS[fmt](briefing), output)
    if not quiet:
        click.echo(tally(briefing), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="JSONL of file, published, outlet, title, url.")
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True)
@_db_option
@_common
def ingest(paths, manifest, max_bytes, db, quiet, verbose, debug) -> None:
    """Add articles to the store without briefing them (a no-op for articles already there).

    Example: storyline ingest more-articles/ --db story.db
    """
    _setup_logging(verbose)
    try:
        with Store(db or default_db_path()) as store:
            result = pipeline.ingest(paths, store, manifest=manifest, max_bytes=max_bytes,
                                     progress=_progress_for(quiet))
            store.add_failures(uuid.uuid4().hex, result.failures)
            total = store.count_articles()
    except StorylineError as e:
        _fail(e, debug)
    _report_failures(result.failures)
    if not quiet:
        click.echo(f"{len(result.article_ids)} articles read, {result.added} new, "
                   f"{total} in store, {len(result.failures)} failed", err=True)
    if not result.article_ids:
        sys.exit(EXIT_NO_ARTICLES)


def _store_briefing(db: str | None, quiet: bool, debug: bool) -> Briefing:
    try:
        with Store(db or default_db_path()) as store:
            ids = [a.id for a in store.articles()]
            if not ids:
                click.echo("error: the store has no articles; add some with `storyline ingest`",
                           err=True)
                sys.exit(EXIT_NO_ARTICLES)
            return pipeline.build_briefing(store, ids, progress=_progress_for(quiet))
    except StorylineError as e:
        _fail(e, debug)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@_db_option
@_common
def events(fmt, db, quiet, verbose, debug) -> None:
    """List the events of every article in the store, with dates and sources.

    Example: storyline events --db story.db --format json
    """
    _setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    if fmt == "json":
        _write(json.dumps(briefing_to_dict(briefing)["events"], ensure_ascii=False, indent=2), None)
        return
    by_id = {a.id: a for a in briefing.articles}
    for event in briefing.events:
        click.echo(f"{event.id}  {event.date or 'undated':10}  {len(event.article_ids)} articles  "
                   f"{event.title}")
        for aid in event.article_ids:
            article = by_id[aid]
            click.echo(f"    {article.outlet or 'unnamed outlet'}: {article.title or article.source}")


@cli.command()
@click.option("--speaker", help="Only quotes whose speaker contains this text (case-insensitive).")
@click.option("--event", "event_id", help="Only quotes from this event id.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@_db_option
@_common
def quotes(speaker, event_id, fmt, db, quiet, verbose, debug) -> None:
    """Who said what across the store, grouped by speaker.

    Example: storyline quotes --speaker Zelensky
    """
    _setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    rows = briefing_to_dict(briefing)["quotes"]
    if speaker:
        rows = [q for q in rows if q["speaker"] and speaker.lower() in q["speaker"].lower()]
    if event_id:
        rows = [q for q in rows if q["event_id"] == event_id]
    if fmt == "json":
        _write(json.dumps(rows, ensure_ascii=False, indent=2), None)
        return
    groups: dict[str, list[dict]] = {}
    for q in rows:
        groups.setdefault(q["speaker"] or "(unattributed)", []).append(q)
    for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        click.echo(f"{name} ({len(items)})")
        for q in items:
            click.echo(f"    [{q['kind']}, {q['cue'] or '-'}] {q['text']}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@_db_option
@_common
def timeline(fmt, db, quiet, verbose, debug) -> None:
    """A dated, cited list of what happened across the store.

    Example: storyline timeline --db story.db
    """
    _setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    rows = sorted(briefing_to_dict(briefing)["timeline"], key=lambda t: t["date"])
    if fmt == "json":
        _write(json.dumps(rows, ensure_ascii=False, indent=2), None)
        return
    for entry in rows:
        click.echo(f"{entry['date']:10}  {entry['text']}  ({len(entry['cites'])} sources)")


@cli.group(name="eval")
def eval_group() -> None:
    """Score storyline on labelled data, beside a peer tool, in one run.

    Example: storyline eval quotes ../shared/data/polnear --split dev
    """


@eval_group.command(name="quotes")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--split", default="dev", show_default=True, help="PolNeAR split: train or dev.")
@click.option("--limit", type=int, help="Only the first N documents.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@_common
def eval_quotes(data_dir, split, limit, fmt, quiet, verbose, debug) -> None:
    """Quote attribution on PolNeAR: content, source and cue P/R/F1, storyline beside textacy.

    Example: storyline eval quotes ../shared/data/polnear --split dev
    """
    from storyline.evaluate.quotes import evaluate_quotes, render_table

    _setup_logging(verbose)
    try:
        result = evaluate_quotes(data_dir, split=split, limit=limit)
    except StorylineError as e:
        _fail(e, debug)
    _write(json.dumps(result, indent=2) if fmt == "json" else render_table(result), None)


@cli.command()
@_db_option
def failures(db) -> None:
    """The items that failed in the latest run that had failures.

    Example: storyline failures --db story.db
    """
    with Store(db or default_db_path()) as store:
        for failure in store.failures():
            click.echo(json.dumps(to_dict(failure), ensure_ascii=False))


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs a token.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", envvar="STORYLINE_TOKEN", default=None,
              help="Required for changes (uploads) [env: STORYLINE_TOKEN]; needed off loopback.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Where uploads are written (default: storyline-data beside the store).")
@click.option("--max-upload-bytes", type=int, default=10 * 2**20, show_default=True)
@_db_option
@_common
def serve(host, port, token, data_dir, max_upload_bytes, db, quiet, verbose, debug) -> None:
    """Browse the store in a web browser: events, articles, entities, quotes; add articles.

    Example: storyline serve --db story.db --port 8000
    """
    import uvicorn

    from storyline.web import create_app

    _setup_logging(verbose)
    if host not in _LOOPBACK and not token:
        raise click.UsageError(f"--host {host} is reachable from other machines: set --token "
                               "or STORYLINE_TOKEN so that only you can add articles")
    try:
        app = create_app(db or default_db_path(), data_dir=data_dir, token=token,
                         max_upload_bytes=max_upload_bytes)
        if not quiet:
            click.echo("preparing the briefing of the store...", err=True)
        app.state.storyline.current()
    except StorylineError as e:
        _fail(e, debug)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"storyline: serving {db or default_db_path()} at http://{shown}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info" if verbose else "warning")


def main() -> None:
    cli(prog_name="storyline")


__all__ = ["cli", "main"]
