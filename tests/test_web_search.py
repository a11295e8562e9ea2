"""Full-text search: the additive FTS5 migration, safe queries, and the search page."""

from __future__ import annotations

import sqlite3

import pytest
from starlette.testclient import TestClient
from tests.conftest import make_article

from storyline.store import SCHEMA_VERSION, Store, fts_query
from storyline.store.migrations import MIGRATIONS
from storyline.web import create_app


def test_migration_2_indexes_articles_already_in_a_version_1_store(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(f"BEGIN;{MIGRATIONS[0][1]}PRAGMA user_version = 1;COMMIT;")
    conn.execute(
        "INSERT INTO articles (id, source, title, text, removed, added_at) VALUES "
        "('a1', 'old.txt', 'Dam talks', 'Ministers met at the Brena dam.', '[]', 'now')"
    )
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
        assert [hit["article_id"] for hit in store.search("brena")] == ["a1"]
        assert store.articles(["a1"])[0].title == "Dam talks"  # the old rows are untouched


def test_new_articles_are_searchable_and_accents_fold(store):
    store.add_article(make_article("Radek Veselý met the inspectors at the dam.", title="Visit"))
    store.add_article(make_article("Nothing to see here at all, just weather."))
    hits = store.search("vesely insp")  # accent-free, last word as a prefix
    assert len(hits) == 1 and "\x02Veselý\x03" in hits[0]["snippet"]
    assert store.search("weather") and not store.search("hurricane")


@pytest.mark.parametrize("typed", ['"', "*", "a OR", "NEAR(", "(x", "col:val", "-", "''", "\\"])
def test_any_typed_query_is_safe(store, typed):
    store.add_article(make_article("A text about a dam and a river."))
    store.search(typed)  # no syntax error from FTS5


def test_fts_query_quotes_every_word():
    assert fts_query('Halder "treaty') == '"Halder" "treaty"*'
    assert fts_query("  ") == ""


def test_passages_are_replaced_per_briefing(store):
    assert store.index_passages("b1", [("quote", "q1", "a1", 0, 5, "The river joins us")])
    assert not store.index_passages("b1", [("quote", "q2", "a1", 0, 5, "ignored")])
    assert store.index_passages("b2", [("claim", "c1", "a1", 0, 5, "A treaty was signed")])
    assert [h["ref"] for h in store.search("river")] == []
    assert [h["ref"] for h in store.search("treaty")] == ["c1"]


@pytest.mark.models
def test_search_page_finds_claims_quotes_articles(sample_db):
    with TestClient(create_app(sample_db)) as c:
        data = c.get("/search.json", params={"q": "percent"}).json()
        assert any(r["status"] == "conflict" for r in data["claims"])
        assert data["articles"] and all(r["href"].startswith("/articles/") for r in data["articles"])
        quotes = c.get("/search.json", params={"q": "promise kept"}).json()["quotes"]
        assert quotes and quotes[0]["speaker"] == "Jonas Halder"
        assert c.get(quotes[0]["href"]).status_code == 200
        html = c.get("/search", params={"q": "promise kept"}).text
        assert "<mark>promise</mark>" in html and "Jonas Halder" in html
        hostile = c.get("/search", params={"q": "<script>alert(1)</script>"}).text
        assert "<script>alert" not in hostile


def test_an_empty_store_serves_a_welcome_and_404s(tmp_path):
    with TestClient(create_app(tmp_path / "empty.db")) as c:
        page = c.get("/")
        assert page.status_code == 200 and "The store has no articles yet" in page.text
        assert c.get("/index.json").json()["events"] == []
        missing = c.get("/events/evt-x.json")
        assert missing.status_code == 404 and "no articles yet" in missing.json()["error"]
        assert c.get("/search.json", params={"q": "dam"}).json()["total"] == 0
