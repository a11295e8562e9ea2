"""Group articles into events from text similarity and dates, and thread events into stories.

The same actors meeting twice a year apart are two events: articles whose event dates lie more
than `max_gap_days` apart never join, however similar their words. An undated article takes
part with its inferred publication interval: it stays apart only from articles certainly more
than `max_gap_days` away. An event none of whose articles is dated gets the interval its
articles' inferred dates agree on, flagged as inferred.

Stories have no date gap: the events of one ongoing story, a year apart or a day, are threaded
by the words of their whole texts.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from storyline.ann import NearestIndex
from storyline.config import DEFAULTS
from storyline.dates import inference as dating
from storyline.models import (
    Analysis,
    Article,
    Duplicate,
    Event,
    InferredDate,
    Span,
    Story,
    TimeExpression,
    TimelinePrecision,
)

CLUSTER_VERSION = "events-4"  # 4: the stream above exact_up_to articles
_ENTITY_TYPES = frozenset({"PERSON", "ORG", "EVENT", "FAC", "LAW"})
_SINCE = re.compile(r"\b(?:since|until|till|from)\s+(?:early\s+|late\s+|mid-?\s*)?$", re.I)


def starts_a_stretch(text: str, expression: TimeExpression) -> bool:
    """Whether the date opens or closes a stretch of time ("since March 1"): the start of a
    state, not the day of the news."""
    return bool(_SINCE.search(text, max(0, expression.start - 16), expression.start))


def article_event_date(
    article: Article, dates: Sequence[TimeExpression], latest: date | None = None
) -> tuple[str, TimelinePrecision, tuple[Span, ...]] | None:
    """When the article's news happened: the commonest day-precise date in its lead sentences,
    not after publication (or after `latest`, the end of an undated article's inferred
    interval); else the publication date. Returns (value, precision, cites)."""
    latest = article.published or latest
    lead = [
        d
        for d in dates
        if 0 <= d.sentence_index < DEFAULTS.events.date_lead_sentences
        and d.precision == "day"
        and (latest is None or d.value <= latest.isoformat())
        and not starts_a_stretch(article.text, d)
    ]
    if lead:
        value = Counter(d.value for d in lead).most_common(1)[0][0]
        cites = tuple(Span(article_id=article.id, start=d.start, end=d.end) for d in lead if d.value == value)
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
    threshold: float = DEFAULTS.events.threshold,
    max_gap_days: int = DEFAULTS.events.max_gap_days,
    entity_weight: float = DEFAULTS.events.entity_weight,
    inferred: Mapping[str, InferredDate] | None = None,
    exact_up_to: int = DEFAULTS.events.exact_up_to,
) -> list[Event]:
    """Cluster articles into events; duplicates join the event of the article they copy;
    `inferred` gives undated articles' inferred publication intervals. Up to `exact_up_to`
    originals, average linkage over every pair; above it, one pass in time order
    (`_stream_labels`)."""
    inferred = inferred or {}
    copy_of = {d.article_id: d.duplicate_of for d in duplicates}
    originals = [a for a in articles if a.id not in copy_of]
    if not originals:
        return []
    event_dates = {
        a.id: article_event_date(a, dates.get(a.id, ()), _latest(inferred.get(a.id))) for a in articles
    }
    spans = {a.id: _date_span(event_dates[a.id], inferred.get(a.id)) for a in articles}
    labels = (_cluster_labels if len(originals) <= exact_up_to else _stream_labels)(
        originals,
        vectors,
        analyses,
        spans,
        threshold=threshold,
        max_gap_days=max_gap_days,
        entity_weight=entity_weight,
    )
    groups: dict[int, list[str]] = {}
    for article, label in zip(originals, labels, strict=True):
        groups.setdefault(label, []).append(article.id)
    label_of = dict(zip((a.id for a in originals), labels, strict=True))
    for copy_id, original_id in copy_of.items():
        if original_id in label_of:
            groups[label_of[original_id]].append(copy_id)
    by_id = {a.id: a for a in articles}
    events = [
        _make_event([by_id[i] for i in members], vectors, event_dates, copy_of, inferred)
        for members in groups.values()
    ]
    events.sort(key=lambda e: (e.date or "9999", e.id))
    return events


def _latest(inferred: InferredDate | None) -> date | None:
    return inferred.latest if inferred else None


def _date_span(
    event_date: tuple[str, str, tuple[Span, ...]] | None, inferred: InferredDate | None
) -> tuple[date, date] | None:
    """The days an article's news may fall on: its event day, else its inferred interval."""
    if event_date:
        day = date.fromisoformat(event_date[0])
        return day, day
    if inferred:
        return inferred.earliest, inferred.latest or date.max
    return None


def _days_apart(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int:
    """The fewest days between two spans of days (0 when they overlap or one is unknown)."""
    if a is None or b is None:
        return 0
    return max((b[0] - a[1]).days, (a[0] - b[1]).days, 0)


def article_similarity(
    article_ids: Sequence[str],
    vectors: Mapping[str, np.ndarray],
    analyses: Mapping[str, Analysis],
    *,
    entity_weight: float = DEFAULTS.events.entity_weight,
) -> np.ndarray:
    """How alike each pair of articles is: the cosine of their lead vectors, mixed with the
    Jaccard overlap of the named entities they mention (`entity_weight` of it)."""
    matrix = np.stack([vectors[i] for i in article_ids])
    cosine = np.clip(matrix @ matrix.T, -1.0, 1.0)
    if not entity_weight:
        return cosine
    return (1 - entity_weight) * cosine + entity_weight * _jaccard(
        [_entity_set(analyses.get(i)) for i in article_ids]
    )


def _jaccard(entity_sets: Sequence[set[str]]) -> np.ndarray:
    """The Jaccard overlap of each pair of sets (0 when both are empty)."""
    column = {e: k for k, e in enumerate(sorted(set().union(*entity_sets)))}
    named = np.zeros((len(entity_sets), max(len(column), 1)))
    for i, found in enumerate(entity_sets):
        named[i, [column[e] for e in found]] = 1.0
    shared = named @ named.T
    sizes = named.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _cluster_labels(
    articles, vectors, analyses, spans, *, threshold, max_gap_days, entity_weight
) -> list[int]:
    n = len(articles)
    if n == 1:
        return [1]
    distance = 1.0 - article_similarity(
        [a.id for a in articles], vectors, analyses, entity_weight=entity_weight
    )
    day = [spans[a.id] for a in articles]
    for i in range(n):
        for j in range(i + 1, n):
            if _days_apart(day[i], day[j]) > max_gap_days:
                distance[i, j] = distance[j, i] = 2.0
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, 2.0), checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=1.0 - threshold, criterion="distance")]


_UNKNOWN = (-(10**9), 10**9)  # the days of an article with no date: apart from none


def _day_numbers(span: tuple[date, date] | None) -> tuple[int, int]:
    return (span[0].toordinal(), span[1].toordinal()) if span else _UNKNOWN


def _stream_labels(
    articles,
    vectors,
    analyses,
    spans,
    *,
    threshold,
    max_gap_days,
    entity_weight,
    neighbours: int = DEFAULTS.events.stream_neighbours,
) -> list[int]:
    """Events in one pass in time order (earliest day, then id): each article joins the open
    event it is most alike on average, as average linkage scores it (the mean cosine to the
    event's articles is the cosine to their summed vector over their count; shared entities
    are averaged over the members), when that reaches `threshold` and no member's days are
    more than `max_gap_days` from its own; else it opens an event. The candidates are the
    `neighbours` events whose mean vectors are nearest in an approximate nearest-neighbour
    index of the open events: an event all of whose articles end more than `max_gap_days`
    before the article placed can take no later one, and leaves the index. Then the events
    that average linkage would still join (average similarity at least `threshold`, the date
    gap held) are merged in rounds among nearest neighbours (`_merge_rounds`). Deterministic:
    the same input gives the same events."""
    ids = [a.id for a in articles]
    days = [_day_numbers(spans[i]) for i in ids]
    order = sorted(range(len(ids)), key=lambda k: (days[k][0], ids[k]))
    dim = len(vectors[ids[0]])
    index = NearestIndex(dim, len(ids))
    sums: list[np.ndarray] = []
    members: list[list[int]] = []
    latest_start: list[int] = []  # the latest first day of an event's articles
    earliest_end: list[int] = []  # the earliest last day of an event's articles
    closing: list[tuple[int, int]] = []  # (earliest end, event), lazily updated
    named = [_entity_set(analyses.get(i)) for i in ids] if entity_weight else []
    labels = [0] * len(ids)
    for k in order:
        first, last = days[k]
        while closing and first - closing[0][0] > max_gap_days:
            end, event = heapq.heappop(closing)
            if end == earliest_end[event]:  # else a newer entry stands for it
                index.remove(event)
        vector = np.asarray(vectors[ids[k]], dtype=np.float32)
        best, best_score = -1, threshold
        for event in index.nearest(vector, neighbours):
            if latest_start[event] - last > max_gap_days or first - earliest_end[event] > max_gap_days:
                continue
            score = float(vector @ sums[event]) / len(members[event])
            if entity_weight:
                shared = np.mean([_jaccard_of(named[k], named[m]) for m in members[event]])
                score = (1 - entity_weight) * score + entity_weight * float(shared)
            if score > best_score or (score == best_score and (best < 0 or event < best)):
                best, best_score = event, score
        if best < 0:
            best = len(members)
            sums.append(np.zeros(dim, dtype=np.float32))
            members.append([])
            latest_start.append(first)
            earliest_end.append(last)
            heapq.heappush(closing, (last, best))
        sums[best] = sums[best] + vector
        members[best].append(k)
        latest_start[best] = max(latest_start[best], first)
        if last < earliest_end[best]:
            earliest_end[best] = last
            heapq.heappush(closing, (last, best))
        index.put(best, sums[best] / len(members[best]))
        labels[k] = best + 1
    if entity_weight:  # the merge pass scores by vectors alone
        return labels

    def average(a: int, b: int) -> float:
        return float(sums[a] @ sums[b]) / (len(members[a]) * len(members[b]))

    def fits(a: int, b: int) -> bool:
        return (
            latest_start[b] - earliest_end[a] <= max_gap_days
            and latest_start[a] - earliest_end[b] <= max_gap_days
        )

    def joined(a: int, b: int) -> None:
        sums[a] = sums[a] + sums[b]
        members[a].extend(members[b])
        latest_start[a] = max(latest_start[a], latest_start[b])
        earliest_end[a] = min(earliest_end[a], earliest_end[b])

    into = _merge_rounds(
        len(sums),
        lambda group: sums[group] / len(members[group]),
        average,
        fits,
        joined,
        threshold=threshold,
        neighbours=neighbours,
    )
    return [into[label - 1] + 1 for label in labels]


_MERGE_ROUNDS = 8


def _merge_rounds(
    count: int,
    mean: Callable[[int], np.ndarray],
    score: Callable[[int, int], float],
    fits: Callable[[int, int], bool],
    joined: Callable[[int, int], None],
    *,
    threshold: float,
    neighbours: int,
) -> list[int]:
    """The average-linkage merges a one-pass assignment missed, in up to `_MERGE_ROUNDS`
    rounds: every two groups among each other's `neighbours` nearest (by their `mean`) whose
    average similarity `score` reaches `threshold` and that `fits` together are merged, best
    first, each group in at most one merge a round (so every score used is current); `joined(a,
    b)` folds b into a. Returns, for each group, the group it ended in."""
    parent = list(range(count))
    alive = list(range(count))
    for _ in range(_MERGE_ROUNDS):
        if len(alive) < 2:
            break
        means = {group: np.asarray(mean(group), dtype=np.float32) for group in alive}
        index = NearestIndex(len(means[alive[0]]), count)
        for group in alive:
            index.put(group, means[group])
        pairs = {
            (min(group, other), max(group, other))
            for group in alive
            for other in index.nearest(means[group], neighbours + 1)
            if other != group
        }
        scored = sorted(
            (p for a, b in pairs if fits(a, b) and (p := (score(a, b), a, b))[0] >= threshold),
            key=lambda p: (-p[0], p[1], p[2]),
        )
        merged: set[int] = set()
        for _, a, b in scored:
            if a not in merged and b not in merged:
                joined(a, b)
                parent[b] = a
                merged.update((a, b))
        if not merged:
            break
        alive = [group for group in alive if parent[group] == group]

    def root(group: int) -> int:
        while parent[group] != group:
            group = parent[group]
        return group

    return [root(group) for group in range(count)]


def _jaccard_of(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def thread_stories(
    events: Sequence[Event],
    texts: Mapping[str, str],
    analyses: Mapping[str, Analysis],
    *,
    threshold: float = DEFAULTS.events.story_threshold,
    exact_up_to: int = DEFAULTS.events.exact_up_to,
) -> list[Story]:
    """Thread events into stories by the words of their whole articles: the cosine of the events'
    TF-IDF vectors (`texts`: each article's text), average linkage cut at `threshold`, with no
    date gap, so an ongoing story's events a year apart are one story. Whole texts, not leads:
    a story is told in its topic's words ("swine flu", "oil spill") that every article repeats,
    while two stories' leads can read alike ("Readers in the affected areas ...").
    Above `exact_up_to` articles, events join stories in one pass (`_stream_story_labels`)."""
    if not events:
        return []
    if len(events) == 1:
        labels = [1]
    elif sum(len(e.article_ids) for e in events) > exact_up_to:
        labels = _stream_story_labels(events, texts, threshold=threshold)
    else:
        ids = [i for e in events for i in e.article_ids]
        words = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        matrix = words.fit_transform([texts[i] for i in ids])
        member = np.zeros((len(events), len(ids)))
        row = 0
        for k, event in enumerate(events):
            member[k, row : row + len(event.article_ids)] = 1.0
            row += len(event.article_ids)
        summed = np.asarray(member @ matrix)  # each event's articles' vectors added
        summed /= np.linalg.norm(summed, axis=1, keepdims=True).clip(min=1e-12)
        distance = 1.0 - np.clip(summed @ summed.T, 0.0, 1.0)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        labels = [int(label) for label in fcluster(tree, t=1.0 - threshold, criterion="distance")]
    threads: dict[int, list[Event]] = {}
    for event, label in zip(events, labels, strict=True):
        threads.setdefault(label, []).append(event)
    stories = [_make_story(thread, analyses) for thread in threads.values()]
    order = {e.id: k for k, e in enumerate(events)}
    return sorted(stories, key=lambda s: order[s.event_ids[0]])


def _stream_story_labels(
    events: Sequence[Event],
    texts: Mapping[str, str],
    *,
    threshold: float,
    neighbours: int = DEFAULTS.events.stream_neighbours,
    dimensions: int = 128,
) -> list[int]:
    """Stories in one pass over the events in their order (time order): each event joins the
    story whose events' TF-IDF vectors it is most alike on average (the exact mean cosine, as
    average linkage scores it), when that reaches `threshold`; else it opens a story. The
    candidates are the stories of the `neighbours` earlier events nearest to it in a
    `dimensions`-wide LSA reduction (truncated SVD, fixed seed) of the same vectors. Then the
    stories whose average similarity reaches `threshold` are merged (`_merge_rounds`)."""
    ids = [i for e in events for i in e.article_ids]
    words = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = words.fit_transform([texts[i] for i in ids])
    rows = np.repeat(np.arange(len(events)), [len(e.article_ids) for e in events])
    ones = np.ones(len(ids))
    member = sparse.csr_matrix((ones, (rows, np.arange(len(ids)))), shape=(len(events), len(ids)))
    summed = normalize(sparse.csr_matrix(member @ matrix))  # each event's articles' vectors added
    width = min(dimensions, summed.shape[1] - 1, len(events) - 1)
    if width >= 2:
        reduced = TruncatedSVD(n_components=width, random_state=0).fit_transform(summed)
    else:
        reduced = summed.toarray()
    reduced = normalize(reduced).astype(np.float32)
    index = NearestIndex(reduced.shape[1], len(events))
    story_of: list[int] = []
    totals: list[sparse.csr_matrix] = []  # each story's events' vectors added
    counts: list[int] = []
    centres: list[np.ndarray] = []  # each story's events' reduced vectors added
    for k in range(len(events)):
        row = summed[k]
        best, best_score = -1, threshold
        for story in sorted({story_of[e] for e in index.nearest(reduced[k], neighbours)}):
            score = float(row.multiply(totals[story]).sum()) / counts[story]
            if score > best_score or (score == best_score and best < 0):
                best, best_score = story, score
        if best < 0:
            best = len(totals)
            totals.append(row)
            counts.append(1)
            centres.append(reduced[k].copy())
        else:
            totals[best] = totals[best] + row
            counts[best] += 1
            centres[best] += reduced[k]
        story_of.append(best)
        index.put(k, reduced[k])

    def average(a: int, b: int) -> float:
        return float(totals[a].multiply(totals[b]).sum()) / (counts[a] * counts[b])

    def joined(a: int, b: int) -> None:
        totals[a] = totals[a] + totals[b]
        counts[a] += counts[b]
        centres[a] += centres[b]

    into = _merge_rounds(
        len(totals),
        lambda story: centres[story] / (np.linalg.norm(centres[story]) or 1.0),
        average,
        lambda a, b: True,
        joined,
        threshold=threshold,
        neighbours=neighbours,
    )
    return [into[story] + 1 for story in story_of]


def _make_story(events: list[Event], analyses: Mapping[str, Analysis]) -> Story:
    """A story of `events` (in the order given, which is time order)."""
    best = max(enumerate(events), key=lambda item: (len(item[1].article_ids), -item[0]))[1]
    ids = [i for e in events for i in e.article_ids]
    named = Counter(e for i in ids for e in _entity_set(analyses.get(i)))
    # Ties are broken by id: the counts come from sets, whose order changes from run to run.
    ranked = sorted(named.items(), key=lambda item: (-item[1], item[0]))
    common = [e for e, n in ranked if 2 * n >= len(ids)][: DEFAULTS.events.story_entities]
    return Story(
        id="sty-" + hashlib.sha1(",".join(sorted(e.id for e in events)).encode()).hexdigest()[:10],
        event_ids=tuple(e.id for e in events),
        title=best.title,
        entity_ids=tuple(common),
    )


def _entity_set(analysis: Analysis | None) -> set[str]:
    if analysis is None:
        return set()
    return {m.entity_id for m in analysis.mentions if m.entity_id and m.label in _ENTITY_TYPES}


def _make_event(members: list[Article], vectors, event_dates, copy_of, inferred) -> Event:
    originals = [a for a in members if a.id not in copy_of] or members
    centroid = np.mean([vectors[a.id] for a in originals], axis=0)
    central = max(originals, key=lambda a: float(vectors[a.id] @ centroid))
    votes = Counter(event_dates[a.id][0] for a in originals if event_dates[a.id])
    precision: TimelinePrecision | None
    when, precision, cites = None, None, ()
    if votes:
        when = max(votes, key=lambda v: (votes[v], v))
        precision = "day"
        cites = tuple(
            c
            for a in originals
            if event_dates[a.id] and event_dates[a.id][0] == when
            for c in event_dates[a.id][2]
        )
    intervals = [inferred[a.id] for a in originals if a.id in inferred]
    guess = dating.combine(intervals) if intervals and not votes else None
    if guess is not None:  # only the calendar period certainly holding it, never a made-up day
        when, precision = dating.calendar_value(guess) or (None, None)
    members.sort(key=lambda a: (a.published is None, a.published or date.min, a.source))
    return Event(
        id=_event_id([a.id for a in members]),
        article_ids=tuple(a.id for a in members),
        title=central.title or _headline_from(central.text),
        date=when,
        precision=precision,
        date_cites=cites,
        inferred=guess,
    )


def _headline_from(text: str, limit: int = DEFAULTS.events.headline_chars) -> str:
    first = text.split("\n", 1)[0].strip()
    for stop in (". ", "; ", ", marking", ", continuing", " — "):
        if stop in first[: limit * 2]:
            first = first.split(stop, 1)[0]
            break
    if len(first) <= limit:
        return first.rstrip(".")
    return first[:limit].rsplit(" ", 1)[0] + "…"
