"""What each page shows, as JSON-ready dicts: the page's template renders the same dict that
its `.json` twin returns.

`Corpus` indexes one Briefing once (by id, by event, by speaker) so each page is a few lookups.
These are plain functions over records; the app reads the store and passes them in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from storyline.claims import outlet_name
from storyline.entities import normalize_name
from storyline.ingest.remote import shown_source
from storyline.models import (
    Analysis,
    Article,
    Briefing,
    ClaimGroup,
    Entity,
    Event,
    Quote,
    Span,
    Story,
    TimelineEntry,
    quote_words,
    shown_in_quote_marks,
)
from storyline.render.markdown import article_labels, speaker_type_of, utterances
from storyline.web.markup import Mark, mark_up

STATUS_ORDER = {"conflict": 0, "consensus": 1, "unique": 2}
UNATTRIBUTED = "(unattributed)"


def cite_href(span: Span) -> str:
    """The article page with the span highlighted and scrolled into view."""
    return f"/articles/{span.article_id}?{urlencode({'start': span.start, 'end': span.end})}"


@dataclass
class Corpus:
    """One briefing with the lookups the pages need, built once per set of articles."""

    briefing: Briefing
    key: str
    articles: dict[str, Article] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    event_of: dict[str, str] = field(default_factory=dict)
    story_of: dict[str, Story] = field(default_factory=dict)  # event id -> its story
    copy_of: dict[str, str] = field(default_factory=dict)
    copies: dict[str, list[str]] = field(default_factory=dict)
    quotes: dict[str | None, list[Quote]] = field(default_factory=dict)  # None: articles in no event
    claims: dict[str, list[ClaimGroup]] = field(default_factory=dict)
    timeline: dict[str, list[TimelineEntry]] = field(default_factory=dict)
    entity_by_name: dict[str, str] = field(default_factory=dict)
    page_cache: dict[tuple, Any] = field(default_factory=dict)  # unfiltered pages only

    @classmethod
    def of(cls, briefing: Briefing, key: str) -> Corpus:
        corpus = cls(briefing=briefing, key=key)
        corpus.articles = {a.id: a for a in briefing.articles}
        corpus.events = {e.id: e for e in briefing.events}
        corpus.entities = {e.id: e for e in briefing.entities}
        corpus.labels = article_labels(briefing)
        corpus.event_of = {aid: e.id for e in briefing.events for aid in e.article_ids}
        corpus.story_of = {eid: s for s in briefing.stories for eid in s.event_ids}
        corpus.copy_of = {d.article_id: d.duplicate_of for d in briefing.duplicates}
        copies = defaultdict(list)
        for dup in briefing.duplicates:
            copies[dup.duplicate_of].append(dup.article_id)
        corpus.copies = dict(copies)
        for quote in briefing.quotes:
            corpus.quotes.setdefault(corpus.event_of.get(quote.article_id), []).append(quote)
        for claim in briefing.claims:
            corpus.claims.setdefault(claim.event_id, []).append(claim)
        for entry in briefing.timeline:
            corpus.timeline.setdefault(entry.event_id, []).append(entry)
        for entity in briefing.entities:
            for name in (entity.name, *entity.aliases):
                corpus.entity_by_name.setdefault(normalize_name(name).lower(), entity.id)
        return corpus

    def outlet(self, article_id: str) -> str:
        article = self.articles.get(article_id)
        return outlet_name(article) if article else article_id

    def cite(self, span: Span) -> dict:
        article = self.articles.get(span.article_id)
        text = article.text[span.start : span.end] if article else ""
        return {
            "article_id": span.article_id,
            "start": span.start,
            "end": span.end,
            "label": self.labels.get(span.article_id, "?"),
            "outlet": self.outlet(span.article_id),
            "text": text,
            "href": cite_href(span),
        }

    def article_brief(self, article_id: str) -> dict:
        article = self.articles[article_id]
        return {
            "id": article.id,
            "label": self.labels[article.id],
            "outlet": self.outlet(article.id),
            "title": article.title or article.source.rsplit("/", 1)[-1],
            "published": article.published.isoformat() if article.published else None,
            "url": article.url,
            "duplicate_of": self.copy_of.get(article.id),
            "event_id": self.event_of.get(article.id),
            "href": f"/articles/{article.id}",
        }


def _event_outlets(corpus: Corpus, event: Event) -> list[str]:
    return sorted({corpus.outlet(aid) for aid in event.article_ids})


def corpus_page(corpus: Corpus) -> dict:
    """Events with dates and their numbers of articles and outlets."""
    events = sorted(corpus.briefing.events, key=lambda e: (e.date or "9999", e.title))
    rows = []
    for event in events:
        claims = corpus.claims.get(event.id, [])
        rows.append(
            {
                "id": event.id,
                "title": event.title,
                "date": event.date,
                "precision": event.precision,
                "articles": len(event.article_ids),
                "outlets": len(_event_outlets(corpus, event)),
                "conflicts": sum(1 for c in claims if c.status == "conflict"),
                "quotes": len(corpus.quotes.get(event.id, [])),
                "href": f"/events/{event.id}",
                "story_id": story.id if (story := corpus.story_of.get(event.id)) else None,
            }
        )
    return {
        "articles": len(corpus.articles),
        "events": rows,
        "entities": len(corpus.entities),
        "quotes": len(corpus.briefing.quotes),
    }


def speaker_key(quote: Quote) -> str:
    return quote.speaker_entity_id or (
        normalize_name(quote.speaker).lower() if quote.speaker else UNATTRIBUTED
    )


def quote_groups(corpus: Corpus, quotes: Sequence[Quote], speaker: str | None = None) -> list[dict]:
    """Quotes grouped by speaker, and within a speaker by wording: one quote as carried by
    several outlets is one item with its variants."""
    by_speaker: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_speaker[speaker_key(quote)].append(quote)
    groups: list[dict[str, Any]] = []
    for key, items in by_speaker.items():
        entity = corpus.entities.get(key)
        name = entity.name if entity else (items[0].speaker or UNATTRIBUTED)
        if speaker and speaker.lower() not in name.lower() and speaker != key:
            continue
        # one utterance as each article reports it (storyline.quotes.groups decides which)
        variants = list(utterances(items))
        groups.append(
            {
                "speaker": name,
                "key": key,
                "entity_id": entity.id if entity else None,
                "speaker_type": speaker_type_of(items),
                "count": len(items),
                "quotes": [
                    {
                        "text": quote_words(group[0]),
                        "kind": group[0].kind,
                        "marked": shown_in_quote_marks(group[0]),
                        "outlets": sorted({corpus.outlet(q.article_id) for q in group}),
                        "variants": [
                            {
                                "id": q.id,
                                "text": quote_words(q),
                                "kind": q.kind,
                                "cue": q.cue,
                                "marked": shown_in_quote_marks(q),
                                "confidence": q.confidence,
                                "differs": quote_words(q) != quote_words(group[0]),
                                **{
                                    k: v
                                    for k, v in corpus.cite(
                                        Span(article_id=q.article_id, start=q.start, end=q.end)
                                    ).items()
                                    if k != "text"
                                },
                            }
                            for q in group
                        ],
                    }
                    for group in variants
                ],
            }
        )
    groups.sort(key=lambda g: (g["key"] == UNATTRIBUTED, -g["count"], g["speaker"]))
    return groups


_REPORTS = re.compile(r"(?P<outlet>[^;]+?) reports (?P<value>[^;]+)")


def _stances_in_note(note: str | None) -> dict[str, str]:
    """outlet -> what it reports, from a conflict note ("A reports 40 percent; B reports 60 ...")."""
    return {m["outlet"].strip(): m["value"].strip() for m in _REPORTS.finditer(note or "")}


def _short(cite: dict) -> dict:
    """A cite without its text (the claim's own text says it)."""
    return {k: v for k, v in cite.items() if k != "text"}


def coverage_matrix(corpus: Corpus, event: Event, claims: Sequence[ClaimGroup]) -> dict:
    """Claims x outlets: who carried each claim, who alone, who disagrees, who only ran a
    syndicated copy (not counted as another source)."""
    outlets = _event_outlets(corpus, event)
    rows = []
    for claim in claims:
        stances = _stances_in_note(claim.note)
        cells = []
        for outlet in outlets:
            cites = [corpus.cite(c) for c in claim.cites if corpus.outlet(c.article_id) == outlet]
            if not cites and (outlet not in claim.outlets or claim.related):  # another event's outlet
                state = "absent"
            elif outlet not in claim.outlets:  # only through a syndicated copy: not counted
                state = "copy"
            elif claim.status == "conflict":
                state = "disagrees"
            elif claim.status == "unique":
                state = "alone"
            else:
                state = "carried"
            cells.append(
                {
                    "outlet": outlet,
                    "state": state,
                    "reports": stances.get(outlet),
                    "cites": [{k: c[k] for k in ("article_id", "start", "end", "href")} for c in cites],
                }
            )
        rows.append(
            {
                "claim_id": claim.id,
                "status": claim.status,
                "text": claim.text,
                "note": claim.note,
                "cells": cells,
            }
        )
    return {"outlets": outlets, "rows": rows}


def timeline_page(corpus: Corpus) -> dict:
    """The story's timeline across the corpus (the one `storyline eval tls` scores): each day
    with its cited sentence, the words that dated it, and its event."""
    rows = []
    for entry in sorted(corpus.briefing.corpus_timeline, key=lambda t: t.date):
        event = corpus.events.get(entry.event_id)
        rows.append(
            {
                "date": entry.date,
                "precision": entry.precision,
                "text": entry.text,
                "cites": [corpus.cite(c) for c in entry.cites],
                "date_cites": [corpus.cite(c) for c in entry.date_cites],
                "dated_by": entry.dated_by,
                "event": {"id": event.id, "title": event.title, "href": f"/events/{event.id}"}
                if event
                else None,
            }
        )
    return {"timeline": rows}


def event_page(corpus: Corpus, event_id: str, speaker: str | None = None) -> dict | None:
    """The cited summary, timeline, quotes by speaker, claims and the coverage matrix."""
    cached = corpus.page_cache.get(("event", event_id, speaker))
    if cached is not None:
        return cached
    event = corpus.events.get(event_id)
    if event is None:
        return None
    claims = sorted(
        corpus.claims.get(event.id, []), key=lambda c: (STATUS_ORDER.get(c.status, 3), -len(c.outlets))
    )
    counts = {status: sum(1 for c in claims if c.status == status) for status in STATUS_ORDER}
    timeline = sorted(corpus.timeline.get(event.id, []), key=lambda t: t.date)
    speakers = quote_groups(corpus, corpus.quotes.get(event.id, []))
    page = {
        "event": {
            "id": event.id,
            "title": event.title,
            "date": event.date,
            "precision": event.precision,
            "date_cites": [corpus.cite(c) for c in event.date_cites],
        },
        "story": _story_of(corpus, event),
        "articles": [corpus.article_brief(aid) for aid in event.article_ids],
        "outlets": _event_outlets(corpus, event),
        "summary": [
            {"text": line.text, "cites": [corpus.cite(c) for c in line.cites]} for line in event.summary
        ],
        "timeline": [
            {
                "date": t.date,
                "precision": t.precision,
                "text": t.text,
                "cites": [corpus.cite(c) for c in t.cites],
                "date_cites": [corpus.cite(c) for c in t.date_cites],
            }
            for t in timeline
        ],
        "speakers": [{"speaker": g["speaker"], "key": g["key"], "count": g["count"]} for g in speakers],
        "quotes": speakers if not speaker else quote_groups(corpus, corpus.quotes.get(event.id, []), speaker),
        "claims": [
            {
                "id": c.id,
                "status": c.status,
                "text": c.text,
                "note": c.note,
                "outlets": list(c.outlets),
                "related": list(c.related),
                "cites": [
                    _short(corpus.cite(s)) if c.status == "unique" else corpus.cite(s) for s in c.cites
                ],
            }
            for c in claims
        ],
        "claim_counts": counts,
        "coverage": coverage_matrix(
            corpus,
            event,
            [c for c in claims if c.status != "unique"] + [c for c in claims if c.status == "unique"],
        ),
        "exports": {fmt: f"/events/{event.id}/briefing.{fmt}" for fmt in ("md", "json", "html")},
    }
    if speaker is None:  # filtered pages are cheap and their keys unbounded: not kept
        corpus.page_cache[("event", event_id, None)] = page
    return page


def _story_of(corpus: Corpus, event: Event) -> dict | None:
    """The story an event is a thread of, with its other events, when it has any."""
    story = corpus.story_of.get(event.id)
    if story is None or len(story.event_ids) < 2:
        return None
    return {
        "id": story.id,
        "title": story.title,
        "events": [
            {
                "id": eid,
                "title": corpus.events[eid].title,
                "date": corpus.events[eid].date,
                "href": f"/events/{eid}",
                "current": eid == event.id,
            }
            for eid in story.event_ids
        ],
    }


def event_briefing(corpus: Corpus, event_id: str) -> Briefing | None:
    """The briefing restricted to one event, for the exports."""
    event = corpus.events.get(event_id)
    if event is None:
        return None
    ids = set(event.article_ids)
    briefing = corpus.briefing
    return replace(
        briefing,
        articles=tuple(a for a in briefing.articles if a.id in ids),
        entities=tuple(
            replace(e, article_ids=tuple(a for a in e.article_ids if a in ids))
            for e in briefing.entities
            if ids & set(e.article_ids)
        ),
        duplicates=tuple(d for d in briefing.duplicates if d.article_id in ids),
        events=(event,),
        stories=tuple(s for s in briefing.stories if event.id in s.event_ids),
        quotes=tuple(q for q in briefing.quotes if q.article_id in ids),
        timeline=tuple(corpus.timeline.get(event.id, [])),
        claims=tuple(corpus.claims.get(event.id, [])),
        failures=(),
        repeated=tuple(s for s in briefing.repeated if s.article_id in ids),
    )


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\n+", text)]


def place_removals(article: Article) -> list[tuple[int, int]]:
    """(offset in the cleaned text, index into `article.removed`) for each removed piece.

    Removal offsets point into the text before cleaning, so the place in the cleaned text is
    estimated (the characters before it, less what was removed before it) and snapped to the
    nearest paragraph boundary; pieces without offsets go at the end."""
    starts = _paragraph_starts(article.text) + [len(article.text)]
    placed = []
    removed_before = 0
    for index, removal in sorted(
        enumerate(article.removed), key=lambda ir: (ir[1].start is None, ir[1].start or 0)
    ):
        if removal.start is None:
            placed.append((len(article.text), index))
            continue
        estimate = removal.start - removed_before
        removed_before += len(removal.text) + 1
        placed.append((min(starts, key=lambda s: abs(s - estimate)), index))
    return placed


def _debris(removal_text: str, reason: str) -> Markup:
    return Markup(
        '<span class="debris" data-kind="removed"><del>{}</del> <span class="reason">{}</span></span>'
    ).format(removal_text, reason)


def article_marks(
    corpus: Corpus, article: Article, analysis: Analysis | None, dates: Iterable, highlight: Span | None
) -> list[Mark]:
    """Entities (linked to their page), quotes, dates and the highlighted cite of one article."""
    marks: list[Mark] = []
    if highlight is not None:
        marks.append(
            Mark(
                start=highlight.start,
                end=highlight.end,
                tag="mark",
                cls="hl",
                rank=0,
                attrs=(("id", "hl"), ("data-start", str(highlight.start)), ("data-end", str(highlight.end))),
            )
        )
    for quote in corpus.briefing.quotes:
        if quote.article_id == article.id:
            marks.append(
                Mark(
                    start=quote.start,
                    end=quote.end,
                    tag="span",
                    cls=f"quote {quote.kind}",
                    rank=1,
                    attrs=(
                        ("title", f"{quote.speaker or UNATTRIBUTED}: {quote.cue or quote.kind}"),
                        ("data-kind", "quote"),
                    ),
                )
            )
    for when in dates:
        marks.append(
            Mark(
                start=when.start,
                end=when.end,
                tag="time",
                cls="date",
                rank=2,
                attrs=(("datetime", when.value), ("title", when.value)),
            )
        )
    for mention in analysis.mentions if analysis else ():
        entity_id = corpus.entity_by_name.get(normalize_name(mention.text).lower())
        if entity_id is None:
            continue
        entity = corpus.entities[entity_id]
        marks.append(
            Mark(
                start=mention.start,
                end=mention.end,
                tag="a",
                cls=f"ent ent-{entity.type.lower()}",
                rank=3,
                attrs=(("href", f"/entities/{entity_id}"), ("title", f"{entity.name} ({entity.type})")),
            )
        )
    return marks


def article_page(
    corpus: Corpus, article: Article, analysis: Analysis | None, dates: Sequence, highlight: Span | None
) -> dict:
    """The cleaned text with marks and the removed debris in place, plus its copies."""
    marks = article_marks(corpus, article, analysis, dates, highlight)
    html = mark_up(article.text, marks)
    inserts: dict[int, list[Markup]] = defaultdict(list)
    for offset, index in place_removals(article):
        removal = article.removed[index]
        inserts[offset].append(_debris(removal.text, removal.reason))
    body = _insert_at_paragraphs(article.text, marks, inserts) if inserts else html
    similar: list[dict[str, Any]] = [
        {
            "id": d.article_id if d.duplicate_of == article.id else d.duplicate_of,
            "kind": d.kind,
            "similarity": d.similarity,
            "relation": "copy of this article" if d.duplicate_of == article.id else "original of this copy",
        }
        for d in corpus.briefing.duplicates
        if article.id in (d.article_id, d.duplicate_of)
    ]
    for item in similar:
        item.update(
            href=f"/articles/{item['id']}",
            outlet=corpus.outlet(item["id"]),
            title=(corpus.articles[item["id"]].title if item["id"] in corpus.articles else None),
        )
    event_id = corpus.event_of.get(article.id)
    return {
        "article": {
            **corpus.article_brief(article.id),
            "source": shown_source(article.source),
            "published_from": article.published_from,
            "text": article.text,
        },
        "event": (
            {"id": event_id, "title": corpus.events[event_id].title, "href": f"/events/{event_id}"}
            if event_id
            else None
        ),
        "highlight": (
            {
                "start": highlight.start,
                "end": highlight.end,
                "text": article.text[highlight.start : highlight.end],
            }
            if highlight
            else None
        ),
        "removed": [
            {"text": r.text, "reason": r.reason, "start": r.start, "end": r.end} for r in article.removed
        ],
        "quotes": [
            {
                "id": q.id,
                "speaker": q.speaker,
                "speaker_entity_id": q.speaker_entity_id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "cue": q.cue,
            }
            for q in corpus.briefing.quotes
            if q.article_id == article.id
        ],
        "dates": [{"text": d.text, "value": d.value, "start": d.start, "end": d.end} for d in dates],
        "similar": similar,
        "_body": body,
    }


def _insert_at_paragraphs(text: str, marks: Sequence[Mark], inserts: dict[int, list[Markup]]) -> Markup:
    """Mark up the text paragraph by paragraph so debris can sit between paragraphs; marks
    crossing a paragraph break are split at it."""
    cuts = sorted({0, len(text), *inserts})
    pieces: list[Markup] = []
    for start, end in zip(cuts, cuts[1:] + [None], strict=False):
        pieces.extend(inserts.get(start, []))
        if end is None:
            break
        local = [
            replace(
                m,
                start=max(m.start, start) - start,
                end=min(m.end, end) - start,
                attrs=m.attrs if m.start >= start else tuple(a for a in m.attrs if a[0] != "id"),
            )
            for m in marks
            if m.start < end and m.end > start
        ]
        pieces.append(mark_up(text[start:end], local))
    return Markup("").join(pieces)


def passages(corpus: Corpus) -> list[tuple[str, str, str, int, int, str]]:
    """The quotes and claims of the briefing as rows for the search index."""
    rows = [("quote", q.id, q.article_id, q.start, q.end, q.text) for q in corpus.briefing.quotes]
    rows += [
        (
            "claim",
            c.id,
            c.cites[0].article_id,
            c.cites[0].start,
            c.cites[0].end,
            c.text + (f" ({c.note})" if c.note else ""),
        )
        for c in corpus.briefing.claims
        if c.cites
    ]
    return rows


def _snippet(marked: str) -> Markup:
    """An FTS5 snippet with \x02...\x03 around matches, escaped, the matches in <mark>."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece[1:])
        if piece.startswith("\x02")
        else Markup("{}").format(piece)
        for piece in re.split(r"(\x02[^\x03]*)\x03", marked)
        if piece
    )


def search_page(corpus: Corpus | None, query: str, hits: Sequence[dict]) -> dict:
    """Search results by kind: claims (with status), quotes (with speaker), articles."""
    results: dict[str, list[dict]] = {"claim": [], "quote": [], "article": []}
    quotes = {q.id: q for q in corpus.briefing.quotes} if corpus else {}
    claims = {c.id: c for g in (corpus.claims.values() if corpus else ()) for c in g}
    for hit in hits:
        if corpus is None or hit["article_id"] not in corpus.articles:
            continue
        item = {
            "kind": hit["kind"],
            "article_id": hit["article_id"],
            "outlet": corpus.outlet(hit["article_id"]),
            "snippet": hit["snippet"].replace("\x02", "").replace("\x03", ""),
            "_snippet": _snippet(hit["snippet"]),
        }
        if hit["kind"] == "article":
            article = corpus.articles[hit["article_id"]]
            item.update(title=article.title or shown_source(article.source), href=f"/articles/{article.id}")
        elif hit["kind"] == "quote" and hit["ref"] in quotes:
            quote = quotes[hit["ref"]]
            item.update(
                id=quote.id,
                speaker=quote.speaker or UNATTRIBUTED,
                event_id=corpus.event_of.get(quote.article_id),
                href=cite_href(Span(article_id=quote.article_id, start=quote.start, end=quote.end)),
            )
        elif hit["kind"] == "claim" and hit["ref"] in claims:
            claim = claims[hit["ref"]]
            item.update(
                id=claim.id,
                status=claim.status,
                outlets=list(claim.outlets),
                event_id=claim.event_id,
                href=f"/events/{claim.event_id}#claim-{claim.id}",
                cites=[corpus.cite(c) for c in claim.cites],
            )
        else:
            continue
        results[hit["kind"]].append(item)
    return {
        "query": query,
        "total": sum(len(v) for v in results.values()),
        "claims": results["claim"],
        "quotes": results["quote"],
        "articles": results["article"],
    }


def entity_page(corpus: Corpus, entity_id: str) -> dict | None:
    """An entity's aliases, its quotes and the events it appears in."""
    entity = corpus.entities.get(entity_id)
    if entity is None:
        return None
    quotes = [q for q in corpus.briefing.quotes if q.speaker_entity_id == entity.id]
    events = sorted({corpus.event_of[a] for a in entity.article_ids if a in corpus.event_of})
    return {
        "entity": {
            "id": entity.id,
            "name": entity.name,
            "type": entity.type,
            "aliases": list(entity.aliases),
            "articles": len(entity.article_ids),
        },
        "events": [
            {"id": e, "title": corpus.events[e].title, "date": corpus.events[e].date, "href": f"/events/{e}"}
            for e in events
        ],
        "quotes": quote_groups(corpus, quotes),
        "articles": [corpus.article_brief(a) for a in entity.article_ids if a in corpus.articles],
    }


__all__ = [
    "Corpus",
    "article_page",
    "cite_href",
    "corpus_page",
    "entity_page",
    "event_briefing",
    "event_page",
]
