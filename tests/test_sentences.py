from __future__ import annotations

import pytest

from storyline.sentences import is_whole_sentence


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
