"""Benchmark: quote and attribution extraction on PolNeAR dev, beside textacy.

Parses the dev split once with storyline's spaCy pipeline (not timed), then times, over the same
parses, each best of 3 passes:
  1. storyline's `extract_all_quotes` (the attribution transformer, the CRF, the rules over the
     parse, speakers), and within it the transformer alone;
  2. textacy's `direct_quotations` (direct quotes only; it bails out on documents with an
     unclosed quotation mark).
Prints quotes/s and articles/s of each. Run from the project root:
    .venv/bin/python bench/bench_quotes.py [--data ../shared/data/polnear]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

PASSES = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear")
    )
    args = parser.parse_args()

    from textacy.extract.triples import direct_quotations

    from storyline import nlp
    from storyline.clean import article_id
    from storyline.entities import merge_entities
    from storyline.evaluate.quotes import read_polnear
    from storyline.models import Article
    from storyline.quotes import tagger as attribution
    from storyline.quotes import transformer as attribution_transformer
    from storyline.quotes.extract import extract_all_quotes

    documents = read_polnear(args.data, "dev")
    pipeline = nlp.spacy_pipeline()
    docs = list(pipeline.pipe((d.text for d in documents), batch_size=16))
    articles = [Article(id=article_id(d.text), source=d.name, text=d.text) for d in documents]
    entities, analyses = merge_entities(
        [nlp.analysis_from_doc(a.id, doc) for a, doc in zip(articles, docs, strict=True)]
    )
    by_id = {a.article_id: a for a in analyses}
    names = {e.id: e.name for e in entities}
    kinds = {e.id: e.type for e in entities}
    attribution.load_tagger()  # loaded (and exported if need be) before timing

    spent = {"transformer": 0.0}
    original = attribution_transformer.Transformer.probabilities

    def timed(self, inputs, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, inputs, **kwargs)
        finally:
            spent["transformer"] += time.perf_counter() - started

    attribution_transformer.Transformer.probabilities = timed
    ours, ours_best, transformer_best = [], float("inf"), float("inf")
    for _ in range(PASSES):
        spent["transformer"] = 0.0
        started = time.perf_counter()
        ours = extract_all_quotes(articles, by_id, names, entity_types=kinds)
        ours_best = min(ours_best, time.perf_counter() - started)
        transformer_best = min(transformer_best, spent["transformer"])
    attribution_transformer.Transformer.probabilities = original

    theirs, theirs_best = 0, float("inf")
    for _ in range(PASSES):
        found = 0
        started = time.perf_counter()
        for doc in docs:
            try:
                found += len(list(direct_quotations(doc)))
            except ValueError:  # an unclosed quotation mark
                pass
        theirs_best = min(theirs_best, time.perf_counter() - started)
        theirs = found

    sentences = sum(len(a.sentences) for a in analyses)
    print(f"PolNeAR dev: {len(articles)} articles, {sentences} sentences; best of {PASSES} passes")
    print("| extractor | time | quotes | quotes/s | articles/s |")
    print("|---|---|---|---|---|")
    print(
        f"| storyline (all attributions) | {ours_best:.2f} s | {len(ours)} | "
        f"{len(ours) / ours_best:.0f} | {len(articles) / ours_best:.1f} |"
    )
    print(
        f"| of which the transformer | {transformer_best:.2f} s | | | "
        f"{sentences / transformer_best:.0f} sentences/s |"
    )
    print(
        f"| textacy direct_quotations | {theirs_best:.2f} s | {theirs} | "
        f"{theirs / theirs_best:.0f} | {len(articles) / theirs_best:.1f} |"
    )


if __name__ == "__main__":
    main()
