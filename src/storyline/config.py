"""storyline's settings: one frozen record per stage, with its defaults, and the one reader of
the `STORYLINE_*` environment variables.

    Settings
    ├── ingest     IngestSettings           read limits, the fetcher's timeouts and politeness
    ├── clean      CleanSettings            how little text is no article
    ├── models     ModelSettings            which models, where they are cached, batch sizes
    ├── store      StoreSettings            the SQLite file
    ├── dedup      DedupSettings            near-duplicate detection
    ├── entities   EntitySettings           name-variant merging
    ├── dates      DateSettings             relative dates and the dating of undated articles
    ├── events     EventSettings            event clustering
    ├── quotes     QuoteSettings            quote confidences, speaker roles, groups across outlets
    ├── timeline   TimelineSettings         the per-event timeline
    ├── corpus_timeline  CorpusTimelineSettings  the timeline of a whole corpus (news-tls style)
    ├── claims     ClaimSettings            claim alignment across outlets
    ├── summary    SummarySettings          the event summary
    └── web        WebSettings              the web app

`DEFAULTS` holds the defaults; the stages read their thresholds from it, and a function's
keyword default is its setting (`needs_vector(..., lead=DEFAULTS.claims.lead_sentences)`).
`from_environment()` is `DEFAULTS` with the `STORYLINE_*` variables applied; it is called when
a value is needed, not at import, so a changed variable counts. Command-line flags override it.

Two settings with the same name in two stages are two settings: the timeline dates facts in the
first 3 sentences of an article, the claims look at the first 5.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from storyline.errors import ConfigError

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestSettings:
    # the largest file, fetched page or WARC record read (--max-bytes), and the web app's
    # limit on one upload (--max-upload-bytes)
    max_bytes: int = 10 * _MB
    robots_max_bytes: int = 512 * 1024  # the part of a robots.txt read
    fetch_timeout: float = 20.0  # seconds for the whole exchange of one page, body included
    connect_timeout: float = 10.0  # seconds to connect to a host
    max_redirects: int = 5  # redirects followed for one page
    retries: int = 2  # extra attempts after a transient failure
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_retry_after: float = 60.0  # a server's Retry-After is honoured up to this many seconds
    host_interval: float = 1.0  # seconds between two requests to one host
    concurrency: int = 8  # pages fetched at once
    watch_every: str = "15m"  # how often `storyline watch` polls its feeds
    ray_batch_size: int = 16  # documents per Ray Data batch of `storyline ingest --ray`


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanSettings:
    min_article_chars: int = 40  # a cleaned text shorter than this is no article
    min_html_chars: int = 100  # an HTML page with less main text is an index or login page
    # trafilatura's precision mode keeping less than this share of the page (of its paragraphs'
    # words, and of what its recall mode keeps) kept a summary, not the article: the recall
    # mode's text is used instead (issue 16: a review page kept 117 of 1,965 words).
    fallback_ratio: float = 0.3


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    spacy_model: str | None = None  # $STORYLINE_SPACY_MODEL; None: en_core_web_sm or its PyPI twin
    # $STORYLINE_EMBEDDING_MODEL (a hub name or a folder); None: the packaged MiniLM, else the hub's
    embedding_model: str | None = None
    onnx: bool = True  # $STORYLINE_ONNX; False runs the embedding model in sentence-transformers
    cache_dir: Path | None = None  # $STORYLINE_CACHE; None: $XDG_CACHE_HOME/storyline or ~/.cache/storyline
    embed_batch_size: int = 32  # texts per embedding call
    parse_batch_size: int = 16  # articles per spaCy batch
    parse_processes: int = 2  # worker processes for a large parse...
    parallel_parse_from: int = 48  # ...of at least this many new articles


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSettings:
    db: Path = Path("storyline.db")  # $STORYLINE_DB; the store when no --db is given
    search_limit: int = 50  # articles returned by a full-text search
    kept_briefings: int = 20  # stored briefings kept, the most recently used; older ones are deleted


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupSettings:
    near_duplicate_threshold: float = 0.8  # estimated Jaccard similarity of two near copies
    shingle_words: int = 5  # words per shingle
    minhash_permutations: int = 128


@dataclass(frozen=True, slots=True, kw_only=True)
class EntitySettings:
    surname_similarity: float = 0.9  # Jaro-Winkler of two spellings of one surname
    first_name_similarity: float = 0.85  # Jaro-Winkler of two spellings of one first name


@dataclass(frozen=True, slots=True, kw_only=True)
class DateSettings:
    foresight_days: int = 75  # a month and day without a year this near ahead is the coming one
    # Plans and intentions told in the past tense still look forward ("said it planned to vote
    # Tuesday", "the vote was scheduled for Tuesday"), unless in the perfect ("had been due to").
    plans_forward: bool = True
    # A deadline a delay or extension sets looks forward ("was postponed until Tuesday").
    deadlines_forward: bool = True
    lead_chars: int = 300  # a date in the first characters of an undated article dates it
    day_horizon_days: int = 31  # an undated article is written this soon after a day it names...
    month_horizon_days: int = 62  # ...or a month it names
    same_story: float = 0.35  # TF-IDF cosine of two articles of one story
    near_story: float = 0.25  # the nearest article counts as the same story from this cosine
    story_days: int = 7  # articles of one story are written within this many days of each other
    # An undated article is no newer than its batch's newest publication date by more than
    # this (a batch is gathered at one time), once the batch has `batch_min_known` dates.
    batch_margin_days: int = 7
    batch_min_known: int = 3
    # Confidence of an inferred interval by where it comes from.
    bounded_confidence: float = 0.8  # a day or month in the lead: bounded on both sides
    open_confidence: float = 0.5  # an older year-bearing date: a lower bound only
    anchored_confidence: float = 0.6  # "a month ago", anchored to a date another article gives
    same_story_confidence: float = 0.7  # the publication days of the same story's articles
    borrowed_share: float = 0.8  # the share kept of an undated neighbour's own confidence
    agreement_bonus: float = 0.05  # added for each further interval that agrees...
    max_confidence: float = 0.95  # ...up to this


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSettings:
    date_lead_sentences: int = 3  # the sentences whose dates give an article's event date
    vector_sentences: int = 5  # the sentences whose mean embedding stands for the article
    # Chosen by leave-one-topic-out over Timeline17 (scripts/tune_events.py, docs/evaluation.md).
    threshold: float = 0.45  # the similarity at which two articles are one event
    max_gap_days: int = 4  # articles with event dates further apart are never one event
    entity_weight: float = 0.0  # the share of shared entities in the similarity (text: the rest)
    story_threshold: float = 0.25  # the TF-IDF cosine of two events' texts at which they are one story
    story_entities: int = 5  # the entities kept as a story's own (named by at least half its articles)
    headline_chars: int = 110  # an event title made from a sentence is cut at this length
    # Up to this many articles, events and stories come from average linkage over every pair
    # (quadratic: 3,000 articles take a 72 MB distance matrix); above it, articles join events
    # and events join stories in one pass in time order, over an approximate nearest-neighbour
    # index (hnswlib), so a batch of 100,000 articles fits in memory (bench/bench_scale.py).
    exact_up_to: int = 3000
    stream_neighbours: int = 32  # the nearest events (by the index) an article or event is scored against


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteSettings:
    # Confidence of a quote by how its speaker was found.
    speech_verb: float = 0.9  # the subject of a speech verb governing the quote
    according_to: float = 0.8  # "according to X"
    tagged_source: float = 0.75  # the source the tagger marked
    passive_agent: float = 0.7  # "was condemned by X"
    colon_speaker: float = 0.7  # a paragraph "Name: words"
    colon_verb: float = 0.7  # the subject of the last verb before a colon
    reported_clause: float = 0.7  # the subject of "X said that ..." (an indirect quote)
    announcing_sentence: float = 0.6  # the subject of the sentence before the quote's paragraph
    governing_verb: float = 0.6  # the person subject of a verb above the quote that is not a speech verb
    cue_subject: float = 0.6  # the parse subject of a tagged cue
    carried_over: float = 0.6  # a quote continuing the previous one's speaker
    sourceless: float = 0.5  # a passive cue with no agent: nobody speaks on purpose
    unattributed: float = 0.3  # no speaker found
    # Taken off the confidence when the speaker is found a less direct way.
    nearest_source_penalty: float = 0.1  # the tagged source nearest a cue the parse gave no subject
    adjacent_name_penalty: float = 0.2  # a name next to the cue, the parse having missed it
    pronoun_penalty: float = 0.15  # a pronoun: the subject or speaker just before
    previous_person_penalty: float = 0.25  # a pronoun: the person last named before it
    description_penalty: float = 0.1  # a description ("a senior diplomat"), linked to nobody
    role_window: int = 2000  # characters before a quote in which a named role-holder is looked for
    whole_similarity: float = 85.0  # fuzz.ratio of two outlets' texts of one quote, reworded
    part_similarity: float = 95.0  # fuzz.partial_ratio: the shorter quote inside the longer one
    part_min_words: int = 5  # a part shorter than this is too common a phrase to link on
    max_sharing: int = 50  # quotes sharing one three-word run beyond which it links nothing
    probe_tolerance: float = 0.1  # the largest probability gap between the tagger's ONNX export and PyTorch


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineSettings:
    lead_sentences: int = 3  # a lead sentence naming no date tells of the article's event date
    min_lead_words: int = 6  # shorter lead "sentences" are datelines and headlines, not news
    same_fact_overlap: float = 0.25  # word overlap of two sentences telling one fact
    per_date: int = 6  # entries kept per date
    max_news_lag_days: int = 3  # a lead's date further before publication is background, not its news


@dataclass(frozen=True, slots=True, kw_only=True)
class CorpusTimelineSettings:
    # the lead sentences that are candidates to tell a day (news-tls' clip_sents); 0: every sentence
    lead_sentences: int = 5
    pub_days: int = 2  # a lead sentence reports the publication day or the day before
    min_words: int = 10  # shorter sentences are headlines, datelines and fragments...
    short_words: int = 6  # ...used only for a day that has nothing longer
    max_words: int = 60  # longer sentences are not timeline entries
    repeat_similarity: float = 0.5  # cosine at which a sentence repeats one already picked
    topic_share: float = 0.5  # a topic term is used by at least this share of the articles
    per_day: int = 1  # sentences per day
    # how far apart the chosen days keep: a day near days already chosen counts less, within
    # about `spread` x the even gap between the timeline's dates; 0: days by rank alone
    spread: float = 4.0
    days: int = 20  # days in `storyline timeline`'s corpus timeline (`--days`)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimSettings:
    align_similarity: float = 0.72  # cosine at which two outlets' sentences are one claim
    conflict_similarity: float = 0.45  # cosine from which two claims can conflict
    # TF-IDF cosine (weights fitted on the event's sentences) from which two aligned sentences
    # whose cores agree state one claim (`storyline.sameness`); chosen by leave-one-topic-out
    # cross-validation on pairs judged in the four development batches (docs/claims.md)
    same_words: float = 0.35
    lexical_neighbour: float = 0.2  # TF-IDF cosine from which a sentence needs an embedding
    lead_sentences: int = 5  # the lead sentences of each article that always get an embedding
    min_words: int = 6  # shorter sentences are no claims


@dataclass(frozen=True, slots=True, kw_only=True)
class SummarySettings:
    max_lines: int = 4  # lines per event
    max_words: int = 60  # longer sentences are not summary lines
    support_similarity: float = 0.75  # cosine at which another source says the same
    redundancy_similarity: float = 0.7  # cosine at which a line repeats one already chosen
    support_weight: float = 0.05  # added to a line's score per other source that says the same
    lead_weight: float = 0.1  # added to an article's first sentence
    quotation_penalty: float = 0.15  # taken off a bare quotation, which reads badly out of context
    redundancy_weight: float = 0.5  # times the similarity to the chosen lines, taken off


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    port: int = 8000  # `storyline serve --port`
    token: str | None = None  # $STORYLINE_TOKEN: required for uploads; needed off loopback
    unique_rows_shown: int = 150  # claims carried by one outlet shown on the event page (all in JSON)
    quotes_shown_per_speaker: int = 8  # on the event page, unless filtered to one speaker
    max_pasted_urls: int = 200  # URLs added at once


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    dates: DateSettings = field(default_factory=DateSettings)
    events: EventSettings = field(default_factory=EventSettings)
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
    timeline: TimelineSettings = field(default_factory=TimelineSettings)
    corpus_timeline: CorpusTimelineSettings = field(default_factory=CorpusTimelineSettings)
    claims: ClaimSettings = field(default_factory=ClaimSettings)
    summary: SummarySettings = field(default_factory=SummarySettings)
    web: WebSettings = field(default_factory=WebSettings)


DEFAULTS = Settings()


def _switch(name: str, text: str) -> bool:
    if text.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if text.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={text!r} is not a switch; set it to 1 or 0 (or true/false, yes/no, on/off)")


def _text(name: str, text: str) -> str:
    return text


def _path(name: str, text: str) -> Path:
    return Path(text)


# Each variable: the setting it gives (stage, field), how its text is read, what it means
# (docs/operations.md lists them).
ENVIRONMENT = {
    "STORYLINE_DB": ("store", "db", _path, "the SQLite store when no --db is given"),
    "STORYLINE_SPACY_MODEL": (
        "models",
        "spacy_model",
        _text,
        "the spaCy pipeline (a package name or a path)",
    ),
    "STORYLINE_EMBEDDING_MODEL": (
        "models",
        "embedding_model",
        _text,
        "the embedding model (hub name or folder)",
    ),
    "STORYLINE_ONNX": ("models", "onnx", _switch, "1 (default): embeddings in onnxruntime; 0: in PyTorch"),
    "STORYLINE_CACHE": ("models", "cache_dir", _path, "where the ONNX exports of the models are kept"),
    "STORYLINE_TOKEN": ("web", "token", _text, "the token `storyline serve` asks of uploads"),
}


def from_environment(environ: Mapping[str, str] = os.environ) -> Settings:
    """`DEFAULTS` with the `STORYLINE_*` variables of `environ` applied (an empty one counts as
    unset); a value that cannot be read raises ConfigError naming the variable."""
    settings = DEFAULTS
    for name, (stage, key, read, _) in ENVIRONMENT.items():
        text = environ.get(name, "")
        if text:
            stage_settings = replace(getattr(settings, stage), **{key: read(name, text)})
            settings = replace(settings, **{stage: stage_settings})
    return settings
