"""Attacks on a real server on a loopback port (issue 18): cross-site writes, rebound host
names, hostile upload names, refusals a browser can read, server paths kept private."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import SAMPLE
from tests.web_support import copy_store

from storyline.cli.commands import is_loopback
from storyline.store import Store
from storyline.web import create_app
from storyline.web.server import free_port, running_server

SRC = Path(__file__).resolve().parent.parent / "src"

SCRIPT = {"X-Storyline-Request": "1"}


@pytest.fixture
def empty_site(tmp_path):
    """A server over an empty store; its data directory is `tmp_path / "data"`."""
    app = create_app(tmp_path / "s.db", data_dir=tmp_path / "data")
    with running_server(app) as base:
        yield base


def _files_written(tmp_path: Path) -> list[Path]:
    data = tmp_path / "data"
    return [p for p in data.rglob("*") if p.is_file()] if data.exists() else []


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


# -- 2. cross-site writes --------------------------------------------------------------------------


def test_guard_refuses_a_post_from_origin_null(empty_site, tmp_path):
    article = {"files": ("a.txt", b"Planted story\n\nA planted article about the treaty, officials said.")}
    for headers in ({"Origin": "null"}, {"Origin": "null", **SCRIPT}):
        answer = httpx.post(f"{empty_site}/add.json", files=article, headers=headers)
        assert answer.status_code == 403 and "cross-site" in answer.json()["error"]
    assert _files_written(tmp_path) == []
    with Store(tmp_path / "s.db") as store:
        assert store.count_articles() == 0


def test_guard_refuses_a_change_with_neither_the_header_nor_the_form_token(empty_site, tmp_path):
    article = {"files": ("a.txt", b"Planted story\n\nA planted article about the treaty, officials said.")}
    for path in ("/add.json", "/add"):
        answer = httpx.post(empty_site + path, files=article)
        assert answer.status_code == 403 and "csrf" in answer.text
        answer = httpx.post(empty_site + path, files=article, data={"csrf": "guessed"})
        assert answer.status_code == 403
    answer = httpx.post(
        f"{empty_site}/add.json", content=b'{"urls": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert answer.status_code == 403 and "X-Storyline-Request" in answer.json()["error"]
    assert _files_written(tmp_path) == []


def test_guard_lets_the_form_with_its_token_and_scripts_with_the_header_through(empty_site):
    form = httpx.get(f"{empty_site}/add")
    answer = httpx.post(f"{empty_site}/add", data={"urls": "not-a-url", "csrf": _csrf(form.text)})
    assert answer.status_code == 400 and "not an http(s) URL" in answer.text  # past the guard
    answer = httpx.post(f"{empty_site}/add.json", data={"urls": "not-a-url"}, headers=SCRIPT)
    assert answer.status_code == 400 and "not an http(s) URL" in answer.json()["error"]


def test_guard_grants_no_preflight_so_other_sites_cannot_send_the_header(empty_site):
    answer = httpx.options(
        f"{empty_site}/add.json",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-storyline-request",
        },
    )
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-headers" not in answer.headers


# -- 7. a file name over 255 bytes ----------------------------------------------------------------


def _wait_for_job(base: str, href: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}{href}.json").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {href} still {job['state']} after {timeout} s")


@pytest.mark.models
def test_upload_with_a_name_over_255_bytes_is_stored_under_a_shorter_name(empty_site, tmp_path):
    story = b"Dam talks resume\n\nEngineers from Estria and Karvonia met in Dravik on Monday, officials said."
    long_name = "report-" + "\u00e9" * 200 + ".txt"  # 407 bytes in UTF-8
    files = [("files", ("first.txt", story)), ("files", (long_name, story.replace(b"Monday", b"Friday")))]
    answer = httpx.post(f"{empty_site}/add.json", files=files, headers=SCRIPT)
    assert answer.status_code == 202, answer.text
    written = _files_written(tmp_path)
    assert len(written) == 2 and all(len(p.name.encode()) <= 255 for p in written)
    job = _wait_for_job(empty_site, answer.json()["href"])
    assert job["state"] == "done" and job["failures"] == [] and len(job["article_ids"]) == 2


# -- 8. loopback addresses and rebound host names -------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("127.255.0.9", True), ("::1", True), ("localhost", True)]
    + [("0.0.0.0", False), ("192.0.2.7", False), ("::", False), ("news.example", False)],
)
def test_is_loopback_knows_all_of_127_0_0_0_8(host, loopback):
    assert is_loopback(host) is loopback


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port("127.0.0.1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storyline",
            "serve",
            "--db",
            str(tmp_path / "s.db"),
            "--port",
            str(port),
            *args,
        ],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stderr.read()}")
        try:
            httpx.get(base + "/add.json", timeout=2)
            return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("serve did not start")


@pytest.mark.slow
def test_serve_with_a_token_still_refuses_a_rebound_host_name(tmp_path):
    process, base = _serve(tmp_path, "--token", "s3cret")
    try:
        port = base.rsplit(":", 1)[1]
        assert httpx.get(base + "/index.json").status_code == 200
        assert httpx.get(base + "/index.json", headers={"Host": f"localhost:{port}"}).status_code == 200
        rebound = httpx.get(base + "/index.json", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 400 and "articles" not in rebound.text
        allowed = _serve(tmp_path, "--token", "s3cret", "--allowed-host", "news.example")
        try:
            news = httpx.get(allowed[1] + "/index.json", headers={"Host": "news.example"})
            assert news.status_code == 200
        finally:
            allowed[0].terminate()
            allowed[0].wait(30)
    finally:
        process.terminate()
        process.wait(30)


def test_serve_off_loopback_without_a_token_is_refused_before_listening(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "storyline", "serve", "--db", str(tmp_path / "s.db"), "--host", "192.0.2.7"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "reachable from other machines" in run.stderr


# -- 11. refusals a browser and a script can read -------------------------------------------------


@pytest.fixture
def token_site(tmp_path):
    app = create_app(tmp_path / "s.db", data_dir=tmp_path / "data", token="s3cret", max_upload_bytes=2000)
    with running_server(app) as base:
        yield base


def test_add_on_a_token_server_says_a_token_is_needed_in_html(token_site):
    page = httpx.get(f"{token_site}/add")
    assert "needs its token" in page.text and "/add?token=TOKEN" in page.text
    with_token = httpx.get(f"{token_site}/add", params={"token": "s3cret"})
    assert "needs its token" not in with_token.text
    refused = httpx.post(
        f"{token_site}/add", data={"urls": "https://example.com/a", "csrf": _csrf(page.text)}
    )
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/html")
    assert "<h1>" in refused.text and "?token=TOKEN" in refused.text
    refused = httpx.post(f"{token_site}/add.json", data={"urls": "https://example.com/a"}, headers=SCRIPT)
    assert refused.status_code == 401 and "token" in refused.json()["error"]


def test_an_oversized_chunked_upload_gets_413(token_site, tmp_path):
    def chunks():
        for _ in range(200):
            yield b"x" * 1000

    headers = {**SCRIPT, "Authorization": "Bearer s3cret", "Content-Type": "multipart/form-data; boundary=b"}
    answer = httpx.post(f"{token_site}/add.json", content=chunks(), headers=headers)
    assert "content-length" not in answer.request.headers  # sent chunked
    assert answer.status_code == 413 and "larger than 2000" in answer.json()["error"]
    assert _files_written(tmp_path) == []


def test_an_empty_file_name_gets_an_error_in_the_apps_own_shape(empty_site):
    files = [("files", ("", b"Some story\n\nText of the story.", "text/plain"))]
    answer = httpx.post(f"{empty_site}/add.json", files=files, headers=SCRIPT)
    assert answer.status_code == 422 and list(answer.json()) == ["error"]
    assert "needs a file name" in answer.json()["error"]
    page = httpx.post(f"{empty_site}/add", files=files, headers=SCRIPT)
    assert page.status_code == 422 and "needs a file name" in page.text and "<h1>" in page.text


# -- 9. server paths and other people's jobs ------------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("paths")
    app = create_app(copy_store(sample_db, folder / "s.db"), data_dir=folder / "data", token="s3cret")
    with running_server(app) as base:
        yield base


@pytest.mark.models
def test_pages_and_exports_never_show_the_servers_folders(sample_site):
    folder = str(SAMPLE)
    event = httpx.get(f"{sample_site}/index.json").json()["events"][0]["href"]
    paths = ["/search?q=treaty", "/search.json?q=treaty", "/search.json?q=Estria", f"{event}.json", event]
    paths += [f"{event}/briefing.{fmt}" for fmt in ("md", "json", "html")]
    for path in paths:
        answer = httpx.get(sample_site + path)
        assert answer.status_code == 200, path
        assert folder not in answer.text and "/examples/" not in answer.text, path
    export = httpx.get(f"{sample_site}{event}/briefing.md").text
    assert any(p.name.replace("_", "\\_") in export for p in SAMPLE.glob("*.txt"))  # by name alone


@pytest.mark.models
def test_cli_exports_name_files_without_their_folders(sample_db, tmp_path):
    db = copy_store(sample_db, tmp_path / "s.db")
    for fmt in ("md", "json", "html"):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "storyline",
                "brief",
                str(SAMPLE),
                "--manifest",
                str(SAMPLE / "manifest.jsonl"),
            ]
            + ["--db", str(db), "--format", fmt, "-q"],
            env={**os.environ, "PYTHONPATH": str(SRC)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        assert str(SAMPLE) not in run.stdout and "treaty.txt" in run.stdout, fmt


@pytest.mark.models
def test_recent_jobs_are_shown_only_with_the_token(sample_site):
    story = b"Dam visit\n\nEngineers from Estria visited the Brena dam on Thursday, officials said."
    answer = httpx.post(
        f"{sample_site}/add.json",
        files={"files": ("visit.txt", story)},
        headers={**SCRIPT, "Authorization": "Bearer s3cret"},
    )
    assert answer.status_code == 202
    job = _wait_for_job(sample_site, answer.json()["href"])
    assert job["state"] == "done"
    assert httpx.get(f"{sample_site}/add.json").json()["jobs"] == []
    assert "visit.txt" not in httpx.get(f"{sample_site}/add").text
    mine = httpx.get(f"{sample_site}/add.json", headers={"Authorization": "Bearer s3cret"}).json()["jobs"]
    assert [j["files"] for j in mine] == [["000-visit.txt"]]
    assert "visit.txt" in httpx.get(f"{sample_site}/add", params={"token": "s3cret"}).text


# -- 1. a text over spaCy's limit, uploaded -------------------------------------------------------


@pytest.mark.models
def test_upload_of_an_article_over_a_million_characters_keeps_every_page_answering(empty_site):
    paragraphs = [f"The minister said on Monday that plan {i} was {'x' * 4000}." for i in range(250)]
    text = "Long report\n\n" + "\n\n".join(paragraphs) + "\n"
    good = (SAMPLE / "05_wire_treaty.txt").read_bytes()
    files = [("files", ("long.txt", text.encode())), ("files", ("good.txt", good))]
    answer = httpx.post(f"{empty_site}/add.json", files=files, headers=SCRIPT)
    assert answer.status_code == 202, answer.text
    job = _wait_for_job(empty_site, answer.json()["href"])
    assert job["state"] == "done" and job["failures"] == [] and len(job["article_ids"]) == 2
    corpus = httpx.get(f"{empty_site}/index.json").json()
    assert corpus["articles"] == 2
    for path in ["/", "/search?q=minister", *(e["href"] for e in corpus["events"])]:
        assert httpx.get(empty_site + path, timeout=60).status_code == 200, path
