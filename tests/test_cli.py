"""The command line end to end: formats, exit codes, bad input, reruns, a killed run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from tests.conftest import SAMPLE

from storyline.cli import cli
from storyline.store import Store

pytestmark = pytest.mark.models
MANIFEST = str(SAMPLE / "manifest.jsonl")


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_brief_markdown_with_tally(tmp_path):
    result = _run("brief", str(SAMPLE), "--manifest", MANIFEST, "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Briefing: 8 articles, 2 events")
    assert "### Who said what" in result.stdout and "**conflict**" in result.stdout
    assert "8 articles, 2 events" in result.stderr and "0 failed" in result.stderr


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


def test_exit_status_when_nothing_is_readable_and_on_usage_error(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    assert _run("brief", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "s.db")).exit_code == 1
    assert _run("brief", "--format", "pdf", "x.txt").exit_code == 2
    assert _run("brief").exit_code == 2


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


def test_models_says_what_runs():
    result = _run("models")
    assert result.exit_code == 0
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert "parser" in lines["parse"] and "ner" in lines["parse"]
    assert lines["embeddings runtime"] == "onnxruntime"
