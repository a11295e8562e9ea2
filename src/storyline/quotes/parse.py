"""Finding a quote's cue and speaker in the dependency parse: the speech verb that governs it or
sits beside it, that verb's subject (through "adding that", "issued a statement saying", an
inverted "said X", "according to X"), the tagger's source phrase tidied, and a passive cue's agent.
Used by `storyline.quotes.extract`, which builds the quotes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.config import DEFAULTS
from storyline.models import Analysis, Token
from storyline.quotes.speakers import RELATIVES

# Verbs that report speech when they govern a quote.
SPEECH_LEMMAS = frozenset(
    """
say tell add announce state claim deny suggest note stress warn insist argue acknowledge tweet
write report confirm reiterate explain emphasize emphasise declare assert allege predict promise
pledge urge ask reply respond answer comment remark observe recall conclude admit concede
describe call praise criticize criticise welcome accuse vow threaten post quip joke testify refer
""".split()
)
# Verbs that take a clause of reported speech without quotation marks.
REPORTING_LEMMAS = frozenset(
    """
say tell add announce state claim deny suggest note stress warn insist argue acknowledge tweet
write report confirm reiterate explain emphasize emphasise declare assert allege predict promise
pledge urge admit concede testify believe think know fear worry hope expect show find reveal
indicate conclude estimate agree doubt recommend propose signal
""".split()
)
# Verbs of intention whose infinitive complement is the attributed content ("X wants to ...").
INTENT_LEMMAS = frozenset(
    "want plan hope expect agree refuse vow pledge promise threaten intend seek decline aim".split()
)
# Verbs of doing that the tagger takes for cues when their object is a thing ("signed the treaty").
ACT_LEMMAS = frozenset({"sign", "agree", "negotiate"})
PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(frozen=True, slots=True)
class Attribution:
    """A cue and its speaker, as found for one quote."""

    cue: Token
    speaker: tuple[int, int] | None  # character span of the speaker phrase
    head: Token | None  # the speaker phrase's head token
    confidence: float
    scope: tuple[int, int] | None = None  # the whole subject, appositives included
    # A passive cue without an agent ("is expected to"): nobody speaks, by design, and no name
    # beside the cue may be taken for the speaker.
    sourceless: bool = False


def mark_start(text: str, start: int) -> int:
    """Where the quotation mark opening the quote at `start` begins."""
    return max(0, start - 2 if text[max(0, start - 2) : start] == "''" else start - 1)


class ParseIndex:
    """Index over one article's tokens: children, token at a character offset."""

    def __init__(self, analysis: Analysis) -> None:
        self.tokens = analysis.tokens
        self.starts = [t.start for t in analysis.tokens]
        self.children: dict[int, list[int]] = {}
        for t in analysis.tokens:
            if t.head != t.i:
                self.children.setdefault(t.head, []).append(t.i)

    def token_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def token_range(self, start: int, end: int) -> range:
        return range(self.token_at(start), self.token_at(max(start, end - 1)) + 1)

    def sentence_start(self, i: int) -> int:
        """The first token of token `i`'s sentence."""
        while i > 0 and self.tokens[i - 1].sent == self.tokens[i].sent:
            i -= 1
        return i

    def subtree(self, i: int) -> list[int]:
        stack, seen = [i], []
        while stack:
            node = stack.pop()
            seen.append(node)
            stack.extend(self.children.get(node, ()))
        return sorted(seen)


# Verbs of speaking: a passive verb governing one still has its subject speak ("was allowed to
# speak out", "is expected to endorse").
_REPORTING = SPEECH_LEMMAS | REPORTING_LEMMAS
_SPEAKING = _REPORTING | {"speak", "endorse", "talk", "testify"}


def undergoes(parse: ParseIndex, cue_ids: range, head: Token) -> bool:
    """Whether the tagged source is the subject of a passive cue: "Sanders has been criticized
    for ...", "Trump is expected to ..." say nothing of what the subject said. (A raising verb,
    "Obama seemed to recognize ...", keeps its subject: PolNeAR marks it either way, and the
    subject does hold the view.)"""
    return any(head.head == verb.i and head.dep in SUBJECT_DEPS for verb in passive_verbs(parse, cue_ids))


def passive_verbs(parse: ParseIndex, cue_ids: range) -> list[Token]:
    """The cue's passive verbs ("has been criticized")."""
    found = []
    for i in cue_ids:
        verb = parse.tokens[i]
        if verb.tag != "VBN":  # a participle: "'s been careful" is no passive
            continue
        children = [parse.tokens[c] for c in parse.children.get(i, ())]
        if any(c.dep in ("nsubjpass", "auxpass") for c in children) and not any(
            c.dep == "xcomp" and c.lemma.lower() in _SPEAKING for c in children
        ):
            found.append(verb)
    return found


def passive_attribution(parse: ParseIndex, verb: Token) -> Attribution | None:
    """For a passive speech verb ("the minister was told"), its agent or nobody; None for
    an active one."""
    one = range(verb.i, verb.i + 1)
    return agent_attribution(parse, one) if passive_verbs(parse, one) else None


def agent_attribution(parse: ParseIndex, cue_ids: range) -> Attribution:
    """A passive cue's agent as the speaker ("was condemned by Aalto" -> Aalto), else nobody,
    by design: the subject is talked about, and the tagger's content goes unreported (held-out
    train: source overlap F1 0.7565 -> 0.7587, content 0.844 -> 0.842)."""
    for i in cue_ids:
        for child in parse.children.get(i, ()):
            if parse.tokens[child].dep == "agent":
                for noun in parse.children.get(child, ()):
                    if parse.tokens[noun].dep == "pobj":
                        return attributed(
                            parse,
                            parse.tokens[i],
                            (phrase(parse, noun), parse.tokens[noun]),
                            DEFAULTS.quotes.passive_agent,
                        )
    return Attribution(
        cue=parse.tokens[cue_ids[0]],
        speaker=None,
        head=None,
        confidence=DEFAULTS.quotes.sourceless,
        sourceless=True,
    )


def within_spans(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s - 1 <= offset < e + 1 for s, e in spans)


def source_phrase(parse: ParseIndex, start: int, end: int) -> tuple[tuple[int, int], Token]:
    """A tagged source and its head token: without the relative pronoun that opens the clause
    ("a deal that diplomats described"); only the relative pronoun when it ends the source and
    is the clause's subject ("a White House official who ... said": PolNeAR's source is "who",
    and the speaker its noun, see `_antecedent`)."""
    ids = list(parse.token_range(start, end))
    while len(ids) > 1 and parse.tokens[ids[0]].lemma.lower() in RELATIVES:
        ids.pop(0)
    comma = next((k for k, i in enumerate(ids) if parse.tokens[i].lemma == ","), None)
    if parse.tokens[ids[0]].pos == "ADP" and comma is not None and comma + 1 < len(ids):
        ids = ids[comma + 1 :]  # "Of Kovalenko, Brandt said": the speaker is "Brandt"
    last = parse.tokens[ids[-1]]
    if len(ids) > 1 and last.lemma.lower() in RELATIVES and last.dep in SUBJECT_DEPS:
        ids = ids[-1:]
    head = next((parse.tokens[i] for i in ids if parse.tokens[i].head not in ids), parse.tokens[ids[-1]])
    return (max(start, parse.tokens[ids[0]].start), min(end, parse.tokens[ids[-1]].end)), head


def attribution_by_parse(
    parse: ParseIndex, tokens: range, quoted: Sequence[tuple[int, int]]
) -> tuple[Attribution | None, Attribution | None]:
    """Walk up from the quote's tokens to the speech verb that governs it; and, as a fallback
    for when nothing else attributes the quote, the nearest verb above it with a person or a
    pronoun as its subject. One of the two is None."""
    inside = set(tokens)
    roots = [i for i in tokens if parse.tokens[i].head not in inside]
    fallback: Attribution | None = None
    for root in roots:
        node, steps = parse.tokens[root], 0
        while node.head != node.i and steps < 8:
            node, steps = parse.tokens[node.head], steps + 1
            if node.i in inside or within_spans(node.start, quoted):
                continue
            if is_according(node):
                return according(parse, node), None
            if node.pos not in ("VERB", "AUX"):
                continue
            speaker = subject_of(parse, node)
            if node.lemma.lower() in SPEECH_LEMMAS:
                return passive_attribution(parse, node) or attributed(
                    parse, node, speaker, DEFAULTS.quotes.speech_verb
                ), None
            if fallback is None and speaker and is_agent(parse, speaker[1]):
                fallback = attributed(parse, node, speaker, DEFAULTS.quotes.governing_verb)
    return None, fallback


def attribution_in_window(
    parse: ParseIndex,
    analysis: Analysis,
    sentence: int,
    last: int,
    quoted: Sequence[tuple[int, int]],
    follows: bool = False,
) -> Attribution | None:
    """A speech verb outside quotes in the sentence where the quote opens or closes ("A. B,"
    he said), or in a short one after it; or in a long one that opens right after the quote
    (`follows`: "“X?” Miller, a retired worker, said pleasantly"), when the verb reports no
    words of its own."""
    for index in dict.fromkeys((sentence, last, last + 1)):
        if not 0 <= index < len(analysis.sentences):
            continue
        sent = analysis.sentences[index]
        long = index > last and len(parse.token_range(sent.start, sent.end)) > 12
        if long and not follows:
            break
        for i in parse.token_range(sent.start, sent.end):
            token = parse.tokens[i]
            if within_spans(token.start, quoted):
                continue
            if is_according(token) and not long:
                return according(parse, token)
            if token.lemma.lower() in SPEECH_LEMMAS and token.pos == "VERB":
                if long and (token.dep != "ROOT" or _reports_own_words(parse, token, quoted)):
                    return None
                return passive_attribution(parse, token) or attributed(
                    parse, token, subject_of(parse, token), 0.7
                )
    return None


def attribution_follows(text: str, end: int) -> bool:
    """Whether the quote ending at `end` closes its sentence and the next one starts right
    after its closing mark, in the same paragraph."""
    return bool(re.match(r"[.?!…]?[”\"']{1,2}[ \t]+\S", text[max(0, end - 1) : end + 4]))


def _reports_own_words(parse: ParseIndex, verb: Token, quoted: Sequence[tuple[int, int]]) -> bool:
    """Whether a speech verb has a clause of its own outside quotes ("He said the plan ...")."""
    return any(
        parse.tokens[c].dep in ("ccomp", "xcomp") and not within_spans(parse.tokens[c].start, quoted)
        for c in parse.children.get(verb.i, ())
    )


def attribution_before_colon(
    text: str, parse: ParseIndex, start: int, quoted: Sequence[tuple[int, int]]
) -> Attribution | None:
    """A quote introduced by a colon, often in a paragraph of its own ("Cruz continued:",
    "Trump issued the following statement:"): the last speech verb before the colon with a
    subject ("As Joel Pollak observed, the winner was not on the stage, it was the stage
    itself:" -> Pollak), else the last verb with one."""
    before = text[: mark_start(text, start)].rstrip()
    if not before.endswith(":"):
        return None
    colon = parse.token_at(len(before) - 1)
    verbs = [
        parse.tokens[i]
        for i in range(colon - 1, parse.sentence_start(colon) - 1, -1)
        if parse.tokens[i].pos in ("VERB", "AUX") and not within_spans(parse.tokens[i].start, quoted)
    ]
    verbs.sort(key=lambda t: t.lemma.lower() not in _REPORTING)  # stable: the last first
    for token in verbs:
        speaker = subject_of(parse, token)
        if speaker is not None:
            return attributed(parse, token, speaker, DEFAULTS.quotes.colon_verb)
    return None


# Nouns of speaking: "Howard continued his scathing remarks." introduces the quote after it.
_SPEECH_NOUNS = frozenset(
    "remark comment statement speech attack criticism argument case "
    "message answer response reply testimony".split()
)


def attribution_before_paragraph(
    text: str, parse: ParseIndex, start: int, quoted: Sequence[tuple[int, int]]
) -> Attribution | None:
    """A quote opening its paragraph right after a sentence that only announces it ("Howard
    continued his scathing remarks.", "Trump issued a statement."): that sentence's subject,
    when its verb speaks or carries a noun of speaking and reports no words of its own."""
    opening = mark_start(text, start)
    if opening > 0 and text[opening - 1] != "\n":
        return None
    before = text[:opening].rstrip()
    if not before or before[-1] not in ".:":
        return None
    last = parse.token_at(len(before) - 1)
    ids = range(parse.sentence_start(last), last + 1)
    root = next((parse.tokens[i] for i in ids if parse.tokens[i].head == i), None)
    if root is None or root.pos != "VERB" or any(within_spans(parse.tokens[i].start, quoted) for i in ids):
        return None
    children = [parse.tokens[c] for c in parse.children.get(root.i, ())]
    speaks = root.lemma.lower() in SPEECH_LEMMAS or any(
        c.dep == "dobj" and c.lemma.lower() in _SPEECH_NOUNS for c in children
    )
    if not speaks or any(c.dep in ("ccomp", "xcomp") for c in children):
        return None
    speaker = subject_of(parse, root)
    if speaker is None or not is_agent(parse, speaker[1]):
        return None
    return attributed(parse, root, speaker, DEFAULTS.quotes.announcing_sentence)


def attributed(
    parse: ParseIndex, cue: Token, speaker: tuple[tuple[int, int], Token] | None, confidence: float
) -> Attribution:
    if speaker is None:
        return Attribution(cue=cue, speaker=None, head=None, confidence=confidence)
    subtree = parse.subtree(speaker[1].i)
    scope = (parse.tokens[subtree[0]].start, parse.tokens[subtree[-1]].end)
    return Attribution(cue=cue, speaker=speaker[0], head=speaker[1], confidence=confidence, scope=scope)


def is_according(token: Token) -> bool:
    """The word "according": spaCy's lemma is "according" or "accord" by context, and the
    length tells it from "accorded" or "accords" (a token keeps no text of its own)."""
    return token.lemma.lower() in ("according", "accord") and token.end - token.start == 9


def according(parse: ParseIndex, token: Token) -> Attribution | None:
    for child in parse.children.get(token.i, ()):
        for grandchild in parse.children.get(child, ()):
            if parse.tokens[grandchild].dep == "pobj":
                return attributed(
                    parse,
                    token,
                    (phrase(parse, grandchild), parse.tokens[grandchild]),
                    DEFAULTS.quotes.according_to,
                )
    return None


def subject_of(parse: ParseIndex, verb: Token) -> tuple[tuple[int, int], Token] | None:
    """The subject of a verb, or of the verb it hangs on ("..., adding that" -> its head's);
    a non-agent subject ("casualties were ..., saying") sends the search one verb further up."""
    inverted = _inverted_subject(parse, verb)
    if inverted is not None:
        return inverted
    node, steps, first = verb, 0, None
    while steps < 4:
        child = _nearest_subject(parse, node)
        if child is not None:
            found = (phrase(parse, child.i), child)
            if node is verb or is_agent(parse, child):
                return found
            first = first or found
        if node.dep == "acl" and node.head != node.i:
            # "issued a statement saying ...": the subject of the verb the noun hangs on.
            noun = parse.tokens[node.head]
            verb_of = governing_verb(parse, noun)
            if verb_of is None:
                return first
            node, steps = verb_of, steps + 1
            continue
        if node.dep not in ("advcl", "conj", "xcomp", "ccomp", "relcl") or node.head == node.i:
            return first
        node, steps = _clause_speaker_verb(parse, node), steps + 1
    return first


def _nearest_subject(parse: ParseIndex, verb: Token) -> Token | None:
    """The verb's subject nearest to it: a dateline the parse also made a subject
    ("Washington (AFP) – Democrat Hillary Clinton has taken ...") loses to the real one; a
    preposition the parse made a subject ("Of Carson, Levine said") is none."""
    subjects = [
        parse.tokens[c]
        for c in parse.children.get(verb.i, ())
        if parse.tokens[c].dep in SUBJECT_DEPS and parse.tokens[c].pos not in _NOT_NOMINAL
    ]
    return min(subjects, key=lambda t: abs(t.i - verb.i), default=None)


_NOT_NOMINAL = frozenset({"ADP", "SCONJ", "CCONJ", "PUNCT", "PART"})


def _clause_speaker_verb(parse: ParseIndex, node: Token) -> Token:
    """The verb whose subject speaks for a clause hanging on `node`: its head, except that a
    clause the parse hung inside reported words belongs to the reporter ("X said Y was ...,
    adding" / "and urged" / "X said Y will have to choose ..., saying" -> X)."""
    head = parse.tokens[node.head]
    clause = head
    while clause.dep == "xcomp" and clause.head != clause.i:
        clause = parse.tokens[clause.head]
    if node.dep in ("advcl", "conj") and clause.dep == "ccomp" and clause.head != clause.i:
        reporter = parse.tokens[clause.head]
        if (
            reporter.lemma.lower() in REPORTING_LEMMAS
            and reporter.pos == "VERB"
            and any(parse.tokens[c].dep in SUBJECT_DEPS for c in parse.children.get(reporter.i, ()))
        ):
            return reporter
    return head


def _inverted_subject(parse: ParseIndex, verb: Token) -> tuple[tuple[int, int], Token] | None:
    """The speaker after a speech verb that follows its quote and has no subject before it
    ("“How big is that wall?” asked the boy", which the parse reads as the verb's object)."""
    if verb.lemma.lower() not in SPEECH_LEMMAS:
        return None
    children = parse.children.get(verb.i, ())
    if any(parse.tokens[c].dep in SUBJECT_DEPS and c < verb.i for c in children) or not any(
        parse.tokens[c].dep == "ccomp" and c < verb.i for c in children
    ):
        return None
    for child in children:
        token = parse.tokens[child]
        if (
            child > verb.i
            and token.dep in ("dobj", "attr", "nsubj")
            and parse.subtree(child)[0] == verb.i + 1
        ):
            return phrase(parse, child), token
    return None


def governing_verb(parse: ParseIndex, noun: Token) -> Token | None:
    """The verb a noun is the object of, directly or through a preposition."""
    node = noun
    for _ in range(2):
        if node.dep not in ("dobj", "pobj", "prep") or node.head == node.i:
            return None
        node = parse.tokens[node.head]
        if node.pos in ("VERB", "AUX"):
            return node
    return None


def phrase(parse: ParseIndex, head: int) -> tuple[int, int]:
    """The speaker phrase: from the start of the head's subtree to the head, plus any flat
    name parts after it ("a senior Chinese Foreign Ministry official", "Maria Zakharova")."""
    subtree = parse.subtree(head)
    end = head
    while (
        end + 1 < len(parse.tokens)
        and parse.tokens[end + 1].head == head
        and parse.tokens[end + 1].dep in ("compound", "flat")
    ):
        end += 1
    return parse.tokens[subtree[0]].start, parse.tokens[end].end


def is_agent(parse: ParseIndex, head: Token) -> bool:
    return head.pos == "PROPN" or head.lemma.lower() in PRONOUNS
