"""The event timeline: facts at their own dates, retellings merged, every entry cited; events
of undated articles dated by their inferred intervals."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from tests.conftest import make_article

from storyline import cluster
from storyline.dates import timex
from storyline.models import Analysis, Event, InferredDate
from storyline.timeline import entries as timeline
from storyline.timeline.corpus import split_sentences


def _analysis(article) -> Analysis:
    return Analysis(article_id=article.id, sentences=split_sentences(article), tokens=(), mentions=())


def _timeline(*articles, inferred=None):
    analyses = {a.id: _analysis(a) for a in articles}
    dates = {a.id: timex.find_dates(a, analyses[a.id].sentences) for a in articles}
    event = Event(id="evt", article_ids=tuple(a.id for a in articles), title="t")
    return timeline.build_timeline(event, {a.id: a for a in articles}, analyses, dates, inferred)


def _parsed_timeline(article):
    """The timeline of one article read with the real parse (tests marked `models`)."""
    from storyline.nlp import analyze

    (analysis,) = analyze([article])
    dates = timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)
    event = Event(id="evt", article_ids=(article.id,), title="t")
    analyses, found = {article.id: analysis}, {article.id: dates}
    return timeline.build_timeline(event, {article.id: article}, analyses, found)


def test_background_facts_go_to_their_own_dates():
    article = make_article(
        "Xi spoke with Zelensky on Wednesday. The call was long and warm, aides said. "
        "Xi announced a peace plan two months earlier. "
        "The previous call was in January 2022.",
        published=date(2023, 4, 26),
    )
    entries = {e.text: e for e in _timeline(article)}
    assert entries["Xi spoke with Zelensky on Wednesday."].date == "2023-04-26"
    assert entries["Xi announced a peace plan two months earlier."].date == "2023-02"
    assert entries["The previous call was in January 2022."].date == "2022-01"
    lead = entries["The call was long and warm, aides said."]  # no date of its own: its article's news day
    assert lead.date == "2023-04-26" and lead.dated_by == "news"
    assert article.text[lead.date_cites[0].start : lead.date_cites[0].end] == "Wednesday"
    for entry in entries.values():
        assert article.text[entry.cites[0].start : entry.cites[0].end] == entry.text


def test_retellings_on_neighbouring_days_merge_keeping_every_cite():
    one = make_article(
        "Police fired tear gas at protesters in Tahrir Square on Tuesday.", published=date(2011, 1, 26)
    )
    two = make_article(
        "On Wednesday police fired tear gas at protesters in Tahrir Square again.",
        published=date(2011, 1, 27),
    )
    other = make_article(
        "The army deployed tanks near the central bank on Tuesday.", published=date(2011, 1, 26)
    )
    entries = _timeline(one, two, other)
    merged = [e for e in entries if len(e.cites) == 2]
    assert len(merged) == 1 and {c.article_id for c in merged[0].cites} == {one.id, two.id}
    assert len(merged[0].date_cites) >= 1
    assert len(entries) == 2


def test_plans_and_since_dates_do_not_date_a_sentence():
    article = make_article(
        "Talks will resume on May 3, 2023. Trade has fallen since March 1, officials said on Monday.",
        published=date(2023, 4, 26),
    )
    entries = {e.text: e for e in _timeline(article)}
    assert "Talks will resume on May 3, 2023." not in entries
    assert entries["Trade has fallen since March 1, officials said on Monday."].date == "2023-04-24"


def test_an_undated_lead_takes_the_period_holding_its_inferred_interval():
    article = make_article("The ministers met in the capital. Prices rose in January 2023.")
    april = InferredDate(
        article_id=article.id,
        earliest=date(2023, 4, 2),
        latest=date(2023, 4, 28),
        confidence=0.8,
        evidence=(),
        basis="text",
    )
    entries = {e.text: e for e in _timeline(article, inferred={article.id: april})}
    lead = entries["The ministers met in the capital."]
    assert (lead.date, lead.precision, lead.dated_by, lead.date_cites) == ("2023-04", "month", "inferred", ())
    assert "The ministers met in the capital." not in {e.text for e in _timeline(article)}


def test_select_entries_by_event_and_days():
    article = make_article(
        "Xi spoke with Zelensky on Wednesday. The last call was in January 2022.", published=date(2023, 4, 26)
    )
    entries = _timeline(article)
    assert [e.date for e in timeline.select_entries(entries, since=date(2023, 1, 1))] == ["2023-04-26"]
    assert [e.date for e in timeline.select_entries(entries, until=date(2022, 1, 15))] == ["2022-01"]
    assert timeline.select_entries(entries, event_id="other") == []


def _interval(article, first, last):
    return InferredDate(
        article_id=article.id, earliest=first, latest=last, confidence=0.6, evidence=(), basis="text"
    )


def test_undated_articles_a_year_apart_are_two_events_dated_as_inferred():
    texts = [
        "Xi and Zelensky spoke about peace.",
        "Xi and Zelensky spoke of peace talks.",
        "Xi and Zelensky talked about peace.",
        "Xi and Zelensky held peace talks.",
    ]
    articles = [make_article(t) for t in texts]
    inferred = {
        articles[0].id: _interval(articles[0], date(2022, 1, 31), date(2022, 6, 29)),
        articles[1].id: _interval(articles[1], date(2022, 3, 1), date(2022, 4, 30)),
        articles[2].id: _interval(articles[2], date(2023, 1, 1), date(2024, 4, 29)),
        articles[3].id: _interval(articles[3], date(2022, 1, 1), None),
    }
    vectors = {a.id: np.ones(4) / 2 for a in articles}  # the same words: only dates split them
    analyses = {a.id: _analysis(a) for a in articles}
    events = cluster.cluster_events(articles, vectors, analyses, {}, inferred=inferred)
    groups = sorted(sorted(texts.index(a.text) for a in articles if a.id in e.article_ids) for e in events)
    # the open-ended article may join either; 2022 and 2023 never meet
    assert any({0, 1} <= set(g) for g in groups) and [2] in groups
    first = next(e for e in events if articles[0].id in e.article_ids)
    assert (first.inferred.earliest, first.inferred.latest) == (date(2022, 3, 1), date(2022, 4, 30))
    assert (first.date, first.precision) == ("2022", "year")


def test_a_caption_does_not_date_an_entry():
    # issue 15: dates taken from captions dated entries
    article = make_article(
        "Karvonia and Estria signed a treaty on Tuesday in Dravik, officials said.\n"
        "The two presidents exchange copies of the treaty in Dravik on May 19.Mila Dorne/Karvonia Post\n",
        published=date(2025, 5, 22),
    )
    entries = _timeline(article)
    assert [(e.date, e.text[:25]) for e in entries] == [("2025-05-20", "Karvonia and Estria signe")]


@pytest.mark.models
def test_a_date_in_a_clause_about_another_event_does_not_date_an_entry():
    # issue 15: "the dam, which Karvonia completed in March, 2023" dated a sentence about the treaty
    from storyline.nlp import analyze

    article = make_article(
        "Karvonia and Estria signed a water treaty on Tuesday, officials said. "
        "The treaty sets rules for releases from the Brena dam, which Karvonia completed in March, 2023. "
        "Shares in the utility fell after the company reported losses in April. "
        "The Brena dam was completed in March, 2023.",
        published=date(2025, 5, 22),
    )
    (analysis,) = analyze([article])
    dates = timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)
    event = Event(id="evt", article_ids=(article.id,), title="t")
    analyses, found = {article.id: analysis}, {article.id: dates}
    entries = timeline.build_timeline(event, {article.id: article}, analyses, found)
    assert [(e.date, e.text[:24]) for e in entries] == [
        ("2023-03", "The Brena dam was comple"),
        ("2025-05-20", "Karvonia and Estria sign"),
    ]


@pytest.mark.models
def test_states_plans_and_the_speakers_own_dates_are_not_entries():
    # issue 15: timeline lines that are not events ("The Friday prayer is obligatory" at a
    # Friday, "He could hold an election this year" at this year), and a date inside a quotation
    # read from the article's day instead of the speaker's
    from storyline.nlp import analyze

    article = make_article(
        "Karvonia and Estria signed a water treaty on Tuesday, officials said. "
        "The Friday prayer is obligatory for the faithful in Dravik. "
        "The minister could also call an election this year, aides said. "
        "Egypt is home to some 80 million people, an analyst said on Wednesday. "
        "The streets of Dravik were almost empty on Wednesday. "
        "Police did not intervene on Wednesday. "
        '"We saw the river rise last week," a farmer in Dravik said on Monday.',
        published=date(2025, 5, 22),
    )
    (analysis,) = analyze([article])
    dates = timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)
    event = Event(id="evt", article_ids=(article.id,), title="t")
    analyses, found = {article.id: analysis}, {article.id: dates}
    entries = timeline.build_timeline(event, {article.id: article}, analyses, found)
    assert [(e.date, e.text[:24]) for e in entries] == [
        ("2025-05-19", '"We saw the river rise l'),
        ("2025-05-20", "Karvonia and Estria sign"),
    ]


def test_a_bare_weekday_six_days_back_does_not_date_an_entry():
    # issue 15: a live page stamped Friday told of a speech "early Saturday", the day after its
    # stamp; the weekday was read as the Saturday before and the entries dated a week early
    article = make_article(
        "The president addressed the nation early Saturday, his office said. "
        "The address began just after midnight with a call for unity. "
        "Police withdrew from the capital on Thursday.",
        published=date(2011, 1, 28),
    )
    assert [(e.date, e.text[:24]) for e in _timeline(article)] == [("2011-01-27", "Police withdrew from the")]
    weekly = make_article("The president addressed the nation last Saturday.", published=date(2011, 1, 28))
    assert [e.date for e in _timeline(weekly)] == ["2011-01-22"]


def test_a_date_that_names_or_is_set_by_something_else_does_not_date_an_entry():
    # issue 15: "Today program listeners were asked ..." dated at publication; a dose given "at
    # 1.30 am on the morning of his death" dated at publication, two years after the death
    article = make_article(
        "Listeners of the Today program were asked to help on Monday, the producers said. "
        "The singer was given a sedative at 1.30 am on the morning of his death, the court heard. "
        "There were more than 7,000 spills between 1970 and 2000, the government said.",
        published=date(2011, 9, 28),
    )
    entries = _timeline(article)
    assert [(e.date, e.text[:20]) for e in entries] == [("2011-09-26", "Listeners of the Tod")]


def test_the_event_s_first_line_is_not_put_at_the_event_s_date_when_it_names_its_own():
    # issue 15: "An explosion in 1979 at the Ixtoc I platform ... caused the largest ever
    # peacetime oil spill." was shown at the event's day in 2010, as the event's first line
    from storyline.models import Span, SummaryLine

    line = "An explosion in 1979 at the Brena platform caused the largest spill in the gulf."
    article = make_article(line, published=date(2010, 6, 15))
    analysis = _analysis(article)
    dates = {article.id: timex.find_dates(article, analysis.sentences)}
    summary = (SummaryLine(text=line, cites=(Span(article_id=article.id, start=0, end=len(line)),)),)
    event = Event(
        id="evt", article_ids=(article.id,), title="t", date="2010-06-15", precision="day", summary=summary
    )
    entries = timeline.build_timeline(event, {article.id: article}, {article.id: analysis}, dates)
    assert [(e.date, e.dated_by) for e in entries] == [("1979", "mention")]


@pytest.mark.models
def test_a_date_naming_another_event_in_a_noun_phrase_does_not_date_an_entry():
    # issue 15: "Wednesday's meeting" dated the sentence about what came of it; a participle
    # after a noun ("a report published on Monday") and a clause of cause name other events too
    from storyline.nlp import analyze

    article = make_article(
        "Varga rejected the plan at a news conference in Dravik, officials said. "
        "Estria's minister criticised Wednesday's vote in the assembly. "
        "The utility cut its releases, citing a report published on Monday. "
        "Farmers protested because the board raised prices on Tuesday. "
        "As they had done earlier this week, farmers marched in Dravik on Thursday. "
        "Wednesday's protest in Dravik drew thousands of farmers. "
        "At Thursday's meeting, the board agreed to lower prices. "
        "Police withdrew from the square as the crowd grew by Thursday evening. "
        "The board raised prices on Tuesday.",
        published=date(2025, 5, 23),
    )
    (analysis,) = analyze([article])
    dates = timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)
    event = Event(id="evt", article_ids=(article.id,), title="t")
    entries = timeline.build_timeline(
        event, {article.id: article}, {article.id: analysis}, {article.id: dates}
    )
    on = {e.text[:24]: e.date for e in entries}
    assert on.get("The board raised prices ") == "2025-05-20"
    assert on.get("Estria's minister critic", "") != "2025-05-21"
    assert "2025-05-19" not in on.values()
    assert on.get("Farmers protested becaus", "2025-05-23") != "2025-05-20"
    assert on["As they had done earlier"] == "2025-05-22"
    # a date on the main clause's own subject dates it
    assert on["Wednesday's protest in D"] == "2025-05-21"
    assert on["At Thursday's meeting, t"] == "2025-05-22"
    assert on["Police withdrew from the"] == "2025-05-22"  # "as" in the simple past: the same time


def test_an_undated_lead_is_not_put_at_its_publication_day():
    # issue "Trust": "In his first Oval Office address, Mr Obama said ..." was put at its page's
    # day, the morning after the evening address; a lead that names no day of its own news
    # leaves its undated sentences undated
    undated = make_article(
        "In his first address from the office, the president said he would ask the firm for a fund. "
        "The firm's chairman met the president's aides at the White House.",
        published=date(2010, 6, 16),
    )
    assert _timeline(undated) == []
    named = make_article(
        "The firm's chairman met the president's aides at the White House on Tuesday. "
        "The president said he would ask the firm for a fund to pay the fishermen.",
        published=date(2010, 6, 16),
    )
    lead = {e.text[:16]: e for e in _timeline(named)}["The president sa"]
    assert (lead.date, lead.dated_by) == ("2010-06-15", "news")
    # an article naming its own day, and not the day before, tells that day's news
    body = "The firm's shares fell on Wednesday, traders said."
    lead_line = "The president has asked the firm for a fund to pay the fishermen. "
    today = make_article(lead_line + "The chairman met his aides. " * 5 + body, published=date(2010, 6, 16))
    lead = {e.text[:16]: e for e in _timeline(today)}["The president ha"]
    assert (lead.date, lead.dated_by) == ("2010-06-16", "publication")
    overnight = make_article(
        lead_line + "The chairman met his aides. " * 5 + body + " He spoke on Tuesday night.",
        published=date(2010, 6, 16),
    )
    assert "The president ha" not in {e.text[:16] for e in _timeline(overnight)}


@pytest.mark.models
def test_a_page_or_wire_stamp_does_not_date_the_news():
    # issue "Trust": "Page last updated at 10:39 GMT, Wednesday, 28 September 2011" and a wire's
    # "Wed Apr 29, 2009 12:20 am BST" dated the lead's news at the stamp's day, a day late
    for text, published in (
        (
            "Page last updated at 10:39 GMT, Wednesday, 28 September 2011 11:39 UK\n"
            "The trial of the singer's doctor has begun in Los Angeles with the jury shown images.",
            date(2011, 9, 28),
        ),
        (
            "LONDON | Wed Apr 29, 2009 12:20 am BST\n"
            "A couple who recently returned from Cancun have become the first in Britain to test positive.",
            date(2009, 4, 29),
        ),
    ):
        assert _parsed_timeline(make_article(text, published=published)) == []
    prose = make_article(
        "The vote was held at 10:30 pm on Tuesday, June 15, 2010, officials said.",
        published=date(2010, 6, 16),
    )
    assert [e.date for e in _timeline(prose)] == ["2010-06-15"]


def test_a_week_named_by_one_of_its_days_does_not_date_an_entry():
    # issue "Trust": "jumped 442 percent in the week ending April 26" was put at the article's
    # own week
    article = make_article(
        "Online traffic to the agency's site jumped 442 percent in the week ending April 26, "
        "an analyst said. Visits fell sharply in the week of March 2.",
        published=date(2009, 4, 29),
    )
    assert _timeline(article) == []


def test_the_event_s_first_line_is_not_put_at_a_day_its_own_article_does_not_name():
    # issue "Trust": "Conrad Murray has gone on trial in Los Angeles" (an article of 27 September)
    # was put at the event's day, 29 September, which only another article's lead names
    from storyline.models import Span, SummaryLine

    line = "The singer's doctor has gone on trial in Los Angeles, charged with manslaughter."
    first = make_article(line, published=date(2011, 9, 27))
    other = make_article("More witnesses testify on 29 September.", published=date(2011, 9, 28))
    articles = {a.id: a for a in (first, other)}
    analyses = {a.id: _analysis(a) for a in articles.values()}
    dates = {a.id: timex.find_dates(a, analyses[a.id].sentences) for a in articles.values()}
    day = other.text.index("29 September")
    event = Event(
        id="evt",
        article_ids=tuple(articles),
        title="t",
        date="2011-09-29",
        precision="day",
        date_cites=(Span(article_id=other.id, start=day, end=day + 12),),
        summary=(SummaryLine(text=line, cites=(Span(article_id=first.id, start=0, end=len(line)),)),),
    )
    assert timeline.build_timeline(event, articles, analyses, dates) == []


@pytest.mark.models
def test_a_date_of_one_member_of_a_set_or_of_a_claim_does_not_date_an_entry():
    # issue "Trust": "In the 1940s, an armed wing was blamed for a string of violent acts,
    # including the assassination of the prime minister in 1948" was put at 1948; "the
    # prosecution alleged that a lethal dose caused the star's death in June 2009" at June 2009
    article = make_article(
        "In the 1940s, an armed wing of the group was blamed for a string of violent acts, including "
        "the assassination of the prime minister in 1948. "
        "In the opening statements, the prosecution alleged that a lethal dose of a sedative caused "
        "the star's death in June 2009. "
        "The singer died in June 2009.",
        published=date(2011, 9, 29),
    )
    entries = _parsed_timeline(article)
    assert [(e.date, e.text[:20]) for e in entries] == [("2009-06", "The singer died in J")]


def test_a_weekday_six_days_back_with_later_or_earlier_does_not_date_an_entry():
    # issue "Trust": a live page of Thursday told "an announcement was expected later Friday",
    # the day after; "later Friday" was read as the Friday before, a week early
    article = make_article(
        "The council met later Friday in the capital, officials said. Police withdrew on Wednesday.",
        published=date(2011, 2, 10),
    )
    assert [e.date for e in _timeline(article)] == ["2011-02-09"]


def test_a_bare_month_still_to_come_this_year_does_not_date_an_entry_at_last_year():
    # issue "Trust": relief wells "ready in August" in a June article were put at last August
    article = make_article(
        "Engineers finished the first relief well in August, the company said. "
        "The rig exploded in April, killing 11 workers.",
        published=date(2010, 6, 4),
    )
    assert [e.date for e in _timeline(article)] == ["2010-04"]


@pytest.mark.models
def test_a_day_as_subject_a_tally_and_an_expectation_are_not_entries():
    # issue "Trust": "Thursday marked Day 17" (the day is the subject), "By 2 June, BP had
    # received 31,600 suggestions" (a count up to a day), "grants totaled $400 million" (a sum),
    # "shops are likely to reopen on Wednesday" and "an announcement was expected later" (what
    # is still to come) were shown as happenings of their dates
    article = make_article(
        "Karvonia and Estria signed a water treaty on Tuesday, officials said. "
        "Thursday marked the 17th day of the protests in Dravik. "
        "By 2 June, the company had received 31,600 suggestions from the public. "
        "Last year, foreign grants to Dravik totaled more than $400 million. "
        "Shops in Dravik are likely to reopen on Wednesday. "
        "An announcement was expected on Friday, the source said. "
        "Video footage from the site on Thursday showed oil still escaping.",
        published=date(2025, 6, 6),
    )
    assert [(e.date, e.text[:24]) for e in _parsed_timeline(article)] == [
        ("2025-06-03", "Karvonia and Estria sign"),
        ("2025-06-05", "Video footage from the s"),
    ]


@pytest.mark.models
def test_a_present_perfect_a_fuzzy_ago_and_a_trailing_participle_do_not_date_an_entry():
    # issue "Trust": "BP has tried a number of methods" at the publication day (a present
    # perfect says before now, not when), "a strike a couple of years ago" at an exact year,
    # and "a page sprang up, calling for protests on January 25" at the protests' day
    article = make_article(
        "Karvonia and Estria signed a water treaty on Tuesday, officials said. "
        "Engineers have tried a number of methods to seal the dam. "
        "There was a strike in Dravik a couple of years ago. "
        "A page sprang up on the web, calling for protests on January 25. "
        "Speaking on television on Wednesday, the minister praised the engineers.",
        published=date(2025, 6, 6),
    )
    assert [(e.date, e.text[:24]) for e in _parsed_timeline(article)] == [
        ("2025-06-03", "Karvonia and Estria sign"),
        ("2025-06-04", "Speaking on television o"),
    ]
