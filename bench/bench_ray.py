"""Benchmark: articles per second of the per-article stages (clean, parse, quote tags), in one
process and on a local Ray cluster of 1 and 2 worker nodes, and Ray's start-up overhead.

Each measure runs in a fresh process on the same corpus (the first N articles of a Timeline17
topic as JSONL) into a fresh store:
  1. single process: `pipeline.ingest`, `analyze_articles` (2 parse processes from 48
     articles, as `brief` does) and `tag_articles`; model loading timed apart;
  2. Ray, for 1 and 2 nodes (one CPU each, `scripts/with-ray-cluster.sh`): the cluster's
     start, then `pipeline.ingest(..., ray=...)` on one article (the fixed cost: connecting,
     one actor per CPU loading its models, writing and loading the Parquet), then on the corpus.

Run from the project root, on an otherwise idle machine:
    .venv/bin/python bench/bench_ray.py [--shared ../shared] [--topic bpoil_bbc] [--limit 120]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_corpus(shared: Path, topic: str, limit: int, path: Path) -> int:
    records = json.loads((shared / "data" / "timeline17" / topic / "articles.json").read_text())[:limit]
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            row = {
                "text": r["text"],
                "published": r["dct"],
                "outlet": topic,
                "url": f"t17://{topic}/{r['uid']}",
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(records)


def single(corpus: Path) -> dict:
    """The per-article stages in this process (the child of `main`)."""
    from storyline import nlp, pipeline
    from storyline.quotes.tagger import load_tagger
    from storyline.store import Store

    started = time.perf_counter()
    nlp.spacy_pipeline()
    load_tagger()
    loaded = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.db") as store:
        result = pipeline.ingest([corpus], store)
        articles = store.articles(result.article_ids)
        analyses = pipeline.analyze_articles(store, articles)
        pipeline.tag_articles(store, articles, analyses)
    return {"load_s": loaded - started, "work_s": time.perf_counter() - loaded, "articles": len(articles)}


def on_ray(corpus: Path, one: Path) -> dict:
    """`ingest --ray` on one article, then on the corpus (the child of `main`, in the cluster's
    namespace)."""
    from storyline import pipeline
    from storyline.distributed import RayOptions
    from storyline.store import Store

    address = os.environ["STORYLINE_RAY_ADDRESS"]
    figures = {}
    for name, path in (("one", one), ("corpus", corpus)):
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.db") as store:
            started = time.perf_counter()
            result = pipeline.ingest([path], store, ray=RayOptions(address=address, output=Path(tmp) / "pq"))
            figures[f"{name}_s"] = time.perf_counter() - started
            figures[f"{name}_articles"] = len(result.article_ids)
    return figures


def _child(*args: str, nodes: int | None = None) -> tuple[dict, float]:
    command = [sys.executable, __file__, *args]
    env = dict(os.environ)
    if nodes is not None:
        ray = Path(sys.executable).parent / "ray"
        command = [str(ROOT / "scripts" / "with-ray-cluster.sh"), *command]
        env.update(RAY=str(ray), RAY_NODES=str(nodes), RAY_PORT=env.get("RAY_PORT", "6395"))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--topic", default="bpoil_bbc")
    parser.add_argument("--limit", type=int, default=120)
    parser.add_argument("--single", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--on-ray", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(single(args.single)))
        return
    if args.on_ray:
        print(json.dumps(on_ray(*args.on_ray)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, one = Path(tmp) / "corpus.jsonl", Path(tmp) / "one.jsonl"
        n = write_corpus(args.shared, args.topic, args.limit, corpus)
        one.write_text(corpus.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
        alone, _ = _child("--single", str(corpus))
        rows = [
            ("single process (models loaded)", alone["work_s"], alone["articles"]),
            ("single process (with model load)", alone["work_s"] + alone["load_s"], alone["articles"]),
        ]
        print(f"{n} articles of {args.topic}; models load in {alone['load_s']:.1f} s", file=sys.stderr)
        for nodes in (1, 2):
            ray, wall = _child("--on-ray", str(corpus), str(one), nodes=nodes)
            rows.append((f"Ray, {nodes} node(s)", ray["corpus_s"], ray["corpus_articles"]))
            start = wall - ray["one_s"] - ray["corpus_s"]
            print(
                f"Ray {nodes} node(s): cluster start + process {start:.1f} s, one article "
                f"{ray['one_s']:.1f} s (the fixed cost per run)",
                file=sys.stderr,
            )
    print("| run | seconds | articles | articles/s |\n|---|---|---|---|")
    for name, seconds, count in rows:
        print(f"| {name} | {seconds:.1f} | {count} | {count / seconds:.2f} |")


if __name__ == "__main__":
    main()
