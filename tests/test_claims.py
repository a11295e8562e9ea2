"""Claims over real parses: a conflict needs the same measure of the same thing, or one
utterance dated to different days; consensus needs two independent outlets."""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import date, make_article

from storyline import nlp
from storyline.claims import UNNAMED, Statement, align_claims, outlet_key
from storyline.claims import events as claims_module
from storyline.dates import timex
from storyline.models import Article, Event, Quote, Span


def _vector(*values: float) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def _statement(article: Article, vector: np.ndarray, start: int = 0, end: int | None = None) -> Statement:
    end = len(article.text) if end is None else end
    return Statement(
        span=Span(article_id=article.id, start=start, end=end),
        text=article.text[start:end],
        outlet=article.outlet or f"{UNNAMED} ({article.source})",
        source_key=article.id,
        vector=vector,
        outlet_key=outlet_key(article),
    )


def test_outlet_key_names_hosts_and_unnamed():
    assert outlet_key(make_article("x", outlet="The Washington Post")) == outlet_key(
        make_article("y", outlet="Washington Post")
    )
    assert outlet_key(make_article("x", url="https://www.reuters.com/a")) == "host:reuters.com"
    assert outlet_key(make_article("x")) == outlet_key(make_article("y")) == UNNAMED


def test_align_claims_two_stories_of_one_outlet_are_one_source():
    event = Event(id="e", article_ids=("a", "b"), title="t")
    first = make_article("The treaty was signed on Tuesday in Dravik.", id="a", outlet="Reuters")
    update = make_article("Presidents signed the treaty in Dravik on Tuesday.", id="b", outlet="Reuters")
    statements = [_statement(first, _vector(1, 0)), _statement(update, _vector(1, 0.05))]
    analyses = {a: nlp_free(a) for a in "ab"}
    (claim,) = align_claims(event, statements, analyses)
    assert claim.status == "unique"


def test_align_claims_unnamed_articles_count_once_but_add_to_a_named_outlet():
    event = Event(id="e", article_ids=("a", "b", "c"), title="t")
    a = make_article("The treaty was signed on Tuesday in Dravik.", id="a", source="a.txt")
    b = make_article("Presidents signed the treaty in Dravik on Tuesday.", id="b", source="b.txt")
    analyses = {k: nlp_free(k) for k in "abc"}
    (claim,) = align_claims(event, [_statement(a, _vector(1, 0)), _statement(b, _vector(1, 0.05))], analyses)
    assert claim.status == "unique"
    c = make_article("The treaty was signed in Dravik on Tuesday.", id="c", outlet="Karvonia Post")
    statements = [_statement(a, _vector(1, 0)), _statement(c, _vector(1, 0.05))]
    (claim,) = align_claims(event, statements, analyses)
    assert claim.status == "consensus"


def nlp_free(article_id: str):
    from storyline.models import Analysis

    return Analysis(article_id=article_id, sentences=(), tokens=(), mentions=())


def _pair(text_a: str, text_b: str):
    """Two outlets' sentences, parsed by the real model, aligned as near-identical."""
    a = make_article(text_a, id="a", outlet="Estria Daily Wire")
    b = make_article(text_b, id="b", outlet="Karvonia Post")
    analyses = {x.article_id: x for x in nlp.analyze([a, b])}
    event = Event(id="e", article_ids=("a", "b"), title="t")
    statements = [_statement(a, _vector(1, 0)), _statement(b, _vector(1, 0.05))]
    return event, statements, analyses


@pytest.mark.models
def test_figures_of_one_measure_of_one_thing_conflict_and_say_what_differs():
    event, statements, analyses = _pair(
        "The treaty guarantees Estria 40 percent of the river's flow during the dry season.",
        "The treaty guarantees Estria 60 percent of the Tarn river's flow in the dry season.",
    )
    (claim,) = align_claims(event, statements, analyses)
    assert claim.status == "conflict"
    assert claim.note == (
        "Estria Daily Wire reports 40 percent of the river's flow; "
        "Karvonia Post reports 60 percent of the Tarn river's flow"
    )


@pytest.mark.models
def test_figures_counted_from_the_same_day_conflict():
    event, statements, analyses = _pair(
        "It has been 57 days since the explosion on the rig.", "It has been 58 days since the explosion."
    )
    (claim,) = align_claims(event, statements, analyses)
    assert claim.status == "conflict" and "57 days" in claim.note and "58 days" in claim.note


@pytest.mark.models
def test_one_measure_reported_on_two_days_is_a_count_that_moved_not_a_conflict():
    # Mexico's toll of 81 on 26 April and of 103 the next day: the count rose between the reports.
    event, statements, analyses = _pair(
        "Mexico said 81 people had died of the new flu virus.",
        "Mexico said 103 people had died of the new flu virus.",
    )
    day = {"a": date(2009, 4, 26), "b": date(2009, 4, 27)}
    claims = align_claims(event, statements, analyses, published=day)
    assert [c.status for c in claims] == ["unique", "unique"]
    assert all("the count moved between the reports" in (c.note or "") for c in claims)
    assert all("2009-04-26 and 2009-04-27" in (c.note or "") for c in claims)
    same_day = align_claims(event, statements, analyses, published={"a": day["a"], "b": day["a"]})
    assert [c.status for c in same_day] == ["conflict"]


@pytest.mark.models
def test_a_conflict_inside_a_claim_split_by_day_is_kept_on_its_day(monkeypatch):
    # One claim holding two outlets' different tolls of 26 April and a third outlet's of the next
    # day (as a chain of similar sentences can make one): the claim is split by day (the count
    # moved), and the same day's two figures still conflict. The split's new labels were missed
    # by the conflict: a KeyError that failed the claims stage on real Timeline17 events. The
    # grouping is forced to one claim, as the chain makes it.
    texts = {
        "a": ("Mexico said 81 people had died of the new flu virus.", "Estria Daily Wire"),
        "b": ("Mexico said 90 people had died of the new flu virus.", "Karvonia Post"),
        "c": ("Mexico said 103 people had died of the new flu virus.", "Valmora Times"),
    }
    articles = [make_article(text, id=key, outlet=outlet) for key, (text, outlet) in texts.items()]
    analyses = {x.article_id: x for x in nlp.analyze(articles)}
    event = Event(id="e", article_ids=tuple(texts), title="t")
    statements = [_statement(a, _vector(1, 0.01 * k)) for k, a in enumerate(articles)]
    one_claim = lambda statements, labels, cores: [1] * len(statements)  # noqa: E731
    monkeypatch.setattr(claims_module, "_same_claims", one_claim)
    day = {"a": date(2009, 4, 26), "b": date(2009, 4, 26), "c": date(2009, 4, 27)}
    claims = align_claims(event, statements, analyses, published=day)
    cited = {c.status: sorted({s.article_id for s in c.cites}) for c in claims}
    assert cited == {"conflict": ["a", "b"], "unique": ["c"]}


@pytest.mark.models
def test_fatalities_reported_on_two_days_are_a_count_that_moved():
    event, statements, analyses = _pair(
        "Mexico has recorded 149 fatalities from the virus.",
        "Mexico has recorded 159 fatalities from the virus.",
    )
    day = {"a": date(2009, 4, 28), "b": date(2009, 4, 29)}
    claims = align_claims(event, statements, analyses, published=day)
    assert [c.status for c in claims] == ["unique", "unique"]
    assert all("the count moved between the reports" in (c.note or "") for c in claims)


@pytest.mark.models
def test_a_fixed_figure_reported_differently_on_two_days_still_conflicts():
    event, statements, analyses = _pair(
        "The treaty guarantees Estria 40 percent of the river's flow during the dry season.",
        "The treaty guarantees Estria 60 percent of the Tarn river's flow in the dry season.",
    )
    claims = align_claims(
        event, statements, analyses, published={"a": date(2024, 3, 12), "b": date(2024, 3, 13)}
    )
    assert [c.status for c in claims] == ["conflict"]


@pytest.mark.models
@pytest.mark.parametrize(
    ("text_a", "text_b"),
    [
        # 57 vs 58 days, counted from different days
        ("It has been 57 days since the explosion on the rig.", "It has been 58 days after the leak began."),
        # both outlets report the same revision
        (
            "The estimate of the leak was revised from 1,000 to 5,000 barrels a day.",
            "Officials had put the leak at 1,000 barrels a day before raising the figure to 5,000.",
        ),
        # one unit, two different things
        (
            "The dam supplies 20 percent of Karvonia's electricity, officials said.",
            "The dam holds 60 percent of the reservoir's capacity, officials said.",
        ),
    ],
)
def test_figures_of_different_measures_do_not_conflict(text_a, text_b):
    event, statements, analyses = _pair(text_a, text_b)
    statuses = [c.status for c in align_claims(event, statements, analyses)]
    # Nor are two figures of two measures one claim; the same revision reported twice is.
    assert statuses == (["consensus"] if "1,000" in text_a else ["unique", "unique"])


def _wang(text: str, article_id: str, published: date, outlet: str | None):
    article = make_article(
        text, id=article_id, published=published, outlet=outlet, source=f"{article_id}.txt"
    )
    (analysis,) = nlp.analyze([article])
    wang = next(m.entity_id or "ent-wang" for m in analysis.mentions if m.text.endswith("Wang Yi"))
    mentions = tuple(
        m if "Wang" not in m.text else type(m)(**{**_fields(m), "entity_id": "ent-wang"})
        for m in analysis.mentions
    )
    analysis = type(analysis)(**{**_fields(analysis), "mentions": mentions})
    assert wang
    quoted = text.index("China does not") if "China does not" in text else text.index("that China")
    cue = text.index("said", quoted) if "China does not" in text else text.index("said")
    quote = Quote(
        id=f"q-{article_id}",
        article_id=article_id,
        start=quoted,
        end=quoted + 40,
        text=text[quoted : quoted + 40],
        kind="direct",
        cue="said",
        cue_span=Span(article_id=article_id, start=cue, end=cue + 4),
        speaker="Wang Yi",
        speaker_entity_id="ent-wang",
        group_id="qg-wang",
    )
    dates = timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)
    sent = next(s for s in analysis.sentences if s.start <= quoted < s.end)
    return article, analysis, quote, dates, sent


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in record.__slots__}


@pytest.mark.models
@pytest.mark.parametrize(("day", "conflict"), [("Tuesday", True), ("Monday", False)])
def test_one_utterance_dated_to_different_days_conflicts(day, conflict):
    monday = (
        "Foreign Minister Wang Yi reiterated China's desire for a cease-fire in talks Monday with "
        "Dmytro Kuleba, their first exchange since March 1. The call came days after European leaders "
        'urged Xi to act. "China does not seek geopolitical interests, nor will it watch the event from '
        'a safe distance," Wang said.'
    )
    later = (
        "Chinese Foreign Minister Wang Yi spoke with Dmytro Kuleba. "
        f'Wang Yi said {day} that China would not watch "from a safe distance while sitting idle."'
    )
    a, analysis_a, quote_a, dates_a, sent_a = _wang(monday, "a", date(2022, 4, 4), None)
    b, analysis_b, quote_b, dates_b, sent_b = _wang(later, "b", date(2022, 4, 5), "The Washington Post")
    event = Event(id="e", article_ids=("a", "b"), title="t")
    statements = [
        _statement(a, _vector(1, 0), sent_a.start, sent_a.end),
        _statement(b, _vector(1, 0.05), sent_b.start, sent_b.end),
    ]
    (claim,) = align_claims(
        event,
        statements,
        {"a": analysis_a, "b": analysis_b},
        quotes=[quote_a, quote_b],
        dates={"a": dates_a, "b": dates_b},
    )
    if conflict:
        assert claim.status == "conflict"
        assert "Monday (2022-04-04)" in claim.note and "Tuesday (2022-04-05)" in claim.note
    else:
        assert claim.status == "consensus" and claim.note is None
