from __future__ import annotations

import pytest
from tests.conftest import make_article

from storyline.entities import merge_entities
from storyline.models import quote_words
from storyline.quotes.extract import extract_quotes, find_quoted_spans


def test_find_quoted_spans_curly_straight_and_unclosed():
    text = 'He said “yes, indeed.” Then "no."\n“An open quote runs on\nNext paragraph.'
    spans = [text[s:e] for s, e in find_quoted_spans(text)]
    assert spans == ["yes, indeed.", "no.", "An open quote runs on"]


def test_find_quoted_spans_mixed_straight_and_curly_marks():
    text = '"It is over,” said Ilse Varga. “We go on,“ she added. "Fine."'
    spans = [text[s:e] for s, e in find_quoted_spans(text)]
    assert spans == ["It is over,", "We go on,", "Fine."]


def test_find_quoted_spans_two_apostrophes_as_a_double_mark():
    text = "''It is over,'' Mr. Varga said of the party's ''last stand.''"
    spans = [text[s:e] for s, e in find_quoted_spans(text)]
    assert spans == ["It is over,", "last stand."]


def _quotes(text: str):
    from storyline.nlp import analyze

    article = make_article(text)
    entities, (analysis,) = merge_entities(analyze([article]))
    names = {e.id: e.name for e in entities}
    return {q.text: q for q in extract_quotes(article, analysis, names)}


@pytest.mark.models
def test_said_x_according_to_and_he_added():
    quotes = _quotes(
        "“The river is ours to share,” said Ilse Varga, the Estrian minister.\n\n"
        "“We will check every gauge,” she added.\n\n"
        "The deal was signed on Tuesday, according to Karvonia Post editor Mila Dorne."
    )
    assert quotes["The river is ours to share"].speaker == "Ilse Varga"
    assert quotes["The river is ours to share"].kind == "direct"
    added = quotes["We will check every gauge"]
    assert added.speaker == "Ilse Varga" and added.cue == "added"


@pytest.mark.models
def test_partial_quote_is_mixed_and_anonymous_source_stays_anonymous():
    quotes = _quotes(
        "Radek Vesely said the talks had been “frank but constructive” and would go on.\n\n"
        "“We will not be lectured,” a senior Karvonian official said."
    )
    (partial,) = [q for q in quotes.values() if "frank but constructive" in q.text]
    assert partial.kind == "mixed" and partial.speaker == "Radek Vesely"
    # The fragment is reported as the whole clause that holds it.
    assert partial.text == "the talks had been “frank but constructive” and would go on"
    anonymous = quotes["We will not be lectured"]
    assert anonymous.speaker == "a senior Karvonian official"
    assert anonymous.speaker_entity_id is None


@pytest.mark.models
def test_indirect_speech_has_a_speaker_and_a_clause():
    quotes = _quotes("Jonas Halder told reporters that the treaty would be ratified within a month.")
    (quote,) = quotes.values()
    assert quote.kind == "indirect" and quote.speaker == "Jonas Halder" and quote.cue == "told"
    assert quote.text == "the treaty would be ratified within a month"


@pytest.mark.models
def test_quote_split_by_its_attribution_keeps_one_speaker():
    quotes = _quotes(
        "Later, Andriy Kovalenko spoke to farmers.\n\n"
        "“No one wants this more than we do,” he wrote on his Telegram channel, adding that any "
        "deal “must be fair to both banks of the river.”"
    )
    assert quotes["No one wants this more than we do"].speaker == "Andriy Kovalenko"
    (second,) = [q for q in quotes.values() if "must be fair to both banks" in q.text]
    assert second.speaker == "Andriy Kovalenko" and second.kind == "mixed"


@pytest.mark.models
def test_speaker_types_and_a_role_resolved_to_the_person_named_nearby():
    quotes = _quotes(
        "Mila Dorne, the Estrian foreign ministry spokesperson, spoke in Vantor on Monday.\n\n"
        "“We will not sign,” the spokesperson said.\n\n"
        "“The gauges are broken,” a senior Karvonian official said on condition of anonymity.\n\n"
        "The Karvonian ministry said the river had risen by a metre.\n\n"
        "A report by the commission found that the dam had been neglected for years."
    )
    role = quotes["We will not sign"]
    assert role.speaker == "Mila Dorne" and role.speaker_type == "spokesperson"
    span = role.speaker_span
    assert span is not None and span.end - span.start == len("the spokesperson")
    anonymous = quotes["The gauges are broken"]
    assert anonymous.speaker_type == "anonymous" and anonymous.speaker_entity_id is None
    by_type = {q.speaker_type for q in quotes.values()}
    assert {"organization", "document"} <= by_type


@pytest.mark.models
def test_quote_interrupted_by_its_attribution_is_one_quote_in_parts():
    from storyline.render.markdown import quote_words

    text = "“The river is ours to share,” Ilse Varga said on Monday, “and we will check every gauge.”"
    quotes = list(_quotes(text).values())
    assert len(quotes) == 1
    (quote,) = quotes
    assert quote.speaker == "Ilse Varga" and quote.kind == "direct"
    pieces = [text[p.start : p.end] for p in quote.parts]
    assert pieces == ["The river is ours to share", "and we will check every gauge."]
    assert quote.text == text[quote.start : quote.end]
    assert quote_words(quote) == "The river is ours to share … and we will check every gauge."


@pytest.mark.models
def test_quote_after_a_colon_paragraph_and_a_statement_saying():
    quotes = _quotes(
        "Later that day, Ilse Varga issued the following statement:\n\n"
        "“We will check every gauge on the river before the vote.”\n\n"
        "Jonas Halder issued a statement saying the deal “is a betrayal of the valley.”"
    )
    assert quotes["We will check every gauge on the river before the vote."].speaker == "Ilse Varga"
    (statement,) = [q for q in quotes.values() if "is a betrayal of the valley" in q.text]
    assert statement.speaker == "Jonas Halder"


@pytest.mark.models
def test_according_to_is_the_cue_whatever_its_lemma(seed_briefing):
    cues = {q.cue for q in seed_briefing.quotes if q.cue and q.cue.lower().startswith("accord")}
    assert cues == {"according to"}


@pytest.mark.models
def test_speaker_after_the_verb_that_follows_the_quote():
    quotes = _quotes(
        "The crowd waited for an hour in the rain.\n\n"
        "“How big is that wall?” asked the boy, who wore a red hat."
    )
    assert quotes["How big is that wall?"].speaker == "the boy"


@pytest.mark.models
def test_adding_hung_inside_the_reported_words_is_the_reporter_s():
    quotes = _quotes(
        "Jonas Halder told reporters that Radek Vesely “had a crazy plan for the valley,” "
        "adding, “He lost every farmer in the valley.”"
    )
    assert quotes["He lost every farmer in the valley."].speaker == "Jonas Halder"


@pytest.mark.models
def test_according_to_after_a_quoted_fragment_names_the_speaker():
    # spaCy lemmatizes this "according" to "accord"; the speaker must still be found
    quotes = _quotes(
        "Environmental groups welcomed the inspection. The reservoir has been filling for a "
        'year, and "every month of delay is another month of salt water creeping up the '
        'delta," according to Lena Kraus, director of the Tarn Basin Alliance.'
    )
    (fragment,) = [q for q in quotes.values() if "every month of delay" in q.text]
    assert fragment.speaker == "Lena Kraus" and fragment.cue == "according to"


@pytest.mark.models
def test_a_relative_pronoun_speaks_for_the_noun_it_describes():
    quotes = _quotes(
        "Radek Vesely met the farmers. The treaty has drawn criticism from farmers' groups in "
        "the Brena valley, who fear they will lose irrigation water in dry summers."
    )
    (fear,) = [q for q in quotes.values() if "irrigation water" in q.text]
    assert fear.speaker == "farmers' groups" and fear.speaker_entity_id is None


@pytest.mark.models
def test_a_surname_the_recognizer_missed_beside_the_cue_is_that_person():
    quotes = _quotes(
        "Karvonian Water Minister Radek Vesely met his Estrian counterpart on Monday.\n\n"
        '"We have released every cubic metre we promised," Vesely said.'
    )
    released = quotes["We have released every cubic metre we promised"]
    assert released.speaker == "Radek Vesely" and released.speaker_type == "person"


@pytest.mark.models
def test_content_interrupted_by_its_attribution_leaves_the_attribution_out():
    text = (
        "The Brena plant supplies about a fifth of Karvonia's electricity, officials in "
        "Dravik say, and they blame the winter's low rainfall for the low water."
    )
    quotes = _quotes(text)
    (said,) = [q for q in quotes.values() if q.cue == "say"]
    pieces = [text[p.start : p.end] for p in said.parts]
    assert len(pieces) == 2 and not any("officials in Dravik" in p for p in pieces)
    assert pieces[0].startswith("The Brena plant supplies")


@pytest.mark.models
def test_two_fragments_in_one_sentence_keep_their_own_speakers():
    quotes = _quotes(
        "Mr. Xi has spoken to Mr. Putin many times. The two men referred to each other as "
        "“dear friends” during the visit, and Mr. Xi praised the Russian President’s "
        "“strong leadership.”"
    )
    friends = next(q for q in quotes.values() if "dear friends" in q.text)
    leadership = next(q for q in quotes.values() if "strong leadership" in q.text)
    assert friends is not leadership
    assert friends.speaker == "The two men" and leadership.speaker == "Xi"


@pytest.mark.models
def test_an_organization_speaks_not_its_owner_and_when_is_not_what_was_agreed():
    quotes = _quotes(
        "VALMORA, Estria - Estria and Karvonia agreed on Monday to inspect the Brena dam "
        "together.\n\nKovalenko's government argues that the dam is essential to the country."
    )
    argued = next(q for q in quotes.values() if q.cue == "argues")
    assert argued.speaker == "Kovalenko's government" and argued.speaker_entity_id is None
    agreed = next(q for q in quotes.values() if q.cue == "agreed")
    assert agreed.text == "to inspect the Brena dam together"


def test_a_wire_dateline_is_not_content():
    from storyline.quotes.extract import _dateline_length

    for text, rest in (
        ("VALMORA, Estria - Estria will send", "Estria will send"),
        ("KYIV (Reuters) — The war went on", "The war went on"),
        ("The US - China talks went on", "The US - China talks went on"),
    ):
        assert text[_dateline_length(text) :] == rest


def test_quote_marks_wrap_direct_words_and_bare_fragments_only():
    from storyline.models import Quote, shown_in_quote_marks

    def quote(text, kind):
        return Quote(id="q", article_id="a", start=0, end=len(text), text=text, kind=kind)

    assert shown_in_quote_marks(quote("We will vote against it", "direct"))
    assert shown_in_quote_marks(quote("dear friends", "mixed"))
    assert not shown_in_quote_marks(quote("the treaty was “a promise kept”", "mixed"))
    assert not shown_in_quote_marks(quote("the talks went well", "indirect"))


@pytest.mark.models
def test_asking_not_to_be_named_is_no_quote():
    quotes = _quotes(
        '"The last comma went in on Sunday night," said an Estrian diplomat, who '
        "asked not to be named because the talks were confidential."
    )
    assert [q.speaker for q in quotes.values()] == ["an Estrian diplomat"]


@pytest.mark.models
def test_a_cue_the_parse_left_without_subject_takes_the_tagged_source():
    quotes = _quotes(
        "Sanders, meanwhile, who sits at zero such endorsements, said that fact speaks volumes "
        'about which of the two candidates is "prepared to lead."\n\n'
        "A White House official who spoke anonymously to discuss internal strategy said "
        'Wednesday, "Certainly there are discussions with the Sanders campaign."'
    )
    (volumes,) = [q for q in quotes.values() if "speaks volumes" in q.text]
    assert volumes.speaker == "Sanders"
    (discussions,) = [q for q in quotes.values() if "discussions" in q.text]
    assert discussions.speaker == "A White House official"
    assert discussions.speaker_type == "anonymous"
    assert not any("internal strategy" in q.text for q in quotes.values())


@pytest.mark.models
def test_a_pronoun_after_its_sentences_subject_is_that_person_not_the_last_speaker():
    quotes = _quotes(
        "“We will talk,” said Chinese leader Xi Jinping.\n\n"
        "Volodymyr Zelensky has made it plain for months that he was hoping to hear from "
        "Mr. Xi, who has been in regular contact with Russian President Vladimir Putin."
    )
    (hoping,) = [q for q in quotes.values() if "to hear from" in q.text]
    assert hoping.speaker == "Volodymyr Zelensky"


@pytest.mark.models
def test_content_does_not_end_on_the_word_opening_the_next_clause():
    quotes = _quotes(
        "The call came after Xi Jinping in February announced intentions to play mediator, "
        "introducing a 12-point plan for peace that was widely rejected by Kyiv."
    )
    assert not any(q.text.endswith(" that") for q in quotes.values())


@pytest.mark.models
def test_a_linking_verb_cue_shows_the_stance_it_links():
    quotes = _quotes(
        "Drew Thompson said the relationship mattered. But he was skeptical about "
        "Beijing truly playing a role in any eventual peace process."
    )
    (doubt,) = [q for q in quotes.values() if "playing a role" in q.text]
    assert doubt.cue == "was skeptical" and doubt.speaker == "Drew Thompson"


@pytest.mark.models
def test_a_pronoun_takes_the_subject_named_since_the_last_quote():
    quotes = _quotes(
        "Mr. Radek Vesely said Karvonia had respected its obligations. “We have released "
        "every cubic metre,” he told the Post.\n\n"
        "Ms. Ilse Varga, who has come under pressure at home, struck a conciliatory note. "
        "She said the river “belongs to the people who live along it.”"
    )
    (river,) = [q for q in quotes.values() if "belongs to the people" in q.text]
    assert river.speaker == "Ilse Varga"


@pytest.mark.models
def test_an_act_is_not_given_the_report_inside_it():
    quotes = _quotes(
        "Estria and Karvonia, whose quarrel over the Tarn river has soured relations between the "
        "two neighbours for a year, agreed on Monday to inspect Karvonia's Brena dam together - "
        "a modest deal that diplomats in both capitals nonetheless described as a breakthrough."
    )
    assert not any(q.cue == "agreed" and "described" in q.text for q in quotes.values())
    assert any(q.cue == "described" for q in quotes.values())


@pytest.mark.models
def test_the_subject_nearest_the_cue_speaks_not_a_dateline_or_a_preposition():
    quotes = _quotes(
        "Valmora (AFP) – Minister Ilse Varga has taken a swipe at her rival's stance on the dam, "
        "saying that “bombastic comments” do more harm than good.\n\n"
        "Of Kovalenko, Brandt, who has given money to the party, said, “He is flat-out scary.”"
    )
    (harm,) = [q for q in quotes.values() if "more harm" in q.text]
    assert harm.speaker == "Ilse Varga"
    (scary,) = [q for q in quotes.values() if "scary" in q.text]
    assert scary.speaker.startswith("Brandt")


@pytest.mark.models
def test_a_long_attribution_after_the_quote_and_a_verb_the_rules_do_not_know():
    quotes = _quotes(
        "The phones rang all day.\n\n"
        '"I am calling from the Varga campaign. How are you today?" Mirek, a retired worker '
        'from a nuclear plant, said pleasantly into the phone. "We are talking to voters."\n\n'
        '"Minister, let me help you out - the answer is no," the party\'s vice-presidential '
        "nominee riffed on the minister's non-answer to whether the dam was safe."
    )
    calling = next(q for q in quotes.values() if q.text.startswith("I am calling"))
    assert calling.speaker == "Mirek" and calling.cue == "said"
    assert "We are talking" in quote_words(calling) or any(
        q.speaker == "Mirek" for q in quotes.values() if "We are talking" in q.text
    )
    (riff,) = [q for q in quotes.values() if "help you out" in q.text]
    assert riff.speaker == "the party's vice-presidential nominee" and riff.cue == "riffed"


@pytest.mark.models
def test_a_one_word_content_is_kept_when_it_names_someone_never_a_pronoun():
    quotes = _quotes(
        "Senate leader Harald Reiter blasted Kovalenk on Tuesday. Estrian President Jonas "
        "Halder has repeatedly called for one."
    )
    assert not any(q.text == "one" for q in quotes.values())
    assert quotes["Kovalenk"].speaker == "Harald Reiter" and quotes["Kovalenk"].cue == "blasted"


@pytest.mark.models
def test_a_parenthetical_speech_verb_speaks_for_the_fragment_not_the_clause_s_subject():
    text = (
        "Ilse Varga spoke after the vote. If politics makes the road ahead too complicated now, "
        'she said, Kovalenk can still pass "a simple reauthorization of the treaty" next year.'
    )
    (treaty,) = [q for q in _quotes(text).values() if "reauthorization" in q.text]
    assert treaty.cue == "said" and treaty.speaker != "Kovalenk"
    assert text[treaty.speaker_span.start : treaty.speaker_span.end] == "she"


@pytest.mark.models
def test_the_subject_of_a_passive_cue_is_talked_about_not_talking():
    quotes = _quotes(
        "Senator Harald Brandt has been criticized for offering vague responses to questions "
        "about the dam. Minister Ilse Varga seemed to imply that the talks would fail. The "
        "treaty was condemned by Henrik Aalto as a betrayal of the river."
    )
    assert not any(q.speaker and "Brandt" in q.speaker for q in quotes.values())
    implied = next(q for q in quotes.values() if "talks would fail" in q.text)
    assert implied.speaker == "Ilse Varga"
    condemned = next(q for q in quotes.values() if q.cue == "was condemned")
    assert condemned.speaker == "Henrik Aalto"


@pytest.mark.models
def test_a_paragraph_opening_with_a_name_and_a_colon_is_that_name_s():
    quotes = _quotes(
        "Kovalenk: ‘We Will Never Ask Permission To Use Our Rivers’\n\n"
        "The minister was interviewed on Sunday.\n\n"
        '"Ilse Varga: Seriously, the inspection is about facts. Nobody gives anything away.\n\n'
        "WASHINGTON: The Senate voted on Monday to fund the inspectors."
    )
    (permission,) = [q for q in quotes.values() if "Permission" in q.text]
    assert permission.speaker == "Kovalenk" and permission.cue == ":"
    (facts,) = [q for q in quotes.values() if "about facts" in q.text]
    assert facts.speaker == "Ilse Varga" and facts.text.startswith("Seriously")
    assert facts.kind == "direct" and permission.kind == "mixed"
    assert not any(q.speaker == "WASHINGTON" for q in quotes.values())


@pytest.mark.models
def test_a_time_or_a_prepositional_phrase_is_never_the_source():
    text = "Kovalenk, who through his office declined to comment on the inspection, left Dravik."
    (declined,) = [q for q in _quotes(text).values() if q.cue == "declined"]
    assert text[declined.speaker_span.start : declined.speaker_span.end] == "who"
    assert declined.speaker == "Kovalenk"


@pytest.mark.models
def test_a_person_named_in_a_clause_about_the_speaker_is_not_the_speaker():
    quotes = _quotes("Ilse Varga, who met Radek Vesely on Monday, said the talks went well.")
    (talks,) = [q for q in quotes.values() if "talks went well" in q.text]
    assert talks.speaker.startswith("Ilse Varga")


@pytest.mark.models
def test_two_people_speaking_together_are_both_the_speaker():
    quotes = _quotes(
        "Estrian Water Minister Ilse Varga and Karvonian Water Minister Radek Vesely said 12 "
        "engineers would inspect the dam next month."
    )
    (engineers,) = [q for q in quotes.values() if "12 engineers" in q.text]
    assert engineers.speaker == "Ilse Varga and Radek Vesely"
    assert engineers.speaker_entity_id is None and engineers.speaker_type == "person"


@pytest.mark.models
def test_whoever_is_told_a_quote_did_not_say_it():
    quotes = _quotes(
        '"We will inspect the dam," said Ilse Varga.\n\n'
        '"The treaty is a betrayal," the minister was told at the meeting.'
    )
    (betrayal,) = [q for q in quotes.values() if "betrayal" in q.text]
    assert betrayal.speaker is None and betrayal.cue == "told"


@pytest.mark.models
def test_a_sentence_announcing_remarks_gives_the_next_paragraph_s_quote_its_speaker():
    quotes = _quotes(
        "Ilse Varga spoke for an hour on Monday.\n\n"
        "Jonas Halder continued his scathing remarks.\n\n"
        '"Eight years ago she was the presumed nominee, and a fellow came along and beat her."'
    )
    (years,) = [q for q in quotes.values() if "Eight years" in q.text]
    assert years.speaker == "Jonas Halder" and years.cue == "continued"


@pytest.mark.models
def test_two_apostrophe_quotes_continue_and_reported_words_stop_before_the_next_mark():
    quotes = _quotes(
        "Ilse Marta Varga, 63, an independent voter raised in Valmora, said she wanted major "
        "change in Dravik, but found Kovalenk too objectionable to support. ''He's not the right "
        "person,'' said Ms. Varga, who works as a secretary. ''I am sick and tired of the old "
        "establishment, but I will vote for Halder."
    )
    sick = next(q for q in quotes.values() if "sick and tired" in q.text)
    assert sick.speaker is not None and sick.speaker.endswith("Varga")
    change = next(q for q in quotes.values() if q.text.startswith("she wanted major change"))
    assert change.text.endswith("to support.")


def test_words_without_a_stop_before_an_attributed_quotation_are_not_its_content():
    from storyline.nlp import analyze
    from storyline.quotes.acts import statements_only

    text = (
        "Flu history\n\nThe pandemic reached Latin America, killing an estimated one million people. "
        'Medical facilities were overwhelmed by the 1918 flu pandemic "We have very little '
        'information about this strain," says Dr David Morens. We had two lineages of the disease '
        'Institute of Allergy "Every species has its own flu," says Professor Howard Markel.'
    )
    article = make_article(text)
    entities, (analysis,) = merge_entities(analyze([article]))
    quotes = extract_quotes(article, analysis, {e.id: e.name for e in entities})
    shown = [q.text for q in statements_only(text, analysis, quotes)]
    assert not [t for t in shown if "Medical facilities" in t or "two lineages" in t]
    assert [t for t in shown if t.startswith("We have very little information")]
