"""Group articles into events from text similarity, shared entities and dates.

The same actors meeting twice a year apart are two events: articles whose event dates lie more
than `max_gap_days` apart never join, however similar their words.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyline.models import Analysis, Article, Duplicate, Event, Span, TimeExpression

CLUSTER_VERSION = "events-1"
LEAD_SENTENCES = 3
_ENTITY_TYPES = frozenset({"PERSON", "ORG", "EVENT", "FAC", "LAW"})


def article_event_date(article: Article,
                       dates: Sequence[TimeExpression]) -> tuple[str, str, tuple[Span, ...]] | None:
    """When the article's news happened: the commonest day-precise date in its lead sentences,
    not after publication; else the publication date. Returns (value, precision, cites)."""
    lead = [d for d in dates if 0 <= d.sentence_index < LEAD_SENTENCES and d.precision == "day"
            and (article.published is None or d.value <= article.published.isoformat())]
    if lead:
        value = Counter(d.value for d in lead).most_common(1)[0][0]
        cites = tuple(Span(article_id=article.id, start=d.start, end=d.end)
                      for d in lead if d.value == value)
        return value, "day", cites
    if article.published:
        return article.published.isoformat(), "day", ()
    return None


def _event_id(article_ids: Sequence[str]) -> str:
    return "evt-" + hashlib.sha1(",".join(sorted(article_ids)).encode()).hexdigest()[:10]


def cluster_events(
    articles: Sequence[Article],
    vectors: Mapping[str, np.ndarray],
    analyses: Mapping[str, Analysis],
    dates: Mapping[str, Sequence[TimeExpression]],
    duplicates: Sequence[Duplicate] = (),
    *,
    threshold: float = 0.5,
    max_gap_days: int = 4,
    entity_weight: float = 0.35,
) -> list[Event]:
    """Cluster articles into events; duplicates join the event of the article they copy."""
    copy_of = {d.article_id: d.duplicate_of for d in duplicates}
    originals = [a for a in articles if a.id not in copy_of]
    if not originals:
        return []
    event_dates = {a.id: article_event_date(a, dates.get(a.id, ())) for a in articles}
    labels = _cluster_labels(originals, vectors, analyses, event_dates,
                             threshold=threshold, max_gap_days=max_gap_days,
                             entity_weight=entity_weight)
    groups: dict[int, list[str]] = {}
    for article, label in zip(originals, labels, strict=True):
        groups.setdefault(label, []).append(article.id)
    for copy_id, original_id in copy_of.items():
        for members in groups.values():
            if original_id in members:
                members.append(copy_id)
    by_id = {a.id: a for a in articles}
    events = [_make_event([by_id[i] for i in members], vectors, event_dates, copy_of)
              for members in groups.values()]
    events.sort(key=lambda e: (e.date or "9999", e.id))
    return events


def _cluster_labels(articles, vectors, analyses, event_dates, *, threshold, max_gap_days,
                    entity_weight) -> list[int]:
    n = len(articles)
    if n == 1:
        return [1]
    matrix = np.stack([vectors[a.id] for a in articles])
    cosine = np.clip(matrix @ matrix.T, -1.0, 1.0)
    entity_sets = [_entity_set(analyses.get(a.id)) for a in articles]
    day = [date.fromisoformat(event_dates[a.id][0]) if event_dates[a.id] else None
           for a in articles]
    distance = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            union = entity_sets[i] | entity_sets[j]
            overlap = len(entity_sets[i] & entity_sets[j]) / len(union) if union else 0.0
            similarity = (1 - entity_weight) * cosine[i, j] + entity_weight * overlap
            apart = day[i] and day[j] and abs((day[i] - day[j]).days) > max_gap_days
            distance[i, j] = distance[j, i] = 2.0 if apart else 1.0 - similarity
    tree = linkage(squareform(distance, checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=1.0 - threshold, criterion="distance")]


def _entity_set(analysis: Analysis | None) -> set[str]:
    if analysis is None:
        return set()
    return {m.entity_id for m in analysis.mentions if m.entity_id and m.label in _ENTITY_TYPES}


def _make_event(members: list[Article], vectors, event_dates, copy_of) -> Event:
    originals = [a for a in members if a.id not in copy_of] or members
    centroid = np.mean([vectors[a.id] for a in originals], axis=0)
    central = max(originals, key=lambda a: float(vectors[a.id] @ centroid))
    votes = Counter(event_dates[a.id][0] for a in originals if event_dates[a.id])
    when, precision, cites = None, None, ()
    if votes:
        when = max(votes, key=lambda v: (votes[v], v))
        precision = "day"
        cites = tuple(c for a in originals if event_dates[a.id] and event_dates[a.id][0] == when
                      for c in event_dates[a.id][2])
    members.sort(key=lambda a: (a.published is None, a.published or date.min, a.source))
    return Event(
        id=_event_id([a.id for a in members]),
        article_ids=tuple(a.id for a in members),
        title=central.title or _headline_from(central.text),
        date=when, precision=precision, date_cites=cites,
    )


def _headline_from(text: str, limit: int = 110) -> str:
    first = text.split("\n", 1)[0].strip()
    for stop in (". ", "; ", ", marking", ", continuing", " — "):
        if stop in first[:limit * 2]:
            first = first.split(stop, 1)[0]
            break
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0] + "…"
