"""The sentence-embedding model run by onnxruntime instead of PyTorch: the same vectors (cosine
1.0 to float precision) at about half the CPU time, and without importing sentence-transformers
on every run.

No model hub ships MiniLM as ONNX that works offline, so the sentence-transformers model is
exported once, the first time it is needed (a few seconds), into the user's cache
(`$STORYLINE_CACHE`, else `$XDG_CACHE_HOME/storyline`, else `~/.cache/storyline`). The export
keeps full float32 precision: int8 weights were 3x faster but moved pairwise similarities by
up to 0.07, enough to flip event and claim decisions. Only models built as sentence-transformers'
Transformer -> mean Pooling -> Normalize (all-MiniLM-L6-v2 is) are exported; any other model is
run by sentence-transformers itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import DEFAULTS, from_environment

if TYPE_CHECKING:  # loaded lazily at run time: importing them costs seconds
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the exported bundle changes shape
_FILES = ("model.onnx", "tokenizer.json", "encoder.json")


def cache_root() -> Path:
    cache_dir = from_environment().models.cache_dir
    if cache_dir is not None:
        return cache_dir
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "storyline"


def bundle_dir(model_name: str) -> Path:
    """Where the export of `model_name` (a hub name or a local folder) lives in the cache."""
    identity = model_name
    weights = Path(model_name) / "model.safetensors"
    if weights.is_file():  # a local folder: a new copy of the weights means a new export
        stat = weights.stat()
        identity = f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha1(f"{FORMAT}:{identity}".encode()).hexdigest()[:16]
    slug = "-".join(Path(model_name.rstrip("/")).parts[-2:]).strip("-/") or "model"
    return cache_root() / "onnx" / f"{slug}-{digest}"


@dataclass(frozen=True, slots=True)
class OnnxEncoder:
    """Mean-pooled, unit-length sentence vectors from an exported transformer."""

    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer  # truncating at the model's maximum length
    dimension: int

    def encode(
        self, texts: Sequence[str], *, batch_size: int = DEFAULTS.models.embed_batch_size
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")  # little padding per batch
        for begin in range(0, len(texts), batch_size):
            rows = order[begin : begin + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            mean = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[rows] = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
        return out


def load(directory: Path) -> OnnxEncoder | None:
    """The encoder exported into `directory`, or None when there is no complete export."""
    if not _complete(directory):
        return None
    import onnxruntime
    from tokenizers import Tokenizer

    meta = json.loads((directory / "encoder.json").read_text("utf-8"))
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(meta["max_length"])
    tokenizer.enable_padding()
    session = onnxruntime.InferenceSession(
        str(directory / "model.onnx"), session_options(), providers=["CPUExecutionProvider"]
    )
    return OnnxEncoder(session=session, tokenizer=tokenizer, dimension=meta["dimension"])


def session_options():
    """onnxruntime's options for storyline's sessions: warnings about unused initializers are
    noise here, and the intra-op threads follow OMP_NUM_THREADS when it is set.

    onnxruntime sizes its thread pool to the machine's cores whatever the process was given; a
    Ray worker holding one CPU (Ray sets OMP_NUM_THREADS to the CPUs it gives a worker) would
    otherwise run a thread per core, and two such workers on two cores fight for both."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if threads.isdigit() and int(threads) > 0:
        options.intra_op_num_threads = int(threads)
    return options


def exportable(model) -> bool:
    """Whether a SentenceTransformer is Transformer -> mean Pooling [-> Normalize]."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
        return False
    pooling = model[1].get_config_dict()
    return (
        pooling.get("pooling_mode", "mean") == "mean"
        and pooling.get("pooling_mode_mean_tokens", True)
        and hasattr(model.tokenizer, "backend_tokenizer")
    )


def export(model, directory: Path) -> None:
    """Write `model` (a SentenceTransformer, see `exportable`) as ONNX with its tokenizer into
    `directory`, atomically: a half-written export is never seen by `load`."""
    import torch

    transformer = model[0].auto_model.eval()

    class Hidden(torch.nn.Module):  # keyword arguments: forward's positional order varies
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=directory.parent))
    try:
        sample = torch.ones((2, 8), dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad(), warnings.catch_warnings():  # tracer chatter, not problems
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Hidden(),
                (sample, sample, torch.zeros_like(sample)),
                str(staging / "model.onnx"),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        model.tokenizer.backend_tokenizer.save(str(staging / "tokenizer.json"))
        meta = {
            "format": FORMAT,
            "max_length": model.max_seq_length,
            "dimension": int(model[1].get_config_dict()["embedding_dimension"]),
            "torch": torch.__version__,
        }
        (staging / "encoder.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
        _publish(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, directory: Path) -> None:
    """Move a finished export into place. Another process that exported the same model at the
    same time may have got there first: its complete export is kept (it may be loading it),
    an incomplete one is replaced."""
    try:
        staging.rename(directory)
        return
    except OSError:
        if _complete(directory):
            return
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)


def _complete(directory: Path) -> bool:
    return all((directory / name).is_file() for name in _FILES)
