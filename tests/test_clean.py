from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.clean import clean_document
from storyline.clean.text import clean_text, normalize_text, repeated_lines
from storyline.errors import ExtractionError
from storyline.models import RawDocument

SCRAPED = """The Washington PostDemocracy Dies in Darkness

China and Ukraine’s top diplomats speak for first time in weeks

Chinese Foreign Minister Wang Yi is seen on a screen in Beijing on March 7. (Ryan Woo/Reuters)
Placeholder while article actions load

Chinese Foreign Minister Wang Yi had a rare call with his Ukrainian counterpart on Monday.

“China welcomes peace talks between Russia and Ukraine,” Wang said, according to Xinhua.

Your Globe

Build your personal news feed

Follow the authors of this article:
–Updated at 9:41 a.m.
"""


def test_clean_text_drops_debris_with_reasons_and_keeps_prose():
    cleaned = clean_text(SCRAPED, outlet="The Washington Post")
    assert cleaned.title == "China and Ukraine’s top diplomats speak for first time in weeks"
    assert cleaned.text == (
        "Chinese Foreign Minister Wang Yi had a rare call with his Ukrainian counterpart on Monday."
        "\n\n“China welcomes peace talks between Russia and Ukraine,” Wang said, according to Xinhua."
    )
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["The Washington PostDemocracy Dies in Darkness"] == "masthead"
    assert reasons["Placeholder while article actions load"] == "navigation or interface text"
    assert reasons["–Updated at 9:41 a.m."] == "update timestamp"
    assert reasons["Your Globe"] == "page furniture after the article"
    assert (
        "caption"
        in reasons[
            "Chinese Foreign Minister Wang Yi is seen on a screen in Beijing on March 7. (Ryan Woo/Reuters)"
        ]
    )
    assert len(cleaned.removed) == 8


def test_clean_text_removed_offsets_point_into_the_input():
    normalized = normalize_text(SCRAPED)
    for removal in clean_text(SCRAPED, outlet="The Washington Post").removed:
        assert normalized[removal.start : removal.end] == removal.text


def test_clean_text_keeps_short_prose_and_midtext_subheads():
    text = (
        "First paragraph of the story is here, with enough words.\nA subhead\n"
        "He left.\nThe vote was counted after midnight, officials said.\nHe left."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text.split("\n\n") == [
        "First paragraph of the story is here, with enough words.",
        "A subhead",
        "He left.",
        "The vote was counted after midnight, officials said.",
        "He left.",
    ]


def test_an_unknown_masthead_above_the_headline_is_not_taken_for_the_title():
    body = (
        "Chinese Foreign Minister Wang Yi had a rare call with his Ukrainian counterpart, "
        "Dmytro Kuleba, on Monday, the first conversation between the diplomats in weeks."
    )
    cleaned = clean_text(
        "The Daily CourierNews You Can Trust\n\n"
        "China and Ukraine's top diplomats speak for first time in weeks\n\n" + body
    )
    assert cleaned.title == "China and Ukraine's top diplomats speak for first time in weeks"
    assert [(r.text, r.reason) for r in cleaned.removed][0] == (
        "The Daily CourierNews You Can Trust",
        "masthead",
    )
    assert cleaned.text == body


def test_a_headline_followed_by_a_subheadline_keeps_both():
    body = (
        "Chinese Foreign Minister Wang Yi had a rare call with his Ukrainian counterpart, "
        "Dmytro Kuleba, on Monday, the first conversation between the diplomats in weeks."
    )
    dek = "Wang Yi and Dmytro Kuleba spoke on Monday about a cease-fire"
    cleaned = clean_text(
        f"China and Ukraine's top diplomats speak for first time in weeks\n\n{dek}\n\n{body}"
    )
    assert cleaned.title == "China and Ukraine's top diplomats speak for first time in weeks"
    assert cleaned.text.startswith(dek)
    assert not [r for r in cleaned.removed if r.reason == "masthead"]


def test_repeated_lines_only_flags_non_prose():
    a = "Share this article\nThe council voted on the budget late on Tuesday evening."
    b = "Share this article\nThe council voted on the budget late on Tuesday evening."
    assert repeated_lines([a, b]) == frozenset({"Share this article"})


def test_clean_document_batch_repeats_are_removed():
    doc = RawDocument(source="x.txt", text="Sponsored by Acme Widgets\n" + "The story goes on. " * 5)
    article = clean_document(doc, batch_repeats=frozenset({"Sponsored by Acme Widgets"}))
    assert article.removed[0].reason == "line repeated across articles (page furniture)"


def test_clean_document_id_is_content_hash():
    text = "The council voted on the budget late on Tuesday evening, officials said."
    a = clean_document(RawDocument(source="a.txt", text=text))
    b = clean_document(RawDocument(source="b.txt", text="Skip to main content\n" + text))
    assert a.id == b.id and len(a.id) == 16


def test_clean_document_html_without_article_fails_clearly():
    html = "<html><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(ExtractionError, match="no article text"):
        clean_document(RawDocument(source="index.html", html=html))


def test_clean_document_html_extracts_main_text_and_date():
    paragraphs = "".join(
        f"<p>The river commission met on Tuesday to review paragraph {i} of the water report, "
        "and members agreed to publish the findings in full.</p>"
        for i in range(6)
    )
    html = (
        f"<html><head><title>Commission meets</title>"
        f"<meta property='article:published_time' content='2024-03-12T10:00:00Z'></head>"
        f"<body><nav>Home | World | Sport</nav><article><h1>Commission meets</h1>{paragraphs}"
        f"</article><footer>Copyright 2024 Example News</footer></body></html>"
    )
    article = clean_document(RawDocument(source="page.html", html=html))
    assert "paragraph 5 of the water report" in article.text
    assert "Copyright" not in article.text
    assert article.published.isoformat() == "2024-03-12" and article.published_from == "html"
    assert any("Copyright" in r.text for r in article.removed)


def _page(body_extra: str = "", article_extra: str = "", lead: str = "") -> str:
    paragraphs = "".join(
        f"<p>The river commission met on Tuesday to review paragraph {i} of the water report, "
        "and members agreed to publish the findings in full.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>Commission meets on water</title></head><body>"
        f"<article><h1>Commission meets on water</h1>{lead}{paragraphs}{article_extra}</article>"
        f"{body_extra}</body></html>"
    )


def test_html_links_to_other_stories_are_dropped_with_their_reason():
    related = (
        "<p>Related: <a href='/x'>Dam inspectors find cracks in the northern spillway</a></p>"
        "<ul><li><a href='/y'>Flood season arrives early in the river valley</a></li></ul>"
    )
    article = clean_document(RawDocument(source="page.html", html=_page(article_extra=related)))
    assert "spillway" not in article.text and "Flood season" not in article.text
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["Related: Dam inspectors find cracks in the northern spillway"] == "link to another page"


def test_html_prose_with_a_link_in_it_is_kept():
    linked = (
        "<p>The <a href='/report'>full water report of the commission</a> "
        "runs to 300 pages and will be published on Friday.</p>"
    )
    article = clean_document(RawDocument(source="page.html", html=_page(article_extra=linked)))
    assert "runs to 300 pages" in article.text


def test_html_furniture_sentences_are_dropped_and_lists_kept():
    extra = (
        "<p>Like this story? Share it with a friend!</p>"
        "<p>By submitting this form you agree to our use of your data.</p>"
        "<ul><li>June 17 -- Bridgestone Arena</li><li>June 19 -- PNC Pavilion</li></ul>"
    )
    article = clean_document(RawDocument(source="page.html", html=_page(article_extra=extra)))
    assert "Like this story" not in article.text and "submitting this form" not in article.text
    # Lists after the last paragraph are article content when the page's structure says so.
    assert "June 19 -- PNC Pavilion" in article.text
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["Like this story? Share it with a friend!"] == "reader prompt or legal notice"


def test_copyright_as_a_topic_is_prose_not_a_notice():
    text = (
        "Copyright law changed last year for news publishers.\n\n"
        "Copyright 2019 Hawaii News Now. All rights reserved."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == "Copyright law changed last year for news publishers."


def test_html_metadata_authors_update_and_language_are_kept_apart():
    head = (
        "<meta name='author' content='By Jane Doe; 4 min read'>"
        "<meta property='article:published_time' content='2024-03-12T10:00:00Z'>"
        "<meta property='article:modified_time' content='2024-03-14T08:00:00Z'>"
    )
    html = _page().replace("<html><head>", f"<html lang='en-GB'><head>{head}")
    article = clean_document(RawDocument(source="page.html", html=html))
    assert article.authors == ("Jane Doe",)
    assert article.published.isoformat() == "2024-03-12"
    assert article.updated.isoformat() == "2024-03-14"
    assert article.language == "en"


def test_html_without_metadata_has_none():
    article = clean_document(RawDocument(source="page.html", html=_page()))
    assert article.authors == () and article.updated is None and article.language is None


@given(st.text(min_size=0, max_size=400))
def test_clean_text_never_invents_text(text):
    cleaned = clean_text(text)
    normalized = normalize_text(text)
    for paragraph in cleaned.text.split("\n\n"):
        assert paragraph in normalized
