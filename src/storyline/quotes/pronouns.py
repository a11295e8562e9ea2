"""Who a speaker pronoun ("he said", "they say") stands for, precision first.

A pronoun subject most often continues the subject of the main clause before it (the center
of attention, in centering terms), so:

- "he" or "she" is the person who is the subject of a clause in its own sentence or the one
  before (an appositive of the subject counts: "The WHO's assistant director general, Keiji
  Fukuda, said"), the one of the highest clause winning ("Cole said Mubarak could bow ...
  he said" is Cole); a name inside quotation marks is never the antecedent ("... whether
  Mubarak remains or goes," he said);
- else the last quote's speaker, unless a sentence in between has a main clause whose subject
  names someone else ("Her father, George, captured video ...", "Pew Research's Fox said
  ...") or that speaker is a group;
- else the person last named as a subject before it, with the same proviso;
- "they" is never one person: it stands for the last quote's speaker only when that speaker
  is a group (a plural description, an organization, people named together), with the same
  proviso.

Anything else leaves the quote without a speaker, and so unshown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.models import Analysis, Mention, Quote, Token
from storyline.quotes.parse import SUBJECT_DEPS, ParseIndex, within_spans

# Titles that rule a person out as the antecedent of a pronoun ("Mr. Xi ... She said").
_OTHER_GENDER_TITLES = {"she": {"mr"}, "her": {"mr"}, "he": {"ms", "mrs"}, "him": {"ms", "mrs"}}
SINGULAR = frozenset({"he", "she", "him", "her"})
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_PLURAL_TAGS = frozenset({"NNS", "NNPS"})
# A carried-over speaker no further back than this many sentences (as before this module).
MAX_GAP = 3


def resolve_pronoun(
    text: str,
    analysis: Analysis,
    parse: ParseIndex,
    pronoun: Token,
    previous: Quote | None,
    sentence_gap: int,
    quoted: Sequence[tuple[int, int]],
) -> Mention | Named | Quote | None:
    """The mention (nearby, or `Named` further back) or the earlier quote whose speaker the
    pronoun stands for, or None."""
    last = _previous_speaker(previous, sentence_gap)
    if pronoun.lemma.lower() not in SINGULAR:
        if last is None or not _group(analysis, parse, last, by_label=True):
            return None
        return (
            None
            if _someone_else_between(text, analysis, parse, last, pronoun, quoted, singular=False)
            else last
        )
    after = previous.end if previous is not None else 0
    subject = subject_person_before(analysis, parse, pronoun, after, quoted)
    if isinstance(subject, Token):
        # a name not known for a person's: the last speaker if it is that name, else the name
        # itself when the recognizer missed it ("Juan Cole said ..."), never one typed otherwise
        words = (last.speaker or "").split() if last is not None else []
        if last is not None and text[subject.start : subject.end] in words:
            return last
        return _unrecognized_name(text, analysis, parse, subject)
    if subject is not None:
        return subject
    wrong_titles = _OTHER_GENDER_TITLES.get(pronoun.lemma.lower(), set())
    if last is not None:
        if _group(analysis, parse, last, by_label=False) or _titled(
            parse, analysis, last.speaker_entity_id, wrong_titles
        ):
            return None
        return (
            None
            if _someone_else_between(text, analysis, parse, last, pronoun, quoted, singular=True)
            else last
        )
    named = _last_subject_person(analysis, parse, pronoun, quoted)
    if named is None or _titled(parse, analysis, named.entity_id, wrong_titles):
        return None
    if _someone_else_between(text, analysis, parse, named, pronoun, quoted, singular=True):
        return None
    return Named(mention=named)


@dataclass(frozen=True, slots=True)
class Named:
    """A person last named further back than the sentence before (less sure an antecedent)."""

    mention: Mention


def _previous_speaker(previous: Quote | None, sentence_gap: int) -> Quote | None:
    if previous is None or not previous.speaker or sentence_gap > MAX_GAP:
        return None
    return previous


def subject_person_before(
    analysis: Analysis,
    parse: ParseIndex,
    pronoun: Token,
    after: int,
    quoted: Sequence[tuple[int, int]] = (),
) -> Mention | Token | None:
    """The person who is the subject of a clause in the pronoun's sentence (before it) or the
    sentence before, named after `after` (the end of the last quote) and outside quotation
    marks: in the nearer sentence, the subject of the highest clause, then the last. A name
    there that the recognizer did not take for a person (missed, or typed an organization)
    and that outranks every person is returned as its token: no person is then safe."""
    wrong_titles = _OTHER_GENDER_TITLES.get(pronoun.lemma.lower(), set())
    people: dict[int, Mention] = {}
    for m in analysis.mentions:
        subject = _subject_token(parse, m) if m.label == "PERSON" and m.entity_id else None
        if subject is not None:
            people.setdefault(subject.i, m)
    ranked = []
    for token in parse.tokens:
        if (
            not _is_subject(parse, token)
            or token.start < after
            or token.end > pronoun.start
            or pronoun.sent - token.sent not in (0, 1)
            or within_spans(token.start, quoted)
        ):
            continue
        ranked.append((pronoun.sent - token.sent, _depth(parse, token), -token.i, token))
    for *_, token in sorted(ranked, key=lambda r: r[:3]):
        person = people.get(token.i)
        if person is not None:
            if not _titled(parse, analysis, person.entity_id, wrong_titles):
                return person
            continue
        if _names_someone(analysis, parse, token):
            return token
    return None


def _unrecognized_name(text: str, analysis: Analysis, parse: ParseIndex, subject: Token) -> Mention | None:
    """The name a subject gives (itself, or the name in apposition to it: its proper nouns) as
    a mention of no entity, when no mention of the recognizer covers it."""
    name = subject
    if subject.pos != "PROPN":
        name = next(
            parse.tokens[c]
            for c in parse.children.get(subject.i, ())
            if parse.tokens[c].dep == "appos" and parse.tokens[c].pos == "PROPN"
        )
    if any(m.start < name.end and name.start < m.end for m in analysis.mentions):
        return None
    first = name.i
    while first > 0 and parse.tokens[first - 1].pos == "PROPN" and parse.tokens[first - 1].head == name.i:
        first -= 1
    start = parse.tokens[first].start
    return Mention(
        article_id=analysis.article_id, start=start, end=name.end, text=text[start : name.end], label="PERSON"
    )


def _titled(parse: ParseIndex, analysis: Analysis, entity: str | None, titles: set[str]) -> bool:
    """Whether any mention of the person in the article carries one of the titles, in the
    mention or just before it ("Ms Jackson" rules her out for "he" wherever she is named)."""
    if entity is None:
        return False
    for m in analysis.mentions:
        if m.entity_id != entity:
            continue
        first = m.text.split(maxsplit=1)[0].rstrip(".").lower()
        i = parse.token_at(m.start)
        before = parse.tokens[i - 1] if i > 0 else None
        if first in titles or (before is not None and before.lemma.lower().rstrip(".") in titles):
            return True
    return False


def _is_subject(parse: ParseIndex, token: Token) -> bool:
    return token.dep in SUBJECT_DEPS or (token.dep == "pobj" and parse.tokens[token.head].dep == "agent")


def _names_someone(analysis: Analysis, parse: ParseIndex, token: Token) -> bool:
    """Whether a subject is a name that may be a person's: a proper noun not in a place's or a
    nationality's mention, or a noun with a name in apposition ("the director, Keiji Fukuda")."""
    if token.pos != "PROPN":
        return any(
            parse.tokens[c].dep == "appos" and parse.tokens[c].pos == "PROPN"
            for c in parse.children.get(token.i, ())
        )
    labels = {m.label for m in analysis.mentions if m.start <= token.start < m.end}
    return not labels & _PLACE_LABELS


def _last_subject_person(
    analysis: Analysis, parse: ParseIndex, pronoun: Token, quoted: Sequence[tuple[int, int]]
) -> Mention | None:
    """The person last named as the subject of a clause before the pronoun, outside quotes."""
    people = [
        m
        for m in analysis.mentions
        if m.label == "PERSON"
        and m.entity_id
        and m.end <= pronoun.start
        and not within_spans(m.start, quoted)
        and _subject_token(parse, m) is not None
    ]
    return people[-1] if people else None


def _subject_token(parse: ParseIndex, mention: Mention) -> Token | None:
    """The subject the mention names: one of its tokens, a passive's agent, or the noun it
    stands in apposition to ("The assistant director general ..., Keiji Fukuda, said")."""
    ids = parse.token_range(mention.start, mention.end)
    for i in ids:
        if parse.tokens[i].dep in SUBJECT_DEPS:
            return parse.tokens[i]
    root = next((parse.tokens[i] for i in ids if parse.tokens[i].head not in ids), None)
    if root is not None and root.dep == "pobj" and parse.tokens[root.head].dep == "agent":
        return root  # the agent of a passive: "was confirmed by Dr Richard Besser"
    for _ in range(3):
        if root is None or root.dep not in ("appos", "compound", "flat") or root.head == root.i:
            return None
        root = parse.tokens[root.head]
        if root.dep in SUBJECT_DEPS:
            return root
    return None


def _depth(parse: ParseIndex, token: Token) -> int:
    """Steps from the token up to its sentence's root."""
    steps = 0
    while token.head != token.i and steps < 50:
        token, steps = parse.tokens[token.head], steps + 1
    return steps


def _group(analysis: Analysis, parse: ParseIndex, quote: Quote, *, by_label: bool) -> bool:
    """Whether the quote's speaker is a group: people named together, a plural description
    ("authorities", "show insiders"), or (`by_label`) an organization by its entity label (not
    for "he" and "she": the recognizer often takes a surname for an organization)."""
    if quote.speaker and " and " in quote.speaker:
        return True
    if quote.speaker_entity_id:
        labels = [m.label for m in analysis.mentions if m.entity_id == quote.speaker_entity_id]
        return by_label and bool(labels) and max(set(labels), key=labels.count) in _GROUP_LABELS
    if quote.speaker_span is None:
        return False
    ids = parse.token_range(quote.speaker_span.start, quote.speaker_span.end)
    if len(ids) == 1 and parse.tokens[ids[0]].lemma.lower() in ("they", "them"):
        return True  # carried on from a group before
    nouns = [parse.tokens[i] for i in ids if parse.tokens[i].pos in ("NOUN", "PROPN")]
    return bool(nouns) and nouns[-1].tag in _PLURAL_TAGS


def _someone_else_between(
    text: str,
    analysis: Analysis,
    parse: ParseIndex,
    antecedent: Quote | Mention,
    pronoun: Token,
    quoted: Sequence[tuple[int, int]],
    *,
    singular: bool,
) -> bool:
    """Whether a sentence between the antecedent and the pronoun's sentence has a main clause
    whose subject names someone other than the antecedent (a name, or a phrase holding a
    person's name): the pronoun may continue that subject, so the antecedent is not safe."""
    if isinstance(antecedent, Quote):
        ends = [antecedent.end] + [s.end for s in (antecedent.cue_span, antecedent.speaker_span) if s]
        entity = antecedent.speaker_entity_id
        name = antecedent.speaker or ""
    else:
        ends, entity, name = [antecedent.end], antecedent.entity_id, antecedent.text
    first = parse.tokens[parse.token_at(max(ends) - 1)].sent + 1
    words = {w.lower() for w in name.replace(".", " ").split()}
    for token in parse.tokens:
        if not first <= token.sent < pronoun.sent or token.head != token.i:
            continue
        for child in parse.children.get(token.i, ()):
            subject = parse.tokens[child]
            if subject.dep not in SUBJECT_DEPS or subject.pos in ("PRON", "DET", "NUM"):
                continue
            if within_spans(subject.start, quoted) or text[subject.start : subject.end].lower() in words:
                continue
            span = parse.subtree(child)
            start, end = parse.tokens[span[0]].start, parse.tokens[span[-1]].end
            inside = [m for m in analysis.mentions if start <= m.start < end and _subject_token(parse, m)]
            if entity and any(m.entity_id == entity for m in inside):
                continue
            # someone named: a person named as or beside the head ("Her father, George,"), or
            # a name; for "he" and "she" not a place's or an organization's ("Britain had ...")
            named = {m.label for m in inside}
            if "PERSON" in named or subject.pos == "PROPN" and not (singular and named):
                return True
            if any(
                parse.tokens[c].dep == "appos" and parse.tokens[c].pos == "PROPN"
                for c in parse.children.get(child, ())
            ):
                return True  # a role named ("The assistant director general ..., Keiji Fukuda,")
    return False
