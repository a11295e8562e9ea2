"""Benchmark: how long storyline takes to brief, next to the bare spaCy + MiniLM a user would write.

Measures, in one run:
  1. cold end-to-end `storyline brief` of the five seed articles, as a fresh subprocess each
     time (so Python start-up and model loading count), 3 runs, min and median wall seconds;
  2. in-process throughput on one Timeline17 topic (default bpoil_bbc, ~293 articles): model
     load, then ingest, parse, embed and the corpus stages, each timed, and articles/s overall;
  3. the peer on the same cleaned texts: `nlp.pipe(texts, batch_size=16)` with the same spaCy
     pipeline, and sentence-transformers (PyTorch; storyline runs the same model in onnxruntime)
     over every sentence that pass splits (no cap);
  3b. storyline's three models run bare on the same input, with nothing around them: the spaCy
     pass, the quote tagger (transformer + CRF) over its parses, and the onnxruntime MiniLM over
     exactly the sentences storyline embedded. End-to-end over this is the cost of everything
     storyline adds to its models (target: within 1.25x, BENCHMARKS.md "Where the time goes");
  4. the machine (CPU, cores, RAM, Python and library versions).

Run from the project root:
    .venv/bin/python bench/bench_brief.py [--shared ../shared] [--topic bpoil_bbc] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

COLD_RUNS = 3
COLD_TARGET_S = 10.0
THROUGHPUT_TARGET = 10.0  # articles/s, after models are loaded
BARE_MODELS_TARGET = 1.25  # end-to-end over storyline's three models run bare


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {}
    for pkg in ("torch", "spacy", "sentence-transformers", "storyline"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{ram_kb / 2**20:.1f} GiB",
        "Python": platform.python_version(),
        **versions,
    }


def busy_seconds() -> tuple[float, float, float]:
    """(CPU seconds all processes have used, CPU seconds this process and its children used,
    CPU seconds the hypervisor took from this VM: steal, invisible as other processes)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    own = sum(
        u.ru_utime + u.ru_stime
        for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )
    return (user + nice + system + irq + softirq) / tick, own, steal / tick


def cold_brief(shared: Path) -> list[float]:
    """Wall seconds of `storyline brief` on the seeds, each in a fresh process and store."""
    exe = Path(sys.executable).parent / "storyline"
    seeds = shared / "seeds"
    times = []
    for _ in range(COLD_RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [
                str(exe),
                "brief",
                str(seeds),
                "--manifest",
                str(seeds / "manifest.jsonl"),
                "--db",
                str(Path(tmp) / "cold.db"),
                "-q",
            ]
            start = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"storyline brief failed ({done.returncode}):\n{done.stderr}")
    return times


def write_topic(shared: Path, topic: str, path: Path) -> int:
    records = json.loads((shared / "data" / "timeline17" / topic / "articles.json").read_text())
    with path.open("w", encoding="utf-8") as f:
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
    return len(records)


def throughput(shared: Path, topic: str) -> dict:
    from storyline import nlp, pipeline
    from storyline.quotes import extract as quotes
    from storyline.store import Store

    r: dict = {}
    start = time.perf_counter()
    nlp.spacy_pipeline()
    nlp.embedding_model()
    r["load"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / f"{topic}.jsonl"
        r["records"] = write_topic(shared, topic, jsonl)
        with Store(Path(tmp) / "bench.db") as store:
            t0 = time.perf_counter()
            result = pipeline.ingest([jsonl], store)
            articles = store.articles(result.article_ids)
            t1 = time.perf_counter()
            analyses = pipeline.analyze_articles(store, articles)
            t2 = time.perf_counter()
            embedding = {"seconds": 0.0, "texts": 0}

            embedded: list[str] = []

            def timed_embed(texts):
                embedded.extend(texts)
                begin = time.perf_counter()
                rows = pipeline.embed_texts(store, texts)
                embedding["seconds"] += time.perf_counter() - begin
                embedding["texts"] += len(texts)
                return rows

            quoting = {"seconds": 0.0}
            extract_all_quotes = quotes.extract_all_quotes

            def timed_quotes(*args, **kwargs):
                begin = time.perf_counter()
                try:
                    return extract_all_quotes(*args, **kwargs)
                finally:
                    quoting["seconds"] += time.perf_counter() - begin

            quotes.extract_all_quotes = timed_quotes
            try:
                briefing = pipeline.corpus_stages(articles, analyses, timed_embed)
            finally:
                quotes.extract_all_quotes = extract_all_quotes
            t4 = time.perf_counter()
            t3 = t2 + embedding["seconds"]
    r.update(
        ingest=t1 - t0,
        parse=t2 - t1,
        embed=t3 - t2,
        corpus=t4 - t3,
        total=t4 - t0,
        quoting=quoting["seconds"],
        articles=len(articles),
        failures=len(result.failures),
        events=len(briefing.events),
        quotes=len(briefing.quotes),
        embedded=embedding["texts"],
        sentences=sum(len(a.sentences) for a in analyses.values()),
    )
    r["texts"] = [a.text for a in articles]
    r["bare"] = bare_models(articles, list(analyses.values()), embedded)
    return r


def bare_models(articles, analyses, embedded: list[str]) -> dict:
    """storyline's three models alone, on the input storyline gave them: spaCy over the
    articles, the quote tagger over the parses, MiniLM (onnxruntime) over the embedded
    sentences."""
    from storyline import nlp
    from storyline.quotes.extract import find_quoted_spans
    from storyline.quotes.tagger import load_tagger, tag_analysis

    spacy_nlp = nlp.spacy_pipeline()
    start = time.perf_counter()
    for _ in spacy_nlp.pipe([a.text for a in articles], batch_size=16):
        pass
    parse = time.perf_counter() - start
    tagger = load_tagger()
    by_id = {a.id: a for a in articles}
    start = time.perf_counter()
    for analysis in analyses:
        text = by_id[analysis.article_id].text
        tag_analysis(text, analysis, find_quoted_spans(text), tagger)
    tag = time.perf_counter() - start
    start = time.perf_counter()
    nlp.embed(embedded)
    embed = time.perf_counter() - start
    return {"parse": parse, "tag": tag, "embed": embed, "total": parse + tag + embed}


def peer(texts: list[str]) -> dict:
    """The bare spaCy pass, then MiniLM over every sentence it split."""
    from storyline import nlp

    spacy_nlp = nlp.spacy_pipeline()
    start = time.perf_counter()
    docs = list(spacy_nlp.pipe(texts, batch_size=16))
    parse = time.perf_counter() - start
    start = time.perf_counter()  # the ceiling of any tool that runs this pipeline on both cores
    for _ in spacy_nlp.pipe(texts, batch_size=16, n_process=2):
        pass
    parse2 = time.perf_counter() - start
    sents = [s.text.strip() for doc in docs for s in doc.sents if s.text.strip()]
    from sentence_transformers import SentenceTransformer  # the peer runs PyTorch, as users do

    model = SentenceTransformer(nlp.embedding_model_name(), device="cpu")
    start = time.perf_counter()
    model.encode(sents, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    embed = time.perf_counter() - start
    return {"parse": parse, "parse2": parse2, "embed": embed, "sentences": len(sents), "articles": len(texts)}


def table(cold: list[float], s: dict, p: dict, topic: str) -> tuple[list[str], list[list[str]]]:
    n = s["articles"]
    rate = n / s["total"]
    ok = lambda met: "met" if met else "MISSED"  # noqa: E731
    cold_min, cold_med = min(cold), statistics.median(cold)
    head = ["measure", "storyline", "peer (bare spaCy / sentence-transformers)", "target"]
    rows = [
        [
            f"cold `storyline brief`, 5 seeds ({COLD_RUNS} runs)",
            f"min {cold_min:.2f} s, median {cold_med:.2f} s",
            "",
            f"< {COLD_TARGET_S:.0f} s: {ok(cold_med < COLD_TARGET_S)}",
        ],
        ["model load (spaCy + MiniLM, in process)", f"{s['load']:.2f} s", "(same models)", ""],
        [f"ingest ({n} articles of {topic})", f"{s['ingest']:.2f} s", "", ""],
        [
            "parse (spaCy)",
            f"{s['parse']:.2f} s = {n / s['parse']:.1f} articles/s",
            f"{p['parse']:.2f} s = {p['articles'] / p['parse']:.1f} articles/s",
            "",
        ],
        [
            "parse, bare spaCy in 2 processes (`n_process=2`)",
            "",
            f"{p['parse2']:.2f} s = {p['articles'] / p['parse2']:.1f} articles/s",
            "",
        ],
        [
            "embed (MiniLM; storyline: onnxruntime, peer: PyTorch)",
            f"{s['embed']:.2f} s = {s['embedded'] / s['embed']:.0f} sentences/s "
            f"({s['embedded']} sentences, lead + lexically aligned, cached by text)",
            f"{p['embed']:.2f} s = {p['sentences'] / p['embed']:.0f} sentences/s "
            f"({p['sentences']} sentences, all)",
            "",
        ],
        ["corpus stages (entities .. claims)", f"{s['corpus']:.2f} s", "", ""],
        [
            "of which quote extraction (attribution transformer, CRF, rules, speakers)",
            f"{s['quoting']:.2f} s = {s['articles'] / s['quoting']:.1f} articles/s",
            "",
            "",
        ],
        [
            "total after load",
            f"{s['total']:.2f} s = {rate:.1f} articles/s",
            f"{p['parse'] + p['embed']:.2f} s (parse + embed all)",
            f">= {THROUGHPUT_TARGET:.0f} articles/s: {ok(rate >= THROUGHPUT_TARGET)}",
        ],
        [
            "storyline's three models bare (spaCy, quote tagger, MiniLM onnx), same input",
            f"{s['bare']['total']:.2f} s (parse {s['bare']['parse']:.2f}, tagger {s['bare']['tag']:.2f}, "
            f"embed {s['bare']['embed']:.2f}); end-to-end / bare = {s['total'] / s['bare']['total']:.2f}x",
            "",
            f"<= {BARE_MODELS_TARGET:.2f}x: {ok(s['total'] / s['bare']['total'] <= BARE_MODELS_TARGET)}",
        ],
        [
            "output",
            f"{n} articles ({s['failures']} failures), {s['events']} events, {s['quotes']} quotes",
            "",
            "",
        ],
    ]
    return head, rows


def print_table(head: list[str], rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--topic", default="bpoil_bbc")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    info = machine()
    print(f"storyline benchmark, {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    for key, value in info.items():
        print(f"  {key}: {value}")
    wall0, (busy0, own0, steal0) = time.perf_counter(), busy_seconds()
    print(f"cold brief x{COLD_RUNS} ...", file=sys.stderr, flush=True)
    cold = cold_brief(args.shared)
    print(f"throughput on {args.topic} ...", file=sys.stderr, flush=True)
    s = throughput(args.shared, args.topic)
    print("peer ...", file=sys.stderr, flush=True)
    p = peer(s.pop("texts"))
    wall, (busy, own, steal) = time.perf_counter() - wall0, busy_seconds()
    others = max(0.0, (busy - busy0) - (own - own0))
    print(f"cold runs: {', '.join(f'{t:.2f}' for t in cold)} s")
    print(
        f"other processes used {others:.0f} CPU-seconds during the {wall:.0f} s run "
        f"({others / (wall * (os.cpu_count() or 1)):.0%} of the machine)"
        + ("; figures are skewed, rerun on a quiet machine" if others > 0.05 * wall else "")
    )
    print(f"the hypervisor took {steal - steal0:.0f} CPU-seconds from this VM (steal)")
    print()
    print_table(*table(cold, s, p, args.topic), args.markdown)


if __name__ == "__main__":
    main()
