"""The command line end to end: formats, exit codes, bad input, reruns, a killed run, and every
failure as one line on stderr."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import click
import pytest
from click.testing import CliRunner
from tests.conftest import SAMPLE

from storyline.cli import cli
from storyline.cli.options import common_options
from storyline.errors import ConfigError
from storyline.store import Store

MANIFEST = str(SAMPLE / "manifest.jsonl")


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.models
def test_brief_markdown_with_tally(tmp_path):
    result = _run("brief", str(SAMPLE), "--manifest", MANIFEST, "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Briefing: 8 articles, 2 events")
    assert "### Who said what" in result.stdout and "**conflict**" in result.stdout
    assert "8 articles, 2 events" in result.stderr and "0 failed" in result.stderr


@pytest.mark.models
def test_brief_json_and_html_to_file(tmp_path):
    db = str(tmp_path / "s.db")
    out = tmp_path / "b.json"
    assert (
        _run(
            "brief", str(SAMPLE), "--manifest", MANIFEST, "--db", db, "--format", "json", "-o", str(out), "-q"
        ).exit_code
        == 0
    )
    data = json.loads(out.read_text("utf-8"))
    assert data["schema_version"] == "1.0" and len(data["articles"]) == 8
    page = tmp_path / "b.html"
    assert (
        _run(
            "brief",
            str(SAMPLE),
            "--manifest",
            MANIFEST,
            "--db",
            db,
            "--format",
            "html",
            "-o",
            str(page),
            "-q",
        ).exit_code
        == 0
    )
    assert page.read_text("utf-8").startswith("<!doctype html>")


@pytest.mark.models
def test_bad_inputs_fail_alone_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((SAMPLE / "01_ledger_ministers.txt").read_text("utf-8"))
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "latin1.txt").write_bytes("Café crème".encode("latin-1") * 10)
    (folder / "lines.jsonl").write_text('{"text": "x"\n')
    (folder / "page.html").write_text("<html><body><nav>Home</nav></body></html>")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"file": "missing.txt", "published": "2024-01-01"}\n')
    result = _run(
        "brief",
        str(folder),
        str(tmp_path / "nope.txt"),
        "--manifest",
        str(manifest),
        "--db",
        str(tmp_path / "s.db"),
        "--format",
        "json",
    )
    assert result.exit_code == 0
    failures = json.loads(result.stdout)["failures"]
    assert len(failures) == 7, failures
    assert len(json.loads(result.stdout)["articles"]) == 1
    for line in (
        "file is empty",
        "binary",
        "not valid UTF-8",
        "invalid JSON",
        "no article text",
        "no such file",
        "matches no input file",
    ):
        assert line in result.stderr


@pytest.mark.models
def test_exit_status_when_nothing_is_readable_and_on_usage_error(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    assert _run("brief", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "s.db")).exit_code == 1
    assert _run("brief", "--format", "pdf", "x.txt").exit_code == 2
    assert _run("brief").exit_code == 2


@pytest.mark.models
def test_ingest_twice_then_query_the_store(tmp_path):
    db = str(tmp_path / "s.db")
    first = _run("ingest", str(SAMPLE), "--manifest", MANIFEST, "--db", db)
    assert "8 new" in first.stderr
    second = _run("ingest", str(SAMPLE), "--manifest", MANIFEST, "--db", db)
    assert "0 new, 8 in store" in second.stderr
    events = _run("events", "--db", db, "-q")
    assert events.exit_code == 0 and events.stdout.count("evt-") == 2
    quotes = _run("quotes", "--db", db, "--speaker", "varga", "--format", "json", "-q")
    rows = json.loads(quotes.stdout)
    # Her own quotes, and the statement she made jointly with Radek Vesely.
    assert {q["speaker"] for q in rows} == {"Ilse Varga", "Ilse Varga and Radek Vesely"}
    timeline = _run("timeline", "--db", db, "-q")
    assert "2025-05-20" in timeline.stdout


@pytest.mark.models
def test_a_killed_run_leaves_a_store_the_next_run_completes(tmp_path):
    db = tmp_path / "s.db"
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [p.read_text("utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    for i in range(40):  # distinct articles, so parsing takes a while
        (folder / f"{i:02}.txt").write_text(texts[i % len(texts)] + f"\nStory number {i} ends.")
    command = [sys.executable, "-m", "storyline", "brief", str(folder), "--db", str(db), "-q"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            with sqlite3.connect(db) as conn:
                done = conn.execute("SELECT COUNT(*) FROM stage_outputs WHERE stage='analysis'").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= 1:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with Store(db) as store:
        assert store.check() == []
        assert store.count_articles() == 40
    result = _run("brief", str(folder), "--db", str(db), "--format", "json", "-q")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["articles"]) == 40


@pytest.mark.models
def test_timeline_command_filters_and_cites(sample_db):
    db = str(sample_db)
    rows = json.loads(_run("timeline", "--db", db, "-q", "--format", "json").stdout)
    assert rows and all(r["cites"] and r["dated_by"] for r in rows)
    assert all(r["date_cites"] or r["dated_by"] in ("publication", "inferred", "event") for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    event = rows[0]["event_id"]
    one = json.loads(_run("timeline", "--db", db, "-q", "--format", "json", "--event", event).stdout)
    assert one and {r["event_id"] for r in one} == {event}
    late = json.loads(
        _run(
            "timeline", "--db", db, "-q", "--format", "json", "--since", "2025-01-01", "--until", "2025-12-31"
        ).stdout
    )
    assert late and all("2025" <= r["date"][:4] <= "2025" for r in late)
    text = _run("timeline", "--db", db, "-q", "--since", "2025-01-01").stdout
    assert "date: A" in text
    missing = CliRunner().invoke(cli, ["timeline", "--db", db, "-q", "--event", "evt-nope"])
    assert missing.exit_code != 0 and "no event" in missing.output


@pytest.mark.models
def test_timeline_command_prints_the_story_timeline_eval_tls_scores(sample_db):
    """`storyline timeline` is the briefing's corpus timeline: `story_timeline` over the
    store's articles, the function `storyline eval tls` scores; --days and --since rebuild it
    with that length and bound."""
    from storyline import pipeline
    from storyline.timeline.corpus import story_timeline

    db = str(sample_db)
    with Store(db) as store:
        briefing = pipeline.build_briefing(store, [a.id for a in store.articles()])
    rows = json.loads(_run("timeline", "--db", db, "-q", "--format", "json").stdout)
    assert [(r["date"], r["text"]) for r in rows] == [(t.date, t.text) for t in briefing.corpus_timeline]
    assert len({r["date"] for r in rows}) == len(rows)  # one sentence a day
    two = json.loads(_run("timeline", "--db", db, "-q", "--format", "json", "--days", "2").stdout)
    expected = story_timeline(briefing.articles, briefing.events, days=2)
    assert [(r["date"], r["text"]) for r in two] == [(t.date, t.text) for t in expected] and len(two) == 2
    late = json.loads(_run("timeline", "--db", db, "-q", "--format", "json", "--since", "2025-01-01").stdout)
    assert late and all(r["date"] >= "2025-01-01" for r in late)


@pytest.mark.models
def test_models_says_what_runs():
    result = _run("models")
    assert result.exit_code == 0
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert "parser" in lines["parse"] and "ner" in lines["parse"]
    assert lines["embeddings runtime"] == "onnxruntime"


def _storyline(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The installed command in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )


def _one_error_line(stderr: str) -> str:
    """The failure's message: stderr ends in exactly one `error:` line, and has no traceback."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr, stderr
    assert [line for line in lines if line.startswith("error: ")] == lines[-1:], stderr
    return lines[-1]


@pytest.fixture
def corrupt_store(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    return path


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["events", "--db", "{tmp}/notes.txt"], 1, "notes.txt: not a usable storyline store"),
        (["quotes", "--db", "{tmp}"], 2, "Invalid value for '--db'"),
        (["failures", "--db", "{tmp}/notes.txt"], 1, "not a usable storyline store"),
        (["brief", "x.txt", "--format", "nope"], 2, "'nope' is not one of 'html', 'json', 'md'"),
        (["brief", "x.txt", "--manifest", "{tmp}"], 2, "Invalid value for '--manifest'"),
        (["watch", "{tmp}/no-feeds.txt"], 2, "does not exist"),
        (["brief"], 2, "give PATHS or URLs"),
        (["nope"], 2, "No such command 'nope'"),
        (["timeline", "--db", "{tmp}/no-folder/s.db"], 1, "unable to open database file"),
    ],
)
def test_cli_failure_is_one_line_with_a_non_zero_exit(tmp_path, args, status, says):
    (tmp_path / "notes.txt").write_text("not a store\n")
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == status, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert says in result.stderr
    assert result.stdout == ""


def test_cli_a_missing_path_is_a_failure_line_then_one_error(tmp_path):
    result = CliRunner().invoke(cli, ["brief", str(tmp_path / "nope"), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed (ingest): no such file or folder: {tmp_path / 'nope'}",
        "error: no article could be read (1 failed)",
    ]


def test_cli_an_unreadable_manifest_is_reported_and_the_batch_goes_on(tmp_path):
    manifest, db = str(tmp_path / "gone.jsonl"), str(tmp_path / "s.db")
    result = CliRunner().invoke(cli, ["ingest", str(SAMPLE), "--manifest", manifest, "--db", db])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"failed (manifest): {tmp_path / 'gone.jsonl'}: cannot read file (No such file or directory)",
        "8 articles read, 8 new, 8 in store, 1 failed",
    ]


def test_cli_a_corrupt_store_is_one_line_and_debug_shows_the_traceback(corrupt_store):
    plain = _storyline("events", "--db", str(corrupt_store))
    assert plain.returncode == 1
    assert _one_error_line(plain.stderr) == (
        f"error: {corrupt_store}: not a usable storyline store (file is not a database); "
        "pass another --db file"
    )
    debug = _storyline("events", "--db", str(corrupt_store), "--debug")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "storyline.errors.StoreError" in debug.stderr


@click.command()
@click.option("--message", required=True)
@click.option("--kind", type=click.Choice(["config", "bug"]))
@common_options
def _failing(message, kind, quiet, verbose, debug):
    raise ConfigError(message) if kind == "config" else ZeroDivisionError(message)


def test_cli_config_error_is_one_line_even_when_its_message_is_not():
    message = "STORYLINE_PARSE_PROCESSES='two' is not a whole number;\n  set it to 1 or more"
    result = CliRunner().invoke(_failing, ["--kind", "config", "--message", message])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: STORYLINE_PARSE_PROCESSES='two' is not a whole number; set it to 1 or more\n"
    )


def test_cli_an_unforeseen_error_is_one_line_naming_its_type_and_debug_raises_it():
    result = CliRunner().invoke(_failing, ["--kind", "bug", "--message", "division by zero"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: ZeroDivisionError: division by zero (rerun with --debug for the traceback)\n"
    )
    debug = CliRunner().invoke(_failing, ["--kind", "bug", "--message", "division by zero", "--debug"])
    assert isinstance(debug.exception, ZeroDivisionError)


def test_cli_an_unwritable_output_fails_in_one_line_before_any_work(tmp_path):
    out = tmp_path / "no-folder" / "brief.md"
    db = tmp_path / "never-made.db"
    result = CliRunner().invoke(
        cli, ["brief", str(SAMPLE), "--manifest", MANIFEST, "--db", str(db), "-q", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert _one_error_line(result.stderr) == (
        f"error: cannot write {out}: there is no folder {out.parent}; create it or pass -o elsewhere"
    )
    assert not db.exists()  # nothing was read or briefed


def test_cli_an_output_that_is_a_folder_fails_in_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["brief", str(SAMPLE), "--db", str(tmp_path / "s.db"), "-q", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert _one_error_line(result.stderr).startswith("error: Invalid value for '-o' / '--output'")
    assert "is a directory" in result.stderr


@pytest.mark.models
def test_cli_a_failed_model_export_is_one_line(tmp_path):
    cache = tmp_path / "cache-is-a-file"
    cache.write_text("")
    result = _storyline("models", STORYLINE_CACHE=str(cache))
    assert result.returncode == 1
    error = _one_error_line(result.stderr)
    assert error.startswith("error: cannot export the attribution transformer to ")
    assert "set STORYLINE_CACHE to a writable folder" in error


STAGES = (
    "read",
    "clean",
    "analyze",
    "entities",
    "dedup",
    "dates",
    "events",
    "stories",
    "quotes",
    "groups",
    "summary",
    "claims",
    "timeline",
    "memo",
    "store",
    "render",
)


@pytest.mark.models
def test_brief_verbose_logs_each_stage_with_its_counts_and_time(tmp_path):
    result = _storyline(
        "brief", str(SAMPLE), "--manifest", MANIFEST, "--db", str(tmp_path / "s.db"), "-v", "-q"
    )
    assert result.returncode == 0, result.stderr
    logged = {}
    for line in result.stderr.splitlines():
        found = re.fullmatch(r"INFO storyline\.[\w.]+: stage (\w+): (.+) in (\d+\.\d\d) s", line)
        if found:
            logged[found[1]] = found[2]
    assert tuple(logged) == STAGES
    assert logged["clean"] == "8 articles from 8 documents, 8 new, 0 failed"
    [tally] = re.findall(r"(\d+) quotes, \d+ failed", result.stdout + result.stderr)[-1:]
    # the quotes the briefing shows; a new store: every article's quotes made
    assert logged["quotes"] == f"{tally} quotes from 8 articles; articles: 8 made, 0 from the store"
    assert logged["timeline"].endswith("events: 2 made, 0 from the store")
    assert logged["events"] == "2 events from 8 articles"
    assert logged["stories"] == "1 stories of 2 events"
