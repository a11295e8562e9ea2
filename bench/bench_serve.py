"""Benchmark: latency of the web app's event page and its JSON twin for a large event.

Builds (once; reused with --db) a store from one Timeline17 topic (default bpoil_bbc, ~293
articles). The clustering splits such a topic into many small events, so for the worst case the
stored briefing is replaced by one made with the clustering threshold lifted: every stage runs
for real, over one event holding all the articles (its claims, quotes, timeline and coverage
matrix are those of ~300 articles). It then starts `storyline serve` on a loopback port in its
own process and requests the page of the largest event and its `.json` twin N times each, one
after another, with httpx. Reports median, p95 and max in milliseconds, and the first request
after start-up.

With --load it is a bounded load test instead: the sample corpus (examples/sample) in a
store, `storyline serve` in its own process, and --clients (20) clients at once, each asking
for the main pages in turn (corpus, event, article, entity, search, and their JSON twins)
--rounds times; reports p50, p95 and max per page and overall, and the errors (there must be 0).

Run from the project root:
    .venv/bin/python bench/bench_serve.py [--shared ../shared] [--topic bpoil_bbc]
        [--db /tmp/bench_serve.db] [--requests 200] [--markdown]
    .venv/bin/python bench/bench_serve.py --load [--clients 20] [--rounds 10] [--markdown]
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
import threading
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


def _start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    exe = [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port), "-q"]
    server = subprocess.Popen(
        exe, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "STORYLINE_TOKEN": ""}
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            httpx.get(f"{base}/index.json", timeout=120).raise_for_status()
            return server, base
        except httpx.TransportError:
            if server.poll() is not None:
                sys.exit(f"server exited: {server.stderr.read().decode()}")
            time.sleep(0.2)


def main_pages(base: str) -> dict[str, str]:
    """One URL of each main page of the store, and the JSON twins."""
    corpus = httpx.get(f"{base}/index.json").json()
    event = max(corpus["events"], key=lambda e: e["articles"])["href"]
    data = httpx.get(f"{base}{event}.json").json()
    article = data["articles"][0]["href"]
    entity = "/entities/" + next(g["entity_id"] for g in data["quotes"] if g.get("entity_id"))
    pages = {
        "corpus": "/",
        "event": event,
        "article": article,
        "entity": entity,
        "search": "/search?q=treaty",
    }
    pages |= {f"{name} JSON": _json_twin(url) for name, url in pages.items()}
    return pages


def _json_twin(url: str) -> str:
    path, _, query = url.partition("?")
    return (path.rstrip("/") or "/index") + ".json" + (f"?{query}" if query else "")


def load(db: Path, clients: int, rounds: int) -> dict:
    """`clients` threads at once, each asking for every main page `rounds` times."""
    server, base = _start_server(db)
    try:
        pages = main_pages(base)
        timings: dict[str, list[float]] = {name: [] for name in pages}
        errors: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(clients)

        def client_run(seed: int) -> None:
            order = list(pages.items())
            with httpx.Client(base_url=base, timeout=60) as client:
                barrier.wait()
                for turn in range(rounds):
                    shift = (seed + turn) % len(order)  # clients ask for different pages at once
                    for name, url in order[shift:] + order[:shift]:
                        t = time.perf_counter()
                        try:
                            status = client.get(url).status_code
                        except httpx.HTTPError as e:
                            status = f"{type(e).__name__}"
                        ms = (time.perf_counter() - t) * 1000
                        with lock:
                            timings[name].append(ms)
                            if status != 200:
                                errors.append(f"{url}: {status}")

        started = time.perf_counter()
        threads = [threading.Thread(target=client_run, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    every = [ms for values in timings.values() for ms in values]
    return {
        "clients": clients,
        "rounds": rounds,
        "requests": len(every),
        "errors": errors,
        "seconds": wall,
        "pages": {
            name: {
                "median_ms": statistics.median(v),
                "p95_ms": percentile(v, 0.95),
                "max_ms": max(v),
            }
            for name, v in timings.items()
        },
        "all": {
            "median_ms": statistics.median(every),
            "p95_ms": percentile(every, 0.95),
            "max_ms": max(every),
        },
    }


def load_markdown(r: dict) -> str:
    rows = [
        f"Store: the sample corpus (examples/sample, 8 articles). {r['clients']} clients at once, each "
        f"asking for {len(r['pages'])} pages {r['rounds']} times: {r['requests']} requests in "
        f"{r['seconds']:.1f} s ({r['requests'] / r['seconds']:.0f} a second), {len(r['errors'])} errors.",
        "",
        "| page | median | p95 | max |",
        "|---|---|---|---|",
    ]
    for name, v in [*r["pages"].items(), ("all pages", r["all"])]:
        rows.append(f"| {name} | {v['median_ms']:.1f} ms | {v['p95_ms']:.1f} ms | {v['max_ms']:.1f} ms |")
    met = r["all"]["p95_ms"] < P95_TARGET_MS and not r["errors"]
    rows += [
        "",
        f"Target p95 < {P95_TARGET_MS:.0f} ms at {r['clients']} clients, 0 errors: "
        + ("met." if met else "NOT met."),
    ]
    return "\n".join(rows)


def build_sample_store(db: Path) -> None:
    from storyline import brief

    root = Path(__file__).resolve().parent.parent / "examples" / "sample"
    brief([root], manifest=root / "manifest.jsonl", db=db)


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
    parser.add_argument("--load", action="store_true", help="the load test on the sample store")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--as-clustered",
        action="store_true",
        help="keep the real clustering (many small events) instead of one event",
    )
    args = parser.parse_args()
    if args.load:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "sample.db"
            build_sample_store(db)
            result = load(db, args.clients, args.rounds)
        print(load_markdown(result) if args.markdown else json.dumps(result, indent=2))
        return
    build_s = build_store(args.shared, args.topic, args.db, not args.as_clustered)
    result = measure(args.db, args.requests)
    print(markdown(result, args.topic, build_s) if args.markdown else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
