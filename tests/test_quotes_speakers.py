"""The speaker phrase's head, found by bisection over the tokens."""

from __future__ import annotations

import pytest

from storyline.models import Analysis, Mention, Quote, Span, Token
from storyline.quotes.speakers import _head, type_speakers

TEXT = "Officials at the oil company said the well was capped."


def _analysis() -> Analysis:
    heads = [5, 0, 4, 4, 1, 5, 7, 9, 9, 5, 5]  # a hand-made parse; "said" is the root
    words, tokens, offset = TEXT[:-1].split() + ["."], [], 0
    for i, word in enumerate(words):
        start = TEXT.index(word, offset)
        offset = start + len(word)
        tokens.append(
            Token(
                i=i,
                start=start,
                end=offset,
                lemma=word.lower(),
                pos="X",
                tag="NN",
                dep="dep",
                head=heads[i],
                sent=0,
            )
        )
    return Analysis(article_id="a", sentences=(), tokens=tuple(tokens), mentions=())


def _linear_head(analysis: Analysis, span: Span) -> Token | None:
    inside = [t for t in analysis.tokens if span.start <= t.start and t.end <= span.end]
    ids = {t.i for t in inside}
    heads = [t for t in inside if t.head not in ids or t.head == t.i]
    return heads[-1] if heads else (inside[-1] if inside else None)


def test_head_by_bisection_is_the_head_a_scan_finds():
    analysis = _analysis()
    starts = [t.start for t in analysis.tokens]
    for start in range(len(TEXT) + 1):
        for end in range(start, len(TEXT) + 1):
            span = Span(article_id="a", start=start, end=end)
            quote = Quote(id="q", article_id="a", start=0, end=1, text="x", kind="direct", speaker_span=span)
            assert _head(analysis, starts, quote) == _linear_head(analysis, span), (start, end)
    quote = Quote(
        id="q",
        article_id="a",
        start=0,
        end=1,
        text="x",
        kind="direct",
        speaker_span=Span(article_id="a", start=0, end=28),
    )
    assert _head(analysis, starts, quote).lemma == "officials"


NAMES = "Ilse Varga and Radek Vesely met. Vesely said the dam was safe."


def _names_analysis(with_vesely: bool = True) -> Analysis:
    words, tokens, offset = NAMES.replace(".", " .").split(), [], 0
    for i, word in enumerate(words):
        start = NAMES.index(word, offset)
        offset = start + len(word)
        pos = "ADV" if i == 6 else "PROPN" if word[0].isupper() else "X"  # "Vesely" misread
        tokens.append(
            Token(
                i=i, start=start, end=offset, lemma=word.lower(), pos=pos, tag="NN", dep="dep", head=i, sent=0
            )
        )
    mentions = [
        Mention(article_id="a", start=0, end=10, text="Ilse Varga", label="PERSON", entity_id="e-varga")
    ]
    if with_vesely:
        mentions.append(
            Mention(
                article_id="a", start=15, end=27, text="Radek Vesely", label="PERSON", entity_id="e-vesely"
            )
        )
    return Analysis(article_id="a", sentences=(), tokens=tuple(tokens), mentions=tuple(mentions))


def _quote_by_vesely() -> Quote:
    start = NAMES.index("Vesely said")
    return Quote(
        id="q",
        article_id="a",
        start=start + 12,
        end=len(NAMES) - 1,
        text="the dam",
        kind="indirect",
        speaker="Vesely",
        speaker_span=Span(article_id="a", start=start, end=start + 6),
    )


def test_a_surname_the_recognizer_missed_is_its_person_not_a_role_near_another_name():
    names = {"e-varga": "Ilse Varga", "e-vesely": "Radek Vesely"}
    (typed,) = type_speakers(NAMES, _names_analysis(), [_quote_by_vesely()], names)
    assert typed.speaker == "Radek Vesely" and typed.speaker_entity_id == "e-vesely"
    # With no person of that surname, the name stays as written: never the other minister.
    (typed,) = type_speakers(NAMES, _names_analysis(with_vesely=False), [_quote_by_vesely()], names)
    assert typed.speaker == "Vesely" and typed.speaker_entity_id is None


@pytest.mark.models
def test_bodies_named_or_written_as_organizations_are_not_typed_persons():
    from tests.conftest import make_article

    from storyline.entities import merge_entities
    from storyline.nlp import analyze
    from storyline.quotes.extract import extract_quotes

    article = make_article(
        "Oil spill\n\nBP said the containment cap was working. Germany and Austria reported "
        "cases of the illness on Monday. Mexico's National Autonomous University concluded that "
        "the effect of the spill was limited. GlaxoSmithKline Plc said it was stepping up "
        "production. The Thai PM said the army would stay in its barracks."
    )
    entities, (analysis,) = merge_entities(analyze([article]))
    names = {e.id: e.name for e in entities}
    kinds = {e.id: e.type for e in entities}
    typed = {
        q.text[:20]: q.speaker_type for q in extract_quotes(article, analysis, names, entity_types=kinds)
    }
    assert typed["the containment cap "] == "organization"
    assert typed["cases"] == "organization"
    assert typed["that the effect of t"] == "organization"
    assert typed["it was stepping up p"] == "organization"
    assert typed["the army would stay "] == "person"


def _extracted(text: str) -> list[Quote]:
    """Every quote the extractor finds in an article of `text`, over the real models."""
    from tests.conftest import make_article

    from storyline.entities import merge_entities
    from storyline.nlp import analyze
    from storyline.quotes.extract import extract_quotes

    article = make_article(text)
    entities, (analysis,) = merge_entities(analyze([article]))
    return extract_quotes(article, analysis, {e.id: e.name for e in entities})


@pytest.mark.models
def test_bodies_and_documents_described_in_common_nouns_are_typed_as_such():
    quotes = _extracted(
        "Trial\n\nThe defense said that the singer had given himself the fatal dose. The State "
        "Department's travel warning said that the embassy may close during the protests. The "
        "doctor said that the patient had stopped breathing."
    )
    typed = {q.text[:20]: q.speaker_type for q in quotes}
    assert typed["that the singer had "] == "organization"
    assert typed["that the embassy may"] == "document"
    assert typed["that the patient had"] == "person"


@pytest.mark.models
def test_a_person_named_beside_the_speaker_phrase_is_not_the_speaker():
    speakers = {
        q.text[:20]: q.speaker
        for q in _extracted(
            "Italy\n\nAn online magazine close to the speaker Gianfranco Fini criticised how "
            "women candidates were being chosen for the elections. A resident of Shubra said his "
            "chief concerns were corruption and the price of bread. One of the bodyguards, Alberto "
            "Alvarez, said that the doctor had grabbed a handful of vials.\n\nVeronica Berlusconi, "
            "who has lamented her husband's eye for younger women, said she was angry. Her "
            "72-year-old husband, speaking to reporters in Warsaw, said he was sorry that his wife "
            "had believed the papers."
        )
    }
    # in a phrase about the head, or beside a word for a relative ("her husband")
    assert (speakers.get("how women candidates") or "").startswith("An online magazine")
    assert speakers.get("his chief concerns w") != "Shubra"
    assert speakers.get("that the doctor had ") == "Alberto Alvarez"
    assert (speakers.get("she was angry") or "").endswith("Berlusconi")
    assert speakers.get("he was sorry that hi") == "Her 72-year-old husband"


@pytest.mark.models
def test_bodies_speaking_together_are_all_the_speaker():
    [quote] = [
        q
        for q in _extracted(
            "Flu drugs\n\nBut production could be a problem, although pharmaceutical giants "
            "GlaxoSmithKline Plc and Roche Holding AG have both said they are stepping up production."
        )
        if q.text.startswith("they are stepping up")
    ]
    assert quote.speaker == "GlaxoSmithKline Plc and Roche Holding AG"
    assert quote.speaker_type == "organization"


def _typed_quotes(text: str) -> dict[str, Quote]:
    from tests.test_quotes import _quotes

    return _quotes(text)


@pytest.mark.models
def test_a_role_is_not_linked_to_a_name_that_only_shares_its_sentence():
    quotes = _typed_quotes(
        "Trial\n\nThe defense wanted to show the video when Dr Conrad Murray goes on trial this week, "
        "but the judge says it is not relevant.\n\n"
        'A senior State Department official said Egyptian President Hosni Mubarak "was not '
        'particularly forthcoming" in his speech. "Our initial impression is that he emphasized '
        'security far more than reform," said the official.'
    )
    (judge,) = [q for t, q in quotes.items() if "not relevant" in t]
    assert judge.speaker == "the judge" and judge.speaker_entity_id is None
    (official,) = [q for t, q in quotes.items() if "Our initial impression" in t]
    assert official.speaker == "the official" and official.speaker_entity_id is None


@pytest.mark.models
def test_a_role_beside_its_name_is_still_that_person():
    quotes = _typed_quotes(
        "Ministry\n\nForeign Ministry spokesperson Hua Chunying spoke on Monday. Judge Michael Pastor "
        'opened the session.\n\n"We will not sign," the spokesperson said.\n\n'
        '"The jury must keep an open mind," the judge said.'
    )
    assert quotes["We will not sign"].speaker == "Hua Chunying"
    assert quotes["The jury must keep an open mind"].speaker == "Michael Pastor"


@pytest.mark.models
def test_a_speaker_phrase_naming_its_own_speaker_is_not_someone_named_before():
    quotes = _typed_quotes(
        "Flu\n\nThe death was confirmed by Dr Richard Besser, acting director of the Centers for "
        "Disease Control and Prevention. The assistant director general of the World Health "
        "Organization, Keiji Fukuda, said that the virus was now being transmitted from human to human."
    )
    (fukuda,) = [q for t, q in quotes.items() if "from human to human" in t]
    assert "Besser" not in (fukuda.speaker or "") and "Fukuda" in (fukuda.speaker or "")
