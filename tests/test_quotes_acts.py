"""What a briefing shows as said: statements, never declined speech, actions or pronoun speakers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import make_article

from storyline.entities import merge_entities
from storyline.models import Quote, Span
from storyline.quotes.acts import _tidy_speaker, statements_only
from storyline.quotes.extract import extract_quotes

pytestmark = pytest.mark.models


def _shown(text: str) -> dict[str, object]:
    from storyline.nlp import analyze

    article = make_article(text)
    entities, (analysis,) = merge_entities(analyze([article]))
    names = {e.id: e.name for e in entities}
    quotes = extract_quotes(article, analysis, names)
    return {q.text: q for q in statements_only(article.text, analysis, quotes)}


def _said(shown: dict[str, object], words: str) -> list[object]:
    return [q for text, q in shown.items() if words in text]


def test_declined_and_refused_speech_is_not_what_was_said():
    shown = _shown(
        "Spill response\n\nAdmiral Thad Allen said on Friday that the leak had slowed. "
        "Marcia McNutt declined to confirm that the spill has eclipsed the Exxon Valdez. "
        "The company refused to say whether the cap would hold."
    )
    assert _said(shown, "the leak had slowed")
    assert not _said(shown, "eclipsed the Exxon Valdez")
    assert not _said(shown, "the cap would hold")


def test_negated_and_nobody_speech_is_not_what_was_said():
    shown = _shown(
        "Budget vote\n\nThe finance minister said the budget would pass. "
        "No major party has said it will vote against it. "
        "China has continued to pass up opportunities to publicly criticize Russia's violation "
        "of Ukraine's sovereignty."
    )
    assert _said(shown, "the budget would pass")
    assert not _said(shown, "vote against it")
    assert not _said(shown, "violation of Ukraine")


def test_actions_intentions_and_targets_of_pressure_are_not_statements():
    shown = _shown(
        "Ukraine and China\n\nPresident Volodymyr Zelensky named a former cabinet minister as "
        "Ukraine's new ambassador to Beijing. Pressure mounted on Xi Jinping to denounce the war. "
        "Xi Jinping is introducing a 12-point plan for peace. Analysts see the invasion as "
        "accelerating military cooperation. Zelensky said that Ukraine wanted China among the "
        "guarantors of any deal."
    )
    assert _said(shown, "Ukraine wanted China among the")
    for words in ("former cabinet minister", "denounce the war", "12-point plan", "accelerating"):
        assert not _said(shown, words), words


def test_a_bare_pronoun_is_never_a_speaker_of_reported_speech():
    shown = _shown(
        "Peace plan\n\nIt said the plan would be changed within weeks. "
        "They argued that the ceasefire had failed."
    )
    assert all(q.speaker is not None and q.speaker.lower() not in ("it", "they") for q in shown.values())


def test_an_administration_named_after_a_person_speaks_for_itself():
    shown = _shown(
        "Washington\n\nPresident Joe Biden met his advisers on Monday. "
        "The Biden administration has said that Chinese overtures for peace deserve caution."
    )
    [quote] = _said(shown, "deserve caution")
    assert quote.speaker == "The Biden administration"
    assert quote.speaker_entity_id is None


def test_reported_words_that_open_on_a_comma_or_lack_a_subject_are_left_out():
    shown = _shown(
        "Talks\n\nIt was the first reported high-level conversation between the countries since "
        "March 1, according to Reuters, with pressure growing on Chinese leader Xi Jinping to reach "
        "out to Ukrainian President Volodymyr Zelensky. According to U.S. officials, Xi asked Putin "
        "to delay the invasion. The main goal of Ukraine, Solodkyy said, was to convince Beijing "
        "to maintain its neutrality."
    )
    assert not [q for q in shown.values() if not q.text.strip()[0].isalnum()]
    assert not _said(shown, "with pressure growing")
    assert all(q.text.startswith("The main goal") for q in _said(shown, "was to convince Beijing"))
    [officials] = _said(shown, "Xi asked Putin to delay the invasion")
    assert officials.text.startswith("Xi asked") and officials.speaker == "U.S. officials"


def test_reported_words_stop_where_the_reporters_own_clause_begins():
    shown = _shown(
        "Talks\n\nWang Yi noted that Xi had “comprehensively expounded” on the need for dialogue "
        "and peace talks, but the Chinese diplomat made no new commitments toward mediating the "
        "conflict."
    )
    [quote] = _said(shown, "comprehensively expounded")
    assert quote.text.endswith("dialogue and peace talks")
    assert quote.speaker == "Wang Yi"


def test_quoted_words_with_no_known_speaker_are_not_shown():
    shown = _shown(
        "Protest\n\nThousands marched through the capital on Sunday. "
        '"We will stay until the government falls." '
        'The interior minister said the march was "illegal and dangerous."'
    )
    assert not _said(shown, "We will stay")
    assert all(q.speaker for q in shown.values())
    assert _said(shown, "illegal and dangerous")


def test_mispaired_marks_around_the_reporters_words_are_not_a_quote():
    shown = _shown(
        "Trial\n\nThe defence lawyer spoke to reporters outside the court on Monday. "
        '"My client is innocent, he said. Earlier, the court heard evidence from three '
        'witnesses who saw the car." '
        'The economy is weak," said Anna Berg, an economist at Nordbank. "Prices will rise '
        'further this year," Berg said.'
    )
    assert not _said(shown, "Earlier, the court heard")
    assert not _said(shown, "said Anna Berg")
    travel = _shown(
        'Travel\n\nThe State Department urged citizens to "defer non-essential travel and stay '
        'indoors, the agency added in a written travel alert. The agency warned that roads may close."'
    )
    assert not _said(travel, "the agency added")
    assert all(q.text.lstrip("\"“”' ")[:1].isalnum() for q in shown.values())


def test_a_noun_phrase_is_a_topic_not_what_was_said():
    shown = _shown(
        "Outbreak\n\nThe ministry denied the claim on Tuesday. Health officials confirmed 65 "
        "cases of infection. The mayor announced new measures. The agency confirmed that 65 "
        "people had been infected. Some reports predict a shortage of ventilators. A government "
        "study found that hospitals had too few beds."
    )
    assert _said(shown, "hospitals had too few beds")
    for words in ("the claim", "cases of infection", "new measures", "shortage of ventilators"):
        assert not _said(shown, words), words
    assert _said(shown, "65 people had been infected")


def test_the_one_asked_or_spoken_of_is_not_the_speaker():
    shown = _shown(
        "Border\n\nAsked whether the border would close, the spokesman said no decision had "
        "been made. Farmers fear the “swine flu” label will hurt sales of pork. Farmers said "
        "the “swine flu” label would hurt sales of beef."
    )
    assert not _said(shown, "whether the border would close")
    assert _said(shown, "no decision had been made")
    assert not _said(shown, "sales of pork")
    assert _said(shown, "sales of beef")


def _reported(text: str, speaker: str) -> Quote:
    """An indirect quote of `text` by the words `speaker`, its content from "the risk"."""
    article = make_article(text)
    start, content = text.index(speaker), text.index("the risk")
    return Quote(
        id="q-1",
        article_id=article.id,
        start=content,
        end=len(text) - 1,
        text=text[content:-1],
        kind="indirect",
        speaker=speaker,
        speaker_span=Span(article_id=article.id, start=start, end=start + len(speaker)),
    )


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        (
            "Health\n\nThe World Health Organization (WHO said the risk was low.",
            "World Health Organization (WHO",
            "World Health Organization",
        ),
        (
            "Health\n\nThe mayor and CDC officials said the risk was low.",
            "and CDC officials",
            "CDC officials",
        ),
        ("Health\n\nThe ministry said the risk was low.", "Health\n\nThe ministry", "The ministry"),
    ],
)
def test_a_speaker_has_no_open_bracket_or_leftover_conjunction(text, words, speaker):
    tidy = _tidy_speaker(_reported(text, words))
    assert tidy.speaker == speaker
    assert tidy.speaker_span is not None
    assert text[tidy.speaker_span.start : tidy.speaker_span.end] == speaker


def test_speech_only_intended_or_possible_is_not_what_was_said():
    shown = _shown(
        "Spill\n\nPresident Barack Obama will reiterate that BP must pay for the damage. In "
        "Champoton, many fishermen will tell you that the spill changed the town. Governor Bobby "
        "Jindal said that BP must pay."
    )
    assert not _said(shown, "pay for the damage")
    assert not _said(shown, "the spill changed the town")
    assert _said(shown, "that BP must pay")


def test_reported_words_never_run_into_the_next_sentence():
    shown = _shown(
        "Spill\n\nThe president promised to look at ideas from Republicans and Democrats on the "
        "issue. Presidents use Oval Office addresses for what they regard as vital national issues. "
        'Speaking to reporters, Jonas Halder said the agreement "shows that small countries can '
        'settle big quarrels." The vote is on Friday.'
    )
    assert not _said(shown, "Oval Office")
    assert _said(shown, "small countries can settle")  # its closing mark is parsed with the next
    inside = _shown(
        "Peace\n\nPresident Volodymyr Zelensky wrote on Telegram that any peace “must be just and "
        "based on international law. There can be no peace at the expense of our land.”"
    )
    assert _said(inside, "There can be no peace")  # the break is inside his quoted words


def test_a_quoted_description_is_what_was_said():
    shown = _shown(
        "Talks\n\nPresident Volodymyr Zelensky called the visit an “important signal” on Tuesday. "
        "The minister described the talks as “frank but constructive.”"
    )
    assert _said(shown, "important signal")
    assert _said(shown, "frank but constructive")


def test_speech_after_a_verb_of_aspect_happened_and_is_shown():
    shown = _shown(
        "Oil spill\n\nEnergy Secretary Chris Huhne said Britain was doubling inspections. "
        'Huhne went on to stress: "We must be vigilant about the risks in deep water."\n\n'
        'Mr Huhne went on to stress that "the industry\'s record in the North Sea is strong". '
        'Mr Huhne plans to tell MPs: "The review will be published in June."'
    )
    assert _said(shown, "We must be vigilant")
    assert _said(shown, "record in the North Sea")
    assert not _said(shown, "The review will be published")  # intended, not yet said


def test_a_lone_noun_without_a_determiner_is_no_speaker():
    shown = _shown(
        "Egypt protests\n\nThe spokesman said the embassy would stay open.\n\n"
        '@ grrace: "while you are at it, review all the other foreign dictatorships you support"\n\n'
        "Dr Doom himself, Nouriel Roubini, said the authorities recognized the need for change."
    )
    assert _said(shown, "the embassy would stay open")
    assert not _said(shown, "foreign dictatorships")


def test_a_thing_or_an_abstraction_cannot_speak():
    shown = _shown(
        "Outbreak\n\nTwo factors suggest that the virus is spreading more slowly than feared. "
        "Video footage showed that the clinics were overwhelmed on Monday. "
        "Health officials said that the clinics had run out of masks. "
        "A spokesman for the ministry said that schools would reopen next week."
    )
    assert not _said(shown, "spreading more slowly")
    assert not _said(shown, "clinics were overwhelmed")
    assert _said(shown, "run out of masks")
    assert _said(shown, "schools would reopen")


def test_an_opening_subordinate_clause_alone_is_not_what_was_said():
    shown = _shown(
        'Flu\n\n"We expect more cases," Obama said. Besser of the CDC had predicted that as they '
        "searched for cases, CDC experts would find severe infections and deaths in the United "
        "States, even though most of the patients had mild illness.\n\nThe peso fell on Monday. "
        "If this argument fails to persuade, Mr. Castaneda argues, Mexico could stop cooperating."
    )
    assert _said(shown, "We expect more cases")
    assert not [q for q in shown.values() if q.text.rstrip(" ,").endswith("searched for cases")]
    assert not [q for q in shown.values() if q.text.rstrip(" ,").endswith("fails to persuade")]


def test_a_byline_dateline_or_time_stamp_run_into_the_words_is_not_shown():
    shown = _shown(
        "Flu\n\n* First death outside Mexico * Official says child was in Houston for treatment "
        "By Maggie Fox, Health Editor WASHINGTON (Reuters) - Health officials said the child had "
        "been treated in Houston. Egypt has ordered a cull of pigs, a step the United Nations said "
        "was a mistake CAIRO | Wed Apr 29, 2009 11:31 pm IST. The minister said the cull was "
        "a precaution."
    )
    assert not [q for q in shown.values() if "Maggie Fox" in q.text or "11:31" in q.text]
    assert _said(shown, "the cull was a precaution")


def test_a_speaker_who_went_on_is_still_speaking():
    shown = _shown(
        "Oil spill\n\nEnergy Secretary Chris Huhne said BP was a strong company. "
        '"It is a major employer and a vital investor here," he went on. '
        "The company went on trading on Monday."
    )
    assert _said(shown, "a major employer and a vital investor")


def test_a_headline_run_into_the_words_is_not_shown():
    shown = _shown(
        "Flu\n\nMexico to re-test swine flu cases The widow of a flu victim heard of his death "
        "from a reporter, the news agency says. The health minister said that the tests would "
        "take a week."
    )
    assert not _said(shown, "re-test swine flu cases")
    assert _said(shown, "the tests would take a week")


def test_a_live_update_label_run_into_the_words_is_not_shown():
    shown = _shown(
        "Egypt\n\nThe minister said that all three had recovered.\n\n"
        'A protester in Alexandria says President Mubarak\'s "time is over" NEW: Video footage '
        "shows demonstrators on a bridge."
    )
    assert not _said(shown, "Video footage")
    assert _said(shown, "all three had recovered")


def test_reported_words_cut_before_their_object_are_not_shown():
    shown = _shown(
        "Korea\n\nNorth Korea's nuclear ambitions have barely been mentioned in the race. Experts "
        "on North Korea and nuclear nonproliferation said the latest nuclear test could change "
        'that. "The U.N. has passed five resolutions," said Victor Cha, a Korea scholar.'
    )
    assert _said(shown, "The U.N. has passed five resolutions")
    assert not [q for q in shown.values() if q.text.rstrip(" ,").endswith("could change")]


def test_a_noun_phrase_announced_reported_or_confirmed_is_not_what_was_said():
    shown = _shown(
        "Flu and spill\n\nThe prosecutor's office announced an inquiry into whether the university "
        "failed to act. The World Health Organisation has called a meeting of scientific experts for "
        "Wednesday to discuss the situation. The local news is reporting 200 fatalities and reports "
        "of flu spreading from areas outside the capital. The president announced measures to protect "
        "the seafood industry. US lawmakers have accused BP of cutting costs before the explosion. "
        "Critics blame the Brotherhood for sparking troubles elsewhere. Mr Obama described the spill "
        "as an assault on the shores of the US that tested the limits of technology. The president "
        "asked his supporters to lend their name to a campaign to change the way America uses energy. "
        "Jermaine Jackson confirmed his death to stunned fans at a hastily arranged press conference. "
        "The incident has so far cost BP $ 1.6 bn, the energy giant said on Monday. The Brena "
        "hydropower plant supplies about a fifth of Karvonia's electricity, officials in Dravik say, "
        "and they blame the winter's low rainfall, not the dam, for the low water at Valmora."
    )
    for words in (
        "an inquiry into",
        "a meeting of scientific",
        "200 fatalities",
        "measures to protect",
        "to stunned fans",
    ):
        assert not _said(shown, words), words
    kept = (
        "BP of cutting costs",
        "for sparking troubles",
        "as an assault",
        "to lend their name",
        "cost BP",
        "a fifth",
    )
    for words in kept:
        assert _said(shown, words), words


def test_a_participle_on_someone_elses_noun_is_not_the_subjects_speech():
    shown = _shown(
        "Cairo\n\nMubarak said earlier that he had heard, and understood, demonstrators' pleas asking "
        "for the government to take more action to create jobs. The ministry said in a statement "
        "that the curfew would be lifted on Sunday."
    )
    assert not _said(shown, "take more action")
    assert _said(shown, "the curfew would be lifted")


def test_a_cue_inside_a_quoted_title_is_no_one_speaking():
    from storyline.quotes.acts import _closed_quotations, _cue_inside_marks

    text = 'The Pentagon briefed on repealing the "Don\'t ask, don\'t tell" policy. "We are ready," he said.'
    quoted = _closed_quotations(text)
    ask = text.index("ask")
    title_cue = Quote(
        id="q1",
        article_id="a",
        start=text.index("repealing"),
        end=text.index(" policy"),
        text="",
        kind="mixed",
        cue="ask",
        cue_span=Span(article_id="a", start=ask, end=ask + 3),
    )
    said = text.index("said")
    ready = Quote(
        id="q2",
        article_id="a",
        start=text.index("We are"),
        end=text.index('," he'),
        text="We are ready",
        kind="direct",
        cue="said",
        cue_span=Span(article_id="a", start=said, end=said + 4),
    )
    assert _cue_inside_marks(title_cue, quoted)
    assert not _cue_inside_marks(ready, quoted)
    # marks paired across an attribution hold its speaker as well: no title
    he = text.index("he said")
    across = replace(ready, speaker="he", speaker_span=Span(article_id="a", start=he, end=he + 2))
    assert not _cue_inside_marks(across, [(text.index('," he') + 2, text.index(".", he))])


def test_a_cue_with_its_own_subject_is_not_another_speakers():
    shown = _shown(
        "Mexico\n\nThe Mexican government is urging against jumping to conclusions and is suggesting "
        "the possibility remains that the virus originated outside the country, our correspondent "
        "adds. Health Minister Jose Cordova said the outbreak was slowing. Farmers' groups, who fear "
        "losses, said the cull was unjustified."
    )
    assert all(q.speaker != "our correspondent" for q in _said(shown, "originated outside"))
    assert _said(shown, "the outbreak was slowing")
    assert _said(shown, "the cull was unjustified")


def test_a_quoted_headline_is_not_a_statement():
    shown = _shown(
        "Papers\n\nEngland's goalkeeper occupies many front pages. \"So How Many Shots Did You Drop "
        'Today, Robert?" asks the Daily Telegraph. "The keeper deserves our support, and Tito, '
        'Marlon and Jackie Jackson agree," said the coach.'
    )
    assert not _said(shown, "How Many Shots")
    assert _said(shown, "The keeper deserves our support")


def test_reported_words_run_on_past_a_lost_stop_are_not_shown():
    shown = _shown(
        "Flu\n\nEdgar Hernandez says he now feels a lot better Five-year-old Edgar Hernandez "
        "started feeling unwell in late March. Officials say seven EU states All three recently "
        "returned from Mexico. The minister said the tests would take a week."
    )
    assert not _said(shown, "feels a lot better")
    assert not _said(shown, "seven EU states")
    assert _said(shown, "the tests would take a week")


def test_a_clause_joined_to_a_reported_object_is_the_reporters():
    shown = _shown(
        "Flu\n\nGermany reported three cases. Spain and the UK earlier confirmed two cases each "
        "and six other EU states have been monitoring patients suspected of having the virus. "
        "The state of California has declared a state of emergency and President Barack Obama is "
        "asking Congress for an additional $1.5 bn. The minister said prices rose and wages fell. "
        "Muslim-majority countries in North Africa and the Middle East have the most young people, "
        "according to the Pew Forum. Mansour said that he and fellow demonstrators had been beaten."
    )
    assert not _said(shown, "monitoring")
    assert _said(shown, "prices rose and wages fell")
    assert _said(shown, "North Africa and the Middle East have the most young people")
    assert _said(shown, "he and fellow demonstrators had been beaten")


def test_a_participle_clause_on_the_cue_is_the_reporters():
    shown = _shown(
        "Trial\n\nPennsylvania Gov. Ed Rendell urged the federal government to pursue the case, "
        "resulting in hate crime convictions for the two young men."
    )
    [quote] = _said(shown, "to pursue the case")
    assert "resulting" not in quote.text


def test_words_before_a_cue_that_reports_its_own_clause_are_the_reporters():
    shown = _shown(
        "Flu\n\nIn Mexico, the only country to have suffered swine flu deaths, the government puts "
        "the toll at more than 150 and says 1,300 people are in hospital. Al-Banna himself was "
        "assassinated soon afterwards -- his supporters claimed he had been killed on the wishes "
        "of the government."
    )
    assert _said(shown, "1,300 people are in hospital")
    assert _said(shown, "he had been killed")
    assert not _said(shown, "the only country")
    assert not _said(shown, "assassinated soon afterwards")


def test_a_fragment_of_another_clause_is_not_the_next_piece_of_a_quote():
    shown = _shown(
        'Trial\n\nJermaine Jackson said he is prepared for a media "circus" Instead, Judge Michael '
        'Pastor has advised them not to "read, listen to or watch any news report" and to "keep an '
        'open mind throughout".'
    )
    assert not [q for q in shown.values() if "news report" in q.text or "open mind" in q.text]


def test_quoted_words_that_open_halfway_through_a_sentence_are_not_shown():
    from storyline.nlp import analyze
    from storyline.quotes.acts import _speakers_words
    from storyline.quotes.parse import ParseIndex

    text = (
        'Egypt\n\nObama has not called Mubarak -- "but there is daily contact between the two '
        'governments," Vietor said.'
    )
    (analysis,) = analyze([make_article(text)])
    start = text.index("but")
    end = text.index(',"')
    quote = Quote(id="q", article_id="a", start=start, end=end, text=text[start:end], kind="mixed")
    assert not _speakers_words(text, ParseIndex(analysis), quote)
    assert _speakers_words(
        text, ParseIndex(analysis), replace(quote, start=start + 4, text=text[start + 4 : end])
    )


def test_reported_words_with_the_writers_own_i_are_not_shown():
    shown = _shown(
        "Flu\n\nFriends working in hospitals say that the situation is really bad, they are talking "
        "about 19 people dead, including a doctor I think there is a real lack of information. "
        "Daniel K writes: I think the government acted well."
    )
    assert not _said(shown, "the situation is really bad")
    assert _said(shown, "I think the government acted well")


def test_reported_words_cut_from_their_clause_are_not_shown():
    shown = _shown(
        "Trial\n\nThe singer's death, according to the Los Angeles County Coroner, was a homicide. "
        "Unrest is worsening in central Alexandria, with thick smoke billowing through the streets, "
        "CNN's Nic Robertson reports. Obama called on the authorities to refrain from violence."
    )
    assert not [q for q in shown.values() if q.text.strip() == "The singer's death"]
    assert not [q for q in shown.values() if q.text.startswith("thick smoke")]
    assert _said(shown, "the authorities to refrain from violence")


def test_words_of_another_verb_of_saying_are_not_the_cues():
    shown = _shown(
        "Flu\n\nThe Mexican government is urging against jumping to conclusions and is suggesting "
        "the possibility remains that the virus originated outside the country."
    )
    assert not [q for q in shown.values() if q.text.startswith("suggesting") and q.cue != "suggesting"]


def test_reported_words_before_an_inverted_cue_are_whole():
    shown = _shown(
        'Oil spill\n\nThe company plans to handle 80,000 barrels a day. BP "under-estimated the flow '
        'rate" and "over-estimated their ability to fight against that flow rate", says Ian '
        "MacDonald, professor of oceanography at Florida State University."
    )
    assert _said(shown, "under-estimated the flow rate")


def test_the_topic_of_an_expressed_feeling_is_not_what_was_said():
    shown = _shown(
        "Flu outbreak\n\nThe health minister expressed concern about how quickly the virus was "
        "spreading in schools. The health minister said that schools would stay open."
    )
    assert not _said(shown, "the virus was spreading")
    assert _said(shown, "schools would stay open")


def test_a_headline_run_into_the_words_before_a_group_of_speakers_is_not_shown():
    shown = _shown(
        "Singer's death\n\nThe coroner said Murray used large quantities of Propofol Experts say "
        "Propofol is only used in hospitals. The coroner said that the death was a homicide."
    )
    assert not _said(shown, "Propofol Experts")
    assert _said(shown, "the death was a homicide")


def test_reported_words_never_run_past_a_full_stop():
    shown = _shown(
        "Spill costs\n\nThe US government said on Thursday it would send a $ 69m bill to BP for "
        "expenditure incurred from its response to the spill. BP estimates that the disaster has "
        'so far cost the company about $ 990m. A "top kill" procedure, which had been considered '
        "the best hope for plugging the leak, failed over the weekend."
    )
    assert not _said(shown, "top kill")


def test_the_one_told_is_not_the_speaker():
    shown = _shown(
        "Mubarak leaves\n\nPresident Hosni Mubarak has gone to Sharm el-Sheikh, a well-placed "
        "source told CNN on Friday."
    )
    assert not any(q.speaker == "CNN" for q in shown.values())


def test_a_quoted_sentence_is_not_given_to_the_next_sentences_cue():
    shown = _shown(
        'Reactions\n\n"Where do you think the money went?" Obama said. "It contributed to our debt, '
        'and all we get is chaos." A spokesman for Bush said Friday that Bush "congratulates the '
        'people of Egypt."'
    )
    assert not any(q.speaker == "A spokesman" for q in _said(shown, "all we get is chaos"))
    assert _said(shown, "congratulates the people")


def test_the_words_are_not_their_own_speaker():
    shown = _shown(
        'State television\n\nOne interview featured a fake "protest organizer" who claimed there '
        "were guns in the camp."
    )
    assert not _said(shown, "protest organizer")


def test_a_live_pages_update_label_in_the_speaker_is_not_shown():
    from storyline.quotes.acts import _furniture_in_speaker

    quote = Quote(id="q", article_id="a", start=0, end=5, text="Egypt", kind="direct")
    assert _furniture_in_speaker(replace(quote, speaker="(Update 8:31 p.m. in Cairo, 1:31 p.m. ET) State TV"))
    assert _furniture_in_speaker(replace(quote, speaker="(Update"))
    assert not _furniture_in_speaker(replace(quote, speaker="State TV"))


def test_a_stop_inside_the_quoted_pieces_is_the_speakers():
    shown = _shown(
        'Cairo celebrates\n\nThe priority, ElBaradei said, should be to "make sure the country is '
        'restored," politically and economically. His parting message to his countrymen: "You have '
        'gained your liberty. You have gained your right to catch up with the rest of the world."'
    )
    assert _said(shown, "You have gained your liberty")
