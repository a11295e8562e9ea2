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
# bpoil's BBC live page says "at 2000 (0000 GMT)": the time zone is on the second clock.
CEILINGS = {
    "pronoun_speaker": 0,
    "negated_cue": 0,
    "single_outlet_consensus": 0,
    "clock_time_as_year": 1,
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


# Precision of each kind of line over the four audit batches, judged line by line against the
# text (storyline/data/audit/): floors at the figures measured on 2026-12-03 after the session's
# cleaning, quote, event and claim work (515/667 quotes, 121/260 timeline entries, 35/76 summary
# lines, 2/19 consensus right; the 2 conflicts shown are both wrong, so no floor), which may only
# rise. The summary floor was LOWERED on purpose, 0.518 -> 0.460: events became coarser (issue 15
# item 5: 70 -> 29 events on the development batches), so the summary is a different, smaller
# set of lines (187 -> 76) whose judged precision is lower; the errors are page debris run into
# lines (docs/evaluation.md). Consensus rose to 1/1 with claims-6 (the same claim, not one
# topic; no conflict is shown any more, so still no conflict floor): its floor is the target,
# 0.95. On 2026-12-04 (speaker pronouns, organizations, verbs of aspect; timeline entries only
# for happenings dated by their own clause; no debris or writer-in-person lines), every line
# judged: quotes 514/654, timeline 89/131, summary 41/67; the floors rose to those figures. Later
# on 2026-12-04 (speakers that can speak, pronouns only when sure; debris, captions and dates of
# other events kept out of lines; more comment sections cleaned), the 32 new lines judged by a
# reader who had not built the rules (30) and by the lead (2 clear-cut): quotes 513/639,
# timeline 87/122, summary 36/50; the floors rose to those. The targets of issue 15 are quotes
# and timeline 0.95, conflict 0.80, consensus 0.95, summary 1.0.
AUDIT_PRECISION_FLOORS = {
    "quote": 0.832,
    "timeline": 0.806,
    "summary": 0.782,
    "consensus": 0.95,
}
# The judged share of each kind's items (1.0 today): a change that makes more than a few new
# lines fails here until someone judges them.
AUDIT_COVERAGE_FLOOR = 0.95
UNJUDGED_HELP = (
    "list them with `storyline eval trust ../shared/data/timeline17 --audit --unjudged` and add each "
    "filled-in stub (verdict, reason, and for a wrong line its category) to "
    "src/storyline/data/audit/<story>.jsonl (docs/evaluation.md)"
)


@pytest.mark.models
@pytest.mark.data
@pytest.mark.skipif(not TIMELINE17.is_dir(), reason=f"Timeline17 not present at {TIMELINE17}")
def test_audit_gate_precision_and_coverage_of_judged_lines():
    from storyline.evaluate.audit import evaluate_audit

    result = evaluate_audit(TIMELINE17)
    assert len(result["batches"]) == 4
    kinds = result["kinds"]
    low = {
        kind: (kinds[kind]["precision"], floor)
        for kind, floor in AUDIT_PRECISION_FLOORS.items()
        if kinds[kind]["precision"] is None or kinds[kind]["precision"] < floor
    }
    assert not low, f"precision under its floor (kind: (measured, floor)): {low}"
    thin = {
        kind: (f"{s['coverage']:.3f}", s["unjudged"])
        for kind, s in kinds.items()
        if s["coverage"] < AUDIT_COVERAGE_FLOOR
    }
    assert not thin, f"too many unjudged lines (kind: (coverage, unjudged)): {thin}; {UNJUDGED_HELP}"


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
