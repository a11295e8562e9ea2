from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import make_article

from storyline import nlp

pytestmark = pytest.mark.models


def test_analyze_keeps_sentences_inside_paragraphs_and_trims_entities():
    text = (
        "Following Xi’s summit, Wang Yi spoke to Dmytro Kuleba\n\n"
        "The call lasted an hour. Kuleba thanked him."
    )
    article = make_article(text)
    (analysis,) = nlp.analyze([article])
    sentences = [text[s.start : s.end] for s in analysis.sentences]
    assert sentences[0] == "Following Xi’s summit, Wang Yi spoke to Dmytro Kuleba"
    assert "The call lasted an hour." in sentences
    names = {m.text for m in analysis.mentions if m.label == "PERSON"}
    assert {"Wang Yi", "Dmytro Kuleba"} <= names
    assert not any(name.startswith("Following") for name in names)
    assert all(text[t.start : t.end] for t in analysis.tokens)


@pytest.mark.parametrize(
    "sentence",
    [
        "Tunisian President Zine el Abidine Ben Ali fled the country on Friday after weeks of protests.",
        "The talks in Brussels with Ursula von der Leyen ended late on Monday without a deal.",
        "Zine El Abidine Ben Ali said he would not seek another term in 2014.",
    ],
)
def test_no_sentence_starts_inside_a_name_after_its_particle(sentence):
    # issue 15: the splitter cut "Zine el | Abidine", so a quote's speaker, a summary line and
    # a timeline entry lost half the sentence
    text = f"{sentence} Officials said so later."
    (analysis,) = nlp.analyze([make_article(text)])
    assert [text[s.start : s.end] for s in analysis.sentences][0] == sentence


def test_analysis_json_round_trip():
    (analysis,) = nlp.analyze([make_article("Kuleba said the talks went well on Monday.")])
    assert nlp.analysis_from_json(nlp.analysis_to_json(analysis)) == analysis


def test_models_load_once():
    assert nlp.spacy_pipeline() is nlp.spacy_pipeline()
    assert nlp.embedding_model() is nlp.embedding_model()


def test_embeddings_are_unit_length_and_round_trip():
    vectors = nlp.embed(["The dam opened.", "A treaty was signed on the river."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    back = nlp.vectors_from_json(nlp.vectors_to_json(vectors))
    assert np.allclose(back, vectors, atol=1e-3)
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_worker_processes_give_the_same_analyses_in_order():
    articles = [
        make_article(
            f"Kuleba met Wang Yi in Kyiv on Monday. Talk number {i} went well.\n\n"
            f"\u201cWe agreed,\u201d he said."
        )
        for i in range(5)
    ]
    alone = list(nlp.analyze_stream(articles, batch_size=2))
    shared = list(nlp.analyze_stream(articles, batch_size=2, processes=2))
    assert [a.article_id for a in shared] == [a.id for a in articles]
    assert shared == alone
