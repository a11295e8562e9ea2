"""RSS and Atom feeds: the entries' links, ids, titles and dates, with feedparser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

import feedparser

from storyline.errors import InputError

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str
    entry_id: str
    title: str | None = None
    published: date | None = None


def parse_feed(data: bytes | str, feed_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document; InputError when it is not a feed."""
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as e:  # feedparser itself trips on some malformed feeds (found by fuzzing)
        raise InputError(f"{feed_url}: malformed feed ({type(e).__name__}: {e})") from e
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception")
        raise InputError(
            f"{feed_url}: not an RSS or Atom feed"
            + (f" ({type(reason).__name__}: {reason})" if reason else "")
        )
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        try:
            link = urljoin(feed_url, link)
        except ValueError:  # a malformed link (such as an unclosed IPv6 bracket) is skipped
            continue
        if not link.lower().startswith(("http://", "https://")):
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(
            FeedEntry(
                link=link,
                entry_id=entry.get("id") or link,
                title=entry.get("title") or None,
                published=date(*when[:3]) if when else None,
            )
        )
    return entries
