"""Choose `ClaimSettings.same_words` by leave-one-topic-out over judged pairs of sentences.

`bench/claims/same_claim_pairs.jsonl` holds pairs of sentences of two articles of one event in
the four development batches (`storyline.evaluate.trust.trust_batches`), aligned by embedding
(cosine >= 0.68) and whose cores agree (`storyline.sameness.cores_agree`), each judged by hand:
`same` when both state one claim, not only one topic. Each sentence is kept as its batch line
(`where`), a digest of its words and a short snippet, as the audit set keeps them: the source
text stays in `../shared`, never in the project. For each held-out topic, the thresholds
on embedding cosine and TF-IDF cosine (`words`) are chosen on the other three: the highest
recall at a precision of at least 0.95, the lowest thresholds on a tie. The held-out topic's
precision and recall are printed, then the choice on all four topics.

    python scripts/tune_claims.py bench/claims/same_claim_pairs.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

COSINES = (0.68, 0.70, 0.72, 0.75, 0.78, 0.80, 0.82, 0.85)
WORDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
FLOOR = 0.95


def _score(pairs: list[dict], cosine: float, words: float) -> tuple[float, float, int]:
    chosen = [p for p in pairs if p["cosine"] >= cosine and p["words"] >= words]
    right = sum(p["same"] for p in chosen)
    same = sum(p["same"] for p in pairs)
    return (right / len(chosen) if chosen else 1.0), (right / same if same else 1.0), len(chosen)


def _choose(pairs: list[dict]) -> tuple[float, float]:
    def key(setting: tuple[float, float]) -> tuple:
        precision, recall, _ = _score(pairs, *setting)
        return (precision >= FLOOR, recall if precision >= FLOOR else precision, -setting[0], -setting[1])

    return max(itertools.product(COSINES, WORDS), key=key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path)
    pairs = [json.loads(line) for line in parser.parse_args().pairs.read_text("utf-8").splitlines()]
    for topic in sorted({p["story"] for p in pairs}):
        train = [p for p in pairs if p["story"] != topic]
        test = [p for p in pairs if p["story"] == topic]
        cosine, words = _choose(train)
        precision, recall, n = _score(test, cosine, words)
        print(
            f"{topic}: cosine >= {cosine}, words >= {words}; held out {n} chosen, "
            f"precision {precision:.2f}, recall {recall:.2f}"
        )
    cosine, words = _choose(pairs)
    precision, recall, n = _score(pairs, cosine, words)
    print(f"all topics: cosine >= {cosine}, words >= {words}; precision {precision:.2f}, recall {recall:.2f}")
    print(f"cores alone: precision {_score(pairs, 0.0, 0.0)[0]:.2f}")


if __name__ == "__main__":
    main()
