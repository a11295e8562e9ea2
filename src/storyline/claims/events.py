"""Align statements across the articles of one event: consensus, unique, or conflict.

Sentences are aligned by embedding similarity (average-linkage clustering, never two sentences
of one article in a group). A group carried by two or more independent sources is `consensus`,
by one source `unique`. Without an NLI model (none ships its weights offline), a `conflict` is
found by three explicit tests on statements from different sources: different figures for the
same measure of the same thing, read from the parse ("40 percent of the river's flow" / "60
percent of the Tarn's flow"; not "57 days since the explosion" / "58 days after the leak
began"); opposite stance verbs with the same actor ("welcomed by Kyiv" / "rejected by Kyiv"); or
one utterance (a quote group, `storyline.quotes.groups`) dated to different days.

Independence. Sources are compared by outlet: the outlet's normalized name, else the host of
the article's URL. Two articles of one outlet (updates, follow-ups) and a syndicated copy
(`storyline.dedup`) count once. Articles with neither outlet nor URL could all come from one
outlet, so together they count as one source ("unnamed outlet"): such an article adds a second
source to one named outlet, never to another unnamed article. A conflict needs two different
articles that are not copies of each other and not of one named outlet (an outlet revising its
own figure is an update, not a disagreement).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline import sameness
from storyline.config import DEFAULTS
from storyline.entities import normalize_name
from storyline.models import (
    Analysis,
    Article,
    ClaimGroup,
    ClaimStatus,
    Event,
    Quote,
    Span,
    TimeExpression,
    Token,
)

CLAIMS_VERSION = "claims-7"  # 7: a story aligned a pair of events at a time (stories.align_pair)
_POSITIVE = frozenset("welcome support praise accept approve endorse back embrace hail applaud agree".split())
_NEGATIVE = frozenset(
    "reject criticize criticise oppose condemn dismiss refuse denounce deny decline disapprove".split()
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PERCENT = frozenset({"%", "percent", "per cent", "pct"})
_CURRENCY = frozenset("$ € £ ¥".split())
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
_RELATIVE = frozenset({"that", "which", "who", "whom"})
_RELATIVE_TIME = frozenset({"ago", "later", "earlier"})
# Prepositions that anchor a date to something other than the act itself ("since March 1").
_ANCHOR_PREPOSITIONS = frozenset({"since", "until", "till", "before", "after", "by", "from", "through"})
# Prepositions that say from when a figure counts ("57 days since the explosion"), wherever the
# parser attaches them (to the unit or to its verb).
_COUNTED_FROM = frozenset({"since", "after", "before", "until", "till", "into"})
QUOTE_DATE_WINDOW = 3  # sentences before an undated quote where its speaker's dated act may be
UNNAMED = "unnamed outlet"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence of an event that may be a claim, with the independent source it counts for."""

    span: Span
    text: str
    outlet: str
    source_key: str  # the original's article id for a duplicate, so copies count once
    position: int  # the sentence's index in its article
    outlet_key: str | None = None  # who it counts for (`outlet_key`); None: the outlet's name


@dataclass(frozen=True, slots=True)
class Statement:
    """A candidate with its embedding."""

    span: Span
    text: str
    outlet: str
    source_key: str
    vector: np.ndarray
    position: int = 0
    outlet_key: str | None = None


def _key(item: Candidate | Statement) -> str:
    return item.outlet_key if item.outlet_key is not None else _normalized_outlet(item.outlet)


def outlet_name(article: Article) -> str:
    return article.outlet or f"{UNNAMED} ({article.source.rsplit('/', 1)[-1]})"


def _normalized_outlet(name: str) -> str:
    words = re.sub(r"[^\w]+", " ", name.casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def outlet_key(article: Article) -> str:
    """The source an article counts for: its outlet's normalized name ("the washington post" and
    "Washington Post" are one), else its URL's host, else UNNAMED (all unnamed articles together)."""
    if article.outlet:
        return "outlet:" + _normalized_outlet(article.outlet)
    host = urlsplit(article.url).hostname if article.url else None
    if host:
        return "host:" + host.removeprefix("www.")
    return UNNAMED


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
                    outlet_key=outlet_key(articles[copy_of.get(article_id, article_id)]),
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
            span=c.span,
            text=c.text,
            outlet=c.outlet,
            source_key=c.source_key,
            vector=v,
            position=c.position,
            outlet_key=c.outlet_key,
        )
        for c, v in zip(candidates, vectors, strict=True)
        if v is not None
    ]


def align_claims(
    event: Event,
    statements: Sequence[Statement],
    analyses: Mapping[str, Analysis],
    loners: Sequence[Candidate] = (),
    *,
    quotes: Sequence[Quote] = (),
    dates: Mapping[str, Sequence[TimeExpression]] | None = None,
    published: Mapping[str, date | None] | None = None,
) -> list[ClaimGroup]:
    """Group the event's statements across sources and label each group; `loners` (sentences
    with no lexical neighbour in another source) are unique claims as they are. `quotes` (with
    their `group_id`) and each article's `dates` let one utterance dated to different days be
    a conflict. With each article's `published` day, two figures of one measure reported on
    different days are a count that moved between the reports (deaths, cases, barrels), not a
    conflict when it is a running count (`_RUNNING_COUNT`): their claim is split by day, each
    part noting the other day's figure."""
    singles = [_claim(event, [c], "unique", None) for c in loners]
    if not statements:
        return singles
    cores = [sameness.core_of(s.text, s.span, analyses[s.span.article_id]) for s in statements]
    labels = _same_claims(statements, _align(statements), cores)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    day_of = published or {}
    conflicts: list[tuple[int, int, str]] = []
    updates: list[tuple[int, int, str]] = []
    for a, b, note, figure in _conflicts(statements, analyses, cores):
        (updates if figure and _moved(statements[a], statements[b], day_of) else conflicts).append(
            (a, b, note)
        )
    conflicts += _date_conflicts(statements, analyses, quotes, dates or {})
    groups = _split_updates(groups, labels, updates, statements, day_of)
    labels = _labels_of(groups, len(statements))  # a split claim's parts have labels of their own
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
        status: ClaimStatus = (
            "conflict" if label in notes else "consensus" if _independent(items) >= 2 else "unique"
        )
        lead = [statements[i] for i in disputed.get(label, [])]
        claims.append(
            _claim(
                event,
                items,
                status,
                notes.get(label) or _update_note(members, updates, statements, day_of),
                lead=lead,
            )
        )
    claims.extend(singles)
    order = {"conflict": 0, "consensus": 1, "unique": 2}
    claims.sort(key=lambda c: (order[c.status], -len(c.outlets), c.cites[0].article_id, c.cites[0].start))
    return claims


# Counts that grow while a story runs (a toll, cases, arrests, a leak): two days' reports of one
# of them differ because the count moved. Terms and figures fixed once (a treaty's share, a
# dam's capacity) do not, so their difference on two days is still a conflict.
_RUNNING_COUNT = re.compile(
    r"\b(?:died|dead|deaths?|killed|toll|fatalit(?:y|ies)|injur(?:ed|ies)|wounded|casualties|victims|"
    r"cases?|infect(?:ed|ions?)|confirmed|suspected|sick|ill|patients|hospitali[sz]ed|quarantined|"
    r"arrest(?:ed|s)|detained|missing|evacuated|displaced|refugees|protesters|leak(?:ed|ing|s)?|"
    r"spill(?:ed)?|barrels)\b",
    re.IGNORECASE,
)


def _moved(a: Statement, b: Statement, day_of: Mapping[str, date | None]) -> bool:
    """Whether two statements' different figures of one measure are an update, not a
    disagreement: the rule for a figure reported on another day, within an event and across
    the events of a story. They are when the two were published on different days and the
    figure is a running count (`_RUNNING_COUNT`); a fixed figure differs on any day."""
    day_a, day_b = day_of.get(a.span.article_id), day_of.get(b.span.article_id)
    return bool(
        day_a and day_b and day_a != day_b and _RUNNING_COUNT.search(a.text) and _RUNNING_COUNT.search(b.text)
    )


def _split_updates(
    groups: dict[int, list[int]],
    labels: Sequence[int],
    updates: Sequence[tuple[int, int, str]],
    statements: Sequence[Statement],
    day_of: Mapping[str, date | None],
) -> dict[int, list[int]]:
    """Each group holding both sides of an update, split by the day its articles were
    published: the reports of one day may agree, those of two days report two counts."""
    touched = {labels[a] for a, b, _ in updates if labels[a] == labels[b]}
    split: dict[int, list[int]] = {}
    fresh = max(labels, default=0) + 1
    for label, members in groups.items():
        if label not in touched:
            split[label] = members
            continue
        by_day: dict[date | None, list[int]] = {}
        for i in members:
            by_day.setdefault(day_of.get(statements[i].span.article_id), []).append(i)
        for part in by_day.values():
            split[fresh] = part
            fresh += 1
    return split


def _labels_of(groups: Mapping[int, Sequence[int]], count: int) -> list[int]:
    """The label of each of `count` statements in `groups` (label -> statement indices)."""
    labels = [0] * count
    for label, members in groups.items():
        for i in members:
            labels[i] = label
    return labels


def _update_note(
    members: Sequence[int],
    updates: Sequence[tuple[int, int, str]],
    statements: Sequence[Statement],
    day_of: Mapping[str, date | None],
) -> str | None:
    """What another day's report gives for the figure of this claim, if it differs."""
    inside = set(members)
    for a, b, note in updates:
        if (a in inside) != (b in inside):
            days = sorted(d for i in (a, b) if (d := day_of.get(statements[i].span.article_id)))
            return (
                f"{note} ({' and '.join(d.isoformat() for d in days)}): the count moved between the reports"
            )
    return None


def _independent(items: Sequence[Statement | Candidate]) -> int:
    """How many independent sources carry `items`: a copy counts for its original's outlet."""
    originals = {s.source_key: s for s in items}
    originals.update({s.source_key: s for s in items if s.span.article_id == s.source_key})
    return len({_key(s) for s in originals.values()})


def _may_disagree(a: Statement, b: Statement) -> bool:
    """Two different stories: not one article or its copy, not two stories of one named outlet."""
    return a.source_key != b.source_key and (_key(a) != _key(b) or _key(a) == UNNAMED)


def _same_claims(
    statements: Sequence[Statement], labels: Sequence[int], cores: Sequence[sameness.Core]
) -> list[int]:
    """Each aligned group split into the statements that state one claim: two statements of
    different articles are one claim when their cores agree and they share enough distinctive
    words (`storyline.sameness`; DEFAULTS.claims.same_words); a statement that states no
    other's claim is a claim of its own. Similar embeddings alone make a topic, not a claim."""
    words = sameness.lexical_similarity([s.text for s in statements])
    parent = list(range(len(statements)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(statements)):
        for j in range(i + 1, len(statements)):
            if (
                labels[i] == labels[j]
                and statements[i].span.article_id != statements[j].span.article_id
                and sameness.same_claim(words[i, j], cores[i], cores[j])
            ):
                parent[root(j)] = root(i)
    return [root(i) + 1 for i in range(len(statements))]


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
    statements: Sequence[Statement], analyses: Mapping[str, Analysis], cores: Sequence[sameness.Core]
) -> list[tuple[int, int, str, bool]]:
    """(i, j, what differs, whether it is a figure) for each pair of statements that disagree:
    both the outlets' own reports (`sameness.is_claim_sentence`: no reader's comment, question
    or fragment), and for figures about one thing (`sameness.same_things`: not the US's cases
    and Mexico's)."""
    matrix = np.stack([s.vector for s in statements])
    similar = matrix @ matrix.T
    # Each article's token starts (in text order) and tokens by index, made once rather than
    # once per statement: a statement's tokens are then a bisection away.
    lookups = {
        aid: ([t.start for t in analyses[aid].tokens], {t.i: t for t in analyses[aid].tokens})
        for aid in {s.span.article_id for s in statements}
    }
    stances = [_stances(s, analyses[s.span.article_id], *lookups[s.span.article_id]) for s in statements]
    figures, numbers = _all_figures(statements, analyses)
    found = []
    for i in range(len(statements)):
        for j in range(i + 1, len(statements)):
            a, b = statements[i], statements[j]
            if not _may_disagree(a, b) or similar[i, j] < DEFAULTS.claims.conflict_similarity:
                continue
            if not (cores[i].is_claim and cores[j].is_claim):
                continue
            # A stance names its actor, who must be the same; a figure must be of one thing.
            one_thing = sameness.same_things(cores[i], cores[j])
            figure = one_thing and _figure_conflict(figures[i], figures[j], numbers[i], numbers[j], a, b)
            if figure:
                found.append((i, j, figure, True))
            elif stance := _stance_conflict(stances[i], stances[j], a, b):
                found.append((i, j, stance, False))
    return found


def _all_figures(
    statements: Sequence[Statement], analyses: Mapping[str, Analysis]
) -> tuple[list[list[Figure]], list[set[str]]]:
    """Each statement's figures read from the parse, and every number it writes."""
    lookups = {
        aid: ([t.start for t in analyses[aid].tokens], {t.i: t for t in analyses[aid].tokens})
        for aid in {s.span.article_id for s in statements}
    }
    figures = [
        _figures(
            s,
            _tokens_of(s.span, analyses[s.span.article_id], lookups[s.span.article_id][0]),
            lookups[s.span.article_id][1],
        )
        if _NUMBER.search(s.text)
        else []
        for s in statements
    ]
    return figures, [{_number_value(n) for n in _NUMBER.findall(s.text)} for s in statements]


def _tokens_of(span: Span, analysis: Analysis, starts: Sequence[int]) -> list[Token]:
    first = bisect.bisect_left(starts, span.start)
    return list(analysis.tokens[first : bisect.bisect_left(starts, span.end, lo=first)])


def _number_value(text: str) -> str:
    return text.replace(",", "")


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured quantity read from the parse: "40 percent of the river's flow" is value 40,
    unit percent, thing flow; `frame` holds the unit's other attachments ("since explosion"),
    `verb` and `subject` the clause that states it; `words` the figure as written."""

    value: str
    unit: str
    thing: str | None
    frame: frozenset[tuple[str, str]]
    verb: str | None
    subject: str | None
    words: str

    def measure(self) -> tuple:
        return (self.unit, self.thing, self.frame, self.verb, self.subject)


def _lemma(token: Token) -> str:
    return token.lemma.casefold()


def _figures(statement: Statement, tokens: Sequence[Token], by_index: Mapping[int, Token]) -> list[Figure]:
    """The statement's figures whose unit the parse names (a bare count or a year has none)."""
    inside = {t.i for t in tokens}
    children: dict[int, list[Token]] = {}
    for token in tokens:
        if token.head != token.i:
            children.setdefault(token.head, []).append(token)
    found = []
    for token in tokens:
        if token.tag != "CD" or not _NUMBER.fullmatch(
            statement.text[token.start - statement.span.start : token.end - statement.span.start]
        ):
            continue
        top = token  # "5 million": the number is the top of its chain of numeric words
        while (
            top.dep in ("compound", "quantmod", "nummod")
            and top.head in inside
            and by_index[top.head].tag == "CD"
        ):
            top = by_index[top.head]
        currency = next((c for c in children.get(top.i, []) if c.tag == "$"), None)
        if currency is not None:
            unit, anchor = currency.lemma, top
        elif top.dep == "nummod" and top.head in inside and by_index[top.head].pos in ("NOUN", "PROPN"):
            anchor = by_index[top.head]
            unit = _lemma(anchor)
        else:
            continue
        unit = "percent" if unit in _PERCENT else unit
        near = [*children.get(anchor.i, []), *([by_index[anchor.head]] if anchor.head in inside else [])]
        if any(_lemma(t) in _RELATIVE_TIME for t in near):
            continue  # "4 hrs ago" is when, not how much
        if unit in _CALENDAR or len(unit) < 2 and unit not in _CURRENCY and unit != "%":
            continue
        thing, thing_token, frame = None, None, set()
        for child in children.get(anchor.i, []):
            if child.dep == "prep":
                objects = [o for o in children.get(child.i, []) if o.dep in ("pobj", "pcomp")]
                for o in objects:
                    if _lemma(child) == "of" and thing is None:
                        thing, thing_token = _lemma(o), o
                    else:
                        frame.add((_lemma(child), _lemma(o)))
            elif child.dep == "npadvmod":  # "barrels a day"
                frame.add(("per", _lemma(child)))
        head = by_index.get(anchor.head)
        if anchor.dep in ("pobj", "npadvmod") and head is not None and head.pos in ("ADP", "SCONJ"):
            # "57 days since the explosion": the unit hangs under the preposition that anchors it
            objects = [o for o in children.get(head.i, []) if o.dep in ("pobj", "pcomp") and o.i != anchor.i]
            frame.update((_lemma(head), _lemma(o)) for o in objects)
        clause, subject = _clause(anchor, tokens, by_index, inside)
        for child in children.get(clause.i, []) if clause is not None else []:
            if child.dep == "prep" and _lemma(child) in _COUNTED_FROM:
                frame.update(
                    (_lemma(child), _lemma(o))
                    for o in children.get(child.i, [])
                    if o.dep in ("pobj", "pcomp")
                )
        start = min(token.start, anchor.start, currency.start if currency is not None else token.start)
        # The figure as written runs to the head of its "of" phrase ("40 percent of the river's flow").
        end = max(top.end, anchor.end, thing_token.end if thing_token is not None else 0)
        found.append(
            Figure(
                value=" ".join(
                    _number_value(
                        statement.text[t.start - statement.span.start : t.end - statement.span.start]
                    )
                    for t in tokens
                    if token.i <= t.i <= top.i
                ),
                unit=unit,
                thing=thing,
                frame=frozenset(frame),
                verb=_lemma(clause) if clause is not None else None,
                subject=subject,
                words=statement.text[start - statement.span.start : end - statement.span.start],
            )
        )
    return found


def _clause(
    anchor: Token, tokens: Sequence[Token], by_index: Mapping[int, Token], inside: set[int]
) -> tuple[Token | None, str | None]:
    """The verb whose clause states the figure and that verb's subject (a relative pronoun
    stands for the noun its clause describes)."""
    verb = anchor
    while verb.pos not in ("VERB", "AUX") and verb.head != verb.i and verb.head in inside:
        verb = by_index[verb.head]
    if verb.pos not in ("VERB", "AUX"):
        return None, None
    subject = next((t for t in tokens if t.head == verb.i and t.dep in ("nsubj", "nsubjpass")), None)
    if subject is not None and _lemma(subject) in _RELATIVE and verb.dep == "relcl" and verb.head in inside:
        subject = by_index[verb.head]
    if subject is None or subject.pos == "PRON":
        return verb, None
    return verb, _lemma(subject)


def _figure_conflict(
    fa: Sequence[Figure], fb: Sequence[Figure], na: set[str], nb: set[str], a: Statement, b: Statement
) -> str | None:
    """Two figures of one measure of one thing with different values, neither of which the
    other statement gives too (both outlets reporting "revised from 1,000 to 5,000" agree)."""
    for x in fa:
        for y in fb:
            if x.measure() == y.measure() and x.value != y.value and x.value not in nb and y.value not in na:
                return f"{a.outlet} reports {x.words}; {b.outlet} reports {y.words}"
    return None


def _date_conflicts(
    statements: Sequence[Statement],
    analyses: Mapping[str, Analysis],
    quotes: Sequence[Quote],
    dates: Mapping[str, Sequence[TimeExpression]],
) -> list[tuple[int, int, str]]:
    """Statements reporting one utterance (one quote group) that date it to different days."""
    where: dict[str, list[int]] = {}
    for index, statement in enumerate(statements):
        where.setdefault(statement.span.article_id, []).append(index)
    dated: dict[str, list[tuple[int, str, bool, Quote]]] = {}
    for quote in quotes:
        if quote.group_id is None or quote.article_id not in where:
            continue
        holder = next(
            (
                i
                for i in where[quote.article_id]
                if statements[i].span.start <= quote.start < statements[i].span.end
            ),
            None,
        )
        if holder is None:
            continue
        when = _utterance_day(quote, analyses[quote.article_id], dates.get(quote.article_id, ()))
        if when is not None:
            dated.setdefault(quote.group_id, []).append((holder, *when, quote))
    found = []
    for members in dated.values():
        for i, (x, day_x, own_x, quote_x) in enumerate(members):
            for y, day_y, own_y, _ in members[i + 1 :]:
                a, b = statements[x], statements[y]
                # One side must date the remark itself ("said Tuesday"); the other may date it
                # by its speaker's dated act just before ("in talks Monday ... Wang said").
                if day_x == day_y or not (own_x or own_y) or not _may_disagree(a, b):
                    continue
                who = quote_x.speaker or "the speaker"
                found.append(
                    (
                        x,
                        y,
                        f"{a.outlet} reports {who} said it on {_day_words(day_x)}; "
                        f"{b.outlet} reports on {_day_words(day_y)}",
                    )
                )
    return found


def _day_words(value: str) -> str:
    return f"{date.fromisoformat(value):%A} ({value})"


def _utterance_day(
    quote: Quote, analysis: Analysis, expressions: Sequence[TimeExpression]
) -> tuple[str, bool] | None:
    """The day a quote's words were said, and whether its own sentence says so: a date on its
    cue verb ("said Tuesday"), else on an act of its speaker at most QUOTE_DATE_WINDOW
    sentences before ("Wang reiterated ... in talks Monday"); None when unknown or ambiguous."""
    by_index = {t.i: t for t in analysis.tokens}
    days = [e for e in expressions if e.precision == "day" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.value)]
    cue = quote.cue_span
    cue_tokens = [t for t in analysis.tokens if cue and cue.start <= t.start < cue.end] if cue else []
    if cue_tokens:
        own = _days_on(cue_tokens[-1], days, analysis, by_index)
        if len(own) == 1:
            return own.pop(), True
        if own:
            return None
        sentence = cue_tokens[-1].sent
    else:
        first = next((t.sent for t in analysis.tokens if t.start >= quote.start), None)
        if first is None:
            return None
        sentence = first
    if not quote.speaker_entity_id:
        return None
    spoken = {
        t.head
        for m in analysis.mentions
        if m.entity_id == quote.speaker_entity_id
        for t in analysis.tokens
        if m.start <= t.start < m.end and t.dep in ("nsubj", "nsubjpass")
    }
    for back in range(1, QUOTE_DATE_WINDOW + 1):
        verbs = [by_index[i] for i in spoken if i in by_index and by_index[i].sent == sentence - back]
        found = set().union(*(_days_on(v, days, analysis, by_index) for v in verbs)) if verbs else set()
        if len(found) == 1:
            return found.pop(), False
        if found:
            return None
    return None


def _days_on(
    verb: Token, days: Sequence[TimeExpression], analysis: Analysis, by_index: Mapping[int, Token]
) -> set[str]:
    """The days of `days` that date `verb` itself: reached from the verb through nouns and
    prepositions, not through another verb nor an anchoring preposition ("since March 1")."""
    found = set()
    for expression in days:
        tokens = [
            t for t in analysis.tokens if expression.start <= t.start < expression.end and t.sent == verb.sent
        ]
        if not tokens:
            continue
        inside = {t.i for t in tokens}
        token = next((t for t in tokens if t.head not in inside or t.head == t.i), tokens[0])
        steps = 0
        while token.i != verb.i and token.head != token.i and steps < 20:
            token = by_index[token.head]
            steps += 1
            if token.i != verb.i and (token.pos in ("VERB", "AUX") or _lemma(token) in _ANCHOR_PREPOSITIONS):
                break
        if token.i == verb.i:
            found.add(expression.value)
    return found


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
