"""Benchmark: latency of the web app's event page and its JSON twin for a large event.

Builds (once; reused with --db) a store from one Timeline17 topic (default bpoil_bbc, ~293
articles). The clustering splits such a topic into many small events, so for the worst case the
stored briefing is replaced by one made with the clustering threshold lifted: every stage runs
for real, over one event holding all the articles (its claims, quotes, timeline and coverage
matrix are those of ~300 articles). It then starts `storyline serve` on a loopback port in its
own process and requests the page of the largest event and its `.json` twin N times each, one
after another, with httpx. Reports median, p95 and max in milliseconds, and the first request
after start-up.

Run from the project root:
    .venv/bin/python bench/bench_serve.py [--shared ../shared] [--topic bpoil_bbc]
        [--db /tmp/bench_serve.db] [--requests 200] [--markdown]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

P95_TARGET_MS = 200.0


def brief_as_one_event(store) -> None:
    """Store, as the briefing of all articles, one where they all form a single event."""
    from storyline import cluster, pipeline
    from storyline.serialize import to_dict

    articles = store.articles()
    analyses = pipeline.analyze_articles(store, articles)
    real = cluster.cluster_events

    def one_event(*args, **kwargs):
        return real(*args, **{**kwargs, "threshold": -1.0, "max_gap_days": 10**6})

    cluster.cluster_events = one_event
    try:
        briefing = pipeline.corpus_stages(
            articles, analyses, lambda texts: pipeline.embed_texts(store, texts)
        )
    finally:
        cluster.cluster_events = real
    key = hashlib.sha1(",".join(sorted(a.id for a in articles)).encode()).hexdigest()
    store.put_output("briefing", key, pipeline.BRIEFING_VERSION, to_dict(briefing))


def build_store(shared: Path, topic: str, db: Path, one_event: bool) -> float:
    """Ingest and brief the topic into `db`; return the seconds it took (0 when reused)."""
    from storyline import pipeline
    from storyline.store import Store

    with Store(db) as store:
        if store.count_articles():
            return 0.0
        start = time.perf_counter()
        records = json.loads((shared / "data" / "timeline17" / topic / "articles.json").read_text())
        with tempfile.TemporaryDirectory() as tmp:
            jsonl = Path(tmp) / f"{topic}.jsonl"
            with jsonl.open("w", encoding="utf-8") as f:
                for r in records:
                    f.write(
                        json.dumps(
                            {
                                "text": r["text"],
                                "published": r["dct"],
                                "outlet": topic,
                                "url": f"t17://{topic}/{r['uid']}",
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
            pipeline.ingest([jsonl], store)
        if one_event:
            brief_as_one_event(store)
        else:
            pipeline.build_briefing(store, [a.id for a in store.articles()])
        return time.perf_counter() - start


def _free_port() -> int:
    from storyline.web.server import free_port

    return free_port()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(db: Path, requests: int) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    exe = [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port), "-q"]
    started = time.perf_counter()
    server = subprocess.Popen(
        exe, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "STORYLINE_TOKEN": ""}
    )
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                try:
                    first = time.perf_counter()
                    corpus = client.get("/index.json").json()
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        sys.exit(f"server exited: {server.stderr.read().decode()}")
                    time.sleep(0.2)
            ready = time.perf_counter() - started
            first_corpus = time.perf_counter() - first
            event = max(corpus["events"], key=lambda e: e["articles"])
            path = event["href"]
            result = {
                "articles_in_store": corpus["articles"],
                "events": len(corpus["events"]),
                "event_articles": event["articles"],
                "event_outlets": event["outlets"],
                "server_ready_s": ready,
                "first_corpus_ms": first_corpus * 1000,
            }
            data = client.get(path + ".json").json()
            result.update(
                claims=len(data["claims"]),
                timeline=len(data["timeline"]),
                quotes=sum(g["count"] for g in data["quotes"]),
            )
            for name, url in (("page", path), ("json", path + ".json")):
                t = time.perf_counter()
                answer = client.get(url)
                result[f"{name}_first_ms"] = (time.perf_counter() - t) * 1000
                result[f"{name}_bytes"] = len(answer.content)
                answer.raise_for_status()
            timings: dict[str, list[float]] = {"page": [], "json": []}
            for _ in range(requests):  # interleaved, so both see the same machine load
                for name, url in (("page", path), ("json", path + ".json")):
                    t = time.perf_counter()
                    client.get(url).raise_for_status()
                    timings[name].append((time.perf_counter() - t) * 1000)
            for name, values in timings.items():
                result[f"{name}_median_ms"] = statistics.median(values)
                result[f"{name}_p95_ms"] = percentile(values, 0.95)
                result[f"{name}_max_ms"] = max(values)
            article = client.get(path + ".json").json()["articles"][0]["href"]
            values = []
            for _ in range(max(20, requests // 5)):
                t = time.perf_counter()
                client.get(article).raise_for_status()
                values.append((time.perf_counter() - t) * 1000)
            result["article_median_ms"] = statistics.median(values)
            result["article_p95_ms"] = percentile(values, 0.95)
            result["requests"] = requests
    finally:
        server.terminate()
        server.wait(10)
    return result


def markdown(r: dict, topic: str, build_s: float) -> str:
    rows = [
        f"Store: Timeline17 `{topic}`, {r['articles_in_store']} articles, {r['events']} events; "
        f"largest event: {r['event_articles']} articles from {r['event_outlets']} outlet(s), "
        f"{r['claims']} claims, {r['quotes']} quotes, {r['timeline']} timeline entries. "
        f"Server ready {r['server_ready_s']:.1f} s after start "
        + (f"(store built in {build_s:.0f} s)." if build_s else "(store reused)."),
        "",
        f"| request ({r['requests']} each, sequential) | first | median | p95 | max | size |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in (("page", "event page (HTML)"), ("json", "event JSON twin")):
        rows.append(
            f"| {label} | {r[f'{name}_first_ms']:.0f} ms | {r[f'{name}_median_ms']:.1f} ms "
            f"| {r[f'{name}_p95_ms']:.1f} ms | {r[f'{name}_max_ms']:.1f} ms "
            f"| {r[f'{name}_bytes'] / 1024:.0f} KiB |"
        )
    rows.append(
        f"| article page (HTML) | | {r['article_median_ms']:.1f} ms | {r['article_p95_ms']:.1f} ms | | |"
    )
    verdict = all(r[f"{n}_p95_ms"] < P95_TARGET_MS for n in ("page", "json"))
    rows += ["", f"Target p95 < {P95_TARGET_MS:.0f} ms: {'met' if verdict else 'NOT met'}."]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--topic", default="bpoil_bbc")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench_serve.db")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--as-clustered",
        action="store_true",
        help="keep the real clustering (many small events) instead of one event",
    )
    args = parser.parse_args()
    build_s = build_store(args.shared, args.topic, args.db, not args.as_clustered)
    result = measure(args.db, args.requests)
    print(markdown(result, args.topic, build_s) if args.markdown else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
