"""Choose the event and story thresholds by leave-one-topic-out over Timeline17's topics.

Each topic gives one-topic batches (its busiest three-day windows of up to 30 articles) and each
pair of topics a mixed batch (half a window of each). For every setting on a grid, on each
batch: the share of articles left alone in a one-article event (one-topic batches), whether an
event or a story holds articles of two topics (mixed batches; the date gap is lifted there, so
the text and the entities alone must keep two topics apart), and how many stories two windows
of one topic weeks apart make (one is right: one ongoing story). For each held-out topic the
setting is chosen on the other four (the most conservative that keeps every mixed batch pure
and meets the target on the training topics) and its figures are reported on the held-out one.

    PYTHONPATH=src python scripts/tune_events.py /work/shared/data/timeline17 --db /tmp/cv.db
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from storyline import cluster, dedup, entities
from storyline.dates import inference as dating
from storyline.dates import timex
from storyline.evaluate.tls import read_topic
from storyline.pipeline import _article_vectors, analyze_articles, embed_texts, ingest
from storyline.store import Store

TARGET = 0.25  # the ceiling on articles alone in a one-article event


def _windows(articles, *, size=30, days=3, count=2, apart_days=14):
    """The busiest `days`-day windows of a topic, at least `apart_days` apart."""
    dated = sorted((a for a in articles if a.published), key=lambda a: (a.published, a.id))
    windows: list[list] = []
    while len(windows) < count:
        best: list = []
        for i, first in enumerate(dated):
            if any(abs((first.published - w[0].published).days) < apart_days for w in windows):
                continue
            window = [a for a in dated[i:] if (a.published - first.published).days < days]
            if len(window) > len(best):
                best = window
        if len(best) < 5:
            break
        windows.append(best[:size])
    return windows


def _inputs(store, articles):
    """What cluster_events needs for one batch, as corpus_stages makes it."""
    analyses = analyze_articles(store, articles)
    articles = [a for a in articles if a.id in analyses]
    _, linked = entities.merge_entities([analyses[a.id] for a in articles])
    analyses = {a.article_id: a for a in linked}
    duplicates = dedup.find_duplicates(articles)
    inferred = dating.infer_dates(articles)
    dates = {
        a.id: timex.find_dates(a, analyses[a.id].sentences, tokens=analyses[a.id].tokens) for a in articles
    }
    vectors = _article_vectors(articles, analyses, lambda texts: embed_texts(store, texts))
    return {
        "articles": articles,
        "vectors": vectors,
        "analyses": analyses,
        "dates": dates,
        "duplicates": duplicates,
        "inferred": inferred,
    }


def _load(data_dir: Path, store: Store):
    """Per topic its windows' articles as stored (cleaned like a user's batch), keyed by topic."""
    topics: dict[str, list[list]] = {}
    for folder in sorted(p for p in data_dir.iterdir() if (p / "articles.json").is_file()):
        windows = _windows(read_topic(folder).articles)
        stored = []
        for window in windows:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "batch.jsonl"
                path.write_text(
                    "".join(
                        json.dumps(
                            {"text": a.text, "published": a.published.isoformat(), "outlet": folder.name}
                        )
                        + "\n"
                        for a in window
                    ),
                    "utf-8",
                )
                result = ingest([path], store)
            stored.append(store.articles(result.article_ids))
        topics[folder.name] = stored
    return topics


_EVENTS: dict[tuple, list] = {}


def _run(key, inputs, *, threshold, entity_weight, story_threshold, story_weight, max_gap_days):
    """The events (made once per event setting) and stories of one batch."""
    if (key, threshold, entity_weight, max_gap_days) not in _EVENTS:
        _EVENTS[key, threshold, entity_weight, max_gap_days] = cluster.cluster_events(
            inputs["articles"],
            inputs["vectors"],
            inputs["analyses"],
            inputs["dates"],
            inputs["duplicates"],
            threshold=threshold,
            entity_weight=entity_weight,
            max_gap_days=max_gap_days,
            inferred=inputs["inferred"],
        )
    events = _EVENTS[key, threshold, entity_weight, max_gap_days]
    stories = cluster.thread_stories(
        events, {a.id: a.text for a in inputs["articles"]}, inputs["analyses"], threshold=story_threshold
    )
    return events, stories


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--db", default="/tmp/storyline-tune-events.db")
    args = parser.parse_args()
    grid_event = [round(float(t), 2) for t in np.arange(0.20, 0.56, 0.05)]
    grid_weight = [0.0, 0.2, 0.35, 0.5]
    grid_story = [round(float(t), 2) for t in np.arange(0.05, 0.51, 0.025)]
    grid_story_weight = [0.0]
    with Store(args.db) as store:
        topics = _load(args.data_dir, store)
        names = sorted(topics)
        single = {(t, k): _inputs(store, w) for t in names for k, w in enumerate(topics[t])}
        joined = {t: _inputs(store, topics[t][0] + topics[t][1]) for t in names if len(topics[t]) > 1}
        # Topics named STORY_OUTLET are one story told by two outlets (H1N1_bbc, H1N1_reuters):
        # their articles may share events and stories.
        owner = {a.id: t.rsplit("_", 1)[0] for t in names for w in topics[t] for a in w}
        mixed = {
            (a, b, k): _inputs(store, topics[a][k][:15] + topics[b][k][:15])
            for a, b in itertools.combinations(names, 2)
            for k in range(min(len(topics[a]), len(topics[b])))
        }
    figures: dict[tuple, dict] = {}
    for setting in itertools.product(grid_event, grid_weight, grid_story, grid_story_weight):
        threshold, weight, story, story_weight = setting
        if (
            weight and story != grid_story[0]
        ):  # stories are scored under text-only events (every fold's choice)
            continue
        run = functools.partial(
            _run, threshold=threshold, entity_weight=weight, story_threshold=story, story_weight=story_weight
        )
        alone: dict[str, int] = defaultdict(int)
        count: dict[str, int] = defaultdict(int)
        for (topic, k), inputs in single.items():
            events, _ = run(("single", topic, k), inputs, max_gap_days=4)
            alone[topic] += sum(len(e.article_ids) for e in events if len(e.article_ids) == 1)
            count[topic] += len(inputs["articles"])
        stories_of = {}
        for topic, inputs in joined.items():
            _, stories = run(("joined", topic), inputs, max_gap_days=4)
            stories_of[topic] = len(stories)
        impure = {}
        for pair, inputs in mixed.items():
            events, stories = run(("mixed", pair), inputs, max_gap_days=10**6)
            members = {e.id: e.article_ids for e in events}
            impure[pair] = (
                sum(len({owner[i] for i in e.article_ids}) > 1 for e in events),
                sum(len({owner[i] for e in s.event_ids for i in members[e]}) > 1 for s in stories),
            )
        figures[setting] = {"alone": alone, "count": count, "stories": stories_of, "impure": impure}

    def score(setting, topics, pairs):
        fig = figures[setting]
        share = sum(fig["alone"][t] for t in topics) / max(sum(fig["count"][t] for t in topics), 1)
        bad_events = sum(fig["impure"][p][0] for p in pairs)
        bad_stories = sum(fig["impure"][p][1] for p in pairs)
        return share, bad_events, bad_stories, sum(fig["stories"].get(t, 0) for t in topics)

    pairs = list(mixed)
    chosen = []
    step = round(grid_story[1] - grid_story[0], 2)

    def _lower_bad(setting, pairs):
        """Impure stories one grid step below: a story threshold keeps a margin to impurity."""
        lower = (*setting[:2], round(setting[2] - step, 2), setting[3])
        return score(lower, [], pairs)[2] if lower in figures else 0

    for held in names:
        train = [t for t in names if t != held]
        train_pairs = [p for p in pairs if held not in p]
        held_pairs = [p for p in pairs if held in p]

        # Events: pure, then the target met, then the fewest merges that meet it (the highest
        # threshold). Stories, given the events: pure, then the fewest stories for two windows
        # of one topic weeks apart (one ongoing story), then the highest threshold.
        def event_key(setting, train=train, train_pairs=train_pairs):
            share, bad_events, _, _ = score(setting, train, train_pairs)
            return (bad_events > 0, share > TARGET, -setting[0], share, setting[1])

        event_setting = min(figures, key=event_key)[:2]

        def story_key(setting, train=train, train_pairs=train_pairs):
            _, _, bad_stories, stories = score(setting, train, train_pairs)
            return (bad_stories + _lower_bad(setting, train_pairs) > 0, stories, -setting[2])

        best = min((s for s in figures if s[:2] == event_setting), key=story_key)
        tr = score(best, train, train_pairs)
        ho = score(best, [held], held_pairs)
        chosen.append((best, ho))
        print(
            f"{held}: threshold={best[0]} entity_weight={best[1]} story={best[2]} story_weight={best[3]}; "
            f"train alone={tr[0]:.1%} impure={tr[1]}+{tr[2]} stories={tr[3]}/{len(train)}; "
            f"held-out alone={ho[0]:.1%} impure events={ho[1]} stories={ho[2]} (of {len(held_pairs)} mixed), "
            f"stories of its two windows={ho[3]}"
        )
    event_setting = min(
        figures,
        key=lambda s: (score(s, names, pairs)[1] > 0, score(s, names, pairs)[0] > TARGET, -s[0], s[1]),
    )[:2]
    final = min(
        (s for s in figures if s[:2] == event_setting),
        key=lambda s: (
            score(s, names, pairs)[2] + _lower_bad(s, pairs) > 0,
            score(s, names, pairs)[3],
            -s[2],
        ),
    )
    print(f"chosen on all topics: {final}: {score(final, names, pairs)}")
    alone_total = sum(figures[b]["alone"][t] for (b, _), t in zip(chosen, names, strict=True))
    count_total = sum(figures[b]["count"][t] for (b, _), t in zip(chosen, names, strict=True))
    print(
        f"cross-validated: alone={alone_total / count_total:.1%}, impure events="
        f"{sum(h[1] for _, h in chosen)}, impure stories={sum(h[2] for _, h in chosen)}"
    )
    for setting in sorted(s for s in figures if s[:2] == final[:2]):
        share, bad_events, bad_stories, stories = score(setting, names, pairs)
        print(f"all topics {setting}: alone={share:.1%} impure={bad_events}+{bad_stories} stories={stories}")


if __name__ == "__main__":
    main()
