"""One utterance reported by several articles: quote groups."""

from __future__ import annotations

from storyline.models import Quote
from storyline.quotes.groups import group_quotes


def _quote(
    qid: str,
    article: str,
    text: str,
    speaker: str | None = "Ilse Varga",
    kind: str = "direct",
    entity: str | None = "e-varga",
) -> Quote:
    return Quote(
        id=qid,
        article_id=article,
        start=0,
        end=len(text),
        text=text,
        kind=kind,
        speaker=speaker,
        speaker_entity_id=entity if speaker else None,
    )


def _groups(quotes: list[Quote]) -> dict[str, str | None]:
    return {q.id: q.group_id for q in group_quotes(quotes)}


def test_the_same_words_in_two_articles_are_one_utterance():
    groups = _groups(
        [
            _quote("a", "A1", "The Tarn does not belong to one country."),
            _quote("b", "A2", "The Tarn doesn't belong to one country"),
            _quote("c", "A3", "Something else entirely was said here today."),
        ]
    )
    assert groups["a"] == groups["b"] is not None
    assert groups["c"] is None


def test_a_part_quoted_by_one_outlet_joins_the_whole():
    groups = _groups(
        [
            _quote("whole", "A1", "We both share the conviction that ending the war serves peace"),
            _quote("part", "A2", "ending the war serves peace"),
        ]
    )
    assert groups["whole"] == groups["part"] is not None


def test_a_short_common_phrase_is_not_enough():
    groups = _groups(
        [
            _quote("a", "A1", "a new chapter for our two countries and their rivers"),
            _quote("b", "A2", "a new chapter"),
        ]
    )
    assert groups["a"] is None and groups["b"] is None


def test_different_speakers_never_share_an_utterance():
    groups = _groups(
        [
            _quote("a", "A1", "The river belongs to all of us."),
            _quote("b", "A2", "The river belongs to all of us.", speaker="Radek Vesely", entity="e-vesely"),
        ]
    )
    assert groups["a"] is None and groups["b"] is None


def test_two_things_one_person_said_in_one_article_never_merge_through_a_third():
    # A2's short quote sits inside both of A1's quotes: it may join one, never both.
    groups = _groups(
        [
            _quote("x", "A1", "we will never give up our land to anyone"),
            _quote("y", "A1", "we will never give up our claim to the water of the Tarn"),
            _quote("z", "A2", "we will never give up our"),
        ]
    )
    assert groups["x"] != groups["y"]
    assert groups["z"] in (groups["x"], groups["y"]) and groups["z"] is not None


def test_indirect_reports_and_unattributed_quotes_are_left_alone():
    groups = _groups(
        [
            _quote("a", "A1", "the inspection would begin in April", kind="indirect"),
            _quote("b", "A2", "the inspection would begin in April", kind="indirect"),
            _quote("c", "A1", "no comment on the dam today at all", speaker=None),
            _quote("d", "A2", "no comment on the dam today at all", speaker=None),
        ]
    )
    assert set(groups.values()) == {None}


def test_group_ids_do_not_depend_on_order():
    quotes = [
        _quote("a", "A1", "The Tarn does not belong to one country."),
        _quote("b", "A2", "The Tarn does not belong to one country."),
    ]
    assert _groups(quotes) == _groups(list(reversed(quotes)))


def test_a_mixed_quote_is_matched_on_its_quoted_words():
    groups = _groups(
        [
            _quote("a", "A1", "that he was “grateful to my Chinese counterpart” for the call", kind="mixed"),
            _quote(
                "b",
                "A2",
                "that he had spoken to Wang and was “grateful to my Chinese counterpart "
                "for solidarity with civilian victims.”",
                kind="mixed",
            ),
        ]
    )
    assert groups["a"] == groups["b"] is not None


def test_similarity_with_score_cutoffs_gives_the_uncut_scores():
    from rapidfuzz import fuzz

    from storyline.config import DEFAULTS
    from storyline.quotes.groups import _similarity

    settings = DEFAULTS.quotes

    def uncut(a: str, b: str) -> float:
        if (whole := fuzz.ratio(a, b)) >= settings.whole_similarity:
            return whole
        part = fuzz.partial_ratio(a, b)
        shorter = min(len(a.split()), len(b.split()))
        return part - 1.0 if part >= settings.part_similarity and shorter >= settings.part_min_words else 0.0

    whole = "we will not let this spill define the gulf coast for a generation"
    pairs = [
        (whole, whole.replace("define", "defines")),
        ("this spill define the gulf coast", whole),
        (whole, "this spill define the golf coast for a generation"),
        (whole * 20, "the company said it would pay every legitimate claim " * 30),
    ]
    for a, b in pairs:
        assert _similarity(a, b) == uncut(a, b)
    assert [_similarity(a, b) > 0 for a, b in pairs] == [True, True, True, False]
