"""`storyline train quotes` end to end on a few PolNeAR documents: both models are written, the
transformer exports with its probe check, and the trained tagger tags."""

from __future__ import annotations

import json

import pytest
from tests.test_evaluate_quotes import POLNEAR

from storyline.quotes import tagger as attribution
from storyline.quotes import transformer as attribution_transformer
from storyline.training import transformer as train_transformer
from storyline.training.quotes import Example


@pytest.mark.models
@pytest.mark.skipif(not POLNEAR.is_dir(), reason=f"PolNeAR not present at {POLNEAR}")
def test_training_writes_a_tagger_that_exports_and_tags(tmp_path, monkeypatch):
    from storyline import nlp
    from storyline.clean import article_id
    from storyline.evaluate.quotes import read_polnear
    from storyline.quotes.extract import find_quoted_spans
    from storyline.training.quotes import train_tagger

    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(train_transformer, "EPOCHS", 1)
    documents = read_polnear(POLNEAR, "train")[:6]
    docs = nlp.spacy_pipeline().pipe(d.text for d in documents)
    examples = [
        Example(
            name=d.name, text=d.text, gold=d.gold, analysis=nlp.analysis_from_doc(article_id(d.text), doc)
        )
        for d, doc in zip(documents, docs, strict=True)
    ]
    out = tmp_path / "model"
    record = train_tagger(examples, out, max_iterations=5)
    assert record["documents"] == 6 and record["transformer"]["model_bytes"] > 1_000_000
    meta = json.loads((out / "quotes-transformer.json").read_text("utf-8"))
    assert meta["sentences"] > 50 and meta["folds"] == 2
    assert set(meta["vocabulary"]) == {"dep", "pos", "branch"} and "nsubj" in meta["vocabulary"]["dep"]
    attribution.load_tagger.cache_clear()
    attribution_transformer.load.cache_clear()
    try:
        tagger = attribution.load_tagger(str(out))  # exports, checking the probe
        example = examples[0]
        spans = attribution.tag_analysis(
            example.text, example.analysis, find_quoted_spans(example.text), tagger
        )
    finally:
        attribution.load_tagger.cache_clear()
        attribution_transformer.load.cache_clear()
    assert {s.label for s in spans} <= {"CUE", "SOURCE", "CONTENT"}
    assert all(0 <= s.start < s.end <= len(example.text) for s in spans)
