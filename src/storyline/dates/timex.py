"""Find temporal expressions in article text and normalize them as TimeML TIMEX3 values.

Dates, times, durations and sets ("Friday", "the third quarter", "14-month", "each year",
"now") are found by the patterns of `rules.py` and given a TIMEX3 type and value by
`values.py`, against the article's reference date (its publication date). News dates are
mostly relative and their meaning depends on the tense of the sentence ("Friday" in past-tense
news is the latest Friday, in a sentence about plans the next one), which general parsers
(dateparser's `search_dates`) do not weigh, and they return neither TIMEX3 types nor durations,
so the grammar and the resolution are written here. Without a reference date only expressions
that carry their own year resolve.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import TypeGuard, get_args

from storyline.config import DEFAULTS, DateSettings
from storyline.dates.rules import KEYWORDS, RULES
from storyline.dates.values import Context, normalize
from storyline.models import Article, Sentence, TimeExpression, TimelinePrecision, Token

TIMEX_VERSION = "timex-5"
CALENDAR_PRECISIONS = frozenset(get_args(TimelinePrecision))

# Without the parse, a sentence looks forward by these words: the future, a modal that is not
# refused or in the past ("could resume", not "could not be reached", "would have left"), and
# plans and deadlines, also told in the past ("was scheduled for", "planned to", "postponed until").
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|(?:is|are|was|were)\s+(?:expected|due|scheduled|set|slated|going)\s+to|"
    r"plan(?:s|ned)?\s+to|(?:scheduled|slated|set|planned)\s+for|"
    r"(?:postponed|delayed|adjourned|extended|deferred)\s+(?:until|till|to)|"
    r"(?:would|could|might|may)\s+(?!not\b|n't|never\b|have\b|often\b|usually\b|later\b)[a-z]+|"
    r"next)\b",
    re.I,
)
_FUTURE_AUX = frozenset({"will", "shall", "'ll"})
_PLAN_LEMMAS = frozenset(
    {"plan", "expect", "schedule", "due", "intend", "aim", "hope", "set", "slate", "prepare"}
)
# Participles that make a noun a plan by themselves ("the vote scheduled Friday"); the other
# plan words do with "for" ("a meeting set for Friday", not "the record set on Aug. 6").
_SCHEDULE_LEMMAS = frozenset({"schedule", "slate", "plan"})
# Verbs of intention whose infinitive is still ahead when they are told in the past ("agreed to
# meet Tuesday", "was going to resign Tuesday"), besides the plan words.
_INTENT_LEMMAS = _PLAN_LEMMAS | frozenset(
    {"agree", "promise", "vow", "pledge", "threaten", "go", "decide", "vote", "move", "seek", "propose"}
)
# Nouns of a plan whose infinitive is ahead ("announced plans to march Tuesday").
_PLAN_NOUNS = frozenset({"plan", "intention", "bid", "promise", "pledge", "threat", "agreement", "deal"})
# Verbs that move or extend a date: the date they move it to is ahead ("was postponed until
# Tuesday", "extended the deadline to Tuesday", "adjourned till Tuesday").
_DELAY_LEMMAS = frozenset(
    {
        "postpone",
        "delay",
        "defer",
        "adjourn",
        "extend",
        "reschedule",
        "push",
        "move",
        "put",
        "suspend",
        "recess",
        "give",
        "grant",
    }
)
_DEADLINE_PREPOSITIONS = frozenset({"until", "till", "to", "by"})

Found = tuple[int, int, str, str]  # start, end, TIMEX3 type, value


def find_times(
    article: Article,
    sentences: Sequence[Sentence],
    reference: date | None = None,
    tokens: Sequence[Token] = (),
    *,
    settings: DateSettings = DEFAULTS.dates,
) -> list[TimeExpression]:
    """Every temporal expression of the article with its TIMEX3 type and value, resolved
    against `reference` (default: the publication date).

    With the parse (`tokens`) the tense is read from the verb the expression belongs to;
    without it, from the whole sentence."""
    reference = reference or article.published
    text = article.text
    if tokens:
        tense_at = _tense_reader(tokens, settings)
    else:

        def tense_at(offset: int) -> str:
            sent = _sentence_at(sentences, offset)
            around = text[sent.start : sent.end] if sent else text[max(0, offset - 200) : offset + 200]
            return "future" if _FUTURE.search(around) else ""

    expressions = []
    for start, end, kind, value in tag_text(text, reference, tense_at=tense_at, settings=settings):
        sent = _sentence_at(sentences, start)
        expressions.append(
            TimeExpression(
                article_id=article.id,
                start=start,
                end=end,
                text=text[start:end],
                type=kind,
                value=value,
                precision=precision_of_value(value),
                sentence_index=sent.index if sent else -1,
            )
        )
    return expressions


def find_dates(
    article: Article,
    sentences: Sequence[Sentence],
    reference: date | None = None,
    tokens: Sequence[Token] = (),
) -> list[TimeExpression]:
    """The expressions of `find_times` that name a calendar day, week, month or year (what a
    timeline can place); a time of day counts as its day."""
    dates = []
    for expression in find_times(article, sentences, reference, tokens):
        if expression.type == "TIME" and precision_of_value(expression.value[:10]) == "day":
            expression = replace(expression, value=expression.value[:10], precision="day")
        if expression.type in ("DATE", "TIME") and expression.precision in CALENDAR_PRECISIONS:
            dates.append(expression)
    return dates


# The stamp a topic or live page prints above each of its updates ("updated: Thu Mar 03 2011
# 23:59:00", "Fri Jan 14 2011 20:54:00"): the page's date is that of its first version, so the
# weekdays and "yesterday"s of an update are counted from the update's own stamp. Only this
# machine-printed shape is taken, and only when its weekday agrees with its date.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_UPDATE_STAMP = re.compile(
    rf"\b(?P<weekday>{'|'.join(_WEEKDAYS)})\s+(?P<month>{'|'.join(_MONTHS)})\s+(?P<day>\d{{1,2}})\s+"
    r"(?P<year>\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?\b"
)


def update_stamps(text: str) -> list[tuple[int, date]]:
    """(offset, day) of each update stamp in `text`, in text order."""
    stamps = []
    for match in _UPDATE_STAMP.finditer(text):
        try:
            day = date(int(match["year"]), _MONTHS.index(match["month"]) + 1, int(match["day"]))
        except ValueError:
            continue
        if day.weekday() == _WEEKDAYS.index(match["weekday"]):
            stamps.append((match.start(), day))
    return stamps


def tag_text(
    text: str,
    reference: date | None,
    *,
    tense_at: Callable[[int], str] = lambda offset: "",
    settings: DateSettings = DEFAULTS.dates,
) -> list[Found]:
    """(start, end, type, value) of every temporal expression in `text`, in text order;
    `tense_at(offset)` tells the tense of the verb an expression belongs to.

    Overlapping candidates are settled longest first (the earlier rule on a tie); a candidate
    that does not resolve leaves room for the others. After an update stamp of a topic page
    (`update_stamps`), expressions resolve against the stamp's day instead of `reference`."""
    base = Context(text=text, reference=reference, resolve=resolve_text, settings=settings)
    candidates = []
    for order, (kind, pattern) in enumerate(RULES):
        keyword = KEYWORDS.get(kind)
        if keyword is not None and keyword.search(text) is None:
            continue  # no match is possible without the keyword
        for match in pattern.finditer(text):
            start, end = _trimmed(text, match.start(), match.end())
            if end > start and normalize(kind, match, base) is not None:
                candidates.append((start, end, order, kind, match))
    chosen: list[tuple[int, int, str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for start, end, _order, kind, match in sorted(candidates, key=lambda c: (c[0] - c[1], c[2])):
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        chosen.append((start, end, kind, match))
    found: list[Found] = []
    ctx = base
    stamps = update_stamps(text) if reference is not None else []
    offsets = [offset for offset, _ in stamps]
    for start, end, kind, match in sorted(chosen, key=lambda c: c[0]):
        stamp = bisect.bisect_right(offsets, start) - 1
        here = stamps[stamp][1] if stamp >= 0 else reference
        ctx = replace(ctx, tense=tense_at(start), start=start, reference=here)
        resolved = normalize(kind, match, ctx)
        if resolved is None:
            continue
        found.append((start, end, *resolved))
        ctx = replace(_remember(ctx, kind, *resolved), previous_end=end, previous_value=resolved[1])
    return found


def resolve_text(text: str, ctx: Context) -> str | None:
    """The value of the first expression in a short phrase, in the context of another."""
    found = tag_text(text, ctx.reference, tense_at=lambda offset: ctx.tense, settings=ctx.settings)
    return found[0][3] if found else None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,-":
        end -= 1
    return start, end


_QUARTER = re.compile(r"(\d{4})-Q([1-4])$")


def _remember(ctx: Context, rule: str, kind: str, value: str) -> Context:
    """What later expressions may refer to: the last quarter named by its number ("a year ago"
    in results news is that quarter a year before), the last date ("the following month")."""
    quarter = _QUARTER.match(value)
    if quarter and rule in ("quarter", "quarter_adj"):
        return replace(ctx, quarter=(int(quarter[1]), int(quarter[2])))
    if kind != "DATE" or quarter:
        return ctx
    precision = precision_of_value(value)
    if precision == "day":
        return replace(ctx, anchor=date.fromisoformat(value), anchor_precision="day")
    if precision == "month":
        return replace(ctx, anchor=date(int(value[:4]), int(value[5:7]), 1), anchor_precision="month")
    if precision == "year" and ctx.reference and value != str(ctx.reference.year):
        return replace(ctx, anchor=date(int(value), 1, 1), anchor_precision="year")
    return ctx


_PRECISIONS = (
    (re.compile(r"\d{4}-\d\d-\d\dT"), "time"),
    (re.compile(r"\d{4}-\d\d-\d\d$"), "day"),
    (re.compile(r"\d{4}-W\d\d$"), "week"),
    (re.compile(r"\d{4}-\d\d$"), "month"),
    (re.compile(r"\d{4}-Q\d$"), "quarter"),
    (re.compile(r"\d{4}-H\d$"), "half"),
    (re.compile(r"\d{4}-(?:SP|SU|FA|WI)$"), "season"),
    (re.compile(r"\d{4}$"), "year"),
    (re.compile(r"\d{3}$"), "decade"),
    (re.compile(r"\d{2}$"), "century"),
)


def precision_of_value(value: str) -> str:
    """How precise a TIMEX3 value is: "day", "week", "month", "year", "quarter", ...; "" for
    durations, sets and PRESENT_REF-style values."""
    for pattern, precision in _PRECISIONS:
        if pattern.match(value):
            return precision
    return ""


def is_calendar_precision(precision: str) -> TypeGuard[TimelinePrecision]:
    """Whether a TIMEX3 precision is one a timeline places: a day, week, month or year."""
    return precision in CALENDAR_PRECISIONS


_WORDS_PRECISION = (
    (re.compile(r"\d:\d\d|\b[ap]\.?m\b\.?|\bnoon\b|\bmidnight\b|\bo'clock\b", re.I), "time"),
    (
        re.compile(
            r"\b(?:today|yesterday|tomorrow|tonight|monday|tuesday|wednesday|thursday|"
            r"friday|saturday|sunday|days?)\b|\b\d{1,2}(?:st|nd|rd|th)?\b",
            re.I,
        ),
        "day",
    ),
    (
        re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|\bmonths?\b", re.I),
        "month",
    ),
)


def precision_of_words(text: str) -> str:
    """The precision a date phrase states: "time", "day", "month" or else "year"."""
    for pattern, precision in _WORDS_PRECISION:
        if pattern.search(text):
            return precision
    return "year"


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence | None:
    starts = [s.start for s in sentences]
    index = bisect.bisect_right(starts, offset) - 1
    if index >= 0 and sentences[index].start <= offset < sentences[index].end:
        return sentences[index]
    return None


_PAST_TAGS = frozenset({"VBD"})
_PRESENT_TAGS = frozenset({"VBP", "VBZ"})
# Modals that put a clause after its time ("the talks could resume Monday", "said the
# commission would meet in July"). Refusal and inability are past events ("would not comment
# Tuesday", "could not be reached Monday"), "would often" and "would later" tell a past habit
# or a past story, and "would have" a past that did not happen: none of them looks forward.
_MODALS = frozenset({"would", "could", "might", "should", "must", "may", "can", "ought"})
_NEGATED_PAST_MODALS = frozenset({"would", "could"})
_HABIT_ADVERBS = frozenset(
    {
        "often",
        "usually",
        "always",
        "sometimes",
        "regularly",
        "frequently",
        "typically",
        "occasionally",
        "normally",
        "generally",
        "later",
        "eventually",
        "subsequently",
        "then",
    }
)
# Words of a time modifier: a reporting verb that has one ("said last week that ...") was
# not speaking at the reference date, so what it "would" do is not placed by that date.
_TIME_LEMMAS = frozenset(
    {"week", "month", "year", "ago", "earlier", "yesterday", "last", "previously"}
    | {w.capitalize() for w in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}
    | {
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
)


def _tense_reader(tokens: Sequence[Token], settings: DateSettings = DEFAULTS.dates) -> Callable[[int], str]:
    """A function telling the tense of the verb governing the token at an offset: "future"
    ("will meet Friday", "plans to meet Friday", "could resume Monday", "said the commission
    would meet in July", "a vote scheduled for Friday"), "past" ("met Friday", "had been due
    to expire Friday", "would have left Monday"), "present" ("meets Friday", "is to resume
    Tuesday") or "". The index over the parse is built once per article; token `i` is its
    position in `tokens`."""
    starts = [t.start for t in tokens]
    children: dict[int, list[Token]] = {}
    for t in tokens:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t)

    def modal_tense(node: Token, modal: Token, auxes: list[Token], offset: int) -> str:
        kids = children.get(node.i, ())
        if offset < modal.start:
            return ""  # "warnings on Thursday that strikes could harm": outside the clause
        if any(c.lemma.lower() == "have" for c in auxes):
            return "past"  # "would have left", "might have met"
        if modal.lemma.lower() in _NEGATED_PAST_MODALS and any(c.dep == "neg" for c in kids):
            return ""
        if any(c.dep == "advmod" and c.lemma.lower() in _HABIT_ADVERBS for c in kids):
            return ""
        if node.dep == "ccomp" and node.head != node.i and _has_time_modifier(tokens[node.head]):
            return ""  # "said last week that she would resign Friday": which Friday is open
        return "future"

    def _has_time_modifier(node: Token) -> bool:
        for child in children.get(node.i, ()):
            if child.dep in ("npadvmod", "advmod", "prep", "tmod", "pobj"):
                if child.lemma in _TIME_LEMMAS or child.lemma.lower() in _TIME_LEMMAS:
                    return True
                if any(g.lemma in _TIME_LEMMAS for g in children.get(child.i, ())):
                    return True
        return False

    def tense_of(node: Token, offset: int = -1) -> str:
        auxes = [c for c in children.get(node.i, ()) if c.dep in ("aux", "auxpass")]
        if any(c.lemma.lower() in _FUTURE_AUX for c in auxes):
            return "future"
        modal = next((c for c in auxes if c.tag == "MD" and c.lemma.lower() in _MODALS), None)
        if modal is not None:
            return modal_tense(node, modal, auxes, offset)
        if (
            node.tag in _PAST_TAGS
            or any(c.tag in _PAST_TAGS for c in auxes)
            or (node.tag == "VBN" and any(c.lemma.lower() == "have" for c in auxes))
        ):
            return "past"  # "met", "had been due to", "has gained"
        if node.tag in _PRESENT_TAGS or any(c.tag in _PRESENT_TAGS for c in auxes):
            return "present"
        return ""

    def governing_verb(node: Token) -> Token | None:
        for _ in range(6):
            if node.head == node.i:
                return None
            node = tokens[node.head]
            if node.pos in ("VERB", "AUX"):
                return node
        return None

    def past_perfect(node: Token) -> bool:
        """ "had been due to", "had planned to": a plan that has passed."""
        for _ in range(3):
            auxes = [c for c in children.get(node.i, ()) if c.dep in ("aux", "auxpass")]
            if any(c.lemma.lower() == "have" and c.tag == "VBD" for c in auxes):
                return True
            if node.dep not in ("acomp", "xcomp") or node.head == node.i:
                return False
            node = tokens[node.head]
        return False

    def looks_forward(verb: Token, path: list[Token]) -> bool:
        """Whether a clause told in the past places its time ahead of the telling: a plan
        ("said it planned to vote Tuesday", "the vote was scheduled for Tuesday", "the report
        was due Tuesday", "expected a decision by Tuesday") or a deadline a delay sets ("was
        postponed until Tuesday"); never one in the past perfect ("had been due to expire")."""
        if past_perfect(verb) or (verb.dep in ("acl", "amod") and verb.tag == "VBN"):
            return False  # a participle's own reading is `clause_tense`'s ("the meeting, set for ...")
        lemma = verb.lemma.lower()
        preps = {t.lemma.lower() for t in path if t.pos == "ADP"}
        if settings.deadlines_forward and lemma in _DELAY_LEMMAS and preps & _DEADLINE_PREPOSITIONS:
            return True
        if not settings.plans_forward:
            return False
        if lemma in _SCHEDULE_LEMMAS and verb.tag == "VBN":
            return True  # "was scheduled for Tuesday", "had been planned Tuesday" is caught above
        if lemma in _PLAN_LEMMAS and preps & {"for", "by"}:
            return True  # "expected a decision by Tuesday", "set the vote for Tuesday"
        if any(t.lemma.lower() == "due" for t in path) or any(
            c.lemma.lower() == "due" and c.dep == "acomp" for c in children.get(verb.i, ())
        ):
            return True  # "the report was due Tuesday"
        if verb.head != verb.i:
            head = tokens[verb.head]
            if verb.dep == "xcomp" and head.lemma.lower() in _INTENT_LEMMAS and not past_perfect(head):
                return True  # "planned to vote Tuesday", "was expected to vote Tuesday"
            if verb.dep == "acl" and head.lemma.lower() in _PLAN_NOUNS:
                return True  # "announced plans to march Tuesday"
        return False

    def tense_at(offset: int) -> str:
        node, steps = tokens[max(0, bisect.bisect_right(starts, offset) - 1)], 0
        if node.dep == "poss":
            return ""  # "Friday's purchases": the clause's tense says nothing of the day
        path = []
        while node.pos not in ("VERB", "AUX") and node.head != node.i and steps < 6:
            path.append(node)
            node, steps = tokens[node.head], steps + 1
        tense = clause_tense(node, path, offset)
        if tense in ("past", "") and looks_forward(node, path):
            return "future"
        return tense

    def clause_tense(node: Token, path: list[Token], offset: int) -> str:
        for _ in range(3):
            tense = tense_of(node, offset)
            if (
                not tense
                and node.dep in ("acl", "amod")
                and node.tag == "VBN"
                and (
                    node.lemma.lower() in _SCHEDULE_LEMMAS
                    or (node.lemma.lower() in _PLAN_LEMMAS and any(t.lemma.lower() == "for" for t in path))
                )
            ):
                # "a vote scheduled for Friday", unless told in the past ("the meeting,
                # scheduled for Monday, went ahead")
                verb = governing_verb(node)
                return "" if verb is not None and tense_of(verb) == "past" else "future"
            if tense or node.dep not in ("xcomp", "conj") or node.head == node.i:
                return tense
            head = tokens[node.head]
            # "is due to expire" plans; "had been due to expire" no longer does
            head_tense = tense_of(head) or (
                tense_of(tokens[head.head]) if head.dep in ("acomp", "attr") else ""
            )
            if node.dep == "xcomp" and head.lemma.lower() in _PLAN_LEMMAS and head_tense != "past":
                return "future"
            node = head
        return ""

    return tense_at


__all__ = [
    "TIMEX_VERSION",
    "find_dates",
    "find_times",
    "is_calendar_precision",
    "precision_of_value",
    "precision_of_words",
    "tag_text",
]
