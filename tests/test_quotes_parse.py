from __future__ import annotations

import pytest
from tests.conftest import make_article

from storyline.quotes.parse import (
    ParseIndex,
    attribution_follows,
    mark_start,
    passive_verbs,
    subject_of,
    within_spans,
)


def test_within_spans_counts_the_marks_around_a_span():
    spans = [(10, 20)]
    assert within_spans(9, spans) and within_spans(20, spans)
    assert not within_spans(8, spans) and not within_spans(21, spans)


def test_mark_start_finds_one_mark_or_two_apostrophes():
    assert mark_start('He said "yes"', 9) == 8
    assert mark_start("He said ''yes''", 10) == 8


def test_an_attribution_follows_a_quote_closing_its_sentence_on_the_same_line():
    text = '"How are you?" Miller said. "Fine," she said.\n"Next" here'
    assert attribution_follows(text, text.index('?"') + 1)
    assert not attribution_follows(text, text.index("Fine,") + 5)  # a comma: the sentence runs on
    assert not attribution_follows(text, text.index("Next") + 4)  # the paragraph ends


def _parsed(text: str) -> ParseIndex:
    from storyline.nlp import analyze

    return ParseIndex(analyze([make_article(text)])[0])


def _token(parse: ParseIndex, text: str, word: str):
    return parse.tokens[parse.token_at(text.index(word))]


@pytest.mark.models
def test_the_subject_nearest_the_verb_speaks():
    text = "Valmora (AFP) – Minister Ilse Varga has taken a swipe at her rival, saying it was wrong."
    parse = _parsed(text)
    (start, end), head = subject_of(parse, _token(parse, text, "saying"))
    assert text[start:end].endswith("Ilse Varga")


@pytest.mark.models
def test_a_passive_cue_is_found_and_an_active_one_is_not():
    text = "Senator Brandt has been criticized for his answers. Senator Brandt criticized the plan."
    parse = _parsed(text)
    first = parse.token_range(text.index("has been"), text.index(" for"))
    second = parse.token_range(text.index("criticized the"), text.index(" the plan"))
    assert [t.lemma for t in passive_verbs(parse, first)] == ["criticize"]
    assert passive_verbs(parse, second) == []


@pytest.mark.models
def test_adding_hung_under_an_infinitive_inside_reported_words_is_the_reporter_s():
    text = (
        "Even a senior Estrian strategist said Kovalenk will have to choose whose side he is "
        "on, saying, “At some point he is going to have to come out.”"
    )
    parse = _parsed(text)
    (start, end), head = subject_of(parse, _token(parse, text, "saying"))
    assert text[start:end].endswith("a senior Estrian strategist")


@pytest.mark.models
def test_before_a_colon_a_speech_verb_wins_over_a_later_verb():
    from storyline.quotes.parse import attribution_before_colon

    text = (
        "As Jonas Halder observed, the winner was not on the stage, it was the stage itself: "
        "“The clear winner of the debate was the network.”"
    )
    parse = _parsed(text)
    found = attribution_before_colon(
        text, parse, text.index("The clear"), [(text.index("The clear"), len(text) - 1)]
    )
    assert found.cue.lemma == "observe" and text[found.speaker[0] : found.speaker[1]] == "Jonas Halder"
