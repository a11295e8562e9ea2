"""The briefing as Markdown for the terminal: events, summary, timeline, quotes, claims."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from storyline.dates.inference import describe
from storyline.ingest.remote import shown_message, shown_source
from storyline.models import (
    Article,
    Briefing,
    InferredDate,
    Quote,
    Span,
    TimelineEntry,
    quote_words,
    shown_in_quote_marks,
)


def article_labels(briefing: Briefing) -> dict[str, str]:
    """Short labels A1, A2, ... for cites, in the order the articles were given."""
    return {a.id: f"A{i}" for i, a in enumerate(briefing.articles, start=1)}


def cite_label(span: Span, labels: dict[str, str]) -> str:
    return f"{labels.get(span.article_id, span.article_id)}:{span.start}-{span.end}"


def inferred_label(inferred: InferredDate, labels: dict[str, str]) -> str:
    """An inferred interval with its evidence: "April 2023 (inferred) from A3:10-23"."""
    evidence = [cite_label(span, labels) for span in inferred.evidence]
    evidence += [f"{labels.get(a, a)}'s publication date" for a in inferred.from_articles]
    return describe(inferred) + (f" from {', '.join(evidence)}" if evidence else "")


def describe_article(
    article: Article, inferred: InferredDate | None = None, labels: dict[str, str] | None = None
) -> str:
    if article.published:
        when = article.published.isoformat()
    elif inferred is not None:
        when = "undated, " + inferred_label(inferred, labels or {})
    else:
        when = "undated"
    parts = [article.outlet or "unnamed outlet", when]
    if article.title:
        parts.append(f"“{article.title}”")
    parts.append(shown_source(article.source))
    return ", ".join(parts)


def speaker_type_of(quotes: Sequence[Quote]) -> str | None:
    """What a speaker is (person, spokesperson, anonymous, organization, document), as most of
    their quotes say; None when none says."""
    kinds = Counter(q.speaker_type for q in quotes if q.speaker_type)
    return kinds.most_common(1)[0][0] if kinds else None


def utterances(quotes: Sequence[Quote]) -> list[list[Quote]]:
    """Quotes gathered by utterance (`group_id`), in the order each utterance first appears."""
    gathered: dict[str, list[Quote]] = {}
    for q in quotes:
        gathered.setdefault(q.group_id or q.id, []).append(q)
    return list(gathered.values())


def tally(briefing: Briefing) -> str:
    """The closing line: '5 articles, 2 events, 31 quotes, 0 failed'."""
    return (
        f"{len(briefing.articles)} articles, {len(briefing.events)} events, "
        f"{len(briefing.quotes)} quotes, {len(briefing.failures)} failed"
    )


def date_note(entry: TimelineEntry, labels: dict[str, str]) -> str:
    """Where a timeline entry's date came from: the words that gave it, or how it was dated."""
    if entry.date_cites:
        return "date: " + ", ".join(cite_label(c, labels) for c in entry.date_cites)
    return {
        "publication": "dated by its article's publication date",
        "inferred": "dated by its article's inferred date",
        "event": "dated by its event's date",
    }.get(entry.dated_by, "")


def _md(text: str) -> str:
    """Neutralize Markdown and HTML syntax in article text shown in the briefing."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(briefing: Briefing) -> str:
    labels = article_labels(briefing)
    copy_of = {d.article_id: d for d in briefing.duplicates}
    by_id = {a.id: a for a in briefing.articles}
    quotes_by_event = defaultdict(list)
    event_of = {aid: e.id for e in briefing.events for aid in e.article_ids}
    for q in briefing.quotes:
        quotes_by_event[event_of.get(q.article_id)].append(q)
    out = [f"# Briefing: {tally(briefing)}", ""]
    inferred = {i.article_id: i for i in briefing.inferred_dates}
    number_of = {e.id: number for number, e in enumerate(briefing.events, start=1)}
    date_of = {e.id: e.date for e in briefing.events}
    if briefing.stories:
        out += ["## Stories", ""]
        for story in briefing.stories:
            threads = ", ".join(  # an event's export keeps its story, not the story's other events
                f"event {number_of[eid]}" + (f" ({date_of[eid]})" if date_of[eid] else "")
                if eid in number_of
                else "an event not in this briefing"
                for eid in story.event_ids
            )
            out.append(f"- **{_md(story.title)}**: {threads}")
        out.append("")
    for number, event in enumerate(briefing.events, start=1):
        when = f" ({event.date})" if event.date else ""
        if event.inferred is not None:
            when = f" ({inferred_label(event.inferred, labels)})"
        out += [f"## Event {number}: {_md(event.title)}{when}", "", "Sources:"]
        for aid in event.article_ids:
            note = ""
            if aid in copy_of:
                note = f" (copy of {labels[copy_of[aid].duplicate_of]}, not counted twice)"
            about = describe_article(by_id[aid], inferred.get(aid), labels)
            out.append(f"- {labels[aid]}: {_md(about)}{note}")
        out += ["", "### Summary", ""]
        for line in event.summary:
            cites = ", ".join(cite_label(c, labels) for c in line.cites)
            out.append(f"- {_md(line.text)} [{cites}]")
        out += ["", "### Timeline", ""]
        for entry in (t for t in briefing.timeline if t.event_id == event.id):
            cites = ", ".join(cite_label(c, labels) for c in entry.cites)
            out.append(f"- **{entry.date}**: {_md(entry.text)} [{cites}; {date_note(entry, labels)}]")
        out += ["", "### Who said what", ""]
        by_speaker = defaultdict(list)
        for q in quotes_by_event.get(event.id, []):
            by_speaker[q.speaker or "(unattributed)"].append(q)
        for speaker, items in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            kind = speaker_type_of(items)
            out.append(f"- **{_md(speaker)}**" + (f" ({kind})" if kind else ""))
            for utterance in utterances(items):
                q = utterance[0]
                words = _md(quote_words(q))
                mark = f"“{words}”" if shown_in_quote_marks(q) else words
                cue = f"{q.cue}, " if q.cue else ""
                where = ", ".join(
                    cite_label(Span(article_id=r.article_id, start=r.start, end=r.end), labels)
                    for r in utterance
                )
                out.append(f"  - {mark} ({cue}{q.kind}) [{where}]")
                # the same utterance as other outlets worded it, side by side
                out += [
                    f"    - {labels.get(r.article_id, r.article_id)} words it: "
                    + (f"“{_md(quote_words(r))}”" if shown_in_quote_marks(r) else _md(quote_words(r)))
                    for r in utterance[1:]
                    if quote_words(r) != quote_words(q)
                ]
        out += ["", "### Claims across outlets", ""]
        for claim in (c for c in briefing.claims if c.event_id == event.id):
            if claim.status == "unique":
                continue
            cites = ", ".join(cite_label(c, labels) for c in claim.cites)
            note = f" ({_md(claim.note)})" if claim.note else ""
            out.append(
                f"- **{claim.status}** [{'; '.join(_md(o) for o in claim.outlets)}]: "
                f"{_md(claim.text)}{note} [{cites}]"
            )
        unique = sum(1 for c in briefing.claims if c.event_id == event.id and c.status == "unique")
        out += [f"- {unique} statements carried by one outlet only (see the JSON output)", ""]
    people = [e for e in briefing.entities if e.type == "PERSON" and e.aliases]
    if people:
        out += ["## Name variants merged", ""]
        out += [f"- **{_md(e.name)}**: {', '.join(_md(a) for a in e.aliases)}" for e in people]
        out.append("")
    if briefing.failures:
        out += ["## Failures", ""]
        out += [
            f"- {_md(shown_source(f.source))} ({f.stage}): {_md(shown_message(f.source, f.message))}"
            for f in briefing.failures
        ]
        out.append("")
    return "\n".join(out)
