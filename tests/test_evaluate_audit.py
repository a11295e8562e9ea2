"""The audit set: held-out batches chosen apart from the development batches, items keyed to
survive re-cleaning, and precision that never counts an unjudged line right."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from tests.conftest import make_article

from storyline.errors import InputError
from storyline.evaluate.audit import (
    audit_items,
    default_audit_dir,
    judgment_stub,
    match_key,
    read_judgments,
    score_items,
)
from storyline.evaluate.trust import audit_batches, trust_batches
from storyline.models import Briefing, ClaimGroup, Event, Quote, Span, SummaryLine, TimelineEntry

TEXT = (
    'The minister said the talks would go on. "We will not stop," Ms Ortiz said on Monday. '
    "The talks resumed on Monday."
)


def _briefing(text: str = TEXT) -> Briefing:
    article = make_article(text, outlet="BBC")

    def span(words: str) -> Span:
        start = text.index(words)
        return Span(article_id=article.id, start=start, end=start + len(words))

    said = span("the talks would go on")
    quote = Quote(
        id="q1",
        article_id=article.id,
        start=said.start,
        end=said.end,
        text="the talks would go on",
        kind="indirect",
        cue="said",
        cue_span=span("said"),
        speaker="The minister",
        speaker_span=span("The minister"),
    )
    line = span("The talks resumed on Monday.")
    return Briefing(
        articles=(article,),
        quotes=(quote,),
        timeline=(
            TimelineEntry(
                event_id="e1",
                date="2024-05-06",
                precision="day",
                text="The talks resumed on Monday.",
                cites=(line,),
                date_cites=(span("Monday."),),
            ),
        ),
        claims=(
            ClaimGroup(
                id="c1",
                event_id="e1",
                status="consensus",
                text="The talks resumed.",
                outlets=("BBC", "CNN"),
                cites=(line,),
            ),
            ClaimGroup(id="c2", event_id="e1", status="unique", text="x", outlets=("BBC",), cites=(line,)),
        ),
        events=(
            Event(
                id="e1",
                article_ids=(article.id,),
                title="Talks",
                summary=(SummaryLine(text="The talks resumed on Monday.", cites=(line,)),),
            ),
        ),
    )


def _identity(briefing: Briefing) -> dict[str, str]:
    return {briefing.articles[0].id: "Talks_bbc/7"}


def test_audit_items_cover_every_shown_line_and_not_unique_claims():
    items = audit_items(_briefing(), _identity(_briefing()))
    assert sorted(i["kind"] for i in items) == ["consensus", "quote", "summary", "timeline"]
    quote = next(i for i in items if i["kind"] == "quote")
    assert quote["article"] == "Talks_bbc/7" and quote["speaker"] == "The minister"
    assert "{{The minister}} <<said>> [[the talks would go on]]" in quote["context"][0]


def test_keys_survive_a_change_of_article_id():
    # Cleaning that changes the text elsewhere changes the content-hash id, not the key.
    before = _briefing()
    after = _briefing(TEXT + " Reporting by staff.")
    assert before.articles[0].id != after.articles[0].id
    keys = sorted(map(match_key, audit_items(before, _identity(before))))
    assert keys == sorted(map(match_key, audit_items(after, _identity(after))))


def _write(folder, records) -> None:
    (folder / "Talks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")


def test_unjudged_items_are_never_counted_right(tmp_path):
    briefing = _briefing()
    items = audit_items(briefing, _identity(briefing))
    quote = next(i for i in items if i["kind"] == "quote")
    _write(tmp_path, [{**judgment_stub(quote), "verdict": "wrong", "reason": "not said", "category": "x"}])
    scores = score_items(items, read_judgments(tmp_path))
    assert scores["quote"] == {
        "items": 1,
        "right": 0,
        "wrong": 1,
        "unjudged": 0,
        "precision": 0.0,
        "coverage": 1.0,
    }
    assert scores["timeline"]["unjudged"] == 1 and scores["timeline"]["precision"] is None
    assert scores["timeline"]["coverage"] == 0.0
    assert scores["conflict"] == {
        "items": 0,
        "right": 0,
        "wrong": 0,
        "unjudged": 0,
        "precision": None,
        "coverage": 1.0,
    }


def test_a_judgment_of_other_words_does_not_match(tmp_path):
    briefing = _briefing()
    quote = next(i for i in audit_items(briefing, _identity(briefing)) if i["kind"] == "quote")
    other = {**judgment_stub(quote), "speaker": "Ms Ortiz", "verdict": "right", "reason": "r"}
    _write(tmp_path, [other])
    assert score_items([quote], read_judgments(tmp_path))["quote"]["unjudged"] == 1


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"kind": "quote", "digest": "d", "verdict": "maybe", "reason": "r"}, "verdict 'maybe'"),
        ({"kind": "quote", "digest": "d", "verdict": "right"}, "needs a reason"),
        ({"kind": "quote", "digest": "d", "verdict": "wrong", "reason": "r"}, "needs an error category"),
        ({"kind": "claim", "digest": "d", "verdict": "right", "reason": "r"}, "needs a kind"),
    ],
)
def test_bad_judgments_are_refused_with_their_line(tmp_path, record, message):
    _write(tmp_path, [record])
    with pytest.raises(InputError, match=message) as error:
        read_judgments(tmp_path)
    assert "Talks.jsonl:1" in str(error.value)


def test_contradictory_judgments_are_refused(tmp_path):
    record = {"kind": "quote", "digest": "d", "reason": "r", "category": "c"}
    _write(tmp_path, [{**record, "verdict": "right"}, {**record, "verdict": "wrong"}])
    with pytest.raises(InputError, match="judged wrong here and right before"):
        read_judgments(tmp_path)


def test_the_bundled_judgments_read_and_say_why():
    judgments = read_judgments(default_audit_dir())
    assert len(judgments) > 500
    assert all(j["reason"] for j in judgments.values())
    assert all(j.get("category") for j in judgments.values() if j["verdict"] == "wrong")


def _topic(root, name: str, days: dict[date, int]) -> None:
    folder = root / name
    folder.mkdir()
    records = [
        {
            "uid": f"{day.isoformat()}-{n}",
            "dct": day.isoformat(),
            "text": f"Story {name} on {day} number {n} .",
        }
        for day, count in days.items()
        for n in range(count)
    ]
    (folder / "articles.json").write_text(json.dumps(records), "utf-8")
    (folder / "story.timeline.json").write_text(json.dumps([{"date": "2020-01-01", "text": "x ."}]), "utf-8")


def test_audit_batches_share_no_day_with_the_development_batches(tmp_path):
    start = date(2020, 1, 1)
    busy = {start + timedelta(days=d): n for d, n in enumerate([1, 9, 8, 7, 0, 0, 3, 4, 2, 0, 5])}
    _topic(tmp_path, "Flu_bbc", busy)
    _topic(tmp_path, "Flu_reuters", {start + timedelta(days=d): 2 for d in range(11)})
    development = dict(trust_batches(tmp_path))["Flu"]
    audit = dict(audit_batches(tmp_path, size=10))["Flu"]
    development_days = {a.published for a in development}
    assert development_days == {start + timedelta(days=d) for d in (1, 2, 3)}
    first, last = min(development_days), max(development_days)
    assert all(a.published and not first <= a.published <= last for a in audit)
    assert {a.id for a in audit}.isdisjoint(a.id for a in development)
    # the next busiest window (days 6-8: 9 + 6 articles), its days and outlets in turn
    assert {a.published for a in audit} == {start + timedelta(days=d) for d in (6, 7, 8)}
    assert len(audit) == 10 and {a.outlet for a in audit} == {"BBC", "REUTERS"}
    assert [a.id for a in audit] == [a.id for a in dict(audit_batches(tmp_path, size=10))["Flu"]]
