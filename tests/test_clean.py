from __future__ import annotations

import re
from datetime import date

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


STORY = (
    "The council approved the flood budget on Tuesday after a debate that lasted six hours.\n\n"
    "“We cannot wait for another winter like the last one,” the mayor said after the vote."
)


def test_comment_section_is_removed_from_its_heading_to_the_end():
    comments = (
        "\n\n24 comments\n\nSort by: Newest\n\nriverwatcher\n3 hours ago\n"
        "This council never listens to anyone, I said so last year.\nReply\n\n"
        "jdoe_77\n5 hours ago\n“Finally,” said my neighbour when she heard.\nReply | Report\n2 points"
    )
    cleaned = clean_text(STORY + comments, take_title=False)
    assert cleaned.text == STORY
    section = [r for r in cleaned.removed if r.reason == "reader comments"]
    assert len(section) == 1 and section[0].text.startswith("24 comments")
    assert section[0].text.endswith("2 points")


def test_inline_comments_of_a_text_without_line_breaks_are_removed():
    text = (
        "At least 20 people have died of the new flu in Mexico, officials said. "
        "The health ministry said schools would stay closed. "
        "At 22:56 26th Apr 2009, FlourishingInCrisis wrote: Governments should stop all travel now. "
        "At 23:51 26th Apr 2009, thedeftwriter wrote: The last pandemic killed a million people."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == (
        "At least 20 people have died of the new flu in Mexico, officials said. "
        "The health ministry said schools would stay closed."
    )
    assert [r.reason for r in cleaned.removed] == ["reader comments"]


def test_blog_comments_stamped_with_a_date_and_a_bar_are_removed():
    # A blog's comments as scraped text without line breaks: each one's date and time, a bar,
    # then its words (the commas spaced as tokenized text has them).
    text = (
        STORY + " January 31 , 2011 at 1:59 pm | Instability in the region will help extremists . "
        "January 31 , 2011 at 2:07 pm | the everyman has a voice and is using it ."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == STORY
    assert [r.reason for r in cleaned.removed] == ["reader comments"]


def test_one_comment_mark_above_the_comment_form_starts_the_comments():
    text = (
        STORY + " February 1 , 2011 at 3:56 am | Report abuse | There is great hype that today a million "
        "will protest . I doubt it . Comments are not pre-screened before they post ."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == STORY
    assert [r.reason for r in cleaned.removed] == ["reader comments"]
    assert cleaned.removed[0].text.endswith("Comments are not pre-screened before they post .")


def test_comment_form_footer_and_what_follows_are_removed():
    text = (
        STORY + " (required, but will not be displayed) CNN welcomes a lively and courteous discussion "
        "as long as you follow the Rules of Conduct. Comments are not pre-screened before they post."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == STORY
    assert cleaned.removed[0].reason == "comment form and page footer"


def test_prose_about_comments_is_not_a_comment_section():
    text = (
        "The minister declined to comment on the report when asked on Monday.\n\n"
        "Comments\n\n"
        "Readers sent more than 300 comments to the paper, and the editor replied to each one.\n\n"
        "No comments were posted by the ministry, a spokesman said in a statement."
    )
    cleaned = clean_text(text, take_title=False)
    assert "declined to comment" in cleaned.text
    assert "300 comments" in cleaned.text and "No comments were posted" in cleaned.text
    assert not [r for r in cleaned.removed if r.reason == "reader comments"]


def test_comment_marks_above_the_story_do_not_remove_it():
    text = "Flood budget approved\n\n2 hours ago\n\nLike\n\n" + STORY
    cleaned = clean_text(text)
    assert cleaned.text == STORY


@pytest.mark.parametrize(
    "caption",
    [
        "A man walks past a flooded shop in Valmora on Tuesday. (Photo: Reuters)",
        "Protesters gather in Tahrir Square in Cairo. Photograph: Amr Nabil/AP",
        "Pictured: the mayor and council members outside the town hall",
        "Rescue workers search the rubble of the collapsed building on Monday / AFP",
        "Police officers stand guard outside parliament. REUTERS/Amr Abdallah Dalsh",
        "The president waves to supporters at the rally in Ohio. (AP Photo/Evan Vucci)",
        "Oil washes ashore on a beach in Louisiana, May 24, 2010. Joe Raedle/Getty Images",
        "Scott Olson via Getty Images.",
    ],
)
def test_captions_and_credits_are_removed(caption):
    cleaned = clean_text(f"{STORY}\n\n{caption}\n\n{STORY}", take_title=False)
    assert caption not in cleaned.text
    assert [r.reason for r in cleaned.removed] == ["photo caption or credit"]


@pytest.mark.parametrize(
    "line",
    [
        "The photo was later sold to Getty Images, the agency said.",
        "Officials told AFP the bridge had been closed since Monday.",
        "He said the pictures showed a convoy moving towards the border / crossing.",
        "By Monday the river had risen above the level of the old quay.",
        "Related talks between the two countries are set to begin next week in Geneva.",
        "More than 40 people were rescued from the roofs of their houses overnight.",
    ],
)
def test_prose_that_mentions_photos_agencies_or_related_stays(line):
    cleaned = clean_text(f"{STORY}\n\n{line}", take_title=False)
    assert line in cleaned.text.split("\n\n")
    assert not cleaned.removed


def test_leading_bylines_are_removed_and_the_headline_kept():
    text = "Flood budget approved after six-hour debate\n\nBy Jane Doe and Tom Reed, Reuters\n\n" + STORY
    cleaned = clean_text(text)
    assert cleaned.title == "Flood budget approved after six-hour debate"
    assert cleaned.text == STORY
    assert ("By Jane Doe and Tom Reed, Reuters", "byline") in [(r.text, r.reason) for r in cleaned.removed]
    piped = clean_text("Flood budget approved after six-hour debate\n\nJane Doe | The Ledger\n\n" + STORY)
    assert piped.text == STORY and "byline" in [r.reason for r in piped.removed]


@pytest.mark.parametrize(
    "dateline",
    [
        "WASHINGTON (Reuters) - ",
        "LONDON, April 3 (AP) — ",
        "VALMORA, Estria - ",
        "(CNN) -- ",
        "ST. JOSEPH, Mich. (AP) — ",
    ],
)
def test_a_dateline_prefix_is_removed_and_the_sentence_kept(dateline):
    first = "The council approved the flood budget on Tuesday after a debate that lasted six hours."
    headline = "Flood budget approved after six-hour debate"
    raw = f"{headline}\n\n{dateline}{first}\n\nThe mayor said it was a good day."
    cleaned = clean_text(raw)
    assert cleaned.text.split("\n\n")[0] == first
    removal = next(r for r in cleaned.removed if r.reason == "dateline")
    assert removal.text == dateline.rstrip()
    normalized = normalize_text(raw)
    assert normalized[removal.start : removal.end] == removal.text
    assert normalized[removal.start + len(dateline) :].startswith(first)


@pytest.mark.parametrize(
    "first",
    [
        "NATO - the alliance said on Monday - would send more ships to the region.",
        "EXCLUSIVE – Roger Stone: Don’t Trust the Voting Machines, he told the program.",
        "The U.S. - China talks resumed on Monday after a break of two months.",
        "EDGAR HERNANDEZ - FIRST CONFIRMED CASE Edgar Hernandez says he now feels a lot better.",
    ],
)
def test_capitals_that_are_not_a_dateline_stay(first):
    cleaned = clean_text(f"{first}\n\n{STORY}", take_title=False)
    assert cleaned.text.split("\n\n")[0] == first


@pytest.mark.parametrize(
    "furniture",
    [
        "Related: Dam inspectors find cracks in the northern spillway",
        "Read more: How the Tarn treaty was agreed",
        "More on this story",
        "Most popular",
        "Top stories",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "© 2010 BBC",
        "Copyright 2010 The Associated Press. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed.",
        "(Reporting by Maggie Fox; Editing by Will Dunham and Eric Walsh)",
    ],
)
def test_furniture_and_wire_boilerplate_lines_are_removed(furniture):
    cleaned = clean_text(f"{STORY}\n\n{furniture}\n\n{STORY}", take_title=False)
    assert furniture not in cleaned.text
    assert len(cleaned.removed) == 1


def test_wire_trailer_inside_a_text_without_line_breaks_ends_the_story():
    text = (
        "Flu already resists two older drugs, the CDC said on Friday in a statement. "
        "(Reporting by Maggie Fox; Editing by Will Dunham) An ultra-low latency infrastructure for "
        "electronic trading A connected approach to governance, risk and compliance"
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == "Flu already resists two older drugs, the CDC said on Friday in a statement."
    assert [r.reason for r in cleaned.removed] == ["credit line", "page furniture after the article"]
    normalized = normalize_text(text)
    for removal in cleaned.removed:
        assert normalized[removal.start : removal.end] == removal.text


_LIVE_PAGE = (
    "Live coverage of the president's address on the oil spill, as it happened. "
    "2155: The president has finished speaking and the networks have cut away. "
    "2130: He says the company will be made to pay for the damage it has caused. "
    "2104 : We also expect him to announce changes to the agency that oversees drilling. "
    "1914: Officials say the speech will last about eighteen minutes."
)


def test_live_page_stamps_in_a_text_without_line_breaks_are_cut_into_entries():
    result = clean_text(_LIVE_PAGE, take_title=False, published=date(2010, 6, 15))
    stamps = [r for r in result.removed if r.reason == "live-page time stamp"]
    assert [r.text.strip() for r in stamps] == ["2155:", "2130:", "2104 :", "1914:"]
    paragraphs = result.text.split("\n\n")
    assert paragraphs[1] == "The president has finished speaking and the networks have cut away."
    assert len(paragraphs) == 5
    assert not re.search(r"\b\d{4} ?:", result.text)


def test_a_chronology_of_years_keeps_its_years():
    chronology = (
        "The region has a long history of conflict, and the dates below mark its turning points. "
        "1914: War breaks out across the continent. 1918: An armistice ends the fighting. "
        "1939: War returns to the region. 1945: The second war ends in surrender."
    )
    result = clean_text(chronology, take_title=False, published=date(2010, 6, 15))
    assert "1914: War breaks out" in result.text
    assert not [r for r in result.removed if r.reason == "live-page time stamp"]


def test_stamps_out_of_order_are_not_taken_for_a_live_page():
    shuffled = _LIVE_PAGE.replace("2130:", "2230:")
    result = clean_text(shuffled, take_title=False, published=date(2010, 6, 15))
    assert "2155: The president" in result.text


def test_a_flattened_pull_quote_and_its_credit_are_removed():
    text = (
        "The court heard a recording of the emergency call made from the house that morning . "
        "He 's pumping the chest , but he 's not responding to anything , sir '' End Quote "
        "Alberto Alvarez Bodyguard , 911 call `` He 's pumping the chest , but he 's not responding "
        "to anything , sir , '' Mr Alvarez told the call handler . The doctor was then seen leaving ."
    )
    result = clean_text(text, take_title=False)
    reasons = {r.reason: r.text for r in result.removed}
    assert reasons["pull quote (repeated from the story)"].startswith("He 's pumping the chest")
    assert reasons["pull quote (repeated from the story)"].endswith("End Quote")
    assert reasons["pull quote credit"] == "Alberto Alvarez Bodyguard , 911 call"
    assert result.text.count("``") == result.text.count("''") == 1  # the lone closing mark is gone
    assert "The court heard a recording" in result.text and "Mr Alvarez told the call handler" in result.text


def test_a_pull_quote_credit_without_a_clear_end_is_left_in_the_text():
    text = (
        "The company said the leak had slowed after engineers fitted a new cap to the well . "
        "It is imperative the company provides all information regarding the oil spill '' End Quote "
        "Laura Dudley Bob Dudley 's sister , Laura , came out of retirement to speak for the family ."
    )
    result = clean_text(text, take_title=False)
    assert "pull quote credit" not in {r.reason for r in result.removed}
    assert "End Quote" not in result.text
    assert result.text.startswith("The company said the leak had slowed")


def _teaser_page() -> str:
    """A page whose teaser block trafilatura's precision mode leaves out and its recall mode keeps."""
    body = " ".join(
        f"<p>Paragraph {i} of the review tells how the quiet hotel by the harbour served "
        "breakfast late and the rooms were warm enough in winter.</p>"
        for i in range(12)
    )
    return (
        '<html><head><title>Review</title></head><body><header><nav><a href="/">Home</a></nav>'
        '</header><main><div class="summary"><p>The summary: a quiet hotel by the harbour, '
        "recommended for a weekend stay away from the city crowds.</p></div>"
        f'<div class="teaser">{body}</div></main><footer>Footer text here</footer></body></html>'
    )


def test_html_falls_back_to_the_recall_mode_when_precision_keeps_too_little():
    """Issue 16: the precision mode kept a review page's summary only. Under the page's share
    (what the precision mode keeps of it) the recall mode's text is used; above, the precision
    mode's; every piece dropped either way is recorded."""
    from storyline.clean.html import extract_html, precision_share

    html = _teaser_page()
    share = precision_share(html)
    assert 0 < share < 1
    precise = extract_html(html, source="p", fallback_ratio=share - 0.01)
    fuller = extract_html(html, source="p", fallback_ratio=share + 0.01)
    assert len(fuller.text) > len(precise.text) and precise.text.split("\n")[0] in fuller.text
    assert extract_html(html, source="p", fallback_ratio=0.0).text == precise.text
    for page in (precise, fuller):
        kept = " ".join(page.text.split()) + " " + " ".join(" ".join(r.text.split()) for r in page.removed)
        assert "Footer text here" in kept and "Home" in kept  # accounted for


def test_clean_document_passes_the_fallback_ratio_on():
    html = _teaser_page()
    never = clean_document(RawDocument(source="p", html=html), fallback_ratio=0.0)
    always = clean_document(RawDocument(source="p", html=html), fallback_ratio=float("inf"))
    assert len(always.text) > len(never.text)


# Texts without line breaks (plain text, JSONL): furniture inside the one paragraph.
LEAD = (
    "The council approved the flood budget on Tuesday after a debate that lasted six hours. "
    "“We cannot wait for another winter like the last one,” the mayor said after the vote."
)
POLICY = (
    "We welcome comments that advance the story through relevant opinion, anecdotes, links and data. "
    "Views expressed in the comments do not represent those of the Valmora Ledger."
)


def _removed(cleaned, reason: str) -> list[str]:
    return [r.text for r in cleaned.removed if r.reason == reason]


def test_a_blog_comment_policy_and_what_follows_it_are_removed():
    footer = f"{POLICY} Dana Lee is our health editor, based in Valmora."
    cleaned = clean_text(f"{LEAD} {footer}", take_title=False)
    assert cleaned.text == LEAD
    assert _removed(cleaned, "comment form and page footer") == [footer]


@pytest.mark.parametrize(
    "mark",
    [
        "Re: Posted by Jonas-May 2nd, 2009 -- 3:10 pm GMT",  # a reply quoting a comment's stamp
        "- Posted by R Okafor",  # a comment's signature, flattened after its last sentence
    ],
)
def test_a_comment_signed_posted_by_starts_the_comments_above_the_policy(mark):
    comment = f"{mark} I agree with you, the budget is far too small for the river."
    cleaned = clean_text(f"{LEAD} {comment} {POLICY}", take_title=False)
    assert cleaned.text == LEAD
    assert _removed(cleaned, "reader comments") == [f"{comment} {POLICY}"]


def test_a_commenter_named_with_one_letter_is_a_comment():
    text = (
        f"{LEAD} At 12:40 pm on 10 Jun 2010, K wrote: The mayor is wrong about the river. "
        "At 12:41 pm on 10 Jun 2010, riverwatcher wrote: I live by the quay and I agree."
    )
    cleaned = clean_text(text, take_title=False)
    assert cleaned.text == LEAD
    assert _removed(cleaned, "reader comments")[0].startswith("At 12:40 pm on 10 Jun 2010, K wrote:")


@pytest.mark.parametrize(
    ("comments", "first"),
    [
        (  # a debate page: the readers' posts below the closing notice, without marks of their own
            "This debate is now closed. The leaflets will waste my money. Ana Ruiz, Dravik. "
            "I wash my hands more now. Tom Reed, Valmora.",
            "This debate is now closed.",
        ),
        (  # each post under its stamp; a moderator's notice for one taken down
            "8th November 2011 - 17:42 This comment was removed because the moderators found it broke "
            "the house rules. 9th November 2011 - 8:26 The council should resign.",
            "8th November 2011 - 17:42",
        ),
    ],
)
def test_comment_sections_marked_by_a_notice_or_stamps_are_removed(comments, first):
    cleaned = clean_text(f"{LEAD} {comments}", take_title=False)
    assert cleaned.text == LEAD
    (section,) = _removed(cleaned, "reader comments")
    assert section.startswith(first) and section.endswith(comments[-20:])


@pytest.mark.parametrize(
    "policy",
    [
        "Comments are moderated by the Ledger, in accordance with the Ledger Comment Policy.",
        "All posts are reactively-moderated and must obey the house rules.",
    ],
)
def test_comment_moderation_policies_end_the_story(policy):
    cleaned = clean_text(
        f"{LEAD} {policy} Welcome to the blog where our reporters post news.", take_title=False
    )
    assert cleaned.text == LEAD
    assert _removed(cleaned, "comment form and page footer")[0].startswith(policy)


@pytest.mark.parametrize(
    "note",
    [
        "-- Dana Lee is a Ledger columnist. The views expressed are her own --",
        "Tom Reed, a former mayor of Valmora, is a guest columnist. The views expressed are his own. --",
        "Ada Okafor is Global Editor, Standards. Any opinions are her own.",
    ],
)
def test_a_columnists_note_is_removed(note):
    cleaned = clean_text(f"{LEAD} {note} {LEAD}", take_title=False)
    assert _removed(cleaned, "author's note") == [note]
    assert cleaned.text == f"{LEAD}\n\n{LEAD}"


@pytest.mark.parametrize(
    "caption",
    [
        "(Photo: Students wear masks in Osaka/Mina Sato)",
        "PHOTO: A nurse checks a boy's temperature at a clinic in Valmora May 2, 2009. REUTERS/Ana Ruiz",
        "Photo captions: Top: A farmer feeds pigs, April 27, 2009. Bottom: A market stall. REUTERS/Li Wen",
        "PHOTO CREDITS: Jo Park/Reuters; Li Wen/Reuters",
        "A man waves a flag outside the town hall in Valmora, Estria May 3, 2009. REUTERS/Ana Ruiz",
        "Mila Dorne/Getty Images for CNN",
        "Photo: The flooded square taken May 10 by Tom Reed.",
    ],
)
def test_captions_and_credits_inside_a_paragraph_are_removed(caption):
    cleaned = clean_text(f"{LEAD} {caption} {LEAD}", take_title=False)
    assert _removed(cleaned, "photo caption or credit") == [caption.rstrip()]
    assert cleaned.text == f"{LEAD}\n\n{LEAD}"


@pytest.mark.parametrize(
    ("furniture", "reason"),
    [
        ("Read more about the treaty and how it was agreed.", "navigation or interface text"),
        ("Read more...", "navigation or interface text"),
        (
            "Additional reporting by Ana Ruiz in Valmora; Li Wen in Dravik. Editing by Tom Reed)",
            "credit line",
        ),
    ],
)
def test_link_prompts_and_a_trailer_without_its_parenthesis_are_removed(furniture, reason):
    cleaned = clean_text(f"{LEAD} {furniture} {LEAD}", take_title=False)
    assert _removed(cleaned, reason) == [furniture]
    assert furniture not in cleaned.text


def test_an_editors_note_before_the_dateline_is_removed():
    note = "Editor's note: Dana Lee is a professor of history at Karvonia University. She writes on floods."
    cleaned = clean_text(f"{note} Valmora, Estria (CNN) -- {LEAD}", take_title=False)
    assert _removed(cleaned, "editor's note") == [note]
    assert cleaned.text.endswith(LEAD)
    # Without the story's dateline after it, nothing says where the note ends: it stays.
    kept = clean_text(f"{LEAD} {note} {LEAD}", take_title=False)
    assert not kept.removed


@pytest.mark.parametrize(
    "prose",
    [
        "“I told them you would be safe here,” the nurse said, “and I meant it.”",
        "“You should read more about the vaccine before you decide,” the doctor told me.",
        "“We welcome comments from the public,” the ministry said in a statement on Monday.",
        "A video posted by the group on Monday showed the convoy near the border.",
        "A Harris Interactive/Reuters poll found that 40 percent of voters were worried.",
        "The EPA/DOT rule takes effect in May, the agency said.",
        "Photographers were kept away from the hospital, and the editor's note said why.",
        "Reporting by local journalists has been restricted since March (the union said so).",
        "I posted by hand the letter you wrote, she said, and then I read more of it.",
        "“This debate is now closed.” The Speaker then left the chamber.",
        "The envoy wrote to the council. The views expressed are his own, the ministry said.",
        "The comment was removed because the moderators of the court's page found it rude.",
    ],
)
def test_prose_inside_a_paragraph_is_never_taken_for_furniture(prose):
    text = f"{LEAD} {prose} {LEAD}"
    cleaned = clean_text(text, take_title=False)
    assert not cleaned.removed
    assert cleaned.text == text


def test_a_wire_pages_filing_stamp_and_the_caption_above_it_are_removed():
    caption = "A nurse wears a mask at a clinic in Valmora, northern Estria, May 2, 2009."
    stamp = "VALMORA | Sat May 2, 2009 7:50 pm EDT VALMORA (Reuters) -"
    cleaned = clean_text(f"{caption} {stamp} {LEAD} {LEAD}", take_title=False)
    assert _removed(cleaned, "photo caption or credit") == [caption]
    assert _removed(cleaned, "wire dateline and time stamp") == [stamp]
    assert cleaned.text == f"{LEAD} {LEAD}"


@pytest.mark.parametrize(
    "sentence",
    [
        "The law took effect across Estria on May 2, 2009.",  # dated with "on": prose
        "The law took effect Monday, May 2, 2009.",  # after a weekday: prose
    ],
)
def test_prose_ending_on_a_date_before_a_filing_stamp_is_kept(sentence):
    stamp = "VALMORA | Sat May 2, 2009 7:50 pm EDT VALMORA (Reuters) -"
    cleaned = clean_text(f"{sentence} {stamp} {LEAD}", take_title=False)
    assert sentence in cleaned.text
    assert _removed(cleaned, "wire dateline and time stamp") == [stamp]


def test_a_pipe_in_prose_is_no_filing_stamp():
    text = f"{LEAD} Scores were 3 | 4 at the break on May 2, 2009. {LEAD}"
    assert clean_text(text, take_title=False).text == text
