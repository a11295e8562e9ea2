"""Benchmark: the cost of the corpus stages against corpus size, 100 to 100,000 articles.

What it measures: `pipeline.corpus_stages` (entities merge, dedup, dates, events, stories,
quotes, quote groups, claims, timelines, corpus timeline), seconds per stage and peak memory,
each size N in a fresh subprocess. The per-article stages before it (parsing, quote tagging)
are linear by construction and measured in bench_brief.py; parsing 100,000 articles is not
feasible here, so:

* Real articles: the densest run of `--per-topic` articles of each Timeline17 topic (by
  publication date) and `--polnear` PolNeAR articles (dated by its metadata). They are parsed,
  tagged and embedded once, through the store at `--db` (analyses, quote tags and sentence
  vectors are cached there, so a second run starts at once).
* Synthetic copies: copy k of a real article gets a new id, its publication date moved k
  years on, and every four-digit year in its text moved k years too (same length, so every
  offset of the parse stays true). Outside its lead sentences (the ones that give its vector)
  and outside entity mentions, about a quarter of its common nouns and adjectives are swapped
  for a word of the same length from the real corpus (a fixed pairing of words), so copies
  are not exact or near duplicates of each other (dedup would otherwise fold them into one).
  The copy reuses the real parse (tokens, quote tags) as is: a swapped token keeps its
  original lemma and tag.
* Embeddings: every sentence of the real articles is embedded once with the real model
  (cached by text in the store). A copy's sentence is looked up by its text with the word
  swaps undone (each pair maps to one canonical word), so it gets the vector of the real
  sentence it was made from (also with its years put back); no sentence outside the real set
  is ever embedded.

So the synthetic corpus is a news stream of the same articles retold year after year: events
stay the size of the real ones (copies are years apart), while stories (threaded with no date
gap) and speakers' quotes grow with N. That is the hard case for the story, quote-group and
claim stages, and an easy one for the event stage's date window; unit tests cover the dense
case (tests/test_cluster_stream.py).

    PYTHONPATH=src .venv/bin/python bench/bench_scale.py --shared ../shared \
        --sizes 100,300,1000,3000,10000,30000,100000 [--markdown]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_ANY_YEAR = re.compile(r"\b\d{4}\b")
_WORD = re.compile(r"[a-z]+")
_SWAP_SHARE = 0.25
_STAGE = re.compile(r"stage (?P<name>[a-z ]+?): .* in (?P<seconds>[0-9.]+) s$")


def _densest(articles, size):
    dated = sorted((a for a in articles if a.published), key=lambda a: (a.published, a.id))
    if len(dated) <= size:
        return dated
    start = min(
        range(len(dated) - size + 1), key=lambda i: (dated[i + size - 1].published - dated[i].published, i)
    )
    return dated[start : start + size]


def real_articles(shared: Path, per_topic: int, polnear: int):
    from storyline.evaluate.tls import read_topic
    from storyline.models import Article

    articles = []
    for folder in sorted((shared / "data" / "timeline17").iterdir()):
        if (folder / "articles.json").is_file():
            articles.extend(_densest(read_topic(folder).articles, per_topic))
    root = shared / "data" / "polnear"
    rows = [line.split("\t") for line in (root / "metadata.tsv").read_text("utf-8").splitlines()[1:]]
    for row in sorted(rows, key=lambda r: (r[5], r[1]))[:polnear]:
        text = (root / row[0] / "text" / f"{row[1]}.txt").read_text("utf-8").strip()
        articles.append(
            Article(
                id=f"polnear/{row[1]}",
                source=str(root),
                text=text,
                title=row[7],
                outlet=row[4],
                published=date.fromisoformat(row[5]),
                published_from="metadata",
            )
        )
    return articles


def prepare(db: str, shared: Path, per_topic: int, polnear: int):
    """The real articles, their analyses and tags, and every real sentence's vector."""
    from storyline.pipeline import analyze_articles, embed_texts, tag_articles
    from storyline.store import Store

    articles = real_articles(shared, per_topic, polnear)
    with Store(db) as store:
        analyses = analyze_articles(store, articles)
        articles = [a for a in articles if a.id in analyses]
        tags = tag_articles(store, articles, analyses)
        texts = sorted({a.text[s.start : s.end].strip() for a in articles for s in analyses[a.id].sentences})
        vectors = embed_texts(store, texts)
    return articles, analyses, tags, dict(zip(texts, vectors, strict=True))


def word_pairs(articles, analyses) -> dict[str, str]:
    """A fixed pairing of the corpus's common nouns and adjectives, two words of one length."""
    counts: Counter[str] = Counter()
    for a in articles:
        for t in analyses[a.id].tokens:
            word = a.text[t.start : t.end]
            if t.pos in ("NOUN", "ADJ") and _WORD.fullmatch(word) and len(word) > 3:
                counts[word] += 1
    by_length: dict[int, list[str]] = defaultdict(list)
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        by_length[len(word)].append(word)
    partner = {}
    for words in by_length.values():
        for a, b in zip(words[0::2], words[1::2], strict=False):
            partner[a], partner[b] = b, a
    return partner


def canonical(text: str, partner: dict[str, str]) -> str:
    """The text with every paired word written as the first of its pair and every four-digit
    number as 0000: undoes the swaps and the moved years."""
    text = _ANY_YEAR.sub("0000", text)
    return _WORD.sub(lambda m: min(m[0], partner.get(m[0], m[0])), text)


_SWAPPABLE: dict[str, list[tuple[int, int, str]]] = {}


def _swappable(article, analysis, partner, lead) -> list[tuple[int, int, str]]:
    """The article's nouns and adjectives outside its lead and its entity mentions that have a
    partner word, with that word (worked out once per real article)."""
    if article.id not in _SWAPPABLE:
        named = set()
        for m in analysis.mentions:
            named.update(range(m.start, m.end))
        found = []
        for t in analysis.tokens:
            word = article.text[t.start : t.end]
            if t.sent >= lead and t.pos in ("NOUN", "ADJ") and t.start not in named and word in partner:
                found.append((t.start, t.end, partner[word]))
        _SWAPPABLE[article.id] = found
    return _SWAPPABLE[article.id]


def make_copy(article, analysis, k: int, partner: dict[str, str], lead: int):
    from storyline.models import Analysis

    if k == 0:
        return article, analysis
    rng = random.Random(f"{article.id}/{k}")
    text = list(_YEAR.sub(lambda m: str(int(m[0]) + k), article.text))
    for start, end, swapped in _swappable(article, analysis, partner, lead):
        if rng.random() < _SWAP_SHARE:
            text[start:end] = swapped
    body = "".join(text)
    new_id = hashlib.sha1(f"{article.id}/{k}".encode()).hexdigest()[:16]
    published = article.published
    if published:
        published = published.replace(year=published.year + k, day=min(published.day, 28))
    copy = replace(article, id=new_id, text=body, published=published)
    copied = Analysis(
        article_id=new_id,
        sentences=tuple(replace(s, article_id=new_id) for s in analysis.sentences),
        tokens=analysis.tokens,
        mentions=tuple(
            replace(m, article_id=new_id, text=body[m.start : m.end], entity_id=None)
            for m in analysis.mentions
        ),
    )
    return copy, copied


def synthetic(n: int, articles, analyses, tags, partner, lead: int):
    """n articles: the real ones, then copy 1 of each, copy 2 of each, ..."""
    chosen, made, tagged = [], {}, {}
    k = 0
    while len(chosen) < n:
        for a in articles:
            if len(chosen) == n:
                break
            copy, analysis = make_copy(a, analyses[a.id], k, partner, lead)
            chosen.append(copy)
            made[copy.id] = analysis
            tagged[copy.id] = tags.get(a.id, [])
        k += 1
    return chosen, made, tagged


def run_one(args) -> dict:
    """One size, in this process: build the corpus, run corpus_stages, report."""
    from storyline.config import DEFAULTS
    from storyline.pipeline import corpus_stages

    articles, analyses, tags, vectors = prepare(args.db, args.shared, args.per_topic, args.polnear)
    partner = word_pairs(articles, analyses)
    by_key = {canonical(text, partner): v for text, v in vectors.items()}
    lead = max(DEFAULTS.events.vector_sentences, DEFAULTS.events.date_lead_sentences)
    corpus, made, tagged = synthetic(args.size, articles, analyses, tags, partner, lead)
    del articles, analyses, tags, vectors
    misses = [0]

    def embed(texts):
        rows = []
        for text in texts:
            row = by_key.get(canonical(text, partner))
            if row is None:
                misses[0] += 1
                row = np.zeros(384, dtype=np.float32)
            rows.append(row)
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    stages: dict[str, float] = defaultdict(float)

    class Collect(logging.Handler):
        def emit(self, record):
            found = _STAGE.search(record.getMessage())
            if found:
                stages[found["name"]] += float(found["seconds"])

    logger = logging.getLogger("storyline")
    logger.addHandler(Collect())
    logger.setLevel(logging.INFO)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    briefing = corpus_stages(corpus, made, embed, tags=tagged)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "articles": len(corpus),
        "seconds": round(seconds, 2),
        "stages": {k: round(v, 2) for k, v in stages.items()},
        "peak_mb_before": round(before_kb / 1024),
        "peak_mb": round(peak_kb / 1024),
        "events": len(briefing.events),
        "stories": len(briefing.stories),
        "quotes": len(briefing.quotes),
        "claim_groups": len(briefing.claims),
        "embedding_misses": misses[0],
    }


def _copied_quote(quote, copy):
    def moved(span):
        return replace(span, article_id=copy.id) if span else span

    return replace(
        quote,
        id=hashlib.sha1(f"{quote.id}/{copy.id}".encode()).hexdigest()[:16],
        article_id=copy.id,
        text=copy.text[quote.start : quote.end],
        cue_span=moved(quote.cue_span),
        speaker_span=moved(quote.speaker_span),
        parts=tuple(moved(p) for p in quote.parts),
    )


def run_grouping(args) -> dict:
    """Only the stages that compare articles with each other, at sizes the per-article stages
    would take hours to reach: entities merge, dedup, article vectors, events (event day = the
    publication day: no dates stage), stories, quote groups (each copy's quotes are its real
    article's, extracted once) and the corpus timeline."""
    from storyline import cluster, dedup, entities, quotes
    from storyline.config import DEFAULTS
    from storyline.pipeline import _article_vectors
    from storyline.quotes import groups as quote_groups
    from storyline.timeline import corpus as corpus_timeline

    real, analyses, tags, vectors = prepare(args.db, args.shared, args.per_topic, args.polnear)
    partner = word_pairs(real, analyses)
    by_key = {canonical(text, partner): v for text, v in vectors.items()}
    lead = max(DEFAULTS.events.vector_sentences, DEFAULTS.events.date_lead_sentences)
    entity_list, linked = entities.merge_entities([analyses[a.id] for a in real])
    names, kinds = {e.id: e.name for e in entity_list}, {e.id: e.type for e in entity_list}
    linked_of = {a.article_id: a for a in linked}
    real_quotes = {
        a.id: quotes.extract_quotes(a, linked_of[a.id], names, entity_types=kinds, tags=tags.get(a.id))
        for a in real
    }
    corpus, made, _ = synthetic(args.size, real, analyses, tags, partner, lead)
    origin = {}
    for k in range(args.size // len(real) + 1):
        for a in real:
            origin[hashlib.sha1(f"{a.id}/{k}".encode()).hexdigest()[:16] if k else a.id] = a.id
    wanted = set(args.stages.split(",")) if args.stages else None
    all_quotes = []
    if wanted is None or "groups" in wanted:
        all_quotes = [_copied_quote(q, c) for c in corpus for q in real_quotes[origin[c.id]]]
    del vectors, analyses, linked, linked_of
    limit = args.exact_up_to if args.exact_up_to is not None else DEFAULTS.events.exact_up_to
    stages: dict[str, float] = {}
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()

    def timed(name, work, otherwise=None):
        if wanted is not None and name not in wanted:
            return otherwise
        began = time.process_time()  # CPU seconds: other helpers were loading the machine
        result = work()
        stages[name] = round(time.process_time() - began, 2)
        return result

    linked = timed("entities", lambda: entities.merge_entities([made[a.id] for a in corpus])[1])
    made = {a.article_id: a for a in linked} if linked else made
    duplicates = timed("dedup", lambda: dedup.find_duplicates(corpus), ())
    article_vectors = timed(
        "vectors",
        lambda: _article_vectors(
            corpus, made, lambda texts: np.vstack([by_key[canonical(t, partner)] for t in texts])
        ),
    )
    events = timed(
        "events",
        lambda: cluster.cluster_events(corpus, article_vectors, made, {}, duplicates, exact_up_to=limit),
        [],
    )
    texts = {a.id: a.text for a in corpus}
    stories = timed("stories", lambda: cluster.thread_stories(events, texts, made, exact_up_to=limit), [])
    grouped = timed("groups", lambda: quote_groups.group_quotes(all_quotes), [])
    timeline = timed("corpus timeline", lambda: corpus_timeline.story_timeline(corpus, events), [])
    seconds = time.perf_counter() - started
    return {
        "articles": len(corpus),
        "exact_up_to": limit,
        "seconds": round(seconds, 2),
        "stages": stages,
        "peak_mb_before": round(before_kb / 1024),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "events": len(events),
        "stories": len(stories),
        "quotes": len(grouped),
        "grouped quotes": sum(q.group_id is not None for q in grouped),
        "timeline days": len(timeline),
    }


def _topic(article_id: str) -> str:
    return "H1N1" if article_id.startswith("H1N1") else article_id.split("/", 1)[0]


def _pairs(groups) -> set[tuple[str, str]]:
    return {(a, b) for g in groups for a in g for b in g if a < b}


def compare(args) -> dict:
    """Events and stories of the synthetic corpus of `args.compare` articles, by average
    linkage and by the stream: how far the stream's same-event pairs agree with the exact ones,
    and whether either puts two topics (Timeline17 topics, PolNeAR) in one event or story."""
    from storyline import cluster, dedup, entities
    from storyline.config import DEFAULTS
    from storyline.dates import inference as dating
    from storyline.dates import timex
    from storyline.pipeline import _article_vectors

    real, analyses, tags, vectors = prepare(args.db, args.shared, args.per_topic, args.polnear)
    partner = word_pairs(real, analyses)
    by_key = {canonical(text, partner): v for text, v in vectors.items()}
    lead = max(DEFAULTS.events.vector_sentences, DEFAULTS.events.date_lead_sentences)
    corpus, made, _ = synthetic(args.compare, real, analyses, tags, partner, lead)
    origin = {}
    for k in range(args.compare // len(real) + 1):
        for a in real:
            origin[hashlib.sha1(f"{a.id}/{k}".encode()).hexdigest()[:16] if k else a.id] = a.id
    _, linked = entities.merge_entities([made[a.id] for a in corpus])
    made = {a.article_id: a for a in linked}
    duplicates = dedup.find_duplicates(corpus)
    inferred = dating.infer_dates(corpus)
    dates = {a.id: timex.find_dates(a, made[a.id].sentences, tokens=made[a.id].tokens) for a in corpus}
    article_vectors = _article_vectors(
        corpus, made, lambda texts: np.vstack([by_key[canonical(t, partner)] for t in texts])
    )
    texts = {a.id: a.text for a in corpus}
    result: dict = {"articles": len(corpus)}
    runs = {}
    for name, limit in (("exact", len(corpus)), ("stream", 0)):
        started = time.perf_counter()
        events = cluster.cluster_events(
            corpus, article_vectors, made, dates, duplicates, inferred=inferred, exact_up_to=limit
        )
        stories = cluster.thread_stories(events, texts, made, exact_up_to=limit)
        seconds = time.perf_counter() - started
        members = {e.id: e.article_ids for e in events}
        story_groups = [[i for eid in s.event_ids for i in members[eid]] for s in stories]
        runs[name] = (events, story_groups)
        mixed_events = sum(len({_topic(origin[i]) for i in e.article_ids}) > 1 for e in events)
        mixed_stories = sum(len({_topic(origin[i]) for i in g}) > 1 for g in story_groups)
        result[name] = {
            "seconds": round(seconds, 2),
            "events": len(events),
            "alone": sum(len(e.article_ids) == 1 for e in events),
            "stories": len(stories),
            "events mixing topics": mixed_events,
            "stories mixing topics": mixed_stories,
        }
    for level, pick in (("event", 0), ("story", 1)):
        exact_groups = runs["exact"][pick] if pick else [e.article_ids for e in runs["exact"][0]]
        stream_groups = runs["stream"][pick] if pick else [e.article_ids for e in runs["stream"][0]]
        truth, found = _pairs(exact_groups), _pairs(stream_groups)
        result[f"{level} pairs"] = {
            "exact": len(truth),
            "stream": len(found),
            "precision": round(len(truth & found) / max(len(found), 1), 3),
            "recall": round(len(truth & found) / max(len(truth), 1), 3),
        }
    return result


def _table(rows) -> str:
    names = list(dict.fromkeys(name for row in rows for name in row.get("stages", {})))
    head = ["articles", *names, "total s", "peak MB (inputs)", "events", "stories"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['articles']} | " + row["error"] + " |")
            continue
        cells = [str(row["articles"]), *(f"{row['stages'].get(n, 0):.2f}" for n in names)]
        cells += [f"{row['seconds']:.1f}", f"{row['peak_mb']} ({row['peak_mb_before']})"]
        cells += [str(row["events"]), str(row["stories"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--db", default="/tmp/storyline-bench-scale.db")
    parser.add_argument("--per-topic", type=int, default=40)
    parser.add_argument("--polnear", type=int, default=40)
    parser.add_argument("--sizes", default="100,300,1000,3000,10000,30000,100000")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size, in this process
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per size")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--grouping", action="store_true", help="only the stages across articles")
    parser.add_argument("--exact-up-to", type=int, help="events.exact_up_to for --grouping")
    parser.add_argument("--stages", help="with --grouping: only these, comma-separated")
    parser.add_argument("--compare", type=int, help="compare exact and stream events at this size")
    args = parser.parse_args()
    if args.compare:
        print(json.dumps(compare(args), indent=1))
        return
    if args.size:
        print(json.dumps(run_grouping(args) if args.grouping else run_one(args)))
        return
    prepare(args.db, args.shared, args.per_topic, args.polnear)  # parse and embed once, cached
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--size", str(size), "--shared", str(args.shared)]
        command += ["--db", args.db, "--per-topic", str(args.per_topic), "--polnear", str(args.polnear)]
        if args.grouping:
            command.append("--grouping")
        if args.exact_up_to is not None:
            command += ["--exact-up-to", str(args.exact_up_to)]
        if args.stages:
            command += ["--stages", args.stages]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            rows.append({"articles": size, "error": f"over {args.timeout:.0f} s"})
            print(json.dumps(rows[-1]), flush=True)
            break
        if done.returncode:
            tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
            rows.append({"articles": size, "error": f"failed: {tail[0][:120]}"})
            print(json.dumps(rows[-1]), flush=True)
            break
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    if args.markdown:
        print(_table(rows))


if __name__ == "__main__":
    main()
