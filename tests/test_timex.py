from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import make_article

from storyline.models import Sentence
from storyline.timex import find_dates


def _values(text: str, published: date | None) -> list[tuple[str, str]]:
    article = make_article(text, published=published)
    sentences = [Sentence(article_id=article.id, index=0, start=0, end=len(text))]
    return [(t.text, t.value) for t in find_dates(article, sentences)]


@pytest.mark.parametrize(("text", "published", "expected"), [
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
])
def test_find_dates_resolves_against_publication(text, published, expected):
    assert _values(text, published) == expected


def test_relative_dates_need_a_reference():
    assert _values("They met on Monday and again last month.", None) == []


def test_the_following_month_is_anchored_to_the_previous_date():
    text = "They spoke in January, 2022. Russia invaded the following month."
    assert _values(text, date(2023, 4, 26)) == [("January, 2022", "2022-01"),
                                               ("the following month", "2022-02")]


def test_may_the_verb_is_not_a_month():
    assert _values("The minister may resign, aides said.", date(2024, 3, 13)) == []


def test_durations_are_not_dates():
    assert _values("The 14-month long conflict drags on.", date(2023, 4, 26)) == []


@pytest.mark.models
def test_tense_comes_from_the_verb_the_date_belongs_to():
    from storyline.nlp import analyze

    text = ("Officials said on Monday that the inspectors will report next month. "
            "The commission will meet on Friday.")
    article = make_article(text, published=date(2024, 3, 13))  # a Wednesday
    (analysis,) = analyze([article])
    found = find_dates(article, analysis.sentences, tokens=analysis.tokens)
    assert [(t.text, t.value) for t in found] == [
        ("Monday", "2024-03-11"), ("next month", "2024-04"), ("Friday", "2024-03-15")]
