"""Claims across the events of one story: one claim in two events is consensus when two
independent outlets carry it, a figure that differs between two events is a note, and events
further apart than one news cycle are left alone."""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import date, make_article
from tests.test_cluster_claims import _empty, _statement, _unit

from storyline import nlp
from storyline.claims import (
    Statement,
    align_across_stories,
    align_claims,
    align_pair,
    apply_links,
    near_pairs,
    outlet_key,
)
from storyline.models import Article, Event, Span, Story


def _of_article(article: Article, vector: np.ndarray) -> Statement:
    """The whole article as one statement, counted for its outlet."""
    return Statement(
        span=Span(article_id=article.id, start=0, end=len(article.text)),
        text=article.text,
        outlet=article.outlet or article.source,
        source_key=article.id,
        vector=vector,
        outlet_key=outlet_key(article),
    )


def _story_claims(second_day: date, second_text: str):
    """One claim in each of two events of one story, by two outlets, the same in meaning."""
    first = Event(id="e1", article_ids=("a",), title="t", date="2024-03-01", precision="day")
    second = Event(id="e2", article_ids=("b",), title="t", date=second_day.isoformat(), precision="day")
    statements = [
        _statement("a", "The storm killed 12 people in Dravik.", _unit(1, 0.02, 0), outlet="Estria Daily"),
        _statement("b", second_text, _unit(1, 0, 0), outlet="Karvonia Post"),
    ]
    claims = [
        *align_claims(first, statements[:1], {"a": _empty("a")}),
        *align_claims(second, statements[1:], {"b": _empty("b")}),
    ]
    story = Story(id="s", event_ids=("e1", "e2"), title="t")
    analyses = {"a": _empty("a"), "b": _empty("b")}
    return align_across_stories(claims, {s.span: s for s in statements}, [story], [first, second], analyses)


def test_align_across_stories_makes_consensus_of_two_outlets_in_two_events():
    first, second = _story_claims(
        date(2024, 3, 2), "Twelve people, 12 in all, were killed by the storm in Dravik."
    )
    assert [c.status for c in (first, second)] == ["consensus", "consensus"]
    assert first.related == (second.id,) and second.related == (first.id,)
    assert first.outlets == ("Estria Daily", "Karvonia Post")
    assert "Karvonia Post (2024-03-02)" in first.note
    # A consensus cites both outlets' sentences, so that a reader can check that they agree.
    assert {c.article_id for c in first.cites} == {c.article_id for c in second.cites} == {"a", "b"}


def test_align_across_stories_needs_the_same_claim_not_the_same_topic():
    # One embedding, one topic, but other figures: two reports, no consensus.
    first, second = _story_claims(date(2024, 3, 2), "The storm killed 15 people in Dravik.")
    assert [c.status for c in (first, second)] == ["unique", "unique"]
    assert first.related == () and first.cites == (Span(article_id="a", start=0, end=37),)


def test_align_across_stories_leaves_events_far_apart_alone():
    first, second = _story_claims(date(2025, 3, 1), "The storm killed 12 people in Dravik.")
    assert [c.status for c in (first, second)] == ["unique", "unique"]
    assert first.related == () and first.note is None


@pytest.mark.models
def test_a_figure_that_differs_between_two_events_of_a_story_is_a_note_not_a_conflict():
    a = make_article("Mexico said 81 people had died of the new flu virus.", id="a", outlet="Estria Daily")
    b = make_article("Mexico said 103 people had died of the new flu virus.", id="b", outlet="Karvonia Post")
    analyses = {x.article_id: x for x in nlp.analyze([a, b])}
    first = Event(id="e1", article_ids=("a",), title="t", date="2009-04-26", precision="day")
    second = Event(id="e2", article_ids=("b",), title="t", date="2009-04-27", precision="day")
    statements = [_of_article(a, _unit(1, 0)), _of_article(b, _unit(1, 0.05))]
    claims = [
        *align_claims(first, statements[:1], analyses),
        *align_claims(second, statements[1:], analyses),
    ]
    story = Story(id="s", event_ids=("e1", "e2"), title="t")
    published = {"a": date(2009, 4, 26), "b": date(2009, 4, 27)}

    def across(days):
        return align_across_stories(
            claims, {s.span: s for s in statements}, [story], [first, second], analyses, published=days
        )

    moved = across(published)
    assert [c.status for c in moved] == ["unique", "unique"] and all(c.related == () for c in moved)
    assert all("81 people" in c.note and "103 people" in c.note for c in moved)
    assert all("(2009-04-26 and 2009-04-27): the count moved between the reports" in c.note for c in moved)
    # Without the days of the reports the figures still differ, but nothing says the count moved.
    (still, _) = across({})
    assert still.status == "unique" and "another figure" in still.note


def test_near_pairs_are_the_events_dated_to_a_day_within_the_gap_in_day_order():
    def event(name, day, precision="day"):
        return Event(id=name, article_ids=(name,), title=name, date=day, precision=precision)

    later, first, month, far = (
        event("e2", "2024-03-04"),
        event("e1", "2024-03-01"),
        event("e3", "2024-03", "month"),
        event("e4", "2024-05-01"),
    )
    pairs = near_pairs([later, first, month, far])
    assert [(a.id, b.id) for a, b in pairs] == [("e1", "e2")]  # 3 days apart; e3 has no day


def _three_events_claims():
    """One claim said in three events of one story (three outlets, one day apart each)."""
    events = [
        Event(id=f"e{n}", article_ids=(name,), title="t", date=f"2024-03-0{n}", precision="day")
        for n, name in ((1, "a"), (2, "b"), (3, "c"))
    ]
    text = "The storm killed 12 people in Dravik."
    statements = [
        _statement(name, text, _unit(1, 0.01 * n, 0), outlet=f"Outlet {name}") for n, name in enumerate("abc")
    ]
    claims = [
        claim
        for event, statement in zip(events, statements, strict=True)
        for claim in align_claims(
            event, [statement], {statement.span.article_id: _empty(statement.span.article_id)}
        )
    ]
    analyses = {name: _empty(name) for name in "abc"}
    return events, {s.span: s for s in statements}, claims, analyses


def test_a_story_is_the_union_of_its_pairs_whatever_their_order():
    events, statements, claims, analyses = _three_events_claims()
    story = Story(id="s", event_ids=tuple(e.id for e in events), title="t")
    whole = align_across_stories(claims, statements, [story], events, analyses)
    assert whole[0].related == (claims[1].id, claims[2].id)  # in the order of the claims
    assert whole[1].related == (claims[0].id, claims[2].id)
    linked = [
        ([k], [m], align_pair([claims[k]], [claims[m]], statements, analyses, {}))
        for first, second in near_pairs(events)
        for k, m in [(events.index(first), events.index(second))]
    ]
    assert all(links for _, _, links in linked)  # every pair states the claim
    when = {e.id: e.date for e in events}
    assert apply_links(claims, linked, statements, when) == whole
    assert apply_links(claims, linked[::-1], statements, when) == whole
