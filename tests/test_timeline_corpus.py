"""Corpus timelines: sentence splitting, day dating, day ranking and cited day summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.conftest import make_article

from storyline.config import DEFAULTS
from storyline.dates.timex import find_dates
from storyline.models import Event
from storyline.timeline import corpus as tls


def _texts(article, sentences):
    return [article.text[s.start : s.end] for s in sentences]


def test_split_sentences_keeps_abbreviations_and_initials_inside():
    article = make_article(
        "Mr. Smith met U.S. officials on Jan. 5 in Washington. They agreed. "
        '"We will go," he said! Then J. Doe left.\n\nA new paragraph'
    )
    assert _texts(article, tls.split_sentences(article)) == [
        "Mr. Smith met U.S. officials on Jan. 5 in Washington.",
        "They agreed.",
        '"We will go," he said!',
        "Then J. Doe left.",
        "A new paragraph",
    ]


def test_split_sentences_spans_are_inside_the_text_and_ordered():
    article = make_article("  One sentence here.   Two here?  Three.  ")
    sentences = tls.split_sentences(article)
    assert [s.index for s in sentences] == [0, 1, 2]
    assert all(0 <= s.start < s.end <= len(article.text) for s in sentences)
    assert _texts(article, sentences) == ["One sentence here.", "Two here?", "Three."]


def test_find_day_dates_agrees_with_the_tagger_on_day_dates():
    text = (
        "Protesters marched on Tuesday. Police fired tear gas the next day. The plan was "
        "announced on November 3, 2010. Sales rose 5% in 2009. Talks will resume Friday."
    )
    article = make_article(text, published=date(2011, 1, 27))
    sentences = tls.split_sentences(article)
    ours = [(d.start, d.end, d.value) for d in tls.find_day_dates(article, sentences)]
    tagger = [(d.start, d.end, d.value) for d in find_dates(article, sentences) if d.precision == "day"]
    assert ours == tagger
    assert [v for *_, v in ours] == ["2011-01-25", "2011-01-26", "2010-11-03", "2011-01-28"]


def test_date_sentences_dates_a_mention_and_gives_an_undated_lead_two_days():
    article = make_article(
        "Crowds filled the square in the capital city. On Tuesday police "
        "fired tear gas at the crowds. The crowd went home in 2009 as well.",
        published=date(2011, 1, 27),
    )
    sentences = tls.split_sentences(article)
    dated = tls.date_sentences(article, sentences, tls.find_day_dates(article, sentences))
    assert [(article.text[c.span.start : c.span.end][:12], c.day.isoformat(), c.how) for c in dated] == [
        ("Crowds fille", "2011-01-27", "lead"),
        ("Crowds fille", "2011-01-26", "lead"),
        ("On Tuesday p", "2011-01-25", "mention"),
    ]
    mention = dated[2]
    assert article.text[mention.date_span.start : mention.date_span.end] == "Tuesday"


def test_rank_days_counts_articles_looking_back_not_previews():
    articles = [
        make_article(
            "The vote took place on March 3, 2010. Results come on March 9, 2010.", published=date(2010, 3, 4)
        ),
        make_article("After the March 3, 2010 vote, counting went on.", published=date(2010, 3, 5)),
        make_article(
            "Results were out on March 9, 2010, after the March 3, 2010 vote.", published=date(2010, 3, 10)
        ),
    ]
    dates = {a.id: tls.find_day_dates(a, tls.split_sentences(a)) for a in articles}
    assert tls.rank_days(articles, dates)[:2] == [date(2010, 3, 3), date(2010, 3, 9)]


def _corpus():
    return [
        make_article(
            "Protesters filled Tahrir Square on Tuesday demanding that President "
            "Mubarak resign. Police fired tear gas at the protesters in Cairo.",
            published=date(2011, 1, 26),
        ),
        make_article(
            "On January 25, 2011 protesters filled Tahrir Square and demanded that "
            "Mubarak resign. The army said on Friday it would not fire on protesters "
            "in the square.",
            published=date(2011, 1, 29),
        ),
        make_article(
            "Mubarak resigned on Friday after eighteen days of protests in Tahrir "
            "Square. Crowds celebrated the resignation through the night.",
            published=date(2011, 2, 12),
        ),
        make_article(
            "Crowds in Tahrir Square celebrated as Mubarak resigned on February 11, "
            "2011 after weeks of protests.",
            published=date(2011, 2, 13),
        ),
    ]


def test_summarize_timeline_dates_and_cites_every_entry():
    articles = _corpus()
    entries = tls.summarize_timeline(articles, max_days=2, per_day=1)
    by_id = {a.id: a for a in articles}
    assert [e.date for e in entries] == ["2011-01-25", "2011-02-11"]
    for entry in entries:
        assert entry.cites and entry.precision == "day"
        cited = by_id[entry.cites[0].article_id].text[entry.cites[0].start : entry.cites[0].end]
        assert " ".join(cited.split()) == entry.text
        for span in entry.date_cites:
            assert span.start >= entry.cites[0].start and span.end <= entry.cites[0].end
    assert "protesters" in entries[0].text.lower()


def test_summarize_timeline_does_not_repeat_a_fact_on_another_day():
    articles = _corpus()
    entries = tls.summarize_timeline(articles, max_days=4, per_day=2)
    texts = [e.text for e in entries]
    assert len(texts) == len(set(texts))


def test_summarize_timeline_respects_the_date_bounds():
    entries = tls.summarize_timeline(
        _corpus(), max_days=5, per_day=1, start=date(2011, 2, 1), end=date(2011, 2, 28)
    )
    assert entries and all("2011-02-01" <= e.date <= "2011-02-28" for e in entries)


def test_first_mentions_baseline_is_cited_and_bounded():
    entries = tls.first_mentions_timeline(_corpus(), max_days=2, per_day=1)
    assert len({e.date for e in entries}) == 2
    assert all(e.cites and e.date_cites for e in entries)


def test_summarize_timeline_of_nothing_is_empty():
    assert tls.summarize_timeline([], max_days=3) == []
    assert tls.summarize_timeline([make_article("No dates here at all.")], max_days=3) == []


def test_date_sentences_reads_only_the_lead():
    lead = " ".join(
        f"Crowds gathered in the square for the {n} time."
        for n in ("first", "second", "third", "fourth", "fifth")
    )
    article = make_article(
        lead + " On Tuesday police fired tear gas at the crowds.", published=date(2011, 1, 27)
    )
    sentences = tls.split_sentences(article)
    dated = tls.date_sentences(article, sentences, tls.find_day_dates(article, sentences))
    assert len(sentences) == DEFAULTS.corpus_timeline.lead_sentences + 1
    assert {c.how for c in dated} == {"lead"}
    assert max(c.span.end for c in dated) <= sentences[DEFAULTS.corpus_timeline.lead_sentences - 1].end


def test_topic_terms_are_used_by_half_the_articles_and_keep_off_topic_days_out():
    articles = _corpus() + [
        make_article(
            "Skip to a day of the week: on Saturday the radio show plays jazz records and "
            "blues for the whole evening.",
            published=date(2011, 1, 30),
        )
    ]
    terms = tls.topic_terms(articles)
    assert {"tahrir", "square", "mubarak"} <= terms and "jazz" not in terms
    schedule = articles[-1]
    assert tls.on_topic_sentences(schedule, tls.split_sentences(schedule), terms) == frozenset()
    entries = tls.summarize_timeline(articles, max_days=5, per_day=1)
    assert "2011-01-29" not in {e.date for e in entries}


def test_spread_days_keeps_the_ranking_without_spread_and_reaches_out_with_it():
    """Three busy days in one week outrank a day months later; spread takes the far day
    before the third busy one (the bad case: a long story's dates crowding its densest week)."""
    week = [date(2010, 4, 20), date(2010, 4, 21), date(2010, 4, 22)]
    far = date(2010, 9, 19)
    ranked = [*week, far]
    weight = {week[0]: 30.0, week[1]: 25.0, week[2]: 20.0, far: 6.0}
    assert tls.spread_days(ranked, weight, spread=0.0, gap=50.0) == ranked
    spread = tls.spread_days(ranked, weight, spread=1.0, gap=50.0)
    assert spread[:2] == [week[0], far] and sorted(spread) == sorted(ranked)


_BUSY = (
    "Oil gushed from the broken well",
    "Engineers lowered a containment dome",
    "Fishermen were told to stay in port",
    "Tar balls washed onto beaches in Louisiana",
    "The coast guard burned oil at sea",
    "Shares in the company fell sharply",
    "Robots tried to close a valve",
    "Volunteers cleaned birds covered in oil",
    "Senators questioned company executives",
    "Dispersants were sprayed from aircraft",
    "Shrimp boats laid booms along marshes",
    "Scientists measured plumes under water",
)


def _long_story():
    """Twelve articles in one week, two on each of its days, then one a month for five months."""
    busy = [
        make_article(
            f"{what} on April {20 + i // 2}, 2010, in the gulf spill.", published=date(2010, 4, 20 + i // 2)
        )
        for i, what in enumerate(_BUSY)
    ]
    later = [
        make_article(
            f"On {month} 15, 2010 the gulf spill reached a new stage as {what}.",
            published=date(2010, number, 16),
        )
        for number, month, what in (
            (5, "May", "a top kill failed"),
            (6, "June", "a fund for victims was set up"),
            (7, "July", "a cap stopped the flow"),
            (8, "August", "mud was pumped into the well"),
            (9, "September", "a relief well sealed it"),
        )
    ]
    return busy + later


def test_a_long_story_s_timeline_covers_its_span_not_only_its_busiest_week():
    articles = _long_story()
    crowded = tls.summarize_timeline(
        articles, max_days=6, settings=replace(DEFAULTS.corpus_timeline, spread=0.0)
    )
    assert all(e.date.startswith("2010-04") for e in crowded)
    spread = tls.summarize_timeline(articles, max_days=6)
    months = {e.date[:7] for e in spread}
    assert DEFAULTS.corpus_timeline.spread > 0 and len(months) >= 4


def test_timeline_of_a_read_corpus_is_summarize_timeline():
    articles = _long_story()
    corpus = tls.read_corpus(articles, start=date(2010, 4, 1), end=date(2010, 8, 31))
    assert tls.timeline_of(corpus, max_days=5) == tls.summarize_timeline(
        articles, max_days=5, start=date(2010, 4, 1), end=date(2010, 8, 31)
    )


def test_lead_sentences_zero_reads_every_sentence():
    lead = " ".join(f"Crowds gathered in the square for the {n} time." for n in ("first", "second", "third"))
    article = make_article(
        lead + " On Tuesday police fired tear gas at the crowds.", published=date(2011, 1, 27)
    )
    sentences = tls.split_sentences(article)
    dates = tls.find_day_dates(article, sentences)
    clipped = tls.date_sentences(
        article, sentences, dates, settings=replace(DEFAULTS.corpus_timeline, lead_sentences=3)
    )
    every = tls.date_sentences(
        article, sentences, dates, settings=replace(DEFAULTS.corpus_timeline, lead_sentences=0)
    )
    assert "mention" not in {c.how for c in clipped} and "mention" in {c.how for c in every}


def test_story_timeline_is_the_scored_timeline_under_each_entry_s_event():
    articles = _corpus()
    event = Event(id="evt-egypt", article_ids=tuple(a.id for a in articles[:2]), title="Protests")
    story = tls.story_timeline(articles, [event], days=2)
    scored = tls.summarize_timeline(articles, max_days=2)
    assert [(e.date, e.text, e.cites, e.date_cites) for e in story] == [
        (e.date, e.text, e.cites, e.date_cites) for e in scored
    ]
    for entry in story:
        assert entry.event_id == ("evt-egypt" if entry.cites[0].article_id in event.article_ids else "corpus")
        assert entry.dated_by == ("mention" if entry.date_cites else "publication")


def test_the_day_dates_made_before_give_the_same_timeline_and_are_read_not_remade():
    articles = _corpus()
    made = {a.id: tls.article_day_dates(a) for a in articles}
    assert made[articles[0].id] and made == {
        a.id: tls.find_day_dates(a, tls.split_sentences(a)) for a in articles
    }
    assert tls.story_timeline(articles, day_dates=made) == tls.story_timeline(articles)
    moved = {**made, articles[0].id: []}  # read as given: the first article then names no day
    assert tls.read_corpus(articles, day_dates=moved).dates[articles[0].id] == ()


def test_a_piece_cut_inside_a_quotation_is_no_timeline_line():
    """The splitter cuts “... shrinks. It belongs ...,” at the full stop inside the quote; the
    second piece opens no quotation but closes one, so it never becomes an entry (the sample's
    story timeline showed it)."""
    text = (
        "“The Tarn river does not belong to one country as it shrinks. It belongs to the people "
        "who live along the Tarn river, and today we agreed to inspect the dam together,” the "
        "minister said on Monday."
    )
    whole = "The ministers agreed on Monday to inspect the dam on the Tarn river together, officials said."
    articles = [
        make_article(text, published=date(2024, 3, 12)),
        make_article(whole, published=date(2024, 3, 12)),
    ]
    pieces = [articles[0].text[s.start : s.end] for s in tls.split_sentences(articles[0])]
    assert len(pieces) == 2 and pieces[1].startswith("It belongs")
    entries = tls.summarize_timeline(articles, max_days=3)
    assert [e.text for e in entries] == [whole]
