"""Dates: temporal expressions in article text, and the dating of undated articles.

Entry points: `find_times` (every TIMEX3 expression of an article), `find_dates` (the calendar
dates among them), `infer_dates` (an interval for each article without a publication date) and
`resolve_dates` (an undated article's dates against that interval).

The cascade, in order:
1. `rules`: the patterns that find expressions ("Friday", "the third quarter", "14-month").
2. `values`: each match's TIMEX3 type and value against the reference date, by tense.
3. `timex`: the matches of a text chosen, trimmed and resolved in reading order.
4. `inference`: publication dates inferred for undated articles, from their own text and from
   dated articles of the same story.
"""

from storyline.dates.inference import DATING_VERSION, infer_dates, resolve_dates
from storyline.dates.timex import TIMEX_VERSION, find_dates, find_times, tag_text

__all__ = [
    "DATING_VERSION",
    "TIMEX_VERSION",
    "find_dates",
    "find_times",
    "infer_dates",
    "resolve_dates",
    "tag_text",
]
