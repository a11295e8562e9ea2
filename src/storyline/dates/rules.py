"""The words and patterns of English temporal expressions, as TimeML marks their extent.

Each rule is a kind and a regular expression; `values.py` turns a match of a kind into a TIMEX3
type and value. Spans follow the TimeML guidelines: determiners and modifiers that belong to the
expression are inside ("the third quarter", "early next year", "nearly two years"),
prepositions are not ("on Friday" -> "Friday"). Month and weekday names must be capitalized
(so "may" the verb and "march" the noun are not dates); other words match in any case.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "one hundred": 100,
    "a thousand": 1000,
    "two thousand": 2000,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "half a": 0.5,
    "a half": 0.5,
}
VAGUE_NUMBERS = ("several", "a few", "few", "some", "many", "the", "a number of", "a couple of")
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
}
DAY_PARTS = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "overnight": "NI",
    "tonight": "NI",
}
# TIMEX3 duration units; seconds, minutes and hours take the time designator "T".
UNITS = {
    "second": "S",
    "minute": "M",
    "hour": "H",
    "day": "D",
    "week": "W",
    "fortnight": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "centurie": "CE",
    "millennium": "ML",
    "millennia": "ML",
    "weekend": "WE",
}
TIME_UNITS = frozenset({"second", "minute", "hour"})

_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]"
    r"(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|(?:a|one)\s+hundred|hundreds|two\s+thousand|a\s+thousand)"
)
_DIGITS = r"(?:\d+(?:\.\d+)?(?:\s+\d/\d)?)"
NUM = rf"(?:{_DIGITS}|{_WORD_NUMBER}|a\s+couple\s+of|a\s+couple|couple\s+of|half\s+a|an?)"
VAGUE = r"(?:several|a\s+few|few|some|many|a\s+number\s+of)"
UNIT = (
    r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|centur(?:y|ie)|"
    r"millenni(?:um|a))"
)
MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?=\s+\d))"
)
WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d|:\d)"
_SPOKEN_YEAR = (
    r"(?i:nineteen[\s-](?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)|"
    r"two\s+thousand(?:\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine))?)"
)
# A year is four digits not inside a larger number, an amount or a percentage.
YEAR = (
    rf"(?:(?<![\d$.,/])(?<!\d-)(?P<year>1[5-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-\d|(?i:\s+percent))|"
    rf"(?P<spoken_year>{_SPOKEN_YEAR}))"
)
# A line of a live report opening with its time: "1905: Police fire tear gas".
CLOCK_STAMP = r"(?m:^)[ \t]*(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?=:\s)"
YEAR_SUFFIX = r"(?P<yrel>(?i:(?:of\s+)?(?:this|last|next)\s+year))"
# Words before a date that narrow it without changing its TIMEX3 value (TimeML puts them in
# the `mod` attribute): "early September" is 1989-09, "the end of 1990" is 1990.
PREFIX = (
    r"(?:(?P<pmod>(?i:early|late|mid|middle|earlier|later|around|about|sometime|"
    r"as\s+early\s+as|as\s+late\s+as|the\s+(?:end|beginning|start|middle|close|turn|rest|"
    r"remainder|balance|first\s+part|latter\s+part|early\s+part|last\s+part)\s+of|"
    r"(?:early|late|mid)-))[\s-]*)?"
)
DIRECTION = (
    r"(?P<rel>(?i:this\s+past|this\s+coming|last|next|this|past|coming|previous|"
    r"current|same|latest))"
)
# Words that qualify an amount of time and belong to its extent; prepositions ("over",
# "within") and focus words ("only", "just") do not.
APPROX = (
    r"(?:(?P<approx>(?i:at\s+least|more\s+than|less\s+than|fewer\s+than|nearly|almost|"
    r"about|around|some|roughly|approximately|up\s+to|no\s+more\s+than|"
    r"no\s+less\s+than|close\s+to|well\s+over|a\s+full|the\s+full|"
    r"another|an\s+additional))\s+)?"
)
SPAN_WORD = (
    r"(?P<span>(?i:past|last|next|first|previous|coming|final|following|latest|"
    r"remaining|initial|ensuing|preceding|recent|same|full|entire|whole|"
    r"year-earlier|year-ago))"
)

_RULES: tuple[tuple[str, str], ...] = (
    ("iso", r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    ("numeric", r"(?<![\d/])(?P<mnum>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)?\d{2})(?![\d/])"),
    ("mdy", rf"{PREFIX}(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY},?\s+{YEAR}"),
    ("dmy", rf"{PREFIX}(?:{WEEKDAY},?\s+)?{DAY}\s+{MONTH},?\s+{YEAR}"),
    ("md", rf"{PREFIX}(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?:\s+{YEAR_SUFFIX})?"),
    ("dm", rf"{PREFIX}(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH}"),
    ("my", rf"{PREFIX}{MONTH},?\s+(?:of\s+)?{YEAR}"),
    ("month", rf"{PREFIX}(?:{DIRECTION}\s+)?{MONTH}(?:,?\s+{YEAR_SUFFIX})?"),
    # A 24-hour clock written as four digits is not a year: "at 2000 GMT", "2330 local time",
    # "1400 hours", and the "1905:" stamps that open the lines of a live report.
    (
        "clock24",
        r"(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s*(?P<tz>GMT|UTC|[ECMP][SD]T|BST|CES?T|"
        r"(?i:local\s+time|hours|hrs)\b)",
    ),
    ("clock_stamp", CLOCK_STAMP),
    (
        "year",
        rf"{PREFIX}(?:(?P<fiscal>(?i:fiscal(?:\s+year)?|FY|calendar(?:\s+year)?|"
        rf"the\s+year|model\s+year|the\s+(?:fiscal|calendar)\s+year))[\s-]+)?{YEAR}",
    ),
    (
        "year_ago",
        rf"{PREFIX}(?:(?P<ycount>\d+|{_WORD_NUMBER}|(?i:an?))\s+year\s+(?:(?i:or\s+so)\s+)?"
        r"(?i:earlier|ago)|(?:(?i:the)\s+(?:(?i:comparable|same|corresponding)\s+)?)?"
        r"year-(?i:earlier|ago)\s+(?P<period>(?i:quarter|period|months?|year))s?\b|"
        r"year-(?i:earlier|ago))",
    ),
    (
        "decade",
        rf"{PREFIX}(?i:the\s+)?(?:(?P<dmod>(?i:early|mid|late))[\s-]+)?"
        r"(?:(?P<century>1[5-9]|20)(?P<decade>\d)0|['’](?P<decade2>\d)0)['’]?s\b",
    ),
    (
        "decade_word",
        r"(?i:the\s+)?(?:(?P<dmod>(?i:early|mid|late))[\s-]+)?(?P<word>(?i:twenties|"
        r"thirties|forties|fifties|sixties|seventies|eighties|nineties))\b",
    ),
    (
        "year_period",
        rf"(?i:the)\s+{YEAR}\s+(?P<what>(?i:period|quarter|first\s+half|"
        r"second\s+half|fiscal\s+year))",
    ),
    ("century", r"(?i:the\s+)?(?P<cnum>\d{1,2})(?:st|nd|rd|th)[\s-]+(?i:century)"),
    (
        "weekday",
        rf"{PREFIX}(?:(?i:the\s+)?{DIRECTION}\s+)?{WEEKDAY}(?:\s+(?P<part>(?i:morning|afternoon|"
        r"evening|night)))?",
    ),
    ("part_weekday", rf"(?P<part>(?i:noon|midnight|morning|afternoon|evening|night)),?\s+{WEEKDAY}"),
    # A weekday that recurs: "Tuesdays", "Tuesday nights", "every Tuesday night".
    (
        "weekday_set",
        rf"(?:(?P<quant>(?i:each|every))\s+)?{WEEKDAY}(?:(?P<plural>s)\b|\s+(?P<part>(?i:morning|"
        r"afternoon|evening|night))(?P<plural2>s)?\b)?",
    ),
    (
        "today",
        rf"{PREFIX}(?P<word>(?i:today|yesterday|tomorrow|tonight|the\s+day\s+before\s+"
        r"yesterday|the\s+day\s+after\s+tomorrow))(?:\s+(?P<part>(?i:morning|afternoon|"
        r"evening|night)))?",
    ),
    (
        "day_part",
        rf"{PREFIX}(?P<rel>(?i:this|last|yesterday|tomorrow|late|early))\s+"
        r"(?P<part>(?i:morning|afternoon|evening|night))",
    ),
    (
        "clock",
        r"(?<![\d.])(?P<hour>[01]?\d|2[0-3])(?:[:.](?P<minute>[0-5]\d))?\s*"
        r"(?P<ampm>(?i:a\.m\.|p\.m\.|am\b|pm\b))(?:\s+(?P<tz>[ECMP][SD]T|GMT))?"
        r"(?:,?\s+(?:on\s+)?(?P<tail>(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
        r"Saturday|Sunday),?\s*)?(?:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|"
        r"January|February|March|April|May|June|July|August|September|October|November|"
        r"December)\s+\d{1,2}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
        r"(?i:today|yesterday|tomorrow))))?",
    ),
    (
        "noon",
        r"(?P<part>(?i:noon|midnight|mid-?afternoon|mid-?morning))\s+"
        r"(?P<word>(?i:today|yesterday|tomorrow))",
    ),
    (
        "unit_rel",
        rf"{PREFIX}{DIRECTION}\s+(?P<unit>(?i:week|month|year|quarter|weekend|decade|"
        r"century|season|spring|summer|fall|autumn|winter))\b",
    ),
    (
        "anchored",
        r"(?P<det>(?i:the\s+(?:following|next|previous|preceding|same|prior)|that))\s+"
        r"(?P<unit>(?i:day|week|month|year|weekend|morning|afternoon|evening|night))\b",
    ),
    (
        "the_unit",
        rf"{PREFIX}(?i:the)\s+(?:{SPAN_WORD}\s+)?(?P<unit>(?i:week|month|year|weekend|"
        r"day|season))\b(?![\s-](?i:earlier|ago|before|old|long))",
    ),
    (
        "season",
        rf"{PREFIX}(?:(?P<det>(?i:the))\s+)?(?:(?P<pmod3>(?i:early|late|mid))[\s-]+)?"
        r"(?P<season>(?i:spring|summer|fall|autumn|winter))(?:\s+(?:of\s+)?(?:"
        rf"{YEAR}|{YEAR_SUFFIX}))?",
    ),
    (
        "quarter_adj",
        r"(?:(?i:fiscal)[\s-]+)?(?P<qord>(?i:first|second|third|fourth))-"
        r"(?:(?i:fiscal)-)?(?i:quarter)\b",
    ),
    (
        "quarter",
        r"(?:(?P<det>(?i:the|this\s+year['’]s|last\s+year['’]s|"
        r"next\s+year['’]s))\s+)?(?:(?P<qyear>(?:19|20)\d\d)\s+)?"
        r"(?:(?P<qrel>(?i:latest|current|this|next|previous|year-earlier|year-ago|same|"
        r"comparable|corresponding))\s+)?(?:(?i:fiscal)[\s-]+)?(?P<qord>(?i:first|second|"
        r"third|fourth|1st|2nd|3rd|4th))\s+(?:(?i:fiscal)\s+)?(?i:quarter)"
        r"(?:\s+(?:(?i:of)\s+)?(?:(?i:fiscal)\s+)?(?:(?P<year>(?:19|20)\d\d)|"
        r"(?P<yrel>(?i:this|last|next)\s+year)))?",
    ),
    (
        "quarter_ref",
        r"(?P<det>(?i:the|this\s+year['’]s|last\s+year['’]s))?\s*"
        r"(?P<qrel>(?i:year-earlier|year-ago|same|comparable|corresponding|"
        r"latest|current|last|first|second|third|fourth|previous|this|next)\s+)?"
        r"(?P<what>(?i:quarter|period|fiscal\s+year))(?:\s+(?P<tail>(?i:a\s+year\s+"
        r"(?:ago|earlier)|last\s+year|of\s+last\s+year)))?",
    ),
    (
        "half",
        r"(?i:the\s+)?(?P<hord>(?i:first|second|last|latter))[\s-]+(?i:half)"
        rf"(?:\s+(?:(?i:of)\s+)?(?:{YEAR}|(?P<yrel>(?i:this|last|next|the)\s+year)))?",
    ),
    (
        "halves",
        r"(?i:the\s+)?(?P<hord>(?i:first|last))\s+(?i:two\s+quarters)"
        rf"(?:\s+(?i:of)\s+{YEAR})?",
    ),
    (
        "ago",
        rf"{APPROX}(?P<num>{NUM}|{VAGUE})\s+(?P<unit>(?i:{UNIT}))s?\s+(?i:or\s+so\s+)?"
        r"(?P<dir>(?i:ago|earlier|later|from\s+now|hence))",
    ),
    (
        "duration",
        rf"{APPROX}(?:(?i:the)\s+)?(?:{SPAN_WORD}\s+)?"
        rf"(?P<num>(?i:{NUM}|{VAGUE}))\s+(?:(?i:more|additional|full|straight|"
        rf"consecutive|long|trading|business|working)\s+)?(?P<unit>(?i:{UNIT}))(?P<plural>s)?\b"
        r"(?![\s-](?i:old|of\s+age))"
        r"(?:\s+(?i:or\s+so|or\s+more|and\s+a\s+half))?",
    ),
    (
        "duration_adj",
        rf"(?P<num>\d+|(?i:{_WORD_NUMBER}|several|half|a|one))-(?P<unit>(?i:{UNIT}))"
        r"(?!-old|s)(?:[\s-](?i:long))?\b(?![\s-](?i:old))",
    ),
    (
        "span_range",
        rf"(?i:the\s+)?(?:{SPAN_WORD}\s+)?(?P<num>\d+)\s+(?i:to|or)\s+(?P<num2>\d+)\s+"
        rf"(?P<unit>(?i:{UNIT}))s",
    ),
    (
        "vague_plural",
        r"(?:(?P<lead>(?i:recent|the\s+past|the\s+next|the\s+coming|the\s+early|"
        r"the\s+last|the|coming|future|past))\s+)?(?P<unit>(?i:days|weeks|months|quarters|years|"
        r"decades|centuries))(?:\s+(?i:or)\s+(?i:days|weeks|months|years|decades))?\b",
    ),
    (
        "set",
        r"(?P<quant>(?i:each|every|per))\s+(?:(?P<num>(?i:other|two|three|four|five|six|"
        r"\d+))\s+)?(?P<unit>(?i:second|minute|hour|day|week|month|quarter|year|"
        r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|morning|night|evening)s?|"
        r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
        r"November|December))\b",
    ),
    (
        "set_adverb",
        r"\b(?P<word>(?i:annually|yearly|daily|nightly|weekly|monthly|quarterly|"
        r"hourly))\b",
    ),
    (
        "year_end",
        r"(?P<word>(?i:year[\s-]end|year['’]s\s+end|the\s+end\s+of\s+the\s+year|"
        r"the\s+turn\s+of\s+the\s+(?:year|century)))",
    ),
    (
        "ref",
        r"(?P<word>(?i:right\s+now|now|currently|current|recently|recent|the\s+past|the\s+future|soon|"
        r"nowadays|these\s+days|lately|at\s+present|presently|as\s+soon\s+as\s+possible|"
        r"the\s+time\s+being|in\s+the\s+near\s+term|the\s+near\s+future|"
        r"the\s+foreseeable\s+future|the\s+years?\s+ahead|the\s+long\s+term|"
        r"the\s+short\s+term|the\s+near\s+term|then[\s-]current))\b",
    ),
)

RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"(?<![\w'’])" + pattern)) for kind, pattern in _RULES
)

# What every match of a rule contains, read off its pattern: a text without it cannot match, so
# tag_text skips the rule there (most rules need a rare word; running every pattern over every
# text was most of the time). Rules not listed run everywhere.
_WEEKDAY_NAME = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_NAME = r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"  # MONTH is case-sensitive
_KEYWORDS: dict[str, str] = {
    "iso": r"\d-[01]\d-[0-3]\d",
    "numeric": r"\d/\d{1,2}/\d",
    "mdy": _MONTH_NAME,
    "dmy": _MONTH_NAME,
    "md": _MONTH_NAME,
    "dm": _MONTH_NAME,
    "my": _MONTH_NAME,
    "month": _MONTH_NAME,
    "year": r"1[5-9]\d\d|20\d\d|(?i:nineteen|two\s+thousand)",
    "year_ago": r"(?i:year[\s-]+(?:or\s+so\s+)?(?:earlier|ago))",
    "decade": r"\d0['’]?s",
    "decade_word": r"(?i:ties)",  # twenties ... nineties
    "year_period": r"(?i:period|quarter|half|fiscal)",
    "century": r"(?i:century)",
    "weekday": _WEEKDAY_NAME,
    "part_weekday": _WEEKDAY_NAME,
    "weekday_set": _WEEKDAY_NAME,
    "today": r"(?i:today|yesterday|tomorrow|tonight)",  # and "the day before yesterday"
    "day_part": r"(?i:morning|afternoon|evening|night)",
    "clock": r"(?i:[ap]\.m\.|[ap]m\b)",
    "noon": r"(?i:today|yesterday|tomorrow)",
    "clock24": r"\d{4}\s*(?:GMT|UTC|[ECMP][SD]T|BST|CES?T|(?i:local\s+time|hours|hrs)\b)",
    "clock_stamp": r"(?m:^)[ \t]*\d{4}",
    "season": r"(?i:spring|summer|fall|autumn|winter)",
    "quarter_adj": r"(?i:quarter)",
    "quarter": r"(?i:quarter)",
    "quarter_ref": r"(?i:quarter|period|fiscal)",
    "half": r"(?i:half)",
    "halves": r"(?i:quarters)",
    "ago": r"(?i:ago|earlier|later|now|hence)",
    "duration_adj": rf"-(?i:{UNIT})",
    "span_range": r"\d\s+(?i:to|or)\s+\d",
}
KEYWORDS: dict[str, re.Pattern[str]] = {kind: re.compile(p) for kind, p in _KEYWORDS.items()}
