"""Whether two sentences state one claim: claim sentences, figures, named things, shared words."""

from __future__ import annotations

import pytest

from storyline.models import Analysis, Mention, Span
from storyline.sameness import (
    _FIGURE,
    core_of,
    cores_agree,
    figures_of,
    is_claim_sentence,
    lexical_similarity,
    same_things,
)


def _core(text: str, *mentions: tuple[str, str]):
    """The core of `text` with the named mentions (words, label) it holds."""
    found = tuple(
        Mention(article_id="a", start=(at := text.index(words)), end=at + len(words), text=words, label=label)
        for words, label in mentions
    )
    analysis = Analysis(article_id="a", sentences=(), tokens=(), mentions=found)
    return core_of(text, Span(article_id="a", start=0, end=len(text)), analysis)


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("France said it would seek a European Union ban on flights to Mexico.", True),
        ('"We will not watch from a safe distance," Wang said.', True),  # "we" inside the quotation
        ("The U.S. has confirmed 91 cases.", True),
        ("I am not worried about swine flu.", False),  # a reader's comment
        ("So far swine flu has killed say a couple of hundred if you count all the suspected deaths.", False),
        ("Do you mean a swine flu pandemic or a media swine flu pandemic?", False),
        ("Is the world over-reacting to swine flu?", False),
        ("Says flu virus is human, not swine *", False),  # a bullet of a wire's summary
        ("and I expect that we'll continue to see additional deaths,\" Besser told NBC.", False),
    ],
)
def test_is_claim_sentence(text, claim):
    assert is_claim_sentence(text) is claim


def test_figures_of_reads_digits_and_scales_not_words_or_codes():
    assert figures_of("Up to 1,300 people, 1300 in all, are in hospital.") == {1300.0}
    assert figures_of("It killed one million people; another million died in 1957.") == {1e6, 1957.0}
    assert figures_of("The 1968 pandemic killed about 1 million.") == {1968.0, 1e6}
    assert figures_of("One of the H1N1 cases was mild; millions were worried.") == frozenset()


def test_the_figure_pattern_matches_only_figures_never_an_empty_string():
    text = "Some 3 wards, twelve hundred beds, another million doses; 5,000.5 tons."
    matched = [m.group() for m in _FIGURE.finditer(text)]
    assert matched == ["3", "twelve hundred", "another million", "5,000.5"]
    assert all(m.group() for m in _FIGURE.finditer("No figure here, none at all."))
    assert figures_of(text) == {3.0, 1200.0, 1e6, 5000.5}
    # A scale word alone is one of it; a scale that goes on as a word is none.
    assert figures_of("Thousands fled; a thousand stayed, and a further million waited.") == {1e3, 1e6}


def test_cores_agree_needs_agreeing_figures():
    pigs = _core("Pigs are mainly raised by Egypt's Christian minority.", ("Egypt", "GPE"))
    again = _core("The pigs in Egypt are raised by the Coptic Christian community.", ("Egypt", "GPE"))
    assert cores_agree(pigs, again)
    toll = _core("Up to 159 people have died in Mexico.", ("Mexico", "GPE"))
    other = _core("Up to 169 people are believed to have died in Mexico.", ("Mexico", "GPE"))
    fewer = _core("Mexico says 159 people have died, 1,300 more are in hospital.", ("Mexico", "GPE"))
    bare = _core("People have died in Mexico.", ("Mexico", "GPE"))
    assert not cores_agree(toll, other)  # other figures
    assert cores_agree(toll, fewer) and cores_agree(fewer, toll)  # one gives fewer, none other
    assert not cores_agree(toll, bare)  # a figure against none


def test_same_things_needs_a_common_place_when_both_name_one():
    outside = _core("There are 50 infections outside Mexico.", ("Mexico", "GPE"))
    inside = _core("There are 50 confirmed infections in the US.", ("US", "GPE"))
    assert not same_things(outside, inside) and not cores_agree(outside, inside)
    unnamed = _core("There are 50 infections in all.")
    assert same_things(outside, unnamed)


def test_lexical_similarity_weighs_the_words_of_the_whole_set_little():
    texts = [
        "Swine flu closed schools in Texas.",
        "Swine flu shut schools across Texas.",
        "Swine flu spread to Spain.",
        "Swine flu worried Spain's farmers.",
    ]
    words = lexical_similarity(texts)
    assert words.shape == (4, 4) and words[0, 1] > words[0, 2]
    assert lexical_similarity(["the and of", "it is"]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
