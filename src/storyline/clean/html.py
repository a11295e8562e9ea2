"""Main text and metadata from an HTML page, with trafilatura and htmldate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import htmldate
import lxml.etree
import lxml.html
import trafilatura

from storyline.errors import ExtractionError
from storyline.models import Removal

MIN_ARTICLE_CHARS = 100


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    removed: tuple[Removal, ...]


def extract_html(html: str, *, source: str, url: str | None = None) -> ExtractedPage:
    """Extract the article from a page; raise ExtractionError when the page holds none."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        )
    except Exception as e:  # lxml and trafilatura raise many types on broken markup
        raise ExtractionError(f"{source}: cannot parse HTML ({type(e).__name__}: {e})") from e
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise ExtractionError(
            f"{source}: no article text found in the HTML page "
            f"({len(text)} characters of main text; is it an index or login page?)"
        )
    published = _find_date(html, url)
    return ExtractedPage(
        text=text,
        title=doc.title or None,
        outlet=doc.sitename or None,
        url=doc.url or url,
        published=published,
        removed=_removed_blocks(html, text),
    )


def _find_date(html: str, url: str | None) -> date | None:
    try:
        found = htmldate.find_date(html, url=url, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate fails on some broken pages; a missing date is not fatal
        return None
    return date.fromisoformat(found) if found else None


def _removed_blocks(html: str, main_text: str) -> tuple[Removal, ...]:
    """The page's visible text that did not make it into the main text."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.LxmlError):
        return ()
    removed: list[Removal] = []
    seen: set[str] = set()
    for node in tree.xpath("//body//text()[not(ancestor::script or ancestor::style "
                           "or ancestor::noscript or ancestor::template)]"):
        line = " ".join(str(node).split())
        if line and line not in seen and line not in main_text:
            seen.add(line)
            removed.append(Removal(text=line, reason="outside the main text (trafilatura)"))
    return tuple(removed)
