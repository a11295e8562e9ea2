"""Align statements across the articles of one event: consensus, unique, or conflict.

Sentences are aligned by embedding similarity (average-linkage clustering, never two sentences
of one article in a group). A group carried by two or more independent sources is `consensus`,
by one source `unique`. Without an NLI model (none ships its weights offline), a `conflict` is
found by two explicit tests on similar sentences from different sources: different figures for
the same unit ("40 percent" / "60 percent"), or opposite stance verbs with the same actor
("welcomed by Kyiv" / "rejected by Kyiv").
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import DEFAULTS
from storyline.entities import normalize_name
from storyline.models import Analysis, Article, ClaimGroup, ClaimStatus, Event, Span, Token

CLAIMS_VERSION = "claims-2"
_POSITIVE = frozenset("welcome support praise accept approve endorse back embrace hail applaud agree".split())
_NEGATIVE = frozenset(
    "reject criticize criticise oppose condemn dismiss refuse denounce deny decline disapprove".split()
)
_FIGURE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%|per\s*cent|percent|[a-z]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence of an event that may be a claim, with the independent source it counts for."""

    span: Span
    text: str
    outlet: str
    source_key: str  # the original's article id for a duplicate, so copies count once
    position: int  # the sentence's index in its article


@dataclass(frozen=True, slots=True)
class Statement:
    """A candidate with its embedding."""

    span: Span
    text: str
    outlet: str
    source_key: str
    vector: np.ndarray
    position: int = 0


def outlet_name(article: Article) -> str:
    return article.outlet or f"unnamed outlet ({article.source.rsplit('/', 1)[-1]})"


def candidate_sentences(
    event: Event,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    copy_of: Mapping[str, str],
    skip: frozenset[tuple[str, int]] = frozenset(),
) -> list[Candidate]:
    """The event's sentences that can carry a claim (long enough, not repeated in their article)."""
    found = []
    for article_id in event.article_ids:
        article = articles[article_id]
        for sent in analyses[article_id].sentences:
            text = article.text[sent.start : sent.end].strip()
            if len(text.split()) < DEFAULTS.claims.min_words or (article_id, sent.start) in skip:
                continue
            start = sent.start + article.text[sent.start : sent.end].index(text)
            found.append(
                Candidate(
                    span=Span(article_id=article_id, start=start, end=start + len(text)),
                    text=text,
                    outlet=outlet_name(articles[copy_of.get(article_id, article_id)]),
                    source_key=copy_of.get(article_id, article_id),
                    position=sent.index,
                )
            )
    return found


def needs_vector(
    candidates: Sequence[Candidate], *, lead: int = DEFAULTS.claims.lead_sentences
) -> list[bool]:
    """Which candidates to embed: the lead of each article (for the summary) and any sentence
    sharing words with another source's sentence (TF-IDF cosine >= DEFAULTS.claims.lexical_neighbour).

    A sentence with no lexical neighbour cannot align with another source, so it is `unique`
    without an embedding; on large corpora this skips most of the embedding work."""
    if not candidates:
        return []
    flags = [c.position < lead for c in candidates]
    sources = {c.source_key for c in candidates}
    if len(sources) < 2:
        return flags
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [c.text for c in candidates]
    )
    similar = (matrix @ matrix.T).tocoo()
    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        if (
            value >= DEFAULTS.claims.lexical_neighbour
            and candidates[i].source_key != candidates[j].source_key
        ):
            flags[i] = True
    return flags


def statements_of(candidates: Sequence[Candidate], vectors: Sequence[np.ndarray | None]) -> list[Statement]:
    """Pair each embedded candidate with its vector."""
    return [
        Statement(
            span=c.span, text=c.text, outlet=c.outlet, source_key=c.source_key, vector=v, position=c.position
        )
        for c, v in zip(candidates, vectors, strict=True)
        if v is not None
    ]


def align_claims(
    event: Event,
    statements: Sequence[Statement],
    analyses: Mapping[str, Analysis],
    loners: Sequence[Candidate] = (),
) -> list[ClaimGroup]:
    """Group the event's statements across sources and label each group; `loners` (sentences
    with no lexical neighbour in another source) are unique claims as they are."""
    singles = [_claim(event, [c], "unique", None) for c in loners]
    if not statements:
        return singles
    labels = _align(statements)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    conflicts = _conflicts(statements, analyses)
    merged: dict[int, set[int]] = {}
    notes: dict[int, str] = {}
    disputed: dict[int, list[int]] = {}  # the statements that disagree, first in their claim
    for a, b, note in conflicts:
        la, lb = labels[a], labels[b]
        target = min(la, lb)
        merged.setdefault(target, set()).update(groups[la] + groups[lb])
        notes[target] = note
        disputed.setdefault(target, []).extend(i for i in (a, b) if i not in disputed[target])
        groups[max(la, lb)] = [] if la != lb else groups[la]
    for label, together in merged.items():
        groups[label] = sorted(together)
    claims = []
    for label, members in groups.items():
        if not members:
            continue
        items = [statements[i] for i in members]
        sources = {s.source_key for s in items}
        status: ClaimStatus = "conflict" if label in notes else "consensus" if len(sources) >= 2 else "unique"
        lead = [statements[i] for i in disputed.get(label, [])]
        claims.append(_claim(event, items, status, notes.get(label), lead=lead))
    claims.extend(singles)
    order = {"conflict": 0, "consensus": 1, "unique": 2}
    claims.sort(key=lambda c: (order[c.status], -len(c.outlets), c.cites[0].article_id, c.cites[0].start))
    return claims


def _align(statements: Sequence[Statement]) -> list[int]:
    n = len(statements)
    if n == 1:
        return [1]
    matrix = np.stack([s.vector for s in statements])
    distance = 1.0 - np.clip(matrix @ matrix.T, -1.0, 1.0)
    article = np.array([s.span.article_id for s in statements])
    distance[article[:, None] == article[None, :]] = 2.0
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return [int(x) for x in fcluster(tree, t=1.0 - DEFAULTS.claims.align_similarity, criterion="distance")]


def _claim(
    event: Event,
    items: Sequence[Statement | Candidate],
    status: ClaimStatus,
    note: str | None,
    lead: Sequence[Statement] = (),
) -> ClaimGroup:
    """A claim over `items`; the statements in `lead` (those that disagree, for a conflict) come
    first, so that the claim's text and first cites are the ones that disagree."""
    items = sorted(items, key=lambda s: (s.span.article_id, s.span.start))
    key = ",".join(f"{s.span.article_id}:{s.span.start}" for s in items)
    lead_spans = {s.span for s in lead}
    ordered = [*lead, *(s for s in items if s.span not in lead_spans)]
    return ClaimGroup(
        id="c-" + hashlib.sha1(key.encode()).hexdigest()[:10],
        event_id=event.id,
        status=status,
        text=ordered[0].text,
        outlets=tuple(sorted({s.outlet for s in items})),
        cites=tuple(s.span for s in ordered),
        note=note,
    )


def _conflicts(
    statements: Sequence[Statement], analyses: Mapping[str, Analysis]
) -> list[tuple[int, int, str]]:
    matrix = np.stack([s.vector for s in statements])
    similar = matrix @ matrix.T
    # Each article's token starts (in text order) and tokens by index, made once rather than
    # once per statement: a statement's tokens are then a bisection away.
    lookups = {
        aid: ([t.start for t in analyses[aid].tokens], {t.i: t for t in analyses[aid].tokens})
        for aid in {s.span.article_id for s in statements}
    }
    stances = [_stances(s, analyses[s.span.article_id], *lookups[s.span.article_id]) for s in statements]
    figures = [_figures(s.text) for s in statements]
    found = []
    for i in range(len(statements)):
        for j in range(i + 1, len(statements)):
            a, b = statements[i], statements[j]
            if a.source_key == b.source_key or similar[i, j] < DEFAULTS.claims.conflict_similarity:
                continue
            note = _figure_conflict(figures[i], figures[j], a, b) or _stance_conflict(
                stances[i], stances[j], a, b
            )
            if note:
                found.append((i, j, note))
    return found


def _figures(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for number, unit in _FIGURE.findall(text):
        unit = "percent" if unit.lower().replace(" ", "") in ("%", "percent") else unit.lower()
        found.setdefault(unit, set()).add(number.replace(",", ""))
    return found


def _figure_conflict(fa, fb, a: Statement, b: Statement) -> str | None:
    for unit in ("percent",) + tuple(u for u in fa if u != "percent" and len(u) > 3):
        if (
            unit in fa
            and unit in fb
            and not fa[unit] & fb[unit]
            and float(max(fa[unit] | fb[unit], key=float)) < 10000
        ):
            return (
                f"{a.outlet} reports {'/'.join(sorted(fa[unit]))} {unit}; "
                f"{b.outlet} reports {'/'.join(sorted(fb[unit]))} {unit}"
            )
    return None


def _stances(
    statement: Statement, analysis: Analysis, starts: Sequence[int], by_index: Mapping[int, Token]
) -> dict[str, tuple[str, str, str]]:
    """actor -> (sign, verb, actor as written) for stance verbs ("welcomed", "rejected") whose
    subject or agent names an actor; the actor is its entity id, or the proper noun itself when
    the recognizer missed it. `starts` are the tokens' start offsets, `by_index` the tokens by
    index."""
    span = statement.span
    first = bisect.bisect_left(starts, span.start)
    tokens = list(analysis.tokens[first : bisect.bisect_left(starts, span.end, lo=first)])
    mentions = [m for m in analysis.mentions if span.start <= m.start < span.end and m.entity_id]
    stances: dict[str, tuple[str, str, str]] = {}
    for verb in tokens:
        lemma = verb.lemma.lower()
        if lemma not in _POSITIVE and lemma not in _NEGATIVE:
            continue
        sign = "+" if lemma in _POSITIVE else "-"
        for actor in _actors(verb, tokens, by_index):
            written = statement.text[actor.start - span.start : actor.end - span.start]
            value = (sign, statement.text[verb.start - span.start : verb.end - span.start], written)
            mention = next((m for m in mentions if m.start <= actor.start < m.end), None)
            # Keyed by entity and by name, so a mention the recognizer missed elsewhere still meets.
            if mention is not None and mention.entity_id:  # always set: `mentions` keeps only those
                stances[mention.entity_id] = value
                stances[normalize_name(mention.text).lower()] = value
            elif actor.pos == "PROPN":
                stances[written.lower()] = value
    return stances


def _actors(verb, tokens, by_index):
    """The subject of an active stance verb or the agent of a passive one, with conjuncts."""
    heads = []
    for token in tokens:
        if token.dep == "nsubj" and token.head == verb.i:
            heads.append(token)
        elif (
            token.dep == "pobj"
            and by_index[token.head].dep == "agent"
            and by_index[token.head].head == verb.i
        ):
            heads.append(token)
    found = list(heads)
    for token in tokens:
        if token.dep == "conj" and any(token.head == h.i for h in found):
            found.append(token)
    return found


def _stance_conflict(sa, sb, a: Statement, b: Statement) -> str | None:
    for actor, (sign, verb, written) in sa.items():
        if actor in sb and sb[actor][0] != sign:
            return f"{a.outlet}: {written}, {verb}; {b.outlet}: {sb[actor][2]}, {sb[actor][1]}"
    return None
