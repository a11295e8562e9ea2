"""Fine-tune the attribution transformer (`storyline.quotes.transformer`) on PolNeAR train.

MiniLM's lower layers are frozen, so their output is computed once per sentence and kept (as
float16); each epoch then runs only the upper layers. Seeded, one thread order: the same
documents give the same weights. Called by `storyline train quotes`.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.quotes.extract import find_quoted_spans
from storyline.quotes.tagger import Lexicon, cue_branches, gold_tags, transformer_inputs
from storyline.quotes.tagset import CUT, FEATURE_SIZES, LABELS
from storyline.quotes.transformer import (
    MODEL_NAME,
    UnitInput,
    Vocabulary,
    base_model_name,
    padded,
    shipped_files,
    token_probabilities,
)

log = logging.getLogger(__name__)

# Chosen on a held-out tenth of train (documents whose index is divisible by 10), never on dev.
EPOCHS, BATCH, LAYER_RATE, HEAD_RATE, SEED = 3, 32, 1e-4, 1e-3, 0


@dataclass(frozen=True, slots=True)
class Prepared:
    """Every sentence of the training documents: its input, gold labels and lower-layer states."""

    inputs: list[UnitInput]
    labels: list[np.ndarray]  # per sentence, a label index per token
    document: list[int]  # per sentence, the index of its document
    states: list[np.ndarray]  # per sentence, float16 (wordpieces, hidden)


def learn_vocabulary(examples: Sequence, lexicon: Lexicon) -> Vocabulary:
    """Ids for the dependency, part-of-speech and cue-branch values, most frequent first."""
    counts: dict[str, Counter] = {"dep": Counter(), "pos": Counter(), "branch": Counter()}
    for example in examples:
        tokens = example.analysis.tokens
        counts["dep"].update(t.dep for t in tokens)
        counts["pos"].update(t.pos for t in tokens)
        counts["branch"].update(cue_branches(tokens, _strong(tokens, lexicon)))
    sizes = dict(zip(("dep", "pos", "branch"), FEATURE_SIZES[2:], strict=True))
    return Vocabulary(
        **{
            name: {value: k + 1 for k, (value, _) in enumerate(counter.most_common(sizes[name] - 1))}
            for name, counter in counts.items()
        }
    )


def _strong(tokens, lexicon: Lexicon) -> list[bool]:
    return [lexicon.bucket(t.lemma) in ("mid", "high") for t in tokens]


def prepare(examples: Sequence, lexicon: Lexicon, vocabulary: Vocabulary, tokenizer, lower) -> Prepared:
    """Inputs, labels and frozen lower-layer states of every training sentence."""
    import torch

    inputs, labels, document = [], [], []
    for n, example in enumerate(examples):
        roles = [
            (label, pieces, k)
            for k, g in enumerate(example.gold)
            for label, pieces in (("CUE", g.cue), ("SOURCE", g.source), ("CONTENT", g.content))
            if pieces
        ]
        sentences, found = transformer_inputs(
            example.text, example.analysis, lexicon, vocabulary, tokenizer, find_quoted_spans(example.text)
        )
        for ids, unit in zip(sentences, found, strict=True):
            tags = gold_tags(example.analysis.tokens, ids, roles)
            inputs.append(unit)
            labels.append(np.array([LABELS.index(t) for t in tags], dtype=np.int64))
            document.append(n)
    states: dict[int, np.ndarray] = {}
    with torch.no_grad():
        for rows in _batches(inputs, 64):
            ids, mask, _ = padded([inputs[k] for k in rows])
            hidden = lower(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
            for r, k in enumerate(rows):
                states[k] = hidden[r, : len(inputs[k].wordpieces)].astype(np.float16)
    return Prepared(
        inputs=inputs, labels=labels, document=document, states=[states[k] for k in range(len(inputs))]
    )


def _batches(inputs: Sequence[UnitInput], size: int, *, rng: random.Random | None = None) -> list[list[int]]:
    """Indexes in batches of similar length (little padding), in random order when training
    (with `rng`)."""
    order = sorted(range(len(inputs)), key=lambda k: len(inputs[k].wordpieces))
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def _tensors(prepared: Prepared, rows: Sequence[int]):
    import torch

    batch = [prepared.inputs[k] for k in rows]
    ids, mask, facts = padded(batch)
    hidden = np.zeros((len(rows), ids.shape[1], prepared.states[rows[0]].shape[1]), dtype=np.float32)
    target = np.full(ids.shape, -100, dtype=np.int64)  # -100: not scored
    for r, k in enumerate(rows):
        state = prepared.states[k]
        hidden[r, : len(state)] = state
        kept = batch[r].first >= 0
        target[r, batch[r].first[kept]] = prepared.labels[k][kept]
    return (
        torch.from_numpy(hidden),
        torch.from_numpy(mask),
        torch.from_numpy(facts),
        torch.from_numpy(target),
    )


def train_head(
    base, prepared: Prepared, chosen: Sequence[int], *, epochs: int | None = None, seed: int = SEED
):
    """Fine-tune the upper layers on the sentences `chosen` (indexes into `prepared`)."""
    import torch

    epochs = epochs or EPOCHS
    from storyline.quotes.torch_model import AttributionHead

    torch.manual_seed(seed)
    rng = random.Random(seed)
    head = AttributionHead(base, CUT).train()
    layers = list(head.layers.parameters())
    rest = [p for name, p in head.named_parameters() if not name.startswith("layers.")]
    optimizer = torch.optim.AdamW(
        [{"params": layers, "lr": LAYER_RATE}, {"params": rest, "lr": HEAD_RATE}], weight_decay=0.01
    )
    subset = [prepared.inputs[k] for k in chosen]
    steps = epochs * math.ceil(len(subset) / BATCH)
    warmup = max(1, int(0.06 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps)
    )
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(epochs):
        total, started = 0.0, time.perf_counter()
        batches = _batches(subset, BATCH, rng=rng)
        for rows in batches:
            hidden, mask, facts, target = _tensors(prepared, [chosen[k] for k in rows])
            loss = loss_of(head(hidden, mask, facts).reshape(-1, len(LABELS)), target.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += loss.item()
        log.info(
            "epoch %d: loss %.4f (%.0f s)",
            epoch + 1,
            total / max(1, len(batches)),
            time.perf_counter() - started,
        )
    return head.eval()


def head_probabilities(head, prepared: Prepared, chosen: Sequence[int]) -> dict[int, np.ndarray]:
    """Per sentence index in `chosen`, (tokens, labels) probabilities."""
    import torch

    out = {}
    subset = [prepared.inputs[k] for k in chosen]
    with torch.no_grad():
        for rows in _batches(subset, 64):
            picked = [chosen[k] for k in rows]
            hidden, mask, facts, _ = _tensors(prepared, picked)
            probabilities = torch.softmax(head(hidden, mask, facts), dim=-1).numpy()
            for r, k in enumerate(picked):
                out[k] = token_probabilities(probabilities[r], prepared.inputs[k])
    return out


def save_head(head, lower, vocabulary: Vocabulary, probe: UnitInput, directory: Path, record: dict) -> dict:
    """Write the fine-tuned part (float16) and its record, with the probe's probabilities that
    the export must reproduce."""
    import torch
    from safetensors.torch import save_file

    weights, meta_file = shipped_files(directory)
    directory.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in head.state_dict().items()}
    save_file(state, str(weights))
    head.load_state_dict({k: v.float() for k, v in state.items()})  # the probe sees float16 weights
    ids, mask, facts = (torch.from_numpy(a) for a in padded([probe]))
    with torch.no_grad():
        probabilities = torch.softmax(head(lower(ids, mask), mask, facts), dim=-1)[0].numpy()
    meta = {
        **record,
        "model": MODEL_NAME,
        "labels": list(LABELS),
        "model_bytes": weights.stat().st_size,
        "cut": CUT,
        "vocabulary": {"dep": vocabulary.dep, "pos": vocabulary.pos, "branch": vocabulary.branch},
        "probe": {
            "wordpieces": probe.wordpieces.tolist(),
            "first": probe.first.tolist(),
            "facts": probe.facts.tolist(),
            "probabilities": np.round(token_probabilities(probabilities, probe), 5).tolist(),
        },
    }
    meta_file.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", "utf-8")
    return meta


def load_training_base():
    """MiniLM (from its package when installed) and its frozen lower layers."""
    from tokenizers import Tokenizer

    from storyline.quotes.torch_model import LowerLayers, load_base

    name = base_model_name()
    base = load_base(name)
    tokenizer = (
        Tokenizer.from_file(str(Path(name) / "tokenizer.json"))
        if Path(name).is_dir()
        else Tokenizer.from_pretrained(name)
    )
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return base, LowerLayers(base, CUT).eval(), tokenizer
