"""Per-article results stored once per article and version: re-briefing a set with one article
fewer parses, tags and dates nothing again, and gives what a fresh store gives (real models);
the stored briefing keeps article ids, not texts, and reads back the same."""

from __future__ import annotations

import itertools
import json
import logging
import re
import shutil
import zlib
from dataclasses import replace

import pytest
from tests.conftest import SAMPLE, make_article

from storyline import brief, briefing_to_dict, cluster, pipeline
from storyline import claims as claims_stage
from storyline.memo import Memo
from storyline.models import Article, Event, Failure, Quote, Story, TimeExpression
from storyline.per_article import (
    quote_tags_version,
    tags_from_json,
    tags_to_json,
    times_from_json,
    times_to_json,
)
from storyline.quotes.tagger import TaggedSpan
from storyline.store import Store


def test_tags_json_round_trip():
    tags = [TaggedSpan("CUE", 10, 14, 0, 2, 3), TaggedSpan("CONTENT", 15, 40, 1, 3, 9)]
    assert tags_from_json(tags_to_json(tags)) == tags


def _sample_without(tmp_path, left_out: str):
    folder = tmp_path / "seven"
    folder.mkdir()
    for path in SAMPLE.glob("*.txt"):
        if path.name != left_out:
            shutil.copy(path, folder / path.name)
    lines = (SAMPLE / "manifest.jsonl").read_text("utf-8").splitlines()
    (folder / "manifest.jsonl").write_text("\n".join(x for x in lines if left_out not in x) + "\n", "utf-8")
    return folder


@pytest.mark.models
def test_one_article_fewer_redoes_no_per_article_work(tmp_path, caplog):
    db = tmp_path / "story.db"
    full = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    with Store(db) as store:
        stored = store.get_outputs("quote_tags", [a.id for a in full.articles], quote_tags_version())
    assert set(stored) == {a.id for a in full.articles}

    seven = _sample_without(tmp_path, "05_wire_treaty.txt")
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        again = brief([seven], manifest=seven / "manifest.jsonl", db=db)
    assert len(again.articles) == len(full.articles) - 1
    logged = caplog.text
    assert "0 articles parsed, 7 from the store" in logged
    assert "0 articles tagged, 7 from the store" in logged
    assert "0 dated articles read, 7 from the store" in logged
    assert "stored briefing" not in logged  # a new set: the corpus stages ran

    fresh = brief([seven], manifest=seven / "manifest.jsonl", db=tmp_path / "fresh.db")
    assert briefing_to_dict(again) == briefing_to_dict(fresh)


@pytest.mark.models
def test_the_stored_briefing_holds_ids_not_texts_and_reads_back_the_same(tmp_path, caplog):
    db = tmp_path / "story.db"
    fresh = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    with Store(db) as store:
        (key,) = store.briefing_keys()
        ids_json, packed = store.conn.execute(
            "SELECT article_ids, payload FROM briefings WHERE key = ?", (key,)
        ).fetchone()
        payload = zlib.decompress(packed).decode("utf-8")
        dated = [a.id for a in fresh.articles if a.published]
        times = store.get_outputs("time_expressions", dated, _times_version())
    assert json.loads(ids_json) == [a.id for a in fresh.articles]
    assert json.loads(payload)["articles"] == []
    longest = max(fresh.articles, key=lambda a: len(a.text))
    assert longest.text[:300] not in payload  # quotes and lines are in it, whole texts are not
    assert len(packed) * 4 < len(json.dumps(briefing_to_dict(fresh), ensure_ascii=False).encode())
    assert dated and set(times) == set(dated)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        again = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    assert "stored briefing of 8 articles reused" in caplog.text
    assert json.dumps(briefing_to_dict(again)) == json.dumps(briefing_to_dict(fresh))


def _times_version() -> str:
    from storyline import nlp
    from storyline.dates import timex
    from storyline.per_article import TIMES_FORMAT

    return f"{TIMES_FORMAT}+{nlp.ANALYSIS_VERSION}+{timex.TIMEX_VERSION}"


def test_time_expressions_round_trip():
    found = [
        TimeExpression(
            article_id="a1",
            start=3,
            end=9,
            text="Monday",
            value="2024-03-11",
            precision="day",
            sentence_index=0,
        ),
        TimeExpression(
            article_id="a1",
            start=20,
            end=28,
            text="at 10 am",
            value="2024-03-11T10:00",
            precision="time",
            sentence_index=2,
            type="TIME",
        ),
    ]
    assert times_from_json("a1", json.loads(json.dumps(times_to_json(found)))) == found


def _articles(*names: str) -> list[Article]:
    return [make_article(f"The article called {name}, long enough to be one.") for name in names]


def test_per_article_results_are_computed_once_and_stored_as_they_are_made(store, caplog):
    articles = _articles("one", "two", "three")
    asked: list[list[str]] = []

    def lengths(todo):
        asked.append([a.id for a in todo])
        for a in todo:
            if "two" in a.text:
                yield Failure(source=a.source, stage="count", message="no")
            else:
                yield a.id, len(a.text)

    def run(items, failures):
        """The results, and the counts of the stage's log line (made, from the store)."""
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
            found = pipeline._per_article(
                store,
                "length",
                "v1",
                items,
                lengths,
                to_json=lambda n: {"n": n},
                from_json=lambda _, stored: stored["n"],
                counted="count: %d lengths made",
                failures=failures,
            )
        (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("stage count: ")]
        counts = re.fullmatch(r"stage count: (\d+) lengths made, (\d+) from the store in [0-9.]+ s", line)
        assert counts, line
        return found, (int(counts[1]), int(counts[2]))

    failures: list[Failure] = []
    found, counts = run(articles, failures)
    assert found == {a.id: len(a.text) for a in articles if "two" not in a.text} and counts == (3, 0)
    assert [f.stage for f in failures] == ["count"]
    more = _articles("four")
    found, counts = run([*articles, *more], [])
    assert asked[-1] == [articles[1].id, more[0].id]  # the failed one is tried again, not the others
    assert counts == (2, 2) and set(found) == {articles[0].id, articles[2].id, more[0].id}
    assert run(articles[::2], [])[1] == (0, 2) and len(asked) == 2  # all stored: compute is not called


def test_per_article_results_made_before_a_crash_are_kept(store):
    articles = _articles("one", "two", "three")

    def breaks_on_the_third(todo):
        for i, a in enumerate(todo):
            if i == 2:
                raise RuntimeError("killed")
            yield a.id, i

    with pytest.raises(RuntimeError):
        pipeline._per_article(
            store,
            "n",
            "v1",
            articles,
            breaks_on_the_third,
            to_json=int,
            from_json=lambda _, n: n,
            counted="n: %d",
        )
    assert store.get_outputs("n", [a.id for a in articles], "v1") == {articles[0].id: 0, articles[1].id: 1}


def _counts(logged: str, stage: str, what: str) -> tuple[int, int]:
    """(made, from the store) of the memo's `what` in the log line of `stage`."""
    line = next(x for x in logged.splitlines() if f"stage {stage}:" in x)
    found = re.search(rf"{what}: (\d+) made, (\d+) from the store", line)
    assert found, line
    return int(found[1]), int(found[2])


@pytest.mark.models
def test_an_added_article_remakes_only_the_pieces_it_touches_and_the_result_is_a_fresh_one(
    tmp_path, caplog, monkeypatch
):
    db = tmp_path / "story.db"
    seven = _sample_without(tmp_path, "05_wire_treaty.txt")
    before = brief([seven], manifest=seven / "manifest.jsonl", db=db)
    with Store(db) as store:
        assert store.memo_count("event") == len(before.events)
        assert store.memo_count("quotes") == len(before.articles)

    recalled: dict[str, set[str]] = {}
    recall = Memo.recall

    def spy(self, stage, keys):
        found = recall(self, stage, keys)
        recalled.setdefault(stage, set()).update(found)
        return found

    monkeypatch.setattr(Memo, "recall", spy)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        after = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    added = ({a.id for a in after.articles} - {a.id for a in before.articles}).pop()
    made, reused = _counts(caplog.text, "quotes", "articles")
    assert made >= 1 and reused >= 1 and made + reused == len(after.articles)
    assert added not in recalled["quotes"]  # the new article's quotes are made
    made, reused = _counts(caplog.text, "claims", "events")
    assert made >= 1 and reused >= 1 and made + reused == len(after.events)
    touched = {e.id for e in after.events if added in e.article_ids}
    assert touched and not touched & recalled["event"]  # its events are made again

    # The same articles (the store keeps each one's first source, which orders copies) briefed
    # afresh, every piece made: the same briefing, byte for byte.
    with Store(db) as store:
        articles = list(after.articles)
        analyses = pipeline.analyze_articles(store, articles)  # stored: no model runs
        fresh = pipeline.corpus_stages(
            articles,
            analyses,
            lambda texts: pipeline.embed_texts(store, texts),
            tags=pipeline.tag_articles(store, articles, analyses),
            times=pipeline.date_articles(store, articles, analyses),
        )
    assert json.dumps(briefing_to_dict(after)) == json.dumps(briefing_to_dict(fresh))


@pytest.mark.models
def test_an_added_article_aligns_again_only_the_pairs_of_events_it_touches(tmp_path, caplog, monkeypatch):
    # The sample's two events are a year apart (no pair aligns): here each article is an event
    # of its own, all of one story, every two of them a pair, so that pairs abound.
    real_events = cluster.cluster_events
    monkeypatch.setattr(
        cluster, "cluster_events", lambda *a, **k: real_events(*a, **{**k, "threshold": 1.01})
    )
    monkeypatch.setattr(
        cluster,
        "thread_stories",
        lambda events, *_: [Story(id="sty-all", event_ids=tuple(e.id for e in events), title="all")],
    )
    monkeypatch.setattr(
        claims_stage,
        "near_pairs",
        lambda events: list(itertools.combinations(sorted(events, key=lambda e: (e.date or "", e.id)), 2)),
    )
    aligned: list[set[str]] = []
    real_align = claims_stage.align_pair

    def spy(first, second, *rest):
        aligned.append({c.event_id for c in (*first, *second)})
        return real_align(first, second, *rest)

    monkeypatch.setattr(claims_stage, "align_pair", spy)
    db = tmp_path / "story.db"
    seven = _sample_without(tmp_path, "05_wire_treaty.txt")
    before = brief([seven], manifest=seven / "manifest.jsonl", db=db)
    assert len(before.events) == len(before.articles) == 7 and len(aligned) == 21
    remade: set[str] = set()
    recall = Memo.recall

    def recall_spy(self, stage, keys):
        found = recall(self, stage, keys)
        if stage == "event":
            remade.update(set(keys) - set(found))
        return found

    monkeypatch.setattr(Memo, "recall", recall_spy)
    aligned.clear()
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        after = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    pairs = len(after.events) * (len(after.events) - 1) // 2
    made, reused = _counts(caplog.text, "claims", "event pairs")
    assert made == len(aligned) and made + reused == pairs and made >= 1 and reused >= 1
    added = ({a.id for a in after.articles} - {a.id for a in before.articles}).pop()
    assert next(e.id for e in after.events if added in e.article_ids) in remade
    assert all(ids & remade for ids in aligned if ids)  # each pair made again holds a remade event

    with Store(db) as store:
        articles = list(after.articles)
        analyses = pipeline.analyze_articles(store, articles)
        stages = {
            "tags": pipeline.tag_articles(store, articles, analyses),
            "times": pipeline.date_articles(store, articles, analyses),
        }
        aligned.clear()
        again = pipeline.corpus_stages(
            articles, analyses, lambda texts: pipeline.embed_texts(store, texts), **stages, memo=Memo(store)
        )
        assert aligned == []  # nothing changed: every pair is read back
        fresh = pipeline.corpus_stages(
            articles, analyses, lambda texts: pipeline.embed_texts(store, texts), **stages
        )
    assert len(aligned) == pairs
    assert json.dumps(briefing_to_dict(after)) == json.dumps(briefing_to_dict(fresh))
    assert json.dumps(briefing_to_dict(again)) == json.dumps(briefing_to_dict(fresh))


def test_a_pair_key_holds_its_two_events_and_which_of_their_mentions_are_one():
    first = Event(id="evt-1", article_ids=("a1",), title="Bridge", date="2024-03-11", precision="day")
    second = Event(id="evt-2", article_ids=("a2",), title="Bridge", date="2024-03-12", precision="day")

    def pair_key(links, event_keys=None):
        inputs = pipeline._ArticleInputs(article={}, parse={}, links=links)
        return pipeline._pair_key(first, second, event_keys or {"evt-1": "k1", "evt-2": "k2"}, inputs)

    key = pair_key({"a1": ["ent-1", None], "a2": ["ent-1"]})
    assert key == pair_key({"a1": ["ent-9", None], "a2": ["ent-9"]})  # an entity renamed
    assert key != pair_key({"a1": ["ent-1", None], "a2": ["ent-2"]})  # the events name two entities now
    assert key != pair_key(
        {"a1": ["ent-1", None], "a2": ["ent-1"]}, {"evt-1": "k1", "evt-2": "k3"}
    )  # an event changed


def test_a_changed_input_gives_a_piece_another_key():
    article = make_article("Ms. Rivera said the bridge would reopen on Monday, officials said.")
    inputs = pipeline._ArticleInputs(
        article={article.id: "a1"}, parse={article.id: "p1"}, links={article.id: ["ent-1", None]}
    )
    names, kinds = {"ent-1": "Ana Rivera"}, {"ent-1": "PERSON"}
    key = pipeline._quotes_key(article, inputs, names, kinds, None)
    assert key == pipeline._quotes_key(article, inputs, dict(names), dict(kinds), None)
    assert key != pipeline._quotes_key(article, inputs, {"ent-1": "Rivera"}, kinds, None)  # renamed
    assert key != pipeline._quotes_key(article, inputs, names, {"ent-1": "ORG"}, None)
    assert key != pipeline._quotes_key(article, inputs, names, kinds, [TaggedSpan("CUE", 0, 4, 0, 0, 1)])
    relinked = pipeline._ArticleInputs(
        article=inputs.article, parse=inputs.parse, links={article.id: ["ent-2", None]}
    )
    assert key != pipeline._quotes_key(article, relinked, {"ent-2": "Ana Rivera"}, {"ent-2": "PERSON"}, None)

    event = Event(id="evt-1", article_ids=(article.id,), title="Bridge")
    day = TimeExpression(
        article_id=article.id,
        start=40,
        end=49,
        text="on Monday",
        value="2024-03-11",
        precision="day",
        sentence_index=0,
    )

    def event_key(dates, event=event, quotes=()):
        return pipeline._event_key(event, [], inputs, dates, {}, list(quotes))

    key = event_key({article.id: [day]})
    assert key == event_key({article.id: [day]})
    assert key != event_key({article.id: []})  # a member's dates
    assert key != event_key({article.id: [day]}, event=replace(event, date="2024-03-11"))
    said = Quote(
        id="q1", article_id=article.id, start=20, end=60, text="the bridge would reopen", kind="indirect"
    )
    assert key != event_key({article.id: [day]}, quotes=[said])
    assert event_key({article.id: [day]}, quotes=[said]) != event_key(
        {article.id: [day]},
        quotes=[replace(said, group_id="g1")],  # grouped with another outlet's
    )


def test_an_event_key_holds_which_ids_are_one_not_the_ids():
    """An entity renamed by another article (a new id, the same mentions) or a quote group
    joined elsewhere (a new group id, the same quotes of this event in it) keeps the event's
    key; two mentions that become one entity, or two quotes that become one utterance, do not."""
    article = make_article("Ms. Rivera said the bridge would reopen. Rivera said it twice.")
    event = Event(id="evt-1", article_ids=(article.id,), title="Bridge")
    said = [
        Quote(id=f"q{n}", article_id=article.id, start=n * 30, end=n * 30 + 20, text="it", kind="indirect")
        for n in range(2)
    ]

    def event_key(links, speakers=("ent-1", "ent-1"), groups=("g1", "g1")):
        inputs = pipeline._ArticleInputs(
            article={article.id: "a1"}, parse={article.id: "p1"}, links={article.id: links}
        )
        quotes = [
            replace(q, speaker_entity_id=s, group_id=g)
            for q, s, g in zip(said, speakers, groups, strict=True)
        ]
        return pipeline._event_key(event, [], inputs, {}, {}, quotes)

    key = event_key(["ent-1", None, "ent-1"])
    assert key == event_key(["ent-7", None, "ent-7"], speakers=("ent-7", "ent-7"))  # renamed
    assert key == event_key(["ent-1", None, "ent-1"], groups=("g2", "g2"))  # regrouped elsewhere
    assert key != event_key(["ent-1", None, "ent-2"])  # two entities now
    assert key != event_key(["ent-1", None, "ent-1"], speakers=("ent-1", "ent-2"))
    assert key != event_key(["ent-1", "ent-1", "ent-1"])  # a mention linked now
    assert key != event_key(["ent-1", None, "ent-1"], groups=("g1", None))  # one quote left the group
    assert key != event_key(["ent-1", None, "ent-1"], groups=("g1", "g2"))  # two utterances


def _sample_copy(tmp_path, name: str, left_out: str | None, undated: tuple[str, ...]):
    """The sample in a folder of its own, without `left_out`, the files in `undated` without
    their publication dates."""
    folder = tmp_path / name
    folder.mkdir()
    for path in SAMPLE.glob("*.txt"):
        if path.name != left_out:
            shutil.copy(path, folder / path.name)
    lines = []
    for line in (SAMPLE / "manifest.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        if entry["file"] == left_out:
            continue
        if entry["file"] in undated:
            entry.pop("published")
        lines.append(json.dumps(entry))
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


@pytest.mark.models
def test_undated_articles_dates_are_read_back_and_the_result_is_a_fresh_one(tmp_path, caplog):
    db = tmp_path / "story.db"
    undated = ("03_kpost_inspection.txt", "07_kpost_treaty.txt")
    first = _sample_copy(tmp_path, "first", "05_wire_treaty.txt", undated)
    whole = _sample_copy(tmp_path, "whole", None, undated)
    brief([first], manifest=first / "manifest.jsonl", db=db)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        after = brief([first, whole], manifest=whole / "manifest.jsonl", db=db)
    assert sum(a.published is None for a in after.articles) == 2
    made, reused = _counts(caplog.text, "dates", "undated articles")
    assert made + reused == 2 and reused >= 1  # one keeps its interval: its dates are read back
    made, reused = _counts(caplog.text, "corpus timeline", "articles' dates")
    assert made == 1 and reused == len(after.articles) - 1  # the added article's dates only
    with Store(db) as store:
        articles = list(after.articles)
        analyses = pipeline.analyze_articles(store, articles)
        fresh = pipeline.corpus_stages(
            articles,
            analyses,
            lambda texts: pipeline.embed_texts(store, texts),
            tags=pipeline.tag_articles(store, articles, analyses),
            times=pipeline.date_articles(store, articles, analyses),
        )
    assert json.dumps(briefing_to_dict(after)) == json.dumps(briefing_to_dict(fresh))
