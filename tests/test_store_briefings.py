"""Stored briefings: small (ids, not article texts), bounded (the most recently used few), one
version, and written so that a kill -9 at any moment leaves a sound store."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storyline.store import Store
from storyline.store.migrations import MIGRATIONS, SCHEMA_VERSION


def _rows(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM briefings").fetchone()[0]


def test_a_briefing_round_trips_with_its_article_ids_in_order(store):
    store.put_briefing("k1", "v1", ["b", "a"], {"events": [1, 2]})
    assert store.get_briefing("k1", "v1") == (["b", "a"], {"events": [1, 2]})
    assert store.get_briefing("k1", "v2") is None
    assert store.get_briefing("k2", "v1") is None


def test_only_the_most_recently_used_briefings_are_kept(store):
    for key in ("k1", "k2", "k3"):
        store.put_briefing(key, "v", [key], {}, keep=3)
    assert store.briefing_keys() == ["k3", "k2", "k1"]
    assert store.get_briefing("k1", "v") is not None  # used: now the newest
    store.put_briefing("k4", "v", ["k4"], {}, keep=3)
    assert store.briefing_keys() == ["k4", "k1", "k3"]  # k2, the least recently used, is gone
    assert store.get_briefing("k2", "v") is None
    store.put_briefing("k5", "v", ["k5"], {}, keep=1)
    assert store.briefing_keys() == ["k5"]


def test_storing_a_new_version_removes_the_superseded_ones(store):
    store.put_briefing("k1", "old", ["a"], {})
    store.put_briefing("k2", "old", ["b"], {})
    store.put_briefing("k1", "new", ["a"], {"x": 1})
    assert store.briefing_keys() == ["k1"]
    assert store.get_briefing("k1", "old") is None
    assert store.get_briefing("k1", "new") == (["a"], {"x": 1})


def test_a_version_3_store_loses_its_old_briefing_rows_and_keeps_the_rest(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for version, script in MIGRATIONS[:3]:
        conn.executescript(f"BEGIN;{script}PRAGMA user_version = {version};COMMIT;")
    for stage in ("briefing", "analysis"):
        conn.execute(
            "INSERT INTO stage_outputs VALUES (?, 'k', 'v', ?, 'then')", (stage, json.dumps({"s": stage}))
        )
    conn.close()
    with Store(db) as store:
        assert store.get_output("analysis", "k", "v") == {"s": "analysis"}
        assert store.get_output("briefing", "k", "v") is None
        assert store.briefing_keys() == []
        store.put_briefing("k", "v", ["a"], {})
        assert store.briefing_keys() == ["k"]
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5


_WRITER = """
import sys
from storyline.store import Store
with Store(sys.argv[1]) as store:
    i = 0
    while True:
        store.put_briefing(f"k{i}", "v", [f"a{i}"], {"n": i, "pad": "x" * 20000}, keep=3)
        store.get_briefing(f"k{i // 2}", "v")
        i += 1
"""


def test_briefings_written_under_kill_9_leave_a_sound_bounded_store(tmp_path):
    db = tmp_path / "s.db"
    chance = random.Random(17)
    src = Path(__file__).resolve().parents[1] / "src"
    for _ in range(4):
        run = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db)], env={"PYTHONPATH": str(src)}, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3 + chance.random())  # a random point among the writes
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        run.kill()
        run.wait(30)
        with Store(db) as store:
            assert store.check() == []
            assert 1 <= _rows(store) <= 3
            for key in store.briefing_keys():
                ids, payload = store.get_briefing(key, "v") or ([], {})
                assert ids == [f"a{payload['n']}"] and key == f"k{payload['n']}"  # whole rows only
