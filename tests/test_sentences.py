from __future__ import annotations

import pytest

from storyline.sentences import is_whole_sentence, stands_alone


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
    ],
)
def test_a_line_that_names_what_it_is_about_stands_alone(line):
    assert stands_alone(line)
