"""Whether a piece of article text reads as a whole sentence, for the lines a reader is shown.

The parse splits sentences where a reader would not: inside a quotation ("It belongs to the
people who live along it," cut from the "… said Varga." that ends it) and after a dateline
("DRAVIK, Karvonia (Estria Daily Wire) -"). A summary or timeline line must stand on its own,
so such pieces are never shown as lines.

A summary line is also read without its neighbours, so it must not lean on them: a line that
opens on a pronoun ("They can spread the word ..."), is said by a pronoun ("..., she says.") or
asks a question (an interviewer's) is left out of a summary (`stands_alone`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.models import Mention, Token

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
_OPENING = "\"“‘'"


def is_whole_sentence(text: str) -> bool:
    """Opens on a capital, a digit or an opening quotation mark, ends on a full stop, question
    or exclamation mark (closing marks may follow), and closes every quotation it opens."""
    text = text.strip()
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in _OPENING):
        return False
    if not _SENTENCE_END.search(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


# A demonstrative naming a time ("This week tens of thousands marched") leans on nothing.
_LEANING_OPENING = re.compile(
    r"^(?:He|She|They|It|We|I|You|His|Her|Their|Its|This|That|These|Those|Such|Both|Neither)\b"
    r"(?!\s+(?:week|weekend|month|year|morning|afternoon|evening|summer|winter|spring|autumn|fall)\b)"
)
# A quantifier as the subject, standing for a group named before: "Many have lived ...",
# "Some of them were ..." ("Many Egyptians have lived ..." names its group).
_QUANTIFIER_OPENING = re.compile(
    r"^(?:Many|Some|Others|Most|Few|Several|All|Each)\s+(?:of\s+(?:them|us|these|those)\b|"
    r"(?:have|has|had|are|were|was|is|say|said|will|would|can|could|do|did)\b)"
)
_PRONOUN_SAYS = re.compile(
    r"[,.!?][\"”’']?\s*(?:he|she|they|it|I|we)\s+(?:said|says|told|tells|\w+ed|\w+s)\b[^.,;]{0,40}\.$"
)


def stands_alone(text: str) -> bool:
    """Whether a whole sentence reads on its own, without the sentences around it in its article:
    it does not open on a pronoun or a demonstrative (a quotation may: its attribution says who
    "we" are) or on a quantifier standing for people named before ("Many have lived ..."), is
    not attributed to a pronoun, is not a question, is not a quotation alone (whose speaker
    the sentences around it name), and does not say "here" outside a quotation (the writer's
    place, named by a dateline or a sentence before it)."""
    text = text.strip()
    if _LEANING_OPENING.match(text) or _PRONOUN_SAYS.search(text) or _QUANTIFIER_OPENING.match(text):
        return False
    bare = _QUOTATION.sub(" ", text)
    if re.search(r"\bhere\b", bare, re.IGNORECASE) or not bare.strip(" .,;:!?-—–"):
        return False  # the writer's "here"; a quotation alone, with no one saying it
    return not re.search(r"\?[\"”’')\]]*$", text)


# Debris that page flattening runs into a sentence (Timeline17 and other one-line plain texts:
# the headline, caption and byline run into the first sentence with no mark between them). Each
# is a shape prose does not take:
# - a pipe, which separates a byline, a time stamp or a section name from what follows;
# - a time stamp with its zone, or an update stamp ("14:44 UK time", "Last updated at 15:44 GMT");
# - two words in capitals opening the line: a wire dateline or a crosshead ("LOS ANGELES (Reuters)
#   - ...", "EDGAR HERNANDEZ - FIRST CONFIRMED CASE ...");
# - a byline opening the line: "By" and a capitalised name ("By Caroline Duffield BBC News, ...");
# - a pull quote's credit ("... damage President Obama: "We will ..." President Barack Obama has");
# - a capitalised word repeated ("... between the president and BP BP executives have met ..."),
#   where a caption's last word meets the story's first;
# - a sentence opener in capitals straight after a lower-case word, with no mark between them, in
#   the first words of the line: a headline's last word and the story's first ("Tensions rise on
#   surging food prices A Tunisian protester ...", "... oil spill fallout The Daily Mail is ...").
#   Prose puts a capitalised "The" mid-sentence only in a title, after a preposition or a verb
#   ("told The Associated Press", "an editor at The Lancet"), which are passed over.
_PIPE = re.compile(r"\|")
_STAMP = re.compile(
    r"\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:GMT|UTC|BST|CET|CDT|EDT|EST|IST|ET|UK\s+time)\b"
    r"|\b(?:last\s+updated|updated|published|posted)\s+(?:at|on)\s+\d",
    re.IGNORECASE,
)
_CAPITALS_OPENING = re.compile(
    r"^[\"“‘']?[A-Z]{3,}[.,]?(?:\s+[A-Z]{2,}[.,]?)+\b(?![a-z])"
    r"|^[A-Z][A-Z.'’-]{2,}(?:,?\s+[A-Z][\w.'’-]*){0,3}\s*(?:\([\w .&'’-]{1,30}\)\s*)?(?:-{1,2}|–|—)\s"
)
_DATE_WORDS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Christmas|Easter"
)
_BYLINE_OPENING = re.compile(rf"^By\s+(?!(?:{_DATE_WORDS})\b)[A-Z][a-z'’.-]+\s+[A-Z][a-z'’.-]+")
# A pull quote's credit inside the line: a name, a colon and a quotation after a lower-case word
# ("... for oil spill damage President Obama: "We will make BP pay" President Barack Obama has
# vowed ..."); prose introduces a quotation with a verb ("Obama said: ...").
_CREDITED_QUOTE = re.compile(r"\b(?P<before>[a-z][\w'’-]*) (?:[A-Z][\w.'’-]* ){0,3}[A-Z][\w.'’-]*: [\"“]")
_REPEATED_CAPITAL = re.compile(r"\b([A-Z][\w'’]+) \1\b(?![-'’])")
_OPENER_AFTER_LOWER = re.compile(
    r"\b(?P<before>[a-z][a-z'’-]{2,}) (?:(?:The|On|In|At|He|She|They|It|We|His|Her|Their|This|These|"
    r"But)\s+[\w\"“]|(?:A|An)\s+[A-Z])"
)
# The words after which a capitalised "The" or "A" may start a title or a name in prose.
_BEFORE_A_TITLE = frozenset(
    "the and or nor but for from with without into onto upon at in on of to by via about than as like "
    "including include includes included among against between over under behind "
    "said says say told tells tell wrote writes write reads read called calls named names "
    "reported reports quoted quotes cited cites according paper newspaper magazine journal "
    "station channel network program programme show film book novel song album website "
    "blog column agency group company firm party band".split()
)
# A person's name: two capitalised words, not after "the" (an institution or a place is named
# twice in prose: "White House Press Secretary ... the White House").
_FULL_NAME = re.compile(r"(?<![\w'’])(?<!\bthe )([A-Z][a-z'’-]+ [A-Z][a-z'’-]+)(?=[\s,.'’])")


def _repeated_name(text: str) -> bool:
    """Whether a two-word name comes twice in one sentence: a caption or headline naming whom
    the story names again ("Edward Markey called for safety plans Edward Markey told the ...");
    prose names a person in full once, then by surname or pronoun."""
    names = [m.group(1) for m in _FULL_NAME.finditer(text)]
    return len(names) != len(set(names))


RUN_IN_WORDS = 25  # a headline or caption run into a line ends within its first words


def has_run_in(text: str) -> bool:
    """Whether page debris (a headline, caption, byline, dateline or stamp) is run into the text
    with no mark between them (see the shapes above)."""
    text = text.strip()
    if _PIPE.search(text) or _STAMP.search(text):
        return True
    if _CAPITALS_OPENING.match(text) or _BYLINE_OPENING.match(text):
        return True
    if _REPEATED_CAPITAL.search(text) or _repeated_name(text):
        return True
    if any(m["before"] not in _BEFORE_A_TITLE for m in _CREDITED_QUOTE.finditer(text)):
        return (
            True  # after "in", "told" ... the name is a place or an addressee ("told reporters in Dravik: ")
        )
    head = " ".join(text.split()[:RUN_IN_WORDS])
    head = head.split(",", 1)[0]  # after a comma a capital may open a quotation or a clause
    return any(m["before"].lower() not in _BEFORE_A_TITLE for m in _OPENER_AFTER_LOWER.finditer(head))


_QUOTATION = re.compile(r"“[^”]*”?|\"[^\"]*\"?|``.*?(?:''|$)|‘[^’]*’")
# Lower-case forms anywhere; a capitalised "We", "You" or "Our" only where a clause opens (else it
# is part of a name: "You Tube"); "I" unless a capitalised word comes just before it (then it is a
# numeral: "Ixtoc I", "World War I").
_PERSON = re.compile(
    r"\b(?:me|my|mine|myself|we|us|our|ours|ourselves|you|your|yours|yourself|yourselves)\b"
    r"|(?:^|[.:;!?(—–-]\s*)(?:We|You|Your|Our|My)\b"
)
# The reader told where to go: "For a map ... go here.", "just click on the links".
_READER_PROMPT = re.compile(
    r"\b(?:click|tap|go|see|look|read|listen|watch)\s+(?:here|below|above|on\s+the\s+links?)\b", re.IGNORECASE
)
_PRONOUN_I = re.compile(r"\bI\b(?![.'’-]\w)")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each quotation in a sentence, marks included (an unclosed
    one runs to the end)."""
    return [(m.start(), m.end()) for m in _QUOTATION.finditer(text)]


def speaks_as_writer(text: str) -> bool:
    """Whether the writer speaks in the first person or to the reader in the second, outside any
    quotation: a reader's comment, a blog aside, a prompt ("We want to hear from you", "You can
    follow the testimony ..."). A report names who did what; its "I" and "you" are inside
    quotation marks."""
    bare = _QUOTATION.sub(" ", text)
    if _PERSON.search(bare) or _READER_PROMPT.search(bare):
        return True
    for match in _PRONOUN_I.finditer(bare):
        before = bare[: match.start()].split()
        if not before or not before[-1][:1].isupper() or before[-1][-1] in ".!?:;":
            return True
    return False


# Two sentences the parse left joined: a full stop after a word or a number (not after an
# abbreviation: "Mr.", "Gen.", "St.", "a.m.", "etc."), then a capitalised word.
_JOINED = re.compile(r"(?<![\w.])(?!(?:etc|approx|incl|est)\.)(?:\d[\d,]*|[a-z]{3,})[.!?]\s+[A-Z]\w")


# A website named by its address: a page's promotion of itself ("CNN.com Live has both issues
# covered", "... news blog will feature the stories of the missing").
_WEBSITE = re.compile(r"\b[\w-]+\.com\b", re.IGNORECASE)


def is_clean_line(text: str) -> bool:
    """A whole sentence, fit to be shown as a line on its own: one sentence, no debris run into
    it, every bracket it opens closed (the parse cuts inside "(0293.HK)"), no website named by its
    address outside a quotation (`_WEBSITE`), and the writer reports rather than speaks in
    person."""
    if not is_whole_sentence(text) or _JOINED.search(_QUOTATION.sub(" ", text)):
        return False
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return False
    if _WEBSITE.search(_QUOTATION.sub(" ", text)):
        return False
    return not has_run_in(text) and not speaks_as_writer(text)


# The entity labels of names, which a capital opens anywhere in a sentence.
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"}
)


def _word(text: str, token: Token, origin: int) -> str:
    return text[token.start - origin : token.end - origin]


def _wh_clause_alone(text: str, tokens: Sequence[Token], origin: int) -> bool:
    """Whether "how", "why" or "what" opens a clause after an opening phrase and its comma,
    before any verb of the sentence ("And also on the programme, how ..."): a clause with no
    sentence to hang on ("Engineers explained how ...", "How the dam failed is unclear" have
    one)."""
    for before, t in zip(tokens, tokens[1:], strict=False):
        if before.pos in ("VERB", "AUX"):
            return False
        if _word(text, t, origin).lower() in ("how", "why", "what"):
            return _word(text, before, origin) == ","
    return False


def parse_flaw(
    text: str, tokens: Sequence[Token], mentions: Sequence[Mention] = (), *, origin: int = 0
) -> str | None:
    """What the parse of one sentence shows is not a line of prose, or None.

    `text` is the sentence, which starts at offset `origin` of its article, `tokens` its tokens and
    `mentions` the article's named entities. A sentence whose root is no verb is a headline, a
    caption or a fragment ("Swine flu: the facts"), and one whose root clause opens on "how", "why"
    or "what" without asking is a clause without its sentence (a programme's listing: "And also on
    the programme, how astronomers found two planets."). A capitalised word that is no name,
    straight after a word with no mark between them, opens a sentence run into the one before: a
    caption's or byline's last word meets the story's first ("... cases in the UK Two more cases
    ...", "By Ann Lee, For the Wire Thousands marched ..."); prose capitalises mid-sentence only
    names, "I", and titles after the words that announce them (`_BEFORE_A_TITLE`)."""
    if not tokens:
        return None
    root = next((t for t in tokens if t.dep == "ROOT"), None)
    if root is None or root.pos not in ("VERB", "AUX"):
        return "no verb"
    if not text.rstrip("\"”’')] ").endswith("?") and _wh_clause_alone(text, tokens, origin):
        return "a wh-clause alone"  # "And also on the programme, how astronomers found two planets."
    names = [(m.start, m.end) for m in mentions if m.label in _NAME_LABELS]
    quoted = quoted_spans(text)
    inside = [t for t in tokens if t.start >= origin]
    for before, token in zip(inside, inside[1:], strict=False):
        word = text[token.start - origin : token.end - origin]
        previous = text[before.start - origin : before.end - origin]
        if not word[:1].isupper() or word == "I" or token.tag in ("NNP", "NNPS"):
            continue
        if (word.isupper() and token.tag != "DT") or any(s <= token.start - origin < e for s, e in quoted):
            continue  # an acronym ("state TV"), a word in capitals, a title in quotation marks
        if not previous[-1:].isalnum() or previous.lower() in _BEFORE_A_TITLE:
            continue  # after a mark (a colon, a quotation mark, a dash) a capital may open
        if text[before.end - origin : token.start - origin].strip():
            continue
        if any(s <= token.start < e for s, e in names):
            continue
        return f"run in at {word!r}"
    return _subject_run_in(text, inside, origin)


def _subject_run_in(text: str, tokens: Sequence[Token], origin: int) -> str | None:
    """A clause with its own subject and verb run into the next clause's capitalised subject with
    no mark or conjunction between them: a headline or caption meeting the story ("UK doubles rig
    inspections after oil spill Mr Huhne expressed sympathy ..."). Prose joins two clauses with a
    comma, a conjunction or "that", except for a relative clause on the noun before ("the spill
    Britain caused") and a complement after a verb's object ("told reporters Britain would ...")."""
    by_index = {t.i: t for t in tokens}
    children: dict[int, list[Token]] = {}
    for t in tokens:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t)

    def has_subject(verb: Token) -> bool:
        return any(c.dep in ("nsubj", "nsubjpass", "expl") for c in children.get(verb.i, ()))

    def clause_of(token: Token) -> Token | None:
        """The nearest verb with a subject of its own that the token belongs under."""
        node = token
        for _ in range(24):
            if node.pos in ("VERB", "AUX") and has_subject(node):
                return node
            if node.head == node.i or node.head not in by_index:
                return None
            node = by_index[node.head]
        return None

    for before, token in zip(tokens, tokens[1:], strict=False):
        word = text[token.start - origin : token.end - origin]
        previous = text[before.start - origin : before.end - origin]
        if not word[:1].isupper() or not previous[:1].islower() or not previous[-1:].isalnum():
            continue
        if previous in _BEFORE_A_TITLE or text[before.end - origin : token.start - origin].strip():
            continue
        subject = token
        while subject.dep in ("compound", "poss", "amod", "det", "nmod", "case") and subject.head in by_index:
            subject = by_index[subject.head]
        if subject.dep not in ("nsubj", "nsubjpass") or subject.head not in by_index:
            continue
        verb = by_index[subject.head]
        first = clause_of(before)
        if first is None or first.i == verb.i or verb.head == before.i:
            continue
        if verb.dep == "ccomp" and verb.head == first.i:
            continue  # a complement clause without "that": "told reporters Britain would ..."
        if first.i > verb.i:
            continue  # the clause before is inside the one after ("... in the area Obama visited")
        return f"clause run in at {word!r}"
    return None
