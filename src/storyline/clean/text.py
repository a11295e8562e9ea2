"""Drop the debris scrapers leave in already-extracted text, keeping every line of prose.

Scraped text arrives with mastheads, navigation ("Skip to main content"), UI placeholders,
photo captions and credits, follow/subscribe prompts and update stamps on lines of their own.
Main-text extractors (trafilatura, jusText) work on HTML structure, which plain text no longer
has, so these line rules are written here. Each dropped line is recorded with its reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.models import Removal

_UI_LINES = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?(?:content|navigation)
      | placeholder\ while\ article\ actions\ load
      | open\ this\ photo\ in\ gallery:?
      | advertisement | sponsored\ content | supported\ by
      | share\ (?:this\ )?(?:article|story|on\ \w+)?:? | share | print | comments?
      | listen\ to\ (?:this\ )?(?:article|story).* | \d+\s+min(?:ute)?s?\ read
      | (?:sign\ up|subscribe)\b.{0,60} | .{0,40}\bnewsletters?\b.{0,40}
      | follow\ (?:the\ )?(?:authors?|topics?|us)\b.{0,60}
      | build\ your\ personal\ news\ feed | check\ following\ for\ new\ articles
      | read\ (?:more|next)\b.{0,60} | (?:click|tap)\ here\b.{0,60}
      | (?:email|e-mail)\ the\ author | related(?:\ (?:articles|stories|coverage))?:?
      | image\ \d+\ of\ \d+ | (?:photo|image|video)(?:\ credit)?:.{0,120}
      | this\ (?:article|story)\ (?:was|has\ been)\ (?:updated|corrected).{0,80}
      | we\ use\ cookies.{0,200} | accept\ (?:all\ )?cookies
      | don'?t\ miss | see\ more\b.{0,120} | also\ on\ [\w-]+\.[a-z]{2,3}\b.{0,200}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Whole sentences of page furniture: reader prompts, reprint and consent notices, copyright.
# They read as prose, so they are matched as what they say, not by their shape.
_FURNITURE_SENTENCES = re.compile(
    r"""^(?:
        (?:like|enjoy(?:ed)?)\ this\ (?:story|article)\?.{0,80}
      | tell\ us\ what\ you\ think\b.{0,40} | have\ a\ (?:news\ )?tip\?.{0,200}
      | this\ copy\ is\ for\ your\ personal,?\ non-commercial\ use.{0,400}
      | by\ submitting\ this\ form\b.{0,300}
      | get\ (?:the\ latest|the\ day'?s).{0,80}\b(?:inbox|newsletters?)\b.{0,80}
      | (?:copyright\ )?(?:©|\(c\)|copyright)\ ?\d{4}\b.{0,100} | all\ rights\ reserved\.?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_UPDATE_STAMP = re.compile(
    r"^[\s\-–—|]*(?:last\ )?(?:updated|published|posted)(?:\ at|\ on|:)?\s+"
    r"[\w\s,.:/]{0,60}?(?:\d{1,2}:\d{2}|\d{4}|a\.m\.|p\.m\.|\b[AP]M\b|GMT|UTC|\bET\b)[\w\s,.:]{0,30}$",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_LINE = re.compile(
    r"^(?:\(?\s*(?:reporting|writing|editing|additional\ reporting)\ by\b.{0,200}"
    r"|(?:with\ )?files?\ from\ [A-Z].{0,80})$",
    re.IGNORECASE | re.VERBOSE,
)
# A caption ends with a photographer/agency credit such as "(Ryan Woo/Reuters)" or
# "Jack Taylor/The Associated Press" run onto the last sentence.
_CAPTION_CREDIT = re.compile(
    r"(?:\(\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}\s*/\s*[A-Z][\w.&'’ -]{1,60}\)"
    r"|[.!?][A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*/\s*[A-Z][\w.&'’ -]{1,60}"
    r"|[.!?]\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*/\s*(?:The\s+|AFP|AP|Getty|Reuters)"
    r"[\w.&'’ -]{0,60})\s*$"
)
_CAPTION_START = re.compile(
    r"^(?:in\ this\ (?:\d{4}\ )?(?:file\ )?(?:photo|image|picture)\b"
    r"|(?:file\ )?(?:photo|photograph|picture)\ (?:by|courtesy)\b)",
    re.IGNORECASE | re.VERBOSE,
)
_TERMINAL = re.compile(r"[.!?…\"”’')\]]\s*$")


@dataclass(frozen=True, slots=True)
class CleanText:
    """The result of cleaning one text: kept paragraphs, what was dropped, and a headline."""

    text: str
    removed: tuple[Removal, ...]
    title: str | None


def normalize_text(text: str) -> str:
    """NFC-normalize, unify line endings, and drop zero-width and non-breaking oddities."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u200b", "").replace("\ufeff", "").replace("\u00a0", " ")


def is_prose(line: str) -> bool:
    """A line of running text: several words and sentence-final punctuation."""
    return len(line.split()) >= 6 and bool(_TERMINAL.search(line))


def is_caption(line: str) -> bool:
    """A photo caption: a line ending with a photographer's credit ("... on May 20.Mila
    Dorne/Karvonia Post") or a short line opening as captions do ("In this file photo ...")."""
    line = line.strip()
    return bool(_CAPTION_CREDIT.search(line)) or (
        bool(_CAPTION_START.match(line)) and len(line.split()) <= 60
    )


def is_headline(line: str) -> bool:
    """A short line without final punctuation, as headlines are written."""
    words = line.split()
    return 3 <= len(words) <= 25 and len(line) <= 200 and not _TERMINAL.search(line)


def repeated_lines(texts: Iterable[str]) -> frozenset[str]:
    """Non-prose lines that occur in two or more of the batch's texts: likely page furniture."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            {
                line.strip()
                for line in normalize_text(text).splitlines()
                if line.strip() and not is_prose(line.strip())
            }
        )
    return frozenset(line for line, n in counts.items() if n >= 2)


def _debris_reason(
    line: str, outlet: str | None, batch_repeats: frozenset[str], layout_known: bool
) -> str | None:
    if _UI_LINES.match(line) and not is_prose(line):
        return "navigation or interface text"
    if _FURNITURE_SENTENCES.match(line) and len(line.split()) <= 80:
        return "reader prompt or legal notice"
    if _UPDATE_STAMP.match(line) and len(line.split()) <= 12:
        return "update timestamp"
    if _CREDIT_LINE.match(line) and len(line.split()) <= 30:
        return "credit line"
    if not layout_known and outlet and line.lower().startswith(outlet.lower()) and not is_prose(line):
        return "masthead"
    if is_caption(line):
        return "photo caption or credit"
    if line in batch_repeats:
        return "line repeated across articles (page furniture)"
    return None


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def _content_words(line: str) -> set[str]:
    return {w.lower() for w in _CONTENT_WORD.findall(line)}


def _masthead_before_headline(kept: list[tuple[int, str]]) -> bool:
    """Whether the text opens with two headline-shaped lines of which the first is the site's
    masthead ("The Washington PostDemocracy Dies in Darkness") when the outlet is not known:
    a headline shares its words with the story below it, a masthead does not (a subheadline
    does too, so a headline followed by one is left alone)."""
    if len(kept) < 3 or not (is_headline(kept[0][1]) and is_headline(kept[1][1])):
        return False
    body = set().union(*(_content_words(line) for _, line in kept[2:]))
    first, second = _content_words(kept[0][1]), _content_words(kept[1][1])
    if not first or not second:
        return False
    share = len(first & body) / len(first)
    return share <= 1 / 3 and share < len(second & body) / len(second) / 2


def clean_text(
    text: str,
    *,
    outlet: str | None = None,
    batch_repeats: frozenset[str] = frozenset(),
    take_title: bool = True,
    layout_known: bool = False,
) -> CleanText:
    """Remove debris lines from scraped text; offsets in `removed` point into `normalize_text(text)`.

    `layout_known` says the text comes from an extractor that saw the page's structure (HTML):
    the rules that guess structure from flattened text (a masthead line, short lines after the
    last paragraph of prose) are then left out, as they would drop lists and tables the
    extractor rightly kept.
    """
    text = normalize_text(text)
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw_line in text.split("\n"):
        stripped = raw_line.strip()
        if stripped:
            lines.append((offset + raw_line.index(stripped[0]), stripped))
        offset += len(raw_line) + 1

    removed: list[Removal] = []
    kept: list[tuple[int, str]] = []
    for start, line in lines:
        reason = _debris_reason(line, outlet, batch_repeats, layout_known)
        if reason:
            removed.append(Removal(text=line, reason=reason, start=start, end=start + len(line)))
        else:
            kept.append((start, line))

    # Page furniture after the last line of prose ("Your Globe", section names) is not article
    # text: short lines without sentence punctuation.
    last_prose = max((i for i, (_, line) in enumerate(kept) if is_prose(line)), default=-1)
    if last_prose >= 0 and not layout_known:
        tail = kept[last_prose + 1 :]
        furniture = [(s, ln) for s, ln in tail if len(ln.split()) <= 8 and not _TERMINAL.search(ln)]
        removed.extend(
            Removal(text=ln, reason="page furniture after the article", start=s, end=s + len(ln))
            for s, ln in furniture
        )
        kept = kept[: last_prose + 1] + [item for item in tail if item not in furniture]

    if take_title and not layout_known and _masthead_before_headline(kept):
        start, line = kept.pop(0)
        removed.append(Removal(text=line, reason="masthead", start=start, end=start + len(line)))

    title = None
    if take_title and len(kept) > 1 and is_headline(kept[0][1]):
        start, title = kept.pop(0)
        removed.append(
            Removal(text=title, reason="headline (used as title)", start=start, end=start + len(title))
        )
    removed.sort(key=lambda r: r.start or 0)
    return CleanText(text="\n\n".join(line for _, line in kept), removed=tuple(removed), title=title)
