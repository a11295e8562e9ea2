"""Score the dating of undated articles on articles whose dates are known: hide, infer, compare.

Each Timeline17 article's `dct` is hidden in turn: "text" infers from the article's own words
(rules 1 and 2 of `storyline.dates.inference`), "batch" also from the rest of its topic, whose dates stay
known (rule 3). The seeds are dated all at once with no date known (no manifest). Figures:
coverage (the share of articles whose interval holds the true date; an article left without
an interval counts as not covered), answered (the share given an interval), median width in
days over answered articles (an open interval is infinitely wide; over all topics, pooled
over every answered article), open (the share of answered intervals without an upper bound).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from storyline.dates import inference as dating
from storyline.errors import InputError
from storyline.evaluate.tls import _topic_dirs, read_topic
from storyline.models import Article, Failure, RawDocument


def _figures(
    articles: Sequence[Article], truth: dict[str, date], inferred: dict[str, dating.InferredDate]
) -> dict:
    answered = [inferred[a.id] for a in articles if a.id in inferred]
    widths = [i.width_days() for i in answered]
    return {
        "articles": len(articles),
        "coverage": sum(1 for i in answered if i.contains(truth[i.article_id])) / len(articles),
        "answered": len(answered) / len(articles),
        "median_width_days": statistics.median(widths) if widths else float("inf"),
        "open": sum(1 for w in widths if w == float("inf")) / len(answered) if answered else 0.0,
        "widths": widths,  # each answered article's, for pooling over topics
    }


def evaluate_topic_dating(articles: Sequence[Article]) -> dict:
    """Text-only and batch figures for one topic, each article's date hidden in turn."""
    truth = {a.id: a.published for a in articles if a.published is not None}  # every one has its dct
    undated = [Article(id=a.id, source=a.source, text=a.text) for a in articles]
    own = {a.id: i for a in undated for i in [dating._own_interval(a, undated)] if i}
    neighbours = dating.same_story_neighbours(undated)
    batch = {}
    for article in undated:
        others = {k: v for k, v in truth.items() if k != article.id}
        guess = dating.infer_one(article, others, neighbours[article.id], own)
        if guess is not None:
            batch[article.id] = guess
    return {"text": _figures(undated, truth, own), "batch": _figures(undated, truth, batch)}


def evaluate_seeds(seeds_dir: str | Path) -> dict:
    """The seeds dated with nothing known (as without the manifest), against the manifest."""
    from storyline.clean import clean_document
    from storyline.ingest import read_documents

    seeds_dir = Path(seeds_dir)
    manifest = seeds_dir / "manifest.jsonl"
    if not manifest.is_file():
        raise InputError(f"no manifest.jsonl in {seeds_dir}")
    published = {
        row["file"]: date.fromisoformat(row["published"])
        for row in map(json.loads, manifest.read_text("utf-8").splitlines())
        if row
    }
    documents = [doc for name in sorted(published) for doc in read_documents(seeds_dir / name)]
    for doc in documents:
        if isinstance(doc, Failure):
            raise InputError(doc.message)
    articles = [clean_document(doc) for doc in documents if isinstance(doc, RawDocument)]
    truth = {a.id: published[Path(a.source).name] for a in articles}
    inferred = dating.infer_dates(articles, known={})
    rows = [
        {
            "file": Path(a.source).name,
            "true": truth[a.id].isoformat(),
            "inferred": dating.describe(inferred[a.id]) if a.id in inferred else None,
            "contains": a.id in inferred and inferred[a.id].contains(truth[a.id]),
        }
        for a in articles
    ]
    return {"all": _figures(articles, truth, inferred), "articles": rows}


def evaluate_dating(
    data_dir: str | Path, *, topics: Sequence[str] = (), seeds_dir: str | Path | None = None
) -> dict:
    """Coverage and width of inferred intervals on Timeline17 (and the seeds, when given)."""
    per_topic = {}
    pooled: dict[str, list[dict]] = {"text": [], "batch": []}
    for folder in _topic_dirs(data_dir, topics):
        figures = evaluate_topic_dating(read_topic(folder).articles)
        per_topic[folder.name] = figures
        for kind in pooled:
            pooled[kind].append(figures[kind])
    total = {kind: _pool(rows) for kind, rows in pooled.items()}
    for figures in per_topic.values():
        for kind in pooled:
            figures[kind].pop("widths")
    result = {"topics": per_topic, "all": total}
    if seeds_dir is not None:
        result["seeds"] = evaluate_seeds(seeds_dir)
        result["seeds"]["all"].pop("widths")
    return result


def _pool(rows: Sequence[dict]) -> dict:
    n = sum(r["articles"] for r in rows)
    widths = [w for r in rows for w in r["widths"]]
    return {
        "articles": n,
        "coverage": sum(r["coverage"] * r["articles"] for r in rows) / n,
        "answered": sum(r["answered"] * r["articles"] for r in rows) / n,
        # over every answered article of every topic (an open interval is infinitely wide)
        "median_width_days": statistics.median(widths) if widths else float("inf"),
        "open": sum(1 for w in widths if w == float("inf")) / len(widths) if widths else 0.0,
        # the median of topic medians, the figure reported before issue 16
        "median_of_topic_medians": statistics.median(r["median_width_days"] for r in rows),
    }


__all__ = ["evaluate_dating", "evaluate_seeds", "evaluate_topic_dating"]
