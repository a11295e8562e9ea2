"""A short extractive summary of each event in which every line cites its sources.

Sentences are chosen by maximal marginal relevance: close to the event's centroid, early in
their article, supported by other outlets, and not redundant with lines already chosen. A line
is an article sentence verbatim; its cites are that sentence plus the sentences of other
sources that say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.claims import Statement
from storyline.config import DEFAULTS
from storyline.models import SummaryLine
from storyline.sentences import is_clean_line, stands_alone

SUMMARY_VERSION = "summary-4"


def summarize_event(
    statements: Sequence[Statement], *, max_lines: int = DEFAULTS.summary.max_lines
) -> list[SummaryLine]:
    """Pick up to `max_lines` statements that cover the event without repeating each other."""
    candidates = [
        s
        for s in statements
        if len(s.text.split()) <= DEFAULTS.summary.max_words
        and is_clean_line(s.text)
        and stands_alone(s.text)
    ]
    if not candidates:
        return []
    matrix = np.stack([s.vector for s in candidates])
    # The event's centre is that of all its statements, not only those fit to be lines, so
    # that which lines are eligible does not move what the event is about.
    centroid = np.stack([s.vector for s in statements]).mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    similar = matrix @ matrix.T
    support = [
        {candidates[j].source_key for j in np.flatnonzero(similar[i] >= DEFAULTS.summary.support_similarity)}
        for i in range(len(candidates))
    ]
    relevance = (
        matrix @ centroid
        + DEFAULTS.summary.support_weight * np.array([len(s) - 1 for s in support])
        + DEFAULTS.summary.lead_weight * np.array([s.position == 0 for s in candidates])
        # A bare quotation reads badly out of context; prefer reported prose.
        - DEFAULTS.summary.quotation_penalty * np.array([s.text[:1] in "\"“‘'" for s in candidates])
    )
    chosen: list[int] = []
    while len(chosen) < min(max_lines, len(candidates)):
        best, best_score = None, -np.inf
        for i in range(len(candidates)):
            if i in chosen:
                continue
            redundancy = max((similar[i, j] for j in chosen), default=0.0)
            if redundancy >= DEFAULTS.summary.redundancy_similarity:
                continue
            score = relevance[i] - DEFAULTS.summary.redundancy_weight * redundancy
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
    lines = []
    for i in chosen:
        own = candidates[i]
        others = {}
        for j in np.argsort(-similar[i]):
            other = candidates[j]
            if similar[i, j] < DEFAULTS.summary.support_similarity:
                break
            if other.source_key != own.source_key and other.source_key not in others:
                others[other.source_key] = other.span
        lines.append(SummaryLine(text=own.text, cites=(own.span, *others.values())))
    return lines
