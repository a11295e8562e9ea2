"""One utterance reported by several outlets: quotes linked across articles into groups.

Outlets quote the same words differently: in part ("grateful to my Chinese counterpart" inside
the whole tweet), with other punctuation or spelling, or in another translation ("add fuel to
the fire" / "add oil to the fire"). Two quoted passages from different articles are the same
utterance when their speakers agree and their words match closely (rapidfuzz `ratio`), or the
shorter one, long enough to be distinctive, sits inside the longer (`partial_ratio`).

Two different things one person said must never merge. Pairs are joined strongest first, and a
join that would put two passages of one article into one group is refused: an article does not
report the same utterance twice, so such a join can only chain two utterances through a short
common phrase.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from storyline.config import DEFAULTS
from storyline.entities import normalize_name
from storyline.models import Quote, quote_words

GROUPS_VERSION = "quote-groups-1"
_GROUPED_KINDS = frozenset({"direct", "mixed"})
_PUNCTUATION = re.compile(r"[^\w\s]")


def _normalized(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


def _spoken_words(quote: Quote) -> str:
    """The words the speaker said: a mixed quote's quoted fragments (the clause around them is
    the outlet's), else the quote's words without the attribution that interrupts them."""
    words = quote_words(quote)
    if quote.kind == "mixed":
        fragments = _QUOTED.findall(words)
        if fragments:
            return " ".join(fragments)
    return words


def _speaker_key(quote: Quote) -> str | None:
    if quote.speaker_entity_id:
        return quote.speaker_entity_id
    return normalize_name(quote.speaker).lower() if quote.speaker else None


def _similarity(a: str, b: str) -> float:
    """How surely two normalized passages are the same words: 0 when they are not."""
    # With score_cutoff rapidfuzz returns the same score, or 0 below the cutoff, and stops
    # early: partial_ratio of two long passages far apart is ten times faster.
    whole = fuzz.ratio(a, b, score_cutoff=DEFAULTS.quotes.whole_similarity)
    if whole >= DEFAULTS.quotes.whole_similarity:
        return whole
    shorter = a if len(a) <= len(b) else b
    if len(shorter.split()) >= DEFAULTS.quotes.part_min_words:
        part = fuzz.partial_ratio(a, b, score_cutoff=DEFAULTS.quotes.part_similarity)
        if part >= DEFAULTS.quotes.part_similarity:
            return part - 1.0  # a whole match outranks a part of the same strength
    return 0.0


def _candidates(
    members: Sequence[int], texts: Sequence[str], quotes: Sequence[Quote]
) -> list[tuple[int, int]]:
    """Pairs of one speaker's quotes from different articles worth scoring: those sharing two
    three-word runs (one, for passages that have only one or two; the same words, for shorter
    ones). Two passages that match closely, or a part of five words inside a whole, always do.
    Scoring every pair instead grows with the square of a prolific speaker's quotes (2,000
    quotes of one company: 2 million comparisons)."""
    index: dict[tuple[str, ...] | str, list[int]] = {}
    runs: dict[int, int] = {}
    keys: set[tuple[str, ...] | str]
    for i in members:
        words = texts[i].split()
        keys = {tuple(words[k : k + 3]) for k in range(len(words) - 2)} or {texts[i]}
        runs[i] = len(keys)
        for key in keys:
            index.setdefault(key, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for sharing in index.values():
        if len(sharing) > DEFAULTS.quotes.max_sharing:  # a run this common ("the oil spill") links nothing
            continue
        for position, i in enumerate(sharing):
            for j in sharing[position + 1 :]:
                if quotes[i].article_id != quotes[j].article_id:
                    shared[(i, j) if i < j else (j, i)] += 1
    return [pair for pair, count in shared.items() if count >= min(2, runs[pair[0]], runs[pair[1]])]


def group_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes, in the same order, with `group_id` set on those that one or more other
    articles also report; quotes reported once keep `group_id` None."""
    texts = [_normalized(_spoken_words(q)) for q in quotes]
    speakers = [_speaker_key(q) for q in quotes]
    by_speaker: dict[str | None, list[int]] = {}
    for index, quote in enumerate(quotes):
        if quote.kind in _GROUPED_KINDS and speakers[index] is not None:
            by_speaker.setdefault(speakers[index], []).append(index)
    pairs = [
        (score, i, j)
        for members in by_speaker.values()
        for i, j in _candidates(members, texts, quotes)
        if (score := _similarity(texts[i], texts[j]))
    ]
    parent = list(range(len(quotes)))
    articles = [{q.article_id} for q in quotes]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        ri, rj = root(i), root(j)
        if ri == rj or articles[ri] & articles[rj]:
            continue
        parent[rj] = ri
        articles[ri] |= articles[rj]
    members: dict[int, list[int]] = {}
    for index in range(len(quotes)):
        members.setdefault(root(index), []).append(index)
    group_of: dict[int, str] = {}
    for indexes in members.values():
        if len(indexes) > 1:
            key = ",".join(sorted(quotes[i].id for i in indexes))
            group_id = "qg-" + hashlib.sha1(key.encode()).hexdigest()[:10]
            group_of.update(dict.fromkeys(indexes, group_id))
    return [replace(q, group_id=group_of[i]) if i in group_of else q for i, q in enumerate(quotes)]
