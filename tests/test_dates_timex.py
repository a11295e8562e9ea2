from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import make_article

from storyline.dates.timex import find_dates, find_times, tag_text
from storyline.models import Sentence


def _values(text: str, published: date | None) -> list[tuple[str, str]]:
    article = make_article(text, published=published)
    sentences = [Sentence(article_id=article.id, index=0, start=0, end=len(text))]
    return [(t.text, t.value) for t in find_dates(article, sentences)]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Talks were held on Monday.", date(2022, 4, 5), [("Monday", "2022-04-04")]),
        ("They spoke Wednesday.", date(2023, 4, 26), [("Wednesday", "2023-04-26")]),
        ("The vote will take place on Friday.", date(2024, 3, 12), [("Friday", "2024-03-15")]),
        ("It was their first call since March 1.", date(2022, 4, 4), [("March 1", "2022-03-01")]),
        ("The pact expires on May 18.", date(2023, 4, 26), [("May 18", "2023-05-18")]),
        ("They last spoke in January, 2022.", date(2023, 4, 26), [("January, 2022", "2022-01")]),
        ("Xi visited Moscow last month.", date(2023, 4, 26), [("last month", "2023-03")]),
        ("The plan was unveiled in February.", date(2023, 4, 26), [("February", "2023-02")]),
        ("Signed on March 3, 2021 in Kyiv.", None, [("March 3, 2021", "2021-03-03")]),
        ("The talks resume next week.", date(2024, 3, 13), [("next week", "2024-W12")]),
        ("It happened two months ago.", date(2024, 3, 13), [("two months ago", "2024-01")]),
    ],
)
def test_find_dates_resolves_against_publication(text, published, expected):
    assert _values(text, published) == expected


def test_relative_dates_need_a_reference():
    assert _values("They met on Monday and again last month.", None) == []


def test_the_following_month_is_anchored_to_the_previous_date():
    text = "They spoke in January, 2022. Russia invaded the following month."
    assert _values(text, date(2023, 4, 26)) == [
        ("January, 2022", "2022-01"),
        ("the following month", "2022-02"),
    ]


def test_may_the_verb_is_not_a_month():
    assert _values("The minister may resign, aides said.", date(2024, 3, 13)) == []


def test_durations_are_not_dates():
    assert _values("The 14-month long conflict drags on.", date(2023, 4, 26)) == []


@pytest.mark.models
def test_tense_comes_from_the_verb_the_date_belongs_to():
    from storyline.nlp import analyze

    text = (
        "Officials said on Monday that the inspectors will report next month. "
        "The commission will meet on Friday."
    )
    article = make_article(text, published=date(2024, 3, 13))  # a Wednesday
    (analysis,) = analyze([article])
    found = find_dates(article, analysis.sentences, tokens=analysis.tokens)
    assert [(t.text, t.value) for t in found] == [
        ("Monday", "2024-03-11"),
        ("next month", "2024-04"),
        ("Friday", "2024-03-15"),
    ]


def _times(text: str, published: date | None) -> list[tuple[str, str, str]]:
    article = make_article(text, published=published)
    sentences = [Sentence(article_id=article.id, index=0, start=0, end=len(text))]
    return [(t.text, t.type, t.value) for t in find_times(article, sentences)]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("The 14-month long conflict drags on.", date(2023, 4, 26), [("14-month long", "DURATION", "P14M")]),
        ("Talks lasted nearly two years.", date(2023, 4, 26), [("nearly two years", "DURATION", "P2Y")]),
        ("It took 2 1/2 years.", date(2023, 4, 26), [("2 1/2 years", "DURATION", "P2Y6M")]),
        ("The strike lasted three hours.", date(2023, 4, 26), [("three hours", "DURATION", "PT3H")]),
        (
            "Sales fell in the first nine months.",
            date(1989, 11, 2),
            [("the first nine months", "DURATION", "P9M")],
        ),
        ("It has happened for several years.", date(2023, 4, 26), [("several years", "DURATION", "PXY")]),
        ("Prices are reviewed each year.", date(2023, 4, 26), [("each year", "SET", "P1Y")]),
        ("The rent is $500 a month.", date(2023, 4, 26), [("a month", "SET", "P1M")]),
        ("Profit rose in the third quarter.", date(1989, 11, 2), [("the third quarter", "DATE", "1989-Q3")]),
        ("Its third-quarter profit rose.", date(1989, 11, 2), [("third-quarter", "DATE", "1989-Q3")]),
        ("Profit rose in the fourth quarter.", date(1990, 2, 2), [("the fourth quarter", "DATE", "1989-Q4")]),
        (
            "Net rose in the third quarter from $5 a share a year earlier.",
            date(1989, 11, 2),
            [("the third quarter", "DATE", "1989-Q3"), ("a year earlier", "DATE", "1988-Q3")],
        ),
        ("Revenue was flat in fiscal 1989.", date(1989, 11, 2), [("fiscal 1989", "DATE", "1989")]),
        ("The film opens this summer.", date(1998, 3, 3), [("this summer", "DATE", "1998-SU")]),
        ("It was built in the mid-1990s.", date(2023, 4, 26), [("the mid-1990s", "DATE", "199")]),
        ("Prices are higher now.", date(2023, 4, 26), [("now", "DATE", "PRESENT_REF")]),
        ("Rates fell recently.", date(2023, 4, 26), [("recently", "DATE", "PAST_REF")]),
        ("They met last night.", date(1998, 1, 20), [("last night", "TIME", "1998-01-19TNI")]),
        (
            "The offer expires at 5 p.m. EST Nov. 9.",
            date(1989, 11, 2),
            [("5 p.m. EST Nov. 9", "TIME", "1989-11-09T17:00")],
        ),
        ("It happened a month ago.", date(2023, 4, 26), [("a month ago", "DATE", "2023-03")]),
        ("Losses grew over the weekend.", date(1990, 8, 13), [("the weekend", "DATE", "1990-W32-WE")]),
        (
            "The rains last from June to September.",
            date(2025, 5, 22),
            [("June", "DATE", "2025-06"), ("September", "DATE", "2025-09")],
        ),
        ("Russia invaded in the nineties.", date(2023, 4, 26), [("the nineties", "DATE", "199")]),
        ("The 52-year-old chief and the chief, 52 years old, resigned.", date(2023, 4, 26), []),
    ],
)
def test_find_times_types_and_values(text, published, expected):
    assert _times(text, published) == expected


def test_find_dates_keeps_calendar_dates_and_times_as_their_day():
    text = "They met last night, for two hours, and again in the third quarter of 2022."
    article = make_article(text, published=date(2023, 4, 26))
    sentences = [Sentence(article_id=article.id, index=0, start=0, end=len(text))]
    assert [(t.text, t.value, t.precision) for t in find_dates(article, sentences)] == [
        ("last night", "2023-04-25", "day")
    ]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("The shares rose Tuesday.", date(1989, 10, 27), "1989-10-24"),
        ("The talks resume Tuesday.", date(1989, 10, 27), "1989-10-31"),
        ("The offer had been due to expire Friday.", date(1989, 10, 30), "1989-10-27"),
        ("The shares have gained since Tuesday.", date(1989, 10, 27), "1989-10-24"),
    ],
)
@pytest.mark.models
def test_weekday_follows_the_tense_of_its_verb(text, published, expected):
    from storyline.nlp import analyze

    article = make_article(text, published=published)
    (analysis,) = analyze([article])
    (found,) = find_times(article, analysis.sentences, tokens=analysis.tokens)
    assert found.value == expected


_WORDS = (
    "the",
    "a",
    "last",
    "next",
    "this",
    "past",
    "early",
    "mid-",
    "each",
    "every",
    "two",
    "14",
    "several",
    "few",
    "year",
    "years",
    "month",
    "quarter",
    "third",
    "second",
    "fiscal",
    "1989",
    "'80s",
    "May",
    "March",
    "Friday",
    "Tuesday",
    "night",
    "morning",
    "ago",
    "earlier",
    "later",
    "since",
    "to",
    "-",
    "season",
    "weekend",
    "now",
    "a.m.",
    "5",
    "p.m.",
    "Nov.",
    "9,",
    "summer",
    "fall",
    "old",
    "long",
    "of",
    "ended",
    "Sept.",
    "30",
    "following",
    "that",
    "day",
    "century",
    "21st",
    "nineties",
    "$5",
    "%",
)


@given(
    st.lists(st.sampled_from(_WORDS), max_size=14),
    st.sampled_from(["", "past", "present", "future"]),
    st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31))),
)
def test_tag_text_never_fails_and_spans_are_disjoint_and_inside(words, tense, reference):
    text = " ".join(words)
    found = tag_text(text, reference, tense_at=lambda offset: tense)
    assert all(0 <= start < end <= len(text) for start, end, _, _ in found)
    assert all(a[1] <= b[0] for a, b in zip(found, found[1:], strict=False))
    assert all(kind in ("DATE", "TIME", "DURATION", "SET") and value for _, _, kind, value in found)


KEYWORD_EXAMPLES = (
    "On 2010-05-20 and 5/20/2010, May 20, 2010 and 20 May 2010; May 20 and the 20th of May; "
    "May 2010 and last May; fiscal 2010. A year ago the year-earlier quarter; the 1990s and the "
    "'90s and the early nineties; the 2010 fiscal year; the 21st century. Last Tuesday morning, "
    "noon Tuesday, the day before yesterday, late afternoon, 3:30 p.m. EST on Tuesday, midnight "
    "tomorrow, early summer of 2010, third-quarter, the third quarter of last year, the "
    "year-earlier period, the second half of 2010, the first two quarters of 2010, three years "
    "ago, two weeks from now, a two-week truce, the past 3 to 5 years. TODAY, THREE YEARS AGO, "
    "The Second Half Of 2009, THE EARLY NINETIES, Noon Tomorrow, 11 AM Friday, at 2000 GMT, "
    "Tuesday nights.\n"
    "1905: Police fire tear gas."
)


def test_every_match_of_a_rule_contains_its_keyword():
    from storyline.dates.rules import KEYWORDS, RULES

    for kind, pattern in RULES:
        if kind not in KEYWORDS:
            continue
        matches = [m.group() for m in pattern.finditer(KEYWORD_EXAMPLES)]
        assert matches, kind
        assert all(KEYWORDS[kind].search(m) for m in matches), kind


def test_keywords_only_skip_rules_that_cannot_match(monkeypatch):
    from storyline.dates import timex

    texts = [KEYWORD_EXAMPLES, "Nothing here happened at any time.", "Sales rose 5% in May."]
    with_keywords = [tag_text(t, date(2010, 6, 1)) for t in texts]
    monkeypatch.setattr(timex, "KEYWORDS", {})
    assert [tag_text(t, date(2010, 6, 1)) for t in texts] == with_keywords


def _parsed_dates(cases):
    from storyline.nlp import analyze

    articles = [make_article(text, published=published) for text, published in cases]
    return [
        [(t.text, t.value) for t in find_dates(article, analysis.sentences, tokens=analysis.tokens)]
        for article, analysis in zip(articles, analyze(articles), strict=True)
    ]


@pytest.mark.models
def test_modal_and_scheduled_verbs_resolve_forward():
    # issue 15: "would hold its first meeting in July" in an article of 2025-05-22 was 2024-07;
    # "his showdown meeting Wednesday" in an article of Tuesday 2010-06-15 was 06-09.
    cases = [
        ("She said the commission would hold its first meeting in July.", date(2025, 5, 22)),
        ("Obama said he would demand a fund from BP at his showdown meeting Wednesday.", date(2010, 6, 15)),
        ("The talks could resume Monday, officials said.", date(2010, 6, 15)),
        ("BP must submit its plan by Friday.", date(2010, 6, 15)),
        ("The vote, scheduled for Friday, could be delayed.", date(2010, 6, 15)),
    ]
    assert _parsed_dates(cases) == [
        [("July", "2025-07")],
        [("Wednesday", "2010-06-16")],
        [("Monday", "2010-06-21")],
        [("Friday", "2010-06-18")],
        [("Friday", "2010-06-18")],
    ]


@pytest.mark.models
def test_modals_of_refusal_habit_and_past_keep_the_past():
    tuesday = date(2010, 6, 15)
    cases = [
        ("A spokesman would not comment on Monday.", tuesday),
        ("She could not be reached Monday.", tuesday),
        ("He would often visit his mother on Sunday.", tuesday),
        ("He would have left on Monday.", tuesday),
        ("The meeting, scheduled for Monday, went ahead.", tuesday),
        ("Moscow warned on Monday that strikes could do serious harm.", tuesday),
    ]
    assert (
        _parsed_dates(cases)
        == [[("Monday", "2010-06-14")]] * 2 + [[("Sunday", "2010-06-13")]] + [[("Monday", "2010-06-14")]] * 3
    )


LIVE_LOG = (
    "Egypt protests live\n"
    "2010: Crowds grow in Tahrir Square.\n"
    "1905: Police fire tear gas at protesters.\n"
    "1850: A curfew is announced."
)
CHRONOLOGY = "Key dates\n1905: A revolt is crushed.\n1915: The canal opens to traffic.\n1939: War begins."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LIVE_LOG, [("TIME", f"2011-02-01T{hm}") for hm in ("20:10", "19:05", "18:50")]),
        (CHRONOLOGY, [("DATE", "1905"), ("DATE", "1915"), ("DATE", "1939")]),
        ("Talks ended at 2000 GMT.", [("TIME", "2011-02-01T20:00")]),
        ("A curfew starts at 2330 local time.", [("TIME", "2011-02-01T23:30")]),
        ("By 1400 hours the crowd had gone.", [("TIME", "2011-02-01T14:00")]),
        ("The dam was built in 1905.", [("DATE", "1905")]),
    ],
)
def test_clock_times_are_never_years(text, expected):
    # issue 15: "1905:" at the start of a live-blog line and "at 2000 GMT" were dated as years
    assert [(kind, value) for _, _, kind, value in tag_text(text, date(2011, 2, 1))] == expected
    # without a reference date the clock times stay times too (the years still resolve)
    years = [value for _, _, kind, value in tag_text(text, None) if kind == "DATE"]
    assert years == [value for kind, value in expected if kind == "DATE"]


def test_clock_times_give_no_inferred_year():
    from storyline.dates.inference import text_interval

    assert text_interval(make_article("The well was capped at 1930 CDT (0030 GMT).", published=None)) is None
    assert text_interval(make_article(LIVE_LOG, published=None)) is None
    assert text_interval(make_article(CHRONOLOGY, published=None)).earliest == date(1939, 1, 1)


# Issue 16: weekdays after plans, schedules and deadlines told in the past tense resolved to the
# previous week. Wednesday 2000-03-01 is the reference: the coming Tuesday is 03-07, the last 02-29.
WEDNESDAY = date(2000, 3, 1)
PLANS_AND_DEADLINES = (
    "The company said the vote was scheduled for Tuesday.",
    "The company said it planned to vote Tuesday.",
    "Officials said they expected a decision by Tuesday.",
    "The parties agreed to meet again Tuesday.",
    "He said the report was due Tuesday.",
    "The minister said he was set to visit Tuesday.",
    "The board was expected to vote Tuesday.",
    "He said he was going to resign Tuesday.",
    "The group announced plans to protest Tuesday.",
    "The ceasefire was extended until Tuesday.",
    "Rebels were given until Tuesday to leave.",
    "The meeting was postponed until Tuesday.",
    "The vote was delayed to Tuesday.",
    "The union said the strike would last until Tuesday.",
    "Leaders may meet Tuesday.",
)


@pytest.mark.models
def test_plans_schedules_and_deadlines_told_in_the_past_resolve_forward():
    found = _parsed_dates([(text, WEDNESDAY) for text in PLANS_AND_DEADLINES])
    wrong = {text: dates for text, dates in zip(PLANS_AND_DEADLINES, found, strict=True)}
    wrong = {text: dates for text, dates in wrong.items() if dates != [("Tuesday", "2000-03-07")]}
    assert not wrong


@pytest.mark.models
def test_past_perfect_plans_and_past_events_keep_the_past():
    cases = [
        "The contract had been due to expire Tuesday.",
        "The deadline expired Tuesday.",
        "The ceasefire lasted until Tuesday.",
        "The talks were held Tuesday.",
        "The record was set on Tuesday.",
        "A vote scheduled for Tuesday was delayed.",
        "He had until Tuesday to decide.",
    ]
    assert _parsed_dates([(text, WEDNESDAY) for text in cases]) == [[("Tuesday", "2000-02-29")]] * len(cases)


@pytest.mark.models
def test_the_forward_readings_are_settings():
    from dataclasses import replace

    from storyline.config import DEFAULTS
    from storyline.nlp import analyze

    texts = ["The company said it planned to vote Tuesday.", "The meeting was postponed until Tuesday."]
    articles = [make_article(text, published=WEDNESDAY) for text in texts]
    off = replace(DEFAULTS.dates, plans_forward=False, deadlines_forward=False)
    for article, analysis in zip(articles, analyze(articles), strict=True):
        (shipped,) = find_dates(article, analysis.sentences, tokens=analysis.tokens)
        (switched_off,) = find_times(article, analysis.sentences, tokens=analysis.tokens, settings=off)
        assert (shipped.value, switched_off.value) == ("2000-03-07", "2000-02-29")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks could resume Tuesday.", "2000-03-07"),
        ("The vote was scheduled for Tuesday.", "2000-03-07"),
        ("The hearing was postponed until Tuesday.", "2000-03-07"),
        ("A truce until Tuesday.", "2000-03-07"),
        ("She could not be reached Tuesday.", "2000-02-29"),
        ("He would have left Tuesday.", "2000-02-29"),
        ("The talks resumed Tuesday.", "2000-02-29"),
    ],
)
def test_without_the_parse_modals_plans_and_deadlines_look_forward(text, expected):
    article = make_article(text, published=WEDNESDAY)
    sentences = [Sentence(article_id=article.id, index=0, start=0, end=len(text))]
    assert [t.value for t in find_times(article, sentences)] == [expected]


# Issue 16: TIMEX3 value conventions (TimeML 1.2.1 guidelines), resolved on Wednesday 2000-10-18.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seasons: the latest that has ended, the next that has not begun
        ("He left last summer.", ("DATE", "2000-SU")),
        ("It began last spring.", ("DATE", "2000-SP")),
        ("It fell last fall.", ("DATE", "1999-FA")),
        ("He leaves next summer.", ("DATE", "2001-SU")),
        # weekends: the one before the reference date, the one after
        ("They met last weekend.", ("DATE", "2000-W41-WE")),
        ("They meet next weekend.", ("DATE", "2000-W42-WE")),
        # weeks are ISO weeks, two digits
        ("They met last week.", ("DATE", "2000-W41")),
        # recurring weekdays and parts of days are sets
        ("He works Tuesdays.", ("SET", "XXXX-WXX-2")),
        ("He works Tuesday nights.", ("SET", "XXXX-WXX-2TNI")),
        ("He calls every Sunday morning.", ("SET", "XXXX-WXX-7TMO")),
        # a part of a named day is a TIME with the part's code
        ("He left Wednesday night.", ("TIME", "2000-10-18TNI")),
        ("He left Monday afternoon.", ("TIME", "2000-10-16TAF")),
        # an indefinite weekday: the day is unknown
        ("It happened on a Monday.", ("DATE", "XXXX-WXX-1")),
        # decades and centuries
        ("in the 1990s", ("DATE", "199")),
        ("in the 1800s", ("DATE", "18")),
        ("in the 2000s", ("DATE", "200")),
    ],
)
def test_timex3_value_conventions(text, expected):
    (found,) = tag_text(text, date(2000, 10, 18))
    assert found[2:] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 1949 the war ended. That day, people danced.", "1949-XX-XX"),
        ("In 1949 the war ended. That month, people danced.", "1949-XX"),
        ("In 1949 the war ended. That week, people danced.", "1949-WXX"),
        ("In 1949 the war ended. That night, people danced.", "1949-XX-XXTNI"),
        ("In March 1949 the war ended. That day, people danced.", "1949-03-XX"),
        ("In March 1949 the war ended. The following month they left.", "1949-04"),
        ("On March 3, 1949 the war ended. The following day they left.", "1949-03-04"),
        ("In 1949 the war ended. The next year they left.", "1950"),
    ],
)
def test_a_day_or_month_anchored_to_a_coarser_date_has_unknown_parts(text, expected):
    """Issue 16: "that day" after "in 1949" was 1949-01-01, a made-up day; TIMEX3 writes the
    parts it does not know as X."""
    assert tag_text(text, date(2000, 10, 18))[-1][3] == expected


def test_an_update_stamp_anchors_the_relative_dates_of_its_update():
    # A topic page first published on 2011-01-31 and updated for weeks: each update's weekday is
    # counted from the update's own stamp (issue 15: "Thursday" of a 3 March update was dated 27 January).
    text = (
        "Tunisia sets date for elections updated: Thu Mar 03 2011 23:59:00 The government said "
        "Thursday it had chosen a date. Protesters clash in Algiers updated: Mon Feb 14 2011 10:24:00 "
        "Police clashed with protesters on Sunday in the capital."
    )
    values = {text[s:e]: value for s, e, _kind, value in tag_text(text, date(2011, 1, 31))}
    assert values["Thursday"] == "2011-03-03"
    assert values["Sunday"] == "2011-02-13"


def test_a_stamp_whose_weekday_disagrees_with_its_date_anchors_nothing():
    text = "Page updated: Wed Mar 03 2011 23:59:00 The minister spoke on Sunday."
    values = {text[s:e]: value for s, e, _kind, value in tag_text(text, date(2011, 1, 31))}
    assert values["Sunday"] == "2011-01-30"
