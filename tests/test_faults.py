"""Faults and abuse, on real processes and real SQLite files: each case of issue 18 (a text
spaCy refuses, racing migrations, binary junk, huge JSONL lines, killed runs) must end as a
one-line failure of the item at fault, never a crash, a poisoned store or a lost record."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storyline.store import SCHEMA_VERSION, Store

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
