"""URLs and feeds into documents, remembering in the store what was fetched and seen.

The store keeps, per URL, the server's validators (ETag, Last-Modified) and the id of the
article the page gave, so a refetch is a conditional request and an unchanged page costs one
304; per feed, the entries already taken, so `storyline watch` fetches only what is new.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest.feeds import FEED_TYPES, FeedEntry, parse_feed
from storyline.ingest.web import FetchOptions, Validators, fetch
from storyline.models import Failure, RawDocument
from storyline.store import Store

FETCH_STAGE, FETCH_VERSION = "fetch", "1"
FEED_STAGE, FEED_VERSION = "feed-entry", "1"


@dataclass(slots=True)
class WebBatch:
    """What the web gave: new documents, ids of unchanged pages, failures, and what to remember
    once the documents are stored."""

    documents: list[RawDocument] = field(default_factory=list)
    unchanged_ids: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    validators: dict[str, Validators] = field(default_factory=dict)  # by source URL
    feed_entries: dict[str, list[str]] = field(default_factory=dict)  # source URL -> feed keys


def is_url(source: str | object) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def shown_source(source: str) -> str:
    """Where an article came from, as a page or an export shows it: a URL whole, a file by its
    name only (a WARC record as archive#url), so that no output publishes the folders of the
    machine that made it."""
    if is_url(source):
        return source
    path, _, record = source.partition("#")  # a WARC record: archive#url
    return Path(path).name + (f"#{record}" if record else "")


def shown_message(source: str, message: str) -> str:
    """A failure's message without the folder of its file (see `shown_source`)."""
    if is_url(source):
        return message
    folder = str(Path(source.partition("#")[0]).parent)
    return message.replace(folder + "/", "") if folder not in ("", ".") else message


def read_url_list(path: str | os.PathLike[str]) -> list[str]:
    """The URLs of a file, one per line; blank lines and # comments are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the URL list ({e})") from e
    urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    bad = [u for u in urls if not is_url(u)]
    if bad:
        raise InputError(f"{path}: not http(s) URLs: {', '.join(bad[:3])}")
    return urls


def _feed_key(feed_url: str, entry: FeedEntry) -> str:
    return f"{feed_url}\n{entry.entry_id}"


def fetch_web(urls: Sequence[str], feeds: Sequence[str], store: Store, options: FetchOptions) -> WebBatch:
    """Fetch the URLs and the new entries of the feeds; one bad URL never stops the rest."""
    batch = WebBatch()
    entries_by_url: dict[str, tuple[FeedEntry, list[str]]] = {}
    entry: FeedEntry | None
    if feeds:
        feed_options = replace(options, accepted_types=options.accepted_types + FEED_TYPES)
        for result in fetch(feeds, feed_options):
            if result.failure is not None:
                batch.failures.append(result.failure)
                continue
            assert result.document is not None  # feeds are fetched without validators, so never a 304
            raw = result.document.html or result.document.text or ""
            try:
                entries = parse_feed(raw, result.url)
            except InputError as e:
                batch.failures.append(Failure(source=result.url, stage="fetch", message=str(e)))
                continue
            keys = {_feed_key(result.url, e): e for e in entries}
            seen = store.get_outputs(FEED_STAGE, keys, FEED_VERSION)
            for key, entry in keys.items():
                if key not in seen:
                    entries_by_url.setdefault(entry.link, (entry, []))[1].append(key)

    wanted = list(dict.fromkeys([*urls, *entries_by_url]))
    if not wanted:
        return batch
    remembered = store.get_outputs(FETCH_STAGE, wanted, FETCH_VERSION)
    known = {
        url: Validators(etag=r.get("etag"), last_modified=r.get("last_modified"))
        for url, r in remembered.items()
        if r.get("article_id")
    }
    for result in fetch(wanted, options, known=known):
        entry, feed_keys = entries_by_url.get(result.url, (None, []))
        if result.failure is not None:
            batch.failures.append(result.failure)
        elif result.not_modified:
            batch.unchanged_ids.append(remembered[result.url]["article_id"])
            batch.feed_entries[result.url] = feed_keys
        else:
            document = result.document
            assert document is not None  # a fetch that neither failed nor was unchanged has one
            if entry is not None:  # the feed's title and date stand in where the page has none
                document = replace(
                    document,
                    title=document.title or entry.title,
                    published=document.published or entry.published,
                    published_from=document.published_from or ("feed" if entry.published else None),
                )
            batch.documents.append(document)
            batch.validators[result.url] = result.validators
            batch.feed_entries[result.url] = feed_keys
    return batch


def remember(batch: WebBatch, store: Store, article_ids: dict[str, str]) -> None:
    """Record validators of the pages that became articles and mark their feed entries seen.

    Entries whose fetch failed are not in the batch's `feed_entries`, so the next run tries
    them again; a page that held no article is not fetched again for its feed."""
    fetched = {
        url: {"etag": v.etag, "last_modified": v.last_modified, "article_id": article_ids[url]}
        for url, v in batch.validators.items()
        if url in article_ids
    }
    if fetched:
        store.put_outputs(FETCH_STAGE, FETCH_VERSION, fetched)
    done = {key: {"url": url} for url, keys in batch.feed_entries.items() for key in keys}
    if done:
        store.put_outputs(FEED_STAGE, FEED_VERSION, done)
