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

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.models import Analysis, Mention, Quote, Token
from storyline.quotes.parse import SUBJECT_DEPS, ParseIndex, within_spans

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
    own: tuple[int, int] | None = None,
) -> Mention | Named | Quote | None:
    """The mention (nearby, or `Named` further back) or the earlier quote whose speaker the
    pronoun stands for, or None; `own` is the span of the words the pronoun's speaker says
    (a name there is not someone else named in between)."""
    last = _previous_speaker(previous, sentence_gap)
    if pronoun.lemma.lower() not in SINGULAR:
        if last is None or not _group(analysis, parse, last, by_label=True):
            return None
        if _named_between(analysis, parse, last, pronoun, own, _GROUP_OR_PERSON, frozenset(), quoted):
            return None
        return (
            None
            if _someone_else_between(text, analysis, parse, last, pronoun, quoted, singular=False)
            else last
        )
    after = previous.end if previous is not None else 0
    other = _other_gender(analysis, parse, pronoun, quoted)
    subject = subject_person_before(analysis, parse, pronoun, after, quoted, other)
    if isinstance(subject, Token):
        # a name not known for a person's: the last speaker if it is that name, else the name
        # itself when the recognizer missed it ("Juan Cole said ..."), never one typed otherwise
        words = (last.speaker or "").split() if last is not None else []
        if last is not None and text[subject.start : subject.end] in words:
            return last
        return _unrecognized_name(text, analysis, parse, subject)
    if subject is not None:
        return (
            None
            if _named_between(analysis, parse, subject, pronoun, own, _PERSON, other, quoted)
            else subject
        )
    if last is not None:
        if (
            _group(analysis, parse, last, by_label=False)
            or last.speaker_entity_id in other
            or _named_between(analysis, parse, last, pronoun, own, _PERSON, other, quoted)
        ):
            return None
        return (
            None
            if _someone_else_between(text, analysis, parse, last, pronoun, quoted, singular=True)
            else last
        )
    named = _last_subject_person(analysis, parse, pronoun, quoted)
    if named is None or named.entity_id in other:
        return None
    if _named_between(analysis, parse, named, pronoun, own, _PERSON, other, quoted) or _someone_else_between(
        text, analysis, parse, named, pronoun, quoted, singular=True
    ):
        return None
    return Named(mention=named)


_PERSON = frozenset({"PERSON"})
_GROUP_OR_PERSON = frozenset({"PERSON", "ORG"})


def _named_between(
    analysis: Analysis,
    parse: ParseIndex,
    antecedent: Quote | Mention,
    pronoun: Token,
    own: tuple[int, int] | None,
    labels: frozenset[str],
    other: frozenset[str],
    quoted: Sequence[tuple[int, int]] = (),
) -> bool:
    """Whether someone other than the antecedent is named between it and the pronoun, outside
    quotation marks ("Her father, George, captured video ... she said"): then the pronoun may
    stand for either, and precision first, for neither. (A name inside quotation marks is
    never a speaker pronoun's antecedent, see the module's docstring.) Counted from the end of the
    antecedent's sentence (a name in a clause under the subject's, "Cole said Mubarak could ...",
    is not the one who goes on talking; nor is one named after a quote in its attribution's
    sentence); a person of the other gender (`_other_gender`) is no candidate."""
    if isinstance(antecedent, Quote):
        last = max([antecedent.end] + [s.end for s in (antecedent.cue_span, antecedent.speaker_span) if s])
        entity, name = antecedent.speaker_entity_id, antecedent.speaker or ""
    else:
        last, entity, name = antecedent.end, antecedent.entity_id, antecedent.text
    sentence = parse.tokens[parse.token_at(last - 1)].sent
    start = max(last, analysis.sentences[sentence].end) if 0 <= sentence < len(analysis.sentences) else last
    words = {w.lower() for w in name.replace(".", " ").split()}
    for m in analysis.mentions:
        if m.label not in labels or not start <= m.start < pronoun.start:
            continue
        if own is not None and own[0] <= m.start < own[1] or within_spans(m.start, quoted):
            continue
        if entity and m.entity_id == entity or {w.lower() for w in m.text.split()} <= words:
            continue
        if m.entity_id in other:
            continue  # "Ms Jackson" is no "he"
        if _in_a_medium(parse, m) or _owner_only(parse, m):
            continue
        return True
    return False


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
    other: frozenset[str] | None = None,
) -> Mention | Token | None:
    """The person who is the subject of a clause in the pronoun's sentence (before it) or the
    sentence before, named after `after` (the end of the last quote) and outside quotation
    marks: in the nearer sentence, the subject of the highest clause, then the last. A name
    there that the recognizer did not take for a person (missed, or typed an organization)
    and that outranks every person is returned as its token: no person is then safe. People
    of the other gender (`other`, by default `_other_gender`'s) are passed over."""
    if other is None:
        other = _other_gender(analysis, parse, pronoun, quoted)
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
            if person.entity_id not in other:
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


def _owner_only(parse: ParseIndex, mention: Mention) -> bool:
    """Whether a name only owns or names a thing ("Jackson's teenage children", "the Clinton
    campaign"): not someone who goes on talking."""
    ids = parse.token_range(mention.start, mention.end)
    root = next((parse.tokens[i] for i in ids if parse.tokens[i].head not in ids), None)
    if root is None or root.head == root.i:
        return False
    return root.dep == "poss" or root.dep == "compound" and parse.tokens[root.head].pos == "NOUN"


def _in_a_medium(parse: ParseIndex, mention: Mention) -> bool:
    """Whether a name is where something was said or happened ("Writing on Twitter, he said":
    the recognizer took Twitter for a person's name; "in Davos", "via Facebook")."""
    token = parse.tokens[parse.token_at(mention.start)]
    ids = parse.token_range(mention.start, mention.end)
    root = next((parse.tokens[i] for i in ids if parse.tokens[i].head not in ids), token)
    if root.dep != "pobj" or root.head == root.i:
        return False
    return parse.tokens[root.head].lemma.lower() in ("on", "in", "at", "via")


_MASCULINE = frozenset({"he", "him", "his", "himself"})
_FEMININE = frozenset({"she", "her", "hers", "herself"})
_TITLES = {"mr": "m", "ms": "f", "mrs": "f", "miss": "f"}


def _other_gender(
    analysis: Analysis, parse: ParseIndex, pronoun: Token, quoted: Sequence[tuple[int, int]]
) -> frozenset[str]:
    """The people (entity ids) the article shows to be of the other gender than "he" or "she":
    a title for it anywhere ("Ms Jackson" rules her out for "he"), or the pronouns the article
    uses for them (`_genders`). No library here knows a name's gender, so the article's own
    words decide, and a person they do not settle stays a candidate."""
    lemma = pronoun.lemma.lower()
    wanted = "m" if lemma in _MASCULINE else "f" if lemma in _FEMININE else None
    if wanted is None:
        return frozenset()
    return frozenset(e for e, g in _genders(analysis, parse, quoted).items() if g != wanted)


def _genders(analysis: Analysis, parse: ParseIndex, quoted: Sequence[tuple[int, int]]) -> dict[str, str]:
    """Each person's gender as the article shows it: a title (Mr, Ms, Mrs) before a mention
    settles it; else the subject pronouns ("he", "she") outside quotation marks for which the
    person is the only one named in that sentence or the one before vote, and a clear majority
    (more than twice the other side) decides."""
    people = sorted(
        (
            m
            for m in analysis.mentions
            if m.label == "PERSON" and m.entity_id and not within_spans(m.start, quoted)
        ),
        key=lambda m: m.start,
    )
    subjects = [m for m in people if _subject_token(parse, m) is not None]
    titled: dict[str, str] = {}
    for m in people:
        i = parse.token_at(m.start)
        words = [m.text.split(maxsplit=1)[0]] + ([parse.tokens[i - 1].lemma] if i > 0 else [])
        for word in words:
            gender = _TITLES.get(word.rstrip(".").lower())
            if gender is not None and m.entity_id is not None:
                titled.setdefault(m.entity_id, gender)
    votes: dict[str, list[int]] = {}
    starts = [m.start for m in people]
    for token in parse.tokens:
        lemma = token.lemma.lower()
        if token.dep not in SUBJECT_DEPS or lemma not in _MASCULINE | _FEMININE:
            continue
        if within_spans(token.start, quoted):
            continue
        # a subject pronoun continues a subject (centering): it votes when the one person
        # named from the sentence before on is a subject too, and nobody else is named
        first = parse.sentence_start(parse.sentence_start(token.i) - 1) if token.sent > 0 else 0
        window = people[
            bisect.bisect_left(starts, parse.tokens[first].start) : bisect.bisect_left(starts, token.start)
        ]
        named = {m.entity_id for m in window}
        if len(named) == 1 and any(m in subjects for m in window):
            (entity,) = named
            if entity is not None:
                votes.setdefault(entity, [0, 0])[0 if lemma in _MASCULINE else 1] += 1
    genders = {}
    for entity, (masculine, feminine) in votes.items():
        if masculine > 2 * feminine:
            genders[entity] = "m"
        elif feminine > 2 * masculine:
            genders[entity] = "f"
    genders.update(titled)
    return genders


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
        if root.dep == "compound" and parse.tokens[root.head].pos == "NOUN":
            return None  # "the Clinton campaign took ...": the campaign is the subject
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
