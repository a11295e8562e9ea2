from __future__ import annotations

import logging

import numpy as np
import pytest

from storyline import nlp
from storyline.nlp import onnx as onnx_encoder

pytestmark = pytest.mark.models

SENTENCES = [
    "Zelensky said on his Telegram channel that no one wants peace more than Ukraine.",
    "The oil spill reached the Louisiana coast on Wednesday.",
    "",
    "Short.",
    " ".join(["A very long sentence about the pipeline and the dam"] * 80),  # beyond 256 tokens
]


@pytest.fixture(scope="module")
def sentence_transformer():
    return nlp._sentence_transformer(nlp.embedding_model_name())


@pytest.fixture(scope="module")
def exported(sentence_transformer, tmp_path_factory):
    directory = tmp_path_factory.mktemp("cache") / "minilm"
    onnx_encoder.export(sentence_transformer, directory)
    return directory


def test_export_reproduces_the_sentence_transformers_vectors(sentence_transformer, exported):
    encoder = onnx_encoder.load(exported)
    assert encoder is not None
    mine = encoder.encode(SENTENCES, batch_size=2)
    theirs = nlp.TorchEncoder(sentence_transformer).encode(SENTENCES)
    assert mine.shape == theirs.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(mine * theirs, axis=1)) > 0.9999
    # the order of the input does not matter (texts are batched by length)
    again = encoder.encode(SENTENCES[::-1], batch_size=3)[::-1]
    assert np.allclose(again, mine, atol=1e-5)


def test_an_incomplete_export_is_not_loaded(exported, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "model.onnx").write_bytes((exported / "model.onnx").read_bytes())
    assert onnx_encoder.load(partial) is None


def test_a_damaged_export_is_made_again(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path))
    name = nlp.embedding_model_name()
    directory = onnx_encoder.bundle_dir(name)
    assert directory.is_relative_to(tmp_path)
    directory.mkdir(parents=True)
    for file in ("model.onnx", "tokenizer.json", "encoder.json"):
        (directory / file).write_text("not what it should be")
    with caplog.at_level(logging.WARNING):
        encoder = nlp._onnx_encoder(name)
    assert isinstance(encoder, onnx_encoder.OnnxEncoder)
    assert "exporting again" in caplog.text
    assert onnx_encoder.load(directory) is not None
    assert not [p for p in tmp_path.rglob(".export-*")]  # no staging folder left behind


def test_a_new_copy_of_the_weights_gets_its_own_export(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"one")
    first = onnx_encoder.bundle_dir(str(folder))
    (folder / "model.safetensors").write_bytes(b"other")
    assert onnx_encoder.bundle_dir(str(folder)) != first
    assert onnx_encoder.bundle_dir("sentence-transformers/all-MiniLM-L6-v2").name.startswith(
        "sentence-transformers-all-MiniLM-L6-v2-"
    )


def test_a_second_export_keeps_the_first_one_in_place(sentence_transformer, exported):
    before = (exported / "model.onnx").stat().st_ino
    onnx_encoder.export(sentence_transformer, exported)  # as a process racing another would
    assert (exported / "model.onnx").stat().st_ino == before
    assert onnx_encoder.load(exported) is not None
    assert not list(exported.parent.glob(".export-*"))


@pytest.mark.parametrize(("value", "threads"), [("1", 1), ("3", 3), (None, 0), ("", 0), ("two", 0), ("0", 0)])
def test_sessions_take_their_threads_from_omp_num_threads(monkeypatch, value, threads):
    # A Ray worker given one CPU has OMP_NUM_THREADS=1; without it onnxruntime would run a thread
    # per core of the machine (0 = onnxruntime's own choice).
    if value is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert onnx_encoder.session_options().intra_op_num_threads == threads
