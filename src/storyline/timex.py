"""Find dates in article text and resolve them against the article's publication date.

News dates are mostly relative ("on Wednesday", "last month", "the following month") and their
meaning depends on the reference date and the tense of the sentence, which general parsers
(dateparser's `search_dates`) do not weigh: a bare weekday in past-tense news is the most recent
one, in a sentence about plans the next one. So the patterns and the resolution are written
here; absolute dates are plain arithmetic on the matched numbers. Durations ("14 months") are
not dates and are left out. Without a reference date, only dates with an explicit year resolve.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from storyline.models import Article, Sentence, TimeExpression, Token

TIMEX_VERSION = "timex-1"

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PREP = r"(?:in|since|during|by|until|till|from|through|before|after|of|early|late|mid-?|last|next|this)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE if kind.startswith("rel") else 0))
    for kind, pattern in (
        ("iso", r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
        ("mdy", rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b"),
        ("dmy", rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s*,?\s+{_YEAR}\b"),
        ("md", rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d)"),
        ("my", rf"\b{_MONTH},?\s+{_YEAR}\b"),
        ("m", rf"\b(?:in|since|during|by|until|till|from|through|before|after)\s+"
              rf"(?:early\s+|late\s+|mid-)?(?P<expr>{_MONTH})(?!\s*,?\s*\d)"),
        ("y", rf"\b{_PREP}\s+(?P<expr>{_YEAR})\b(?!-)"),
        ("wd", rf"\b(?P<mod>(?:last|next|this|later|earlier|on|late|early)\s+)?{_WEEKDAY}\b"),
        ("rel_day", r"\b(?P<word>today|yesterday|tomorrow|tonight)\b"),
        ("rel_unit", r"\b(?P<mod>last|next|this|earlier this|later this|late last|early last|"
                     r"earlier last)\s+(?P<unit>week|month|year)\b"),
        ("rel_ago", r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
                    r"|\d{1,2})\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
        ("rel_follow", r"\bthe\s+(?P<mod>following|next|previous|preceding)\s+"
                       r"(?P<unit>day|week|month|year)\b"),
    )
)
_FUTURE = re.compile(r"\b(?:will|shall|'ll|is\s+(?:expected|due|scheduled|set|slated)\s+to|"
                     r"are\s+(?:expected|due|scheduled|set)\s+to|plans?\s+to|next)\b", re.I)


def find_dates(article: Article, sentences: Sequence[Sentence],
               reference: date | None = None,
               tokens: Sequence[Token] = ()) -> list[TimeExpression]:
    """Every resolvable date in the article, resolved against `reference` (default: published).

    With the parse (`tokens`), the tense is read from the verb the date belongs to; without
    it, from the whole sentence."""
    reference = reference or article.published
    text = article.text
    found: list[tuple[int, int, str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("expr") if "expr" in pattern.groupindex else match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((start, end, kind, match))
    found.sort()

    is_future = _future_reader(tokens) if tokens else None
    expressions: list[TimeExpression] = []
    previous: tuple[date, str] | None = None
    for start, end, kind, match in found:
        sent = _sentence_at(sentences, start)
        sent_text = text[sent.start:sent.end] if sent else text[max(0, start - 200):end + 200]
        future = is_future(start) if is_future else bool(_FUTURE.search(sent_text))
        resolved = _resolve(kind, match, reference, previous, future)
        if resolved is None:
            continue
        when, precision = resolved
        previous = resolved
        expressions.append(TimeExpression(
            article_id=article.id, start=start, end=end, text=text[start:end],
            value=format_date(when, precision), precision=precision,
            sentence_index=sent.index if sent else -1,
        ))
    return expressions


_FUTURE_AUX = frozenset({"will", "shall", "'ll"})
_PLAN_LEMMAS = frozenset({"plan", "expect", "schedule", "due", "intend", "aim", "hope"})


def _future_reader(tokens: Sequence[Token]):
    """A function telling whether the verb governing the token at an offset is in the future
    ("will meet on Friday") or is a plan ("plans to meet on Friday"); the index over the parse
    is built once per article. Token `i` is its position in `tokens`."""
    starts = [t.start for t in tokens]
    children: dict[int, list[Token]] = {}
    for t in tokens:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t)

    def is_future(offset: int) -> bool:
        node, steps = tokens[max(0, bisect.bisect_right(starts, offset) - 1)], 0
        while node.pos not in ("VERB", "AUX") and node.head != node.i and steps < 6:
            node, steps = tokens[node.head], steps + 1
        for _ in range(3):
            if any(c.lemma.lower() in _FUTURE_AUX for c in children.get(node.i, ())):
                return True
            if node.dep not in ("xcomp", "conj") or node.head == node.i:
                return False
            node = tokens[node.head]
            if node.lemma.lower() in _PLAN_LEMMAS:
                return True
        return False

    return is_future


def format_date(when: date, precision: str) -> str:
    """ISO 8601 cut to the precision: '2022-04-04', '2022-W14', '2022-04' or '2022'."""
    if precision == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    return {"day": when.isoformat(), "month": when.isoformat()[:7]}.get(precision, str(when.year))


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence | None:
    for sent in sentences:
        if sent.start <= offset < sent.end:
            return sent
    return None


def _month(match: re.Match[str]) -> int:
    return _MONTHS[match.group("month").lower().rstrip(".")]


def _closest(candidates: list[date], reference: date, future: bool) -> date:
    """The candidate nearest the reference; past-leaning news prefers earlier dates on a tie."""
    if future:
        ahead = [c for c in candidates if c >= reference.replace(day=1)]
        if ahead:
            return min(ahead)
    return min(candidates, key=lambda c: (abs((c - reference).days), c > reference))


def _resolve(kind: str, match: re.Match[str], ref: date | None,
             previous: tuple[date, str] | None, future: bool) -> tuple[date, str] | None:
    try:
        return _resolve_unchecked(kind, match, ref, previous, future)
    except ValueError:  # "February 30" and other impossible dates
        return None


def _resolve_unchecked(kind: str, match: re.Match[str], ref: date | None,
                       previous: tuple[date, str] | None,
                       future: bool) -> tuple[date, str] | None:
    if kind == "iso":
        return date(int(match["year"]), int(match["mnum"]), int(match["day"])), "day"
    if kind in ("mdy", "dmy"):
        return date(int(match["year"]), _month(match), int(match["day"])), "day"
    if kind == "my":
        return date(int(match["year"]), _month(match), 1), "month"
    if kind == "y":
        return date(int(match["year"]), 1, 1), "year"
    if ref is None:
        return None
    if kind == "md":
        day, month = int(match["day"]), _month(match)
        if not 1 <= day <= 31:
            return None
        candidates = [date(ref.year + d, month, day) for d in (-1, 0, 1)]
        return _closest(candidates, ref, future), "day"
    if kind == "m":
        month = _month(match)
        candidates = [date(ref.year + d, month, 1) for d in (-1, 0, 1)]
        if not future:
            candidates = [c for c in candidates if c <= ref] or candidates
        return _closest(candidates, ref.replace(day=1), future), "month"
    if kind == "wd":
        return _resolve_weekday(match, ref, future), "day"
    if kind == "rel_day":
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["word"].lower()]
        return ref + timedelta(days=offset), "day"
    if kind == "rel_unit":
        mod, unit = match["mod"].lower(), match["unit"].lower()
        step = -1 if "last" in mod else 1 if mod == "next" else 0
        precision = {"week": "day", "month": "month", "year": "year"}[unit]
        if unit == "week":
            monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=step)
            return monday, "week"
        return ref + relativedelta(**{unit + "s": step}), precision
    if kind == "rel_ago":
        n = _NUMBERS.get(match["n"].lower()) or int(match["n"])
        unit = match["unit"].lower()
        precision = "day" if unit in ("day", "week") else unit
        return ref - relativedelta(**{unit + "s": n}), precision
    if kind == "rel_follow":
        if previous is None:
            return None
        anchor, anchor_precision = previous
        unit = match["unit"].lower()
        step = 1 if match["mod"].lower() in ("following", "next") else -1
        precision = "day" if unit in ("day", "week") else unit
        if precision == "day" and anchor_precision != "day":
            return None
        return anchor + relativedelta(**{unit + "s": step}), precision
    return None


def _resolve_weekday(match: re.Match[str], ref: date, future: bool) -> date:
    target = _WEEKDAYS[match["weekday"].lower()]
    mod = (match["mod"] or "").strip().lower()
    back = (ref.weekday() - target) % 7
    ahead = (target - ref.weekday()) % 7
    if mod == "next":
        return ref + timedelta(days=ahead or 7)
    if mod == "last":
        return ref - timedelta(days=back or 7)
    if future and mod != "earlier":
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=back)
