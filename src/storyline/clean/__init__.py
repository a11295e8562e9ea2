"""Turn RawDocuments into Articles: main-text extraction, debris removal, content-hash ids."""

from __future__ import annotations

import hashlib

from storyline.clean.html import extract_html
from storyline.clean.text import clean_text, normalize_text, repeated_lines
from storyline.config import DEFAULTS
from storyline.errors import ExtractionError
from storyline.models import Article, RawDocument

__all__ = ["article_id", "clean_document", "normalize_text", "repeated_lines"]


def article_id(text: str) -> str:
    """The id of an article: a hash of its cleaned text, so the same article gets the same id."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def clean_document(
    doc: RawDocument,
    *,
    batch_repeats: frozenset[str] = frozenset(),
    fallback_ratio: float = DEFAULTS.clean.fallback_ratio,
) -> Article:
    """Clean one document into an Article; raise ExtractionError when no article text remains.
    `fallback_ratio`: see `clean.html.extract_html`."""
    removed: tuple = ()
    title, outlet, url, published = doc.title, doc.outlet, doc.url, doc.published
    authors: tuple[str, ...]
    authors, updated, language = (), None, None
    published_from = doc.published_from
    if doc.html is not None:
        page = extract_html(doc.html, source=doc.source, url=doc.url, fallback_ratio=fallback_ratio)
        raw_text, removed = page.text, page.removed
        title, outlet, url = title or page.title, outlet or page.outlet, url or page.url
        if published is None and page.published is not None:
            published, published_from = page.published, "html"
        authors, updated, language = page.authors, page.updated, page.language
    else:
        raw_text = doc.text or ""
    cleaned = clean_text(
        raw_text,
        outlet=outlet,
        batch_repeats=batch_repeats,
        take_title=doc.html is None,
        layout_known=doc.html is not None,
        published=published,
    )
    text = cleaned.text
    if len(text.strip()) < DEFAULTS.clean.min_article_chars:
        raise ExtractionError(
            f"{doc.source}: no article text left after cleaning ({len(text.strip())} characters)"
        )
    return Article(
        id=article_id(text),
        source=doc.source,
        text=text,
        title=title or cleaned.title,
        outlet=outlet,
        url=url,
        published=published,
        published_from=published_from,
        removed=tuple(removed) + cleaned.removed,
        authors=authors,
        updated=updated if updated != published else None,
        language=language,
    )
