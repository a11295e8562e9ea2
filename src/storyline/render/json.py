"""The briefing as JSON, following the versioned contract in `schema/briefing.schema.json`."""

from __future__ import annotations

import json as _json
from importlib import resources

from storyline.dates.inference import describe
from storyline.ingest.remote import shown_message, shown_source
from storyline.models import Briefing, InferredDate, Span, TimelineEntry
from storyline.serialize import to_dict

SCHEMA_VERSION = "1.0"


def _cites(spans: tuple[Span, ...]) -> list[dict]:
    return [to_dict(span) for span in spans]


def _inferred(inferred: InferredDate | None) -> dict | None:
    if inferred is None:
        return None
    return {
        "earliest": inferred.earliest.isoformat(),
        "latest": inferred.latest.isoformat() if inferred.latest else None,
        "text": describe(inferred),
        "confidence": round(inferred.confidence, 3),
        "basis": inferred.basis,
        "evidence": _cites(inferred.evidence),
        "from_articles": list(inferred.from_articles),
    }


def timeline_entry_to_dict(entry: TimelineEntry) -> dict:
    """One timeline entry as in the contract's `timeline` list."""
    return {
        "event_id": entry.event_id,
        "date": entry.date,
        "precision": entry.precision,
        "text": entry.text,
        "cites": _cites(entry.cites),
        "date_cites": _cites(entry.date_cites),
        "dated_by": entry.dated_by,
    }


def briefing_to_dict(briefing: Briefing) -> dict:
    """The JSON contract: schema_version, articles, entities, events, stories, quotes, timeline,
    claims, failures (plus duplicates)."""
    copy_of = {d.article_id: d.duplicate_of for d in briefing.duplicates}
    event_of = {aid: e.id for e in briefing.events for aid in e.article_ids}
    story_of = {eid: s.id for s in briefing.stories for eid in s.event_ids}
    inferred = {i.article_id: i for i in briefing.inferred_dates}
    repeated: dict[str, list[Span]] = {}
    for span in briefing.repeated:
        repeated.setdefault(span.article_id, []).append(span)
    return {
        "schema_version": SCHEMA_VERSION,
        "articles": [
            {
                "id": a.id,
                "source": shown_source(a.source),
                "title": a.title,
                "outlet": a.outlet,
                "url": a.url,
                "published": a.published.isoformat() if a.published else None,
                "published_from": a.published_from,
                "published_inferred": _inferred(inferred.get(a.id)),
                "updated": a.updated.isoformat() if a.updated else None,
                "authors": list(a.authors),
                "language": a.language,
                "text": a.text,
                "removed": [
                    {"text": r.text, "reason": r.reason, "start": r.start, "end": r.end} for r in a.removed
                ],
                "duplicate_of": copy_of.get(a.id),
                "event_id": event_of.get(a.id),
                "repeated_sentences": [to_dict(s) for s in repeated.get(a.id, [])],
            }
            for a in briefing.articles
        ],
        "entities": [to_dict(e) for e in briefing.entities],
        "events": [
            {
                "id": e.id,
                "title": e.title,
                "date": e.date,
                "precision": e.precision,
                "date_cites": _cites(e.date_cites),
                "date_inferred": _inferred(e.inferred),
                "article_ids": list(e.article_ids),
                "story_id": story_of.get(e.id),
                "summary": [{"text": line.text, "cites": _cites(line.cites)} for line in e.summary],
            }
            for e in briefing.events
        ],
        "stories": [to_dict(s) for s in briefing.stories],
        "quotes": [
            {
                "id": q.id,
                "article_id": q.article_id,
                "event_id": event_of.get(q.article_id),
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "speaker": q.speaker,
                "speaker_entity_id": q.speaker_entity_id,
                "speaker_span": to_dict(q.speaker_span) if q.speaker_span else None,
                "speaker_type": q.speaker_type,
                "cue": q.cue,
                "cue_span": to_dict(q.cue_span) if q.cue_span else None,
                "kind": q.kind,
                "confidence": q.confidence,
                "group_id": q.group_id,
                "parts": [to_dict(p) for p in q.parts],
            }
            for q in briefing.quotes
        ],
        "timeline": [timeline_entry_to_dict(t) for t in briefing.timeline],
        "corpus_timeline": [timeline_entry_to_dict(t) for t in briefing.corpus_timeline],
        "claims": [
            {
                "id": c.id,
                "event_id": c.event_id,
                "status": c.status,
                "text": c.text,
                "outlets": list(c.outlets),
                "cites": _cites(c.cites),
                "note": c.note,
                "related": list(c.related),
            }
            for c in briefing.claims
        ],
        "duplicates": [to_dict(d) for d in briefing.duplicates],
        "failures": [
            {
                "source": shown_source(f.source),
                "stage": f.stage,
                "message": shown_message(f.source, f.message),
            }
            for f in briefing.failures
        ],
    }


def render_json(briefing: Briefing) -> str:
    return _json.dumps(briefing_to_dict(briefing), ensure_ascii=False, indent=2) + "\n"


def briefing_schema() -> dict:
    """The JSON Schema of the briefing contract."""
    text = resources.files("storyline").joinpath("schema/briefing.schema.json").read_text("utf-8")
    return _json.loads(text)
