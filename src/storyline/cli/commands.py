"""The corpus commands: brief, ingest, watch, events, quotes, timeline, failures, serve, models."""

from __future__ import annotations

import ipaddress
import json
import logging
import sys
import time
import uuid
from pathlib import Path

import click

from storyline import nlp, pipeline
from storyline.cli.options import (
    EXIT_NO_ARTICLES,
    Group,
    check_output,
    common_options,
    db_option,
    fail,
    progress_for,
    report_failures,
    setup_logging,
    write,
)
from storyline.config import DEFAULTS, from_environment
from storyline.distributed import RayOptions
from storyline.errors import ConfigError, InputError, StorylineError
from storyline.ingest.remote import shown_source
from storyline.ingest.warc import WarcFilter
from storyline.ingest.web import FetchOptions
from storyline.models import Briefing
from storyline.render import RENDERERS, briefing_to_dict, tally
from storyline.render.json import timeline_entry_to_dict
from storyline.render.markdown import article_labels, cite_label, date_note
from storyline.serialize import to_dict
from storyline.store import Store, default_db_path
from storyline.timeline import corpus as corpus_timeline
from storyline.timeline import entries as timeline_stage

log = logging.getLogger(__name__)


def _source_options(func):
    """The options that say where articles come from, shared by `brief` and `ingest`."""
    options = [
        click.option(
            "--manifest",
            type=click.Path(dir_okay=False),
            help="JSONL of file, published, outlet, title, url.",
        ),
        click.option(
            "--urls",
            "urls_file",
            type=click.Path(dir_okay=False, exists=True),
            help="A file of URLs to fetch, one per line.",
        ),
        click.option(
            "--feed",
            "feeds",
            multiple=True,
            metavar="URL",
            help="An RSS or Atom feed whose new entries are fetched (repeatable).",
        ),
        click.option(
            "--allow-private", is_flag=True, help="Let URLs reach private, loopback and link-local addresses."
        ),
        click.option(
            "--warc-host",
            "warc_hosts",
            multiple=True,
            metavar="HOST",
            help="Only WARC records from this host or its subdomains (repeatable).",
        ),
        click.option(
            "--warc-since",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Only WARC records captured on or after this date.",
        ),
        click.option(
            "--warc-until",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Only WARC records captured on or before this date.",
        ),
        click.option(
            "--max-bytes",
            type=int,
            default=DEFAULTS.ingest.max_bytes,
            show_default=True,
            help="Refuse files, pages and WARC records larger than this.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _ingest_options(
    manifest, urls_file, feeds, allow_private, warc_hosts, warc_since, warc_until, max_bytes
) -> dict:
    return {
        "manifest": manifest,
        "urls_file": urls_file,
        "feeds": tuple(feeds),
        "max_bytes": max_bytes,
        "fetch_options": FetchOptions(max_bytes=max_bytes, allow_private=allow_private),
        "warc_filter": WarcFilter(
            hosts=frozenset(h.lower() for h in warc_hosts),
            since=warc_since.date() if warc_since else None,
            until=warc_until.date() if warc_until else None,
        ),
    }


def _require_sources(paths, urls_file, feeds) -> None:
    if not (paths or urls_file or feeds):
        raise click.UsageError("give PATHS or URLs, or --urls FILE, or --feed URL")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storyline")
def cli() -> None:
    """storyline: turn news articles from many outlets into a cited briefing.

    Example: storyline brief examples/sample --manifest examples/sample/manifest.jsonl
    """
    try:
        from_environment()  # a bad STORYLINE_* value stops any command in one line, before work
    except ConfigError as e:
        fail(e, debug=False)


@cli.command()
@click.argument("paths", nargs=-1)
@_source_options
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@db_option
@common_options
def brief(paths, fmt, output, db, quiet, verbose, debug, **sources) -> None:
    """Ingest PATHS (files or folders of .txt, .html, .jsonl, .warc.gz, or http(s) URLs) and
    print a cited briefing.

    Example: storyline brief seeds/ --manifest seeds/manifest.jsonl --format html -o brief.html
    """
    setup_logging(verbose)
    _require_sources(paths, sources["urls_file"], sources["feeds"])
    try:
        check_output(output)
        briefing = pipeline.brief(
            paths, db=db or default_db_path(), progress=progress_for(quiet), **_ingest_options(**sources)
        )
    except StorylineError as e:
        fail(e, debug)
    report_failures(briefing.failures)
    if not briefing.articles:
        click.echo(f"error: no article could be read ({len(briefing.failures)} failed)", err=True)
        sys.exit(EXIT_NO_ARTICLES)
    started = time.perf_counter()
    text = RENDERERS[fmt](briefing)
    try:
        write(text, output)
    except StorylineError as e:
        fail(e, debug)
    log.info(
        "stage render: %s, %d characters to %s in %.2f s",
        fmt,
        len(text),
        output or "stdout",
        time.perf_counter() - started,
    )
    if not quiet:
        click.echo(tally(briefing), err=True)


@cli.command()
@click.argument("paths", nargs=-1)
@_source_options
@click.option(
    "--ray",
    "ray_address",
    metavar="ADDRESS",
    help="Clean, parse and tag the articles on this Ray cluster (auto, or HOST:PORT); "
    "needs pip install 'storyline[ray]'.",
)
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False),
    help="With --ray: the new folder the per-article results are written to as Parquet "
    "[default: a new storyline-ray-* folder beside the store].",
)
@db_option
@common_options
def ingest(paths, db, quiet, verbose, debug, ray_address, parquet_dir, **sources) -> None:
    """Add articles to the store without briefing them (a no-op for articles already there).

    PATHS are files or folders (.txt, .html, .jsonl, .warc.gz) or http(s) URLs. With --ray, the
    articles are also parsed and tagged on a Ray cluster, so a later brief starts from that work.

    Example: storyline ingest more-articles/ https://example.com/story.html --db story.db
    """
    setup_logging(verbose)
    _require_sources(paths, sources["urls_file"], sources["feeds"])
    if parquet_dir and not ray_address:
        raise click.UsageError("--parquet goes with --ray ADDRESS")
    db_path = Path(db or default_db_path())
    ray = None
    if ray_address:
        folder = Path(parquet_dir or db_path.parent / f"storyline-ray-{uuid.uuid4().hex[:12]}")
        ray = RayOptions(address=ray_address, output=folder, progress=not quiet)
    try:
        with Store(db_path) as store:
            result = pipeline.ingest(
                paths, store, progress=progress_for(quiet), ray=ray, **_ingest_options(**sources)
            )
            store.add_failures(uuid.uuid4().hex, result.failures)
            total = store.count_articles()
    except StorylineError as e:
        fail(e, debug)
    report_failures(result.failures)
    if not quiet:
        click.echo(
            f"{len(result.article_ids)} articles read, {result.added} new, "
            f"{total} in store, {len(result.failures)} failed",
            err=True,
        )
    if not result.article_ids:
        sys.exit(EXIT_NO_ARTICLES)


def _interval(value: str) -> float:
    """Seconds in '90s', '15m', '2h' or a bare number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (value[:-1], value[-1]) if value[-1:].lower() in units else (value, "s")
    try:
        seconds = float(number) * units[unit.lower()]
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an interval such as 90s, 15m or 2h") from None
    if seconds < 60:
        raise click.BadParameter("poll a feed at most once a minute (--every 1m or more)")
    return seconds


@cli.command()
@click.argument("feeds_file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--every", default=DEFAULTS.ingest.watch_every, show_default=True, help="How often to poll: 15m, 1h, ..."
)
@click.option("--rounds", type=int, help="Stop after this many polls (default: run until stopped).")
@click.option(
    "--allow-private", is_flag=True, help="Let URLs reach private, loopback and link-local addresses."
)
@click.option("--max-bytes", type=int, default=DEFAULTS.ingest.max_bytes, show_default=True)
@db_option
@common_options
def watch(feeds_file, every, rounds, allow_private, max_bytes, db, quiet, verbose, debug) -> None:
    """Keep a corpus current: poll the feeds listed in FEEDS_FILE (one URL per line) and ingest
    their new entries, until stopped with Ctrl-C.

    Example: storyline watch feeds.txt --every 15m --db story.db
    """
    from storyline.ingest.remote import read_url_list

    setup_logging(verbose)
    seconds = _interval(every)
    try:
        feeds = read_url_list(feeds_file)
    except StorylineError as e:
        fail(e, debug)
    options = FetchOptions(max_bytes=max_bytes, allow_private=allow_private)
    done = 0
    try:
        while rounds is None or done < rounds:
            if done:
                time.sleep(seconds)
            try:
                with Store(db or default_db_path()) as store:
                    result = pipeline.ingest([], store, feeds=feeds, fetch_options=options)
                    store.add_failures(uuid.uuid4().hex, result.failures)
            except StorylineError as e:
                click.echo(f"error: {e}", err=True)  # a bad round is reported; the watch goes on
            else:
                report_failures(result.failures)
                if not quiet:
                    click.echo(
                        f"{time.strftime('%H:%M:%S')} {len(feeds)} feeds: {result.added} new "
                        f"articles, {len(result.failures)} failed",
                        err=True,
                    )
            done += 1
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def _store_briefing(db: str | None, quiet: bool, debug: bool) -> Briefing:
    try:
        with Store(db or default_db_path()) as store:
            ids = [a.id for a in store.articles()]
            if not ids:
                click.echo("error: the store has no articles; add some with `storyline ingest`", err=True)
                sys.exit(EXIT_NO_ARTICLES)
            return pipeline.build_briefing(store, ids, progress=progress_for(quiet))
    except StorylineError as e:
        fail(e, debug)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@db_option
@common_options
def events(fmt, db, quiet, verbose, debug) -> None:
    """List the events of every article in the store, with dates and sources.

    Example: storyline events --db story.db --format json
    """
    setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    if fmt == "json":
        write(json.dumps(briefing_to_dict(briefing)["events"], ensure_ascii=False, indent=2), None)
        return
    by_id = {a.id: a for a in briefing.articles}
    for event in briefing.events:
        click.echo(
            f"{event.id}  {event.date or 'undated':10}  {len(event.article_ids)} articles  {event.title}"
        )
        for aid in event.article_ids:
            article = by_id[aid]
            click.echo(
                f"    {article.outlet or 'unnamed outlet'}: {article.title or shown_source(article.source)}"
            )


def _words(quote: dict) -> str:
    """A JSON quote's words, its pieces joined by an ellipsis (without the attribution)."""
    if not quote["parts"]:
        return quote["text"]
    return " … ".join(
        quote["text"][p["start"] - quote["start"] : p["end"] - quote["start"]] for p in quote["parts"]
    )


@cli.command()
@click.option("--speaker", help="Only quotes whose speaker contains this text (case-insensitive).")
@click.option("--event", "event_id", help="Only quotes from this event id.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@db_option
@common_options
def quotes(speaker, event_id, fmt, db, quiet, verbose, debug) -> None:
    """Who said what across the store, grouped by speaker.

    Example: storyline quotes --speaker Zelensky
    """
    setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    rows = briefing_to_dict(briefing)["quotes"]
    if speaker:
        rows = [q for q in rows if q["speaker"] and speaker.lower() in q["speaker"].lower()]
    if event_id:
        rows = [q for q in rows if q["event_id"] == event_id]
    if fmt == "json":
        write(json.dumps(rows, ensure_ascii=False, indent=2), None)
        return
    groups: dict[str, list[dict]] = {}
    for q in rows:
        groups.setdefault(q["speaker"] or "(unattributed)", []).append(q)
    for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        click.echo(f"{name} ({len(items)})")
        said: dict[str, list[dict]] = {}
        for q in items:
            said.setdefault(q["group_id"] or q["id"], []).append(q)
        for utterance in said.values():
            q = utterance[0]
            click.echo(f"    [{q['kind']}, {q['cue'] or '-'}] {_words(q)}")
            for other in utterance[1:]:  # one utterance as other articles report it
                wording = "same words" if _words(other) == _words(q) else f"“{_words(other)}”"
                click.echo(f"        also in {other['article_id']}: {wording}")


@cli.command()
@click.option(
    "--event",
    "event_id",
    help="That event's own timeline, every dated fact (see `storyline events`), in place of the story's.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only days on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only days on or before this day (YYYY-MM-DD).",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help=f"Days in the story's timeline  [default: {DEFAULTS.corpus_timeline.days}]",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@db_option
@common_options
def timeline(event_id, since, until, days, fmt, db, quiet, verbose, debug) -> None:
    """The story's timeline across the store: the days that mattered, each told by one cited
    sentence, with the words that date it. It is the timeline `storyline eval tls` scores;
    --since and --until bound the days it chooses from, as the evaluation bounds them by its
    reference. With --event, that event's timeline instead: each of its facts at the date it
    happened.

    Example: storyline timeline --db story.db --since 2023-04-01 --format json
    """
    setup_logging(verbose)
    briefing = _store_briefing(db, quiet, debug)
    if event_id and event_id not in {e.id for e in briefing.events}:
        fail(InputError(f"no event {event_id!r} in the store; list them with `storyline events`"), debug)
    start, end = (since.date() if since else None), (until.date() if until else None)
    if event_id:
        entries = timeline_stage.select_entries(briefing.timeline, event_id=event_id, since=start, until=end)
    elif start or end or days:
        entries = corpus_timeline.story_timeline(
            briefing.articles,
            briefing.events,
            days=days or DEFAULTS.corpus_timeline.days,
            start=start,
            end=end,
        )
    else:
        entries = list(briefing.corpus_timeline)
    if fmt == "json":
        rows = [timeline_entry_to_dict(entry) for entry in entries]
        write(json.dumps(rows, ensure_ascii=False, indent=2), None)
        return
    labels = article_labels(briefing)
    for entry in entries:
        cites = ", ".join(cite_label(c, labels) for c in entry.cites)
        click.echo(
            f"{entry.date:10}  {entry.text}  [{cites}; {date_note(entry, labels)}]  ({entry.event_id})"
        )


@cli.command()
@db_option
@common_options
def failures(db, quiet, verbose, debug) -> None:
    """The items that failed in the latest run that had failures.

    Example: storyline failures --db story.db
    """
    setup_logging(verbose)
    with Store(db or default_db_path()) as store:
        for failure in store.failures():
            click.echo(json.dumps(to_dict(failure), ensure_ascii=False))


_LOOPBACK_NAMES = ("localhost",)  # as they appear in a Host header; IP literals are always answered


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address (all of 127.0.0.0/8, ::1) or `localhost`."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _answered_hosts(host: str, allowed: tuple[str, ...]) -> list[str]:
    """The host names (besides IP addresses) `serve` answers to, whatever it listens on and
    with or without a token: `localhost` and those allowed, so that a page that rebinds its own
    domain to this server's address cannot read the store through a visitor's browser."""
    return [*dict.fromkeys([*_LOOPBACK_NAMES, *allowed])]


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback needs a token.",
)
@click.option("--port", type=int, default=DEFAULTS.web.port, show_default=True)
@click.option(
    "--token",
    default=None,
    help="Required for changes (uploads) [env: STORYLINE_TOKEN]; needed off loopback.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where uploads are written (default: storyline-data beside the store).",
)
@click.option("--max-upload-bytes", type=int, default=DEFAULTS.ingest.max_bytes, show_default=True)
@click.option(
    "--allow-private", is_flag=True, help="Let pasted URLs reach private, loopback and link-local addresses."
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name the server answers to (repeatable); IP addresses and localhost are always "
    "answered, other names only when allowed.",
)
@db_option
@common_options
def serve(
    host, port, token, data_dir, max_upload_bytes, allow_private, allowed_hosts, db, quiet, verbose, debug
) -> None:
    """Browse the store in a web browser: events, articles, entities, quotes; add articles.

    Example: storyline serve --db story.db --port 8000
    """
    import uvicorn

    from storyline.web import create_app

    setup_logging(verbose)
    token = token or from_environment().web.token
    if not is_loopback(host) and not token:
        raise click.UsageError(
            f"--host {host} is reachable from other machines: set --token "
            "or STORYLINE_TOKEN so that only you can add articles"
        )
    try:
        app = create_app(
            db or default_db_path(),
            data_dir=data_dir,
            token=token,
            max_upload_bytes=max_upload_bytes,
            allow_private=allow_private,
            allowed_hosts=_answered_hosts(host, allowed_hosts),
        )
        if not quiet:
            click.echo("preparing the briefing of the store...", err=True)
        app.state.storyline.current()
    except StorylineError as e:
        fail(e, debug)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"storyline: serving {db or default_db_path()} at http://{shown}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info" if verbose else "warning")


@cli.command()
@common_options
def models(quiet, verbose, debug) -> None:
    """Show the NLP models storyline runs, loading them (the first call exports the embedding
    model and the quote tagger's transformer to ONNX in the cache, some seconds once).

    Example: storyline models
    """
    setup_logging(verbose)
    try:
        described = nlp.describe_models()
    except StorylineError as e:
        fail(e, debug)
    for key, value in described.items():
        click.echo(f"{key}: {value}")
