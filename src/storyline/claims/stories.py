"""Align the claims of the events of one story: the same claim reported in two events.

An event is one happening in one news cycle; a story threads the events of one ongoing matter
(`storyline.cluster.thread_stories`). A claim that two outlets report in two events of the story
a few days apart is one claim, and `consensus` when the two are independent sources; a figure of
one measure that differs between two events is a note (a count that moved, or another report),
never a conflict. The tests of sameness and of figures are those of `storyline.claims.events`.

A story is aligned a pair of its events at a time (`near_pairs`, `align_pair`): each pair's
links read only the two events, their statements and their words (the TF-IDF weights of the
two events' statements), so a story whose one event changed (an article added to it, a story
grown by an event) aligns again only the pairs that event is in, and the store keeps the rest
(`storyline.pipeline`). `apply_links` makes the story's claims of its pairs' links.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from storyline import sameness
from storyline.claims.events import (
    Candidate,
    Statement,
    _all_figures,
    _figure_conflict,
    _independent,
    _moved,
)
from storyline.config import DEFAULTS
from storyline.models import Analysis, ClaimGroup, Event, Span, Story


@dataclass(frozen=True, slots=True)
class Link:
    """Two statements of two events of a story, each as (the place of its claim among its
    event's claims, the place of the statement among the claim's cites): one claim (`note`
    None), or two figures of one measure (`note` says which)."""

    first: tuple[int, int]
    second: tuple[int, int]
    note: str | None = None


def near_pairs(events: Sequence[Event]) -> list[tuple[Event, Event]]:
    """The pairs of `events` whose claims can align: both dated to a day, at most the event
    date gap apart (one news cycle; events further apart are other happenings, and their
    like-worded claims, "Xi spoke with Zelensky" a year after "Xi could soon speak with
    Zelensky", are other claims). Each pair and the list in order of (day, id)."""
    dated = sorted(
        ((date.fromisoformat(e.date), e.id, e) for e in events if e.date and e.precision == "day"),
        key=lambda item: item[:2],
    )
    gap = DEFAULTS.events.max_gap_days
    return [
        (first, second)
        for k, (day, _, first) in enumerate(dated)
        for later, _, second in dated[k + 1 :]
        if (later - day).days <= gap
    ]


def align_pair(
    first: Sequence[ClaimGroup],
    second: Sequence[ClaimGroup],
    statements: Mapping[Span, Statement],
    analyses: Mapping[str, Analysis],
    published: Mapping[str, date | None],
) -> list[Link]:
    """The links between the claims of two events of a story (`first` and `second`, each
    event's claims in order): a statement of one that states what a statement of the other
    states (embedding cosine at DEFAULTS.claims.align_similarity and the test of
    `_same_claims`, the words weighted over the two events' statements), or gives another
    figure of one measure of one thing. Only the cites in `statements` (those embedded)
    take part; conflicts stay as they are. A pair's links read nothing but the two events,
    so a story's alignment is the union of its pairs' (`apply_links`), and a pair neither of
    whose events changed is the same as before."""
    items = [
        [
            ((k, c), statements[cite])
            for k, claim in enumerate(claims)
            if claim.status != "conflict"
            for c, cite in enumerate(claim.cites)
            if cite in statements
        ]
        for claims in (first, second)
    ]
    if not items[0] or not items[1]:
        return []
    places = [p for p, _ in items[0]], [p for p, _ in items[1]]
    said = [s for _, s in items[0]] + [s for _, s in items[1]]
    across = len(items[0])
    matrix = np.stack([s.vector for s in said])
    similar = matrix[:across] @ matrix[across:].T
    words = sameness.lexical_similarity([s.text for s in said])
    cores = [sameness.core_of(s.text, s.span, analyses[s.span.article_id]) for s in said]
    figures, numbers = _all_figures(said, analyses)
    links = []
    for x, y in zip(*np.nonzero(similar >= DEFAULTS.claims.conflict_similarity), strict=True):
        a, b = said[x], said[across + y]
        if similar[x, y] >= DEFAULTS.claims.align_similarity and sameness.same_claim(
            words[x, across + y], cores[x], cores[across + y]
        ):
            links.append(Link(places[0][x], places[1][y]))
        elif (
            cores[x].is_claim
            and cores[across + y].is_claim
            and sameness.same_things(cores[x], cores[across + y])
            and (
                note := _figure_conflict(
                    figures[x], figures[across + y], numbers[x], numbers[across + y], a, b
                )
            )
        ):
            days = sorted({d for s in (a, b) if (d := published.get(s.span.article_id))})
            on = f" ({' and '.join(d.isoformat() for d in days)})" if days else ""
            why = (
                "the count moved between the reports"
                if _moved(a, b, published)
                else "another event of this story reports another figure"
            )
            links.append(Link(places[0][x], places[1][y], f"{note}{on}: {why}"))
    return links


def apply_links(
    claims: Sequence[ClaimGroup],
    linked: Sequence[tuple[Sequence[int], Sequence[int], Sequence[Link]]],
    sources: Mapping[Span, Statement | Candidate],
    when: Mapping[str, str],
) -> list[ClaimGroup]:
    """`claims` with the links of pairs of events (`linked`: the places in `claims` of the
    first event's claims and of the second's, and their links) applied: a claim `related` to
    those it states, and `consensus` when they bring two independent sources (`sources`, each
    cite's outlet: who carries it), citing their statements too, with who reported it when
    (`when`, each event's date) in the note; a figure that differs between two events is a
    note. The links are applied in the order of the claims and their cites, whatever the order
    of the pairs."""
    ordered = []
    for first, second, links in linked:
        for link in links:
            ends = sorted(
                [
                    (first[link.first[0]], link.first[1]),
                    (second[link.second[0]], link.second[1]),
                ]
            )
            ordered.append((ends[0], ends[1], link.note))
    related: dict[int, list[int]] = {}
    figure_notes: dict[int, list[str]] = {}
    for (i, _), (j, _), note in sorted(ordered, key=lambda item: item[:2]):
        if note is None:
            if j not in related.get(i, []):
                related.setdefault(i, []).append(j)
                related.setdefault(j, []).append(i)
        else:
            for k in (i, j):
                figure_notes.setdefault(k, []).append(note)
    found = list(claims)
    for i in set(related) | set(figure_notes):
        found[i] = _story_claim(
            claims[i], [claims[j] for j in related.get(i, [])], figure_notes.get(i, []), sources, when
        )
    return found


def align_across_stories(
    claims: Sequence[ClaimGroup],
    statements: Mapping[Span, Statement],
    stories: Sequence[Story],
    events: Sequence[Event],
    analyses: Mapping[str, Analysis],
    *,
    published: Mapping[str, date | None] | None = None,
) -> list[ClaimGroup]:
    """Align the claims of the events of each story, pair by pair (`near_pairs`,
    `align_pair`, `apply_links`). A claim one of whose statements states what a statement of
    another event's claim states is `related` to it, and `consensus` when the two bring two
    independent sources: it then cites the other's statements too, with who reported it when
    in the note. A figure of one measure that differs between two events is never a
    conflict: with each article's `published` day, `_moved` tells a count that moved between
    the reports from another figure, and the note says which. Claims without an embedding (no
    lexical neighbour) and conflicts stay as they are."""
    event_of = {e.id: e for e in events}
    places: dict[str, list[int]] = {}
    for k, claim in enumerate(claims):
        places.setdefault(claim.event_id, []).append(k)
    linked = [
        (
            places.get(first.id, []),
            places.get(second.id, []),
            align_pair(
                [claims[k] for k in places.get(first.id, [])],
                [claims[k] for k in places.get(second.id, [])],
                statements,
                analyses,
                published or {},
            ),
        )
        for story in stories
        if len(story.event_ids) > 1
        for first, second in near_pairs([event_of[i] for i in story.event_ids if i in event_of])
    ]
    return apply_links(claims, linked, statements, {e.id: e.date or "undated" for e in events})


def _story_claim(
    claim: ClaimGroup,
    same: Sequence[ClaimGroup],
    figure_notes: Sequence[str],
    sources: Mapping[Span, Statement | Candidate],
    when: Mapping[str, str],
) -> ClaimGroup:
    notes = []
    status = claim.status
    outlets = set(claim.outlets)
    cites = list(claim.cites)
    if same:
        carried = [sources[c] for o in (claim, *same) for c in o.cites if c in sources]
        if _independent(carried) >= 2:
            status = "consensus"
            outlets.update(o for other in same for o in other.outlets)
            cites += [c for other in same for c in other.cites if c not in cites]
        notes.append(
            "also reported in another event of this story: "
            + "; ".join(f"{', '.join(o.outlets)} ({when[o.event_id]})" for o in same)
        )
    notes += list(dict.fromkeys(figure_notes))
    note = "; ".join(filter(None, [claim.note, *notes]))
    return dataclasses.replace(
        claim,
        status=status,
        outlets=tuple(sorted(outlets)),
        cites=tuple(cites),
        note=note or None,
        related=tuple(o.id for o in same),
    )
