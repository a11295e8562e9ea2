from __future__ import annotations

import pytest
from tests.conftest import make_article

from storyline.sentences import (
    has_run_in,
    is_clean_line,
    is_whole_sentence,
    parse_flaw,
    speaks_as_writer,
    stands_alone,
)


@pytest.mark.parametrize(
    "text",
    [
        "The talks went on.",
        "“We came here to listen,” Varga said.",
        '"It is over," he said.',
        "Is it over?",
        "1,000 barrels leaked.",
        "He said it was “a good thing.”",
    ],
)
def test_whole_sentences(text):
    assert is_whole_sentence(text)


@pytest.mark.parametrize(
    "text",
    [
        "It belongs to the people who live along it, and today we agreed to look at the dam together,",
        "DRAVIK, Karvonia (Estria Daily Wire) -",
        "and then the talks went on.",
        "“We came here to listen, he said.",
        "",
        "Photo: Reuters",
    ],
)
def test_pieces_of_sentences(text):
    assert not is_whole_sentence(text)


@pytest.mark.parametrize(
    "line",
    [
        "They can spread the word about mass protests, ensuring more people will show up.",
        "Her decision is based on advice from the health ministry.",
        '"Fishing is his life, without it he doesn\'t know anything else," she says.',
        "Is it safe to say that business is on hold for the company?",
        '"Why would we leave now?"',
        "Grilled fish is the most common dish here.",
        "Many have lived their whole lives beside the river.",
        '"The police have escalated the situation."',
    ],
)
def test_a_line_that_leans_on_its_neighbours_does_not_stand_alone(line):
    assert is_whole_sentence(line)
    assert not stands_alone(line)


@pytest.mark.parametrize(
    "line",
    [
        "The president said on Tuesday that he would resign.",
        "Thousands marched in Cairo on Friday, police said.",
        '"We will fight this spill with everything we have," President Obama said.',
        "Theirs was the first team to reach the well.",
        '"We are staying here," the farmers told reporters in Dravik.',
        "Many farmers have lived their whole lives beside the river.",
    ],
)
def test_a_line_that_names_what_it_is_about_stands_alone(line):
    assert stands_alone(line)


# issue 15: one-line plain texts run their headline, caption, byline or stamps into the first
# sentence, and such a "sentence" was shown as a summary line and a timeline entry.
@pytest.mark.parametrize(
    "line",
    [
        "Dam talks stall over water shares A Karvonian farmer walks a dry canal near Dravik on Monday.",
        "Estria recalls envoy over dam dispute The Karvonian minister spoke to reporters on Monday.",
        "By Mila Dorne and Ivo Brand, Estria Daily Wire Thousands marched in Dravik on Sunday.",
        "Ivo Brand | 14:44 UK time, Monday, 19 May 2025 For anyone following the talks, here is the news.",
        "DRAVIK | Mon May 19, 2025 11:17 am BST DRAVIK (Wire) - The talks resumed on Monday.",
        "DRAVIK (Wire) - Karvonia and Estria resumed talks on Monday, officials said.",
        "19 May 2025 Last updated at 15:44 GMT Live coverage of the treaty talks in Dravik.",
        "The minister met the utility's board and Karvo Karvo executives agreed to release water.",
        "Ivo Brand called for a treaty Ivo Brand told the assembly the dam must be shared.",
        'Estria vows to share the water President Halder: "We keep our word" Estria agreed to a treaty.',
    ],
)
def test_debris_run_into_a_line_is_found(line):
    assert is_whole_sentence(line)
    assert has_run_in(line)
    assert not is_clean_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister told The Associated Press that talks would resume.",
        "By Friday evening, police had withdrawn from the square.",
        "By contrast, an estimate announced on 26 April put the flow at 1,000 barrels a day.",
        "Cases of influenza A virus rose in Estria, the ministry said on Monday.",
        "Acts including The Black Eyed Peas are due to take to the stage.",
        "An explosion in 1979 at the Ixtoc I platform caused the largest peacetime oil spill.",
        "Talks on the Brena dam resumed in Dravik on Monday, the US said.",
        '"We will not give up our water," the minister said on Monday.',
        "White House Press Secretary Ivo Brand said the White House backed the treaty.",
        'The minister told reporters in Dravik: "We keep our word."',
    ],
)
def test_prose_is_not_taken_for_debris(line):
    assert is_clean_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "My partner and I returned to Dravik from the coast yesterday morning.",
        "On Sunday we had our first case in the area.",
        "You can follow the hearing on our website on Thursday.",
        "Would you like to make this your default edition?",
        "We want to hear from you.",
        "For a map of the dam and the river go here.",
        "The papers are blowing the dispute out of proportion to distract ourselves.",
    ],
)
def test_the_writer_speaking_in_person_is_no_report(line):
    assert speaks_as_writer(line)
    assert not is_clean_line(line)


def test_a_demonstrative_naming_a_time_does_not_lean():
    assert stands_alone("This week tens of thousands marched in Dravik.")
    assert not stands_alone("This was the largest march in Dravik.")


def test_two_sentences_left_joined_are_not_one_line():
    # issue 15: "... up from its estimate last week of 20,000-40 ,000. BP managed to place a cap ..."
    assert not is_clean_line("The panel puts the flow at 60,000 barrels, up from 40 ,000. BP placed a cap.")
    assert is_clean_line("Mr. Brand met Gen. Dorne in St. Vale at 9 a.m. on Tuesday.")


def test_a_line_said_by_a_pronoun_does_not_stand_alone():
    assert not stands_alone("Estria will stand up for the rights of its farmers, he affirmed.")


def test_a_page_promoting_itself_is_no_line():
    assert not is_clean_line("EstriaWire.com Live has both stories covered.")
    assert is_clean_line('Farmers told the Estria Wire that "nobody asked us."')


def test_a_line_must_close_the_brackets_it_opens():
    # issue 15: the parse cut "(0293.HK)" after its full stop, leaving "HK) shares ..." and
    # "... Dravik Air (0293." as lines
    assert not is_clean_line("HK) shares in the airline fell 4 percent on Monday.")
    assert is_clean_line("Shares in Dravik Air (DRA) fell 4 percent on Monday.")


def _parsed(text):
    from storyline.nlp import analyze

    article = make_article(text)
    (analysis,) = analyze([article])
    sentences = []
    for s in analysis.sentences:
        raw = article.text[s.start : s.end]
        line = raw.strip()
        tokens = [t for t in analysis.tokens if t.sent == s.index]
        sentences.append((line, s.start + raw.index(line), tokens))
    return sentences, analysis.mentions


@pytest.mark.models
@pytest.mark.parametrize(
    "text",
    [
        # a caption ending in a name run into the story's first sentence
        "Karvonia confirms a case in the capital Two more cases were reported in Dravik on Monday.",
        # a byline with its outlet, then the story
        "By Mila Dorne, For Estria Daily Wire Thousands marched in Dravik on Sunday.",
        # a headline with no verb
        "Water talks: the facts and the figures.",
        # a listing's clause with no sentence around it
        "And also on the programme, how farmers in Dravik have saved their crops.",
        # a caption's clause run into the story's capitalised subject
        "Farmers hold signs outside the courthouse Mr Brand told the court how the dam was built.",
        "Varga visits a dry canal near the farm Estria has begun a mass release of water.",
    ],
)
def test_the_parse_finds_a_headline_a_caption_or_a_byline_run_into_a_line(text):
    (sentences, mentions) = _parsed(text)
    assert any(parse_flaw(line, tokens, mentions, origin=start) for line, start, tokens in sentences), (
        sentences
    )


@pytest.mark.models
@pytest.mark.parametrize(
    "text",
    [
        "The minister told The Associated Press that the talks resumed on Monday.",
        "Thousands of Karvonian farmers marched in Dravik on Sunday, police said.",
        "Officials said the Brena dam would open its gates in March.",
        '"We will share the water," Varga told reporters in Dravik.',
        "The utility's shares fell 4 percent after the Karvonian government announced the deal.",
        "The minister told reporters Karvonia would double its releases.",
        "In recent years Karvonia has built three dams.",
        "The minister said in a statement Karvonia would share the water.",
        "Officials inspected the dam Karvonia built in 2023.",
        "How the dam failed is still unclear, officials said.",
        "Engineers explained how the dam failed.",
    ],
)
def test_the_parse_passes_prose_with_names_and_titles(text):
    (sentences, mentions) = _parsed(text)
    assert [parse_flaw(line, tokens, mentions, origin=start) for line, start, tokens in sentences] == [
        None
    ] * len(sentences)
