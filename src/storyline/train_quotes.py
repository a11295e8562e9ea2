"""Train the attribution tagger on PolNeAR's train split: `storyline train quotes DATA_DIR`.

Deterministic: the documents are read in name order, the parse is spaCy's (itself deterministic)
and L-BFGS training of the CRF has no random state. Writes `quotes-crf.bin` (the CRF) and
`quotes-crf.json` (the cue lexicon, the training settings, the model's size and training time)
into the package's `data/` folder unless told otherwise.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.attribution import (
    MODEL_NAME,
    Lexicon,
    gold_tags,
    model_dir,
    token_values,
    unit_features,
    units,
)
from storyline.models import Analysis
from storyline.quotes import find_quoted_spans

log = logging.getLogger(__name__)

# Chosen on a held-out tenth of train (documents whose index is divisible by 10), never on dev.
C1, C2, MAX_ITERATIONS, MIN_CUE_COUNT = 0.5, 0.01, 100, 2


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
    return Lexicon(cue_rate={lemma: round(n / seen[lemma], 4)
                             for lemma, n in sorted(as_cue.items()) if n >= min_count})


def sequences(example: Example, lexicon: Lexicon) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO tags) of each sentence of one training document."""
    quoted = find_quoted_spans(example.text)
    roles = [(label, pieces, n) for n, g in enumerate(example.gold)
             for label, pieces in (("CUE", g.cue), ("SOURCE", g.source), ("CONTENT", g.content))
             if pieces]
    out = []
    values = token_values(example.text, example.analysis, lexicon, quoted)
    for ids in units(example.text, example.analysis):
        rows = unit_features(values, ids)
        out.append((rows, gold_tags(example.analysis.tokens, ids, roles)))
    return out


def train_tagger(examples: Sequence[Example], directory: Path, *, c1: float = C1, c2: float = C2,
                 max_iterations: int = MAX_ITERATIONS) -> dict:
    """Train the CRF on the examples and write the model and its lexicon into `directory`."""
    import pycrfsuite

    started = time.perf_counter()
    lexicon = learn_lexicon(examples)
    trainer = pycrfsuite.Trainer(verbose=False)
    for example in examples:
        for rows, tags in sequences(example, lexicon):
            trainer.append(rows, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    directory.mkdir(parents=True, exist_ok=True)
    model = directory / f"{MODEL_NAME}.bin"
    trainer.train(str(model))
    meta = {
        "model": MODEL_NAME, "documents": len(examples),
        "settings": {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                     "min_cue_count": MIN_CUE_COUNT},
        "training_seconds": round(time.perf_counter() - started, 1),
        "model_bytes": model.stat().st_size,
        "cue_rate": lexicon.cue_rate,
    }
    (directory / f"{MODEL_NAME}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                                 "utf-8")
    return meta


def parse_examples(data_dir: str | Path, split: str = "train") -> list[Example]:
    """PolNeAR documents of one split, parsed with storyline's spaCy pipeline."""
    from storyline import nlp
    from storyline.clean import article_id
    from storyline.evaluate.quotes import read_polnear

    documents = read_polnear(data_dir, split)
    pipeline = nlp.spacy_pipeline()
    docs = pipeline.pipe((d.text for d in documents), batch_size=16)
    return [Example(name=d.name, text=d.text, gold=d.gold,
                    analysis=nlp.analysis_from_doc(article_id(d.text), doc))
            for d, doc in zip(documents, docs, strict=True)]


def train_quotes(data_dir: str | Path, directory: str | Path | None = None) -> dict:
    """Parse PolNeAR train and train the shipped tagger on it; returns the model's record."""
    examples = parse_examples(data_dir, "train")
    log.info("parsed %d training documents", len(examples))
    return train_tagger(examples, Path(directory) if directory else model_dir())


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m storyline.train_quotes POLNEAR_DIR [OUT_DIR]")
    print(json.dumps({k: v for k, v in train_quotes(*sys.argv[1:]).items() if k != "cue_rate"}))
