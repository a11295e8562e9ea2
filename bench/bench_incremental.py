"""Benchmark: adding 10 articles to a store of ~1,600 against briefing the whole store anew.

Ingests real articles into a fresh store (every Timeline17 article but the 10 latest, then
PolNeAR train texts up to `--size`), briefs them all (the full rebuild: parse, quote tagging,
embedding and the corpus stages), then ingests the 10 held-back Timeline17 articles and briefs
the 1,610 (the incremental add), then briefs the same 1,610 again (the stored briefing). Each
phase prints its wall seconds and the seconds of each stage the pipeline logs, and the store's
size, its briefing rows and its memo rows (the corpus-stage pieces, `storyline.memo`).

Run from the project root (minutes: every article is parsed once):
    PYTHONPATH=src .venv/bin/python bench/bench_incremental.py [--shared ../shared] [--size 1600]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from storyline import pipeline
from storyline.evaluate.tls import read_topic
from storyline.store import Store

ADDED = 10
_STAGE = re.compile(r"^stage (?P<name>[\w ]+?): .* in (?P<seconds>[0-9.]+) s$")


class _StageTimes(logging.Handler):
    """Sums the seconds of each `stage NAME: ... in S s` line the pipeline logs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: dict[str, float] = defaultdict(float)

    def emit(self, record: logging.LogRecord) -> None:
        match = _STAGE.match(record.getMessage())
        if match:
            self.seconds[match["name"]] += float(match["seconds"])


def _records(shared: Path, size: int) -> tuple[list[dict], list[dict]]:
    """(the base records, the 10 to add): JSONL records with text, date and outlet."""
    timeline17 = []
    for folder in sorted((shared / "data" / "timeline17").iterdir()):
        if not (folder / "articles.json").is_file():
            continue
        outlet = folder.name.rpartition("_")[2].upper()
        for article in read_topic(folder).articles:
            published = article.published.isoformat() if article.published else None
            timeline17.append({"text": article.text, "published": published, "outlet": outlet})
    timeline17.sort(key=lambda r: (r["published"] or "", r["text"][:80]))
    base, added = timeline17[:-ADDED], timeline17[-ADDED:]
    polnear = sorted((shared / "data" / "polnear" / "train" / "text").glob("*.txt"))
    for path in polnear[: max(0, size - len(base))]:
        base.append({"text": path.read_text("utf-8"), "outlet": "PolNeAR"})
    return base[:size], added


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _phase(name: str, store: Store, sources: list[Path], ids: list[str]) -> tuple[list[str], dict]:
    """Ingest `sources` (none: brief `ids` again), brief all, return the ids and the figures."""
    handler = _StageTimes()
    logger = logging.getLogger("storyline")
    logger.addHandler(handler)
    started = time.perf_counter()
    try:
        if sources:
            result = pipeline.ingest(sources, store)
            ids = list(dict.fromkeys([*ids, *result.article_ids]))
        briefing = pipeline.build_briefing(store, ids)
    finally:
        logger.removeHandler(handler)
    wall = time.perf_counter() - started
    figures = {
        "phase": name,
        "articles": len(briefing.articles),
        "events": len(briefing.events),
        "quotes": len(briefing.quotes),
        "wall_s": round(wall, 2),
        "stages_s": {k: round(v, 2) for k, v in handler.seconds.items()},
    }
    print(json.dumps(figures), flush=True)
    return ids, figures


def _briefing_rows(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        table = "briefings" if "briefings" in tables else "stage_outputs"
        where = "" if table == "briefings" else " WHERE stage = 'briefing'"
        rows, size = conn.execute(f"SELECT COUNT(*), SUM(LENGTH(payload)) FROM {table}{where}").fetchone()
        memo = (
            conn.execute("SELECT COUNT(*), SUM(LENGTH(payload)) FROM memo").fetchone()
            if "memo" in tables
            else (None, None)
        )
    finally:
        conn.close()
    return {
        "briefing_rows": rows,
        "briefing_bytes": size,
        "memo_rows": memo[0],
        "memo_bytes": memo[1],
        "store_bytes": os.path.getsize(db),
    }


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a store (SQLite's backup API; the source may be open)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--size", type=int, default=1600, help="articles in the base store")
    parser.add_argument("--snapshot", type=Path, help="save a copy of the store after the full phase here")
    parser.add_argument(
        "--start-from", type=Path, help="start from a copy of this store (a --snapshot): parses are reused"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("storyline").setLevel(logging.INFO)
    base, added = _records(args.shared, args.size)
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        if args.start_from:
            _copy(args.start_from, db)
        with Store(db) as store:
            ids, full = _phase("full", store, [_write(Path(folder) / "base.jsonl", base)], [])
            if args.snapshot:
                _copy(db, args.snapshot)
            ids, incremental = _phase("add 10", store, [_write(Path(folder) / "added.jsonl", added)], ids)
            _, again = _phase("again", store, [], ids)
        share = incremental["wall_s"] / full["wall_s"]
        print(json.dumps({"incremental_share_of_full": round(share, 4), **_briefing_rows(db)}))
        print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
