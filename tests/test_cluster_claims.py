"""Events and claims over hand-built vectors, so each rule is checked without the models."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.conftest import date, make_article

from storyline.claims import Statement, align_claims
from storyline.cluster import cluster_events, thread_stories
from storyline.models import Analysis, Event, Span, TimeExpression
from storyline.summarize import summarize_event


def _unit(*values: float) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def _empty(article_id: str) -> Analysis:
    return Analysis(article_id=article_id, sentences=(), tokens=(), mentions=())


def test_same_topic_a_year_apart_is_two_events():
    arts = [
        make_article(f"text {i}", id=f"a{i}", published=p)
        for i, p in enumerate([date(2022, 4, 4), date(2022, 4, 5), date(2023, 4, 26), date(2023, 4, 26)])
    ]
    vectors = {a.id: _unit(1, 0.1 * i) for i, a in enumerate(arts)}  # all very similar
    events = cluster_events(arts, vectors, {a.id: _empty(a.id) for a in arts}, {})
    assert sorted(e.article_ids for e in events) == [("a0", "a1"), ("a2", "a3")]
    assert [e.date for e in events] == ["2022-04-05", "2023-04-26"]


def test_event_date_comes_from_the_lead_not_the_publication():
    article = make_article("They met on Monday.", id="a", published=date(2022, 4, 5))
    when = TimeExpression(
        article_id="a",
        start=8,
        end=17,
        text="on Monday",
        value="2022-04-04",
        precision="day",
        sentence_index=0,
    )
    (event,) = cluster_events([article], {"a": _unit(1)}, {"a": _empty("a")}, {"a": [when]})
    assert event.date == "2022-04-04"
    assert event.date_cites == (Span(article_id="a", start=8, end=17),)


def test_dissimilar_articles_on_one_day_are_separate_events():
    arts = [make_article(f"t{i}", id=f"a{i}", published=date(2024, 1, 1)) for i in range(2)]
    vectors = {"a0": _unit(1, 0), "a1": _unit(0, 1)}
    events = cluster_events(arts, vectors, {a.id: _empty(a.id) for a in arts}, {})
    assert len(events) == 2


def _statement(article_id: str, text: str, vector, outlet: str | None = None) -> Statement:
    return Statement(
        span=Span(article_id=article_id, start=0, end=len(text)),
        text=text,
        outlet=outlet or f"Outlet {article_id}",
        source_key=article_id,
        vector=vector,
    )


def test_claims_consensus_and_unique():
    event = Event(id="e", article_ids=("a", "b", "c"), title="t")
    statements = [
        _statement("a", "The treaty was signed on Tuesday in Dravik.", _unit(1, 0, 0)),
        _statement("b", "Presidents signed the treaty in Dravik on Tuesday.", _unit(1, 0.05, 0)),
        _statement("c", "Fishermen in Valmora were not consulted.", _unit(0, 0, 1)),
    ]
    claims = align_claims(event, statements, {k: _empty(k) for k in "abc"})
    assert [(c.status, {s.article_id for s in c.cites}) for c in claims] == [
        ("consensus", {"a", "b"}),
        ("unique", {"c"}),
    ]


def test_a_copy_does_not_make_consensus():
    event = Event(id="e", article_ids=("a", "b"), title="t")
    original = _statement("a", "The treaty was signed on Tuesday.", _unit(1, 0))
    copy = Statement(
        span=Span(article_id="b", start=0, end=10),
        text=original.text,
        outlet="Tribune",
        source_key="a",
        vector=_unit(1, 0),
    )
    (claim,) = align_claims(event, [original, copy], {"a": _empty("a"), "b": _empty("b")})
    assert claim.status == "unique"


def test_summary_cites_every_line_and_skips_redundant_sentences():
    statements = [
        _statement("a", "The treaty was signed on Tuesday in Dravik.", _unit(1, 0, 0)),
        _statement("b", "The treaty was signed in Dravik on Tuesday.", _unit(1, 0.02, 0)),
        _statement("a", "The deal sets up a river commission.", _unit(0.6, 0.8, 0)),
    ]
    lines = summarize_event(statements, max_lines=3)
    texts = [line.text for line in lines]
    assert len(lines) == 2 and "The deal sets up a river commission." in texts
    first = lines[texts.index(next(t for t in texts if "signed" in t))]
    assert len(first.cites) == 2 and {c.article_id for c in first.cites} == {"a", "b"}


def _passive(article_id: str, verb: str, lemma: str, agent: str) -> tuple[Statement, Analysis]:
    """'The plan was <verb> by <agent>.' with its dependency parse written out."""
    from storyline.models import Token

    text = f"The plan was {verb} by {agent}."
    words = [
        ("The", "the", "DET", "det", 1),
        ("plan", "plan", "NOUN", "nsubjpass", 3),
        ("was", "be", "AUX", "auxpass", 3),
        (verb, lemma, "VERB", "ROOT", 3),
        ("by", "by", "ADP", "agent", 3),
        (agent, agent, "PROPN", "pobj", 4),
    ]
    tokens, offset = [], 0
    for i, (word, base, pos, dep, head) in enumerate(words):
        start = text.index(word, offset)
        tokens.append(
            Token(
                i=i,
                start=start,
                end=start + len(word),
                lemma=base,
                pos=pos,
                tag="",
                dep=dep,
                head=head,
                sent=0,
            )
        )
        offset = start + len(word)
    analysis = Analysis(article_id=article_id, sentences=(), tokens=tuple(tokens), mentions=())
    return _statement(article_id, text, _unit(1, 0)), analysis


def test_opposite_stances_by_the_same_actor_conflict():
    event = Event(id="e", article_ids=("a", "b"), title="t")
    welcomed, analysis_a = _passive("a", "welcomed", "welcome", "Kyiv")
    rejected, analysis_b = _passive("b", "rejected", "reject", "Kyiv")
    (claim,) = align_claims(event, [welcomed, rejected], {"a": analysis_a, "b": analysis_b})
    assert claim.status == "conflict"
    assert "Kyiv, welcomed" in claim.note and "Kyiv, rejected" in claim.note


def test_opposite_stances_in_two_stories_of_one_outlet_are_no_conflict():
    event = Event(id="e", article_ids=("a", "b"), title="t")
    welcomed, analysis_a = _passive("a", "welcomed", "welcome", "Kyiv")
    rejected, analysis_b = _passive("b", "rejected", "reject", "Kyiv")
    welcomed, rejected = (replace(s, outlet="Reuters", outlet_key=None) for s in (welcomed, rejected))
    (claim,) = align_claims(event, [welcomed, rejected], {"a": analysis_a, "b": analysis_b})
    assert claim.status == "unique"


def test_same_stance_by_different_actors_is_no_conflict():
    event = Event(id="e", article_ids=("a", "b"), title="t")
    welcomed, analysis_a = _passive("a", "welcomed", "welcome", "Kyiv")
    rejected, analysis_b = _passive("b", "rejected", "reject", "Washington")
    claims = align_claims(event, [welcomed, rejected], {"a": analysis_a, "b": analysis_b})
    # Nor one claim: "welcomed by Kyiv" and "rejected by Washington" share a topic, not a claim.
    assert [c.status for c in claims] == ["unique", "unique"]


def test_only_lead_and_lexically_aligned_sentences_are_embedded():
    from storyline.claims import Candidate, needs_vector

    def candidate(article_id, position, text):
        return Candidate(
            span=Span(article_id=article_id, start=0, end=len(text)),
            text=text,
            outlet=article_id,
            source_key=article_id,
            position=position,
        )

    candidates = [
        candidate("a", 0, "The treaty was signed in Dravik on Tuesday."),
        candidate("a", 7, "The commission will publish river flow readings every day."),
        candidate("a", 8, "Fishermen mended their nets on the quay at dawn."),
        candidate("b", 9, "Daily river flow readings will be published by the commission."),
    ]
    assert needs_vector(candidates, lead=1) == [True, True, False, True]


def test_loners_become_unique_claims():
    from storyline.claims import Candidate

    event = Event(id="e", article_ids=("a",), title="t")
    loner = Candidate(
        span=Span(article_id="a", start=0, end=5), text="Nets.", outlet="A", source_key="a", position=9
    )
    (claim,) = align_claims(event, [], {"a": _empty("a")}, [loner])
    assert claim.status == "unique" and claim.text == "Nets."


def test_thread_stories_joins_events_a_year_apart_and_keeps_other_stories_apart():
    texts = [
        "Estria and Karvonia ministers met in Valmora over the Tarn river dam.",
        "Ministers of Estria and Karvonia agreed to inspect the Tarn dam.",
        "Estria and Karvonia signed a treaty sharing the Tarn river's water.",
        "The Tarn river treaty gives Estria 40 percent of the dam's releases.",
        "Swine flu cases rose in Mexico City as hospitals filled.",
    ]
    arts = [
        make_article(text, id=f"a{i}", published=p)
        for i, (text, p) in enumerate(
            zip(
                texts,
                [date(2022, 4, 4), date(2022, 4, 5), date(2023, 4, 26), date(2023, 4, 26), date(2023, 4, 26)],
                strict=True,
            )
        )
    ]
    vectors = {a.id: _unit(1, 0.1 * i, 0) for i, a in enumerate(arts[:4])} | {"a4": _unit(0, 0, 1)}
    analyses = {a.id: _empty(a.id) for a in arts}
    events = cluster_events(arts, vectors, analyses, {})
    stories = thread_stories(events, {a.id: a.text for a in arts}, analyses)
    assert sorted(e.article_ids for e in events) == [("a0", "a1"), ("a2", "a3"), ("a4",)]
    by_articles = {e.id: e.article_ids for e in events}
    assert sorted([by_articles[i] for i in s.event_ids] for s in stories) == [
        [("a0", "a1"), ("a2", "a3")],
        [("a4",)],
    ]
    (thread,) = (s for s in stories if len(s.event_ids) == 2)
    assert [next(e.date for e in events if e.id == i) for i in thread.event_ids] == [
        "2022-04-05",
        "2023-04-26",
    ]
