"""Each event's timeline: what happened, each fact at the date it happened, every entry cited.

A sentence is placed at the first calendar date it names (a day, week, month or year: "a
previous call in January 2022" goes to January 2022, "two months earlier" to its month), not
at the day it was reported. A date after its article's publication is a plan, not a fact, and
"since March 1" starts a stretch rather than dating the sentence's news; nor does a date in a
photo caption, or in a clause about another event (a relative clause, an "after" or "since"
clause: "the dam, which Karvonia completed in March, 2023"; one member of a set, "including
the assassination ... in 1948"; a claim, "alleged that ... caused his death in June 2009"), nor a
page's or wire's time stamp ("10:39 GMT, Wednesday, 28 September 2011"); the sentence's next
date is used instead. A lead sentence (among the first `DEFAULTS.timeline.lead_sentences`)
naming no date tells its article's news: it goes to the article's news day (the day its lead
names, cited, `dated_by` "news"), else to its publication date when the article names that
day and not the day before ("publication": an article's day alone is too often the morning
after its news), else, for an undated article, to the calendar period holding its inferred
interval if one does ("inferred"). Other sentences without a date are left out.

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
    Token,
)
from storyline.sentences import is_clean_line, parse_flaw, quoted_spans, stands_alone

TIMELINE_VERSION = "timeline-7"  # 7: no tally, expectation, present perfect or subject day as news
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
    first = event.summary[0] if event.summary else None
    if (
        event.date
        and first is not None
        # a day the line's own article names in its lead, not only a publication day
        and any(d.article_id == first.cites[0].article_id for d in event.date_cites)
        and not _ANY_DATE_WORD.search(first.text)  # a line naming a date of its own tells that day
        and _reports_happening(first.cites[0], first.text, analyses)
        and not any(t.date == event.date for t in timeline)
    ):
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


def _reports_happening(span: Span, text: str, analyses: Mapping[str, Analysis]) -> bool:
    """Whether the sentence at a span reports something that happened (`_report_reader`), read
    as a sentence dated by its article's day."""
    analysis = analyses.get(span.article_id)
    if analysis is None:
        return False
    index = next((s.index for s in analysis.sentences if s.start <= span.start < s.end), None)
    return index is not None and _report_reader(analysis)(index, True, text)


def _candidates(
    article: Article, analysis: Analysis, dates: Sequence[TimeExpression], inferred: InferredDate | None
) -> list[_Candidate]:
    """One dated candidate per sentence that has a date (see the module docstring)."""
    text = article.text
    limit = article.published or (inferred.latest if inferred else None)
    by_sentence: dict[int, TimeExpression] = {}
    timed = {d.sentence_index for d in dates}  # a plan's date still says "not today's news"
    other_event = _other_event_reader(analysis)
    quoted = _quoted_reader(text, analysis)
    plan = _plan_reader(analysis)
    not_when = _named_day_or_tally_reader(analysis)
    usable = []
    for expression in sorted(dates, key=lambda d: d.start):
        if limit is not None and _first_day(expression.value) > limit.isoformat():
            continue  # after publication: a plan, not a fact
        if starts_a_stretch(text, expression) or _attributive_date(text, expression):
            continue
        if is_caption(_line_at(text, expression.start)) or other_event(expression.start):
            continue
        if quoted(expression.start) or plan(expression.start):
            continue  # the speaker's "last week", a plan's "on Friday": not when the news happened
        if not_when(expression.start) or _month_still_to_come(expression.text, expression.value, limit):
            continue  # "Thursday marked Day 17", "by 2 June BP had received 31,600": no happening
        if _ambiguous_weekday(expression.text, expression.value, article.published):
            continue
        if _FUZZY_AGO.search(expression.text):
            continue  # "a couple of years ago": about when, not a year to put the line at
        if _named_or_anchored(text, expression) or _is_stamp(text, expression):
            continue
        usable.append(expression)
        by_sentence.setdefault(expression.sentence_index, expression)
    # The news day is told by the lead's own dates. A lead whose weekday may be the day after
    # publication leaves the day unknown; a news day over a few days before publication is a
    # background date, not the day of the news the undated lead sentences tell.
    doubt = any(
        d.sentence_index < DEFAULTS.events.date_lead_sentences
        and _ambiguous_weekday(d.text, d.value, article.published)
        for d in dates
    )
    news = None if doubt else article_event_date(article, usable, limit)
    if news and not news[2] and not _tells_publication_day(usable, article.published):
        # No day named in the lead: the publication day is not the news day often enough to
        # date a sentence by it (news of the night before under the next morning's date, a
        # page updated under an older stamp, an opinion piece retelling older news).
        news = None
    if news and article.published and len(news[0]) == 10:
        if (article.published - date.fromisoformat(news[0])).days > DEFAULTS.timeline.max_news_lag_days:
            news = None
    lead_date: tuple[str, TimelinePrecision, tuple[Span, ...], DatedBy] | None = None
    if news is not None:
        lead_date = (*news, "news" if news[2] else "publication")
    elif not doubt and inferred is not None and (period := dating.calendar_value(inferred)):
        lead_date = (*period, (), "inferred")
    reports = _report_reader(analysis)
    tokens_of: dict[int, list] = {}
    for token in analysis.tokens:
        tokens_of.setdefault(token.sent, []).append(token)
    found = []
    precision: TimelinePrecision
    date_spans: tuple[Span, ...]
    how: DatedBy
    for sent in analysis.sentences:
        raw = text[sent.start : sent.end]
        stripped = raw.strip()
        if not is_clean_line(stripped) or not stands_alone(stripped):
            continue  # a piece cut inside a quotation, debris run in, a comment: no line to show
        start = sent.start + raw.index(stripped)
        if parse_flaw(stripped, tokens_of.get(sent.index, ()), analysis.mentions, origin=start):
            continue  # a headline, a fragment, a caption run into the story
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
        if not reports(sent.index, how != "mention", stripped):
            continue  # a state, a plan, an opinion or an instruction: not something that happened
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


def _tells_publication_day(usable: Sequence[TimeExpression], published: date | None) -> bool:
    """Whether an article's own dates show its news is of its publication day: it names that
    day ("on Monday" in Monday's article) and not the day before ("yesterday", "on Sunday",
    "last night"), which would make an undated lead as likely the night before's news."""
    if published is None:
        return False
    days = {d.value for d in usable if d.precision == "day"}
    return published.isoformat() in days and (published - timedelta(days=1)).isoformat() not in days


def _line_at(text: str, offset: int) -> str:
    end = text.find("\n", offset)
    return text[text.rfind("\n", 0, offset) + 1 : end if end >= 0 else len(text)]


# Clauses whose happening is apart from the main clause's: what came before it ("after", "since",
# "once"), its cause ("because") or a condition or concession ("if", "unless", "although");
_OTHER_EVENT_MARKS = frozenset({"after", "since", "once", "because", "although", "though", "if", "unless"})
# The same as prepositions: "After wall-to-wall coverage on Monday, the networks turned to ...";
# and one member of a set: "blamed for a string of violent acts, including the assassination of
# the prime minister in 1948" (the member's date, not the set's).
# ("including" is a preposition by its lemma "include")
# Verbs whose clause is a claim, not a reported fact: its date is the claimed thing's, while the
# sentence's happening is the claim ("the prosecution alleged that a lethal dose caused the
# star's death in June 2009" is news of the trial, not of 2009).
_CLAIM_LEMMAS = frozenset("allege claim contend argue accuse deny".split())
_OTHER_EVENT_PREPOSITIONS = frozenset({"after", "since", "following", "before", "until", "include"})


def _token_at(tokens: Sequence[Token]) -> Callable[[int], Token]:
    """The token that holds (or last starts before) an offset, by bisection over the starts."""
    starts = [t.start for t in tokens]
    return lambda offset: tokens[max(0, bisect.bisect_right(starts, offset) - 1)]


def _children(tokens: Sequence[Token]) -> dict[int, list[Token]]:
    """Each token's dependents, by the head's index."""
    children: dict[int, list[Token]] = {}
    for t in tokens:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t)
    return children


def _other_event_reader(analysis: Analysis) -> Callable[[int], bool]:
    """A function telling whether the date at an offset belongs to a clause about another event than
    the sentence's own: a relative clause ("the dam, which Karvonia completed in March, 2023"; "the
    protest it lodged last month"), a participle after a noun other than the main clause's own
    (`_of_the_main_clause`: "citing a report published on Monday"), a trailing participle ("a page
    sprang up, calling for protests on January 25"), a clause of cause, condition or
    concession ("because the board voted on Monday"), a comparison with an earlier time ("as they
    had done earlier this week"), an "after" or "since" clause or phrase ("after Monday's coverage",
    "following the 1988 disaster"; "before", "until" and "including" too), a date in the
    possessive other than on the main clause's own ("Varga criticised Wednesday's vote", "said
    Monday's coverage was event-driven"), a clause a claim verb governs ("alleged that the dose
    caused his death in June 2009"), at any depth ("negotiations that began when the ministers
    met in March"). Such a date says when that other thing happened, not when the sentence's
    news did. Without a parse, never."""
    tokens = analysis.tokens
    if not tokens:
        return lambda offset: False
    token_at = _token_at(tokens)
    marks: dict[int, set[str]] = {}
    for t in tokens:
        if t.dep == "mark" and t.head != t.i:
            marks.setdefault(t.head, set()).add(t.lemma.lower())
    # An "as" clause in the past perfect compares with an earlier time ("As they had done
    # earlier this week, thousands marched on Friday"); in the simple past it is the same time.
    for t in tokens:
        if t.dep == "aux" and t.tag == "VBD" and t.lemma == "have" and "as" in marks.get(t.head, ()):
            marks[t.head].add("after")

    def other_event(offset: int) -> bool:
        node = token_at(offset)
        for _ in range(24):
            if node.pos in ("VERB", "AUX") and (
                node.dep == "relcl"
                or (node.dep == "acl" and not _of_the_main_clause(tokens, tokens[node.head]))
                or (node.dep == "advcl" and marks.get(node.i, set()) & _OTHER_EVENT_MARKS)
            ):
                return True
            if node.tag == "VBG" and node.dep == "advcl" and node.i > node.head and not marks.get(node.i):
                # a trailing participle tells what the happening was about, its date the
                # content's: "a page sprang up, calling for protests on January 25" (a leading
                # one is the happening itself: "Speaking on TV on Monday, Calderon praised")
                return True
            if node.dep == "prep" and node.lemma.lower() in _OTHER_EVENT_PREPOSITIONS:
                return True
            if node.dep == "ccomp" and tokens[node.head].lemma.lower() in _CLAIM_LEMMAS:
                return True  # "the prosecution alleged that ... caused his death in June 2009"
            if node.dep == "poss" and not _of_the_main_clause(tokens, tokens[node.head]):
                return True  # "criticised Wednesday's vote": the vote's day, not the criticism's
            if node.head == node.i:
                return False
            node = tokens[node.head]
        return False

    return other_event


_SETTING = frozenset({"in", "at", "during"})


def _of_the_main_clause(tokens: Sequence[Token], noun: Token) -> bool:
    """Whether a noun is the subject of its sentence's main verb or the happening it took place
    at: "Friday's protests began at noon", "an estimate announced on 26 April put the flow at
    1,000 barrels", "In Tuesday's opening statement, the prosecutor told the court": the
    sentence's news is that thing's, and so is its day."""
    head = tokens[noun.head]
    if noun.dep in ("nsubj", "nsubjpass"):
        return head.dep == "ROOT"
    return noun.dep == "pobj" and head.lemma.lower() in _SETTING and tokens[head.head].dep == "ROOT"


_RANGE_BEFORE = re.compile(
    r"\b(?:between|from)\s+(?:(?:[\w,.-]+\s+){1,4}?(?:and|to|until|till)\s+)?$", re.IGNORECASE
)
_ANCHOR_AFTER = re.compile(
    r"^\s+on\s+the\s+(?:morning|afternoon|evening|night|day|eve)\s+of\b", re.IGNORECASE
)
_DEICTIC = frozenset({"Today", "Tonight", "Yesterday", "Tomorrow"})
# A week named by one of its days: "in the week ending April 26", "the week of March 2".
_WEEK_BY_DAY_AFTER = re.compile(r"^\s+(?:ending|ended|beginning|starting|of)\b", re.IGNORECASE)
_WEEK_BY_DAY_BEFORE = re.compile(
    r"\bweek\s+(?:ending|ended|to|beginning|starting|of)\s+(?:the\s+)?$", re.IGNORECASE
)


def _named_or_anchored(text: str, expression: TimeExpression) -> bool:
    """A date that does not date the sentence's news: a capitalised "Today" inside a sentence
    names something (the "Today program"); a clock time "on the morning of his death" is set by
    that other day; "between 1970 and 2000" and "from Monday" open a stretch; in "the week
    ending April 26" neither "the week" (not the article's week) nor "April 26" (one day of a
    week-long happening) is the happening's date."""
    words = expression.text.strip()
    before = text[max(0, expression.start - 48) : expression.start]
    after = text[expression.end : expression.end + 40]
    if words in _DEICTIC and before.rstrip()[-1:] not in ("", ".", "!", "?", '"', "“", "\n"):
        return True
    if _ANCHOR_AFTER.match(after) or _WEEK_BY_DAY_BEFORE.search(before):
        return True
    if re.search(r"(?i)\bweek$", words) and _WEEK_BY_DAY_AFTER.match(after):
        return True
    return bool(_RANGE_BEFORE.search(before))


_CLOCK = r"\b\d{1,2}[:.]\d\d(?:\s*(?:[ap]\.?m\.?|[AP]\.?M\.?))?(?:\s*\(?[A-Z]{2,4}\)?(?:\s+time)?)?"
_PROSE_BEFORE_CLOCK = r"(?<!at )(?<!by )(?<!about )(?<!around )(?<!until )(?<!from )(?<!after )(?<!before )"
_CLOCK_BEFORE = re.compile(_PROSE_BEFORE_CLOCK + _CLOCK + r"\s*[,|]?\s*$")
_CLOCK_AFTER = re.compile(r"^\s*[,:|]?\s*" + _CLOCK)
_WHOLE_CLOCK = re.compile(_CLOCK + r"$")
_YEAR_BEFORE = re.compile(r"\b\d{4}\s*[,:|]?\s*$")
_DATE_WITH_YEAR_AFTER = re.compile(  # "GMT, Wednesday, 28 September 2011", " Wed Apr 29, 2009"
    r"^\s*(?:[A-Z]{2,4}(?:\s+time)?)?\s*[,|]?\s*(?:[A-Z][a-z]+,?\s+)?(?:\d{1,2}\s+)?"
    r"[A-Z][a-z]+\.?(?:\s+\d{1,2})?,?\s+\d{4}\b"
)


def _is_stamp(text: str, expression: TimeExpression) -> bool:
    """A page's or a wire's time stamp ("Page last updated at 10:39 GMT, Wednesday, 28 September
    2011", "LONDON | Wed Apr 29, 2009 12:20 am BST"): a full date run together with a clock
    time, with no "at" or "on" between as prose has ("on 20 April 2010 at 9:45 pm"). It tells
    when the page was written or last updated, not when its news happened: news of the night
    before is stamped the next day, and a page updated later keeps its first stamp. The
    stamp's clock time, read as the stamp's day, is one too; a clock after "at" is prose."""
    before = text[max(0, expression.start - 24) : expression.start]
    after = text[expression.end : expression.end + 40]
    if _WHOLE_CLOCK.match(expression.text.strip()):  # the stamp's clock time, read as its day
        if re.search(r"\b(?:at|by|about|around|until|from|after|before)\s+$", before) and not re.search(
            r"(?i)\b(?:updated|posted|published|modified)\s+at\s+$", before
        ):
            return False  # "the vote came at 10:30 pm ET Tuesday, June 15, 2010": prose
        return bool(_YEAR_BEFORE.search(before) or _DATE_WITH_YEAR_AFTER.match(after))
    if not re.search(r"\d{4}", expression.text):
        return False
    return bool(_CLOCK_BEFORE.search(before) or _CLOCK_AFTER.match(after))


_BARE_WEEKDAY = re.compile(
    r"^(?:(?:early|late|later|earlier|on)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)


# A fuzzy count of units back: "a couple of years ago", "a few months ago", "several weeks back".
_FUZZY_AGO = re.compile(
    r"\b(?:a\s+couple\s+of|a\s+few|few|several|some|many)\s+(?:days|weeks|months|years|decades)\s+(?:ago|back|earlier)\b",
    re.IGNORECASE,
)


def _ambiguous_weekday(words: str, value: str, published: date | None) -> bool:
    """A bare weekday read as the day six days before publication ("early Saturday" in a
    Friday's article): a live page's stamp lags its updates, so the weekday may as well be the
    day after publication. News names a day a week back as "last Saturday" or by its date."""
    if published is None or not _BARE_WEEKDAY.match(words.strip()) or len(value) != 10:
        return False
    return (published - date.fromisoformat(value)).days == 6


# Words whose "to" clause is still to happen: "is due to meet", "is set to sign on Friday".
_FUTURE_HEADS = frozenset(
    "due set expect schedule plan intend hope aim prepare want going poise slate likely unlikely".split()
)
# Verbs whose date is when the expected thing is to come, or a guess at it, not a happening:
# "an announcement was expected later Friday", "they had hoped by late Thursday to hear".
_EXPECTING = frozenset("expect hope forecast predict anticipate".split())


def _plan_reader(analysis: Analysis) -> Callable[[int], bool]:
    """A function telling whether the date at an offset belongs to a clause about what is still
    to happen: its nearest verb has a modal ("Obama will get more on Friday", "he would meet
    the chairman later on Wednesday") or is a "to" clause of a future-looking word ("he is due
    to put his demands to them on Wednesday", "scheduled to continue through Wednesday").
    Without a parse, never."""
    tokens = analysis.tokens
    if not tokens:
        return lambda offset: False
    token_at, children = _token_at(tokens), _children(tokens)

    def plan(offset: int) -> bool:
        node = token_at(offset)
        for _ in range(24):
            if node.pos in ("VERB", "AUX") and node.dep not in ("aux", "auxpass"):
                helpers = children.get(node.i, [])
                if any(c.tag == "MD" for c in helpers) or node.lemma.lower() in _EXPECTING:
                    return True
                governor = tokens[node.head]
                return (
                    any(c.tag == "TO" and c.dep == "aux" for c in helpers)
                    and governor.lemma.lower() in _FUTURE_HEADS
                )
            if node.head == node.i:
                return False
            node = tokens[node.head]
        return False

    return plan


# Links inside a time phrase ("late Thursday", "Thursday night", "2 June"); "Wednesday's"
# (a possessive) and a preposition lead out of it.
_INSIDE_A_TIME_PHRASE = frozenset("amod compound npadvmod nummod det advmod nmod".split())


def _named_day_or_tally_reader(analysis: Analysis) -> Callable[[int], bool]:
    """A function telling whether the date at an offset is not when something happened: the
    day is itself the subject ("Thursday marked Day 17 of the protests"; "Wednesday's protest"
    still dates the protest), or it closes a count with "by" and a past perfect ("By 2
    June, BP had received 31,600 suggestions", "By late Thursday, they had hoped to hear"): a
    tally or a state up to that day, not a happening on it. Without a parse, never."""
    tokens = analysis.tokens
    if not tokens:
        return lambda offset: False
    token_at, children = _token_at(tokens), _children(tokens)

    def not_when(offset: int) -> bool:
        node = token_at(offset)
        for _ in range(4):  # from "late" or "night" up to the time phrase's head, no further
            if node.dep in ("nsubj", "nsubjpass"):
                return True
            if node.dep == "pobj" and tokens[node.head].lemma.lower() == "by":
                verb = tokens[tokens[node.head].head]
                return any(c.lemma == "have" and c.tag == "VBD" for c in children.get(verb.i, []))
            if node.dep not in _INSIDE_A_TIME_PHRASE or node.head == node.i:
                return False  # "footage from the site on Friday showed": the date is not the subject
            node = tokens[node.head]
        return False

    return not_when


_BARE_MONTH = re.compile(
    r"^(?:in\s+)?(?:early\s+|late\s+|mid-?)?(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)$",
    re.IGNORECASE,
)


def _month_still_to_come(words: str, value: str, limit: date | None) -> bool:
    """A bare month name ("in August") read as last year's when this year's is still to come:
    news names a month of the past year as "last August" or with its year, so a bare one in a
    June article is the coming August (relief wells "ready in August"), not a year back."""
    if limit is None or not _BARE_MONTH.match(words.strip()) or not re.match(r"\d{4}-\d\d", value):
        return False
    year, month = int(value[:4]), int(value[5:7])
    return year == limit.year - 1 and month > limit.month


def _quoted_reader(text: str, analysis: Analysis) -> Callable[[int], bool]:
    """A function telling whether an offset lies inside a quotation of its sentence."""
    spans = [
        (sent.start + start, sent.start + end)
        for sent in analysis.sentences
        for start, end in quoted_spans(text[sent.start : sent.end])
    ]
    return lambda offset: any(start <= offset < end for start, end in spans)


# A chronology's entries are told in the present ("22 April: The oil rig sinks ..."): a date
# and a colon open them.
_CHRONOLOGY_ENTRY = re.compile(
    r"^(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?)(?:,?\s+\d{4})?\s*:\s"
)
_HABITUAL = frozenset("often usually always sometimes frequently regularly typically once ever".split())
# Main verbs that state a sum ("totaled more than $400 million", "accounted for 300,000 sales").
_TALLY_LEMMAS = frozenset("total amount average account".split())
_SPEECH_LEMMAS = frozenset(
    "say tell report announce confirm claim warn state insist argue add write urge".split()
)


def _report_reader(analysis: Analysis) -> Callable[[int, bool, str], bool]:
    """A function telling whether a sentence reports something that happened, by the tense of its
    main verb: a past tense or a present perfect ("has ordered") does; a present tense is a
    state, a custom or an opinion ("The Friday prayer is obligatory", "This is Rivers State"), a
    modal is a plan or a guess ("He could also hold an election this year"), a bare verb an
    instruction ("Search, find and watch ..."), no verb at all a headline or a fragment; nor do
    a negated verb, a habit ("had often been stifled", "once said"), "be" or "have" as the
    main verb ("the streets were almost empty", "Egypt has had a long tradition"; "there was
    a wave of flu" and "the trial was in 2005" do) or a perfect progressive ("prices have been
    rising"). A
    present verb of speech ("the WHO says ...") reports the day's news for a sentence dated by
    its article's day, not for one dated by a date it names (the date is the words' content).
    When reported words come before their verb of speech ("Egypt is home to 80 million people,
    Cole said"), it is their tense that tells; a quotation's is its speaker's. A chronology
    entry ("22 April: The rig sinks") keeps its present. Without a parse, every sentence does."""
    by_sentence: dict[int, list] = {}
    for token in analysis.tokens:
        by_sentence.setdefault(token.sent, []).append(token)

    def reports(index: int, dated_by_day: bool, text: str) -> bool:
        tokens = by_sentence.get(index)
        if not tokens or _CHRONOLOGY_ENTRY.match(text):
            return True
        root = next((t for t in tokens if t.dep == "ROOT"), None)
        if root is not None and root.lemma in _SPEECH_LEMMAS and text[:1] not in "\"“‘'":
            # "X happened, officials said": the news is what was said, told before the verb
            # (a quotation's words are the speaker's: the news is that they were said)
            content = [t for t in tokens if t.head == root.i and t.dep == "ccomp" and t.i < root.i]
            root = content[0] if content else root
        if root is None:
            return True
        if root.pos not in ("VERB", "AUX"):
            return False  # no verb at its root: a headline, a caption, a fragment
        dependents = [t for t in tokens if t.head == root.i and t.i != root.i]
        auxiliaries = [t for t in dependents if t.dep in ("aux", "auxpass") and t.i < root.i]
        if any(t.tag == "MD" for t in auxiliaries) or any(t.dep == "neg" for t in dependents):
            return False  # a plan, a guess or what did not happen
        if any(t.dep == "advmod" and t.lemma.lower() in _HABITUAL for t in dependents):
            return False  # "often", "once", "usually": no one happening
        predicate = any(t.dep in ("acomp", "attr", "ccomp", "xcomp", "oprd") for t in dependents)
        if root.lemma in _TALLY_LEMMAS:
            return False  # "foreign grants totaled $400 million": a count, not a happening
        if root.lemma == "have" or (
            root.lemma == "be" and predicate and not any(t.dep == "expl" for t in dependents)
        ):
            return False  # "Egypt has had a long tradition", "the streets were empty": a state
        if root.tag == "VBG" and any(t.lemma == "be" and t.tag == "VBN" for t in auxiliaries):
            return False  # "food prices have been rising": a trend, not a happening
        finite = auxiliaries[0] if auxiliaries else root
        if finite.tag in ("VBD", "VBN"):
            return True
        if finite.tag in ("VBZ", "VBP"):
            if finite.lemma == "have" and finite is not root:
                # present perfect: "has ordered", "have been quarantined". It says the thing
                # happened before now, never when: it tells the day of a date it names, not
                # the news day or the publication day ("BP has tried a number of methods").
                return not dated_by_day
            return dated_by_day and root.lemma in _SPEECH_LEMMAS
        return False  # a bare verb (an instruction) or a participle without a finite verb

    return reports


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


_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that)\s+$", re.IGNORECASE)


def _attributive_date(text: str, expression: TimeExpression) -> bool:
    """A date that modifies a noun names what a thing is, not when the sentence's news
    happened: a bare year ("its 1991 borders", "this 2022 file photo") or a date after a
    determiner ("the July 2008 death of ...", "The 15 June estimate is based on ...")."""
    if not _NOUN_AFTER.match(text, expression.end):
        return False
    if expression.precision == "year" and expression.text.isdigit():
        return True
    return bool(_DETERMINER_BEFORE.search(text, max(0, expression.start - 8), expression.start))


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
