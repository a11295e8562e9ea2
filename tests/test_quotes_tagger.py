"""The attribution tagger's pieces on hand-built tokens: gold tags, spans, grouping, the model."""

from __future__ import annotations

import pytest

from storyline.models import Analysis, Token
from storyline.quotes.tagger import (
    Lexicon,
    TaggedSpan,
    gold_tags,
    group_spans,
    tags_to_spans,
    token_values,
    unit_features,
)

TEXT = "Kuleba said the talks would go on."


def _tokens() -> list[Token]:
    words, tokens, offset = TEXT[:-1].split() + ["."], [], 0
    for i, word in enumerate(words):
        start = TEXT.index(word, offset)
        offset = start + len(word)
        tokens.append(
            Token(
                i=i, start=start, end=offset, lemma=word.lower(), pos="X", tag="X", dep="dep", head=1, sent=0
            )
        )
    return tokens


def test_gold_tags_mark_cue_source_and_content_as_bio():
    tokens = _tokens()
    roles = [("SOURCE", ((0, 6),), 0), ("CUE", ((7, 11),), 0), ("CONTENT", ((12, 33),), 0)]
    tags = gold_tags(tokens, range(len(tokens)), roles)
    assert tags == ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "O"]


def test_a_cue_inside_another_content_wins_over_that_content():
    tokens = _tokens()
    roles = [("CONTENT", ((0, 33),), 0), ("CUE", ((7, 11),), 1)]
    tags = gold_tags(tokens, range(len(tokens)), roles)
    assert tags[:3] == ["B-CONTENT", "B-CUE", "B-CONTENT"]


def test_feature_rows_are_the_strings_the_shipped_model_was_trained_on():
    # Rows as the tagger was trained on them, before the per-article precomputation and the
    # shared feature strings: any change here needs the model retrained.
    tokens = tuple(_tokens())
    analysis = Analysis(article_id="a", sentences=(), tokens=tokens, mentions=())
    values = token_values(TEXT, analysis, Lexicon(cue_rate={"said": 0.9}), [(16, 30)])
    first, second, *_ = unit_features(values, range(len(tokens)))
    assert first == [
        "bias",
        "w=kuleba",
        "l=kuleba",
        "p=X",
        "t=X",
        "d=dep",
        "s=Xx",
        "suf=eba",
        "hl=said",
        "hp=X",
        "dhd=dep|dep",
        "q=False",
        "qm=False",
        "x=no",
        "hx=high",
        "xp=no|X",
        "cp=dep",
        "cpl=dep|said",
        "cpd=0",
        "sq=True",
        "sc=True",
        "BOS",
        "1w=said",
        "1p=X",
        "1x=high",
        "1q=False",
        "2w=the",
        "2p=X",
        "2x=no",
        "2q=False",
    ]
    assert second == [
        "bias",
        "w=said",
        "l=said",
        "p=X",
        "t=X",
        "d=dep",
        "s=x",
        "suf=aid",
        "hl=said",
        "hp=X",
        "dhd=dep|dep",
        "q=False",
        "qm=False",
        "x=high",
        "hx=high",
        "xp=high|X",
        "ch=dep",
        "cp=none",
        "sq=True",
        "sc=True",
        "-1w=kuleba",
        "-1p=X",
        "-1x=no",
        "-1q=False",
        "1w=the",
        "1p=X",
        "1x=no",
        "1q=False",
        "2w=talks",
        "2p=X",
        "2x=no",
        "2q=True",
        "bw=kuleba|said",
    ]


def test_tags_to_spans_splits_runs_on_b_tags():
    tokens = _tokens()
    tags = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "B-CONTENT", "I-CONTENT", "O", "O"]
    spans = tags_to_spans(tokens, range(len(tokens)), tags)
    assert [(s.label, TEXT[s.start : s.end]) for s in spans] == [
        ("SOURCE", "Kuleba"),
        ("CUE", "said"),
        ("CONTENT", "the talks"),
        ("CONTENT", "would go"),
    ]


def _span(label, start, end, sent, first, last):
    return TaggedSpan(label=label, start=start, end=end, sent=sent, first=first, last=last)


def test_group_spans_links_the_nearest_cue_and_carries_on_content_in_the_paragraph():
    text = "Kuleba said the talks would go on. They will last a week.\n\nPolls vary."
    spans = [
        _span("SOURCE", 0, 6, 0, 0, 1),
        _span("CUE", 7, 11, 0, 1, 2),
        _span("CONTENT", 12, 33, 0, 2, 7),
        _span("CONTENT", 35, 56, 1, 8, 12),
        _span("CONTENT", 59, 69, 2, 14, 16),
    ]
    first, second = group_spans(text, spans)
    assert first.source == (0, 6) and first.cue == (7, 11)
    assert first.content == ((12, 33), (35, 56))
    assert second.cue is None and second.content == ((59, 69),)


def test_group_spans_gives_an_empty_cue_the_attribution_after_it_as_content():
    text = "Cardin said that Republicans rejected his attempts."
    spans = [
        _span("SOURCE", 0, 6, 0, 0, 1),
        _span("CUE", 7, 11, 0, 1, 2),
        _span("SOURCE", 17, 28, 0, 3, 4),
        _span("CUE", 29, 37, 0, 4, 5),
        _span("CONTENT", 38, 50, 0, 5, 7),
    ]
    outer, inner = group_spans(text, spans)
    assert outer.source == (0, 6) and outer.cue == (7, 11) and outer.content == ((17, 50),)
    assert inner.source == (17, 28) and inner.cue == (29, 37) and inner.content == ((38, 50),)


def test_lexicon_buckets_cue_rates():
    lexicon = Lexicon(cue_rate={"say": 0.9, "show": 0.3, "call": 0.06})
    assert [lexicon.bucket(w) for w in ("Say", "show", "call", "table")] == ["high", "mid", "low", "no"]


@pytest.mark.models
def test_shipped_tagger_finds_reported_speech():
    from tests.conftest import make_article

    from storyline.nlp import analyze
    from storyline.quotes.tagger import tag_analysis

    article = make_article("The senator said on Tuesday that the bill would pass within a month.")
    (analysis,) = analyze([article])
    spans = tag_analysis(article.text, analysis, [])
    found = {s.label: article.text[s.start : s.end] for s in spans}
    assert found["CUE"] == "said" and found["SOURCE"] == "The senator"
    assert "the bill would pass" in found["CONTENT"]


def test_tagger_digest_changes_with_the_tagger_files(tmp_path):
    from storyline.quotes.tagger import tagger_digest

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "quotes-crf.bin").write_bytes(b"one model")
    (tmp_path / "b" / "quotes-crf.bin").write_bytes(b"another model")
    first, second = tagger_digest(str(tmp_path / "a")), tagger_digest(str(tmp_path / "b"))
    assert first != second and len(first) == 12
    assert tagger_digest(str(tmp_path / "a")) == first
