"""Faults and abuse, on real processes and real SQLite files: each case of issue 18 (a text
spaCy refuses, racing migrations, binary junk, huge JSONL lines, killed runs) must end as a
one-line failure of the item at fault, never a crash, a poisoned store or a lost record."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import SAMPLE, make_article

from storyline import nlp, pipeline
from storyline.clean import article_id
from storyline.config import DEFAULTS
from storyline.ingest import read_documents
from storyline.models import Failure, RawDocument
from storyline.nlp import split_text
from storyline.store import SCHEMA_VERSION, Store
from storyline.store.migrations import MIGRATIONS
from storyline.web.server import free_port

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", **extra}


_OPEN_AT = """
import sys, time
from storyline.store import Store
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
Store(sys.argv[1]).close()
"""


@pytest.mark.slow
def test_migration_two_processes_creating_one_store_both_succeed(tmp_path):
    for trial in range(6):
        path = tmp_path / f"race-{trial}.db"
        start = time.time() + 1.0  # both past their imports, then opening in the same instant
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN_AT, str(path), str(start)],
                env=_env(),
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        errors = [run.communicate(timeout=60)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], errors
        with Store(path) as store:
            assert store.check() == []
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- 1. a text over spaCy's limit -----------------------------------------------------------------


def _long_text() -> str:
    """Over spaCy's 1,000,000 characters but cheap to parse: few, long words."""
    paragraphs = [f"The minister said on Monday that plan {i} was {'x' * 4000}." for i in range(250)]
    return "Long report\n\n" + "\n\n".join(paragraphs) + "\n"


def test_split_text_covers_the_text_with_pieces_cut_after_blank_lines():
    text = "".join(f"Paragraph {i} says something. And more.\n\n" for i in range(200))
    pieces = split_text(text, 500)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in zip(pieces, pieces[1:], strict=False))
    assert all(0 < end - start <= 500 for start, end in pieces)
    assert all(text[end - 2 : end] == "\n\n" for _, end in pieces[:-1])


def test_split_text_cuts_one_huge_line_after_sentences_then_words_then_anywhere():
    sentences = "The talks went on. " * 100
    assert all(sentences[e - 2 : e] == ". " for _, e in split_text(sentences, 300)[:-1])
    words = "word " * 200
    assert all(words[e - 1] == " " for _, e in split_text(words, 300)[:-1])
    blob = "x" * 1000
    assert split_text(blob, 300) == [(0, 300), (300, 600), (600, 900), (900, 1000)]


@pytest.mark.models
def test_analyze_stream_in_pieces_gives_spans_into_the_whole_text():
    text = "".join(
        f"Kuleba met Wang Yi in Kyiv on Monday, meeting {i}.\n\n\u201cWe agreed,\u201d Kuleba said.\n\n"
        for i in range(12)
    )
    article = make_article(text)
    (whole,) = nlp.analyze_stream([article])
    (pieced,) = nlp.analyze_stream([article], piece_chars=300)
    assert [(s.start, s.end) for s in pieced.sentences] == [(s.start, s.end) for s in whole.sentences]
    assert [(m.start, m.end, m.text) for m in pieced.mentions] == [
        (m.start, m.end, m.text) for m in whole.mentions
    ]
    words = [(t.start, t.end, t.dep, t.sent) for t in pieced.tokens if text[t.start : t.end].strip()]
    assert words == [(t.start, t.end, t.dep, t.sent) for t in whole.tokens if text[t.start : t.end].strip()]
    for token in pieced.tokens:
        head = pieced.tokens[token.head]
        assert head.sent == token.sent and pieced.tokens[token.i] == token


@pytest.mark.models
def test_analyze_stream_turns_a_text_spacy_refuses_into_a_failure_of_that_article():
    good = make_article("Kuleba met Wang Yi in Kyiv on Monday.", source="good.txt")
    huge = make_article(_long_text(), source="long.txt")
    results = list(nlp.analyze_stream([good, huge, good], piece_chars=2_000_000))  # one piece: E088
    assert [type(r).__name__ for r in results] == ["Analysis", "Failure", "Analysis"]
    assert results[1].source == "long.txt" and results[1].stage == "parse"
    assert "E088" in results[1].message and "\n" not in results[1].message


@pytest.mark.models
def test_build_briefing_leaves_out_an_article_that_cannot_be_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(nlp, "PIECE_CHARS", 2_000_000)  # a limit over spaCy's own: E088 again
    good = (SAMPLE / "05_wire_treaty.txt").read_text("utf-8")
    with Store(tmp_path / "s.db") as store:
        for article in (make_article(good, source="good.txt"), make_article(_long_text(), source="long.txt")):
            store.add_article(article)
        ids = [a.id for a in store.articles()]
        for _ in range(2):  # the second comes from the stored briefing
            briefing = pipeline.build_briefing(store, ids)
            assert [a.source for a in briefing.articles] == ["good.txt"]
            assert [(f.source, f.stage) for f in briefing.failures] == [("long.txt", "parse")]
        assert [f.source for f in store.failures()] == ["long.txt"]


def _storyline(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.models
def test_brief_of_an_article_over_a_million_characters_leaves_the_store_usable(tmp_path):
    (tmp_path / "long.txt").write_text(_long_text(), "utf-8")
    (tmp_path / "good.txt").write_text((SAMPLE / "05_wire_treaty.txt").read_text("utf-8"), "utf-8")
    db = str(tmp_path / "s.db")
    run = _storyline(
        "brief", str(tmp_path / "long.txt"), str(tmp_path / "good.txt"), "--db", db, "--format", "json"
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["events"] and "2 articles" in run.stderr and "0 failed" in run.stderr
    with Store(db) as store:
        (article,) = [a for a in store.articles() if a.source.endswith("long.txt")]
        analysis = nlp.analysis_from_json(store.get_output("analysis", article.id, nlp.ANALYSIS_VERSION))
    assert len(article.text) > 1_000_000 and analysis.sentences[-1].end <= len(article.text)
    assert article.text[analysis.sentences[-1].start :].startswith(
        "The minister said on Monday that plan 249"
    )
    for command in ("events", "quotes", "timeline"):
        run = _storyline(command, "--db", db)
        assert run.returncode == 0, f"{command}: {run.stderr}"


# -- 4. binary junk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bomb.html", gzip.compress(b"<html><body>" + b"A" * 200_000 + b"</body></html>"), "gzip"),
        ("archive.txt", b"PK\x03\x04" + os.urandom(3000), "zip"),
        ("noise.html", bytes(range(128, 256)) * 40, "binary"),
    ],
)
def test_read_documents_refuses_binary_content_whatever_its_name(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    (failure,) = read_documents(path)
    assert isinstance(failure, Failure) and kind in failure.message and name in failure.message


def test_ingest_of_a_gzip_bomb_named_html_stores_nothing_and_says_why(tmp_path):
    bomb = tmp_path / "bomb.html"
    bomb.write_bytes(gzip.compress(b"<p>" + b"x" * 1_000_000 + b"</p>"))
    run = _storyline("ingest", str(bomb), "--db", str(tmp_path / "s.db"))
    assert run.returncode != 0 and "bomb.html: a gzip file, not text or HTML" in run.stderr
    with Store(tmp_path / "s.db") as store:
        assert store.count_articles() == 0


# -- 5. a JSONL record over the limit -------------------------------------------------------------


def _record(i: int) -> bytes:
    text = f"Report {i}\n\nThe ministers met in Geneva on Monday, officials said, for talks number {i}."
    return json.dumps({"text": text, "title": f"Report {i}"}).encode() + b"\n"


def test_jsonl_line_over_the_limit_fails_alone_and_keeps_the_records_beside_it(tmp_path):
    path = tmp_path / "batch.jsonl"
    huge = json.dumps({"text": "word " * 4_000_000}).encode() + b"\n"  # 20 MB
    path.write_bytes(_record(1) + _record(2) + huge + _record(4))
    results = read_documents(path, max_bytes=10 * 2**20)
    assert [r.title for r in results if isinstance(r, RawDocument)] == ["Report 1", "Report 2", "Report 4"]
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure.source == f"{path}:3" and "record larger than 10.5 MB" in failure.message


def test_jsonl_file_over_the_limit_is_read_when_each_record_fits(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"".join(_record(i) for i in range(40)))
    results = read_documents(path, max_bytes=1000)
    assert len(results) == 40 and all(isinstance(r, RawDocument) for r in results)


# -- 6. parse workers outliving a killed run ------------------------------------------------------

PLACES = ("Dravik", "Valmora", "Geneva", "Brena", "Tarn delta", "Kyiv", "Oslo", "Cairo")


def synthetic_corpus(folder: Path, count: int) -> Path:
    """`count` small articles made from the sample's, each with its own title, lead and order
    of paragraphs, so that no two are the same article."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = [p.read_text("utf-8").splitlines() for p in sorted(SAMPLE.glob("*.txt"))]
    for i in range(count):
        lines = samples[i % len(samples)]
        body = [line for line in lines[1:] if line.strip()]
        shift = i % max(len(body), 1)
        place = PLACES[i % len(PLACES)]
        lead = f"Officials in {place} said on day {i} that the {i}th round of talks would follow."
        text = "\n".join([f"{lines[0]} ({place}, report {i})", lead, *body[shift:], *body[:shift]])
        (folder / f"{i:04d}.txt").write_text(text + "\n", "utf-8")
    return folder


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.models
@pytest.mark.parametrize("signum", [9, 15])
def test_parse_workers_exit_when_their_brief_is_killed(tmp_path, signum):
    corpus = synthetic_corpus(tmp_path / "corpus", DEFAULTS.models.parallel_parse_from + 40)
    run = subprocess.Popen(
        [sys.executable, "-m", "storyline", "brief", str(corpus), "--db", str(tmp_path / "s.db"), "-q"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 240
        workers: set[int] = set()
        while len(workers) < DEFAULTS.models.parse_processes and time.monotonic() < deadline:
            assert run.poll() is None, run.stderr.read().decode()
            time.sleep(0.2)
            workers = _children(run.pid)
        assert len(workers) >= DEFAULTS.models.parse_processes, "the parse workers never started"
        os.kill(run.pid, signum)
        run.wait(timeout=30)
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [w for w in workers if _alive(w)] == []
    finally:
        if run.poll() is None:
            run.kill()


def _slow_after_the_first_chunk(items, piece_chars):
    """A parse worker's chunk: the first comes back at once as failures, the others hang."""
    if items[0][0] != "a0":
        time.sleep(120)
    return [{"failure": {"source": source, "stage": "parse", "message": "no"}} for _, source, _ in items]


def test_a_stopped_worker_parse_terminates_its_workers_at_once(monkeypatch):
    monkeypatch.setattr(nlp, "_analyze_chunk", _slow_after_the_first_chunk)  # forked: they see it
    items = [(f"a{i}", f"s{i}", "text") for i in range(6)]
    stream = nlp._analyze_in_workers(items, batch_size=2, processes=2, piece_chars=1000)
    before = set(multiprocessing.active_children())
    assert next(stream).source == "s0"
    workers = [p for p in multiprocessing.active_children() if p not in before]
    assert len(workers) == 2 and all(w.is_alive() for w in workers)
    started = time.monotonic()
    stream.close()  # what a stopped run does to the stream: GeneratorExit at the yield
    for worker in workers:
        worker.join(10)
    assert [w for w in workers if w.is_alive()] == [] and time.monotonic() - started < 10


# -- kill -9 at random points, concurrent ingests, an old store served ----------------------------


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:  # not created yet, or its schema not yet there
        return 0


def _check_store(db: Path) -> int:
    """The store is sound and holds only whole articles; returns how many."""
    with Store(db) as store:
        assert store.check() == []
        articles = store.articles()
        assert all(a.id == article_id(a.text) and a.text.strip() for a in articles)  # none half-written
        orphans = store.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM sources)"
        ).fetchone()[0]
        assert orphans == 0
        return len(articles)


@pytest.mark.slow
def test_ingest_killed_at_random_points_then_rerun_loses_and_doubles_nothing(tmp_path):
    count = 300
    corpus = synthetic_corpus(tmp_path / "corpus", count)
    db = tmp_path / "s.db"
    chance = random.Random(18)
    before = 0
    for _ in range(3):
        target = before + chance.randint(1, (count - before) // 2)  # a random point of the ingest
        run = subprocess.Popen(
            [sys.executable, "-m", "storyline", "ingest", str(corpus), "--db", str(db), "-q"],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 240
        while _count(db) < target and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        run.kill()
        run.wait(30)
        now = _check_store(db)
        assert before <= now < count  # killed midway, and nothing lost from before
        before = now
    run = _storyline("ingest", str(corpus), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert f"{count} articles read, {count - before} new, {count} in store, 0 failed" in run.stderr
    assert _check_store(db) == count
    with Store(db) as store:
        sources = [row[0] for row in store.conn.execute("SELECT source FROM sources")]
    assert sorted(Path(s).name for s in sources) == sorted(p.name for p in corpus.iterdir())


@pytest.mark.slow
def test_concurrent_ingests_into_one_new_store_keep_every_article_once(tmp_path):
    corpus = synthetic_corpus(tmp_path / "corpus", 120)
    halves = [tmp_path / "a", tmp_path / "b"]  # overlapping: 0-79 and 40-119
    for folder, names in zip(
        halves, [sorted(corpus.iterdir())[:80], sorted(corpus.iterdir())[40:]], strict=True
    ):
        folder.mkdir()
        for path in names:
            (folder / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "s.db"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "storyline", "ingest", str(folder), "--db", str(db), "-q"],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in halves
    ]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert _check_store(db) == 120


@pytest.mark.models
def test_serve_upgrades_a_version_1_store_and_serves_it(tmp_path):
    db = tmp_path / "old.db"
    text = (SAMPLE / "05_wire_treaty.txt").read_text("utf-8")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(f"BEGIN;{MIGRATIONS[0][1]}PRAGMA user_version = 1;COMMIT;")
    conn.execute(
        "INSERT INTO articles (id, source, title, text, removed, added_at) VALUES (?, ?, ?, ?, '[]', 'then')",
        (article_id(text), "/srv/old/05_wire_treaty.txt", text.splitlines()[0], text),
    )
    conn.execute("INSERT INTO sources VALUES (?, ?)", ("/srv/old/05_wire_treaty.txt", article_id(text)))
    conn.close()
    port = free_port("127.0.0.1")
    serve = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)],
        env=_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert serve.poll() is None, serve.stderr.read()
            try:
                corpus = httpx.get(f"{base}/index.json", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert corpus.status_code == 200 and corpus.json()["articles"] == 1
        assert httpx.get(f"{base}/search.json", params={"q": "treaty"}).json()["total"] > 0
        assert httpx.get(base + corpus.json()["events"][0]["href"]).status_code == 200
    finally:
        serve.terminate()
        serve.wait(30)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert _check_store(db) == 1
