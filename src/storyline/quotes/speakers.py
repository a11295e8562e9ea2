"""What kind of speaker a quote has, and roles resolved to the people the text names nearby.

Types: `person` (a named person, or a role that stands for one: "the candidate"),
`spokesperson` (speaks for an organization: "Russia's foreign ministry spokesperson"),
`anonymous` (an unnamed source: "a senior official", "sources familiar with the talks"),
`organization` ("the ministry", "Reuters"), `document` ("a report", "the readout", "the poll").
A definite role ("the Chinese diplomat") becomes the person named with that role nearby before it;
an indefinite or anonymous one is never linked to anybody.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import get_args

from storyline.config import DEFAULTS
from storyline.models import Analysis, Mention, Quote, SpeakerType, Token
from storyline.quotes.animacy import speaker_kind

SPEAKER_TYPES: tuple[SpeakerType, ...] = get_args(SpeakerType)

_SPOKES = re.compile(
    r"\b(spokes(?:man|woman|person|people|men|women)|press secretary|"
    r"press officer|representative|envoy)\b",
    re.IGNORECASE,
)
_ANONYMOUS = re.compile(
    r"\b(anonymous|anonymity|unnamed|unidentified|familiar with|"
    r"not authorized|declined to be (?:named|identified))\b",
    re.IGNORECASE,
)
DOCUMENT_NOUNS = frozenset(
    """
report statement poll survey study data readout document letter memo filing analysis transcript
tweet post article paper book release website figure record email message communique note
indictment complaint lawsuit ruling order decree law bill resolution plan proposal agreement
investigation review audit estimate forecast census website video footage recording interview
datum statistic
""".split()
)
ORG_NOUNS = frozenset(
    """
ministry government campaign committee department agency office company firm party administration
police military army court council embassy commission parliament congress senate house union
group organization organisation association bank network newspaper paper outlet station team
authority authorities kremlin cabinet bureau institute center centre foundation board
university college school hospital chamber brotherhood corporation agency coalition alliance
federation movement regime channel broadcaster club charity ngo
""".split()
)
ANONYMOUS_NOUNS = frozenset(
    """
official source aide diplomat insider person people officer adviser advisor lawmaker analyst
expert observer witness resident staffer employee member insider operative strategist activist
""".split()
)
_PRONOUNS = frozenset({"he", "she", "him", "her"})
RELATIVES = frozenset({"who", "which", "that", "whom"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "we", "i", "you", "it"})
_QUANTIFIERS = frozenset(
    "a an one two three some several many both neither either all each every "
    "no other another few most".split()
)


def type_speakers(
    text: str,
    analysis: Analysis,
    quotes: Sequence[Quote],
    entity_names: Mapping[str, str],
    entity_types: Mapping[str, str] | None = None,
) -> list[Quote]:
    """The quotes with `speaker_type` set, and definite roles linked to the person named with
    that role nearby. An entity's kind is its merged type when given (the batch's vote, which
    corrects a surname the model once tagged ORG), else the vote of its mentions here."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in analysis.mentions:
        if m.entity_id:
            votes[m.entity_id][m.label] += 1
    label_of = {entity: count.most_common(1)[0][0] for entity, count in votes.items()}
    label_of.update(entity_types or {})
    starts = [t.start for t in analysis.tokens]  # in text order: a speaker's tokens by bisection
    return [_typed(text, analysis, quote, label_of, entity_names, starts) for quote in quotes]


def _typed(
    text: str,
    analysis: Analysis,
    quote: Quote,
    label_of: Mapping[str, str],
    entity_names: Mapping[str, str],
    starts: Sequence[int],
) -> Quote:
    if quote.speaker is None and quote.speaker_span is None or quote.speaker_type is not None:
        return quote  # nobody to type, or typed already (people speaking jointly)
    phrase = (
        text[quote.speaker_span.start : quote.speaker_span.end] if quote.speaker_span else quote.speaker or ""
    )
    head_token = _head(analysis, starts, quote)
    if (
        head_token is not None
        and head_token.lemma.lower() in RELATIVES
        and quote.speaker
        and analysis.tokens[head_token.head].dep == "relcl"
    ):
        # "farmers' groups, who fear ...": the source is "who", the speaker its noun
        head_token = analysis.tokens[analysis.tokens[head_token.head].head]
        phrase = quote.speaker
    words = [w.lower() for w in re.findall(r"[\w']+", phrase)]
    head = head_token.lemma.lower() if head_token is not None else ""
    plural = head_token is not None and head_token.tag in ("NNS", "NNPS")
    spokes = bool(_SPOKES.search(phrase))
    if quote.speaker_entity_id:
        label = label_of.get(quote.speaker_entity_id, "PERSON")
        kind: SpeakerType
        if spokes:
            kind = "spokesperson"
        elif label == "PERSON" and not organization_by_form(phrase):
            kind = "person"
        else:
            kind = "document" if head in DOCUMENT_NOUNS else "organization"
        return replace(quote, speaker_type=kind)
    if spokes:
        kind = "spokesperson"
    elif (
        head_token is not None
        and head_token.pos == "PROPN"
        and (
            organization_by_form(text[head_token.start : head_token.end])
            or _in_mention_of(analysis, head_token, _GROUP_LABELS)
        )
    ):
        # "BP", "Mexico's National Autonomous University", "Germany and Austria": a body that
        # the recognizer named, or an acronym, speaks as an organization, not a person
        kind = "organization"
    elif head in DOCUMENT_NOUNS:
        kind = "document"
    elif _ANONYMOUS.search(phrase) or _ANONYMOUS.search(_sentence_of(text, analysis, quote)):
        kind = "anonymous"
    elif head in ORG_NOUNS:
        kind = "organization"
    elif head in _PRONOUNS or head in _PLURAL_PRONOUNS:
        kind = "person" if head in _PRONOUNS else "anonymous"
    elif (
        head_token is not None
        and head_token.pos == "NOUN"
        and head not in ANONYMOUS_NOUNS
        and _body_or_document(head)
    ):
        # "the defense", "the airline": a body of people; "an editorial", "the travel
        # warning": a document (WordNet's senses, see `storyline.quotes.animacy`)
        kind = "document" if "document" in (speaker_kind(head) or "") else "organization"
    elif (
        words
        and words[0] in ("a", "an", "one", "two", "three", "several", "some", "many", "other", "another")
        or head in ANONYMOUS_NOUNS
        and head + "s" in words
        or (head in ANONYMOUS_NOUNS and words[0] not in ("the",))
    ):
        kind = "anonymous"
    else:
        kind = "person"
    if head_token is not None and (
        head_token.pos == "PROPN"
        or len(words) == 1
        and phrase.istitle()
        and head_token.pos not in ("NOUN", "PRON", "DET")
    ):
        # A name the entity recognizer missed ("Vesely said", Vesely even tagged an adverb), not
        # a role: the person of that surname, when the article names exactly one.
        # The head's own word, not the phrase's last ("Ilse Varga, who met Radek Vesely").
        named = named_by_surname(analysis, text[head_token.start : head_token.end].lower())
        if named is not None:
            return replace(
                quote,
                speaker_type="person",
                speaker_entity_id=named.entity_id,
                speaker=entity_names.get(named.entity_id or "", named.text),
            )
        return replace(quote, speaker_type=kind)
    if (
        kind in ("person", "spokesperson")
        and words
        and words[0] not in _QUANTIFIERS
        and head not in _PRONOUNS | _PLURAL_PRONOUNS
        and not plural
    ):
        named = _named_role_holder(text, analysis, quote, head)
        if named is not None:
            return replace(
                quote,
                speaker_type=kind,
                speaker_entity_id=named.entity_id,
                speaker=entity_names.get(named.entity_id or "", named.text),
            )
    return replace(quote, speaker_type=kind)


def _body_or_document(lemma: str) -> bool:
    """Whether a noun names a body of people or a document and never a person."""
    kinds = (speaker_kind(lemma) or "").split()
    return bool(kinds) and "person" not in kinds


_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})
# A company's or body's form of name: "GlaxoSmithKline Plc", "Combined Systems Inc", "BP", "CDC".
_COMPANY_SUFFIX = re.compile(r"\b(?:Plc|PLC|Inc|Corp|Ltd|LLC|Co|AG|SA|NV|GmbH)\.?$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,5}$")
# Acronyms of a person's role, not of a body: "the Thai PM", "an MP".
_ROLE_ACRONYMS = frozenset("PM MP MEP CEO CFO COO VP GP DJ".split())


def organization_by_form(name: str) -> bool:
    """Whether a name is an organization's by its form: a company suffix, or an acronym (a
    person's name is not written in capitals)."""
    name = name.strip()
    return bool(_COMPANY_SUFFIX.search(name) or _ACRONYM.match(name) and name not in _ROLE_ACRONYMS)


def _in_mention_of(analysis: Analysis, token: Token, labels: frozenset[str]) -> bool:
    return any(m.label in labels and m.start <= token.start < m.end for m in analysis.mentions)


def _head(analysis: Analysis, starts: Sequence[int], quote: Quote) -> Token | None:
    """The speaker phrase's syntactic head (the token whose head lies outside the phrase);
    `starts` are the tokens' start offsets, in text order."""
    if quote.speaker_span is None:
        return None
    span = quote.speaker_span
    # The tokens inside the span, found from the first starting in it: a token starting after
    # the span's end also ends after it.
    first = bisect.bisect_left(starts, span.start)
    last = bisect.bisect_right(starts, span.end, lo=first)
    inside = [t for t in analysis.tokens[first:last] if t.end <= span.end]
    ids = {t.i for t in inside}
    heads = [t for t in inside if (t.head not in ids or t.head == t.i) and t.pos != "PUNCT"]
    return heads[-1] if heads else (inside[-1] if inside else None)


def _sentence_of(text: str, analysis: Analysis, quote: Quote) -> str:
    anchor = quote.speaker_span.start if quote.speaker_span else quote.start
    for sent in analysis.sentences:
        if sent.start <= anchor < sent.end:
            return text[sent.start : sent.end]
    return ""


def named_by_surname(analysis: Analysis, surname: str) -> Mention | None:
    """The one person entity of the article whose name ends with `surname`."""
    if not surname:
        return None
    found = {
        m.entity_id: m
        for m in analysis.mentions
        if m.label == "PERSON"
        and m.entity_id
        and m.text.split()[-1].lower() == surname
        and len(m.text.split()) > 1
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _named_role_holder(text: str, analysis: Analysis, quote: Quote, head: str) -> Mention | None:
    """The one person named before the role phrase with the role's head noun beside the name
    ("Wang Yi, the Chinese diplomat" / "Foreign Ministry spokesperson Hua Chunying")."""
    kinds = (speaker_kind(head) or "").split()
    if not head.isalpha() or quote.speaker_span is None or "person" not in kinds or "kin" in kinds:
        # only a noun for a person is a role a person holds ("the minister"); a relative is
        # named by another ("Veronica Berlusconi ... Her husband said": not Veronica)
        return None
    before = quote.speaker_span.start
    named_here = _named_in_apposition(text, analysis, quote)
    if named_here is not None:
        return named_here if named_here.label == "PERSON" and named_here.entity_id else None
    holders: list[Mention] = []
    for mention in sorted(analysis.mentions, key=lambda m: -m.start):
        if mention.end > before or before - mention.start > DEFAULTS.quotes.role_window:
            continue
        if mention.label != "PERSON" or not mention.entity_id:
            continue
        if holds_role(text, mention, head):
            holders.append(mention)
    # Two ministers named nearby: "the minister" could be either, so it stays a description.
    return holders[0] if len({m.entity_id for m in holders}) == 1 else None


# Where a name holds a role: the role right before it, with at most a few capitalized words
# (titles, names) between ("Foreign Ministry spokesperson Hua Chunying", "Judge Michael Pastor",
# "the spokesperson, Mila Dorne"), or in apposition right after it ("Mila Dorne, the Estrian
# foreign ministry spokesperson,"). A role word elsewhere in the sentence is someone else's ("A
# senior official said Egyptian President Hosni Mubarak ...": Mubarak is no official; "when Dr
# Conrad Murray goes on trial but the judge says": Murray is no judge).
_TITLE_WORDS = r"(?:[A-Z][\w.'’-]*\s+){0,3}"
_APPOSITION = re.compile(r",\s+([^,.;:()\n\"“”]{1,80})")


def holds_role(text: str, mention: Mention, role: str) -> bool:
    """Whether the text names `mention` with the role noun `role` beside it (see above)."""
    word = rf"\b(?i:{re.escape(role)}(?:s|es)?)\b"
    left = text[max(0, mention.start - 80) : mention.start]
    if re.search(rf"{word}\.?,?\s+{_TITLE_WORDS}$", left):
        return True
    apposition = _APPOSITION.match(text, mention.end)
    return apposition is not None and re.search(word, apposition.group(1)) is not None


def _named_in_apposition(text: str, analysis: Analysis, quote: Quote) -> Mention | None:
    """The name inside the speaker phrase after a comma, in apposition to its role ("The
    assistant director general of the World Health Organization (WHO), Keiji Fukuda,"): the
    phrase names its speaker, never someone named before it with a like role. The recognizer
    may type such a name an organization's; the name still rules out everyone else."""
    if quote.speaker_span is None:
        return None
    start, end = quote.speaker_span.start, quote.speaker_span.end
    found = [
        m
        for m in analysis.mentions
        if m.label in ("PERSON", "ORG")
        and start < m.start
        and m.end <= end
        and text[start : m.start].rstrip().endswith(",")
        and not text[m.end : end].strip(" ,")
    ]
    return found[-1] if found else None
