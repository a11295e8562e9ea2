from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import date, make_article

from storyline.dedup import find_duplicates, repeated_sentences
from storyline.models import Analysis, Sentence

STORY = (
    "Estria and Karvonia signed a thirty year treaty on the Tarn river on Tuesday, ending a "
    "long quarrel over the Brena dam. The treaty creates a joint commission that will "
    "publish daily readings of the river's flow at the border. Officials in both capitals "
    "called it a turning point for the region, and farmers in the delta welcomed the news. "
    "The opposition said the deal came too late for the fishermen of Valmora."
)


def test_exact_and_near_copies_point_to_the_earliest():
    original = make_article(STORY, published=date(2025, 5, 21), source="wire.txt")
    near = make_article(
        STORY.replace("Tuesday", "Tuesday afternoon") + " Reporting by T. B.",
        published=date(2025, 5, 22),
        source="tribune.txt",
    )
    other = make_article(
        "A storm closed the port of Valmora for two days, the harbour master "
        "said, and ferries to the islands were cancelled.",
        source="other.txt",
    )
    duplicates = find_duplicates([near, other, original])
    assert [(d.article_id, d.duplicate_of, d.kind) for d in duplicates] == [(near.id, original.id, "near")]
    assert duplicates[0].similarity >= 0.8


def test_exact_copy():
    a = make_article(STORY, id="a", source="a.txt", published=date(2025, 5, 21))
    b = make_article(STORY, id="b", source="b.txt", published=date(2025, 5, 22))
    assert [(d.article_id, d.kind) for d in find_duplicates([b, a])] == [("b", "exact")]


words = st.lists(
    st.sampled_from("river dam treaty port storm vote talks minister".split()), min_size=5, max_size=60
).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=6))
def test_duplicates_never_point_to_themselves_and_are_stable(texts):
    articles = [make_article(t, id=f"a{i}", source=f"{i}.txt") for i, t in enumerate(texts)]
    first = find_duplicates(articles)
    assert all(d.article_id != d.duplicate_of for d in first)
    copies = {d.article_id for d in first}
    assert not any(d.duplicate_of in copies for d in first)
    assert find_duplicates(articles) == first


def test_repeated_sentences_inside_an_article():
    text = "The dam opened today for visitors. It is huge. The dam opened today for visitors."
    article = make_article(text)
    sentences = (
        Sentence(article_id=article.id, index=0, start=0, end=34),
        Sentence(article_id=article.id, index=1, start=35, end=47),
        Sentence(article_id=article.id, index=2, start=47, end=81),
    )
    analysis = Analysis(article_id=article.id, sentences=sentences, tokens=(), mentions=())
    (span,) = repeated_sentences(article, analysis)
    assert (span.start, span.end) == (47, 81)
