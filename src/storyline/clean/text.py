"""Drop the debris scrapers leave in already-extracted text, keeping every line of prose.

Scraped text arrives with mastheads, navigation ("Skip to main content"), UI placeholders,
photo captions and credits, follow/subscribe prompts and update stamps on lines of their own.
Main-text extractors (trafilatura, jusText) work on HTML structure, which plain text no longer
has, so these line rules are written here. Each dropped line is recorded with its reason. Text
without line breaks (JSONL, Timeline17) has the same debris inside its one paragraph: comment
sections, captions and notes are cut out of it as spans, each by its structure (a label, a
credit's slash, a dateline after a note, a comment's stamp, a comment policy's own words), never
by what the prose around it says.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from storyline.models import Removal

_UI_LINES = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?(?:content|navigation)
      | placeholder\ while\ article\ actions\ load
      | open\ this\ photo\ in\ gallery:?
      | advertisement | sponsored\ content | supported\ by
      | share\ (?:this\ )?(?:article|story|on\ \w+)?:? | share | print | comments? | like
      | (?:\d+|an?)\ (?:second|minute|hour|day|week)s?\ ago
      | listen\ to\ (?:this\ )?(?:article|story).* | \d+\s+min(?:ute)?s?\ read
      | (?:sign\ up|subscribe)\b.{0,60} | .{0,40}\bnewsletters?\b.{0,40}
      | follow\ (?:the\ )?(?:authors?|topics?|us)\b.{0,60}
      | build\ your\ personal\ news\ feed | check\ following\ for\ new\ articles
      | read\ (?:more|next)\b.{0,60} | (?:click|tap)\ here\b.{0,60}
      | (?:email|e-mail)\ the\ author
      | (?:related|see\ also|more\ on\ this\ (?:story|topic))
        (?:\ (?:articles|stories|coverage|content|links|topics|news))?
        (?::.{0,150})?
      | more\ (?:from|in)\ [\w&'’ -]{2,40}
      | (?:most\ (?:popular|read|viewed|shared|watched)|top\ stories|trending)
        (?:\ (?:now|today|stories|in\ [\w ]{2,20}))?:?
      | you\ (?:may|might)\ also\ (?:like|be\ interested\ in):?
      | recommended(?:\ (?:for\ you|stories|reading))?:?
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
      | (?:copyright\ )?(?:©|\(c\)|copyright)\ ?\d{4}\b.{0,250} | all\ rights\ reserved\.?
      | this\ material\ may\ not\ be\ published,\ broadcast,\ rewritten,?\ or\ redistributed\.?
      | our\ standards:\ the\ thomson\ reuters\ trust\ principles\.?
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
# Agency credits that end a caption whatever precedes them: "(AP Photo/Evan Vucci)",
# "REUTERS/Amr Abdallah Dalsh", "/ AFP", "via Getty Images", "Photograph: Amr Nabil/AP".
_AGENCY_CREDIT = re.compile(
    r"""(?:\((?:AP|AFP|EPA|Reuters|PA|Getty)\ (?:Photo|Images?)(?:\ ?/[^()]{1,60})?\)
      | \((?i:photo|picture|image|video)s?(?:\ credit)?:\ ?[^()]{1,60}\)
      | \b(?:REUTERS|AFP|EPA|AP\ Photo)/\ ?[A-Z][\w.'’ -]{1,40}
      | /\ ?(?:AFP|AP|EPA|Reuters|Getty\ Images|PA(?:\ Wire)?)(?:\ via\ Getty\ Images)?
      | \b(?:via|for)\ Getty\ Images | \bAFP\ PHOTO\b.{0,60}
      | \b(?i:photograph|photo|picture|image)(?:\ credit)?:\ [A-Z][\w.'’ -]{1,40}(?:/[\w.&'’ -]{1,40})?
    )\.?\s*$""",
    re.VERBOSE,
)
_CAPTION_START = re.compile(
    r"^(?:in\ this\ (?:\d{4}\ )?(?:file\ )?(?:photo|image|picture)\b"
    r"|(?:file\ )?(?:photo|photograph|picture)\ (?:by|courtesy)\b"
    r"|(?:pictured|photograph|caption|main\ picture):)",
    re.IGNORECASE | re.VERBOSE,
)
_TERMINAL = re.compile(r"[.!?…\"”’')\]]\s*$")

# Reader comments. A section heading alone ("Comments", "Have your say") also sits in share bars
# above the story, so a section is only taken to start where a heading or a comment is followed
# by (another) comment's own marks: its author and time, or its Reply/Report buttons. A blog's
# comment keeps its author's signature when a scraper flattens it: "At 12:40 26th Apr 2009, H
# wrote:" (a name may be one letter), "Posted by Jason - May 1st, 2009 -- 4:59 pm GMT" (its author
# and time), "... - Posted by M Khan" (a dash after a sentence, as a signature line reads flat),
# "8th November 2011 - 17:42" (a comment's stamp), or a moderator's "This comment was removed".
# "This debate is now closed." heads the readers' posts of a debate page wherever it stands (it
# never sits in a share bar), so it starts a section by itself.
_DEBATE_CLOSED = re.compile(r"\bThis\ (?:debate|discussion|conversation)\ is\ (?:now\ )?closed\.\s+\S")
_COMMENT_HEADING = re.compile(
    r"""^(?:(?:\d[\d,]*\ )?(?:reader\ |user\ )?comments?(?:\ \(\d[\d,]*\))?:?
      | showing\ \d+(?:\ ?[-–]\ ?\d+)?\ of\ \d[\d,]*\ comments?
      | (?:add|post|leave|write)\ (?:your|a)\ (?:comment|reply)
      | have\ your\ say | join\ the\ (?:conversation|discussion) | comments\ are\ (?:closed|now\ closed)\.?
      | (?:view|show|read|see)\ (?:all\ )?(?:\d[\d,]*\ )?comments?
      | sort\ by:?\ (?:newest|oldest|best|top|most\ recommended|popular).{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_COMMENT_MARK = re.compile(
    rf"""\bat\ \d{{1,2}}:\d{{2}}(?:\ ?[ap]m)?,?\ (?:on\ )?\d{{1,2}}(?:st|nd|rd|th)?\ {_MONTH}\ \d{{4}},?
        \ \S{{1,40}}\ wrote:
      | \b{_MONTH}\ \d{{1,2}}\ ?,\ \d{{4}},?\ at\ \d{{1,2}}:\d{{2}}\ ?[ap]\.?m\.?\ ?\|
      | \|\ ?report\ abuse\b | \breport\ abuse\ ?\| | \bposted\ by\ \S{{2,40}}\ (?:at|on)\ \d
      | \b(?:re:\ )?posted\ by\ [^.!?]{{1,60}}?\d{{4}}\ ?(?:--?|–|—|,)\ ?\d{{1,2}}:\d{{2}}\ ?[ap]\.?m\b
      | (?<=[.!?]\ )[-–—]{{1,2}}\ ?posted\ by\ \w
      | ^(?:reply|report|recommend|flag|like|permalink)
        (?:\ ?[|·•]\ ?(?:reply|report|recommend|flag|like|share|permalink))*$
      | ^\d+\ (?:points?|likes?|replies|recommendations?|recommends?)$
      | ^(?:\d+|an?)\ (?:second|minute|hour|day|week|month|year)s?\ ago$
      | ^\S{{2,40}}\ (?:wrote|said|replied):$ | ^in\ reply\ to\ \S{{2,40}}$
      | \b\d{{1,2}}(?:st|nd|rd|th)\ {_MONTH}\ \d{{4}}\ -\ \d{{1,2}}:\d{{2}}\b
      | \bthis\ comment\ was\ removed\ because\ the\ moderators\b
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
# Where a comment form and the page's footer start: nothing after it is the article. A blog's
# comment policy ("We welcome comments that advance the story through relevant opinion, ...",
# "Comments are moderated by CNN, in accordance with ...", "All posts are reactively-moderated
# and must obey the house rules") closes its comment section, so it is one of them; the words are
# those of a policy addressed to commenters, which no report writes.
_COMMENT_FOOTER = re.compile(
    r"""\(required,\ but\ will\ not\ be\ displayed\)
      | \b\w+\ welcomes\ a\ lively\ and\ courteous\ discussion
      | \bviews\ expressed\ in\ the\ comments\ do\ not\ represent
      | \bcomments\ are\ not\ pre-screened\b
      | \bwe\ welcome\ comments\ that\ advance\ the\ (?:story|discussion)\ through\b
      | \bcomments\ are\ moderated\ by\ [\w.&' -]{1,40},?\ in\ accordance\ with\b
      | \ball\ posts\ are\ (?:reactively-|pre-|post-)?moderated\ and\ must\ obey\b""",
    re.IGNORECASE | re.VERBOSE,
)
COMMENT_WINDOW = 3000  # characters after a heading within which a comment's marks must follow

# Wire boilerplate inside a paragraph (one-line texts have nothing else): the reporting credit
# that closes a wire story, and reprint notices.
# A trailer whose opening parenthesis was lost is still a credit when it names both who reported
# and who edited and ends with the closing one ("... in Rome. Editing by Chris Wilson)").
_WIRE_TRAILER = re.compile(
    r"""\((?:additional\ )?(?:reporting|writing|editing|compiled)\ by\b[^()]{2,300}\)
      | (?<=[.!?"”]\ )(?:additional\ )?reporting\ by\b[^()]{2,400}?\bediting\ by\b[^()]{2,80}\)""",
    re.IGNORECASE | re.VERBOSE,
)
_INLINE_NOTICE = re.compile(
    r"""(?:copyright|©)\ ?\d{4}\ [\w.&'’ -]{2,60}?\.\ all\ rights\ reserved\.
        (?:\ this\ material\ may\ not\ be\ published,\ broadcast,\ rewritten,?\ or\ redistributed\.)?
      | our\ standards:\ the\ thomson\ reuters\ trust\ principles\.""",
    re.IGNORECASE | re.VERBOSE,
)
# Furniture inside a paragraph, for texts without line breaks where the line rules see nothing.
# Each is matched by its structure: a label that only captions and notes carry ("PHOTO:", "(Photo:
# ...)", "Editor's note:"), an agency credit whose slash no sentence writes ("REUTERS/Jason Lee",
# "Kim Badawi/Getty Images"), or a link's words standing as a sentence of their own ("Read more
# about ...").
_SENTENCE_START = r"(?:^|(?<=[.!?\"”)]\ ))"
_PHOTO_NOTE = re.compile(r"\((?i:photos?|pictures?|images?)(?i:\ credits?)?:\ ?[^()]{1,200}\)")
_CAPTION_LABEL = re.compile(
    _SENTENCE_START + r"(?i:photos?|pictures?|images?)(?i:\ (?:captions?|credits?))?:\ (?=[A-Z])"
)
_CREDIT_NAME = r"[A-Z][\w'’-]+(?:\ [A-Z][\w'’-]+)?"  # a photographer's name: two words at most
# A credit alone: the agency in capitals, or a name and Getty Images; after a caption's label, also
# a name and any agency ("Issei Kato/Reuters"), which alone could be a poll's ("Harris/Reuters").
_BARE_CREDIT = re.compile(
    rf"\b(?:REUTERS|AFP)/{_CREDIT_NAME}"
    r"|\b[A-Z][\w'’-]+\ [A-Z][\w'’-]+/Getty\ Images(?:\ (?:for|via)\ [A-Z][\w.]+)?"
)
_LABELLED_CREDIT = re.compile(
    rf"""{_BARE_CREDIT.pattern}
      | [A-Z][\w'’-]+\ [A-Z][\w'’-]+/(?:Reuters|AFP|AP|EPA)
        (?:;\ [A-Z][\w'’-]+\ [A-Z][\w'’-]+/(?:Reuters|AFP|AP|EPA|Getty\ Images))*""",
    re.VERBOSE,
)
CAPTION_WINDOW = 350  # characters after a caption's label within which its credit must end it
_CAPTION_DATE = re.compile(rf"\b(?i:{_MONTH})\ \d{{1,2}},\ \d{{4}}\.\s*$")
_READ_MORE = re.compile(
    _SENTENCE_START + r"Read\ more(?:\.{3}|…|:\ [^.!?]{1,120}[.!?]?|\ about\ [^.!?\"“”]{1,120}[.!?])"
)
_EDITORS_NOTE = re.compile(r"\bEditor['’]?s\ [Nn]ote:\ ")
_STORY_DATELINE = re.compile(r"\((?:CNN|Reuters|AP|AFP)\)\ ?(?:--|—|–|-)\ ")
NOTE_WINDOW = 800  # characters after "Editor's note:" within which the story's dateline must come
# An opinion column's note on its writer: a sentence naming who the writer is, then the
# disclaimer, set off by dashes on a page of columns ("-- John Kemp is a Reuters columnist. The
# views expressed are his own --") or opening the column. The disclaimer alone could close a
# report on someone's words ("The views expressed are his own."), so the writer's sentence must
# be there too.
_AUTHOR_NOTE = re.compile(
    _SENTENCE_START
    + r"""(?:-{1,2}\ )?[A-Z][\w.'’-]+(?:\ [A-Z][\w.'’-]+){1,3}\b
        [^.!?]{0,200}?\ (?:is|was)\ [^.!?]{2,200}?[.!?]
        \ (?:The\ views\ expressed\ are|Any\ opinions\ are)\ (?:his|her|their)\ own
        (?:\.?\ ?-{1,2}(?=\s|$)|\.)""",
    re.VERBOSE,
)
_NAME = r"[A-Z][\w.'’-]*(?:\ (?:[A-Z][\w.'’-]*|de|van|von|da|al|bin|el))*"
_BYLINE = re.compile(
    rf"""^(?:[Bb]y\ {_NAME}(?:(?:,|\ and|\ &)\ {_NAME})*(?:,?\ (?:and\ )?{_NAME})?(?:\ (?:in|for)\ {_NAME})?
        (?:\s*[,|–—-]\s*[\w.&'’ -]{{2,60}})?
      | {_NAME}\ ?\|\ ?[\w.&'’ -]{{2,60}}(?:\ ?\|\ ?[\w.&'’ -]{{2,60}})?
    )$""",
    re.VERBOSE,
)
# A wire dateline opening the first paragraph: "WASHINGTON (Reuters) - ", "LONDON, April 3 (AP) — ",
# "VALMORA, Estria - ", "(CNN) -- ". The place is in capitals, which prose never opens with.
_DATELINE = re.compile(
    rf"""^(?!(?:EXCLUSIVE|BREAKING|UPDATE|UPDATED|WATCH|ANALYSIS|OPINION|EDITORIAL|LIVE|VIDEO|NEWS)\b)
      (?:(?=[A-Z .'’-]*[A-Z]{{3}})[A-Z][A-Z.'’-]*(?:[ -][A-Z][A-Z.'’-]*){{0,3}}
        (?:,\ [A-Z][\w.'’]*(?:\ [A-Z][\w.'’]*){{0,3}})?(?:,?\ (?i:{_MONTH})\ \d{{1,2}}(?:,\ \d{{4}})?)?
        (?:\ ?\([A-Z][\w.&'’ -]{{1,40}}\))?
      | \((?:CNN|AP|AFP|Reuters|[A-Z][\w.&' -]{{1,30}}\ News)\)
    )\ ?(?:-{{1,2}}|–|—)\ (?=[A-Z0-9"“‘'](?![A-Z ]{{12}}))""",
    re.VERBOSE,
)

# The time stamps that open each entry of a live page ("2155: BP's chairman ...", "1914 GMT: ..."),
# which text without line breaks runs into one paragraph. The same shape opens the entries of a
# chronology of years ("1914: War begins."), so stamps are taken for clock times only as a set:
# three or more, in order (live pages run newest first or oldest first), and at least one of them
# impossible as a year of the story (see `_live_page_stamps`).
_ENTRY_STAMP = re.compile(
    r"""(?:^|(?<=[.!?"'”’)]\ ))
        (?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?P<zone>\ ?(?:GMT|BST|UTC|CET|EST|EDT|ET))?\ ?:[ ]
        (?=[A-Z"“‘'])""",
    re.VERBOSE | re.MULTILINE,
)
MIN_LIVE_STAMPS = 3


def _live_page_stamps(text: str, published: date | None) -> list[tuple[int, int]]:
    """The spans of a live page's entry stamps, or none when the stamps could be years: a stamp
    is certainly a clock time when it has a time zone, opens with 0 ("0930"), or lies after the
    year after publication (after 2100 when the date is unknown)."""
    stamps = list(_ENTRY_STAMP.finditer(text))
    if len(stamps) < MIN_LIVE_STAMPS:
        return []
    values = [int(m["hour"] + m["minute"]) for m in stamps]
    if values != sorted(values) and values != sorted(values, reverse=True):
        return []
    latest_year = published.year + 1 if published else 2100
    if not any(
        m["zone"] or m["hour"].startswith("0") or v > latest_year for m, v in zip(stamps, values, strict=True)
    ):
        return []
    return [(m.start(), m.end()) for m in stamps]


# A pull quote as BBC pages flatten it: the quote repeated from the story in a box, its opening
# mark lost, then "End Quote" and the speaker's name and role run into the next paragraph
# ("... sir '' End Quote Alberto Alvarez Bodyguard , 911 call `` He 's pumping ..."). Its lone
# closing mark would pair with the next opening one and make the writer's narration a quote.
_PULL_QUOTE_END = re.compile(r"(?P<close>''|\"|”)?\s*\bEnd Quote\b")
_SENTENCE_BOUNDARY = re.compile(r"[.!?](?:\s?(?:''|['\"’”]))*\s+")
# Where the credit after "End Quote" ends: the first word that opens a sentence. A name and a role
# have no mark of their end, so only these are trusted; with none near, the credit is left.
_CREDIT_END = re.compile(
    r"""\s(?=``|“|"|(?:The|It|There|He|She|They|We|I|But|And|Meanwhile|However|In|On|At|If|As|When
        |While|After|Before|During|Since|This|That|These|Those|His|Her|Their|Its|Many|Some|A|An)\b)""",
    re.VERBOSE,
)
MAX_CREDIT_WORDS = 12


def _pull_quotes(text: str, limit: int) -> list[tuple[int, int, str]]:
    """A flattened pull quote's words and its "End Quote" mark, and the credit after it when its
    end can be found."""
    found: list[tuple[int, int, str]] = []
    for match in _PULL_QUOTE_END.finditer(text, 0, limit):
        if match["close"]:  # the quote's own words: the sentence that the lone mark closes
            words_end = len(text[: match.start()].rstrip().rstrip(".!?"))
            boundaries = [b.end() for b in _SENTENCE_BOUNDARY.finditer(text, 0, words_end)]
            start = boundaries[-1] if boundaries else 0
        else:  # the box's words were lost: only the mark is left
            start = match.start() + len(text[match.start() : match.end()]) - len("End Quote")
        found.append((start, match.end(), "pull quote (repeated from the story)"))
        window = text[match.end() : match.end() + 200]
        credit_end = _CREDIT_END.search(window)
        if credit_end and 1 <= len(window[: credit_end.start()].split()) <= MAX_CREDIT_WORDS:
            found.append((match.end(), match.end() + credit_end.start(), "pull quote credit"))
    return found


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
    return (
        bool(_CAPTION_CREDIT.search(line))
        or (bool(_AGENCY_CREDIT.search(line)) and len(line.split()) <= 80)
        or (bool(_CAPTION_START.match(line)) and len(line.split()) <= 60)
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


def _comment_section(text: str) -> tuple[int, str] | None:
    """Where the reader comments (or the comment form and the footer below them) start, with
    the reason; None when the text has none. Some prose must come before it."""
    marks = [m.start() for m in _COMMENT_MARK.finditer(text)]
    start = None
    for heading in _COMMENT_HEADING.finditer(text):
        if any(heading.end() < m <= heading.end() + COMMENT_WINDOW for m in marks):
            start = heading.start()
            break
    if start is None and len(marks) >= 2 and marks[1] - marks[0] <= COMMENT_WINDOW:
        start = marks[0]
    footer = _COMMENT_FOOTER.search(text)
    if start is None and footer and marks and marks[0] < footer.start():
        start = marks[0]  # one comment's marks, then the comment form: the comments between
    found = [(start, "reader comments")] if start is not None else []
    if closed := _DEBATE_CLOSED.search(text):
        found.append((closed.start(), "reader comments"))
    if footer:
        found.append((footer.start(), "comment form and page footer"))
    for start, reason in sorted(found):
        if any(is_prose(part) for part in _sentences(text[:start])):
            return start, reason
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?…\"”])\s+(?=[A-Z“\"‘(])|\n+")


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _captions(text: str, limit: int) -> list[tuple[int, int, str]]:
    """Photo captions and credits inside a paragraph: a "(Photo: ...)" note; a labelled caption
    ("PHOTO: A guard sits in the empty stadium ... May 2, 2009. REUTERS/Henry Romero") up to
    its credit, or to its sentence's end when no credit follows; an agency credit alone, with the
    sentence before it when that ends with the caption's date ("... Miami, Florida February 2,
    2009. REUTERS/Carlos Barria"), as captions do and prose does not."""
    reason = "photo caption or credit"
    found = [(m.start(), m.end(), reason) for m in _PHOTO_NOTE.finditer(text, 0, limit)]
    for label in _CAPTION_LABEL.finditer(text, 0, limit):
        window = text[label.end() : min(limit, label.end() + CAPTION_WINDOW)]
        credit = _LABELLED_CREDIT.search(window)
        if credit:
            found.append((label.start(), label.end() + credit.end(), reason))
        elif end := _SENTENCE_END.search(window):
            found.append((label.start(), label.end() + end.start(), reason))
    for credit in _BARE_CREDIT.finditer(text, 0, limit):
        start = credit.start()
        boundaries = _SENTENCE_END.finditer(text, max(0, start - 400), start + 1)
        before = [b.end() for b in boundaries if b.end() <= start]
        if len(before) >= 2 and before[-1] == start and _CAPTION_DATE.search(text[before[-2] : start]):
            start = before[-2]
        found.append((start, credit.end(), reason))
    return found


# A wire page's header flattened into its first paragraph: the place, a pipe and the filing time
# ("MEXICO CITY | Fri Apr 24, 2009 7:50 pm EDT"), then the story's own dateline ("MEXICO CITY
# (Reuters) - "). No sentence writes a pipe before a weekday and a clock time.
_WIRE_STAMP = re.compile(
    r"""(?<![\w,])[A-Z][A-Z.'’/-]*(?:[\ -][A-Z][A-Z.'’/-]*){0,3}(?:,\ [A-Z][\w.]*(?:\ [A-Z][\w.]*){0,2})?
        \ \|\ (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\ [A-Z][a-z]{2}\ \d{1,2},\ \d{4}
        \ \d{1,2}:\d{2}\ ?[ap]m\ [A-Z]{2,4}
        (?:\ [A-Z][A-Z.'’/-]*(?:[\ -][A-Z][A-Z.'’/-]*){0,3}(?:,\ [A-Z][\w.]*(?:\ [A-Z][\w.]*){0,2})?
           \ ?\((?:Reuters|AP|AFP)\)\ ?(?:-{1,2}|–|—)(?=\s))?""",
    re.VERBOSE,
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A wire photo's caption ends on its place and the day it was taken, with no "on" before the
# date ("... in Kobe, western Japan, May 17, 2009."); prose dates a happening with "on" or after
# a weekday ("took effect Monday, June 1, 2009.").
_PLACE_AND_DATE_END = re.compile(
    rf"(?<![.!?])\s(?!{_WEEKDAY}\b)[A-Z][\w.'’-]+,?\ (?i:{_MONTH})\ \d{{1,2}},\ \d{{4}}\.\s*$"
)


def _wire_stamps(text: str, limit: int) -> list[tuple[int, int, str]]:
    """A wire page's filing stamp and dateline inside a paragraph (see `_WIRE_STAMP`), and the
    photo caption standing right before it, which ends on a place and a date (see
    `_PLACE_AND_DATE_END`): the page put the picture above the story."""
    found = []
    for stamp in _WIRE_STAMP.finditer(text, 0, limit):
        found.append((stamp.start(), stamp.end(), "wire dateline and time stamp"))
        low = max(0, stamp.start() - 600)
        boundaries = [b.end() for b in _SENTENCE_END.finditer(text, low, stamp.start() + 1)]
        if not boundaries or boundaries[-1] != stamp.start():
            continue  # the stamp opens the text, or stands inside a sentence
        if len(boundaries) >= 2:
            caption_start = boundaries[-2]
        elif low == 0:
            caption_start = 0
        else:
            continue
        caption = text[caption_start : stamp.start()]
        if _PLACE_AND_DATE_END.search(caption) and len(caption.split()) <= 60:
            found.append((caption_start, stamp.start(), "photo caption or credit"))
    return found


def _inline_furniture(text: str, limit: int) -> list[tuple[int, int, str]]:
    """Captions, link prompts, author's and editor's notes inside a paragraph (see `_captions`). An
    editor's note is only taken where the story's dateline follows it ("Editor's note: Elisa
    Massimino is the president of Human Rights First. (CNN) -- The regime ..."), which says
    where the note ends and the story starts."""
    found = _captions(text, limit) + _wire_stamps(text, limit)
    prompts = _READ_MORE.finditer(text, 0, limit)
    found += [(m.start(), m.end(), "navigation or interface text") for m in prompts]
    found += [(m.start(), m.end(), "author's note") for m in _AUTHOR_NOTE.finditer(text, 0, limit)]
    for note in _EDITORS_NOTE.finditer(text, 0, limit):
        dateline = _STORY_DATELINE.search(text, note.end(), min(limit, note.end() + NOTE_WINDOW))
        if dateline is None:
            continue
        ends = [b.start() for b in _SENTENCE_END.finditer(text, note.end(), dateline.start() + 1)]
        if ends:
            found.append((note.start(), ends[-1], "editor's note"))
    return found


def _cuts(text: str, published: date | None) -> list[tuple[int, int, str]]:
    """Spans to drop that need not be whole lines: the comment section to the end of the text,
    wire trailers and reprint notices, the non-prose rest of a line after a wire trailer, flattened
    pull quotes, a live page's entry stamps (so that each entry becomes a paragraph of its own),
    and captions, prompts and notes inside a paragraph."""
    found: list[tuple[int, int, str]] = [
        (start, end, "live-page time stamp") for start, end in _live_page_stamps(text, published)
    ]
    comments = _comment_section(text)
    limit = comments[0] if comments else len(text)
    if comments:
        found.append((comments[0], len(text), comments[1]))
    for match in _WIRE_TRAILER.finditer(text, 0, limit):
        found.append((match.start(), match.end(), "credit line"))
        line_end = text.find("\n", match.end())
        rest_end = min(limit, len(text) if line_end < 0 else line_end)
        rest = text[match.end() : rest_end]
        if rest.strip() and not any(is_prose(part) for part in _sentences(rest)):
            found.append((match.end(), rest_end, "page furniture after the article"))
    for match in _INLINE_NOTICE.finditer(text, 0, limit):
        found.append((match.start(), match.end(), "reader prompt or legal notice"))
    found.extend(_pull_quotes(text, limit))
    found.extend(_inline_furniture(text, limit))
    kept: list[tuple[int, int, str]] = []
    for start, end, reason in sorted(found):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and not any(s < end and start < e for s, e, _ in kept):
            kept.append((start, end, reason))
    return kept


def _pieces(start: int, line: str, cuts: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """What is left of a line once the cuts inside it are taken out, each piece stripped."""
    spans = [(start, start + len(line))]
    for cut_start, cut_end, _ in cuts:
        spans = [
            part
            for s, e in spans
            for part in ((s, min(e, cut_start)), (max(s, cut_end), e))
            if part[1] > part[0]
        ]
    pieces = []
    for s, e in spans:
        piece = line[s - start : e - start]
        if piece.strip():
            pieces.append((s + len(piece) - len(piece.lstrip()), piece.strip()))
    return pieces


def _removal(start: int, line: str, reason: str) -> Removal:
    return Removal(text=line, reason=reason, start=start, end=start + len(line))


def _leading_bylines(kept: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Removal]]:
    """Byline lines ("By Jane Doe, Reuters", "Jane Doe | The Ledger") above the first prose."""
    removed, rest = [], []
    for index, (start, line) in enumerate(kept):
        if is_prose(line):
            rest.extend(kept[index:])
            break
        match = _BYLINE.match(line)
        if match and len(line.split()) <= 16 and (line[:3].lower() == "by " or index > 0):
            removed.append(_removal(start, line, "byline"))
        else:
            rest.append((start, line))
    return rest, removed


def clean_text(
    text: str,
    *,
    outlet: str | None = None,
    batch_repeats: frozenset[str] = frozenset(),
    take_title: bool = True,
    layout_known: bool = False,
    published: date | None = None,
) -> CleanText:
    """Remove debris from scraped text; offsets in `removed` point into `normalize_text(text)`.

    Debris is mostly whole lines, but a comment section runs from its first mark to the end of
    the text, a wire trailer or notice may sit inside a paragraph (texts without line breaks),
    and a dateline is the first words of the first paragraph: the cleaned text is the kept
    pieces, each a paragraph.

    `layout_known` says the text comes from an extractor that saw the page's structure (HTML):
    the rules that guess structure from flattened text (a masthead line, short lines after the
    last paragraph of prose, bylines and datelines) are then left out, as they would drop lists
    and tables the extractor rightly kept. `published`, the article's date if known, tells a live
    page's time stamps from a chronology's years.
    """
    text = normalize_text(text)
    cuts = [] if layout_known else _cuts(text, published)
    removed: list[Removal] = [_removal(s, text[s:e], reason) for s, e, reason in cuts]
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw_line in text.split("\n"):
        stripped = raw_line.strip()
        if stripped:
            lines.extend(_pieces(offset + raw_line.index(stripped[0]), stripped, cuts))
        offset += len(raw_line) + 1

    kept: list[tuple[int, str]] = []
    for start, line in lines:
        reason = _debris_reason(line, outlet, batch_repeats, layout_known)
        if reason:
            removed.append(_removal(start, line, reason))
        else:
            kept.append((start, line))

    # Page furniture after the last line of prose ("Your Globe", section names) is not article
    # text: short lines without sentence punctuation.
    last_prose = max((i for i, (_, line) in enumerate(kept) if is_prose(line)), default=-1)
    if last_prose >= 0 and not layout_known:
        tail = kept[last_prose + 1 :]
        furniture = [(s, ln) for s, ln in tail if len(ln.split()) <= 8 and not _TERMINAL.search(ln)]
        removed.extend(_removal(s, ln, "page furniture after the article") for s, ln in furniture)
        kept = kept[: last_prose + 1] + [item for item in tail if item not in furniture]

    if not layout_known:
        kept, bylines = _leading_bylines(kept)
        removed.extend(bylines)

    if take_title and not layout_known and _masthead_before_headline(kept):
        start, line = kept.pop(0)
        removed.append(_removal(start, line, "masthead"))

    title = None
    if take_title and len(kept) > 1 and is_headline(kept[0][1]):
        start, title = kept.pop(0)
        removed.append(_removal(start, title, "headline (used as title)"))

    if kept and not layout_known:
        start, line = kept[0]
        dateline = _DATELINE.match(line)
        if dateline and is_prose(line[dateline.end() :]):
            removed.append(_removal(start, line[: dateline.end()].rstrip(), "dateline"))
            kept[0] = (start + dateline.end(), line[dateline.end() :])
    removed.sort(key=lambda r: r.start or 0)
    return CleanText(text="\n\n".join(line for _, line in kept), removed=tuple(removed), title=title)
