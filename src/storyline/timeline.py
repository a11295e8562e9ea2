"""Each event's timeline: its own date first, then background facts placed at their own dates.

Entries with the same date and overlapping words are merged, so the same fact told by several
outlets is one entry with several cites.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from storyline.models import Analysis, Article, Event, Span, TimeExpression, TimelineEntry

TIMELINE_VERSION = "timeline-1"
SAME_FACT_OVERLAP = 0.25
_WORD = re.compile(r"[a-z]{3,}")


def build_timeline(event: Event, articles: Mapping[str, Article],
                   analyses: Mapping[str, Analysis],
                   dates: Mapping[str, Sequence[TimeExpression]]) -> list[TimelineEntry]:
    """Dated, cited entries for one event, in date order."""
    pending: list[tuple[str, str, str, Span, Span]] = []  # value, precision, text, sentence, date
    for article_id in event.article_ids:
        article, analysis = articles[article_id], analyses[article_id]
        for expression in dates.get(article_id, ()):
            if not 0 <= expression.sentence_index < len(analysis.sentences):
                continue
            sent = analysis.sentences[expression.sentence_index]
            text = article.text[sent.start:sent.end].strip()
            start = sent.start + article.text[sent.start:sent.end].index(text)
            pending.append((expression.value, expression.precision, text,
                            Span(article_id=article_id, start=start, end=start + len(text)),
                            Span(article_id=article_id, start=expression.start,
                                 end=expression.end)))
    entries: list[tuple[str, str, str, list[Span], set[str], list[Span]]] = []
    for value, precision, text, sentence, when in pending:
        words = set(_WORD.findall(text.lower()))
        for entry in entries:
            if entry[0] == value and _overlap(entry[4], words) >= SAME_FACT_OVERLAP:
                if sentence not in entry[3]:
                    entry[3].append(sentence)
                    entry[5].append(when)
                break
        else:
            entries.append((value, precision, text, [sentence], words, [when]))
    if event.date and not any(e[0] == event.date for e in entries) and event.summary:
        first = event.summary[0]
        entries.append((event.date, event.precision or "day", first.text, list(first.cites),
                        set(), list(event.date_cites)))
    timeline = [TimelineEntry(event_id=event.id, date=value, precision=precision, text=text,
                              cites=tuple(cites), date_cites=tuple(whens))
                for value, precision, text, cites, _, whens in entries]
    # The event's own date leads; its most-cited entry comes first on that date.
    timeline.sort(key=lambda e: (e.date, -len(e.cites)))
    return timeline


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
