"""The SQLite store: articles keyed by content hash, versioned stage outputs, failures.

One file holds a corpus. Every write is its own transaction, so a run killed halfway leaves a
consistent store that the next run completes; writing the same article twice is a no-op.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.config import DEFAULTS, from_environment
from storyline.errors import StoreError
from storyline.models import Article, Failure
from storyline.serialize import from_dict, to_dict
from storyline.store.migrations import SCHEMA_VERSION, migrate, schema_version

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path"]


def default_db_path() -> Path:
    """`$STORYLINE_DB` if set, else `storyline.db` in the working directory."""
    return from_environment().store.db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A storyline corpus in one SQLite file (or `:memory:`)."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._open()
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{self.path}: not a usable storyline store ({e}); pass another --db file"
            ) from e

    def _open(self) -> None:
        """WAL mode and the schema brought up to date. Another process creating the same new
        file can make the switch to WAL fail at once with "database is locked" (SQLite does not
        wait there, to avoid a deadlock), so that step is tried again for a while."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.conn.execute("PRAGMA foreign_keys=ON")
        found = schema_version(self.conn)
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store has schema version {found}, newer than this storyline "
                f"understands ({SCHEMA_VERSION}); upgrade storyline or use another --db"
            )
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block of writes atomically."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- articles -----------------------------------------------------------------------------

    def add_article(self, article: Article) -> bool:
        """Store an article; return False when it was already there (by content hash)."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO articles (id, source, title, outlet, url, published, "
                "published_from, text, removed, added_at, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.source,
                    article.title,
                    article.outlet,
                    article.url,
                    article.published.isoformat() if article.published else None,
                    article.published_from,
                    article.text,
                    json.dumps(to_dict(article.removed), ensure_ascii=False),
                    _now(),
                    json.dumps(_meta(article), ensure_ascii=False),
                ),
            )
            conn.execute(
                "INSERT OR REPLACE INTO sources (source, article_id) VALUES (?, ?)",
                (article.source, article.id),
            )
        return cursor.rowcount == 1

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles by id (in the order given), or all of them in the order they were added."""
        if ids is None:
            rows = self.conn.execute("SELECT * FROM articles ORDER BY rowid").fetchall()
            return [_article_from_row(row) for row in rows]
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        for row in self._rows_in("SELECT * FROM articles WHERE id IN ({marks})", (), wanted):
            article = _article_from_row(row)
            found[article.id] = article
        return [found[i] for i in wanted if i in found]

    def _rows_in(self, query: str, params: tuple, keys: Sequence[str]) -> Iterator[tuple]:
        """The rows of `query` (whose `{marks}` is the list of an `IN`, after `params`) for
        `keys`, asked 500 at a time: SQLite caps the parameters of one statement."""
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            yield from self.conn.execute(
                query.format(marks=",".join("?" * len(chunk))), (*params, *chunk)
            ).fetchall()

    def article_id_for_source(self, source: str) -> str | None:
        row = self.conn.execute("SELECT article_id FROM sources WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def count_articles(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    # -- stage outputs ------------------------------------------------------------------------

    def get_output(self, stage: str, key: str, version: str) -> Any | None:
        """A stage's stored JSON output for `key`, or None if absent or from another version."""
        row = self.conn.execute(
            "SELECT payload FROM stage_outputs WHERE stage = ? AND key = ? AND version = ?",
            (stage, key, version),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def put_output(self, stage: str, key: str, version: str, payload: Any) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO stage_outputs (stage, key, version, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (stage, key, version, json.dumps(payload, ensure_ascii=False), _now()),
            )

    def get_outputs(self, stage: str, keys: Iterable[str], version: str) -> dict[str, Any]:
        """Stored outputs for many keys at once (absent keys are left out)."""
        rows = self._rows_in(
            "SELECT key, payload FROM stage_outputs WHERE stage = ? AND version = ? AND key IN ({marks})",
            (stage, version),
            list(dict.fromkeys(keys)),
        )
        return {key: json.loads(payload) for key, payload in rows}

    def put_outputs(self, stage: str, version: str, payloads: dict[str, Any]) -> None:
        """Store many outputs of one stage in one transaction."""
        now = _now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO stage_outputs (stage, key, version, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (stage, key, version, json.dumps(p, ensure_ascii=False), now)
                    for key, p in payloads.items()
                ],
            )

    # -- briefings ----------------------------------------------------------------------------

    def get_briefing(self, key: str, version: str) -> tuple[list[str], Any] | None:
        """The stored briefing of `key` made under `version` (its article ids and the rest of
        its JSON), or None; one that is found counts as used now, so it is kept the longest."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT article_ids, payload FROM briefings WHERE key = ? AND version = ?", (key, version)
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE briefings SET used = (SELECT MAX(used) + 1 FROM briefings) WHERE key = ?", (key,)
            )
        return json.loads(row[0]), json.loads(zlib.decompress(row[1]))

    def put_briefing(
        self,
        key: str,
        version: str,
        article_ids: Iterable[str],
        payload: Any,
        *,
        keep: int = DEFAULTS.store.kept_briefings,
    ) -> None:
        """Store a briefing (its JSON without the articles, which the articles table holds,
        compressed, and the ids of its articles, in order) as the one used last. In the same transaction the
        briefings of other versions (superseded: never read again) are deleted, and all but
        the `keep` most recently used."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO briefings (key, version, article_ids, payload, used) "
                "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(used), 0) + 1 FROM briefings))",
                (key, version, json.dumps(list(article_ids)), _packed(payload)),
            )
            conn.execute("DELETE FROM briefings WHERE version != ?", (version,))
            conn.execute(
                "DELETE FROM briefings WHERE key NOT IN "
                "(SELECT key FROM briefings ORDER BY used DESC LIMIT ?)",
                (max(keep, 1),),
            )

    def briefing_keys(self) -> list[str]:
        """The keys of the stored briefings, the most recently used first."""
        return [row[0] for row in self.conn.execute("SELECT key FROM briefings ORDER BY used DESC")]

    # -- memo: pieces of the corpus stages -----------------------------------------------------

    def memo_run(self) -> int:
        """The number of a new briefing run, above every run that used a memo row."""
        return self.conn.execute("SELECT COALESCE(MAX(used), 0) + 1 FROM memo").fetchone()[0]

    def get_memo(self, stage: str, keys: Iterable[str], run: int) -> dict[str, Any]:
        """The stored pieces of `stage` under `keys` (absent keys are left out); each one found
        counts as used by `run`."""
        rows = self._rows_in(
            "SELECT key, payload FROM memo WHERE stage = ? AND key IN ({marks})",
            (stage,),
            list(dict.fromkeys(keys)),
        )
        found = {key: json.loads(zlib.decompress(payload)) for key, payload in rows}
        if found:
            with self.transaction() as conn:
                conn.executemany(
                    "UPDATE memo SET used = ? WHERE stage = ? AND key = ?", [(run, stage, k) for k in found]
                )
        return found

    def put_memo(self, stage: str, run: int, payloads: dict[str, Any]) -> None:
        """Store pieces of `stage` by key, in one transaction, as used by `run`."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO memo (stage, key, payload, used) VALUES (?, ?, ?, ?)",
                [(stage, key, _packed(p), run) for key, p in payloads.items()],
            )

    def prune_memo(self, run: int, *, keep: int = DEFAULTS.store.kept_briefings) -> int:
        """Delete the pieces that none of the `keep` runs up to `run` used (as the briefings
        beyond the `keep` most recently used are); return how many went."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM memo WHERE used <= ?", (run - max(keep, 1),)).rowcount

    def memo_count(self, stage: str | None = None) -> int:
        """How many pieces are stored (of one stage, or of all)."""
        if stage is None:
            return self.conn.execute("SELECT COUNT(*) FROM memo").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM memo WHERE stage = ?", (stage,)).fetchone()[0]

    # -- search -------------------------------------------------------------------------------

    def index_passages(self, key: str, rows: Iterable[tuple[str, str, str, int, int, str]]) -> bool:
        """Make (kind, ref, article_id, start, end, text) rows the searchable passages, unless
        the passages of `key` (a briefing) are already there; return whether it indexed."""
        found = self.conn.execute("SELECT briefing FROM passage_search_source").fetchone()
        if found and found[0] == key:
            return False
        with self.transaction() as conn:
            conn.execute("DELETE FROM passage_search")
            conn.executemany(
                "INSERT INTO passage_search (kind, ref, article_id, start_at, end_at, "
                "text) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute("INSERT OR REPLACE INTO passage_search_source (id, briefing) VALUES (1, ?)", (key,))
        return True

    def search(self, query: str, limit: int = DEFAULTS.store.search_limit) -> list[dict[str, Any]]:
        """Articles and passages matching every word of `query` (the last one as a prefix),
        best first; `snippet` marks the matches with \x02 and \x03."""
        match = fts_query(query)
        if not match:
            return []
        articles = self.conn.execute(
            "SELECT a.id, a.title, snippet(article_search, 1, char(2), char(3), '…', 16) "
            "FROM article_search JOIN articles a ON a.rowid = article_search.rowid "
            "WHERE article_search MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        passages = self.conn.execute(
            "SELECT kind, ref, article_id, start_at, end_at, text, "
            "highlight(passage_search, 0, char(2), char(3)) FROM passage_search "
            "WHERE passage_search MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [
            {"kind": "article", "ref": id_, "article_id": id_, "title": title, "snippet": snippet}
            for id_, title, snippet in articles
        ] + [
            {
                "kind": kind,
                "ref": ref,
                "article_id": aid,
                "start": start,
                "end": end,
                "text": text,
                "snippet": marked,
            }
            for kind, ref, aid, start, end, text, marked in passages
        ]

    # -- failures -----------------------------------------------------------------------------

    def add_failures(self, run_id: str, failures: Iterable[Failure]) -> None:
        rows = [(run_id, f.source, f.stage, f.message, _now()) for f in failures]
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO failures (run_id, source, stage, message, at) VALUES (?,?,?,?,?)", rows
            )

    def failures(self, run_id: str | None = None) -> list[Failure]:
        """The failures of one run, or of the latest run that had any."""
        if run_id is None:
            row = self.conn.execute("SELECT run_id FROM failures ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return []
            run_id = row[0]
        rows = self.conn.execute(
            "SELECT source, stage, message FROM failures WHERE run_id = ? ORDER BY id", (run_id,)
        ).fetchall()
        return [Failure(source=s, stage=st, message=m) for s, st, m in rows]

    def check(self) -> list[str]:
        """SQLite's own integrity check; an empty list means the file is sound."""
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        return [] if rows == [("ok",)] else [r[0] for r in rows]


def _packed(payload: Any) -> bytes:
    """JSON, compressed: a briefing's quotes, claims and lines repeat their keys and ids."""
    return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)


def fts_query(text: str) -> str:
    """A safe FTS5 query from what a person typed: every word quoted, the last as a prefix."""
    words = re.findall(r"\w+", text)[:20]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _meta(article: Article) -> dict:
    return {
        "authors": list(article.authors),
        "updated": article.updated.isoformat() if article.updated else None,
        "language": article.language,
    }


def _article_from_row(row: tuple) -> Article:
    (id_, source, title, outlet, url, published, published_from, text, removed, _added, meta) = row
    return from_dict(
        Article,
        {
            "id": id_,
            "source": source,
            "title": title,
            "outlet": outlet,
            "url": url,
            "published": published,
            "published_from": published_from,
            "text": text,
            "removed": json.loads(removed),
            **json.loads(meta or "{}"),
        },
    )
