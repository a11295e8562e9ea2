"""Align the claims of the events of one story: the same claim reported in two events.

An event is one happening in one news cycle; a story threads the events of one ongoing matter
(`storyline.cluster.thread_stories`). A claim that two outlets report in two events of the story
a few days apart is one claim, and `consensus` when the two are independent sources; a figure of
one measure that differs between two events is a note (a count that moved, or another report),
never a conflict. The tests of sameness and of figures are those of `storyline.claims.events`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from storyline import sameness
from storyline.claims.events import Statement, _all_figures, _figure_conflict, _independent, _moved
from storyline.config import DEFAULTS
from storyline.models import Analysis, ClaimGroup, Event, Span, Story


def align_across_stories(
    claims: Sequence[ClaimGroup],
    statements: Mapping[Span, Statement],
    stories: Sequence[Story],
    events: Sequence[Event],
    analyses: Mapping[str, Analysis],
    *,
    published: Mapping[str, date | None] | None = None,
) -> list[ClaimGroup]:
    """Align the claims of the events of each story that lie within the event date gap (one
    news cycle; events further apart are other happenings, and their like-worded claims, "Xi
    spoke with Zelensky" a year after "Xi could soon speak with Zelensky", are other claims).
    A claim one of whose statements states what a statement of such an event's claim states
    (embedding cosine at DEFAULTS.claims.align_similarity and the test of `_same_claims`) is
    `related` to it, and `consensus` when the two bring two independent sources: it then cites
    the other's statements too, with who reported it when in the note. A figure of one measure
    that differs between two events is never a conflict: with each article's `published` day,
    `_moved` tells a count that moved between the reports from another figure, and the note
    says which. Claims without an embedding (no lexical neighbour) and conflicts stay as they
    are."""
    story_of = {eid: s.id for s in stories if len(s.event_ids) > 1 for eid in s.event_ids}
    day = {e.id: date.fromisoformat(e.date) for e in events if e.date and e.precision == "day"}

    def near(i: int, j: int) -> bool:
        first, second = day.get(claims[i].event_id), day.get(claims[j].event_id)
        return (
            claims[i].event_id != claims[j].event_id
            and first is not None
            and second is not None
            and abs((first - second).days) <= DEFAULTS.events.max_gap_days
        )

    by_story: dict[str, list[tuple[int, Statement]]] = {}
    for k, claim in enumerate(claims):
        if claim.status != "conflict" and claim.event_id in story_of:
            by_story.setdefault(story_of[claim.event_id], []).extend(
                (k, statements[c]) for c in claim.cites if c in statements
            )
    related: dict[int, list[int]] = {}
    figure_notes: dict[int, list[str]] = {}
    for items in by_story.values():
        owners, said = [k for k, _ in items], [s for _, s in items]
        matrix = np.stack([s.vector for s in said])
        similar = matrix @ matrix.T
        words = sameness.lexical_similarity([s.text for s in said])
        cores = [sameness.core_of(s.text, s.span, analyses[s.span.article_id]) for s in said]
        figures, numbers = _all_figures(said, analyses)
        close = np.triu(similar >= DEFAULTS.claims.conflict_similarity, 1)
        for x, y in zip(*np.nonzero(close), strict=True):
            i, j = owners[x], owners[y]
            if not near(i, j) or said[x].span.article_id == said[y].span.article_id:
                continue
            if (
                similar[x, y] >= DEFAULTS.claims.align_similarity
                and words[x, y] >= DEFAULTS.claims.same_words
                and sameness.cores_agree(cores[x], cores[y])
            ):
                if j not in related.get(i, []):
                    related.setdefault(i, []).append(j)
                    related.setdefault(j, []).append(i)
            elif (
                cores[x].is_claim
                and cores[y].is_claim
                and sameness.same_things(cores[x], cores[y])
                and (
                    note := _figure_conflict(figures[x], figures[y], numbers[x], numbers[y], said[x], said[y])
                )
            ):
                days = sorted(
                    {d for s in (said[x], said[y]) if (d := (published or {}).get(s.span.article_id))}
                )
                on = f" ({' and '.join(d.isoformat() for d in days)})" if days else ""
                why = (
                    "the count moved between the reports"
                    if _moved(said[x], said[y], published or {})
                    else "another event of this story reports another figure"
                )
                for k in (i, j):
                    figure_notes.setdefault(k, []).append(f"{note}{on}: {why}")
    when = {e.id: e.date or "undated" for e in events}
    found = list(claims)
    for i in set(related) | set(figure_notes):
        found[i] = _story_claim(
            claims[i], [claims[j] for j in related.get(i, [])], figure_notes.get(i, []), statements, when
        )
    return found


def _story_claim(
    claim: ClaimGroup,
    same: Sequence[ClaimGroup],
    figure_notes: Sequence[str],
    statements: Mapping[Span, Statement],
    when: Mapping[str, str],
) -> ClaimGroup:
    notes = []
    status = claim.status
    outlets = set(claim.outlets)
    cites = list(claim.cites)
    if same:
        carried = [statements[c] for o in (claim, *same) for c in o.cites if c in statements]
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
