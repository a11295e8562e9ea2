"""Find exact and near-duplicate articles (MinHash LSH) and sentences repeated inside one article.

A duplicate is kept and marked with the article it copies, so it is not counted twice as a source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from storyline.config import DEFAULTS
from storyline.models import Analysis, Article, Duplicate, Span

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _minhash(words: Sequence[str]) -> MinHash:
    minhash = MinHash(num_perm=DEFAULTS.dedup.minhash_permutations, seed=1)
    shingles = {
        " ".join(words[i : i + DEFAULTS.dedup.shingle_words])
        for i in range(max(1, len(words) - DEFAULTS.dedup.shingle_words + 1))
    }
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash


def _original_first(article: Article) -> tuple:
    # The earliest-published copy is the original; undated copies come after dated ones.
    return (article.published is None, article.published or "", article.source)


def find_duplicates(
    articles: Sequence[Article], *, threshold: float = DEFAULTS.dedup.near_duplicate_threshold
) -> list[Duplicate]:
    """Mark every article that copies an earlier one, exactly or nearly (Jaccard >= threshold)."""
    ordered = sorted(articles, key=_original_first)
    lsh = MinHashLSH(threshold=threshold, num_perm=DEFAULTS.dedup.minhash_permutations)
    exact: dict[str, str] = {}
    hashes: dict[str, MinHash] = {}
    duplicates: list[Duplicate] = []
    for article in ordered:
        words = _words(article.text)
        key = " ".join(words)
        if key in exact:
            duplicates.append(
                Duplicate(article_id=article.id, duplicate_of=exact[key], similarity=1.0, kind="exact")
            )
            continue
        minhash = _minhash(words)
        candidates = [c for c in lsh.query(minhash) if c != article.id]
        if candidates:
            best = max(candidates, key=lambda c: minhash.jaccard(hashes[c]))
            similarity = minhash.jaccard(hashes[best])
            if similarity >= threshold:
                duplicates.append(
                    Duplicate(
                        article_id=article.id, duplicate_of=best, similarity=round(similarity, 3), kind="near"
                    )
                )
                exact[key] = best  # a later exact copy of this copy points to the original
                continue
        exact[key] = article.id
        if article.id not in hashes:
            hashes[article.id] = minhash
            lsh.insert(article.id, minhash)
    return duplicates


def repeated_sentences(article: Article, analysis: Analysis) -> list[Span]:
    """Sentences that repeat an earlier sentence of the same article (scraper or layout echoes)."""
    seen: set[str] = set()
    repeats: list[Span] = []
    for sent in analysis.sentences:
        key = " ".join(_words(article.text[sent.start : sent.end]))
        if len(key.split()) < 4:
            continue
        if key in seen:
            repeats.append(Span(article_id=article.id, start=sent.start, end=sent.end))
        seen.add(key)
    return repeats
