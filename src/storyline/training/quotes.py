"""Train the attribution tagger on PolNeAR's train split: `storyline train quotes DATA_DIR`.

Two models, in order: the transformer (`storyline.training.transformer`), fine-tuned on all of train
and, for the CRF's sake, once more per fold on the other folds; then the CRF, over the parse and
the probabilities of the fold transformers that never saw the sentence (so it learns how far to
trust them on unseen text). Reproducible: the documents are read in name order, the parse is
spaCy's (itself deterministic), the transformer's training is seeded, and L-BFGS training of the
CRF has no random state. Writes `quotes-crf.bin` and `quotes-crf.json` (the cue lexicon, the
training settings, the model's size and training time) and `quotes-transformer.safetensors` and
`quotes-transformer.json` into the package's `data/` folder unless told otherwise.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.config import DEFAULTS
from storyline.models import Analysis
from storyline.quotes.extract import find_quoted_spans
from storyline.quotes.tagger import (
    MODEL_NAME,
    Lexicon,
    gold_tags,
    model_dir,
    probability_features,
    token_values,
    unit_features,
    units,
)

log = logging.getLogger(__name__)

# Chosen on a held-out tenth of train (documents whose index is divisible by 10), never on dev.
C1, C2, MAX_ITERATIONS, MIN_CUE_COUNT, FOLDS = 0.5, 0.01, 100, 2, 2


@dataclass(frozen=True, slots=True)
class Example:
    """One parsed training document with its gold attributions."""

    name: str
    text: str
    analysis: Analysis
    gold: tuple  # of storyline.evaluate.quotes.Attribution


def learn_lexicon(examples: Iterable[Example], *, min_count: int = MIN_CUE_COUNT) -> Lexicon:
    """The share of each lemma's occurrences that lie inside a gold cue."""
    seen: Counter[str] = Counter()
    as_cue: Counter[str] = Counter()
    for example in examples:
        cues = sorted(piece for g in example.gold for piece in g.cue)
        for t in example.analysis.tokens:
            lemma = t.lemma.lower()
            seen[lemma] += 1
            if any(s < t.end and t.start < e for s, e in cues):
                as_cue[lemma] += 1
    return Lexicon(
        cue_rate={lemma: round(n / seen[lemma], 4) for lemma, n in sorted(as_cue.items()) if n >= min_count}
    )


def sequences(
    example: Example, lexicon: Lexicon, probabilities: Sequence
) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO tags) of each sentence of one training document; `probabilities` are the
    transformer's, per sentence, from a transformer that did not train on this document."""
    quoted = find_quoted_spans(example.text)
    roles = [
        (label, pieces, n)
        for n, g in enumerate(example.gold)
        for label, pieces in (("CUE", g.cue), ("SOURCE", g.source), ("CONTENT", g.content))
        if pieces
    ]
    out = []
    values = token_values(example.text, example.analysis, lexicon, quoted)
    for ids, found in zip(units(example.text, example.analysis), probabilities, strict=True):
        rows = [a + b for a, b in zip(unit_features(values, ids), probability_features(found), strict=True)]
        out.append((rows, gold_tags(example.analysis.tokens, ids, roles)))
    return out


def train_transformer(
    examples: Sequence[Example], lexicon: Lexicon, directory: Path, folds: int = FOLDS
) -> tuple[dict, list[list]]:
    """Fine-tune the transformer on all examples and write it into `directory`; also return,
    per example and sentence, the probabilities of a transformer trained on the other folds
    (what the CRF learns to read: the shipped one has seen every training sentence)."""
    from storyline.training import transformer as tt

    started = time.perf_counter()
    vocabulary = tt.learn_vocabulary(examples, lexicon)
    base, lower, tokenizer = tt.load_training_base()
    prepared = tt.prepare(examples, lexicon, vocabulary, tokenizer, lower)
    log.info("prepared %d sentences in %.0f s", len(prepared.inputs), time.perf_counter() - started)
    held_out: dict[int, object] = {}
    for fold in range(folds):
        chosen = [k for k, n in enumerate(prepared.document) if n % folds != fold]
        rest = [k for k, n in enumerate(prepared.document) if n % folds == fold]
        held_out.update(tt.head_probabilities(tt.train_head(base, prepared, chosen), prepared, rest))
        log.info("fold %d of %d trained", fold + 1, folds)
    head = tt.train_head(base, prepared, list(range(len(prepared.inputs))))
    record = tt.save_head(
        head,
        lower,
        vocabulary,
        prepared.inputs[0],
        directory,
        {
            "documents": len(examples),
            "sentences": len(prepared.inputs),
            "folds": folds,
            "settings": {
                "epochs": tt.EPOCHS,
                "batch": tt.BATCH,
                "layer_rate": tt.LAYER_RATE,
                "head_rate": tt.HEAD_RATE,
                "seed": tt.SEED,
            },
            "training_seconds": round(time.perf_counter() - started, 1),
        },
    )
    per_example: list[list] = [[] for _ in examples]
    for k, n in enumerate(prepared.document):
        per_example[n].append(held_out[k])
    return record, per_example


def train_tagger(
    examples: Sequence[Example],
    directory: Path,
    *,
    c1: float = C1,
    c2: float = C2,
    max_iterations: int = MAX_ITERATIONS,
) -> dict:
    """Train the transformer, then the CRF over its held-out probabilities, and write both and
    the cue lexicon into `directory`."""
    import pycrfsuite

    started = time.perf_counter()
    lexicon = learn_lexicon(examples)
    transformer, probabilities = train_transformer(examples, lexicon, directory)
    trainer = pycrfsuite.Trainer(verbose=False)
    for example, found in zip(examples, probabilities, strict=True):
        for rows, tags in sequences(example, lexicon, found):
            trainer.append(rows, tags)
    trainer.set_params(
        {"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True}
    )
    directory.mkdir(parents=True, exist_ok=True)
    model = directory / f"{MODEL_NAME}.bin"
    trainer.train(str(model))
    meta = {
        "model": MODEL_NAME,
        "documents": len(examples),
        "settings": {"c1": c1, "c2": c2, "max_iterations": max_iterations, "min_cue_count": MIN_CUE_COUNT},
        "training_seconds": round(time.perf_counter() - started, 1),
        "model_bytes": model.stat().st_size,
        "transformer": {k: transformer[k] for k in ("model", "model_bytes", "training_seconds")},
        "cue_rate": lexicon.cue_rate,
    }
    (directory / f"{MODEL_NAME}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", "utf-8")
    return meta


def parse_examples(data_dir: str | Path, split: str = "train") -> list[Example]:
    """PolNeAR documents of one split, parsed with storyline's spaCy pipeline."""
    from storyline import nlp
    from storyline.clean import article_id
    from storyline.evaluate.quotes import read_polnear

    documents = read_polnear(data_dir, split)
    pipeline = nlp.spacy_pipeline()
    docs = pipeline.pipe((d.text for d in documents), batch_size=DEFAULTS.models.parse_batch_size)
    return [
        Example(
            name=d.name, text=d.text, gold=d.gold, analysis=nlp.analysis_from_doc(article_id(d.text), doc)
        )
        for d, doc in zip(documents, docs, strict=True)
    ]


def train_quotes(data_dir: str | Path, directory: str | Path | None = None) -> dict:
    """Parse PolNeAR train and train the shipped tagger on it; returns the model's record."""
    examples = parse_examples(data_dir, "train")
    log.info("parsed %d training documents", len(examples))
    return train_tagger(examples, Path(directory) if directory else model_dir())


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m storyline.training.quotes POLNEAR_DIR [OUT_DIR]")
    print(json.dumps({k: v for k, v in train_quotes(*sys.argv[1:]).items() if k != "cue_rate"}))
