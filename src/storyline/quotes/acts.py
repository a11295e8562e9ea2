"""Which attributions a reader may be shown as what someone said.

The tagger and the parse rules find attributions of every kind PolNeAR marks: statements, but
also beliefs ("analysts see ..."), intentions, actions the parse took for cues ("named a former
minister as ambassador", "introducing a 12-point plan"), the targets of pressure ("pressure
mounted on Xi to denounce ...") and speech that did not happen ("declined to confirm that ...",
"no major party has said ...", "passed up opportunities to criticize ..."). A briefing promises
who said what, so only a statement is kept:

- words inside quotation marks are a statement when their cue is not negated or declined;
- reported speech without marks is a statement only when its cue is a verb of saying or
  writing (or "according to"), not negated or declined, and its speaker is not a bare pronoun.

This is precision first: PolNeAR also counts beliefs and intentions as attributions, so its
recall falls a little (see docs/evaluation.md). No library classifies reporting verbs by the act
they report, so the word lists are written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from storyline.models import Analysis, Article, Quote, Token
from storyline.quotes.parse import SPEECH_LEMMAS, ParseIndex

# Verbs whose clause reports what someone said or wrote (SPEECH_LEMMAS are those that govern
# a quotation; these also take reported speech without marks).
STATEMENT_LEMMAS = SPEECH_LEMMAS | frozenset(
    """
    confirm reveal estimate recommend propose inform caution brief repeat appeal demand
    express assure contend maintain mention cite dismiss reject condemn blame deny insist order
    announce publish disclose tell question complain boast concede counter retort lament
    """.split()
)
# Verbs whose object says what was said even when it is a noun phrase ("announced its peace
# plan", "denied any such intentions"); other verbs report a statement only with a clause ("X
# responded that ...", not "X responded to Xi's call").
NOUN_STATEMENT_LEMMAS = frozenset(
    """
    announce deny confirm criticize criticise praise welcome condemn reject dismiss describe call
    propose recommend urge demand reveal disclose acknowledge admit report publish state express
    """.split()
)
# What a report, study or statement states: a finding of a document is its statement.
DOCUMENT_LEMMAS = STATEMENT_LEMMAS | frozenset("find show conclude indicate estimate".split())
# A cue under one of these did not speak: "declined to confirm", "refused to say", "failed to
# mention", "passed up opportunities to criticize", "avoided saying".
DECLINING_LEMMAS = frozenset("decline refuse fail pass avoid hesitate reluctant unwilling".split())
# Dependencies through which a declining verb governs the cue ("declined [xcomp] to confirm",
# "pass up opportunities [dobj] to criticize [acl]").
_GOVERNED_THROUGH = frozenset({"xcomp", "acl", "dobj", "prep", "pobj", "advcl"})
_NO_ONE = frozenset({"nobody", "none", "neither", "no one", "noone"})
BARE_PRONOUNS = frozenset(
    "i me you we us it they them he him she her this that these those one who someone".split()
)


def shown_quotes(
    quotes: Sequence[Quote], articles: Mapping[str, Article], analyses: Mapping[str, Analysis]
) -> list[Quote]:
    """The quotes of many articles that a briefing shows: the statements (see `is_statement`)."""
    by_article: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_article.setdefault(quote.article_id, []).append(quote)
    return [
        shown
        for article_id, group in by_article.items()
        for shown in statements_only(articles[article_id].text, analyses[article_id], group)
    ]


def statements_only(text: str, analysis: Analysis, quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes that report what someone said or wrote; the rest are left out."""
    parse = ParseIndex(analysis)
    shown = [_without_pronoun_speaker(_without_reporters_words(text, parse, q)) for q in quotes]
    return [q for q in shown if is_statement(parse, q)]


def is_statement(parse: ParseIndex, quote: Quote) -> bool:
    """Whether `quote` reports a statement (see the module's docstring)."""
    cue = _cue_token(parse, quote)
    if cue is not None and (_negated(parse, cue) or _declined(parse, cue)):
        return False
    if quote.kind != "indirect":
        return True
    if quote.speaker is None or is_bare_pronoun(quote.speaker):
        return False
    if _fragment(parse, quote):
        return False
    if quote.cue is not None and quote.cue.strip().lower() == "according to":
        return True
    if cue is None or cue.pos not in ("VERB", "AUX"):
        return False
    lemma = cue.lemma.lower()
    if quote.speaker_type == "document" and lemma in DOCUMENT_LEMMAS:
        return True  # "the inspectors' report found that ...": what the document states
    if lemma not in STATEMENT_LEMMAS:
        return False
    return lemma in NOUN_STATEMENT_LEMMAS or _has_verb(parse, quote)


def _fragment(parse: ParseIndex, quote: Quote) -> bool:
    """Reported words that cannot stand as what was said: they open on a comma or a preposition
    (", with pressure growing on ..."), or on a verb whose subject was left out ("said was to
    convince Beijing ...")."""
    if not quote.text.strip() or not quote.text.strip()[0].isalnum():
        return True
    first = parse.tokens[parse.token_at(quote.start)]
    if first.pos in ("ADP", "CCONJ"):
        return True
    return first.pos in ("VERB", "AUX") and first.tag in ("VBD", "VBZ", "VBP")


def _has_verb(parse: ParseIndex, quote: Quote) -> bool:
    """Whether the reported content is a clause rather than a bare noun phrase."""
    ids = parse.token_range(quote.start, quote.end)
    if parse.tokens[ids[0]].lemma.lower() in ("that", "whether", "if"):
        return True  # a complementizer opens a clause even where the parse missed its verb
    return any(parse.tokens[i].pos in ("VERB", "AUX") for i in ids)


def is_bare_pronoun(speaker: str) -> bool:
    """'it', 'They', 'I'; not an acronym that spells one ('WHO', the World Health Organization)."""
    word = speaker.strip()
    if len(word) > 1 and word.isupper():
        return False
    return word.lower() in BARE_PRONOUNS


def _without_pronoun_speaker(quote: Quote) -> Quote:
    """Quoted words whose speaker stayed a bare pronoun: shown with no speaker, never 'it'."""
    if quote.speaker is None or not is_bare_pronoun(quote.speaker):
        return quote
    return replace(quote, speaker=None, speaker_entity_id=None, speaker_span=None, speaker_type=None)


def _without_reporters_words(text: str, parse: ParseIndex, quote: Quote) -> Quote:
    """The quote ending where the reporter's own words begin: a clause joined to the cue verb
    with its own subject ("Wang noted that …, but the Chinese diplomat made no new
    commitments") is the reporter's, not the speaker's."""
    cue = _cue_token(parse, quote)
    if cue is None or quote.kind == "direct" or quote.parts:
        return quote
    cut = None
    for child in parse.children.get(cue.i, ()):
        token = parse.tokens[child]
        if token.dep != "conj" or not quote.start < token.start < quote.end:
            continue
        if any(parse.tokens[c].dep in ("nsubj", "nsubjpass") for c in parse.children.get(child, ())):
            first = parse.subtree(child)[0]
            cut = first if cut is None else min(cut, first)
    if cut is None:
        return quote
    last = cut - 1
    while last >= 0 and parse.tokens[last].pos in ("CCONJ", "PUNCT", "SPACE"):
        last -= 1
    end = parse.tokens[last].end if last >= 0 else quote.start
    kept = text[quote.start : end]
    if end <= quote.start or kept.count('"') % 2 or kept.count("“") != kept.count("”"):
        return quote  # the cut would fall inside quoted words
    return replace(quote, end=end, text=text[quote.start : end])


def _cue_token(parse: ParseIndex, quote: Quote) -> Token | None:
    """The head word of the quote's cue: the token of the cue span whose head lies outside it."""
    if quote.cue_span is None or not parse.tokens:
        return None
    ids = parse.token_range(quote.cue_span.start, quote.cue_span.end)
    for i in ids:
        token = parse.tokens[i]
        if token.head not in ids or token.head == i:
            return token
    return parse.tokens[ids[0]]


def _negated(parse: ParseIndex, cue: Token) -> bool:
    """'did not say', 'never said', 'no major party has said'."""
    for child in parse.children.get(cue.i, ()):
        token = parse.tokens[child]
        if token.dep == "neg":
            return True
        if token.dep in ("nsubj", "nsubjpass") and _no_one(parse, token):
            return True
    return False


def _no_one(parse: ParseIndex, subject: Token) -> bool:
    if subject.lemma.lower() in _NO_ONE:
        return True
    return any(
        parse.tokens[c].dep == "det" and parse.tokens[c].lemma.lower() == "no"
        for c in parse.children.get(subject.i, ())
    )


def _has_particle(parse: ParseIndex, verb: Token, particle: str) -> bool:
    return any(
        parse.tokens[c].dep == "prt" and parse.tokens[c].lemma.lower() == particle
        for c in parse.children.get(verb.i, ())
    )


def _declined(parse: ParseIndex, cue: Token) -> bool:
    """Whether a declining verb governs the cue within a few steps, or a negated verb governs
    it as its infinitive ('did not want to comment')."""
    token = cue
    for _ in range(4):
        if token.dep not in _GOVERNED_THROUGH or token.head == token.i:
            return False
        head = parse.tokens[token.head]
        if head.lemma.lower() in DECLINING_LEMMAS and (
            head.lemma.lower() != "pass" or _has_particle(parse, head, "up")
        ):
            return True
        if token.dep == "xcomp" and _negated(parse, head):
            return True
        token = head
    return False
