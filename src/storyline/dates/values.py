"""TIMEX3 types and values for the matches of `rules.py`, resolved against a reference date.

Values follow TimeML: "1998-02-13", "1998-02", "1998", "1998-W07", "1998-Q1", "1998-SU",
"1998-H2", decades "199", centuries "19", times "1998-02-13T17:00" or "1998-02-13TNI",
durations "P14M", "PT2H", "PXY" (an unknown amount), sets "P1W", and PRESENT_REF, PAST_REF,
FUTURE_REF. Relative expressions need the reference date (the publication date); a bare weekday
or month also needs the tense: in a past-tense sentence it is the latest one, in a sentence
about the future the next one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from storyline.config import DEFAULTS, DateSettings
from storyline.dates.rules import (
    DAY_PARTS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    RULES,
    SEASONS,
    TIME_UNITS,
    UNITS,
    WEEKDAYS,
)

Resolved = tuple[str, str]  # (TIMEX3 type, value)


@dataclass(frozen=True, slots=True)
class Context:
    """What a value may depend on besides its own words."""

    text: str
    reference: date | None
    tense: str = ""  # of the verb the expression belongs to: "past" | "present" | "future" | ""
    anchor: date | None = None  # the last date resolved to the day, month or year
    anchor_precision: str = "day"  # which of the three the anchor is known to
    quarter: tuple[int, int] | None = None  # the last fiscal quarter named (year, quarter)
    start: int = 0  # where the expression starts in `text`
    previous_end: int = -1  # where the expression before it ended
    previous_value: str = ""  # and its value
    # The value of a date phrase inside this one ("9 a.m. on Monday"): `timex.resolve_text`,
    # passed in so that this module needs nothing from the one that calls it.
    resolve: Callable[[str, Context], str | None] | None = None
    settings: DateSettings = DEFAULTS.dates

    @property
    def future(self) -> bool:
        return self.tense == "future"


def normalize(kind: str, match: re.Match[str], ctx: Context) -> Resolved | None:
    """The (type, value) of one match, or None when it is not a time or cannot be resolved."""
    try:
        return _NORMALIZERS[kind](match, ctx)
    except ValueError:  # "February 30" and other impossible dates
        return None


def _word(match: re.Match[str], group: str) -> str:
    return " ".join((match.group(group) or "").lower().split())


def _month(match: re.Match[str]) -> int:
    return MONTHS[match["month"].lower().rstrip(".")]


def _year(match: re.Match[str]) -> int:
    if match.groupdict().get("spoken_year"):
        return _spoken_year(match["spoken_year"])
    return int(match["year"])


def _spoken_year(text: str) -> int:
    words = text.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        return 2000 + int(NUMBER_WORDS.get(words[-1], 0) if len(words) > 2 else 0)
    rest = words[1:]
    return 1900 + int(sum(NUMBER_WORDS[w] for w in rest))  # whole numbers: one word each


def number(text: str) -> float | None:
    """The quantity a number phrase names ("two", "14", "2 1/2", "a couple of"), else None."""
    text = " ".join(text.lower().replace("-", " ").split())
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    whole, _, fraction = text.partition(" ")
    if re.fullmatch(r"\d+(?:\.\d+)?", whole):
        value = float(whole)
        if re.fullmatch(r"\d/\d", fraction):
            top, bottom = fraction.split("/")
            value += int(top) / int(bottom)
        return value
    words = text.split()
    if words and all(w in NUMBER_WORDS for w in words):
        return sum(NUMBER_WORDS[w] for w in words)
    return None


def day_value(when: date) -> str:
    """'1998-02-13'."""
    return when.isoformat()


def week_value(when: date) -> str:
    """The ISO week the day is in: '1998-W07'."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def duration_value(amount: float | None, unit: str) -> str:
    """'P2Y', 'PT3H', 'P2Y6M' for 2.5 years, 'PXM' for an unknown number of months."""
    code = UNITS[unit]
    prefix = "PT" if unit in TIME_UNITS else "P"
    if amount is None:
        return f"{prefix}X{code}"
    if amount == int(amount):
        return f"{prefix}{int(amount)}{code}"
    if code == "Y" and (amount * 12) == int(amount * 12):
        return f"P{int(amount)}Y{int(round((amount % 1) * 12))}M"
    if code == "D" and amount == 0.5:
        return "PT12H"
    return f"{prefix}{amount:g}{code}"


def _unit(text: str) -> str:
    unit = text.lower().rstrip("s")
    return {"centurie": "century", "millennia": "millennium"}.get(unit, unit)


def _quarter_of(when: date) -> tuple[int, int]:
    return when.year, (when.month - 1) // 3 + 1


def _last_quarter(ref: date) -> tuple[int, int]:
    """The latest quarter that has ended by `ref` (what results published then report)."""
    year, quarter = _quarter_of(ref)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _nearest_year(month: int, day: int, ctx: Context) -> date:
    """The year for a month and day given without one: in a sentence about the future the next
    such day; otherwise the latest one, unless the next one is only weeks away (news names
    deadlines and meetings by day: "the offer expires Nov. 16")."""
    ref = ctx.reference
    if ref is None:
        raise ValueError("a month and day need a reference date")
    candidates = [date(ref.year + d, month, day) for d in (-1, 0, 1)]
    ahead = min(c for c in candidates if c >= ref - timedelta(days=3))
    if (
        ctx.future
        or _preceded_by(ctx.text, ctx.start, ("effective", "until", "till"))
        or (ahead - ref).days <= ctx.settings.foresight_days
    ):
        return ahead
    return max(c for c in candidates if c <= ref)


def _month_year(month: int, rel: str, ctx: Context) -> int:
    ref = ctx.reference
    if ref is None:
        raise ValueError("a month needs a reference date")
    if rel == "this":
        return ref.year
    if rel in ("last", "past", "previous"):
        return ref.year if month < ref.month else ref.year - 1
    if rel in ("next", "coming"):
        return ref.year if month > ref.month else ref.year + 1
    if ctx.future or _preceded_by(ctx.text, ctx.start, ("by", "until", "till", "effective")):
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month + 1 else ref.year - 1


def _year_shift(text: str) -> int:
    words = text.lower().split()
    return -1 if "last" in words else 1 if "next" in words else 0


# -- the normalizers, one per rule kind ---------------------------------------------------


def _iso(match, ctx):
    return "DATE", day_value(date(int(match["year"]), int(match["mnum"]), int(match["day"])))


def _numeric(match, ctx):
    year = int(match["year"])
    year += 1900 if year < 100 and year > 30 else 2000 if year < 100 else 0
    return "DATE", day_value(date(year, int(match["mnum"]), int(match["day"])))


def _mdy(match, ctx):
    return "DATE", day_value(date(_year(match), _month(match), int(match["day"])))


def _md(match, ctx):
    month, day = _month(match), int(match["day"])
    if match.groupdict().get("yrel") and ctx.reference:
        return "DATE", day_value(date(ctx.reference.year + _year_shift(match["yrel"]), month, day))
    if ctx.reference is None:
        return None
    return "DATE", day_value(_nearest_year(month, day, ctx))


def _my(match, ctx):
    return "DATE", f"{_year(match)}-{_month(match):02d}"


def _month_alone(match, ctx):
    rel = _word(match, "rel")
    if (
        match["month"] == "May"
        and not rel
        and not match["pmod"]
        and not match["yrel"]
        and not _after_preposition(ctx.text, match.start())
    ):
        return None  # "May" is more often the verb
    if ctx.reference is None:
        return None
    month = _month(match)
    if match["yrel"]:
        year = ctx.reference.year + _year_shift(match["yrel"])
    elif _ends_range(ctx):  # "from June to September": after its start
        start_year, start_month = int(ctx.previous_value[:4]), int(ctx.previous_value[5:7])
        year = start_year + (1 if month < start_month else 0)
    else:
        year = _month_year(month, rel, ctx)
    return "DATE", f"{year}-{month:02d}"


_PREPOSITIONS = frozenset(
    {
        "in",
        "since",
        "during",
        "by",
        "until",
        "till",
        "of",
        "from",
        "through",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "and",
        "or",
        "to",
        "between",
        "last",
        "next",
        "this",
        "for",
        "on",
    }
)


def _ends_range(ctx: Context) -> bool:
    """Whether the expression closes a range opened by the one just before ("June to
    September", "March 3-10")."""
    if not re.fullmatch(r"\d{4}-\d\d", ctx.previous_value):  # a month, like the end
        return False
    between = ctx.text[ctx.previous_end : ctx.start].strip().lower() if ctx.previous_end >= 0 else ""
    return between in ("to", "through", "until", "till", "-", "–")


def _after_preposition(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].lower().split()
    return bool(before) and before[-1].strip("-") in _PREPOSITIONS


def _year_alone(match, ctx):
    return "DATE", str(_year(match))


def _year_period(match, ctx):
    what = _word(match, "what")
    if "half" in what:
        return "DATE", f"{_year(match)}-H{1 if what.startswith('first') else 2}"
    if ctx.quarter and what in ("period", "quarter"):
        return "DATE", f"{_year(match)}-Q{ctx.quarter[1]}"
    return "DATE", str(_year(match))


_DECADE_WORDS = {
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}


def _decade_word(match, ctx):
    """ "the nineties": the latest such decade that has begun by the reference date."""
    decade = _DECADE_WORDS[_word(match, "word")]
    ref_year = ctx.reference.year if ctx.reference else 1999
    century = ref_year // 100 - (1 if decade * 10 > ref_year % 100 else 0)
    return "DATE", f"{century}{decade}"


def _year_ago(match, ctx):
    count = number(match["ycount"]) if match["ycount"] else 1
    if count is None or ctx.reference is None:
        return None
    period = _word(match, "period")
    if period in ("quarter", "period") or (ctx.quarter and not period):
        # In results news "a year ago" is the same quarter of the previous year.
        year, quarter = ctx.quarter or _last_quarter(ctx.reference)
        return "DATE", f"{year - int(count)}-Q{quarter}"
    return "DATE", str(ctx.reference.year - int(count))


def _decade(match, ctx):
    if match["decade2"]:
        century = (
            "19"
            if ctx.reference is None or int(match["decade2"]) * 10 > ctx.reference.year % 100
            else str(ctx.reference.year // 100)
        )
        return "DATE", century + match["decade2"]
    if match["decade"] == "0" and match["century"] != "20":
        return "DATE", match["century"]  # "the 1800s", "the 1900s": the century (but "the 2000s")
    return "DATE", match["century"] + match["decade"]


def _century(match, ctx):
    return "DATE", f"{int(match['cnum']) - 1:02d}"


def _weekday_date(weekday: str, rel: str, ctx: Context) -> date:
    ref = ctx.reference
    if ref is None:
        raise ValueError("a weekday needs a reference date")
    target = WEEKDAYS[weekday.lower()]
    back = (ref.weekday() - target) % 7
    ahead = (target - ref.weekday()) % 7
    if rel in ("next", "coming", "this coming"):
        return ref + timedelta(days=ahead or 7)
    if rel in ("last", "past", "this past"):
        return ref - timedelta(days=back or 7)
    if rel == "previous":
        return ref - timedelta(days=back or 7) - timedelta(days=7)
    if rel == "this":
        return ref - timedelta(days=ref.weekday()) + timedelta(days=target)
    if ctx.tense in ("future", "present") and not _preceded_by(ctx.text, ctx.start, ("since",)):
        return ref + timedelta(days=ahead)  # "the talks resume Monday": a schedule
    if ctx.tense != "past" and _preceded_by(ctx.text, ctx.start, ("until", "till")):
        return ref + timedelta(days=ahead)  # a deadline: "a truce until Tuesday"
    return ref - timedelta(days=back)


def _weekday_set(match, ctx):
    """ "Tuesdays", "Tuesday nights", "every Tuesday night": each such day (TIMEX3 SET
    `XXXX-WXX-2`, `XXXX-WXX-2TNI`); a single weekday is left to the other rules."""
    if not (match["quant"] or match["plural"] or match["plural2"]):
        return None
    value = f"XXXX-WXX-{WEEKDAYS[match['weekday'].lower()] + 1}"
    part = _word(match, "part")
    return "SET", value + (f"T{DAY_PARTS[part]}" if part else "")


def _weekday(match, ctx):
    if ctx.reference is None:
        return None
    if re.search(r"(?:^|[^\w'’])an?\s$", ctx.text[max(0, match.start() - 4) : match.start()], re.I):
        return "DATE", f"XXXX-WXX-{WEEKDAYS[match['weekday'].lower()] + 1}"  # "on a Monday": which is unknown
    when = _weekday_date(match["weekday"], _word(match, "rel"), ctx)
    part = _word(match, "part")
    if part:
        return "TIME", f"{day_value(when)}T{DAY_PARTS[part]}"
    return "DATE", day_value(when)


def _part_weekday(match, ctx):
    if ctx.reference is None:
        return None
    when = _weekday_date(match["weekday"], "", ctx)
    part = _word(match, "part")
    clock = {"noon": "12:00", "midnight": "24:00"}.get(part) or DAY_PARTS[part]
    return "TIME", f"{day_value(when)}T{clock}"


_DAY_WORDS = {
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}


def _today(match, ctx):
    if ctx.reference is None:
        return None
    word = _word(match, "word")
    when = ctx.reference + timedelta(days=_DAY_WORDS[word])
    part = _word(match, "part") or ("tonight" if word == "tonight" else "")
    if part:
        return "TIME", f"{day_value(when)}T{DAY_PARTS[part]}"
    return "DATE", day_value(when)


def _day_part(match, ctx):
    if ctx.reference is None:
        return None
    rel, part = _word(match, "rel"), _word(match, "part")
    shift = {"last": -1 if part in ("night", "evening") else 0, "yesterday": -1, "tomorrow": 1}.get(rel, 0)
    if rel in ("late", "early"):
        return None
    return "TIME", f"{day_value(ctx.reference + timedelta(days=shift))}T{DAY_PARTS[part]}"


def _clock(match, ctx):
    if ctx.reference is None:
        return None
    hour = int(match["hour"]) % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
    when = ctx.reference
    tail = match["tail"]
    if tail and ctx.resolve is not None:
        found = ctx.resolve(tail, ctx)  # the tail is itself a date phrase
        if found and len(found) == 10:
            when = date.fromisoformat(found)
    return "TIME", f"{day_value(when)}T{hour:02d}:{match['minute'] or '00'}"


def _clock_value(match: re.Match[str], ctx: Context) -> Resolved:
    day = day_value(ctx.reference) if ctx.reference else "XXXX-XX-XX"
    return "TIME", f"{day}T{match['hour']}:{match['minute']}"


_AT_CLOCK = ("at", "by", "from", "until", "till", "before", "after", "around", "about", "since")


def _clock24(match, ctx):
    """ "at 2000 GMT", "2330 local time", "at 1400 hours": a time of day, never a year; even
    without a reference date the match keeps the year rule off it."""
    if match["tz"].lower() in ("hours", "hrs") and not _preceded_by(ctx.text, match.start(), _AT_CLOCK):
        return None  # "for 1400 hours" is a duration
    return _clock_value(match, ctx)


def _clock_stamp(match, ctx):
    """ "1905: Police fire tear gas": the time of a live report's line, when the text's other
    line stamps show a live log (see `live_log`); in a chronology ("1969: Gaddafi seizes
    power") the stamps are years."""
    if not live_log(ctx.text):
        return None
    return _clock_value(match, ctx)


_LINE_STAMP = re.compile(r"^[ \t]*(\d{4}):\s", re.M)


@functools.lru_cache(maxsize=16)
def live_log(text: str) -> bool:
    """Whether the four-digit numbers that open lines of `text` ("1905: ...") are clock times:
    at least two, every one a valid 24-hour time, and either one of them no year a news text
    names (before 1500 or after 2099, "0930", "2330") or running backwards somewhere, as a live
    log runs (latest first) and a chronology never does."""
    stamps = [int(m[1]) for m in _LINE_STAMP.finditer(text)]
    if len(stamps) < 2 or any(n // 100 > 23 or n % 100 > 59 for n in stamps):
        return False
    return any(n < 1500 or n > 2099 for n in stamps) or any(b < a for a, b in itertools.pairwise(stamps))


def clock_at(text: str, start: int, end: int) -> bool:
    """Whether the four digits at `text[start:end]` are a time of day ("at 2000 GMT", a live
    log's "1905:") rather than a year, judged on the whole text."""
    for kind in ("clock24", "clock_stamp"):
        pattern = _CLOCK_PATTERNS[kind]
        for match in pattern.finditer(text, max(0, start - 2), min(len(text), end + 16)):
            if match.start("hour") == start and _NORMALIZERS[kind](match, Context(text=text, reference=None)):
                return True
    return False


def _noon(match, ctx):
    if ctx.reference is None:
        return None
    part = _word(match, "part").replace("-", "")
    when = ctx.reference + timedelta(days=_DAY_WORDS[_word(match, "word")])
    clock = {"noon": "12:00", "midnight": "24:00", "midafternoon": "AF", "midmorning": "MO"}[part]
    return "TIME", f"{day_value(when)}T{clock}"


def _unit_rel(match, ctx):
    ref = ctx.reference
    if ref is None:
        return None
    rel, unit = _word(match, "rel"), _word(match, "unit")
    if rel in ("same", "latest"):
        return None
    if unit in SEASONS and rel in ("this past", "this coming"):
        start = _SEASON_START[SEASONS[unit]]
        past = rel == "this past"
        year = (
            ref.year - (1 if past and start > ref.month else 0) + (1 if not past and start < ref.month else 0)
        )
        return "DATE", f"{year}-{SEASONS[unit]}"
    if unit in SEASONS and rel in ("last", "past", "previous", "next", "coming"):
        # The latest such season that has ended ("last summer" in October is this year's), or
        # the next that has not begun ("next spring" in January is this year's).
        start = _SEASON_START[SEASONS[unit]]
        if rel in ("next", "coming"):
            return "DATE", f"{ref.year + (0 if start > ref.month else 1)}-{SEASONS[unit]}"
        return "DATE", f"{ref.year - (0 if start + 3 <= ref.month else 1)}-{SEASONS[unit]}"
    if unit == "weekend" and rel in ("last", "past", "previous", "this past"):
        # the weekend before the reference date: "last weekend" on a Wednesday is three days ago
        back = (ref.weekday() - 5) % 7 + (7 if ref.weekday() >= 5 else 0)  # not the one under way
        return "DATE", week_value(ref - timedelta(days=back)) + "-WE"
    if unit == "weekend" and rel in ("next", "coming", "this coming"):
        return "DATE", week_value(ref + timedelta(days=(5 - ref.weekday()) % 7 or 7)) + "-WE"
    step = {
        "last": -1,
        "past": -1,
        "previous": -1,
        "this past": -1,
        "next": 1,
        "coming": 1,
        "this coming": 1,
    }.get(rel, 0)
    if unit == "week":
        return "DATE", week_value(ref + timedelta(weeks=step))
    if unit == "weekend":
        return "DATE", week_value(_weekend(ref, ctx) + timedelta(weeks=step)) + "-WE"
    if unit == "month":
        return "DATE", (ref + relativedelta(months=step)).strftime("%Y-%m")
    if unit == "year":
        return "DATE", str(ref.year + step)
    if unit == "quarter":
        year, quarter = _quarter_of(ref + relativedelta(months=3 * step))
        return "DATE", f"{year}-Q{quarter}"
    if unit == "decade":
        return "DATE", str(ref.year // 10 + step)
    if unit == "century":
        return "DATE", str(ref.year // 100 + step)
    if unit in SEASONS:
        return "DATE", f"{ref.year + step}-{SEASONS[unit]}"
    return None


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # the month each season begins


def _weekend(ref: date, ctx: Context) -> date:
    """The Saturday of the weekend meant: the coming one in a sentence about the future, else
    the latest one."""
    if ctx.future:
        return ref + timedelta(days=(5 - ref.weekday()) % 7)
    return ref - timedelta(days=(ref.weekday() - 5) % 7)


def _the_unit(match, ctx):
    ref = ctx.reference
    span, unit = _word(match, "span"), _word(match, "unit")
    if (
        ref is not None
        and (match["pmod"] or span in ("current", "same"))
        and unit in ("week", "month", "year")
    ):
        # "the end of the month", "the current year": the unit the reference date is in
        return "DATE", {"week": week_value(ref), "month": ref.strftime("%Y-%m"), "year": str(ref.year)}[unit]
    if ref is not None and unit == "year" and span in ("past", "last", "full"):
        # TimeBank reads "the past year" and "the full year" as a calendar year
        return "DATE", str(ref.year - (span != "full"))
    if span in (
        "past",
        "last",
        "previous",
        "next",
        "coming",
        "following",
        "preceding",
        "first",
        "full",
        "entire",
        "whole",
        "ensuing",
        "remaining",
        "final",
        "",
    ):
        if (
            unit == "year"
            and span == ""
            and ref is not None
            and _preceded_by(ctx.text, match.start(), ("in", "during", "earlier in", "later in", "of"))
        ):
            return "DATE", str(ref.year)
        if unit == "season" or (unit == "day" and span == ""):
            return None
        if unit == "week" and span == "" and ref is not None:
            return "DATE", week_value(ref)
        if unit == "weekend" and ref is not None:
            return "DATE", week_value(_weekend(ref, ctx)) + "-WE"
        return "DURATION", duration_value(1, unit if unit != "weekend" else "weekend")
    if ref is None:
        return None
    if span == "recent":
        return "DATE", "PAST_REF"
    return None


def _preceded_by(text: str, start: int, phrases: tuple[str, ...]) -> bool:
    before = " ".join(text[max(0, start - 20) : start].lower().split())
    return any(before.endswith(p) for p in phrases)


_SEASON_PREPOSITIONS = (
    "in",
    "during",
    "this",
    "by",
    "until",
    "since",
    "through",
    "over",
    "that",
    "next",
    "last",
    "into",
    "throughout",
    "before",
    "after",
    "for",
    "from",
    "till",
)


def _season(match, ctx):
    qualified = match["pmod"] or match["pmod3"] or match["year"] or match["spoken_year"] or match["yrel"]
    if not qualified and not _preceded_by(ctx.text, match.start(), _SEASON_PREPOSITIONS):
        return None  # "fall" and "spring" are verbs and nouns more often than seasons
    if not qualified and re.match(r"\s+(?:of|in)\b", ctx.text[match.end() :]):
        return None  # "the fall of the Berlin Wall", "a fall in prices"
    code = SEASONS[_word(match, "season")]
    if match["year"] or match["spoken_year"]:
        return "DATE", f"{_year(match)}-{code}"
    if ctx.reference is None:
        return None
    year = ctx.reference.year + (_year_shift(match["yrel"]) if match["yrel"] else 0)
    return "DATE", f"{year}-{code}"


def _quarter(match, ctx):
    groups = match.groupdict()
    quarter = ORDINALS[_word(match, "qord")]
    det, rel = (groups.get("det") or "").lower(), (groups.get("qrel") or "").lower()
    if groups.get("year") or groups.get("qyear"):
        return "DATE", f"{groups.get('year') or groups.get('qyear')}-Q{quarter}"
    if ctx.reference is None:
        return None
    yrel = groups.get("yrel") or ""
    year = ctx.reference.year + _year_shift(det + " " + yrel)
    if rel in ("year-earlier", "year-ago"):
        year -= 1
    elif not (yrel or "year" in det) and date(year, 3 * quarter - 2, 1) > ctx.reference and not ctx.future:
        year -= 1  # a quarter that has not begun yet is last year's, in past-tense news
    return "DATE", f"{year}-Q{quarter}"


def _quarter_ref(match, ctx):
    det, rel, what = _word(match, "det"), _word(match, "qrel"), _word(match, "what")
    if not det and not rel:
        return None
    if ctx.reference is None:
        return None
    if what == "fiscal year":
        if rel in ("", "first"):
            return "DURATION", "P1Y"
        return "DATE", str(ctx.reference.year - (1 if rel in ("latest", "last", "previous") else 0))
    if rel in ("first", "second", "third", "fourth", "next"):
        return None
    year, quarter = ctx.quarter or _last_quarter(ctx.reference)
    if rel == "current" or rel == "this":
        year, quarter = _quarter_of(ctx.reference)
    if (
        rel in ("year-earlier", "year-ago", "corresponding", "comparable", "same")
        or match["tail"]
        or "last year" in det
    ):
        if rel in ("same", "comparable", "corresponding") and not match["tail"] and "last year" not in det:
            return None
        year -= 1
    if what == "period" and not rel:
        return None
    if rel == "last" and what == "quarter":
        year, quarter = _last_quarter(ctx.reference)
    ended = _ENDED.match(ctx.text, match.end())
    if ended and not rel:  # "the quarter ended Sept. 30"
        month = MONTHS[ended["month"].lower().rstrip(".")]
        end = _nearest_year(month, min(int(ended["day"]), 28), ctx)
        year, quarter = _quarter_of(end - timedelta(days=20))
    return "DATE", f"{year}-Q{quarter}"


_ENDED = re.compile(r"\s+end(?:ed|ing)\s+(?P<month>[A-Z][a-z]+)\.?\s+(?P<day>\d{1,2})\b")


def _half(match, ctx):
    half = 1 if _word(match, "hord") == "first" else 2
    if match["year"] or match["spoken_year"]:
        return "DATE", f"{_year(match)}-H{half}"
    if ctx.reference is None or not match["yrel"]:
        return None
    return "DATE", f"{ctx.reference.year + _year_shift(match['yrel'])}-H{half}"


def _halves(match, ctx):
    half = 1 if _word(match, "hord") == "first" else 2
    if match["year"] or match["spoken_year"]:
        return "DATE", f"{_year(match)}-H{half}"
    return None


def _ago(match, ctx):
    ref = ctx.reference
    unit = _unit(match["unit"])
    amount = number(match["num"])
    if ref is None:
        return None
    direction = _word(match, "dir")
    sign = -1 if direction in ("ago", "earlier") else 1
    if amount is None or amount != int(amount):
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
    n = int(amount) * sign
    if unit == "day":
        return "DATE", day_value(ref + timedelta(days=n))
    if unit == "week":
        return "DATE", week_value(ref + timedelta(weeks=n))
    if unit == "month":
        return "DATE", (ref + relativedelta(months=n)).strftime("%Y-%m")
    if unit == "quarter":
        year, quarter = _quarter_of(ref + relativedelta(months=3 * n))
        return "DATE", f"{year}-Q{quarter}"
    if unit == "year":
        return "DATE", str(ref.year + n)
    if unit == "decade":
        return "DATE", str((ref.year + 10 * n) // 10)
    if unit in TIME_UNITS:
        return None
    return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"


def _duration(match, ctx):
    unit = _unit(match["unit"])
    num = _word(match, "num")
    amount = number(num)
    if num in ("a", "an", "one") and not match["plural"]:
        if unit == "second" and not re.match(r"\s*(?:[.,;:)]|or\b)", ctx.text[match.end() :]):
            return None  # "a second term": the ordinal
        if _is_rate(ctx.text, match.start()):
            return "SET", duration_value(1, unit)
        if unit == "day" and not match["approx"] and not match["span"]:
            return None  # "a day" alone is rarely a span of time ("one day he left")
    if amount is None and num in ("", "the"):
        return None
    if amount is None and _word(match, "span") in ("past", "last", "recent", "previous"):
        return "DATE", "PAST_REF"  # "the past several quarters"
    if unit == "decade" and amount is not None:
        return "DURATION", duration_value(amount * 10, "year")
    return "DURATION", duration_value(amount, unit)


_RATE = re.compile(
    r"(?:\d|%|percent|cents?|dollars?|times|once|twice|yen|marks|francs|"
    r"pounds|shares|million|billion|barrels|tons|units|cars|trucks|people|"
    r"workers)\W*$",
    re.IGNORECASE,
)


def _is_rate(text: str, start: int) -> bool:
    """'$5 million a year', '3% a year': the expression is a frequency, not a duration."""
    return bool(_RATE.search(text[max(0, start - 24) : start].rstrip()))


def _duration_adj(match, ctx):
    unit = _unit(match["unit"])
    num = _word(match, "num")
    if num == "half":
        return "DURATION", duration_value(0.5, unit)
    amount = None if num == "several" else number(num)
    if amount is None and num != "several":
        return None
    return "DURATION", duration_value(amount, unit)


def _span_range(match, ctx):
    return "DURATION", duration_value(None, _unit(match["unit"]))


def _vague_plural(match, ctx):
    lead, unit = _word(match, "lead"), _unit(match["unit"])
    if lead in ("coming", "the coming", "future"):
        return "DATE", "FUTURE_REF"
    if lead in ("past", "the last") or (lead == "recent" and unit == "year"):
        return "DATE", "PAST_REF"
    if not lead and not _preceded_by(
        ctx.text, match.start(), ("for", "in", "over", "within", "took", "take", "takes", "last", "lasted")
    ):
        return None
    return "DURATION", duration_value(None, unit)


def _set(match, ctx):
    unit = _word(match, "unit")
    num = _word(match, "num")
    if match["month"]:
        return "SET", f"XXXX-{_month(match):02d}"
    unit = unit.removesuffix("s")
    if unit in WEEKDAYS:
        return "SET", "XXXX-WXX-" + str(WEEKDAYS[unit] + 1)
    if unit in DAY_PARTS:
        return "SET", "TXX" + DAY_PARTS[unit]
    amount = 2 if num == "other" else number(num) if num else 1
    return "SET", duration_value(amount, _unit(unit))


_ADVERB_SETS = {
    "annually": "P1Y",
    "yearly": "P1Y",
    "daily": "P1D",
    "nightly": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "quarterly": "P3M",
    "hourly": "PT1H",
}


def _set_adverb(match, ctx):
    end = match.end()
    after = ctx.text[end : end + 2]
    if not re.match(r"\s*[.,;]", after):
        return None  # "a daily newspaper", "quarterly dividend": an adjective, not a frequency
    return "SET", _ADVERB_SETS[_word(match, "word")]


def _anchored(match, ctx):
    det, unit = _word(match, "det"), _word(match, "unit")
    anchor = ctx.anchor or ctx.reference
    if anchor is None:
        return None
    if det == "the next" and _preceded_by(ctx.text, match.start(), ("over", "for", "within", "during", "in")):
        return None  # "over the next month" is a span of time
    step = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1, "the prior": -1}.get(
        det, 0
    )
    if ctx.anchor is not None and ctx.anchor_precision != "day" and unit != "year":
        # "that day" after "in 1949": a day of that year, which one unknown (TIMEX3 `XX`)
        year = str(anchor.year)
        if unit in ("week", "weekend"):
            return "DATE", f"{year}-WXX" + ("-WE" if unit == "weekend" else "")
        if ctx.anchor_precision == "month" and unit == "month":
            return "DATE", (anchor + relativedelta(months=step)).strftime("%Y-%m")
        if unit == "month":
            return "DATE", f"{year}-XX"
        known_month = ctx.anchor_precision == "month" and not step
        day = f"{year}-{anchor.month:02d}-XX" if known_month else f"{year}-XX-XX"
        return ("TIME", f"{day}T{DAY_PARTS[unit]}") if unit in DAY_PARTS else ("DATE", day)
    if unit in DAY_PARTS:
        return "TIME", f"{day_value(anchor)}T{DAY_PARTS[unit]}"
    if unit == "day":
        return "DATE", day_value(anchor + timedelta(days=step))
    if unit == "week":
        return "DATE", week_value(anchor + timedelta(weeks=step))
    if unit == "weekend":
        return "DATE", week_value(anchor + timedelta(weeks=step)) + "-WE"
    if unit == "month":
        return "DATE", (anchor + relativedelta(months=step)).strftime("%Y-%m")
    return "DATE", str(anchor.year + step)


def _year_end(match, ctx):
    if ctx.reference is None:
        return None
    if "century" in _word(match, "word"):
        return "DATE", str(ctx.reference.year // 100)
    return "DATE", str(ctx.reference.year)


_REFS = {
    "now": "PRESENT_REF",
    "right now": "PRESENT_REF",
    "currently": "PRESENT_REF",
    "current": "PRESENT_REF",
    "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF",
    "at present": "PRESENT_REF",
    "presently": "PRESENT_REF",
    "the time being": "PRESENT_REF",
    "then-current": "PAST_REF",
    "then current": "PAST_REF",
    "recently": "PAST_REF",
    "recent": "PAST_REF",
    "the past": "PAST_REF",
    "lately": "PAST_REF",
}


def _ref(match, ctx):
    word = _word(match, "word")
    return "DATE", _REFS.get(word, "FUTURE_REF")


_NORMALIZERS = {
    "iso": _iso,
    "numeric": _numeric,
    "mdy": _mdy,
    "dmy": _mdy,
    "md": _md,
    "dm": _md,
    "my": _my,
    "month": _month_alone,
    "year": _year_alone,
    "year_ago": _year_ago,
    "year_period": _year_period,
    "decade_word": _decade_word,
    "decade": _decade,
    "century": _century,
    "weekday": _weekday,
    "weekday_set": _weekday_set,
    "part_weekday": _part_weekday,
    "today": _today,
    "day_part": _day_part,
    "clock": _clock,
    "noon": _noon,
    "clock24": _clock24,
    "clock_stamp": _clock_stamp,
    "unit_rel": _unit_rel,
    "the_unit": _the_unit,
    "season": _season,
    "quarter": _quarter,
    "quarter_adj": _quarter,
    "quarter_ref": _quarter_ref,
    "half": _half,
    "halves": _halves,
    "ago": _ago,
    "duration": _duration,
    "duration_adj": _duration_adj,
    "span_range": _span_range,
    "vague_plural": _vague_plural,
    "set": _set,
    "set_adverb": _set_adverb,
    "anchored": _anchored,
    "year_end": _year_end,
    "ref": _ref,
}


_CLOCK_PATTERNS = {kind: pattern for kind, pattern in RULES if kind in ("clock24", "clock_stamp")}
