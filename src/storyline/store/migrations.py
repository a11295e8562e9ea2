"""Schema migrations of the SQLite store, applied in order inside one transaction each."""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            url TEXT,
            published TEXT,
            published_from TEXT,
            text TEXT NOT NULL,
            removed TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE sources (
            source TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id)
        );
        CREATE TABLE stage_outputs (
            stage TEXT NOT NULL,
            key TEXT NOT NULL,
            version TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (stage, key)
        );
        CREATE TABLE failures (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            source TEXT NOT NULL,
            stage TEXT NOT NULL,
            message TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX failures_run ON failures(run_id);
    """,
    ),
    # Full-text search: article titles and text (kept in step by triggers), and passages of
    # the latest briefing the web app served (quotes and claims, with their spans).
    (
        2,
        """
        CREATE VIRTUAL TABLE article_search USING fts5(
            title, text, content='articles', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO article_search(article_search) VALUES ('rebuild');
        CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_search(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
            INSERT INTO article_search(article_search, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER article_search_update AFTER UPDATE ON articles BEGIN
            INSERT INTO article_search(article_search, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO article_search(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE VIRTUAL TABLE passage_search USING fts5(
            text, kind UNINDEXED, ref UNINDEXED, article_id UNINDEXED, start_at UNINDEXED,
            end_at UNINDEXED, tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TABLE passage_search_source (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            briefing TEXT NOT NULL
        );
    """,
    ),
    # Page metadata (authors, update date, language) as one JSON object, so that later fields
    # need no migration; NULL for articles stored before it.
    (
        3,
        """
        ALTER TABLE articles ADD COLUMN meta TEXT;
    """,
    ),
    # Briefings in a table of their own, without the articles' texts (the articles table holds
    # them: a briefing keeps its article ids and is rebuilt from them), as compressed JSON
    # (`payload`: zlib), and bounded: `used`
    # orders them by last use so that only the most recently used few are kept. The old rows
    # (stage "briefing" of stage_outputs, texts included) are a cache made under an older
    # briefing version: they are dropped, not converted, and a briefing asked for again is
    # made again from the stored per-article rows.
    (
        4,
        """
        CREATE TABLE briefings (
            key TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            payload BLOB NOT NULL,
            used INTEGER NOT NULL
        );
        CREATE INDEX briefings_used ON briefings(used);
        DELETE FROM stage_outputs WHERE stage = 'briefing';
    """,
    ),
    # Pieces of the corpus stages (one article's quotes, one event's summary, claims and
    # timeline), keyed by a digest of everything the piece reads, so that a briefing of a set
    # with a few more articles remakes only the pieces they touch (storyline.memo). `used` is
    # the number of the last briefing run that read or wrote the row: rows no recent run used
    # are deleted, so they do not pile up.
    (
        5,
        """
        CREATE TABLE memo (
            stage TEXT NOT NULL,
            key TEXT NOT NULL,
            payload BLOB NOT NULL,
            used INTEGER NOT NULL,
            PRIMARY KEY (stage, key)
        );
        CREATE INDEX memo_used ON memo(used);
    """,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the store (0 for a new, empty file)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store up to SCHEMA_VERSION; return the number of migrations applied.

    Each migration holds the write lock from the moment it reads the version (BEGIN
    IMMEDIATE), so that two processes opening a new store at once apply it once between them:
    the second waits, reads the new version and skips it."""
    applied = 0
    for version, script in MIGRATIONS:
        if version <= schema_version(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) < version:  # not applied meanwhile by another process
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
                applied += 1
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return applied


def _statements(script: str) -> list[str]:
    """The statements of an SQL script, each whole (a trigger's body keeps its semicolons)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
