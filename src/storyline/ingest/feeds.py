"""RSS and Atom feeds: the entries' links, ids, titles and dates, with feedparser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

import feedparser

from storyline.errors import InputError

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
              "application/rdf+xml", "application/feed+json")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str
    entry_id: str
    title: str | None = None
    published: date | None = None


def parse_feed(data: bytes | str, feed_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document; InputError when it is not a feed."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = getattr(parsed, "bozo_exception", None)
        raise InputError(f"{feed_url}: not an RSS or Atom feed"
                         + (f" ({type(reason).__name__}: {reason})" if reason else ""))
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        link = urljoin(feed_url, link)
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(FeedEntry(
            link=link,
            entry_id=entry.get("id") or link,
            title=entry.get("title") or None,
            published=date(*when[:3]) if when else None,
        ))
    return entries
