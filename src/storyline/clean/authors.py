"""Bylines into author names: the junk that page metadata carries is dropped.

trafilatura reads the byline from meta tags, JSON-LD and byline markup, and returns what it found
joined by "; ". What pages put there is often not a person: "Ap Auto Writer", "Email the author",
"5 Minute Read", "Cleveland com", "Admin", a date run into the name ("Malcolm Owen Monday"). No
library cleans this, so these rules do: split, strip prefixes and trailing dates, drop roles,
interface text and site names, and keep each person once ("Troy Smith" = "Troy L Smith").
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"\s*(?:;|\||,|&|\band\b|\n)\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:by|written by|words by|text|текст|por|von|par)\s*:?\s+", re.IGNORECASE)
_DATE_WORDS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    "april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|"
    "jun|jul|aug|sep|sept|oct|nov|dec|updated|published|posted"
)
_TRAILING_DATE = re.compile(rf"(?:\s+(?:{_DATE_WORDS}|\d[\d:,./-]*|am|pm|a\.m\.|p\.m\.))+$", re.IGNORECASE)
_ONLY_DATE = re.compile(rf"^(?:{_DATE_WORDS})$", re.IGNORECASE)
_JUNK = re.compile(
    r"""^(?:
        (?:\d+\s*)?min(?:ute)?s?\ read | email\ (?:the\ )?authors? | follow | share | contact
      | admin\w* | \w*admin | administrator | editor(?:ial)?s? | staff | staff\ writers?
      | guest(?:\ author)? | anonymous | unknown | none | null | author | authors | team
      | (?:the\ )?editorial\ (?:board|team) | web\ desk | news\ desk | desk
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|columnist|contributor|editor|producer|"
    r"staff|bureau|desk|agency|wire)\b",
    re.IGNORECASE,
)
_SITE = re.compile(r"(?:\b(?:com|net|org|co|uk|www)\b|\.\w{2,3}$)", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def clean_authors(byline: str | None) -> tuple[str, ...]:
    """The people (or agencies) named in a byline, in order, each once."""
    if not byline:
        return ()
    names: list[str] = []
    for piece in _SPLIT.split(byline):
        name = _TRAILING_DATE.sub("", _PREFIX.sub("", piece.strip(" \t-–—·:"))).strip(" .,-–—")
        if not name or not _LETTER.search(name) or len(name) > 60 or len(name.split()) > 5:
            continue
        if _JUNK.match(name) or _SITE.search(name) or _ONLY_DATE.match(name):
            continue
        if _ROLE.search(name) and len(name.split()) > 1:  # "Ap Auto Writer", "Staff Reporter"
            continue
        if not any(_same_person(name, kept) for kept in names):
            names.append(name)
    return tuple(names)


def _same_person(a: str, b: str) -> bool:
    """'Troy Smith' and 'Troy L Smith' (or 'Troy L. Smith'): same first and last word."""
    wa, wb = a.lower().replace(".", "").split(), b.lower().replace(".", "").split()
    return wa == wb or (len(wa) >= 2 and len(wb) >= 2 and wa[0] == wb[0] and wa[-1] == wb[-1])
