"""The automatic trust checks: each finds the error it is for, and real briefings pass them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import ROOT, make_article

from storyline.evaluate.trust import automatic_checks
from storyline.models import Briefing, ClaimGroup, Event, Quote, Span, SummaryLine, TimelineEntry

TEXT = (
    "The minister said the talks would go on. Marcia McNutt declined to confirm that the spill "
    "grew. The markets opened at 0930 GMT on Monday. It belongs to the people,"
)
ARTICLE = make_article(TEXT)


def _span(words: str) -> Span:
    start = TEXT.index(words)
    return Span(article_id=ARTICLE.id, start=start, end=start + len(words))


def _quote(speaker: str, cue: str, words: str) -> Quote:
    span = _span(words)
    return Quote(
        id=f"q-{speaker}",
        article_id=ARTICLE.id,
        start=span.start,
        end=span.end,
        text=words,
        kind="indirect",
        cue=cue,
        cue_span=_span(cue),
        speaker=speaker,
    )


def _violations(**fields) -> dict[str, list[str]]:
    return {k: v for k, v in automatic_checks(Briefing(articles=(ARTICLE,), **fields)).items() if v}


def test_a_clean_briefing_passes_every_check():
    event = Event(
        id="e1",
        article_ids=(ARTICLE.id,),
        title="Talks",
        summary=(
            SummaryLine(text="The minister said the talks would go on.", cites=(_span("The minister"),)),
        ),
    )
    assert (
        _violations(quotes=(_quote("The minister", "said", "the talks would go on"),), events=(event,)) == {}
    )


def test_each_check_finds_its_error():
    found = _violations(
        quotes=(
            _quote("it", "said", "the talks would go on"),
            _quote("Marcia McNutt", "confirm", "the spill grew"),
        ),
        claims=(
            ClaimGroup(
                id="c1", event_id="e1", status="consensus", text="x", outlets=("BBC", "bbc"), cites=()
            ),
        ),
        timeline=(
            TimelineEntry(
                event_id="e1",
                date="0930",
                precision="year",
                text="The markets opened at 0930 GMT on Monday.",
                cites=(_span("The markets"),),
                date_cites=(_span("0930"),),
            ),
            TimelineEntry(
                event_id="e1",
                date="2024",
                precision="year",
                text="It belongs to the people,",
                cites=(_span("It belongs"),),
            ),
        ),
        events=(
            Event(
                id="e1",
                article_ids=(ARTICLE.id,),
                title="Talks",
                summary=(SummaryLine(text="It belongs to the people,", cites=(_span("It belongs"),)),),
            ),
        ),
    )
    assert {name: len(lines) for name, lines in found.items()} == {
        "pronoun_speaker": 1,
        "negated_cue": 1,
        "single_outlet_consensus": 1,
        "clock_time_as_year": 1,
        "summary_fragment": 1,
        "timeline_fragment": 1,
    }


@pytest.mark.models
@pytest.mark.parametrize("fixture", ["sample_briefing", "seed_briefing"])
def test_the_sample_and_the_seeds_pass_every_check(fixture, request):
    briefing = request.getfixturevalue(fixture)
    assert {k: v for k, v in automatic_checks(briefing).items() if v} == {}


TIMELINE17 = ROOT.parent / "shared" / "data" / "timeline17"
# What each check may still find over the four Timeline17 batches: ceilings that may only fall.
# bpoil's BBC live page runs its minute stamps into one line ("tomorrow. 1914: We also ..."),
# where they cannot be told from a chronology's years.
CEILINGS = {
    "pronoun_speaker": 0,
    "negated_cue": 0,
    "single_outlet_consensus": 0,
    "clock_time_as_year": 9,
    "summary_fragment": 0,
    "timeline_fragment": 0,
}
# Articles alone in a one-article event, over the four batches (issue 15 asks for at most 25% of
# a one-story batch): a ceiling that may only fall.
ALONE_CEILING = 14  # of 93 (15%); 58 (62%) before events and stories


@pytest.mark.models
@pytest.mark.data
@pytest.mark.skipif(not TIMELINE17.is_dir(), reason=f"Timeline17 not present at {TIMELINE17}")
def test_trust_gate_on_real_multi_outlet_batches():
    from storyline.evaluate.trust import evaluate_trust

    result = evaluate_trust(TIMELINE17)
    assert len(result["batches"]) == 4
    found = {name: sum(b["violations"][name] for b in result["batches"]) for name in CEILINGS}
    over = {name: (found[name], ceiling) for name, ceiling in CEILINGS.items() if found[name] > ceiling}
    assert not over, f"over the ceilings (check: (found, ceiling)): {over}"
    alone = sum(b["alone"] for b in result["batches"])
    assert alone <= ALONE_CEILING, [(b["story"], b["alone"], b["articles"]) for b in result["batches"]]
    assert all(b["alone_share"] <= 0.25 for b in result["batches"]), result["batches"]
    # H1N1 and bpoil read together: no event and no story holds both.
    assert result["mixed"]["stories"] == ["H1N1", "bpoil"]
    assert (result["mixed"]["mixed_events"], result["mixed"]["mixed_stories"]) == (0, 0)


def test_mixed_events_counts_events_and_stories_holding_two_stories():
    from storyline.evaluate.trust import mixed_batch, mixed_events
    from storyline.models import Story

    batches = [
        (story, [make_article(f"{story} article {i}.", outlet="BBC") for i in range(4)])
        for story in ("H1N1", "bpoil", "MJ")
    ]
    mixed = mixed_batch(batches)
    assert sorted(a.outlet for a in mixed) == ["BBC | H1N1"] * 2 + ["BBC | bpoil"] * 2
    flu, oil = mixed[:2], mixed[2:]
    events = (
        Event(id="e1", article_ids=(flu[0].id, flu[1].id), title="flu"),
        Event(id="e2", article_ids=(oil[0].id,), title="oil"),
        Event(id="e3", article_ids=(oil[1].id,), title="oil"),
    )
    apart = Briefing(
        articles=tuple(mixed),
        events=events,
        stories=(
            Story(id="s1", event_ids=("e1",), title="flu"),
            Story(id="s2", event_ids=("e2", "e3"), title="oil"),
        ),
    )
    assert mixed_events(apart) == (0, 0)
    joined = replace(
        apart,
        events=(replace(events[0], article_ids=(flu[0].id, flu[1].id, oil[0].id)), events[2]),
        stories=(Story(id="s1", event_ids=("e1", "e3"), title="all"),),
    )
    assert mixed_events(joined) == (1, 1)
