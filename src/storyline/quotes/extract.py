"""Who said what: quoted passages and reported speech, with their speakers, over the parse.

Direct and partial quotes are found from quotation marks; the attribution is the nearest
speech verb that governs the quote in the dependency parse ("X said", "said X", "X tweeted
that", "adding that" -> the subject of the verb it hangs on, "according to X"). Pronouns and
"he added" go to the previous speaker. A quote is kept only when the trained attribution tagger
(`storyline.quotes.tagger`, trained on PolNeAR) also reads it as reported content, so titles and
scare quotes drop out. Reported speech and beliefs without marks ("Kuleba suggested that ...",
"polls show ...", "according to X") come from the tagger, which marks their cue, source and
content, with the reporting-verb rules over the parse filling in clauses it missed; they are
`indirect` (`mixed` when they hold a quoted fragment). Unresolved speakers stay unresolved: an
anonymous official is reported as such, never guessed. `storyline.quotes.speakers` then types each
speaker and links definite roles to the person named nearby.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from storyline.config import DEFAULTS
from storyline.models import Analysis, Article, Mention, Quote, Span, Token
from storyline.quotes.parse import (
    ACT_LEMMAS,
    INTENT_LEMMAS,
    PRONOUNS,
    REPORTING_LEMMAS,
    Attribution,
    ParseIndex,
    according,
    agent_attribution,
    attributed,
    attribution_before_colon,
    attribution_before_paragraph,
    attribution_by_parse,
    attribution_follows,
    attribution_in_window,
    is_according,
    mark_start,
    passive_verbs,
    phrase,
    source_phrase,
    subject_of,
    undergoes,
    within_spans,
)
from storyline.quotes.pronouns import Named, resolve_pronoun
from storyline.quotes.speakers import RELATIVES, named_by_surname, organization_by_form, type_speakers
from storyline.quotes.tagger import Proposal, TaggedSpan, group_spans, tag_analysis

QUOTES_VERSION = "quotes-19"

# Straight and curly marks are mixed up in the wild ("X,” said Y; “X,“ said Y): either closes.
_ANY_DOUBLE = ("”", '"', "“")
_OPEN_CLOSE = {"“": _ANY_DOUBLE, '"': _ANY_DOUBLE, "«": ("»",)}


def find_quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the text inside quotation marks; an unclosed quote runs to the end of
    its paragraph, as news style continues quotes across paragraphs."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        i, n = 0, len(paragraph)
        while i < n:
            if paragraph.startswith("''", i):
                # Two apostrophes for a double mark (The New York Times' archive style).
                end = paragraph.find("''", i + 2)
                end = n if end == -1 else end
                if paragraph[i + 2 : end].strip():
                    spans.append((offset + i + 2, offset + end))
                i = end + 2
                continue
            closer = _OPEN_CLOSE.get(paragraph[i])
            if closer is None:
                i += 1
                continue
            found = [k for k in (paragraph.find(c, i + 1) for c in closer) if k != -1]
            end = min(found) if found else n
            if paragraph[i + 1 : end].strip():
                spans.append((offset + i + 1, offset + end))
            i = end + 1
        offset += len(paragraph) + 1
    return spans


def extract_all_quotes(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    entity_names: Mapping[str, str] | None = None,
    *,
    entity_types: Mapping[str, str] | None = None,
) -> list[Quote]:
    """`extract_quotes` of each article (the tagger reads every sentence alone, so an article's
    quotes never depend on the others)."""
    return [
        quote
        for article in articles
        for quote in extract_quotes(article, analyses[article.id], entity_names, entity_types=entity_types)
    ]


def tag_article(article: Article, analysis: Analysis) -> list[TaggedSpan]:
    """The tagger's CUE, SOURCE and CONTENT spans of one article: the costly, per-article part
    of quote extraction (the transformer and the CRF), which needs neither the other articles
    nor the merged entities (the tagger reads no entity ids)."""
    return tag_analysis(article.text, analysis, find_quoted_spans(article.text))


def extract_quotes(
    article: Article,
    analysis: Analysis,
    entity_names: Mapping[str, str] | None = None,
    *,
    entity_types: Mapping[str, str] | None = None,
    tags: Sequence[TaggedSpan] | None = None,
) -> list[Quote]:
    """Every quoted passage and reported statement in the article, with its speaker;
    `entity_types` (PERSON, ORG, ... of the merged entities) decide the speaker types. `tags`
    are the tagger's spans of this article (`tag_article`) when already made: they depend on
    the article alone, so a runner stores them once per article and tagger."""
    entity_names = entity_names or {}
    parse = ParseIndex(analysis)
    quoted = find_quoted_spans(article.text)
    spans = list(tags) if tags is not None else tag_article(article, analysis)
    proposals = group_spans(article.text, spans)
    headed = _colon_speaker_quotes(article, analysis, parse, entity_names)
    quotes: list[Quote] = []
    previous: Quote | None = None
    previous_sentence = -10
    for start, end in quoted:
        content_start, content_end = _trim(article.text, start, end)
        if content_end <= content_start or any(
            content_start < q.end and q.start < content_end for q in headed
        ):
            continue
        tokens = parse.token_range(content_start, content_end)
        sentence = parse.tokens[tokens.start].sent
        # A speech verb over the quote, else beside it, else the tagger's cue; only then any
        # verb with a person as subject ("he's “radical enough”" is no attribution to him).
        speech, fallback = attribution_by_parse(parse, tokens, quoted)
        attribution = (
            speech
            or attribution_in_window(
                parse,
                analysis,
                sentence,
                parse.tokens[tokens[-1]].sent,
                quoted,
                attribution_follows(article.text, end),
            )
            or attribution_before_colon(article.text, parse, start, quoted)
            or attribution_before_paragraph(article.text, parse, start, quoted)
            or _tagged_attribution(parse, proposals, tokens)
            or fallback
        )
        attribution = _tagged_source(parse, attribution, spans, quoted)
        gap = _sentence_gap(article.text, analysis, previous_sentence, sentence)
        quote = _make_quote(
            article,
            analysis,
            parse,
            content_start,
            content_end,
            _direct_or_mixed(article.text, start),
            attribution,
            entity_names,
            previous,
            gap,
        )
        if (
            quote.speaker is None
            and quote.speaker_span is None  # a pronoun left unresolved is no continuation
            and previous is not None
            and not (attribution is not None and attribution.sourceless)
            and _continues_previous(article.text, start, previous, gap)
            and not _someone_named_since(analysis, parse, previous, mark_start(article.text, start))
        ):
            quote = _carry_over(quote, previous)
        quotes.append(quote)
        # The sentence gap to the next quote counts from the attribution when it follows the
        # quote ("“X?” Sanders asked, shaking his head. “Y.”": Y is his too).
        previous, previous_sentence = quote, parse.tokens[tokens[-1]].sent
        if quote.cue_span is not None and quote.cue_span.start >= end:
            previous_sentence = max(
                previous_sentence, parse.tokens[parse.token_at(quote.cue_span.start)].sent
            )
    contents = [(s.start, s.end) for s in spans if s.label == "CONTENT"]
    # Quotation marks around a title or a scare-quoted word report nobody's words: a quote is
    # kept when the tagger also reads it as reported content.
    quotes = [q for q in quotes if any(s < q.end and q.start < e for s, e in contents)]
    quotes = _join_interrupted(article, quotes)
    quotes = _widen_fragments(article, quotes, proposals) + headed
    quotes.extend(_tagged_quotes(article, analysis, parse, quoted, entity_names, quotes, proposals))
    # Reporting verbs with a clausal complement the tagger left out (held-out train: +0.01 F1).
    quotes.extend(_indirect_quotes(article, analysis, parse, quoted, entity_names, quotes))
    quotes.sort(key=lambda q: q.start)
    return type_speakers(article.text, analysis, quotes, entity_names, entity_types or {})


def _sentence_gap(text: str, analysis: Analysis, before: int, after: int) -> int:
    """Sentences from `before` to `after`, not counting those without a word (the parse makes
    a stray "''" a sentence of its own)."""
    if before < 0:
        return after - before
    return sum(
        1 for sent in analysis.sentences[before + 1 : after + 1] if _has_words(text[sent.start : sent.end])
    )


# "Chris Matthews: Seriously, ..." (a transcript), "Kasich: ‘We Are Going ...’" (a headline): a
# paragraph opening with a name and a colon gives the rest of the paragraph to that name.
_COLON_SPEAKER = re.compile(
    r"[\"“‘']?([A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|of|at|and)){0,5})"
    r":[ \t]+\S"
)


def _colon_speaker_quotes(
    article: Article, analysis: Analysis, parse: ParseIndex, entity_names: Mapping[str, str]
) -> list[Quote]:
    """The paragraphs that open with a person's or organization's name and a colon."""
    found: list[Quote] = []
    for paragraph in re.finditer(r"[^\n]+", article.text):
        match = _COLON_SPEAKER.match(paragraph.group())
        if match is None:
            continue
        name = (paragraph.start() + match.start(1), paragraph.start() + match.end(1))
        ids = parse.token_range(*name)
        mention = _mention_in(analysis, *name)
        if mention is not None and (mention.label not in ("PERSON", "ORG") or mention.start != name[0]):
            continue  # "WASHINGTON:", "In Iowa:"
        if mention is None and (len(ids) < 2 or any(parse.tokens[i].pos != "PROPN" for i in ids)):
            continue  # a name the recognizer missed has two proper nouns at least: "Ilse Varga"
        start, end = _trim(article.text, paragraph.start() + match.end() - 1, paragraph.end())
        if len(article.text[start:end].split()) < 2:
            continue
        _, head = source_phrase(parse, *name)
        colon = parse.tokens[parse.token_at(name[1])]
        attribution = Attribution(
            cue=colon, speaker=name, head=head, confidence=DEFAULTS.quotes.colon_speaker, scope=name
        )
        # Inside quotation marks ('"Ilse Varga: Seriously, ...') the words are verbatim.
        kind = (
            "direct"
            if match.start(1) > 0
            else "mixed"
            if _QUOTE_MARKS.search(article.text, start, end)
            else "indirect"
        )
        found.append(
            _make_quote(article, analysis, parse, start, end, kind, attribution, entity_names, None, 10)
        )
    return found


_QUOTE_MARKS = re.compile('["“”‘’«»]')


def _join_interrupted(article: Article, quotes: Sequence[Quote]) -> list[Quote]:
    """One attribution for a quote in pieces: consecutive quoted pieces with the same cue and
    speaker ("X," he said, "Y"; a quote running on into the next paragraph) become one quote
    whose `parts` are the pieces (PolNeAR marks them so; held-out train: source overlap F1
    0.662 -> 0.692, as the second piece no longer counts as an attribution of its own)."""
    joined: list[Quote] = []
    for quote in quotes:
        last = joined[-1] if joined else None
        if (
            last is None
            or last.cue_span is None
            or quote.cue_span != last.cue_span
            or quote.speaker_span != last.speaker_span
        ):
            joined.append(quote)
            continue
        if _fragment_of_other_words(article.text, last, quote):
            continue  # another clause's fragment that only inherited the attribution
        parts = last.parts or (Span(article_id=article.id, start=last.start, end=last.end),)
        parts += (Span(article_id=article.id, start=quote.start, end=quote.end),)
        joined[-1] = replace(last, end=quote.end, text=article.text[last.start : quote.end], parts=parts)
    return joined


def _fragment_of_other_words(text: str, last: Quote, quote: Quote) -> bool:
    """Whether a quoted fragment sits in reporter's words of its own, not only the
    attribution's ('... he is prepared for a media "circus" Instead, Judge Pastor has advised
    them not to "read ..."', '"..." Dr Morens refers to the strain as "the mother of all
    pandemics"'): it is not the next piece of the same quote, and the attribution the two
    share fits one of them at most, so the later one is not shown."""
    if quote.kind != "mixed":
        return False
    between = list(text[last.end : mark_start(text, quote.start)])
    for span in (last.cue_span, last.speaker_span):
        if span is not None and last.end <= span.start and span.end <= quote.start:
            between[span.start - last.end : span.end - last.end] = " " * (span.end - span.start)
    return _has_words("".join(between))


def _pieces(quote: Quote) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in quote.parts] or [(quote.start, quote.end)]


def _proposal_extent(text: str, proposal: Proposal) -> tuple[int, int]:
    start, end = _trim(text, proposal.content[0][0], proposal.content[-1][1])
    end = end - 1 if end > start and text[end - 1] in ".;" else end
    return start, end


def _extents_beside_cue(text: str, proposal: Proposal) -> list[tuple[int, int]]:
    """A proposal's content extent, or its runs before and after its cue when the cue stands
    between them: a run is what one reported clause can widen to."""
    if proposal.cue is None:
        return [_proposal_extent(text, proposal)]
    runs = [replace(proposal, content=side) for side in _beside(proposal.content, *proposal.cue)]
    return [_proposal_extent(text, run) for run in runs] or [_proposal_extent(text, proposal)]


def _beside(content: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[tuple[int, int], ...]]:
    """The content pieces before (start, end) and those after it, leaving out an empty side."""
    sides = (tuple(p for p in content if p[1] <= start), tuple(p for p in content if p[0] >= end))
    return [side for side in sides if side]


def _widen_fragments(article: Article, quotes: Sequence[Quote], proposals: Sequence[Proposal]) -> list[Quote]:
    """A quoted fragment inside reported words ("he had not done his 'homework' when ...") is
    the whole reported clause the tagger marks around it, as PolNeAR marks it; further
    fragments of that clause are part of it."""
    extents = [extent for p in proposals for extent in _extents_beside_cue(article.text, p)]
    widened: list[Quote] = []
    for quote in quotes:
        if (
            any(w.kind == "mixed" and w.start <= quote.start and quote.end <= w.end for w in widened[-1:])
            and quote.kind == "mixed"
        ):
            continue
        if quote.kind == "mixed" and not quote.parts and not _attributed_after(article.text, quote):
            own_cue = quote.cue_span.start if quote.cue_span else -1
            around = [
                (s, e)
                for s, e in extents
                if s <= quote.start
                and quote.end <= e
                and not s <= own_cue < e
                and _has_words(
                    article.text[s : mark_start(article.text, quote.start)] + article.text[quote.end + 1 : e]
                )
            ]
            if around:
                start, end = min(around, key=lambda x: x[1] - x[0])
                others = [q for q in quotes if q is not quote and q.start < end and start < q.end]
                if all(q.kind == "mixed" for q in others):
                    quote = replace(quote, start=start, end=end, text=article.text[start:end])
        widened.append(quote)
    return widened


def _attributed_after(text: str, quote: Quote) -> bool:
    """Whether the quote is a sentence of its own with its attribution right after its closing
    mark, nothing but the speaker between ('... persisted National Institute of Allergy "Every
    species has its own flu ...," says Professor Markel'): the quotation is what the cue reports,
    whatever words without a stop (a caption, a headline) run up to its opening mark, so it is
    not widened into them. A fragment in lower case ('The disaster will "shape how we think
    ...," he told Politico') is part of the reporter's sentence and is widened."""
    cue = quote.cue_span
    words = text[quote.start : quote.end + 1].rstrip(' "”')
    if (
        cue is None
        or cue.start < quote.end
        or not words[:1].isupper()
        or words[-1:] not in (",", ".", "!", "?")
    ):
        return False
    between = list(text[quote.end : cue.start])
    speaker = quote.speaker_span
    if speaker is not None and quote.end <= speaker.start and speaker.end <= cue.start:
        between[speaker.start - quote.end : speaker.end - quote.end] = " " * (speaker.end - speaker.start)
    return not _has_words("".join(between))


def _quotation_between(
    text: str, quoted: Sequence[tuple[int, int]], end: int, attribution: Attribution | None
) -> bool:
    """Whether a quotation stands between reported words and their cue after them ('Medical
    facilities were overwhelmed by the 1918 pandemic "We have very little information," says Dr
    Morens'): the cue reports the quotation next to it; the words before it (a caption, the
    reporter's) are not its."""
    if attribution is None or attribution.cue.start < end:
        return False
    return any(end <= mark_start(text, s) and e <= attribution.cue.start for s, e in quoted)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _tagged_quotes(
    article, analysis, parse, quoted, entity_names, direct: Sequence[Quote], proposals: Sequence[Proposal]
) -> list[Quote]:
    """Attributions the trained tagger finds outside the quotation marks the rules handled:
    reported speech, beliefs and findings ("polls show ...", "X believes ...")."""
    taken = [piece for q in direct for piece in _pieces(q)]
    found: list[Quote] = []
    for proposal in proposals:
        start, end = _proposal_extent(article.text, proposal)
        if end <= start or any(s < end and start < e for s, e in taken):
            continue
        if not _names_something(parse, start, end):
            continue  # "called for one": an attribution, but nothing a briefing could show
        attribution = _proposal_attribution(parse, proposal)
        if _act_over_a_report(attribution, proposal, proposals, start, end):
            continue
        start, end = _within_relative_clause(article.text, parse, start, end, attribution)
        start = _past_cue_modifiers(article.text, parse, start, end, attribution)
        if start == 0 or article.text[start - 1] == "\n":
            start += _dateline_length(article.text[start:end])
        end = _before_next_quote(
            article.text, quoted, start, _without_dangling_word(article.text, parse, start, end)
        )
        if (
            end <= start
            or _an_act_not_words(parse, start, end, attribution)
            or _terms_of_speaking(article.text, start, end, attribution)
            or _quotation_between(article.text, quoted, end, attribution)
        ):
            continue
        first_token = parse.tokens[parse.token_at(start)]
        previous = next(
            (
                q
                for q in reversed(sorted(found + list(direct), key=lambda q: q.start))
                if q.start < start and q.speaker
            ),
            None,
        )
        gap = (
            first_token.sent - parse.tokens[parse.token_at(previous.start)].sent
            if previous is not None
            else 10
        )
        kind = "mixed" if any(s < end and start < e for s, e in quoted) else "indirect"
        quote = _make_quote(
            article, analysis, parse, start, end, kind, attribution, entity_names, previous, gap
        )
        if quote.speaker_span is None:
            # Content the tagger could pin on nobody is no attribution for a briefing (and on
            # held-out train, dropping it raised speaker accuracy 0.81 -> 0.86 for -0.02 F1).
            continue
        pieces = _around_attribution(article.text, parse, proposal, attribution, start, end)
        if len(pieces) > 1:
            quote = replace(
                quote, parts=tuple(Span(article_id=article.id, start=s, end=e) for s, e in pieces)
            )
        elif pieces[0] != (start, end):
            s, e = pieces[0]
            quote = replace(quote, start=s, end=e, text=article.text[s:e])
        found.append(quote)
        taken.extend(pieces)
    return found


def _names_something(parse: ParseIndex, start: int, end: int) -> bool:
    """Whether content is more than a lone pronoun or number: one word is kept when it names
    someone or something ("Reid blasted Rubio", "denied the allegations")."""
    words = [parse.tokens[i] for i in parse.token_range(start, end) if parse.tokens[i].pos != "PUNCT"]
    return len(words) > 1 or bool(words) and words[0].pos in ("PROPN", "NOUN")


def _around_attribution(
    text: str, parse: ParseIndex, proposal: Proposal, attribution: Attribution | None, start: int, end: int
) -> list[tuple[int, int]]:
    """The content as pieces when its own attribution interrupts it ("The plant supplies a
    fifth of the power, officials say, and they blame the rain"), so that neither the cue nor
    the speaker is shown as what was said. A verbless piece that only modifies the cue ("During
    the call, Xi told him that ...") is the telling's circumstance, not content, and is left out."""
    if attribution is None or not start < attribution.cue.start < end:
        return [(start, end)]
    cue = attribution.cue
    sides = _beside(proposal.content, cue.start, cue.end)
    if len(sides) > 1 and _complement_after(parse, cue):
        # "In Mexico, [the only country to have suffered deaths], the government ... says
        # [1,300 people are in hospital]": a cue with its own clause after it reports that
        # clause; the words before it are the reporter's
        sides = sides[1:]
    pieces = []
    for side in sides:
        s, e = _trim(text, max(start, side[0][0]), min(end, side[-1][1]))
        if e <= s:
            continue
        ids = parse.token_range(s, e)
        roots = [i for i in ids if parse.tokens[i].head not in ids or parse.tokens[i].head == i]
        verbless = not any(parse.tokens[i].pos in ("VERB", "AUX") for i in ids)
        if verbless and all(parse.tokens[i].head == cue.i != i for i in roots):
            continue
        pieces.append((s, e))
    return pieces or [(start, end)]


def _complement_after(parse: ParseIndex, cue: Token) -> bool:
    """Whether the cue governs a clausal complement that follows it ("says [1,300 people are
    in hospital]"), as opposed to a cue that interrupts the words it reports ("The plant, officials
    say, supplies ...")."""
    return any(
        parse.tokens[c].dep == "ccomp" and parse.subtree(c)[0] > cue.i for c in parse.children.get(cue.i, ())
    )


def _within_relative_clause(
    text: str, parse: ParseIndex, start: int, end: int, attribution: Attribution | None
) -> tuple[int, int]:
    """Content of a cue in a relative clause ends with the clause: in "Varga, who negotiated
    the text, welcomed the outcome", "welcomed the outcome" is not what the clause reports."""
    if attribution is None or attribution.cue.dep != "relcl":
        return start, end
    clause_end = parse.tokens[parse.subtree(attribution.cue.i)[-1]].end
    return _trim(text, start, min(end, clause_end))


def _terms_of_speaking(text: str, start: int, end: int, attribution: Attribution | None) -> bool:
    """Whether the content only says how the source spoke ("asked not to be named", "spoke
    anonymously to discuss ...")."""
    return (
        bool(_ANONYMITY.match(text, start, end))
        or attribution is not None
        and bool(_ANONYMOUSLY.search(text, attribution.cue.start, start))
    )


def _act_over_a_report(
    attribution: Attribution | None, proposal: Proposal, proposals: Sequence[Proposal], start: int, end: int
) -> bool:
    """A cue of doing whose content is another attribution ("agreed ... - a deal that diplomats
    described as a breakthrough"): the tagger missed what was agreed; the report inside stays."""
    return (
        attribution is not None
        and attribution.cue.lemma.lower() in ACT_LEMMAS
        and any(
            other is not proposal and other.cue is not None and start <= other.cue[0] < end
            for other in proposals
        )
    )


def _without_dangling_word(text: str, parse: ParseIndex, start: int, end: int) -> int:
    """Content that stops on the word opening the next clause ("a 12-point plan that") ends
    before it."""
    ids = parse.token_range(start, end)
    last = parse.tokens[ids[-1]]
    if len(ids) > 1 and (last.lemma.lower() in RELATIVES or last.pos in ("CCONJ", "SCONJ")):
        return _trim(text, start, parse.tokens[ids[-2]].end)[1]
    return end


def _before_next_quote(text: str, quoted: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """Content that runs into the opening mark of the next quote ("... too objectionable to
    support. ''He's not ...") ends before the mark."""
    for quote_start, _ in quoted:
        mark = mark_start(text, quote_start)
        if start < mark < end <= quote_start:
            return _trim(text, start, mark)[1]
    return end


def _past_cue_modifiers(
    text: str, parse: ParseIndex, start: int, end: int, attribution: Attribution | None
) -> int:
    """Where the content starts once the words that only say when the cue happened are left
    out ("agreed [on Monday] to inspect the dam"). Only time: other phrases on the cue often are
    the content ("described [as impossible]"; held-out train: content F1 -0.002 with them)."""
    if attribution is None:
        return start
    cue = attribution.cue.i
    ids = parse.token_range(start, end)
    i = ids.start
    while i < ids.stop:
        token = parse.tokens[i]
        head = parse.tokens[token.head]
        subtree = parse.subtree(i)
        if (
            token.dep in ("prep", "pobj", "npadvmod")
            and head.i != token.i
            and (head.i == cue or head.dep == "prep" and head.head == cue)
            and any(parse.tokens[k].lemma.lower() in _TIME_WORDS for k in subtree)
        ):
            i = subtree[-1] + 1
        elif token.pos == "PUNCT" and i > ids.start:
            i += 1
        else:
            break
    return start if i >= ids.stop else max(start, parse.tokens[i].start)


def _an_act_not_words(parse: ParseIndex, start: int, end: int, attribution: Attribution | None) -> bool:
    """Whether a tagged attribution, its content without a verb, reports no words: a cue of
    doing ("signed the 30-year treaty", "agreed to a joint inspection") or a negated cue ("did
    not comment on the agreement"). PolNeAR marks some of these, but a briefing that lists them
    under who said what misleads its reader. Only these: dropping verbless content after any
    cue but a speech verb cost 0.04 content F1 on held-out train ("X opposes the bill"); these
    cost 0.001."""
    if attribution is None:
        return False
    cue = attribution.cue
    verb = parse.tokens[cue.head] if cue.dep in ("aux", "neg") else cue  # "did not comment"
    negated = any(parse.tokens[c].dep == "neg" for c in parse.children.get(verb.i, ()))
    if not negated and cue.lemma.lower() not in ACT_LEMMAS:
        return False
    return not any(parse.tokens[i].pos in ("VERB", "AUX") for i in parse.token_range(start, end))


def _proposal_attribution(parse: ParseIndex, proposal) -> Attribution | None:
    """The cue and speaker of a tagged proposal: the tagged source, else the cue's subject in
    the parse ("according to X" -> X)."""
    if proposal.cue_token is None:
        return None
    cue = parse.tokens[proposal.cue_token]
    cue_ids = parse.token_range(*proposal.cue)
    while cue.pos == "ADV" and cue.i + 1 in cue_ids:
        cue = parse.tokens[cue.i + 1]  # "nonetheless described": the verb is the cue
    if proposal.source is not None:
        speaker, head = source_phrase(parse, *proposal.source)
        if undergoes(parse, cue_ids, head):
            return agent_attribution(parse, cue_ids)
        if not _says_when_or_how(head):
            return Attribution(
                cue=cue, speaker=speaker, head=head, confidence=DEFAULTS.quotes.tagged_source, scope=speaker
            )
    if is_according(cue):
        return according(parse, cue)
    if passive_verbs(parse, cue_ids):
        return agent_attribution(parse, cue_ids)
    return attributed(parse, cue, subject_of(parse, cue), DEFAULTS.quotes.cue_subject)


def _says_when_or_how(head: Token) -> bool:
    """Whether a tagged source is a time or a prepositional phrase ("who last year threatened",
    "who through his office declined"): the cue's subject in the parse speaks instead."""
    return head.pos == "ADP" or head.lemma.lower() in _TIME_WORDS


def _tagged_attribution(
    parse: ParseIndex, proposals: Sequence[Proposal], tokens: range
) -> Attribution | None:
    """The tagger's cue and source, in the quote's own sentences, for quoted words the rules
    found no speech verb for ("“...,” the nominee riffed"). A cue in another sentence is left
    to the rule that a quote opening its paragraph continues the last speaker."""
    start, end = parse.tokens[tokens.start].start, parse.tokens[tokens[-1]].end
    sentences = range(parse.tokens[tokens.start].sent, parse.tokens[tokens[-1]].sent + 1)
    for proposal in proposals:
        if (
            proposal.cue_token is not None
            and proposal.source is not None
            and parse.tokens[proposal.cue_token].sent in sentences
            and any(s < end and start < e for s, e in proposal.content)
        ):
            return _proposal_attribution(parse, proposal)
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    return start, end


def _tagged_source(
    parse: ParseIndex,
    attribution: Attribution | None,
    spans: Sequence[TaggedSpan],
    quoted: Sequence[tuple[int, int]],
) -> Attribution | None:
    """A speech verb the parse gave no subject ("Sanders, meanwhile, who sits ..., said"; "Of
    Carson, Levine said") takes the source the tagger marks nearest to it in its sentence."""
    if attribution is None or attribution.speaker is not None:
        return attribution
    cue = attribution.cue
    sources = [
        s for s in spans if s.label == "SOURCE" and s.sent == cue.sent and not within_spans(s.start, quoted)
    ]
    if not sources:
        return attribution
    source = min(sources, key=lambda s: min(abs(s.first - cue.i), abs(s.last - cue.i)))
    speaker, head = source_phrase(parse, source.start, source.end)
    if _says_when_or_how(head):
        return attribution
    return Attribution(
        cue=cue,
        speaker=speaker,
        head=head,
        confidence=attribution.confidence - DEFAULTS.quotes.nearest_source_penalty,
        scope=speaker,
    )


def _direct_or_mixed(text: str, start: int) -> str:
    """A quote that opens its sentence or follows "said:" / "said," is direct; a quoted
    fragment inside reported words is mixed."""
    before = text[: mark_start(text, start)].rstrip(" \t")
    if not before or before[-1] in '\n.!?:,”"—–':
        return "direct"
    return "mixed"


def _mention_in(analysis: Analysis, start: int, end: int) -> Mention | None:
    found = [m for m in analysis.mentions if m.start < end and start < m.end and m.entity_id]
    found.sort(key=lambda m: (m.label != "PERSON", m.label not in ("ORG", "NORP", "GPE"), -m.end))
    return found[0] if found else None


def _cue_end(parse: ParseIndex, cue: Token) -> int:
    """Where the cue ends: an auxiliary the tagger took for the cue ("Russia has denied",
    "officials have been calling") runs on to the verb it serves, so that a reader sees the
    verb and its stance, not "has"; "was" runs on to the adjective it links ("he was skeptical
    about ...")."""
    if cue.pos == "AUX" and cue.head == cue.i:
        stance = next(
            (
                parse.tokens[c]
                for c in parse.children.get(cue.i, ())
                if parse.tokens[c].dep == "acomp" and 0 < c - cue.i <= 3
            ),
            None,
        )
        return stance.end if stance is not None else cue.end
    if cue.pos != "AUX" or cue.head <= cue.i or cue.head - cue.i > 3:
        return cue.end
    verb = parse.tokens[cue.head]
    return verb.end if verb.pos == "VERB" and verb.sent == cue.sent else cue.end


def _make_quote(
    article, analysis, parse, start, end, kind, attribution, entity_names, previous, sentence_gap
) -> Quote:
    text = article.text[start:end]
    quote_id = "q-" + hashlib.sha1(f"{article.id}:{start}:{end}".encode()).hexdigest()[:10]
    base = dict(id=quote_id, article_id=article.id, start=start, end=end, text=text, kind=kind)
    if attribution is None:
        return Quote(**base, confidence=DEFAULTS.quotes.unattributed)
    relative = _antecedent(parse, attribution)
    if relative is not attribution:
        # The source as written is the relative pronoun (as PolNeAR marks it); the speaker is
        # the noun it stands for.
        quote = _make_quote(
            article, analysis, parse, start, end, kind, relative, entity_names, previous, sentence_gap
        )
        s_start, s_end = attribution.speaker
        return replace(quote, speaker_span=Span(article_id=article.id, start=s_start, end=s_end))
    cue = attribution.cue
    cue_end = _cue_end(parse, cue)
    surface = article.text[cue.start : cue_end]
    # spaCy lemmatizes "according" to "accord" or leaves it: the words decide
    cue_word = "according to" if surface.lower() == "according" else surface
    cue_span = Span(article_id=article.id, start=cue.start, end=cue_end)
    if attribution.sourceless:
        return Quote(**base, cue=cue_word, cue_span=cue_span, confidence=attribution.confidence)
    if attribution.speaker is None:
        # The parse missed the subject ("Vesely" read as an adverb); a name right next to the
        # cue ("Vesely said", "said Vesely") is the speaker: a mention, else the surname of the
        # one person of that name the article introduced.
        mention, at = _adjacent_name(analysis, article.text, cue), None
        if mention is None:
            mention, at = _adjacent_surname(article.text, parse, analysis, cue)
        if mention is None:
            return Quote(**base, cue=cue_word, cue_span=cue_span, confidence=DEFAULTS.quotes.unattributed)
        start, end = (at.start, at.end) if at is not None else (mention.start, mention.end)
        return Quote(
            **base,
            cue=cue_word,
            cue_span=cue_span,
            speaker=entity_names.get(mention.entity_id, mention.text),
            speaker_entity_id=mention.entity_id,
            speaker_span=Span(article_id=article.id, start=start, end=end),
            confidence=round(attribution.confidence - DEFAULTS.quotes.adjacent_name_penalty, 2),
        )
    s_start, s_end = attribution.speaker
    speaker_span = Span(article_id=article.id, start=s_start, end=s_end)
    speaker_text = article.text[s_start:s_end]
    confidence = attribution.confidence
    if attribution.head is not None and attribution.head.lemma.lower() in PRONOUNS and s_end - s_start <= 4:
        # "Zelensky has made it plain that he was hoping ..."; "Ms. Varga struck a conciliatory
        # note. She said ...": see `storyline.quotes.pronouns`
        found = resolve_pronoun(
            article.text,
            analysis,
            parse,
            attribution.head,
            previous,
            sentence_gap,
            find_quoted_spans(article.text),
            (start, end),
        )
        if found is None:
            return Quote(
                **base,
                cue=cue_word,
                cue_span=cue_span,
                speaker_span=speaker_span,
                confidence=DEFAULTS.quotes.unattributed,
            )
        if isinstance(found, Quote):
            return Quote(
                **base,
                cue=cue_word,
                cue_span=cue_span,
                speaker=found.speaker,
                speaker_entity_id=found.speaker_entity_id,
                speaker_span=speaker_span,
                confidence=round(confidence - DEFAULTS.quotes.pronoun_penalty, 2),
            )
        penalty = DEFAULTS.quotes.pronoun_penalty
        if isinstance(found, Named):
            found, penalty = found.mention, DEFAULTS.quotes.previous_person_penalty
        return Quote(
            **base,
            cue=cue_word,
            cue_span=cue_span,
            speaker=entity_names.get(found.entity_id or "", found.text),
            speaker_entity_id=found.entity_id,
            speaker_span=speaker_span,
            confidence=round(confidence - penalty, 2),
        )
    joint = _joint_speakers(article.text, analysis, s_start, s_end, entity_names)
    if joint is not None and attribution.head is not None:
        # "a 2014 study by Harvard and Berkeley found": the study speaks, not the two named in it
        first = min(
            (m for m in analysis.mentions if m.label in ("PERSON", "ORG") and s_start <= m.start < s_end),
            key=lambda m: m.start,
        )
        if _named_about_the_head(parse, first, attribution.head):
            joint = None
    if joint is not None:
        # "Ilse Varga and Radek Vesely said": both speak, neither alone (typed here, so that
        # `type_speakers` does not take the phrase's head for the one speaker).
        names, label = joint
        return Quote(
            **base,
            cue=cue_word,
            cue_span=cue_span,
            speaker=names,
            speaker_span=speaker_span,
            speaker_type="person" if label == "PERSON" else "organization",
            confidence=confidence,
        )
    mention = _mention_in(analysis, s_start, s_end)
    head = attribution.head
    if head is not None and mention is not None and not mention.start <= head.start < mention.end:
        # "Ilse Varga and Radek Vesely said": the phrase's head is the first conjunct.
        mention = _mention_in(analysis, head.start, head.end) or mention
        if not mention.start <= head.start < mention.end and _named_about_the_head(parse, mention, head):
            # "an on-line magazine close to ... Gianfranco Fini criticised", "The lawyer
            # accusing Dr Murray says": the magazine, the lawyer speaks, not the one named
            mention = None
    if head is not None and mention is not None and _possessor(parse, mention, head):
        # "Kovalenk's government argues": the government speaks, not Kovalenk.
        mention = None
    elif (mention is None or mention.label != "PERSON") and attribution.scope is not None:
        in_scope = _mention_in(analysis, *attribution.scope)
        if (
            in_scope is not None
            and in_scope.label == "PERSON"
            and (head is None or _in_apposition(parse, in_scope, head))
        ):
            mention = in_scope
    if (
        mention is not None
        and mention.label == "PERSON"
        or (mention is not None and mention.start <= s_start + 4 and mention.end >= s_end - 1)
    ):
        return Quote(
            **base,
            cue=cue_word,
            cue_span=cue_span,
            speaker=entity_names.get(mention.entity_id, mention.text),
            speaker_entity_id=mention.entity_id,
            speaker_span=speaker_span,
            confidence=confidence,
        )
    # A description ("a senior Chinese diplomat"): reported as written, not linked to a person.
    return Quote(
        **base,
        cue=cue_word,
        cue_span=cue_span,
        speaker=_tidy(speaker_text),
        speaker_span=speaker_span,
        confidence=round(confidence - DEFAULTS.quotes.description_penalty, 2),
    )


def _joint_speakers(
    text: str, analysis: Analysis, start: int, end: int, entity_names: Mapping[str, str]
) -> tuple[str, str] | None:
    """The names of the people (or the bodies) a speaker phrase joins ("Estrian Water Minister
    Ilse Varga and Karvonian Water Minister Radek Vesely"), and their label: two or more named
    with "and" before the last and only commas between the others (read from the text: the
    parse often hangs the second name elsewhere)."""
    named = sorted(
        (m for m in analysis.mentions if m.label in ("PERSON", "ORG") and start <= m.start and m.end <= end),
        key=lambda m: m.start,
    )
    # people or bodies together ("GlaxoSmithKline Plc and Roche Holding AG have both said", a
    # company by its suffix whatever the recognizer typed it), never one of each: a person and
    # the body named with them is a phrase about one of them
    labels = ["ORG" if m.label == "ORG" or organization_by_form(m.text) else "PERSON" for m in named]
    people = named if len(set(labels)) == 1 else []
    if len({m.entity_id or m.text for m in people}) < 2:
        return None
    gaps = [text[a.end : b.start].strip() for a, b in zip(people, people[1:], strict=False)]
    if not re.match(r",? ?and\b", gaps[-1]) or any(
        not g.startswith(",") or "who" in g.split() for g in gaps[:-1]
    ):
        return None
    names = [entity_names.get(m.entity_id or "", m.text) for m in people]
    return ", ".join(names[:-1]) + " and " + names[-1], labels[0]


def _in_apposition(parse: ParseIndex, mention: Mention, head: Token) -> bool:
    """Whether a person named in the subject names the subject itself ("a spokesman, Jon
    Brandt,", "Minister Ilse Varga"), not someone in a clause about it ("Ilse Varga, who met
    Radek Vesely, said")."""
    ids = parse.token_range(mention.start, mention.end)
    root = next((parse.tokens[i] for i in ids if parse.tokens[i].head not in ids), None)
    while root is not None and root.i != head.i:
        if root.dep not in ("appos", "compound", "flat", "npadvmod") or root.head == root.i:
            return False
        root = parse.tokens[root.head]
    return root is not None


def _antecedent(parse: ParseIndex, attribution: Attribution) -> Attribution:
    """The attribution with the noun a relative pronoun speaks for as its speaker ("farmers'
    groups, who fear ...", "Ukraine, which had been seeking ..."), never whoever the pronoun
    would otherwise be taken for; any other attribution as it is."""
    head = attribution.head
    if head is None or head.lemma.lower() not in RELATIVES:
        return attribution
    verb = parse.tokens[head.head]
    if verb.dep != "relcl" or verb.head == verb.i:
        return attribution
    noun = parse.tokens[verb.head]
    return attributed(parse, attribution.cue, (phrase(parse, noun.i), noun), attribution.confidence)


def _named_about_the_head(parse: ParseIndex, mention: Mention, head: Token) -> bool:
    """Whether a person named in the speaker phrase only says something of its head, a common
    noun ("a resident [of Shubra]", "the lawyer [accusing Dr Murray]", "a magazine [close to]
    ... Fini"): then the head speaks, not the one named. A name in apposition to the head is
    the head ("Michael Jackson's doctor, Conrad Murray"); a proper noun the parse took for the
    head ("House committee on energy and commerce chairman Henry Waxman") decides nothing."""
    return head.pos == "NOUN" and not _in_apposition(parse, mention, head)


def _possessor(parse: ParseIndex, mention: Mention, head: Token) -> bool:
    """Whether the mention only owns or names the speaker phrase's head noun ("Kovalenk's
    government", "the Biden administration", "Obama's lawyers"): then the head speaks."""
    return head.pos == "NOUN" and any(
        parse.tokens[i].dep in ("poss", "compound") and parse.tokens[i].head == head.i
        for i in parse.token_range(mention.start, mention.end)
    )


def _adjacent_name(analysis: Analysis, text: str, cue: Token) -> Mention | None:
    for m in analysis.mentions:
        if m.label not in ("PERSON", "ORG") or not m.entity_id:
            continue
        if m.end <= cue.start and not text[m.end : cue.start].strip(" ,"):
            return m
        if m.start >= cue.end and not text[cue.end : m.start].strip(" ,"):
            return m
    return None


def _adjacent_surname(
    text: str, parse: ParseIndex, analysis: Analysis, cue: Token
) -> tuple[Mention | None, Token | None]:
    for i in (cue.i - 1, cue.i + 1):
        if not 0 <= i < len(parse.tokens) or parse.tokens[i].sent != cue.sent:
            continue
        token = parse.tokens[i]
        word = text[token.start : token.end]
        if word.isalpha() and word.istitle():
            person = named_by_surname(analysis, word.lower())
            if person is not None:
                return person, token
    return None, None


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,")


def _continues_previous(text: str, start: int, previous: Quote, sentence_gap: int) -> bool:
    """A quote that opens its own paragraph right after a paragraph quoting someone continues
    that speaker's words (news style)."""
    paragraph_start = text.rfind("\n", 0, start) + 1
    if previous.end >= paragraph_start and sentence_gap <= 1:
        return True  # a second quote in the same paragraph, right after the attributed one
    if text[paragraph_start : mark_start(text, start)].strip():
        return False
    gap = text[previous.end : paragraph_start]
    return sentence_gap <= 3 and gap.count("\n\n") <= 1


def _someone_named_since(analysis: Analysis, parse: ParseIndex, previous: Quote, start: int) -> bool:
    """Whether a person other than the previous speaker is named between the previous quote's
    attribution and `start` ('"...," Smith said. Jones disagreed. "..."'): the next quote may
    be theirs, so it is nobody's rather than a guess."""
    after = max([previous.end] + [s.end for s in (previous.cue_span, previous.speaker_span) if s])
    # from the next sentence: one in the attribution's own ("said a student named Mohammed")
    # is the speaker described
    sentence = analysis.sentences[parse.tokens[parse.token_at(after - 1)].sent]
    words = {w.lower() for w in (previous.speaker or "").replace(".", " ").split()}
    return any(
        m.label == "PERSON"
        and max(after, sentence.end) <= m.start < start
        and not (previous.speaker_entity_id and m.entity_id == previous.speaker_entity_id)
        and not {w.lower() for w in m.text.split()} <= words
        for m in analysis.mentions
    )


def _carry_over(quote: Quote, previous: Quote) -> Quote:
    return Quote(
        id=quote.id,
        article_id=quote.article_id,
        start=quote.start,
        end=quote.end,
        text=quote.text,
        kind="direct",
        cue=previous.cue,
        cue_span=previous.cue_span,
        speaker=previous.speaker,
        speaker_entity_id=previous.speaker_entity_id,
        speaker_span=previous.speaker_span,
        confidence=DEFAULTS.quotes.carried_over,
    )


# A wire story's dateline opening its first paragraph: "VALMORA, Estria - ", "KYIV (Reuters) — ".
_DATELINE = re.compile(r"[A-Z][A-Z.'’ -]{2,}(?:, [A-Z][\w.’' ]{1,40})?(?: \([\w .]{2,30}\))? [-–—]+ ")


def _dateline_length(content: str) -> int:
    found = _DATELINE.match(content)
    return found.end() if found and found.end() < len(content) else 0


_TIME_WORDS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
morning afternoon evening night day week weekend month year
""".split()
)
# "..., who asked not to be named because ...": the terms of speaking, not what was said.
_ANONYMITY = re.compile(
    r"(?:not to be (?:named|identified|quoted)|anonymity|to remain anonymous|"
    r"(?:(?:he|she|they|i|we) (?:was|were|is|are) )?not authori[sz]ed to "
    r"(?:speak|discuss|comment|talk))\b",
    re.IGNORECASE,
)
_ANONYMOUSLY = re.compile(r"\b(?:anonymously|condition of anonymity)\b", re.IGNORECASE)
_THAT = re.compile(r"^(?:that|,)\s+", re.IGNORECASE)


def _indirect_quotes(article, analysis, parse, quoted, entity_names, direct: Sequence[Quote]) -> list[Quote]:
    """Reported speech without quotation marks: a reporting verb with a clausal complement."""
    found: list[Quote] = []
    covered = [piece for q in direct for piece in _pieces(q)]
    previous = None
    for token in parse.tokens:
        if is_according(token) and not within_spans(token.start, quoted):
            quote = _according_report(article, analysis, parse, token, covered + quoted, entity_names)
            if quote is not None:
                covered.append((quote.start, quote.end))
                found.append(quote)
            continue
        lemma = token.lemma.lower()
        if (lemma not in REPORTING_LEMMAS and lemma not in INTENT_LEMMAS) or token.pos != "VERB":
            continue
        if within_spans(token.start, quoted):
            continue
        lemma = token.lemma.lower()
        clauses = [
            c
            for c in parse.children.get(token.i, ())
            if parse.tokens[c].dep == "ccomp" or (parse.tokens[c].dep == "xcomp" and lemma in INTENT_LEMMAS)
        ]
        # "Al-Banna was assassinated soon afterwards -- his supporters claimed he had been
        # killed ...": a clause after the verb is what it reports; one before it then is the
        # reporter's, however the parse hung it
        clause = next((c for c in clauses if c > token.i), clauses[0] if clauses else None)
        if clause is None:
            continue
        subtree = parse.subtree(clause)
        start, end = parse.tokens[subtree[0]].start, parse.tokens[subtree[-1]].end
        if any(s < end and start < e for s, e in covered + quoted):
            continue
        content = article.text[start:end]
        trimmed = _THAT.sub("", content)
        start += len(content) - len(trimmed)
        start, end = _trim(article.text, start, end)
        end = end - 1 if article.text[end - 1] in ".;" else end
        if len(article.text[start:end].split()) < 4 or any(
            end <= mark_start(article.text, s) and e <= token.start for s, e in quoted
        ):
            continue  # too short, or a quotation stands between the clause and its verb
        speaker = subject_of(parse, token)
        if speaker is not None and speaker[1].dep == "nsubjpass":
            continue  # "the parliament is expected to vote": the subject expects nothing
        attribution = attributed(parse, token, speaker, DEFAULTS.quotes.reported_clause)
        quote = _make_quote(
            article, analysis, parse, start, end, "indirect", attribution, entity_names, previous, 1
        )
        if quote.speaker is None:
            continue  # "too early to predict if ..." reports nobody's words
        covered.append((quote.start, quote.end))
        found.append(quote)
        previous = quote
    return found


def _according_report(article, analysis, parse, token, taken, entity_names) -> Quote | None:
    """ "..., according to X" without quotation marks: the rest of the sentence is X's report."""
    attribution = according(parse, token)
    if attribution is None or attribution.speaker is None:
        return None
    sentence = analysis.sentences[token.sent] if 0 <= token.sent < len(analysis.sentences) else None
    if sentence is None:
        return None
    phrase = parse.subtree(token.i)
    p_start, p_end = parse.tokens[phrase[0]].start, parse.tokens[phrase[-1]].end
    before = _trim(article.text, sentence.start, p_start)
    after = _trim(article.text, p_end, sentence.end)
    while after[0] < after[1] and article.text[after[0]] in ",;:—– ":
        after = (after[0] + 1, after[1])  # "According to X, Y ...": the report is Y
    start, end = max((before, after), key=lambda span: span[1] - span[0])
    end = end - 1 if end > start and article.text[end - 1] in ".;" else end
    if len(article.text[start:end].split()) < 4 or any(s < end and start < e for s, e in taken):
        return None
    return _make_quote(article, analysis, parse, start, end, "indirect", attribution, entity_names, None, 1)
