"""When an undated article was published, inferred from its words and its batch, as an interval.

An article without a publication date (none in the input, none in its HTML) still says when it
was written, loosely. The evidence, strongest last:

1. Its own dates that carry a year ("on April 3, 2023", "in January 2022", "in 2021"): the
   latest one not in a future-tense sentence is a lower bound (news reports what has happened).
   A deadline ("by 2014", "until May 2011") is no such date, nor is a time-stamped date past
   the lead, a reader's comment or a feed item in the page margins.
   Only a day or a month bounds it from above as well, since news of a stated day or month is
   written soon after (`DEFAULTS.dates.day_horizon_days`, `month_horizon_days`); a bare year
   says nothing of how long ago it was ("the 2022 file photo"), so the interval stays open.
   "On Wednesday" cannot be placed without a reference date and is not used.
2. Durations anchored to a date known in the batch: "the invasion more than a month ago", where
   another article says "the invasion in early 2022", places the article a month or two after
   that date (the noun before "ago" is looked up beside an explicit date in the batch).
3. Articles of the same story (TF-IDF cosine of their text at least
   `DEFAULTS.dates.same_story`; for an article with none, the nearest article when its cosine
   reaches `DEFAULTS.dates.near_story`): their publication days, or their own inferred
   intervals, bound this one within `DEFAULTS.dates.story_days`.
4. The batch: an interval still open above is closed at the batch's newest publication date
   plus `DEFAULTS.dates.batch_margin_days`, when the batch has at least
   `DEFAULTS.dates.batch_min_known` dates (a batch is gathered at one time: an article in it
   was not written long after the newest one). Never below the interval's own start.

The result is an interval, never a day made up: `describe` writes "April 2023 (inferred)" when
the interval lies within April 2023, "2022-03 to 2022-06 (inferred)" when it spans months,
"after January 2022 (inferred)" when it is open. Publication dates stay in
`Article.published`; an inferred interval is a separate record and `published` stays None.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from storyline.config import DEFAULTS
from storyline.dates.timex import find_dates, tag_text
from storyline.dates.values import clock_at
from storyline.models import Article, InferredDate, Sentence, Span, TimeExpression, TimelinePrecision, Token

DATING_VERSION = "dating-6"
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|is\s+(?:expected|due|scheduled|set|slated)\s+to|"
    r"are\s+(?:expected|due|scheduled|set)\s+to|plans?\s+to|next)\b",
    re.I,
)
_ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?$")


def _period(value: str) -> tuple[date, date, str] | None:
    """First and last day of an absolute TIMEX3 value ("2023-04" -> April 2023), and its
    precision; None for anything relative or vaguer than a year."""
    match = _ABSOLUTE.match(value)
    if not match:
        return None
    year = int(match[1])
    if match[3]:
        day = date(year, int(match[2]), int(match[3]))
        return day, day, "day"
    if match[2]:
        month = int(match[2])
        return (date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")
    return date(year, 1, 1), date(year, 12, 31), "year"


_PART = re.compile(r"(early|mid|late)\W*$", re.I)
_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _period_at(text: str, start: int, end: int, value: str) -> tuple[date, date, str] | None:
    """`_period` of the date written at `text[start:end]`, narrowed by an "early", "mid" or
    "late" written in or just before it ("early 2022" is January to April 2022)."""
    period = _period(value)
    if period is None or period[2] == "day":
        return period
    head = text[max(0, start - 8) : end]
    part = re.match(r".*?\b(early|mid|late)\b", head, re.I | re.S)
    if not part:
        return period
    first, last, precision = period
    word = part[1].lower()
    if precision == "year":
        low, high = _PART_MONTHS[word]
        return (
            date(first.year, low, 1),
            date(first.year, high, calendar.monthrange(first.year, high)[1]),
            precision,
        )
    low, high = _PART_DAYS[word]
    return first.replace(day=low), first.replace(day=min(high, last.day)), precision


def text_interval(article: Article) -> InferredDate | None:
    """The interval the article's own year-bearing dates allow (rule 1), or None."""
    text = article.text
    latest: tuple[date, date, str, int, int] | None = None
    for start, end, value in _year_bearing_dates(text):
        period = _period_at(text, start, end, value)
        if (
            period is None
            or _future_sentence(text, start)
            or _not_past(text, start, end)
            or (period[2] == "year" and clock_at(text, start, end))
        ):
            continue
        if latest is None or period[0] > latest[0]:
            latest = (*period, start, end)
    if latest is None:
        return None
    first, last, precision, start, end = latest
    # Only the news day bounds the article from above: a day or month in its first lines
    # (dateline, lead). Older dates are background and may be years old.
    horizons = {"day": DEFAULTS.dates.day_horizon_days, "month": DEFAULTS.dates.month_horizon_days}
    horizon = horizons.get(precision) if start < DEFAULTS.dates.lead_chars else None
    return InferredDate(
        article_id=article.id,
        earliest=first,
        latest=last + timedelta(days=horizon) if horizon else None,
        confidence=DEFAULTS.dates.bounded_confidence if horizon else DEFAULTS.dates.open_confidence,
        evidence=(Span(article_id=article.id, start=start, end=end),),
        basis="text",
    )


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b|\d/\d{1,2}/\d")


def _year_bearing_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, value) of the dates that resolve without a reference date. Only
    stretches holding a year are tagged: the tagger is slow on whole articles and nothing
    else resolves without a reference."""
    found, done = [], 0
    for match in _YEAR.finditer(text):
        if match.start() < done:
            continue
        begin, stop = max(done, match.start() - 60), min(len(text), match.end() + 20)
        for start, end, kind, value in tag_text(text[begin:stop], None):
            if kind in ("DATE", "TIME") and begin + end <= stop:
                found.append((begin + start, begin + end, value[:10]))
        done = stop
    return found


# "by 2014", "until 31 May 2011", "before the end of 2010": a deadline, not a past event.
_DEADLINE = re.compile(
    r"\b(?:by|until|till|before|through|ahead\s+of)\s+"
    r"(?:the\s+(?:end|start|middle)\s+of\s+)?\Z",
    re.I,
)
_CLOCK = re.compile(r"\d\d?[:.]\d\d\b|\b\d\d?\s*[ap]\.?m\b", re.I)


def _not_past(text: str, start: int, end: int) -> bool:
    """Whether the date at `text[start:end]` says nothing of what has happened: a deadline
    ("by 2014"), or, past the lead, a time stamp ("January 31, 2011 at 12:35 pm | Reply",
    "6:28 pm ET February 11, 2013 RETWEET"): a reader's comment or a feed in the page's
    margins, written after the article or when the page was fetched, years later."""
    if _DEADLINE.search(text[max(0, start - 25) : start]):
        return True
    return start >= DEFAULTS.dates.lead_chars and bool(
        _CLOCK.search(text[max(0, start - 12) : start]) or _CLOCK.search(text[end : end + 12])
    )


def _future_sentence(text: str, offset: int) -> bool:
    begin = max(text.rfind(". ", 0, offset), text.rfind("\n", 0, offset)) + 1
    stop = [i for i in (text.find(". ", offset), text.find("\n", offset)) if i >= 0]
    return bool(_FUTURE.search(text, begin, min(stop) if stop else len(text)))


# "the invasion more than a month ago": the noun, the amount, the unit. The noun is definite
# ("the invasion", "Russia's invasion"), a known event; "left Egypt two years ago" or "an
# explosion three weeks ago" name no event the batch can date.
_DEFINITE = r"(?:\b[Tt]he|\b[A-Z][\w-]*['’]s)\s+"
_AGO = re.compile(
    _DEFINITE + r"(?P<noun>[a-z]{4,})\s+(?P<more>more\s+than\s+|over\s+|almost\s+|nearly\s+)?"
    r"(?P<num>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>day|week|month|year)s?"
    r"\s+ago\b",
    re.I,
)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


# "more than one year into Moscow's war": the amount, the unit, the noun it counts from.
_INTO = re.compile(
    r"\b(?P<more>more\s+than\s+|over\s+|almost\s+|nearly\s+)?"
    r"(?P<num>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>day|week|month|year)s?"
    r"\s+into\s+(?:the|this|its|their|[A-Z][\w-]*['’]s)\s+"
    r"(?:[A-Z][\w-]*\s+)*(?P<noun>[a-z]{3,})\b"
)
_RATE = re.compile(r"(?:\d|\w\ws)\s+\Z")  # "barrels a day", "5,000 a day": a rate
# Words saying that a date in the same sentence is when something began.
_STARTED = re.compile(r"\b(?:launched|began|begun|started|broke\s+out|erupted|invaded)\b", re.I)


def anchored_interval(article: Article, batch: Sequence[Article]) -> InferredDate | None:
    """The interval a duration anchored to a dated mention allows (rule 2), or None:
    "the invasion more than a month ago" where the batch says "the invasion in early 2022";
    "one year into the war" where the batch dates "the war", or where its own sentence says
    when it began ("... he launched the invasion in early 2022")."""
    others = [a for a in batch if a.id != article.id]
    found = [(m, _dated_mention(m["noun"].lower(), others)) for m in _AGO.finditer(article.text)]
    for match in _INTO.finditer(article.text):
        if match["num"].lower() in ("a", "an") and _RATE.search(
            article.text[max(0, match.start() - 20) : match.start()]
        ):
            continue  # "60,000 barrels a day into the sea" is a rate
        anchor = _dated_mention(match["noun"].lower(), batch) or _began_in_sentence(article, match)
        found.append((match, anchor))
    for match, anchor in found:
        if anchor is None:
            continue
        (first, last), evidence = anchor
        amount = int(match["num"]) if match["num"].isdigit() else _NUMBERS[match["num"].lower()]
        unit = _UNIT_DAYS[match["unit"].lower()]
        # "a month ago" is one to two months; "more than a month ago" too, not three
        low, high = amount * unit, (amount + 1) * unit
        return InferredDate(
            article_id=article.id,
            earliest=first + timedelta(days=low),
            latest=last + timedelta(days=high),
            confidence=DEFAULTS.dates.anchored_confidence,
            evidence=(Span(article_id=article.id, start=match.start(), end=match.end()), evidence),
            basis="anchored",
        )
    return None


def _began_in_sentence(article: Article, match: re.Match) -> tuple[tuple[date, date], Span] | None:
    """The period of a date that a start word ("launched", "began") introduces in the
    sentence of `match`."""
    text = article.text
    begin = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    stops = [i for i in (text.find(". ", match.end()), text.find("\n", match.end())) if i >= 0]
    stop = min(stops) if stops else len(text)
    for started in _STARTED.finditer(text, begin, stop):
        window = text[started.end() : min(stop, started.end() + 60)]
        for start, end, kind, value in tag_text(window, None):
            period = _period_at(window, start, end, value)
            if kind == "DATE" and period:
                offset = started.end()
                return (period[0], period[1]), Span(
                    article_id=article.id, start=offset + start, end=offset + end
                )
    return None


def _dated_mention(noun: str, batch: Sequence[Article]) -> tuple[tuple[date, date], Span] | None:
    """The period of an explicit date written within a few words after the definite `noun`
    in the same sentence in the batch ("the invasion in early 2022"); None when the batch
    dates it more than one way ("the outbreak of 2003", "the outbreak in 1918": which
    outbreak is not known)."""
    pattern = re.compile(rf"{_DEFINITE}{re.escape(noun)}\b(?P<gap>(?:[^\w.!?]+\w+){{0,4}}?[^\w.!?]+)")
    found: list[tuple[tuple[date, date], Span]] = []
    for other in batch:
        if noun not in other.text:  # a match holds the noun as written: skip the regex scan
            continue
        for match in pattern.finditer(other.text):
            window = other.text[match.end() : match.end() + 40]
            for start, end, kind, value in tag_text(window, None):
                period = _period_at(window, start, end, value)
                if kind == "DATE" and period and start <= 12:
                    found.append(
                        (
                            (period[0], period[1]),
                            Span(article_id=other.id, start=match.end() + start, end=match.end() + end),
                        )
                    )
                    break
    if not found or max(f[0][0] for f in found) > min(f[0][1] for f in found):
        return None
    return found[0]


def same_story_neighbours(articles: Sequence[Article]) -> dict[str, list[str]]:
    """For each article, the other articles of the batch telling the same story (cosine at
    least `DEFAULTS.dates.same_story`); for one with none, the nearest article if it is close
    enough (`DEFAULTS.dates.near_story`): an article with no twin in the batch is still most
    likely written within days of the story nearest to it."""
    if len(articles) < 2:
        return {a.id: [] for a in articles}
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [a.text for a in articles]
    )
    similar = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similar, -1.0)
    out = {}
    for i, article in enumerate(articles):
        found = [articles[int(j)].id for j in np.flatnonzero(similar[i] >= DEFAULTS.dates.same_story)]
        nearest = int(similar[i].argmax())
        if not found and similar[i, nearest] >= DEFAULTS.dates.near_story:
            found = [articles[nearest].id]
        out[article.id] = found
    return out


def infer_dates(
    articles: Sequence[Article], known: Mapping[str, date] | None = None
) -> dict[str, InferredDate]:
    """An interval for every article without a publication date (rules 1 to 3); `known` may
    give publication dates to use as evidence instead of the articles' own (for evaluation)."""
    known = dict(known) if known is not None else {a.id: a.published for a in articles if a.published}
    undated = [a for a in articles if a.id not in known]
    if not undated:
        return {}
    neighbours = same_story_neighbours(articles)
    own = {a.id: i for a in undated for i in [_own_interval(a, articles)] if i is not None}
    inferred = {}
    for article in undated:
        guess = infer_one(article, known, neighbours[article.id], own)
        if guess is not None:
            inferred[article.id] = guess
    return inferred


def _own_interval(article: Article, batch: Sequence[Article]) -> InferredDate | None:
    found = [i for i in (text_interval(article), anchored_interval(article, batch)) if i]
    return _intersect(found) if found else None


def infer_one(
    article: Article, known: Mapping[str, date], neighbours: Sequence[str], own: Mapping[str, InferredDate]
) -> InferredDate | None:
    """One article's interval from its own (`own[article.id]`, rules 1 and 2), its
    same-story `neighbours`' evidence (rule 3): their `known` dates or their `own` intervals,
    and the batch's newest `known` date (rule 4)."""
    guess = _story_interval(article, known, neighbours, own)
    if guess is None or guess.latest is not None or len(known) < DEFAULTS.dates.batch_min_known:
        return guess
    newest_id = max(known, key=lambda k: (known[k], k))
    bound = known[newest_id] + timedelta(days=DEFAULTS.dates.batch_margin_days)
    if bound < guess.earliest:
        return guess  # the article's own words say it is newer: they win
    return replace(
        guess,
        latest=bound,
        basis=guess.basis + "+batch",
        from_articles=tuple(dict.fromkeys((*guess.from_articles, newest_id))),
    )


def _story_interval(
    article: Article, known: Mapping[str, date], neighbours: Sequence[str], own: Mapping[str, InferredDate]
) -> InferredDate | None:
    guess = own.get(article.id)
    story = [known[n] for n in neighbours if n in known]
    if story:
        from_story = InferredDate(
            article_id=article.id,
            earliest=min(story) - timedelta(days=DEFAULTS.dates.story_days),
            latest=max(story) + timedelta(days=DEFAULTS.dates.story_days),
            confidence=DEFAULTS.dates.same_story_confidence,
            evidence=(),
            basis="same story",
            from_articles=tuple(n for n in neighbours if n in known),
        )
        return _intersect([guess, from_story]) if guess else from_story
    lent = [own[n] for n in neighbours if n in own]  # undated neighbours lend their words
    if lent:
        widest = min(lent, key=lambda i: i.earliest)
        borrowed = replace(
            widest,
            article_id=article.id,
            basis="same story",
            confidence=widest.confidence * DEFAULTS.dates.borrowed_share,
        )
        return _intersect([guess, borrowed]) if guess else borrowed
    return guess


def _intersect(intervals: Sequence[InferredDate]) -> InferredDate:
    """The narrowest interval all agree on; if they disagree, the most confident one."""
    earliest = max(i.earliest for i in intervals)
    ends = [i.latest for i in intervals if i.latest is not None]
    latest = min(ends) if ends else None
    if latest is not None and latest < earliest:
        return max(intervals, key=lambda i: i.confidence)
    return InferredDate(
        article_id=intervals[0].article_id,
        earliest=earliest,
        latest=latest,
        confidence=min(
            DEFAULTS.dates.max_confidence,
            max(i.confidence for i in intervals) + DEFAULTS.dates.agreement_bonus * (len(intervals) - 1),
        ),
        evidence=tuple(dict.fromkeys(s for i in intervals for s in i.evidence)),
        basis="+".join(dict.fromkeys(i.basis for i in intervals)),
        from_articles=tuple(dict.fromkeys(a for i in intervals for a in i.from_articles)),
    )


def combine(intervals: Sequence[InferredDate]) -> InferredDate:
    """The interval several articles' inferred dates agree on (the narrowest all allow; the
    most confident one if they disagree), as for an event told only by undated articles."""
    return _intersect(intervals)


def calendar_value(inferred: InferredDate) -> tuple[str, TimelinePrecision] | None:
    """The TIMEX3 value and precision of the smallest calendar day, month or year holding the
    whole interval ("2023-04", "month"), or None when it spans more than a calendar year."""
    first, last = inferred.earliest, inferred.latest
    if last is None or first.year != last.year:
        return None
    if first == last:
        return first.isoformat(), "day"
    if first.month == last.month:
        return f"{first:%Y-%m}", "month"
    return f"{first.year:04d}", "year"


def resolve_dates(
    article: Article,
    sentences: Sequence[Sentence],
    inferred: InferredDate | None,
    tokens: Sequence[Token] = (),
) -> list[TimeExpression]:
    """The calendar dates of an undated article: those that carry their own year, and the
    relative ones ("on Wednesday", "last month") that resolve to the same value against both
    ends of its inferred interval and lie before it. Resolution only moves forward with the
    reference day, so a value both ends agree on holds for every day between; and a date
    before the interval is in the past whatever the publication day (the tagger gives "March
    1" the reference's year, wrong for an article of February). Any other relative date stays
    unresolved rather than wrong. This is stricter than a width limit: a week-wide interval
    still leaves "on Wednesday" unresolved when a Wednesday falls inside it, while "last
    month" resolves within an interval inside one month."""
    absolute = find_dates(article, sentences, None, tokens)
    if inferred is None or inferred.latest is None:
        return absolute
    late = {(d.start, d.end, d.value) for d in find_dates(article, sentences, inferred.latest, tokens)}
    before = inferred.earliest.isoformat()
    known = {(d.start, d.end) for d in absolute}
    relative = [
        d
        for d in find_dates(article, sentences, inferred.earliest, tokens)
        if (d.start, d.end) not in known and (d.start, d.end, d.value) in late and d.value[:10] < before
    ]
    return sorted([*absolute, *relative], key=lambda d: d.start)


def describe(inferred: InferredDate) -> str:
    """The interval in words, as precise as it is and no more: "April 2023 (inferred)"."""
    first, last = inferred.earliest, inferred.latest
    if last is None:
        return f"after {first:%B %Y} (inferred)"
    if first == last:
        return f"{first.isoformat()} (inferred)"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y} (inferred)"
    if first.year == last.year and first.month == 1 and last.month == 12:
        return f"{first.year} (inferred)"
    return f"{first:%Y-%m} to {last:%Y-%m} (inferred)"


__all__ = [
    "DATING_VERSION",
    "InferredDate",
    "anchored_interval",
    "calendar_value",
    "combine",
    "describe",
    "infer_dates",
    "infer_one",
    "resolve_dates",
    "same_story_neighbours",
    "text_interval",
]
