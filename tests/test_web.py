"""The web app in-process: every page and its JSON twin, provenance of cites, escaping of
hostile articles, the token rule, upload limits and path safety, background ingestion."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import jsonschema
import pytest
from starlette.testclient import TestClient
from tests.conftest import SAMPLE
from tests.http_server import LoopbackServer
from tests.web_support import active_content, copy_store, marked_text

from storyline.render import briefing_schema
from storyline.web import create_app

pytestmark = pytest.mark.models


def ScriptClient(app, **kwargs) -> TestClient:  # noqa: N802 - stands for the class
    """A client that sends changes as a script does, with the app's custom request header."""
    return TestClient(app, headers={"X-Storyline-Request": "1"}, **kwargs)


@pytest.fixture(scope="module")
def client(sample_db):
    with ScriptClient(create_app(sample_db)) as c:
        yield c


@pytest.fixture(scope="module")
def treaty(client):
    """The JSON of the treaty event (the one with the 40 vs 60 percent conflict)."""
    events = client.get("/index.json").json()["events"]
    event = next(e for e in events if e["date"] and e["date"].startswith("2025"))
    return client.get(f"/events/{event['id']}.json").json()


def _twin_pairs(client, treaty):
    article = treaty["articles"][0]["id"]
    entity = next(g["entity_id"] for g in treaty["quotes"] if g["entity_id"])
    return [
        ("/", "/index.json"),
        ("/timeline", "/timeline.json"),
        (f"/events/{treaty['event']['id']}", f"/events/{treaty['event']['id']}.json"),
        (f"/articles/{article}", f"/articles/{article}.json"),
        (f"/entities/{entity}", f"/entities/{entity}.json"),
        ("/add", "/add.json"),
    ]


def test_corpus_page_lists_events_with_counts(client):
    page = client.get("/index.json").json()
    assert page["articles"] == 8
    assert [(e["articles"], e["outlets"]) for e in page["events"]] == [(4, 4), (4, 4)]
    assert [e["date"][:4] for e in page["events"]] == ["2024", "2025"]
    assert [e["conflicts"] for e in page["events"]][1] >= 1
    html = client.get("/").text
    for event in page["events"]:
        assert f'href="/events/{event["id"]}"' in html
    assert "disagreement" in html and 'type="search"' in html


def test_every_page_has_a_json_twin_linked_from_it(client, treaty):
    for page, twin in _twin_pairs(client, treaty):
        html = client.get(page)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert f'href="{twin}"' in html.text, page
        data = client.get(twin)
        assert data.status_code == 200 and data.headers["content-type"] == "application/json"
        assert isinstance(data.json(), dict)


def test_timeline_page_is_the_story_timeline_eval_tls_scores(client, sample_briefing):
    """The web app's timeline is the briefing's corpus timeline (`story_timeline`, the system
    `storyline eval tls` scores), every day cited into its article's text."""
    rows = client.get("/timeline.json").json()["timeline"]
    assert [(r["date"], r["text"]) for r in rows] == [
        (t.date, t.text) for t in sample_briefing.corpus_timeline
    ]
    texts = {a.id: a.text for a in sample_briefing.articles}
    for row in rows:
        (cite,) = row["cites"]
        assert " ".join(texts[cite["article_id"]][cite["start"] : cite["end"]].split()) == row["text"]
        assert row["event"] and row["event"]["href"] == f"/events/{row['event']['id']}"
    html = client.get("/timeline").text
    assert rows[0]["date"] in html and 'href="/timeline"' in client.get("/").text


def test_event_page_shows_the_disagreement_first(client, treaty):
    conflict = next(c for c in treaty["claims"] if c["status"] == "conflict")
    assert "40 percent" in conflict["note"] and "60 percent" in conflict["note"]
    row = next(r for r in treaty["coverage"]["rows"] if r["claim_id"] == conflict["id"])
    reports = {cell["outlet"]: cell["reports"] for cell in row["cells"] if cell["reports"]}
    assert reports == {
        "Estria Daily Wire": "40 percent of the river's flow",
        "Karvonia Post": "60 percent of the Tarn river’s flow",
    }
    assert all(c["state"] == "disagrees" for c in row["cells"] if c["outlet"] in reports)
    html = client.get(f"/events/{treaty['event']['id']}").text
    callout = html.index('id="disagreements"')
    assert callout < html.index('id="summary"') and html.index("40 percent", callout) > 0
    assert set(treaty["coverage"]["outlets"]) >= {"Estria Daily Wire", "Karvonia Post"}


def test_event_page_links_the_other_events_of_its_story(client, treaty):
    story = treaty["story"]
    dates = [e["date"] for e in story["events"]]
    assert dates == sorted(dates) and dates[0].startswith("2024") and dates[1].startswith("2025")
    assert [e["current"] for e in story["events"]] == [False, True]
    earlier = story["events"][0]
    html = client.get(f"/events/{treaty['event']['id']}").text
    assert f'href="{earlier["href"]}"' in html and "this event" in html
    assert client.get(earlier["href"] + ".json").json()["story"]["id"] == story["id"]


def test_coverage_marks_who_carried_what(client, treaty):
    states = {cell["state"] for row in treaty["coverage"]["rows"] for cell in row["cells"]}
    assert {"carried", "alone", "disagrees", "absent"} <= states
    copies = {a["id"] for a in treaty["articles"] if a["duplicate_of"]}
    for row in treaty["coverage"]["rows"]:
        claim = next(c for c in treaty["claims"] if c["id"] == row["claim_id"])
        by_state = {}
        for cell in row["cells"]:
            by_state.setdefault(cell["state"], []).append(cell)
        if row["status"] == "unique":
            assert len(by_state["alone"]) == 1
        counted = [c["outlet"] for c in row["cells"] if c["state"] not in ("absent", "copy")]
        assert sorted(counted) == sorted(claim["outlets"])
        for cell in by_state.get("copy", []):  # a syndicated copy is shown, not counted
            assert {c["article_id"] for c in cell["cites"]} <= copies


def test_every_summary_cite_opens_the_exact_span(client, treaty):
    assert treaty["summary"]
    for line in treaty["summary"]:
        assert line["cites"]
        for cite in line["cites"]:
            article = client.get(f"/articles/{cite['article_id']}.json").json()["article"]
            expected = article["text"][cite["start"] : cite["end"]]
            assert cite["text"] == expected
            page = client.get(cite["href"])
            assert page.status_code == 200
            assert marked_text(page.text, "hl") == expected
            assert page.text.count('id="hl"') == 1
            twin = client.get(cite["href"].replace("?", ".json?")).json()
            assert twin["highlight"] == {"start": cite["start"], "end": cite["end"], "text": expected}


def test_quotes_are_grouped_by_speaker_and_filtered(client, treaty):
    keys = [g["key"] for g in treaty["speakers"]]
    assert len(keys) == len(set(keys)) >= 3
    halder = next(g for g in treaty["quotes"] if g["speaker"] == "Jonas Halder")
    variants = [v for q in halder["quotes"] for v in q["variants"]]
    assert len({v["outlet"] for v in variants}) >= 2
    assert any(len(q["variants"]) > 1 for q in halder["quotes"])  # one quote, several outlets
    only = client.get(f"/events/{treaty['event']['id']}.json", params={"speaker": halder["key"]}).json()
    assert [g["speaker"] for g in only["quotes"]] == ["Jonas Halder"]
    html = client.get(f"/events/{treaty['event']['id']}", params={"speaker": halder["key"]}).text
    assert f'value="{halder["key"]}" selected' in html
    assert halder["speaker_type"] == "person" and '<span class="speaker-type">person</span>' in html


def test_article_page_marks_entities_quotes_dates_and_debris(client):
    corpus = client.get("/index.json").json()
    event = client.get(corpus["events"][0]["href"] + ".json").json()
    ledger = next(a for a in event["articles"] if a["outlet"] == "The Valmora Ledger")
    page = client.get(f"/articles/{ledger['id']}.json").json()
    reasons = {r["reason"] for r in page["removed"]}
    assert "masthead" in reasons and "photo caption or credit" in reasons
    html = client.get(f"/articles/{ledger['id']}").text
    assert "<del>The Valmora LedgerNews you can trust</del>" in html
    assert '<span class="reason">masthead</span>' in html
    assert re.search(r'<a class="ent ent-person" href="/entities/ent-[0-9a-f]+"', html)
    assert 'data-kind="quote"' in html and '<time class="date" datetime="' in html
    assert page["quotes"] and page["dates"]


def test_syndicated_copy_links_both_ways(client):
    articles = client.get("/index.json").json()
    assert articles
    copies = []
    for event in client.get("/index.json").json()["events"]:
        copies += [a for a in client.get(event["href"] + ".json").json()["articles"] if a["duplicate_of"]]
    assert copies
    copy = copies[0]
    assert client.get(f"/articles/{copy['id']}.json").json()["similar"][0]["id"] == copy["duplicate_of"]
    original = client.get(f"/articles/{copy['duplicate_of']}").text
    assert f'href="/articles/{copy["id"]}"' in original and "Syndicated copy" in original


def test_entity_page_has_aliases_quotes_events(client, treaty):
    halder = next(g for g in treaty["quotes"] if g["speaker"] == "Jonas Halder")
    page = client.get(f"/entities/{halder['entity_id']}.json").json()
    assert page["entity"]["name"] == "Jonas Halder" and "Halder" in page["entity"]["aliases"]
    assert treaty["event"]["id"] in [e["id"] for e in page["events"]]
    assert sum(g["count"] for g in page["quotes"]) >= 2
    assert "also written as" in client.get(f"/entities/{halder['entity_id']}").text


@pytest.mark.parametrize("path", ["/events/evt-nope", "/articles/0000", "/entities/ent-nope", "/jobs/nope"])
def test_unknown_ids_are_404_in_html_and_json(client, path):
    page = client.get(path)
    assert page.status_code == 404 and "Not found" in page.text and "evt-nope" not in page.text[:0]
    twin = client.get(path + ".json")
    assert twin.status_code == 404 and "no " in twin.json()["error"]


def test_span_outside_the_article_is_refused(client, treaty):
    article = treaty["articles"][0]["id"]
    assert client.get(f"/articles/{article}", params={"start": 5, "end": 10**6}).status_code == 400
    assert client.get(f"/articles/{article}.json", params={"start": 9, "end": 3}).status_code == 400
    assert client.get(f"/articles/{article}.json", params={"start": -1, "end": 3}).status_code == 422


def test_exports_of_an_event(client, treaty):
    base = f"/events/{treaty['event']['id']}/briefing"
    md = client.get(base + ".md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Briefing: 4 articles, 1 events") and "**conflict**" in md.text
    data = client.get(base + ".json").json()
    jsonschema.validate(data, briefing_schema())
    assert [e["id"] for e in data["events"]] == [treaty["event"]["id"]]
    html = client.get(base + ".html")
    assert html.headers["content-type"].startswith("text/html")
    assert "<style>" in html.text and 'rel="stylesheet"' not in html.text  # self-contained
    assert client.get(base + ".pdf").status_code == 404


def test_hostile_article_is_escaped_everywhere(hostile_db):
    with ScriptClient(create_app(hostile_db)) as c:
        corpus = c.get("/index.json").json()
        pages = ["/", "/add"]
        for event in corpus["events"]:
            data = c.get(event["href"] + ".json").json()
            pages += [event["href"], event["href"] + "/briefing.html"]
            pages += [a["href"] for a in data["articles"]]
            pages += [cite["href"] for line in data["summary"] for cite in line["cites"]]
            pages += [f"/entities/{g['entity_id']}" for g in data["quotes"] if g["entity_id"]]
        hostile = [
            a
            for e in corpus["events"]
            for a in c.get(e["href"] + ".json").json()["articles"]
            if "Evil Outlet" in a["outlet"]
        ]
        assert hostile, "the hostile article must be in an event"
        seen_escaped = False
        for path in pages:
            html = c.get(path).text
            assert active_content(html) == [], path
            seen_escaped |= "&lt;script&gt;window.__pwned" in html
        assert seen_escaped
        twin = c.get(f"/articles/{hostile[0]['id']}.json").json()
        assert "<script>" in twin["article"]["text"]  # JSON keeps the text as it is


# -- changes: token, origin, uploads ------------------------------------------------------------


def _upload(client, name: str, content: bytes, **kwargs):
    return client.post("/add.json", files=[("files", (name, content, "text/plain"))], **kwargs)


def test_token_is_checked_on_every_change(sample_db, tmp_path):
    db = copy_store(sample_db, tmp_path / "s.db")
    app = create_app(db, data_dir=tmp_path / "data", token="s3cret")
    with ScriptClient(app) as c:
        assert c.get("/").status_code == 200  # reads are open
        assert _upload(c, "a.txt", b"x" * 10).status_code == 401
        assert _upload(c, "a.txt", b"x", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/add", data={"urls": "https://example.com"}).status_code == 401
        assert not (tmp_path / "data").exists()
        ok = c.post("/add.json", data={"urls": "not-a-url"}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 400 and "not an http(s) URL" in ok.json()["error"]  # past the token
        c.get("/", params={"token": "s3cret"})  # sets the cookie a browser then sends
        assert c.post("/add.json", data={"urls": "not-a-url"}).status_code == 400


def test_cross_site_posts_are_refused(sample_db, tmp_path):
    with ScriptClient(create_app(copy_store(sample_db, tmp_path / "s.db"))) as c:
        refused = c.post("/add.json", data={"urls": "x"}, headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403
        same = c.post("/add.json", data={"urls": "x"}, headers={"Origin": "http://testserver"})
        assert same.status_code == 400


def test_a_rebound_host_name_cannot_read_the_store(sample_db):
    from storyline.cli.commands import _answered_hosts

    hosts = _answered_hosts("127.0.0.1", ())
    with ScriptClient(create_app(sample_db, allowed_hosts=hosts), base_url="http://127.0.0.1:8000") as c:
        assert "evt-" in c.get("/index.json").text
        assert c.get("/", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
        rebound = c.get("/index.json", headers={"Host": "attacker.example:8000"})
        assert rebound.status_code == 400
        assert "evt-" not in rebound.text
    assert _answered_hosts("0.0.0.0", ()) == ["localhost"]  # and IP addresses: with a token too
    assert _answered_hosts("0.0.0.0", ("news.example",)) == ["localhost", "news.example"]


def test_upload_size_limit(sample_db, tmp_path):
    data = tmp_path / "data"
    with ScriptClient(
        create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=data, max_upload_bytes=2_000)
    ) as c:
        too_big = _upload(c, "big.txt", b"word " * 30_000)
        assert too_big.status_code == 413 and "larger than 2000" in too_big.json()["error"]
        two = c.post(
            "/add.json",
            files=[
                ("files", ("a.txt", b"w " * 700, "text/plain")),
                ("files", ("b.txt", b"w " * 700, "text/plain")),
            ],
        )
        assert two.status_code == 413  # the limit is for the whole upload
        assert not any(p.is_file() for p in data.rglob("*")) if data.exists() else True


@pytest.mark.parametrize(
    "name",
    [
        "../../../escape.txt",
        "..\\..\\escape.txt",
        "/etc/escape.txt",
        "a/../../escape.txt",
        "....//escape.txt",
    ],
)
def test_uploads_never_leave_the_data_directory(sample_db, tmp_path, name):
    data = tmp_path / "nest" / "data"
    with ScriptClient(create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=data)) as c:
        job = _upload(c, name, b"A short text that is not long enough to be an article.")
        assert job.status_code == 202
        _wait(c, job.json()["id"])
    written = [p for p in tmp_path.rglob("*escape*")]
    assert written and all(p.resolve().is_relative_to(data.resolve()) for p in written)


def test_unsupported_file_types_are_skipped(sample_db, tmp_path):
    with ScriptClient(create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=tmp_path / "d")) as c:
        answer = _upload(c, "run.sh", b"#!/bin/sh\nrm -rf /\n")
        assert answer.status_code == 400 and "run.sh" in answer.json()["error"]


def test_pasted_urls_inside_the_network_are_refused(sample_db, tmp_path):
    with (
        LoopbackServer() as server,
        ScriptClient(create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=tmp_path / "d")) as c,
    ):
        answer = c.post("/add.json", data={"urls": server.base + "/article.html"})
        assert answer.status_code == 202
        job = _wait(c, answer.json()["id"])
        assert job["added"] == 0 and "--allow-private" in job["failures"][0]["message"]
        assert job["failures"][0]["source"] == server.base + "/article.html"
        assert "/article.html" not in server.paths()


def test_pasted_urls_are_fetched_and_appear(sample_db, tmp_path):
    with (
        LoopbackServer() as server,
        ScriptClient(
            create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=tmp_path / "d", allow_private=True)
        ) as c,
    ):
        page = c.post("/add", data={"urls": f"{server.base}/article.html\nftp://x/y"}, follow_redirects=False)
        assert page.status_code == 303
        job = _wait(c, page.headers["location"].rsplit("/", 1)[1])
        assert job["state"] == "done" and job["added"] == 1, job
        assert any("ftp://x/y" in note for note in job["notes"])
        [article] = job["articles"]
        assert "Council approves the river plan" in json.dumps(article)


def _wait(client, job_id: str, timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}.json").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_upload_is_ingested_in_the_background(sample_db, tmp_path):
    article = (
        (SAMPLE / "06_tribune_treaty.txt")
        .read_text("utf-8")
        .replace(
            "Estria and Karvonia end Tarn dam feud with 30-year water treaty",
            "Tarn treaty signed as farmers cheer",
        )
        .replace("Reporting by Tomas Brenner", "Reporting by Ana Lind")
    )
    article += "\nFarmers in the Tarn delta cheered the news on Tuesday, local officials said.\n"
    with ScriptClient(create_app(copy_store(sample_db, tmp_path / "s.db"), data_dir=tmp_path / "d")) as c:
        answer = c.post(
            "/add", files=[("files", ("10_new.txt", article.encode(), "text/plain"))], follow_redirects=False
        )
        assert answer.status_code == 303 and answer.headers["location"].startswith("/jobs/")
        job_id = answer.headers["location"].rsplit("/", 1)[-1]
        assert c.get(f"/jobs/{job_id}").status_code == 200
        job = _wait(c, job_id)
        assert job["state"] == "done" and job["added"] == 1, job
        assert c.get("/index.json").json()["articles"] == 9
        new = job["articles"][0]
        assert new["title"] == "Tarn treaty signed as farmers cheer" and new["event_id"]
        assert c.get(new["href"]).status_code == 200
        assert "Tarn treaty signed as farmers cheer" in c.get(f"/events/{new['event_id']}").text
        assert (Path(tmp_path / "d") / "uploads").is_dir()


def test_article_page_names_its_file_not_the_server_folder(client, treaty):
    for article in treaty["articles"]:
        page = client.get(f"/articles/{article['id']}.json").json()
        assert page["article"]["source"] in {p.name for p in SAMPLE.glob("*.txt")}
