"""Timeline summarization over a whole corpus: which days mattered and what happened on each.

The method follows DATEWISE (Gholipour Ghalandari & Ifrim, ACL 2020) without its trained date
ranker:

1. Every sentence is dated by its first day-precise temporal expression, resolved against
   its article's publication date ("on Tuesday" in a story of 2011-01-27 is 2011-01-25).
   Only the lead sentences (the first `DEFAULTS.corpus_timeline.lead_sentences` of an
   article, news-tls' `clip_sents`) are candidates to tell a day: further down, a dated
   sentence is mostly background, a reaction or a recap of an older day. A lead sentence
   with no temporal expression at all reports its article's news, so it is a candidate for
   the publication day and the day before.
   A sentence must also be on the corpus topic: it holds a topic term, a word (not a stop
   word) used by at least half of the articles (`DEFAULTS.corpus_timeline.topic_share`).
   This stands in for the topic keywords DATEWISE's filter requires, and keeps out the pages
   a crawl brings along (programme schedules, site furniture, unrelated stories) whose dates
   and sentences are not the topic's.
2. Days are ranked by how many articles look back at them: the number of distinct articles
   published on or after the day that name it in an on-topic sentence. A day only previewed
   ("talks are set for Friday") has not happened yet when it is named. Ties go to the day
   named by more sentences, then to the day with more publications. The days are then taken
   greedily, a day near days already taken counting for less (`spread_days`), so that a long
   story's timeline reaches beyond the weeks where articles are densest: every busy week names
   many of its own days.
3. Each chosen day is told by the sentences nearest the TF-IDF centroid of its candidates, the
   mention-dated and the lead sentences weighted equally (news-tls' PM-Mean collector), chosen
   greedily so the summary as a whole stays near the centroid (its CentroidOpt summarizer). A
   sentence that repeats one already chosen, on this day or another, is skipped: the same fact
   retold a day later is not a second event.

Tagging every sentence of thousands of articles costs seconds (the tagger runs some forty
patterns over the text), so only sentences holding a word that can start a day-precise
expression (a month or weekday name, "yesterday", "days", a numeric date...) are tagged, one
article at a time so that "the next day" still follows the date before it.

Every entry cites its sentence; an entry dated by an expression also cites the expression
(`date_cites`, `dated_by` "mention"); one dated by its article's publication day (or the day
before) has no words to cite for its date (`dated_by` "publication").

The settings (`DEFAULTS.corpus_timeline`) are chosen by leave-one-topic-out cross-validation
on Timeline17 (`storyline eval tls --cv`). `story_timeline` is what `storyline timeline` and
the web app show: this same timeline, each entry under the event of the article it cites.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from storyline.config import DEFAULTS, CorpusTimelineSettings
from storyline.dates.timex import precision_of_value, tag_text
from storyline.models import Article, Event, Sentence, Span, TimeExpression, TimelineEntry
from storyline.sentences import is_whole_sentence

TLS_VERSION = "tls-6"


@dataclass(frozen=True, slots=True, kw_only=True)
class DatedSentence:
    """A candidate sentence for one day: `how` is "mention" (dated by `date_span`) or "lead"."""

    span: Span
    day: date
    how: str
    date_span: Span | None = None


# ---------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen sen rep gov col lt sgt capt cmdr adm prof jr sr rev gen maj mt ft no vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd bros dept univ est fig".split()
)
_SENTENCE_END = re.compile(r"[.!?]+['\"’”)\]]*(?=\s+['\"‘“(\[]?[A-Z0-9])|\n\s*\n")


def split_sentences(article: Article) -> tuple[Sentence, ...]:
    """Sentences of plain English text by punctuation, without a parser: an end mark followed
    by a capitalized word ends a sentence unless it closes an abbreviation or an initial
    ("Mr.", "U.S.", "Jan."); a blank line always does. Fast enough for thousands of
    articles, where spaCy's parse takes minutes."""
    text = article.text
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if (
            match.group().startswith((".", "!", "?"))
            and match.group()[0] == "."
            and _is_abbreviation(text, match.start())
        ):
            continue
        _add_sentence(sentences, article.id, text, start, match.end())
        start = match.end()
    _add_sentence(sentences, article.id, text, start, len(text))
    return tuple(sentences)


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    token = word.group(1)
    # "U.S.", "J." and "Jan." close no sentence; "U.S. officials" is the common case in news
    return "." in token or len(token) == 1 or token.lower() in _ABBREVIATIONS


def _add_sentence(sentences: list[Sentence], article_id: str, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    begin = start + piece.index(stripped)
    sentences.append(
        Sentence(article_id=article_id, index=len(sentences), start=begin, end=begin + len(stripped))
    )


# ------------------------------------------------------------------------------- dating

# Words that can open a day-precise expression; a sentence without one holds no such date.
_DAY_TRIGGER = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    r"|\d+/\d+|\d{4}-\d\d|(?i:\b(?:today|yesterday|tomorrow|tonight|days?|noon|midnight|"
    r"morning|afternoon|evening|night|weekend)\b)"
)
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|is\s+(?:expected|due|scheduled|set|slated)\s+to|"
    r"are\s+(?:expected|due|scheduled|set)\s+to|plans?\s+to|next)\b",
    re.I,
)


def find_day_dates(article: Article, sentences: Sequence[Sentence]) -> list[TimeExpression]:
    """The day-precise dates of the article, resolved against its publication date, from the
    sentences that can hold one (see the module docstring); the same values as
    `timex.find_dates` gives for those sentences."""
    reference = article.published
    text = article.text
    kept = [s for s in sentences if _DAY_TRIGGER.search(text, s.start, s.end)]
    if not kept:
        return []
    # The kept sentences joined into one text, so anchors flow from one to the next.
    pieces, offsets, position = [], [], 0
    for sent in kept:
        pieces.append(text[sent.start : sent.end])
        offsets.append(position)
        position += sent.end - sent.start + 1
    joined = "\n".join(pieces)

    def piece_of(offset: int) -> int:
        return bisect.bisect_right(offsets, offset) - 1

    def tense_at(offset: int) -> str:
        sent = kept[piece_of(offset)]
        return "future" if _FUTURE.search(text, sent.start, sent.end) else ""

    found = []
    for start, end, kind, value in tag_text(joined, reference, tense_at=tense_at):
        if kind == "TIME":
            value = value[:10]
        if kind not in ("DATE", "TIME") or precision_of_value(value) != "day":
            continue
        piece = piece_of(start)
        sent = kept[piece]
        shift = sent.start - offsets[piece]
        found.append(
            TimeExpression(
                article_id=article.id,
                start=start + shift,
                end=end + shift,
                text=text[start + shift : end + shift],
                value=value,
                precision="day",
                sentence_index=sent.index,
                type="DATE",
            )
        )
    return found


def date_sentences(
    article: Article,
    sentences: Sequence[Sentence],
    dates: Sequence[TimeExpression],
    *,
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
) -> list[DatedSentence]:
    """The candidate days of the article's lead sentences: its first day-precise date for a
    sentence that has one, the publication day and the day before for one naming no date."""
    first: dict[int, TimeExpression] = {}
    for expression in sorted(dates, key=lambda d: d.start):
        first.setdefault(expression.sentence_index, expression)
    dated = []
    for sent in sentences:
        if settings.lead_sentences and sent.index >= settings.lead_sentences:
            continue
        span = Span(article_id=article.id, start=sent.start, end=sent.end)
        found = first.get(sent.index)
        if found is not None:
            dated.append(
                DatedSentence(
                    span=span,
                    day=date.fromisoformat(found.value),
                    how="mention",
                    date_span=Span(article_id=article.id, start=found.start, end=found.end),
                )
            )
        elif article.published and not _has_any_date(article.text[sent.start : sent.end]):
            for back in range(settings.pub_days):
                dated.append(
                    DatedSentence(span=span, how="lead", day=article.published - timedelta(days=back))
                )
    return dated


_ANY_DATE_WORD = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\d{4})\b"
    r"|(?i:\b(?:yesterday|tomorrow|last\s+(?:week|month|year)|ago)\b)"
)


def _has_any_date(text: str) -> bool:
    """A sentence naming another time ("in 2008", "last week") is not about the day's news."""
    return bool(_ANY_DATE_WORD.search(text))


# -------------------------------------------------------------------------------- topic


def _analyzer() -> Callable[[str], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(stop_words="english").build_analyzer()


def topic_terms(
    articles: Sequence[Article], *, share: float = DEFAULTS.corpus_timeline.topic_share
) -> frozenset[str]:
    """The words (lowercased, stop words left out) used by at least `share` of the articles."""
    analyze = _analyzer()
    return _terms_used_by([frozenset(analyze(a.text)) for a in articles], share)


def _terms_used_by(words: Sequence[frozenset[str]], share: float) -> frozenset[str]:
    used: Counter[str] = Counter()
    for article_words in words:
        used.update(article_words)
    least = share * len(words)
    return frozenset(term for term, count in used.items() if count >= least)


def on_topic_sentences(
    article: Article, sentences: Sequence[Sentence], terms: frozenset[str]
) -> frozenset[int]:
    """The indexes of the sentences holding one of the topic `terms`."""
    analyze = _analyzer()
    return frozenset(
        s.index for s in sentences if not terms.isdisjoint(analyze(article.text[s.start : s.end]))
    )


# ------------------------------------------------------------------------------ ranking


def day_counts(
    articles: Sequence[Article], dates: Mapping[str, Sequence[TimeExpression]]
) -> dict[date, tuple[int, int, int]]:
    """For each day named: how many articles published on or after it name it, how many
    sentences do, and how many articles were published on it."""
    looking_back: Counter[date] = Counter()
    sentences: Counter[date] = Counter()
    published = Counter(a.published for a in articles if a.published)
    for article in articles:
        named = set()
        for expression in dates.get(article.id, ()):
            day = date.fromisoformat(expression.value)
            if article.published and day > article.published:
                continue
            sentences[day] += 1
            named.add(day)
        looking_back.update(named)
    return {d: (looking_back[d], sentences[d], published[d]) for d in looking_back}


def rank_days(articles: Sequence[Article], dates: Mapping[str, Sequence[TimeExpression]]) -> list[date]:
    """Days by how many articles published on or after them name them (see the module
    docstring), best first."""
    counts = day_counts(articles, dates)
    return sorted(counts, key=lambda d: (-counts[d][0], -counts[d][1], -counts[d][2], d))


def spread_days(
    ranked: Sequence[date], weight: Mapping[date, float], *, spread: float, gap: float
) -> list[date]:
    """`ranked` reordered so that a day close to days already taken counts for less: each step
    takes the day of highest `weight[day]` x the product, over the days taken, of
    (1 - exp(-|days apart| / (spread x gap))), `gap` being the mean gap in days between the
    timeline's dates were they evenly spread. `spread` 0 keeps the ranking."""
    if spread <= 0 or len(ranked) < 2:
        return list(ranked)
    scale = spread * max(gap, 1.0)
    ordinals = np.array([d.toordinal() for d in ranked], dtype=float)
    score = np.array([weight[d] for d in ranked], dtype=float)
    factor = np.ones(len(ranked))
    left = np.ones(len(ranked), dtype=bool)
    order: list[date] = []
    for _ in range(len(ranked)):
        # ties keep the ranking's order: argmax takes the first best
        best = int(np.argmax(np.where(left, score * factor, -1.0)))
        order.append(ranked[best])
        left[best] = False
        factor *= 1.0 - np.exp(-np.abs(ordinals - ordinals[best]) / scale)
    return order


# -------------------------------------------------------------------------- summarizing


def summarize_days(
    days: Sequence[date],
    candidates: Sequence[DatedSentence],
    texts: Mapping[str, str],
    *,
    max_days: int,
    per_day: int,
    event_id: str = "corpus",
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
) -> list[TimelineEntry]:
    """Up to `per_day` entries for each of the first `max_days` of `days` that has usable
    candidates, in date order; a day with none is passed over for the next one."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    def text_of(span: Span) -> str:
        return texts[span.article_id][span.start : span.end]

    # a piece the splitter cut inside a quotation ("It belongs to ... together,” Varga said.")
    # is no line to show
    usable = [
        c
        for c in candidates
        if settings.short_words <= len(text_of(c.span).split()) <= settings.max_words
        and is_whole_sentence(text_of(c.span))
    ]
    by_day: dict[date, list[DatedSentence]] = defaultdict(list)
    for candidate in usable:
        by_day[candidate.day].append(candidate)
    spans = list(dict.fromkeys(c.span for c in usable))
    if not spans:
        return []
    row_of = {span: i for i, span in enumerate(spans)}
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [text_of(s) for s in spans]
    )
    entries: list[TimelineEntry] = []
    chosen_rows: list[int] = []
    told = 0
    for day in days:
        if told >= max_days:
            break
        group = list({c.span: c for c in by_day.get(day, ())}.values())
        group = [c for c in group if len(text_of(c.span).split()) >= settings.min_words] or group
        picked = _pick(group, matrix, row_of, chosen_rows, per_day, settings.repeat_similarity)
        if not picked:
            continue
        told += 1
        for candidate in picked:
            chosen_rows.append(row_of[candidate.span])
            entries.append(
                TimelineEntry(
                    event_id=event_id,
                    date=day.isoformat(),
                    precision="day",
                    text=" ".join(text_of(candidate.span).split()),
                    cites=(candidate.span,),
                    date_cites=(candidate.date_span,) if candidate.date_span else (),
                    dated_by="mention" if candidate.date_span else "publication",
                )
            )
    entries.sort(key=lambda e: e.date)
    return entries


def _pick(
    group: Sequence[DatedSentence],
    matrix,
    row_of: Mapping[Span, int],
    chosen_rows: Sequence[int],
    per_day: int,
    repeat_similarity: float,
) -> list[DatedSentence]:
    """Greedy summary-centroid selection: each step adds the sentence that brings the summary
    nearest the day's centroid, skipping repeats of sentences already in the timeline. The
    rows are unit vectors, so the summary's norm follows from their pairwise cosines."""
    if not group:
        return []
    vectors = matrix[[row_of[c.span] for c in group]]
    centroid = np.zeros(vectors.shape[1])
    for how in ("mention", "lead"):
        mine = [i for i, c in enumerate(group) if c.how == how]
        if mine:  # each kind weighs the same however many sentences it has
            centroid += np.asarray(vectors[mine].mean(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    toward = np.asarray(vectors @ centroid).ravel()  # each sentence . the centroid
    cosines = (vectors @ vectors.T).toarray()
    norms = cosines.diagonal().copy()
    if chosen_rows:
        repeats = (vectors @ matrix[list(chosen_rows)].T).toarray().max(axis=1)
    else:
        repeats = np.zeros(len(group))
    blocked = repeats >= repeat_similarity
    picked: list[int] = []
    along, squared = 0.0, 0.0  # the summary . the centroid, and its squared norm
    with_summary = np.zeros(len(group))  # each sentence . the summary
    while len(picked) < per_day:
        best, best_score = None, 0.0
        for i in range(len(group)):
            if blocked[i]:
                continue
            norm = float(np.sqrt(max(squared + 2 * with_summary[i] + norms[i], 0.0))) or 1.0
            score = (along + toward[i]) / norm
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        picked.append(best)
        along += toward[best]
        squared += 2 * with_summary[best] + norms[best]
        with_summary += cosines[best]
        blocked[best] = True
        blocked |= cosines[best] >= repeat_similarity
    return [group[i] for i in picked]


# ------------------------------------------------------------------------------ the API


@dataclass(frozen=True, slots=True)
class CorpusText:
    """What a corpus timeline reads that no setting changes: the articles inside the bounds,
    their sentences, day-precise dates and words (made once, then summarized under as many
    settings as wanted; `eval tls --cv` does so)."""

    articles: tuple[Article, ...]
    sentences: Mapping[str, tuple[Sentence, ...]]
    dates: Mapping[str, tuple[TimeExpression, ...]]
    article_words: Mapping[str, frozenset[str]]
    sentence_words: Mapping[str, tuple[frozenset[str], ...]]
    start: date | None = None
    end: date | None = None


def read_corpus(
    articles: Sequence[Article],
    *,
    start: date | None = None,
    end: date | None = None,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
    day_dates: Mapping[str, Sequence[TimeExpression]] | None = None,
) -> CorpusText:
    """The articles published within `start` and `end`, split (unless `sentences` gives
    them), dated (unless `day_dates` gives an article's `find_day_dates` of its
    `split_sentences`, made before) and their words listed."""
    kept = tuple(a for a in articles if _within(a.published, start, end))
    split = {
        a.id: tuple(sentences[a.id]) if sentences and a.id in sentences else split_sentences(a) for a in kept
    }
    made = day_dates if not sentences else None  # made from other sentences: not these
    analyze = _analyzer()
    return CorpusText(
        articles=kept,
        sentences=split,
        dates={
            a.id: tuple(made[a.id]) if made and a.id in made else tuple(find_day_dates(a, split[a.id]))
            for a in kept
        },
        article_words={a.id: frozenset(analyze(a.text)) for a in kept},
        sentence_words={
            a.id: tuple(frozenset(analyze(a.text[s.start : s.end])) for s in split[a.id]) for a in kept
        },
        start=start,
        end=end,
    )


def timeline_of(
    corpus: CorpusText,
    *,
    max_days: int,
    per_day: int | None = None,
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
    event_id: str = "corpus",
) -> list[TimelineEntry]:
    """The corpus timeline of `max_days` days with up to `per_day` (default: the setting's)
    cited sentences each (see the module docstring)."""
    start, end = corpus.start, corpus.end
    kept = corpus.articles
    terms = _terms_used_by([corpus.article_words[a.id] for a in kept], settings.topic_share)
    on_topic = {
        a.id: frozenset(
            i for i, words in enumerate(corpus.sentence_words[a.id]) if not terms.isdisjoint(words)
        )
        for a in kept
    }
    topical_dates = {
        a.id: [d for d in corpus.dates[a.id] if d.sentence_index in on_topic[a.id]] for a in kept
    }
    counts = day_counts(kept, topical_dates)
    ranked = [
        d
        for d in sorted(counts, key=lambda d: (-counts[d][0], -counts[d][1], -counts[d][2], d))
        if _within(d, start, end)
    ]
    published = sorted(a.published for a in kept if a.published)
    gap = (published[-1] - published[0]).days / max_days if published and max_days else 1.0
    days = spread_days(ranked, {d: counts[d][0] for d in ranked}, spread=settings.spread, gap=gap)
    index_of = {(a.id, s.start): s.index for a in kept for s in corpus.sentences[a.id]}
    candidates = [
        c
        for a in kept
        for c in date_sentences(a, corpus.sentences[a.id], corpus.dates[a.id], settings=settings)
        if _within(c.day, start, end) and index_of[(a.id, c.span.start)] in on_topic[a.id]
    ]
    return summarize_days(
        days,
        candidates,
        {a.id: a.text for a in kept},
        max_days=max_days,
        per_day=per_day or settings.per_day,
        event_id=event_id,
        settings=settings,
    )


def summarize_timeline(
    articles: Sequence[Article],
    *,
    max_days: int,
    per_day: int | None = None,
    start: date | None = None,
    end: date | None = None,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
    event_id: str = "corpus",
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
    day_dates: Mapping[str, Sequence[TimeExpression]] | None = None,
) -> list[TimelineEntry]:
    """A timeline of `max_days` days with up to `per_day` cited sentences each, from the
    articles' own dates and text (no parse needed). `start` and `end` bound the days (and the
    articles read, by publication date); `sentences` may give the articles' sentences when
    they are already split, `day_dates` their dates (`read_corpus`)."""
    corpus = read_corpus(articles, start=start, end=end, sentences=sentences, day_dates=day_dates)
    return timeline_of(corpus, max_days=max_days, per_day=per_day, settings=settings, event_id=event_id)


def story_timeline(
    articles: Sequence[Article],
    events: Sequence[Event] = (),
    *,
    days: int = DEFAULTS.corpus_timeline.days,
    start: date | None = None,
    end: date | None = None,
    day_dates: Mapping[str, Sequence[TimeExpression]] | None = None,
) -> list[TimelineEntry]:
    """The story's timeline as `storyline timeline` and the web app show it: exactly the
    timeline `storyline eval tls` scores (`summarize_timeline` with the default settings, one
    sentence per day), `days` days long, each entry under the event of the article it cites
    ("corpus" when none has it). `day_dates` may give articles' dates made before
    (`article_day_dates`)."""
    event_of = {article_id: e.id for e in events for article_id in e.article_ids}
    entries = summarize_timeline(articles, max_days=days, start=start, end=end, day_dates=day_dates)
    return [replace(e, event_id=event_of.get(e.cites[0].article_id, e.event_id)) for e in entries]


def article_day_dates(article: Article) -> list[TimeExpression]:
    """The day dates `read_corpus` finds in one article: they depend on it alone, so a runner
    can keep them (`day_dates`)."""
    return find_day_dates(article, split_sentences(article))


def first_mentions_timeline(
    articles: Sequence[Article],
    *,
    max_days: int,
    per_day: int = DEFAULTS.corpus_timeline.per_day,
    start: date | None = None,
    end: date | None = None,
    event_id: str = "baseline",
) -> list[TimelineEntry]:
    """A trivial baseline: the days named by the most sentences, each told by the first
    sentences that name it (articles in publication order)."""
    kept = sorted(
        (a for a in articles if _within(a.published, start, end)),
        key=lambda a: (a.published or date.min, a.id),
    )
    mentions: dict[date, list[TimeExpression]] = defaultdict(list)
    split = {a.id: split_sentences(a) for a in kept}
    for article in kept:
        for expression in find_day_dates(article, split[article.id]):
            day = date.fromisoformat(expression.value)
            if _within(day, start, end):
                mentions[day].append(expression)
    by_id = {a.id: a for a in kept}
    days = sorted(mentions, key=lambda d: (-len(mentions[d]), d))[:max_days]
    entries = []
    for day in days:
        seen: set[tuple[str, int]] = set()
        for expression in mentions[day]:
            if (expression.article_id, expression.sentence_index) in seen:
                continue
            seen.add((expression.article_id, expression.sentence_index))
            article = by_id[expression.article_id]
            sent = split[article.id][expression.sentence_index]
            span = Span(article_id=article.id, start=sent.start, end=sent.end)
            entries.append(
                TimelineEntry(
                    event_id=event_id,
                    date=day.isoformat(),
                    precision="day",
                    text=" ".join(article.text[sent.start : sent.end].split()),
                    cites=(span,),
                    date_cites=(Span(article_id=article.id, start=expression.start, end=expression.end),),
                )
            )
            if len(seen) >= per_day:
                break
    entries.sort(key=lambda e: e.date)
    return entries


def _within(day: date | None, start: date | None, end: date | None) -> bool:
    if day is None:
        return start is None and end is None
    return (start is None or day >= start) and (end is None or day <= end)


def group_by_day(entries: Iterable[TimelineEntry]) -> dict[str, list[TimelineEntry]]:
    """Entries grouped by their date, in date order."""
    grouped: dict[str, list[TimelineEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        grouped[entry.date].append(entry)
    return dict(grouped)


__all__ = [
    "CorpusText",
    "DatedSentence",
    "TLS_VERSION",
    "date_sentences",
    "day_counts",
    "find_day_dates",
    "first_mentions_timeline",
    "group_by_day",
    "on_topic_sentences",
    "rank_days",
    "article_day_dates",
    "read_corpus",
    "spread_days",
    "story_timeline",
    "split_sentences",
    "summarize_days",
    "summarize_timeline",
    "timeline_of",
    "topic_terms",
]
