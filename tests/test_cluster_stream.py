"""The streaming paths of events and stories (batches above `exact_up_to`), on hand-built
vectors: the same events as average linkage where the answer is clear, the date gap held,
mixed topics kept apart, and the same output for the same input."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from tests.conftest import date, make_article

from storyline.cluster import cluster_events, thread_stories
from storyline.models import Analysis


def _empty(article_id: str) -> Analysis:
    return Analysis(article_id=article_id, sentences=(), tokens=(), mentions=())


def _topics(count: int, per_topic: int, *, days: int = 3, seed: int = 0):
    """`count` topics far apart in the vector space, `per_topic` articles each over `days` days,
    interleaved; each article is its topic's direction plus a little noise."""
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.normal(size=(384, count)))[0].T
    articles, vectors, topic_of = [], {}, {}
    for k in range(per_topic):
        for t in range(count):
            article_id = f"t{t}-{k:03d}"
            vector = centres[t] + 0.15 * rng.normal(size=384) / np.sqrt(384)
            vectors[article_id] = (vector / np.linalg.norm(vector)).astype(np.float32)
            published = date(2024, 1, 1) + timedelta(days=k % days)
            articles.append(make_article(f"text {article_id}", id=article_id, published=published))
            topic_of[article_id] = t
    return articles, vectors, topic_of


def _partition(events) -> set[frozenset[str]]:
    return {frozenset(e.article_ids) for e in events}


def _run(articles, vectors, exact_up_to):
    return cluster_events(
        articles, vectors, {a.id: _empty(a.id) for a in articles}, {}, exact_up_to=exact_up_to
    )


def test_stream_finds_the_same_clear_events_as_average_linkage():
    articles, vectors, _ = _topics(6, 20)
    exact = _run(articles, vectors, exact_up_to=10_000)
    stream = _run(articles, vectors, exact_up_to=0)
    assert len(exact) == 6
    assert _partition(stream) == _partition(exact)
    assert [e.id for e in stream] == [e.id for e in exact]  # ids and order come from members


def test_stream_never_mixes_topics_through_the_graph():
    articles, vectors, topic_of = _topics(40, 12, days=2)  # 480 articles: past the exact scan
    events = _run(articles, vectors, exact_up_to=0)
    for event in events:
        assert len({topic_of[i] for i in event.article_ids}) == 1
    assert len(events) == 40


def test_stream_holds_the_date_gap_against_every_member():
    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    days = [date(2024, 1, 1), date(2024, 1, 4), date(2024, 1, 7), date(2024, 1, 30)]
    articles = [make_article(f"t{i}", id=f"a{i}", published=d) for i, d in enumerate(days)]
    events = _run(articles, dict.fromkeys((a.id for a in articles), vector), exact_up_to=0)
    # a2 is within 4 days of a1 but 6 from a0, so it cannot join their event; a3 is alone.
    assert sorted(e.article_ids for e in events) == [("a0", "a1"), ("a2",), ("a3",)]


def test_undated_article_joins_the_event_it_matches():
    articles, vectors, _ = _topics(2, 3)
    undated = make_article("undated", id="u")
    vectors["u"] = vectors["t1-000"]
    events = _run([*articles, undated], vectors, exact_up_to=0)
    assert any({"u", "t1-000"} <= set(e.article_ids) for e in events)
    assert len(events) == 2


def test_stream_is_the_same_for_any_input_order():
    articles, vectors, _ = _topics(8, 10)
    forward = _run(articles, vectors, exact_up_to=0)
    backward = _run(articles[::-1], vectors, exact_up_to=0)
    # The events are the same; within one day, members keep the input order (as in the exact path).
    assert [e.id for e in forward] == [e.id for e in backward]
    assert [set(e.article_ids) for e in forward] == [set(e.article_ids) for e in backward]


def _story_events(articles, vectors):
    return _run(articles, vectors, exact_up_to=10_000)


def test_stream_threads_the_same_stories_as_average_linkage():
    words = {0: "oil spill gulf rig leak", 1: "swine flu vaccine virus", 2: "protest square cairo army"}
    articles, vectors, topic_of = _topics(3, 9, days=9)  # each topic: several events over 9 days
    texts = {a.id: f"{words[topic_of[a.id]]} report {a.id}" for a in articles}
    events = _story_events(articles, vectors)
    analyses = {a.id: _empty(a.id) for a in articles}
    exact = thread_stories(events, texts, analyses, exact_up_to=10_000)
    stream = thread_stories(events, texts, analyses, exact_up_to=0)
    assert len(exact) == 3
    assert [s.event_ids for s in stream] == [s.event_ids for s in exact]
    assert [s.id for s in stream] == [s.id for s in exact]


def test_merge_rounds_join_groups_best_first_with_current_scores():
    from storyline.cluster import _merge_rounds

    points = {0: [0], 1: [1], 2: [2], 3: [3]}
    similar = np.array(
        [[1.0, 0.9, 0.6, 0.0], [0.9, 1.0, 0.7, 0.0], [0.6, 0.7, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    )
    means = np.eye(4, dtype=np.float32) + 0.1

    def average(a, b):
        return float(np.mean([similar[i, j] for i in points[a] for j in points[b]]))

    def joined(a, b):
        points[a].extend(points[b])

    into = _merge_rounds(
        4, lambda g: means[g], average, lambda a, b: True, joined, threshold=0.6, neighbours=3
    )
    # Round one joins 0 and 1 (0.9); round two, 2 joins them (mean 0.65 >= 0.6); 3 stays alone.
    assert into == [0, 0, 0, 3]
    assert sorted(points[0]) == [0, 1, 2]


def test_merge_rounds_refuse_what_does_not_fit():
    from storyline.cluster import _merge_rounds

    means = np.ones((2, 2), dtype=np.float32)
    into = _merge_rounds(
        2,
        lambda g: means[g],
        lambda a, b: 1.0,
        lambda a, b: False,
        lambda a, b: None,
        threshold=0.5,
        neighbours=2,
    )
    assert into == [0, 1]
