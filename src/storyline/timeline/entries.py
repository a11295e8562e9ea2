"""Each event's timeline: what happened, each fact at the date it happened, every entry cited.

A sentence is placed at the first calendar date it names (a day, week, month or year: "a
previous call in January 2022" goes to January 2022, "two months earlier" to its month), not
at the day it was reported. A date after its article's publication is a plan, not a fact, and
"since March 1" starts a stretch rather than dating the sentence's news; nor does a date in a
photo caption, or in a clause about another event (a relative clause, an "after" or "since"
clause: "the dam, which Karvonia completed in March, 2023"); the sentence's next date is used
instead. A lead sentence (among the first `DEFAULTS.timeline.lead_sentences`) naming no date tells
its article's news: it goes to the article's news day (the day its lead names, cited,
`dated_by` "news"), else to its publication date ("publication"), else, for an undated
article, to the calendar period holding its inferred interval if one does ("inferred"). Other
sentences without a date are left out.

The same fact told by several outlets, or retold a day later, is one entry: sentences dated the
same day or neighbouring days (the same value for coarser dates) whose content words overlap by
at least `DEFAULTS.timeline.same_fact_overlap` merge, keeping every cite; the entry takes the
date most of its sentences give. At most `DEFAULTS.timeline.per_date` entries are kept per
date, those told by most articles first, so a large event's timeline stays readable.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storyline.clean.text import is_caption
from storyline.cluster import article_event_date, starts_a_stretch
from storyline.config import DEFAULTS
from storyline.dates import inference as dating
from storyline.dates.timex import is_calendar_precision
from storyline.models import (
    Analysis,
    Article,
    DatedBy,
    Event,
    InferredDate,
    Span,
    TimeExpression,
    TimelineEntry,
    TimelinePrecision,
)
from storyline.sentences import is_whole_sentence

TIMELINE_VERSION = "timeline-3"
_WORD = re.compile(r"[a-z]{3,}")
_STOPWORDS = frozenset(
    "the and for with that this from was were has have had are its his her their they them "
    "said says say who which what when after before about also but not than then there been "
    "into over will would could should may might one two first more most other such".split()
)
_ANY_DATE_WORD = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\d{4})\b"
    r"|(?i:\b(?:yesterday|tomorrow|today|(?:last|next|this)\s+(?:week|month|year)|ago|earlier|"
    r"later)\b)"
)
_RANK = {"mention": 0, "news": 1, "publication": 2, "inferred": 3, "event": 4}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidate:
    value: str
    precision: TimelinePrecision
    text: str
    sentence: Span
    date_spans: tuple[Span, ...]
    dated_by: DatedBy
    words: frozenset[str]


@dataclass(slots=True)
class _Entry:  # built up while merging, then frozen into a TimelineEntry
    members: list[_Candidate] = field(default_factory=list)


def build_timeline(
    event: Event,
    articles: Mapping[str, Article],
    analyses: Mapping[str, Analysis],
    dates: Mapping[str, Sequence[TimeExpression]],
    inferred: Mapping[str, InferredDate] | None = None,
) -> list[TimelineEntry]:
    """Dated, cited entries for one event, in date order (see the module docstring);
    `inferred` gives undated articles' inferred publication intervals."""
    inferred = inferred or {}
    candidates = [
        c
        for article_id in event.article_ids
        for c in _candidates(
            articles[article_id], analyses[article_id], dates.get(article_id, ()), inferred.get(article_id)
        )
    ]
    entries = _merge(candidates)
    timeline = [_freeze(event.id, entry) for entry in _keep_per_date(entries)]
    if event.date and event.summary and not any(t.date == event.date for t in timeline):
        first = event.summary[0]
        inside = tuple(d for d in event.date_cites if _within_any(d, first.cites))
        timeline.append(
            TimelineEntry(
                event_id=event.id,
                date=event.date,
                precision=event.precision or "day",
                text=first.text,
                cites=tuple(first.cites),
                date_cites=inside,
                dated_by="event",
            )
        )
    # The most-cited entry comes first on its date.
    timeline.sort(key=lambda t: (t.date, -len(t.cites)))
    return timeline


def _candidates(
    article: Article, analysis: Analysis, dates: Sequence[TimeExpression], inferred: InferredDate | None
) -> list[_Candidate]:
    """One dated candidate per sentence that has a date (see the module docstring)."""
    text = article.text
    limit = article.published or (inferred.latest if inferred else None)
    by_sentence: dict[int, TimeExpression] = {}
    timed = {d.sentence_index for d in dates}  # a plan's date still says "not today's news"
    other_event = _other_event_reader(analysis)
    for expression in sorted(dates, key=lambda d: d.start):
        if limit is not None and _first_day(expression.value) > limit.isoformat():
            continue  # after publication: a plan, not a fact
        if starts_a_stretch(text, expression) or _attributive_year(text, expression):
            continue
        if is_caption(_line_at(text, expression.start)) or other_event(expression.start):
            continue
        by_sentence.setdefault(expression.sentence_index, expression)
    news = article_event_date(article, dates, limit)
    lead_date: tuple[str, TimelinePrecision, tuple[Span, ...], DatedBy] | None = None
    if news is not None:
        lead_date = (*news, "news" if news[2] else "publication")
    elif inferred is not None and (period := dating.calendar_value(inferred)):
        lead_date = (*period, (), "inferred")
    found = []
    precision: TimelinePrecision
    date_spans: tuple[Span, ...]
    how: DatedBy
    for sent in analysis.sentences:
        raw = text[sent.start : sent.end]
        stripped = raw.strip()
        if not is_whole_sentence(stripped):
            continue  # a piece cut inside a quotation, a dateline: no line to show
        start = sent.start + raw.index(stripped)
        span = Span(article_id=article.id, start=start, end=start + len(stripped))
        dated = by_sentence.get(sent.index)
        # find_dates keeps only calendar precisions; the check narrows the type
        if dated is not None and is_calendar_precision(dated.precision):
            value, precision, date_spans, how = (
                dated.value,
                dated.precision,
                (Span(article_id=article.id, start=dated.start, end=dated.end),),
                "mention",
            )
        elif (
            sent.index < DEFAULTS.timeline.lead_sentences
            and lead_date
            and sent.index not in timed
            and len(stripped.split()) >= DEFAULTS.timeline.min_lead_words
            and not _ANY_DATE_WORD.search(stripped)
        ):
            value, precision, date_spans, how = lead_date
        else:
            continue
        found.append(
            _Candidate(
                value=value,
                precision=precision,
                text=stripped,
                sentence=span,
                date_spans=tuple(date_spans),
                dated_by=how,
                words=frozenset(_content_words(stripped)),
            )
        )
    return found


def _line_at(text: str, offset: int) -> str:
    end = text.find("\n", offset)
    return text[text.rfind("\n", 0, offset) + 1 : end if end >= 0 else len(text)]


_OTHER_EVENT_MARKS = frozenset({"after", "since"})


def _other_event_reader(analysis: Analysis) -> Callable[[int], bool]:
    """A function telling whether the date at an offset belongs to a clause about another
    event than the sentence's own: a relative clause ("the dam, which Karvonia completed in
    March, 2023"; "the protest it lodged last month") or an "after" or "since" clause, at any
    depth ("negotiations that began when the ministers met in March"). Such a date says when
    that other thing happened, not when the sentence's news did. Without a parse, never."""
    tokens = analysis.tokens
    if not tokens:
        return lambda offset: False
    starts = [t.start for t in tokens]
    marks: dict[int, set[str]] = {}
    for t in tokens:
        if t.dep == "mark" and t.head != t.i:
            marks.setdefault(t.head, set()).add(t.lemma.lower())

    def other_event(offset: int) -> bool:
        node = tokens[max(0, bisect.bisect_right(starts, offset) - 1)]
        for _ in range(24):
            if node.pos in ("VERB", "AUX") and (
                node.dep == "relcl" or (node.dep == "advcl" and marks.get(node.i, set()) & _OTHER_EVENT_MARKS)
            ):
                return True
            if node.head == node.i:
                return False
            node = tokens[node.head]
        return False

    return other_event


def _first_day(value: str) -> str:
    """The first day a TIMEX3 calendar value covers, as ISO text ("2024-W10" -> "2024-03-04";
    "2024-03" stays, which sorts before every day of March)."""
    week = re.match(r"(\d{4})-W(\d\d)", value)
    if week:
        return date.fromisocalendar(int(week[1]), int(week[2]), 1).isoformat()
    return value[:10]


_NOUN_AFTER = re.compile(
    r"[ -](?!and\b|when\b|to\b|that\b|was\b|were\b|is\b|as\b|in\b|on\b|"
    r"at\b|after\b|before\b|but\b|which\b|with\b|for\b)[a-z]"
)


def _attributive_year(text: str, expression: TimeExpression) -> bool:
    """A bare year that modifies a noun ("its 1991 borders", "this 2022 file photo") names
    what a thing is, not when the sentence's news happened."""
    return (
        expression.precision == "year"
        and expression.text.isdigit()
        and bool(_NOUN_AFTER.match(text, expression.end))
    )


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _neighbour_values(candidate: _Candidate) -> list[str]:
    """The dates a retelling of the same fact may carry: the same value, or for a day the day
    before and after."""
    if candidate.precision != "day":
        return [candidate.value]
    day = date.fromisoformat(candidate.value)
    return [candidate.value, *((day + timedelta(days=k)).isoformat() for k in (-1, 1))]


def _merge(candidates: Sequence[_Candidate]) -> list[_Entry]:
    """Candidates grouped into facts: same or neighbouring date, overlapping words."""
    entries: list[_Entry] = []
    by_value: dict[str, list[_Entry]] = {}
    ordered = sorted(candidates, key=lambda c: (_RANK[c.dated_by], c.value))
    for candidate in ordered:
        match = None
        for value in _neighbour_values(candidate):
            for entry in by_value.get(value, ()):
                if any(m.sentence == candidate.sentence for m in entry.members):
                    match = entry  # the same sentence twice (a copy): nothing to add
                    break
                if (
                    max(_overlap(m.words, candidate.words) for m in entry.members[:8])
                    >= DEFAULTS.timeline.same_fact_overlap
                ):
                    match = entry
                    break
            if match is not None:
                break
        if match is None:
            match = _Entry()
            entries.append(match)
        elif any(m.sentence == candidate.sentence for m in match.members):
            continue
        match.members.append(candidate)
        by_value.setdefault(candidate.value, [])
        if match not in by_value[candidate.value]:
            by_value[candidate.value].append(match)
    return entries


def _keep_per_date(entries: Sequence[_Entry]) -> list[_Entry]:
    """At most `DEFAULTS.timeline.per_date` entries per date: told by most articles, best dated, first."""
    kept: dict[str, list[_Entry]] = {}
    ranked = sorted(
        entries,
        key=lambda e: (
            -len({m.sentence.article_id for m in e.members}),
            min(_RANK[m.dated_by] for m in e.members),
        ),
    )
    for entry in ranked:
        group = kept.setdefault(_date_of(entry)[0], [])
        if len(group) < DEFAULTS.timeline.per_date:
            group.append(entry)
    return [e for group in kept.values() for e in group]


def _date_of(entry: _Entry) -> tuple[str, TimelinePrecision]:
    """The date most of the entry's sentences give, the best-dated first on a tie."""
    votes = Counter((m.value, m.precision) for m in entry.members)
    return min(
        votes,
        key=lambda v: (
            -votes[v],
            min(_RANK[m.dated_by] for m in entry.members if (m.value, m.precision) == v),
        ),
    )


def _freeze(event_id: str, entry: _Entry) -> TimelineEntry:
    value, precision = _date_of(entry)
    on_date = sorted(
        (m for m in entry.members if (m.value, m.precision) == (value, precision)),
        key=lambda m: _RANK[m.dated_by],
    )
    lead = on_date[0]
    others = [m for m in entry.members if m is not lead]
    return TimelineEntry(
        event_id=event_id,
        date=value,
        precision=precision,
        text=lead.text,
        cites=(lead.sentence, *(m.sentence for m in others)),
        date_cites=tuple(
            dict.fromkeys(s for m in on_date if m.dated_by == lead.dated_by for s in m.date_spans)
        ),
        dated_by=lead.dated_by,
    )


def _within_any(span: Span, cites: Sequence[Span]) -> bool:
    return any(c.article_id == span.article_id and c.start <= span.start and span.end <= c.end for c in cites)


def _overlap(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def select_entries(
    entries: Sequence[TimelineEntry],
    *,
    event_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TimelineEntry]:
    """The entries of one event (or all), whose date may fall between `since` and `until`
    (a month or year entry is kept when it overlaps them), in date order."""
    kept = []
    for entry in entries:
        if event_id is not None and entry.event_id != event_id:
            continue
        width = len(entry.date)  # "2023", "2023-04" or "2023-04-26": compare at its precision
        if since is not None and entry.date < since.isoformat()[:width]:
            continue
        if until is not None and entry.date > until.isoformat()[:width]:
            continue
        kept.append(entry)
    return sorted(kept, key=lambda e: (e.date, -len(e.cites)))
