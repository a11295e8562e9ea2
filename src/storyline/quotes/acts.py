"""Which attributions a reader may be shown as what someone said.

The tagger and the parse rules find attributions of every kind PolNeAR marks: statements, but
also beliefs ("analysts see ..."), intentions, actions the parse took for cues ("named a former
minister as ambassador", "introducing a 12-point plan"), the targets of pressure ("pressure
mounted on Xi to denounce ...") and speech that did not happen ("declined to confirm that ...",
"no major party has said ...", "passed up opportunities to criticize ..."). A briefing promises
who said what, so only a statement is kept:

- words inside quotation marks are a statement when their cue is not negated or declined;
- reported speech without marks is a statement only when its cue is a verb of saying or
  writing (or "according to"), not negated or declined, and its speaker is not a bare pronoun;
- reported words (with or without a quoted fragment) are a clause, never a bare noun phrase
  ("denied the claim", "confirmed 65 cases", "criticized a \"sham\""): a topic is not what was
  said;
- the speaker is the one who speaks: never the subject of a passive or participle cue ("Asked
  if ...", "was confirmed"); speech only intended or possible ("will reiterate", "to say") is
  not shown; and a quote whose speaker is unknown or a bare pronoun is not
  shown at all (a "who said what" line without its who);
- the words are the speaker's only: a quoted piece that holds the reporter's attribution
  ("... in the coming days, he said. Gibbs declined ...", "says Dr Morens. In the case of ...")
  or that opens in lower case after no cue and runs on past its sentence read a closing mark as
  an opening one; content that holds its own cue or speaker runs over the attribution, and
  reported words (without marks around the whole) never run past their sentence.

This is precision first: PolNeAR also counts beliefs and intentions as attributions, so its
recall falls a little (see docs/evaluation.md). No library classifies reporting verbs by the act
they report, so the word lists are written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from storyline.models import Analysis, Article, Mention, Quote, Token
from storyline.quotes.animacy import speaker_kind
from storyline.quotes.parse import SPEECH_LEMMAS, ParseIndex
from storyline.quotes.speakers import ANONYMOUS_NOUNS, DOCUMENT_NOUNS, ORG_NOUNS, RELATIVES

# Verbs whose clause reports what someone said or wrote (SPEECH_LEMMAS are those that govern
# a quotation; these also take reported speech without marks).
STATEMENT_LEMMAS = SPEECH_LEMMAS | frozenset(
    """
    confirm reveal estimate recommend propose inform caution brief repeat appeal demand
    express assure contend maintain mention cite dismiss reject condemn blame deny insist order
    announce publish disclose tell question complain boast concede counter retort lament
    """.split()
)
# Verbs that can introduce words in quotation marks: saying and writing, and "as X put it",
# "the label reads", "talking about ..., he ..."; a quote hung on any other verb ("stand",
# "defer", "went") was attached by the parse to a clause that does not speak.
DIRECT_LEMMAS = STATEMENT_LEMMAS | frozenset("put read talk speak chant shout sing yell cry".split())
# What a report, study or statement states: a finding of a document is its statement.
DOCUMENT_LEMMAS = STATEMENT_LEMMAS | frozenset("find show conclude indicate estimate".split())
# Verbs of aspect: their infinitive happened ("went on to stress", "continued to insist",
# "began to explain"), unlike one of intention or expectation ("plans to say").
ASPECTUAL_LEMMAS = frozenset("go continue begin start proceed keep resume".split())
# A cue under one of these did not speak: "declined to confirm", "refused to say", "failed to
# mention", "passed up opportunities to criticize", "avoided saying".
DECLINING_LEMMAS = frozenset("decline refuse fail pass avoid hesitate reluctant unwilling".split())
# Dependencies through which a declining verb governs the cue ("declined [xcomp] to confirm",
# "pass up opportunities [dobj] to criticize [acl]").
_GOVERNED_THROUGH = frozenset({"xcomp", "acl", "dobj", "prep", "pobj", "advcl"})
_NO_ONE = frozenset({"nobody", "none", "neither", "no one", "noone"})


def _forms(lemmas: frozenset[str]) -> str:
    """'say|says|said|...': the present and past forms of speech verbs, as a regex group."""
    irregular = {"say": "said", "tell": "told", "write": "wrote", "testify": "testified"}
    forms = set()
    for lemma in lemmas:
        if lemma.endswith("y") and lemma[-2] not in "aeiou":
            forms |= {lemma[:-1] + "ies", irregular.get(lemma, lemma[:-1] + "ied")}
        elif lemma.endswith("e"):
            forms |= {lemma + "s", irregular.get(lemma, lemma + "d")}
        else:
            suffix = "es" if lemma.endswith(("s", "sh", "ch", "x")) else "s"
            forms |= {lemma + suffix, irregular.get(lemma, lemma + "ed")}
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


# The reporter's own attribution inside a quoted piece: "..., he said. Gibbs declined ...",
# "the statement said, urging ...", "says Dr Morens. In the case of ...", ", said Juan Cole, a
# historian": the marks around it were mispaired.
_SAYS = _forms(SPEECH_LEMMAS | frozenset("shout continue affirm".split()))
_INVERTED = _forms(frozenset("say add write shout ask explain conclude note continue recall warn".split()))
_REPORTERS_ATTRIBUTION = re.compile(
    rf"(?:\b(?:he|she)|\b[A-Z][\w'-]+|\b(?:the|a|an) (?:[\w'-]+ ){{0,2}}[a-z][\w'-]+) {_SAYS}"
    r"(?: (?:reporters|journalists|[A-Z][\w'-]+(?: [A-Z][\w'-]+)*))?"  # "he told reporters."
    r"(?: (?:in|on|at|during|after|before|from|via) (?:[\w'-]+ ){0,3}[\w'-]+)?"  # "in a statement."
    r"(?: (?:on |this |last )?\w+day| this week| later| earlier)?(?:[.,;]|$)"
    rf"|(?:^|[,\"”] *){_INVERTED} (?:(?:Dr|Mr|Mrs|Ms|Prof|Professor|Sen|Rep|Gov|Evangelist)\.? )?[A-Z]"
)
# Page furniture a one-line text runs into the words around it: a byline ("... for treatment
# By Maggie Fox"), a wire dateline ("CAIRO (Reuters) -"), a headline without its stop, a page's
# time stamp ("Wed Apr 29, 2009 11:31 pm IST", "Page last updated at 11:24 GMT"). No speaker
# says these.
_FURNITURE = re.compile(
    r"\bBy (?:[A-Z][\w.'’-]+ ){1,3}?[A-Z][\w'’-]+(?:$|,| and | [A-Z]{3,}\b)"
    r"|\((?:Reuters|AP|AFP|CNN|Bloomberg)\) ?[-–—]"
    r"|\b[Ll]ast updated at \d"
    # a headline or a summary line run into the next sentence without a stop ("Mexico to
    # re-test swine flu cases The widow of ..."): a capital "The" after a lower-case word opens
    # a sentence the stop of which was lost
    r"|\b[a-z]{2,} The [a-z]{2,}\b"
    # a live page's update label ("... time is over\" NEW: Video footage shows ...")
    r"|\bNEW: "
    r"|(?<!at )(?<!by )(?<!until )\b\d{1,2}:\d{2} ?(?:[ap]m|GMT|BST|UTC|EST|EDT|ET|IST)\b"  # not "at 7:30 pm"
)
# A sentence whose stop was lost, in the reporter's words: a word that only opens a sentence
# (a capitalized article, pronoun, quantifier, spelled number or linking adverb) right after a
# lower-case word or a closing mark ("... a lot better Five-year-old Edgar started ...", "... EU
# states All three recently returned ...", '... a media "circus" Instead, Judge ...'), the next
# word in lower case so that a title ("told The New York Times") is no break. Searched outside
# quotation marks only: inside them the words are the speaker's however they were typed ("The
# blessing is that He is with us").
_OPENERS = (
    "The|All|Many|Some|Most|This|These|Those|It|He|She|We|They|His|Her|Its|Their|Our|But"
    "|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten"
)
_LOST_STOP = re.compile(
    rf"(?:\b[a-z]{{2,}}|[\"”]) (?:(?:{_OPENERS})[ -][a-z]{{2,}}|(?:However|Instead|Meanwhile),)"
)
# A headline or a caption run into a sentence that opens on a plural group of speakers and its
# verb ("... large quantities of Propofol Experts say Propofol is ..."): mid-sentence such a
# noun is written in lower case ("the experts say"), so a capital after a word without a stop
# opens the reporter's next sentence.
_GROUP_SPEAKERS = (
    "Experts|Officials|Doctors|Analysts|Police|Scientists|Witnesses|Sources|Investigators"
    "|Researchers|Authorities|Prosecutors|Residents|Critics|Lawyers|Observers|Diplomats|Activists"
)
_LOST_STOP_BEFORE_SPEAKERS = re.compile(
    rf"\b[\w'’-]{{2,}} (?:{_GROUP_SPEAKERS}) (?:(?:have|had|now|also) )?"
    r"(?:say|said|believe|think|warn|warned|claim|claimed|told|tell|fear|feared|suspect|suspected)\b"
)
# A full stop after a lower-case word or a figure, and a new sentence opening, outside marks
# ("... cost the company about $ 990m. A \"top kill\" procedure, which ..."): reported words
# never run past their sentence, whatever the parse split. Abbreviations are no stop.
_STOP_THEN_SENTENCE = re.compile(r"\b([\w'’-]*[a-z\d][a-z\d])\. +(?:[A-Z][a-z]|[A-Z] |[\"“])")
_ABBREVIATIONS = frozenset(
    "inc corp ltd co jr sr st mt no vs etc gov sen rep gen col lt sgt rev dr mr mrs ms".split()
)
_CONTINUED = re.compile(r"(?:and|but|or|nor)\b")
_IN_MARKS = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_SENTENCE_RUN_ON = re.compile(r"[.!?][\"”’)]? +[(\"“A-Z]")
BARE_PRONOUNS = frozenset(
    "i me my you your we us our it its they them their he him his she her this that these those one who "
    "someone".split()
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
    shown = [
        _without_pronoun_speaker(_tidy_speaker(_without_reporters_words(text, parse, q))) for q in quotes
    ]
    titles = _closed_quotations(text)
    return [
        q
        for q in shown
        if is_statement(parse, q, analysis.mentions)
        and _speakers_words(text, parse, q)
        and not _cue_inside_marks(q, titles)
        and not _topic_of_a_feeling(parse, q)
        and not _furniture_in_speaker(q)
        and not _the_listener(parse, q)
        and not _speaker_is_the_words(q)
        and not _cue_of_its_own_words(parse, q)
    ]


# A live page's update label or time stamp taken into the speaker ("(Update 8:31 p.m. in
# Cairo, 1:31 p.m. ET) State TV", "(Update"): the parse ran the label into the subject, so the
# one who speaks is not known for sure.
_SPEAKER_FURNITURE = re.compile(r"\((?:Update|UPDATE)\b|\b\d{1,2}:\d{2} ?(?:[ap]\.?m\.?|GMT|ET)\b")


def _furniture_in_speaker(quote: Quote) -> bool:
    return bool(_SPEAKER_FURNITURE.search(quote.speaker or ""))


def _the_listener(parse: ParseIndex, quote: Quote) -> bool:
    """Whether the speaker is the one spoken to: the object of "told" ("a well-placed source
    told [CNN]", "told [reporters]"), never the one who speaks."""
    cue = _cue_token(parse, quote)
    if cue is None or quote.speaker_span is None or cue.lemma.lower() != "tell":
        return False
    ids = parse.token_range(quote.speaker_span.start, quote.speaker_span.end)
    return any(
        parse.tokens[i].head == cue.i and parse.tokens[i].dep in ("dobj", "dative", "iobj") for i in ids
    )


def _speaker_is_the_words(quote: Quote) -> bool:
    """Whether the speaker shown is the quoted words themselves ('[a fake "protest organizer"]
    who claimed ...': the relative pronoun's antecedent taken for both)."""
    speaker = re.sub(r"[\"“”'‘’]", "", quote.speaker or "").strip().lower()
    words = re.sub(r"[\"“”'‘’]", "", quote.text).strip().lower()
    return bool(speaker) and len(speaker) >= len(words) / 2 and speaker in words


def _cue_of_its_own_words(parse: ParseIndex, quote: Quote) -> bool:
    """Whether a quoted sentence was given to the cue of the next sentence, which reports
    words of its own ('"... chaos from it and instability." A spokesman for Bush said Friday
    that Bush "congratulates ..."'): a cue with a clause of its own after it says that clause,
    not the quotation closed before it."""
    if quote.kind != "direct" or quote.cue_span is None or quote.cue_span.start < quote.end:
        return False
    if not quote.text.rstrip("\"”’' ").endswith((".", "!", "?")):
        return False
    cue = _cue_token(parse, quote)
    if cue is None:
        return False
    return any(
        parse.tokens[c].dep == "ccomp" and parse.tokens[c].start > cue.end
        for c in parse.children.get(cue.i, ())
    )


# Nouns of a feeling or a stance that is expressed ("expressed concern about the spread",
# "voiced support for the plan"): what follows their preposition is its topic, not the words.
_FEELING_NOUNS = frozenset(
    """
    concern worry fear hope sympathy condolence regret sorrow sadness grief shock outrage anger
    dismay frustration disappointment support opposition gratitude thanks appreciation admiration
    confidence doubt reservation optimism pessimism interest alarm satisfaction surprise relief
    """.split()
)
_TOPIC_PREPOSITIONS = frozenset("about over at for on with regarding in toward towards".split())


def _topic_of_a_feeling(parse: ParseIndex, quote: Quote) -> bool:
    """Whether the words are the topic of an expressed feeling: "expressed concern [about the
    spread of the virus]", "voiced support [for the president]" (the preposition before the
    words, after a feeling noun). The feeling was expressed; its topic is nobody's words. A
    clause after the noun ("expressed hope [that talks resume]") is what was said."""
    if quote.kind == "direct" or quote.parts:
        return False
    first = parse.token_at(quote.start)
    # the preposition opens the words ("[about the spread ...]") or stands just before them
    at = first if parse.tokens[first].lemma.lower() in _TOPIC_PREPOSITIONS else first - 1
    while at > first - 3 and at > 0 and parse.tokens[at].pos in ("PUNCT", "SPACE"):
        at -= 1
    if at < 1 or parse.tokens[at].lemma.lower() not in _TOPIC_PREPOSITIONS:
        return False
    return parse.tokens[at - 1].lemma.lower() in _FEELING_NOUNS


def _closed_quotations(text: str) -> list[tuple[int, int]]:
    """The passages between an opening and a closing quotation mark in one paragraph."""
    from storyline.quotes.extract import find_quoted_spans

    return [
        (start, end) for start, end in find_quoted_spans(text) if end < len(text) and text[end] in "\"”'’"
    ]


def _cue_inside_marks(quote: Quote, quoted: Sequence[tuple[int, int]]) -> bool:
    """Whether the cue is a word inside quotation marks that are not the quote's own: a quoted
    title or slogan ("the 'Don't ask, don't tell' policy") holds a verb of saying that nobody
    said then."""
    cue = quote.cue_span
    if cue is None:
        return False
    for start, end in quoted:
        if start <= cue.start and cue.end <= end:
            # marks paired across the attribution ('... as well," Guirguis said. "So many ...')
            # hold its speaker too: a mispairing, not a title
            speaker = quote.speaker_span
            if speaker is not None and start <= speaker.start and speaker.end <= end:
                return False
            return not any(start <= s and e <= end for s, e in _pieces(quote))
    return False


def is_statement(parse: ParseIndex, quote: Quote, mentions: Sequence[Mention] = ()) -> bool:
    """Whether `quote` reports a statement (see the module's docstring)."""
    cue = _cue_token(parse, quote)
    if cue is not None and (_negated(parse, cue) or _declined(parse, cue)):
        return False
    if quote.speaker is None or is_bare_pronoun(quote.speaker) or _cannot_speak(parse, quote, mentions):
        return False
    if cue is not None and (_passive(parse, cue) or _not_yet_said(parse, cue)):
        return False
    if cue is not None and (
        _said_by_another_noun(parse, cue, quote) or _cue_of_another_subject(parse, cue, quote)
    ):
        return False
    if quote.kind == "direct":
        return (
            cue is None
            or cue.pos not in ("VERB", "AUX")
            or cue.lemma.lower() in DIRECT_LEMMAS
            or _speech_after_aspect(parse, cue) is not None
            or _went_on_speaking(parse, cue)
        )
    if quote.kind == "mixed" and (quote.cue or "").strip() in ("", ":"):
        return _has_verb(parse, quote)  # words run in after a colon: "Obama: we will ..."
    if quote.kind == "indirect" and _fragment(parse, quote):
        return False
    if quote.cue is not None and quote.cue.strip().lower() == "according to":
        return True
    if cue is None or cue.pos not in ("VERB", "AUX"):
        return False
    lemma = cue.lemma.lower()
    # "the inspectors' report found that ...": what a document states (a clause, as for anyone)
    if lemma not in STATEMENT_LEMMAS and not (quote.speaker_type == "document" and lemma in DOCUMENT_LEMMAS):
        return False
    clause = _has_verb(parse, quote) and not (
        quote.kind == "indirect" and _noun_phrase_only(parse, quote, cue)
    )
    return clause or (quote.kind == "mixed" and _quotes_a_description(quote.text))


# Verbs that tell someone to act: their object and its infinitive are what was said ("urged its
# followers to protest", "called on the Senate to pass ...", "asked his network to lend ..."),
# however the parse hangs the infinitive.
_DIRECTIVE_LEMMAS = frozenset(
    "urge call ask order demand appeal tell press request beg invite implore instruct advise encourage "
    "warn".split()
)


_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "csubj", "parataxis"})


def _noun_phrase_only(parse: ParseIndex, quote: Quote, cue: Token) -> bool:
    """Whether reported words are one noun phrase, their verbs only inside it: "announced [an
    inquiry into whether ...]", "has called [a meeting of experts to discuss ...]", "is reporting
    [200 fatalities and reports of flu spreading ...]", "confirming [the news to stunned fans in a
    hastily-arranged press conference]". What was done, announced or reported as a topic is not
    what was said; a clause (a verb heading the words), a complementizer, a gerund after a
    preposition ("accused BP [of cutting costs]"), a description ("described the spill [as] an
    assault") or a directive's infinitive ("urged its followers to protest") is."""
    span = parse.token_range(quote.start, quote.end)
    ids = [i for i in span if parse.tokens[i].pos not in ("PUNCT", "SPACE")]
    if not ids or parse.tokens[ids[0]].lemma.lower() in ("that", "whether", "if"):
        return False
    inside = set(ids)
    tops = [parse.tokens[i] for i in ids if parse.tokens[i].head not in inside or parse.tokens[i].head == i]
    lemma = cue.lemma.lower()
    if any(
        parse.tokens[i].dep in ("nsubj", "nsubjpass", "expl") and parse.tokens[i].head in {t.i for t in tops}
        for i in ids
    ):
        return False  # a subject of the words' head: a clause, whatever tag its verb was given
    if lemma in _DIRECTIVE_LEMMAS and any(
        top.head != top.i and parse.tokens[top.head].lemma.lower() in ("for", "on") for top in tops
    ):
        return False  # "called for [a ceasefire]", "appealed for [calm]": what was demanded
    for top in tops:
        if top.pos in ("VERB", "AUX") or top.head == top.i or top.dep in _CLAUSE_DEPS:
            return False  # a clause; or one whose verb the parse read as a noun, yet hung as a
            # clause or left as its sentence's root ("The plant [supplies] a fifth of ...")
        if top.pos == "ADP" and (top.lemma.lower() == "as" or _governs_a_verb(parse, top, inside)):
            return False
        if top.pos == "ADP":
            continue  # where or to whom it was done: "confirming the news [to stunned fans]"
        if top.pos not in ("NOUN", "PROPN", "PRON", "NUM", "DET", "ADJ"):
            return False  # a parse the rule cannot read: precision of the rule, not of the line
        if lemma in _DIRECTIVE_LEMMAS and lemma != "call" and _governs_a_verb(parse, top, inside):
            return False  # "urged [its followers to protest]"; but "called [a meeting to discuss ...]"
        if any(_gerund_after(parse, parse.tokens[c], inside) for c in parse.children.get(top.i, ())):
            return False  # "accusing [Obama of driving ...]" with "of" hung on the noun
    return True


def _governs_a_verb(parse: ParseIndex, token: Token, inside: set[int]) -> bool:
    """Whether a word of the reported words has a verb among its children there ("of [cutting]",
    "followers [to protest]")."""
    return any(
        c in inside and parse.tokens[c].pos in ("VERB", "AUX") and parse.tokens[c].dep != "amod"
        for c in parse.children.get(token.i, ())
    )


def _gerund_after(parse: ParseIndex, preposition: Token, inside: set[int]) -> bool:
    """'of [driving]', 'for [sparking]': a preposition with a gerund, what someone is accused or
    blamed of."""
    return preposition.pos == "ADP" and any(
        c in inside and parse.tokens[c].tag == "VBG" for c in parse.children.get(preposition.i, ())
    )


def _cannot_speak(parse: ParseIndex, quote: Quote, mentions: Sequence[Mention] = ()) -> bool:
    """A speaker phrase that names no one who speaks: a thing or an abstraction as its head
    (see `_inanimate`), a lone singular noun without a determiner, headline or caption style
    ("Analyst: The protesters ..."), or numbers alone."""
    if quote.speaker_span is None:
        return False
    ids = parse.token_range(quote.speaker_span.start, quote.speaker_span.end)
    words = [parse.tokens[i] for i in ids if parse.tokens[i].pos not in ("PUNCT", "SPACE")]
    if _inanimate(parse, words, mentions):
        return True
    if quote.speaker_entity_id:
        return False
    if len(words) == 1 and words[0].pos == "NOUN" and words[0].tag == "NN":
        return True
    return bool(words) and all(t.pos == "NUM" for t in words)


# Records of what happened show it; they state nothing of their own ("Video footage showed
# police ..."), unlike a report or a statement.
_RECORDING_NOUNS = frozenset("footage video recording photo photograph picture image".split())
_SPEAKING_NOUNS = (DOCUMENT_NOUNS - _RECORDING_NOUNS) | ORG_NOUNS | ANONYMOUS_NOUNS
# Names of people and of bodies of people speak; a date, a time or an amount does not.
_SPEAKING_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_TIME_AND_AMOUNT_LABELS = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL", "ORDINAL"})
_COUNTED_PEOPLE = frozenset({"percent", "%"})


def _inanimate(parse: ParseIndex, words: Sequence[Token], mentions: Sequence[Mention]) -> bool:
    """Whether the speaker phrase's head is a common noun that names no person, no body of
    people and no document ("Two factors suggest", "Video footage showed", "a joke", a
    caption's "Tar balls"): by WordNet's senses (`storyline.quotes.animacy`), not a hand list,
    which would miss most role nouns. A name the recognizer typed a person, an organization, a
    nationality or a country speaks whatever its head."""
    ids = {t.i for t in words}
    heads = [t for t in words if t.head not in ids or t.head == t.i]
    if not heads:
        return False
    head = heads[-1]
    labels = {m.label for m in mentions if m.start <= head.start < m.end}
    if labels & _SPEAKING_LABELS:
        return False
    if labels & _TIME_AND_AMOUNT_LABELS:
        return True  # "January said", "$20bn shows"
    if head.pos != "NOUN":
        return False
    lemma = head.lemma.lower()
    if lemma in _COUNTED_PEOPLE and any(t.pos == "NUM" for t in words):
        return False  # "63 percent said": the people a poll counted
    if lemma in _RECORDING_NOUNS:
        return True
    return lemma not in _SPEAKING_NOUNS and speaker_kind(lemma) is None


def _quotes_a_description(text: str) -> bool:
    """Whether verbless reported words quote what was said of something: called it an
    "important signal", described the talks as "frank but constructive"; not a quoted topic
    alone ("sham", "assistance posture") or one loaded word (a "frantic" call)."""
    quoted = sum(len(inner.split()) for inner in _IN_MARKS.findall(text))
    outside = _IN_MARKS.sub(" ", text).strip(" .,;:")
    return quoted >= 3 or (quoted >= 2 and bool(outside))


def _aspectual(parse: ParseIndex, verb: Token) -> bool:
    """'went on', 'continued', 'began': a verb whose infinitive happened."""
    lemma = verb.lemma.lower()
    return lemma in ASPECTUAL_LEMMAS and (lemma != "go" or _has_particle(parse, verb, "on"))


def _speech_after_aspect(parse: ParseIndex, verb: Token) -> Token | None:
    """The verb of saying an aspectual verb introduces ("Huhne went on to stress: ...",
    "continued to insist"), also where the parse took it for a noun ("on [to stress]")."""
    if not _aspectual(parse, verb):
        return None
    for child in parse.children.get(verb.i, ()):
        token = parse.tokens[child]
        below = [token] + [parse.tokens[c] for c in parse.children.get(child, ()) if token.dep == "prep"]
        for word in below:
            if word.dep in ("xcomp", "advcl", "pobj") and word.lemma.lower() in DIRECT_LEMMAS:
                return word
    return None


def _went_on_speaking(parse: ParseIndex, cue: Token) -> bool:
    """'"...," he went on.', 'she continued:': a verb of aspect that governs nothing but the
    quote says the speaker went on talking."""
    return _aspectual(parse, cue) and not any(
        parse.tokens[c].dep in ("xcomp", "dobj", "prep", "advcl", "conj")
        for c in parse.children.get(cue.i, ())
    )


def _not_yet_said(parse: ParseIndex, cue: Token) -> bool:
    """A cue in the infinitive or under a modal: speech intended, expected or possible, not
    made ("contacting him to say", "will reiterate", "how can people say", "is expected to
    announce"); not the infinitive of a verb of aspect, which says it happened ("went on to
    stress", "continued to insist")."""
    if cue.dep in ("xcomp", "advcl") and cue.head != cue.i and _aspectual(parse, parse.tokens[cue.head]):
        return False
    return any(
        parse.tokens[c].dep == "aux" and parse.tokens[c].tag in ("MD", "TO")
        for c in parse.children.get(cue.i, ())
    )


def _break_outside_marks(text: str, parse: ParseIndex, start: int, words: Sequence[int]) -> bool:
    """Whether the words starting at `start` cross a sentence break outside quotation marks
    (a break inside the marks is the speaker's: 'that any peace "must be just ... There can be
    no peace ..."')."""
    for before, after in zip(words, words[1:], strict=False):
        if parse.tokens[before].sent == parse.tokens[after].sent:
            continue
        head = text[start : parse.tokens[after].start]
        if head.count('"') % 2 == 0 and head.count("“") <= head.count("”"):
            return True
    return False


def _passive(parse: ParseIndex, cue: Token) -> bool:
    """A cue whose subject was spoken to or about, not the speaker: a passive ("was
    confirmed", "have been reported") or a participle clause ("Asked if ..., the spokesman")."""
    deps = {parse.tokens[c].dep for c in parse.children.get(cue.i, ())}
    if deps & {"auxpass", "nsubjpass"}:
        return True
    participle = cue.tag == "VBN" or (cue.tag == "VBD" and cue.dep in ("advcl", "acl"))
    # "what Obama called a ...", "has called": his own words; "met and called for": shared subject
    return participle and cue.dep != "conj" and not deps & {"aux", "nsubj"}


def _cue_of_another_subject(parse: ParseIndex, cue: Token, quote: Quote) -> bool:
    """Whether the subject of the verb the cue is joined to ("The Mexican government is urging
    caution and is [suggesting] the virus came from abroad, our correspondent adds") lies
    outside the speaker phrase: the words are that subject's, not those of the speaker the
    attribution was paired with. Only a joined verb's subject: the cue's own is where the
    speaker was read from, and where the parse errs (a dateline, a caption run in, 'the flow
    rate" ..., says MacDonald') it would hide right quotes. A pronoun or a relative subject
    stands for the speaker it was resolved to."""
    span = quote.speaker_span
    if span is None or _subjects(parse, cue) or cue.dep != "conj" or cue.head == cue.i:
        return False
    subjects = _subjects(parse, parse.tokens[cue.head])
    if not subjects:
        return False
    subject = parse.tokens[subjects[0]]
    if subject.pos in ("PRON", "DET") or subject.lemma.lower() in RELATIVES:
        return False
    words = parse.subtree(subject.i)
    start, end = parse.tokens[words[0]].start, parse.tokens[words[-1]].end
    return not (start < span.end and span.start < end)


def _subjects(parse: ParseIndex, verb: Token) -> list[int]:
    return [c for c in parse.children.get(verb.i, ()) if parse.tokens[c].dep in ("nsubj", "nsubjpass")]


def _said_by_another_noun(parse: ParseIndex, cue: Token, quote: Quote) -> bool:
    """A participle cue that modifies a noun outside the speaker phrase ("he had heard
    demonstrators' pleas [asking] for the government to act", "a sign [reading] ..."): that noun
    speaks, not the subject of the sentence the speaker was taken from."""
    if cue.dep != "acl" or cue.tag != "VBG" or cue.head == cue.i or quote.speaker_span is None:
        return False
    noun = parse.tokens[cue.head]
    span = quote.speaker_span
    if noun.pos not in ("NOUN", "PROPN") or span.start <= noun.start < span.end:
        return False
    # "the ministry issued a statement saying ...", "said in a statement saying ...": the
    # speaker's own statement, the object of the speaker's verb
    verb = noun
    for _ in range(3):
        if verb.head == verb.i:
            break
        verb = parse.tokens[verb.head]
        if verb.pos in ("VERB", "AUX"):
            break
    subjects = [
        parse.tokens[c]
        for c in parse.children.get(verb.i, ())
        if parse.tokens[c].dep in ("nsubj", "nsubjpass")
    ]
    return not any(span.start <= t.start < span.end for t in subjects)


def _speakers_words(text: str, parse: ParseIndex, quote: Quote) -> bool:
    """Whether the quote's words are the speaker's alone (see the module's docstring)."""
    for span in (quote.cue_span, quote.speaker_span):
        if span is not None and quote.start <= span.start and span.end <= quote.end and not quote.parts:
            return False  # "Al-Banna was killed -- his supporters claimed he had been ..."
    if any(_FURNITURE.search(text, start, end) for start, end in _pieces(quote)):
        return False  # a byline, dateline or time stamp run into the words
    if (
        quote.kind != "direct"
        and any(
            _LOST_STOP.search(_outside_marks(text[start:end]))
            or _LOST_STOP_BEFORE_SPEAKERS.search(_outside_marks(text[start:end]))
            for start, end in _pieces(quote)
        )
        or (not quote.parts and quote.kind != "direct" and _stop_outside_marks(text[quote.start : quote.end]))
    ):
        return False  # the reporter's words run on past a sentence whose stop was lost
    if quote.kind != "direct" and not quote.parts:
        # by its words: a closing mark may be parsed into the next sentence
        words = [
            i
            for i in parse.token_range(quote.start, quote.end)
            if parse.tokens[i].pos not in ("PUNCT", "SPACE")
        ]
        if words and _break_outside_marks(text, parse, quote.start, words):
            return False  # reported words run on into the reporter's next sentence
        if (
            _writers_first_person(text, quote)
            or _cut_from_its_clause(parse, quote)
            or _another_cues_words(parse, quote)
        ):
            return False
    if quote.kind == "indirect":
        return True
    if quote.kind == "direct" and _title_case(_quote_words(text, quote)):
        return False  # a headline quoted ("So How Many Shots Did You Drop Today, Robert?")
    if _CONTINUED.match(text, _pieces(quote)[0][0]):
        # 'Obama has not called Mubarak -- "but there is daily contact ..."': the words open
        # halfway through a sentence whose first half is the reporter's paraphrase
        return False
    for start, end in _pieces(quote):
        piece = text[start:end]
        first = piece.lstrip("\"“”'‘’ ")[:1]
        if not (first.isalnum() or first in "$£€#@") or _REPORTERS_ATTRIBUTION.search(piece):
            return False
        before = text[max(0, start - 3) : start].rstrip("\"“”'‘’ ")
        opens_lower = piece[:1].islower() and not before.endswith((":", ","))
        if quote.kind == "direct" and opens_lower and _SENTENCE_RUN_ON.search(piece):
            return False
    return True


def _stop_outside_marks(words: str) -> bool:
    """Whether reported words hold a full stop and the opening of a next sentence outside
    quotation marks (see `_STOP_THEN_SENTENCE`)."""
    return any(
        match.group(1).lower() not in _ABBREVIATIONS
        for match in _STOP_THEN_SENTENCE.finditer(_outside_marks(words))
    )


def _quote_words(text: str, quote: Quote) -> str:
    return " ".join(text[start:end] for start, end in _pieces(quote))


# Short words a headline leaves in lower case ("Obama to Meet BP Chiefs on Fund").
_HEADLINE_LOWER = frozenset("a an the of to in on at for and or but by as vs with from".split())


def _title_case(words: str) -> bool:
    """Whether quoted words are written as a headline: at least four words, and all but a few
    short ones capitalized. A speaker's sentence keeps its verbs and most of its words in lower
    case, even when it names several people."""
    tokens = [w for w in re.findall(r"[A-Za-z][\w'’-]*", words) if w.lower() not in _HEADLINE_LOWER]
    if len(tokens) < 4:
        return False
    return sum(w[0].isupper() for w in tokens) >= 0.85 * len(tokens)


def _pieces(quote: Quote) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in quote.parts] or [(quote.start, quote.end)]


def _writers_first_person(text: str, quote: Quote) -> bool:
    """Whether reported words outside quotation marks say "I": reported speech turns the
    speaker's "I" into "he" or "she", so an "I" there is the writer's own ("friends say the
    situation is bad ... I think there is a real lack of information"). Words after a colon
    ("Daniel K writes: I think ...") are the writer's verbatim and keep their "I"."""
    if quote.cue_span is not None and ":" in text[quote.cue_span.end : quote.start]:
        return False
    return bool(re.search(r"\bI\b", _outside_marks(text[quote.start : quote.end])))


def _another_cues_words(parse: ParseIndex, quote: Quote) -> bool:
    """Whether reported words open with a verb of saying other than their cue ("is urging
    against jumping to conclusions and is [suggesting the possibility remains ...]"): they are
    that verb's report, hung on the wrong cue."""
    ids = [
        i for i in parse.token_range(quote.start, quote.end) if parse.tokens[i].pos not in ("PUNCT", "SPACE")
    ]
    cue = _cue_token(parse, quote)
    if not ids or cue is None:
        return False
    first = parse.tokens[ids[0]]
    return first.i != cue.i and first.tag == "VBG" and first.lemma.lower() in STATEMENT_LEMMAS


def _cut_from_its_clause(parse: ParseIndex, quote: Quote) -> bool:
    """Whether reported words are only part of their clause: its subject, the verb left outside
    ("[The singer's death], according to the coroner, was a homicide ..."), or the object of a
    preposition outside them that is not the cue's ("... is worsening, with [thick smoke
    billowing ...]"; "called on [the authorities to ...]" is whole)."""
    ids = parse.token_range(quote.start, quote.end)
    cue = _cue_token(parse, quote)
    for i in ids:
        token = parse.tokens[i]
        head = parse.tokens[token.head]
        if head.i in ids or head.i == i:
            continue
        if token.dep in ("nsubj", "nsubjpass") and head.i > ids[-1] and (cue is None or head.i != cue.i):
            return True  # (the cue's own subject is a misparse of '[BP "under-estimated" ...], says X')
        if token.dep == "pobj" and cue is not None and head.head != cue.i and head.i != cue.i:
            return True
    return False


def _outside_marks(words: str) -> str:
    """The words with every passage inside quotation marks blanked out, the marks kept (a mark
    left open blanks the rest), the same length so that offsets still hold."""
    return re.sub(
        r"([\"“])([^\"“”]*)([\"”]|$)", lambda m: m.group(1) + " " * len(m.group(2)) + m.group(3), words
    )


def _fragment(parse: ParseIndex, quote: Quote) -> bool:
    """Reported words that cannot stand as what was said: they open on a comma or a preposition
    (", with pressure growing on ..."), or on a verb whose subject was left out ("said was to
    convince Beijing ...")."""
    if not quote.text.strip() or not quote.text.strip()[0].isalnum():
        return True
    first = parse.tokens[parse.token_at(quote.start)]
    if first.pos in ("ADP", "CCONJ"):
        return True
    if first.pos in ("VERB", "AUX") and first.tag in ("VBD", "VBZ", "VBP"):
        return True
    return _subordinate_clause_only(parse, quote) or _cut_before_an_argument(parse, quote)


# The arguments a reported clause cannot lose: "Experts said [the latest nuclear test could
# change] that.", "vowed [to continue demonstrating against what they felt] was unjust" stop
# right before an object or a complement of their own words.
_CORE_ARGUMENTS = frozenset({"dobj", "pobj", "attr", "acomp", "ccomp", "xcomp", "oprd"})


def _cut_before_an_argument(parse: ParseIndex, quote: Quote) -> bool:
    """Whether reported words stop right before an object or complement of one of their own
    words (the next word opens it, no punctuation between: a dash or a comma there may open
    the reporter's aside, "... per day - a sharp increase on ...")."""
    if (quote.cue or "").strip().lower() == "according to":
        return False
    ids = parse.token_range(quote.start, quote.end)
    after = ids[-1] + 1
    if after >= len(parse.tokens) or parse.tokens[after].sent != parse.tokens[ids[-1]].sent:
        return False
    if parse.tokens[after].pos == "PUNCT":
        return False
    return any(
        parse.tokens[c].dep in _CORE_ARGUMENTS and c >= after and parse.subtree(c)[0] == after
        for i in ids
        for c in parse.children.get(i, ())
    )


def _subordinate_clause_only(parse: ParseIndex, quote: Quote) -> bool:
    """Reported words that are only the opening subordinate clause of what was said ("had
    predicted that [as they searched for cases], CDC experts would find ..."): the clause the
    speaker's words hang on was left out."""
    ids = parse.token_range(quote.start, quote.end)
    words = [i for i in ids if parse.tokens[i].pos not in ("PUNCT", "SPACE")]
    if len(words) > 1 and parse.tokens[words[0]].lemma.lower() == "that":
        words = words[1:]
    if not words:
        return False
    mark = parse.tokens[words[0]]
    if mark.dep != "mark" or mark.head == mark.i:
        return False
    return words[-1] <= parse.subtree(mark.head)[-1] and parse.tokens[mark.head].dep == "advcl"


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
    """Quoted words whose speaker stayed a bare pronoun: no speaker, never 'it' (and so not
    shown)."""
    if quote.speaker is None or not is_bare_pronoun(quote.speaker):
        return quote
    return replace(quote, speaker=None, speaker_entity_id=None, speaker_span=None, speaker_type=None)


def _tidy_speaker(quote: Quote) -> Quote:
    """The speaker without a bracket left open or a conjunction left over from the words
    around it: "World Health Organization (WHO" -> "World Health Organization", "and CDC
    officials" -> "CDC officials", "Travel\\n\\nThe State Department" -> "The State Department"."""
    speaker = quote.speaker
    if speaker is None or quote.speaker_span is None:
        return quote
    start, end = quote.speaker_span.start, quote.speaker_span.end
    opened = speaker.rfind("(")
    if opened > 0 and ")" not in speaker[opened:]:
        end -= len(speaker) - len(speaker[:opened].rstrip())
        speaker = speaker[:opened].rstrip()
    if "\n" in speaker:  # a title or a caption run into the speaker
        start += speaker.rindex("\n") + 1
        speaker = speaker[speaker.rindex("\n") + 1 :]
    first, _, rest = speaker.partition(" ")
    if first.lower() in ("and", "or", "but") and rest:
        start += len(speaker) - len(rest)
        speaker = rest
    if speaker == quote.speaker:
        return quote
    return replace(quote, speaker=speaker, speaker_span=replace(quote.speaker_span, start=start, end=end))


def _without_reporters_words(text: str, parse: ParseIndex, quote: Quote) -> Quote:
    """The quote ending where the reporter's own words begin: a clause joined to the cue verb
    with its own subject ("Wang noted that …, but the Chinese diplomat made no new
    commitments") is the reporter's, not the speaker's."""
    cue = _cue_token(parse, quote)
    if cue is None or quote.kind == "direct" or quote.parts:
        return quote
    cuts = [_clause_after_an_object(parse, quote)]
    for child in parse.children.get(cue.i, ()):
        token = parse.tokens[child]
        if not quote.start < token.start < quote.end:
            continue
        if token.dep == "conj" and any(
            parse.tokens[c].dep in ("nsubj", "nsubjpass") for c in parse.children.get(child, ())
        ):
            cuts.append(parse.subtree(child)[0])
        elif _participle_after_comma(parse, token):
            # "urged the government to pursue the case, resulting in convictions": a participle
            # on the cue says what the urging led to, in the reporter's words
            cuts.append(parse.subtree(child)[0])
    cut = min((c for c in cuts if c is not None), default=None)
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


def _participle_after_comma(parse: ParseIndex, token: Token) -> bool:
    """Whether a word is a present participle opening a clause after a comma (", resulting
    in ...", ", prompting ...")."""
    first = parse.subtree(token.i)[0]
    return (
        token.dep == "advcl"
        and token.tag == "VBG"
        and first == token.i
        and first > 0
        and parse.tokens[first - 1].pos == "PUNCT"
        and parse.tokens[first - 1].lemma == ","
    )


_NOMINAL = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "PRON"})
_FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})


def _clause_after_an_object(parse: ParseIndex, quote: Quote) -> int | None:
    """Where a clause with its own subject and verb joins reported words that are a bare
    object ("confirmed [two cases each] and six other states have been monitoring patients",
    "has declared [a state of emergency] and President Obama is asking Congress ..."): a noun
    phrase and a clause are not one coordination, so the clause is the reporter's next one.
    Reported clauses ("said prices rose and wages fell") are left whole."""
    ids = parse.token_range(quote.start, quote.end)
    tops = [parse.tokens[i] for i in ids if parse.tokens[i].head not in ids or parse.tokens[i].head == i]
    if any(t.pos in ("VERB", "AUX") for t in tops):
        return None  # a clause heads the words: "North Africa and the Middle East have ..." is its subject
    for i in ids:
        conj = parse.tokens[i]
        if conj.pos != "CCONJ" or i == ids.start or i + 1 not in ids:
            continue
        if any(parse.tokens[k].pos in ("VERB", "AUX") for k in range(ids.start, i)):
            return None  # the words before the conjunction are a clause
        # a noun phrase and then a finite verb: the next clause's subject and its verb (read by
        # the words, as the parse often hangs the noun phrase on the object before)
        k = i + 1
        while k in ids and k - i <= 6 and parse.tokens[k].pos in _NOMINAL:
            k += 1
        if k > i + 1 and k in ids and parse.tokens[k].tag in _FINITE:
            return i
    return None


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
