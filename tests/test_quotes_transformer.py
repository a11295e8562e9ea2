"""The attribution transformer: its input per sentence, and the shipped model's export."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from storyline.config import DEFAULTS
from storyline.errors import MissingDependency
from storyline.models import Token
from storyline.quotes import tagger as attribution
from storyline.quotes import transformer as at

TEXT = "Kuleba said “unbelievable” things."
VOCABULARY = at.Vocabulary(dep={"nsubj": 1, "ROOT": 2}, pos={"PROPN": 1}, branch={"nsubj": 1})


def _tokens() -> list[Token]:
    spans = [(0, 6), (7, 11), (12, 13), (13, 25), (25, 26), (27, 33), (33, 34)]
    deps = ["nsubj", "ROOT", "punct", "amod", "punct", "dobj", "punct"]
    return [
        Token(
            i=i,
            start=s,
            end=e,
            lemma=TEXT[s:e].lower(),
            pos="PROPN" if i == 0 else "X",
            tag="X",
            dep=deps[i],
            head=1,
            sent=0,
        )
        for i, (s, e) in enumerate(spans)
    ]


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    name = at.base_model_name()
    loaded = Tokenizer.from_file(f"{name}/tokenizer.json")
    loaded.no_truncation()
    loaded.no_padding()
    return loaded


def _inputs(tokenizer, tokens=None):
    tokens = tokens or _tokens()
    n = len(tokens)
    return at.unit_inputs(
        TEXT,
        tokens,
        [list(range(n))],
        tokenizer,
        VOCABULARY,
        [2 < i < 5 for i in range(n)],
        ["no", "high", *["no"] * (n - 2)],
        ["nsubj", "none", *["dobj"] * (n - 2)],
    )[0]


def test_each_token_reads_its_first_wordpiece_and_all_its_wordpieces_carry_its_facts(tokenizer):
    unit = _inputs(tokenizer)
    pieces = [tokenizer.id_to_token(int(i)) for i in unit.wordpieces]
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]"
    assert [pieces[f] for f in unit.first] == ["ku", "said", "“", "unbelievable", "”", "things", "."]
    kuleba = [k for k in range(len(pieces)) if unit.first[0] <= k < unit.first[1]]
    assert len(kuleba) > 1  # "Kuleba" is more than one wordpiece; each carries its facts
    for k in kuleba:
        assert list(unit.facts[:, k]) == [1, 1, 1, 1, 1]  # not quoted, no cue, nsubj, PROPN, nsubj
    said = unit.first[1]
    assert list(unit.facts[:, said]) == [1, 4, 2, 0, 0]  # high bucket; ROOT; X and none unseen
    assert unit.facts[0, unit.first[3]] == 2  # inside the quotation marks
    assert not unit.facts[:, 0].any() and not unit.facts[:, -1].any()


def test_a_sentence_past_the_model_length_is_cut_and_its_tail_reads_o(tokenizer):
    words = ["word"] * 300
    text = " ".join(words)
    tokens = [
        Token(i=i, start=5 * i, end=5 * i + 4, lemma="word", pos="X", tag="X", dep="dep", head=0, sent=0)
        for i in range(300)
    ]
    unit = at.unit_inputs(
        text, tokens, [list(range(300))], tokenizer, VOCABULARY, [False] * 300, ["no"] * 300, ["none"] * 300
    )[0]
    assert len(unit.wordpieces) == at.MAX_WORDPIECES
    kept = at.MAX_WORDPIECES - 2  # [CLS] and [SEP] take two
    assert (unit.first[:kept] >= 0).all() and (unit.first[kept:] == -1).all()
    probabilities = np.full((len(unit.wordpieces), len(at.LABELS)), 1 / len(at.LABELS), dtype=np.float32)
    per_token = at.token_probabilities(probabilities, unit)
    assert per_token.shape == (300, len(at.LABELS))
    assert (per_token[-1] == np.eye(len(at.LABELS))[0]).all()


def test_a_batch_is_padded_to_its_longest_sentence(tokenizer):
    long, short = _inputs(tokenizer), _inputs(tokenizer, _tokens()[:2])
    ids, mask, facts = at.padded([short, long])
    assert ids.shape == mask.shape == (2, len(long.wordpieces))
    assert facts.shape == (len(at.FACTS), 2, len(long.wordpieces))
    assert mask[0].sum() == len(short.wordpieces) and ids[0, len(short.wordpieces) :].sum() == 0


def test_cue_branches_name_the_dependency_below_the_nearest_likely_cue():
    tokens = _tokens()
    strong = [t.lemma == "said" for t in tokens]
    assert attribution.cue_branches(tokens, strong) == [
        "nsubj",
        "none",
        "punct",
        "amod",
        "punct",
        "dobj",
        "punct",
    ]


@pytest.mark.models
def test_the_shipped_transformer_exports_and_reproduces_its_training_output(tmp_path):
    shipped = attribution.model_dir()
    target = tmp_path / "export"
    at.export(shipped, target)  # checks the probe itself, else raises
    loaded = at._load_export(target)
    meta = at.read_meta(shipped)
    probe = meta["probe"]
    unit = at.UnitInput(
        tokens=(),
        wordpieces=np.array(probe["wordpieces"]),
        first=np.array(probe["first"]),
        facts=np.array(probe["facts"]),
    )
    (got,) = loaded.probabilities([unit])
    expected = np.array(probe["probabilities"])
    assert np.abs(got - expected).max() <= DEFAULTS.quotes.probe_tolerance  # int8 weights, float32 training
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    assert np.allclose(got.sum(axis=1), 1.0, atol=1e-4)


@pytest.mark.models
def test_an_export_that_does_not_reproduce_the_probe_is_refused(tmp_path):
    shipped = tmp_path / "shipped"
    shutil.copytree(attribution.model_dir(), shipped)
    meta = at.read_meta(shipped)
    meta["probe"]["probabilities"] = (1 - np.array(meta["probe"]["probabilities"])).tolist()
    at.shipped_files(shipped)[1].write_text(json.dumps(meta), "utf-8")
    with pytest.raises(MissingDependency, match="does not reproduce"):
        at.export(shipped, tmp_path / "export")
    assert not (tmp_path / "export").exists()


@pytest.mark.models
def test_a_damaged_export_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path / "cache"))
    shipped = tmp_path / "shipped"
    shutil.copytree(attribution.model_dir(), shipped)
    target = at.export_dir(shipped)
    at.export(shipped, target)
    (target / "model.onnx").write_bytes(b"not a model")
    at.load.cache_clear()
    try:
        tagger = at.load(str(shipped))
    finally:
        at.load.cache_clear()
    assert tagger.probabilities([_probe(shipped)])[0].shape[1] == len(at.LABELS)


def _probe(shipped):
    probe = at.read_meta(shipped)["probe"]
    return at.UnitInput(
        tokens=(),
        wordpieces=np.array(probe["wordpieces"]),
        first=np.array(probe["first"]),
        facts=np.array(probe["facts"]),
    )


@pytest.mark.models
def test_a_sentence_reads_the_same_alone_and_among_others():
    # the int8 model's activation range would follow the batch: each sentence must run alone
    from tests.conftest import make_article

    from storyline.nlp import analyze
    from storyline.quotes.tagger import load_tagger, transformer_inputs

    tagger = load_tagger()
    transformer = tagger.transformer
    article = make_article(
        "Vesely said the dam was safe. Officials in Dravik, the capital of "
        "Karvonia, said on Monday that the inspection of the Brena dam would "
        "begin next month and last for several weeks, weather permitting."
    )
    (analysis,) = analyze([article])
    _, units = transformer_inputs(
        article.text, analysis, tagger.lexicon, transformer.vocabulary, transformer.tokenizer, []
    )
    together = transformer.probabilities(units)
    alone = [transformer.probabilities([unit])[0] for unit in units]
    assert len(units) == 2
    assert all(np.array_equal(a, b) for a, b in zip(together, alone, strict=True))
