"""Main text and metadata from an HTML page, with trafilatura (which finds dates with htmldate)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from storyline.clean.authors import clean_authors
from storyline.clean.text import is_prose
from storyline.config import DEFAULTS
from storyline.errors import ExtractionError
from storyline.models import Removal

# "Related:", "READ MORE:", list bullets: what precedes a link to another story on its own line.
_LINK_LEAD = re.compile(
    r"^(?:[-•*]\s*|(?:related|read more|see more|more|watch|also on \S+)\s*:?\s*)+", re.IGNORECASE
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    removed: tuple[Removal, ...]
    authors: tuple[str, ...] = ()
    updated: date | None = None
    language: str | None = None


def _extract(
    tree: lxml.html.HtmlElement | None, html: str, url: str | None, *, recall: bool
) -> Document | None:
    # Typed Document | dict | None whatever `as_dict`; a dict comes only with as_dict=True.
    return trafilatura.bare_extraction(  # type: ignore[return-value]
        tree if tree is not None else html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=not recall,
        favor_recall=recall,
    )


def _word_count(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def _paragraph_words(tree: lxml.html.HtmlElement | None) -> int:
    return sum(_word_count(p.text_content()) for p in tree.iter("p")) if tree is not None else 0


def extract_html(
    html: str, *, source: str, url: str | None = None, fallback_ratio: float = DEFAULTS.clean.fallback_ratio
) -> ExtractedPage:
    """Extract the article from a page; raise ExtractionError when the page holds none.

    trafilatura runs favouring precision; when that keeps less than `fallback_ratio` of the
    page (of the words of its paragraphs, and of what the recall mode keeps), it kept a summary
    or a teaser, and the recall mode's text is the article."""
    try:
        # One parse, trafilatura's own, serves its extraction (which reads the tree without
        # changing it) and the link texts, dates and removed blocks found here.
        tree = trafilatura.load_html(html)
        doc = _extract(tree, html, url, recall=False)
        kept = _word_count(doc.text if doc is not None else None)
        # The paragraphs are counted first: the recall mode costs a second extraction, run
        # only on the few pages (5% of the benchmark's) where the precision mode kept little.
        if kept < fallback_ratio * _paragraph_words(tree):
            fuller = _extract(tree, html, url, recall=True)
            if fuller is not None and kept < fallback_ratio * _word_count(fuller.text):
                doc = fuller
    except Exception as e:  # lxml and trafilatura raise many types on broken markup
        raise ExtractionError(f"{source}: cannot parse HTML ({type(e).__name__}: {e})") from e
    text = (doc.text or "").strip() if doc is not None else ""
    text, dropped = _drop_lines(
        text, title=doc.title if doc is not None else None, anchors=lambda: _anchor_texts(tree)
    )
    if doc is None or len(text) < DEFAULTS.clean.min_html_chars:  # no document: no text
        raise ExtractionError(
            f"{source}: no article text found in the HTML page "
            f"({len(text)} characters of main text; is it an index or login page?)"
        )
    updated, language = _updated(tree, html), _language(tree)
    removed = _removed_blocks(tree, text + "\n" + "\n".join(r.text for r in dropped))  # strips tree
    return ExtractedPage(
        text=text,
        title=doc.title or None,
        outlet=doc.sitename or None,
        url=doc.url or url,
        published=_iso_date(doc.date),
        authors=clean_authors(doc.author),
        updated=updated,
        language=language,
        removed=dropped + removed,
    )


def precision_share(html: str, url: str | None = None) -> float:
    """The share of the page trafilatura's precision mode keeps, as `extract_html` weighs it:
    the larger of its words over the paragraphs' and over the recall mode's (inf when either is
    empty). `extract_html` falls back to the recall mode when this is under its ratio."""
    tree = trafilatura.load_html(html)
    kept = _word_count(getattr(_extract(tree, html, url, recall=False), "text", None))
    fuller = _word_count(getattr(_extract(tree, html, url, recall=True), "text", None))
    paragraphs = _paragraph_words(tree)
    if not paragraphs or not fuller:
        return float("inf")
    return max(kept / paragraphs, kept / fuller)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _anchor_texts(tree: lxml.html.HtmlElement | None) -> frozenset[str]:
    """The texts of the page's links of four words or more: headlines of other stories."""
    if tree is None:
        return frozenset()
    texts = (_words(a.text_content()) for a in tree.iter("a"))
    return frozenset(t for t in texts if len(t.split()) >= 4)


def _drop_lines(
    text: str, *, title: str | None, anchors: Callable[[], frozenset[str]]
) -> tuple[str, tuple[Removal, ...]]:
    """Drop the lines trafilatura keeps that are not article text: the headline repeated as the
    first line, and lines that are wholly the text of a link to another page ("Related: ...",
    lists of other headlines), which trafilatura's link-density test lets through one by one."""
    kept: list[str] = []
    dropped: list[Removal] = []
    link_texts: frozenset[str] | None = None  # the page's link texts, found only if needed
    for number, line in enumerate(text.split("\n")):
        bare = _LINK_LEAD.sub("", line.strip())
        if number == 0 and title and _words(line) == _words(title):
            dropped.append(Removal(text=line.strip(), reason="headline repeated in the body"))
        elif (
            len(bare.split()) >= 4
            and not is_prose(line.strip())
            and _words(bare) in (link_texts := link_texts or anchors())
        ):
            dropped.append(Removal(text=line.strip(), reason="link to another page"))
        else:
            kept.append(line)
    return "\n".join(kept).strip(), tuple(dropped)


_MODIFIED = lxml.etree.XPath(
    "//meta[@property='article:modified_time' or @property='og:updated_time' "
    "or @name='last-modified' or @itemprop='dateModified' or @name='dateModified']/@content"
    " | //time[@itemprop='dateModified']/@datetime"  # `datetime` belongs to <time>; `//*` cost 0.2 ms
)
_LD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"(\d{4}-\d{2}-\d{2})')
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _updated(tree: lxml.etree._Element | None, html: str) -> date | None:
    """The page's own statement of when it was last modified (meta tags, microdata, JSON-LD)."""
    found = [str(v) for v in _MODIFIED(tree)] if tree is not None else []
    found += _LD_MODIFIED.findall(html[:2_000_000])
    dates = [d for d in (_iso_date(v) for v in found) if d is not None]
    return max(dates) if dates else None


def _language(tree: lxml.etree._Element | None) -> str | None:
    """The primary language subtag the page declares: <html lang>, else its meta tags."""
    if tree is None:
        return None
    declared = [
        tree.get("lang"),
        tree.get("xml:lang"),
        *tree.xpath("//meta[@http-equiv='content-language' or @property='og:locale']/@content"),
    ]
    for value in declared:
        primary = str(value or "").strip().replace("_", "-").split("-")[0].lower()
        if _LANGUAGE.match(primary):
            return primary
    return None


def _iso_date(found: str | None) -> date | None:
    """The publication date trafilatura found with htmldate (original, not updated, date)."""
    try:
        return date.fromisoformat(found[:10]) if found else None
    except ValueError:
        return None


_HIDDEN = ("script", "style", "noscript", "template")
_TEXT_NODES = lxml.etree.XPath("//body//text()[normalize-space()]")


def _removed_blocks(tree: lxml.etree._Element | None, accounted: str) -> tuple[Removal, ...]:
    """The page's visible text that is neither in the main text nor already recorded as dropped.
    Strips the invisible elements from `tree`, so it is the last use of the tree (stripping in C
    and one plain XPath cost half of an `ancestor::` test on every text node)."""
    if tree is None:
        return ()
    lxml.etree.strip_elements(tree, *_HIDDEN, with_tail=False)
    accounted = " ".join(accounted.split())
    removed: list[Removal] = []
    seen: set[str] = set()
    for node in _TEXT_NODES(tree):
        line = " ".join(node.split())
        if line not in seen and line not in accounted:
            seen.add(line)
            removed.append(Removal(text=line, reason="outside the main text (trafilatura)"))
    return tuple(removed)
