from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import date, make_article

from storyline.errors import StoreError
from storyline.models import Failure, Removal
from storyline.store import SCHEMA_VERSION, Store


def test_add_article_twice_is_a_noop(store):
    article = make_article("Some news text that is long enough to matter.", outlet="Wire")
    assert store.add_article(article) is True
    assert store.add_article(article) is False
    assert store.count_articles() == 1


def test_article_round_trip(store):
    article = make_article(
        "Text.",
        title="T",
        outlet="O",
        url="https://x.example/a",
        published=date(2024, 3, 12),
        published_from="manifest",
        removed=(Removal(text="Skip", reason="navigation", start=0, end=4),),
    )
    store.add_article(article)
    assert store.articles([article.id]) == [article]
    assert store.article_id_for_source("test.txt") == article.id


def test_schema_version_is_recorded(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this storyline"):
        Store(path)


def test_corrupt_file_is_a_store_error(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable storyline store"):
        Store(path)


def test_stage_outputs_are_versioned(store):
    store.put_output("analysis", "a1", "v1", {"x": 1})
    assert store.get_output("analysis", "a1", "v1") == {"x": 1}
    assert store.get_output("analysis", "a1", "v2") is None


def test_failed_transaction_leaves_no_trace(store):
    article = make_article("Text that will be rolled back.")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO stage_outputs VALUES ('s', 'k', 'v', '{}', 'now')")
        raise RuntimeError("crash")
    assert store.conn.execute("SELECT COUNT(*) FROM stage_outputs").fetchone()[0] == 0
    assert store.add_article(article)


def test_failures_by_run(store):
    store.add_failures("run1", [Failure(source="a", stage="ingest", message="bad")])
    store.add_failures("run2", [Failure(source="b", stage="clean", message="worse")])
    assert [f.source for f in store.failures()] == ["b"]
    assert [f.source for f in store.failures("run1")] == ["a"]


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=200), st.text(max_size=30) | st.none())
def test_store_round_trips_any_text(text, outlet):
    with Store(":memory:") as s:
        article = make_article(text, outlet=outlet)
        s.add_article(article)
        assert s.articles([article.id]) == [article]


def test_page_metadata_round_trips(store):
    article = make_article(
        "Text of a page with a byline.",
        authors=("Jane Doe", "Reuters"),
        updated=date(2024, 3, 14),
        language="en",
    )
    store.add_article(article)
    assert store.articles([article.id]) == [article]


def test_articles_stored_before_the_metadata_column_read_back_without_it(tmp_path):
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.add_article(make_article("An article from before the metadata migration."))
        store.conn.execute("UPDATE articles SET meta = NULL")
        store.conn.commit()
    with Store(path) as store:
        [article] = store.articles()
    assert article.authors == () and article.updated is None and article.language is None
