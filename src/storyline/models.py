"""The frozen records that flow between storyline's stages, and nothing else.

Every record refers to others by id and points into text with character offsets into
`Article.text` (end exclusive), so each fits one SQLite row or JSON line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# The closed vocabularies of the briefing; tests/test_models.py holds each to its enum in
# schema/briefing.schema.json.
DuplicateKind = Literal["exact", "near"]
QuoteKind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["person", "spokesperson", "anonymous", "organization", "document"]
TimelinePrecision = Literal["day", "week", "month", "year"]
DatedBy = Literal["mention", "news", "publication", "inferred", "event"]
ClaimStatus = Literal["consensus", "unique", "conflict"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A citation: characters `start:end` of one article's cleaned text."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RawDocument:
    """One input item as read, before cleaning: either `text` or `html` is set."""

    source: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    published_from: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """A span dropped while cleaning, with offsets into the raw input text and a reason."""

    text: str
    reason: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A cleaned article; `id` is a hash of its cleaned text, so re-ingesting is a no-op."""

    id: str
    source: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    published_from: str | None = None
    removed: tuple[Removal, ...] = ()
    authors: tuple[str, ...] = ()
    updated: date | None = None  # last update, kept apart from first publication
    language: str | None = None  # the page's declared language, such as "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Token:
    """One token of the dependency parse; `i` and `head` index the article's token list."""

    i: int
    start: int
    end: int
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    sent: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A named-entity mention; `entity_id` is set once aliases are merged."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """The NLP layer of one article: sentences, tokens with their parse, entity mentions."""

    article_id: str
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Duplicate:
    """Marks `article_id` as an exact or near copy of `duplicate_of`."""

    article_id: str
    duplicate_of: str
    similarity: float
    kind: DuplicateKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """An attributed passage: `start:end` is the content; the speaker may be unresolved."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    kind: QuoteKind
    cue: str | None = None
    cue_span: Span | None = None
    speaker: str | None = None
    speaker_span: Span | None = None
    speaker_entity_id: str | None = None
    speaker_type: SpeakerType | None = None  # set by storyline.quotes.speakers
    confidence: float = 0.5
    group_id: str | None = None  # the same utterance as reported by other articles
    # The content's pieces when the attribution interrupts it ("X," he said, "Y"): `start:end`
    # then runs from the first piece to the last, attribution included; empty for one piece.
    parts: tuple[Span, ...] = ()


def quote_words(quote: Quote) -> str:
    """The quoted words, pieces joined by an ellipsis where the attribution interrupts them."""
    if not quote.parts:
        return quote.text
    return " … ".join(quote.text[p.start - quote.start : p.end - quote.start] for p in quote.parts)


def shown_in_quote_marks(quote: Quote) -> bool:
    """Whether a reader sees the words inside quotation marks: a direct quote, or a quoted
    fragment alone; indirect speech, and reported words that carry their own marks, as written."""
    return quote.kind == "direct" or (quote.kind == "mixed" and not any(mark in quote.text for mark in '"“”'))


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeExpression:
    """A temporal expression found in text, normalized against the article's reference date
    as a TimeML TIMEX3 type and value."""

    article_id: str
    start: int
    end: int
    text: str
    value: str  # TIMEX3: "2022-04-04", "2022-W14", "2022-04", "2022-Q1", "P14M", "PRESENT_REF"
    precision: str  # "time" | "day" | "week" | "month" | "quarter" | "year" | ... | "" (none)
    sentence_index: int
    type: str = "DATE"  # TIMEX3 type: "DATE" | "TIME" | "DURATION" | "SET"


@dataclass(frozen=True, slots=True, kw_only=True)
class InferredDate:
    """When an undated article was published, inferred: between `earliest` and `latest`
    (None: open), how sure (`confidence`, 0-1), on what evidence (`evidence`: spans of this or
    other articles; `from_articles`: articles whose publication dates were used), by which
    rule (`basis`: "text", "anchored", "same story", "batch", joined by "+" when several
    agree)."""

    article_id: str
    earliest: date
    latest: date | None
    confidence: float
    evidence: tuple[Span, ...]
    basis: str
    from_articles: tuple[str, ...] = ()

    def contains(self, day: date) -> bool:
        return self.earliest <= day and (self.latest is None or day <= self.latest)

    def width_days(self) -> float:
        return float("inf") if self.latest is None else (self.latest - self.earliest).days + 1


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryLine:
    text: str
    cites: tuple[Span, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    id: str
    article_ids: tuple[str, ...]
    title: str
    date: str | None = None
    precision: TimelinePrecision | None = None
    date_cites: tuple[Span, ...] = ()
    summary: tuple[SummaryLine, ...] = ()
    # Set when no article of the event has a date: the interval its articles' inferred
    # publication dates agree on (`date` then holds only the calendar period containing it).
    inferred: InferredDate | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """Events of one ongoing story, threaded together: `event_ids` in time order, `title` that
    of its best-covered event, `entity_ids` the entities most of its articles name."""

    id: str
    event_ids: tuple[str, ...]
    title: str
    entity_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """A dated fact: `cites` are the sentences that state it, `date_cites` the words that
    gave its date ("on Wednesday"). `dated_by` says how it was dated: "mention" (a date in
    its sentence), "news" (its article's news day, named in the article's lead),
    "publication" (its article's publication date), "inferred" (its undated article's
    inferred interval) or "event" (its event's date)."""

    event_id: str
    date: str
    precision: TimelinePrecision
    text: str
    cites: tuple[Span, ...]
    date_cites: tuple[Span, ...] = ()
    dated_by: DatedBy = "mention"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimGroup:
    """Statements aligned across articles of one event, with their agreement status; `related`
    are the claims of other events of the same story that state the same (their outlets and
    cites then count here too, and `note` says who reported it when)."""

    id: str
    event_id: str
    status: ClaimStatus
    text: str
    outlets: tuple[str, ...]
    cites: tuple[Span, ...]
    note: str | None = None
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """One item that could not be processed; the batch goes on without it."""

    source: str
    stage: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Briefing:
    articles: tuple[Article, ...]
    entities: tuple[Entity, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    events: tuple[Event, ...] = ()
    stories: tuple[Story, ...] = ()
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()  # each event's facts at their dates
    # the story's timeline across the batch: the days that mattered, one cited sentence each
    # (`timeline.corpus.story_timeline`, the system `storyline eval tls` scores)
    corpus_timeline: tuple[TimelineEntry, ...] = ()
    claims: tuple[ClaimGroup, ...] = ()
    failures: tuple[Failure, ...] = ()
    repeated: tuple[Span, ...] = field(default=())
    inferred_dates: tuple[InferredDate, ...] = ()  # undated articles' publication intervals
