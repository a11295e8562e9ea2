"""Who "he said" and "they say" stand for: the subject before them, never a name in quotes,
never one person for "they", and nobody rather than a guess across someone else."""

from __future__ import annotations

import pytest
from tests.conftest import make_article

from storyline.entities import merge_entities
from storyline.quotes.acts import statements_only
from storyline.quotes.extract import extract_quotes

pytestmark = pytest.mark.models


def _speakers(text: str) -> dict[str, str | None]:
    """Each shown quote's words (their first 30 characters) and its speaker."""
    from storyline.nlp import analyze

    article = make_article(text)
    entities, (analysis,) = merge_entities(analyze([article]))
    names = {e.id: e.name for e in entities}
    quotes = statements_only(article.text, analysis, extract_quotes(article, analysis, names))
    return {q.text[:30]: q.speaker for q in quotes}


def _speaker_of(speakers: dict[str, str | None], words: str) -> str | None:
    found = [speaker for text, speaker in speakers.items() if text.startswith(words)]
    return found[0] if found else None


def test_he_is_the_subject_of_the_main_clause_not_of_the_reported_one():
    speakers = _speakers(
        "Egypt\n\nJuan Cole said President Hosni Mubarak could lift the state of emergency. "
        '"Egypt does have a fairly liberal constitution and it does enshrine rights," he said.'
    )
    assert (_speaker_of(speakers, "Egypt does have") or "").endswith("Cole")


def test_a_name_inside_the_quotation_marks_is_never_the_antecedent():
    speakers = _speakers(
        "Egypt\n\nThe historian Juan Cole said that the region had seen the barrier of fear removed. "
        '"Arabs no longer feel terrified, regardless of whether Hosni Mubarak remains or goes," '
        "he said."
    )
    assert _speaker_of(speakers, "Arabs no longer") == "Juan Cole"


def test_a_person_in_apposition_to_the_subject_is_the_antecedent_never_the_speaker_before():
    speakers = _speakers(
        "Flu\n\nGovernor Rick Perry said Texas was ready. The acting director of the agency, "
        "Richard Besser, said the virus was spreading. "
        '"We do not see evidence of it slowing down," he told reporters in Atlanta.'
    )
    assert _speaker_of(speakers, "We do not see") == "Richard Besser"
    speakers = _speakers(
        "Flu\n\nGovernor Rick Perry said Texas was ready. The assistant director general of the "
        "World Health Organization, Keiji Fukuda, said the virus was spreading. "
        '"We do not see evidence of it slowing down," he told reporters in Geneva.'
    )
    assert _speaker_of(speakers, "We do not see") != "Rick Perry"


def test_they_is_never_one_person():
    speakers = _speakers(
        "Flu in Mexico\n\nStephen Kyle said the city was quiet. Schools have been closed since "
        "Monday. At my workplace last night they told us that we could work from home."
    )
    assert not _speaker_of(speakers, "we could work from home")
    assert _speaker_of(speakers, "the city was quiet") == "Stephen Kyle"


def test_they_continues_a_group_that_spoke():
    speakers = _speakers(
        "Oil spill\n\nLocal fishermen said the oil had reached the coast. "
        "They said the catch had fallen by half since the spill."
    )
    assert _speaker_of(speakers, "the catch had fallen") == "Local fishermen"


def test_another_person_named_as_a_subject_in_between_blocks_the_last_speaker():
    speakers = _speakers(
        "Protests\n\nNic Robertson said the crowds were growing. "
        "U.N. human rights chief Navi Pillay on Friday called on Egypt's government to show "
        'restraint. "I call on the government to restore the free use of mobile phones," she said.'
    )
    assert _speaker_of(speakers, "I call on the government") != "Nic Robertson"


def test_a_place_named_in_between_does_not_block_the_last_speaker():
    speakers = _speakers(
        "Oil spill\n\nEnergy Secretary Chris Huhne told MPs that a review had been carried out. "
        "Britain had taken steps to tighten its rules. "
        "He said the disaster had been an environmental wake-up call."
    )
    assert _speaker_of(speakers, "the disaster had been") == "Chris Huhne"


def test_a_title_anywhere_in_the_article_rules_a_person_out_for_the_other_pronoun():
    speakers = _speakers(
        "Flu\n\nMs Margaret Chan spoke in Geneva on Monday. Margaret Chan said the world was "
        'better prepared. "We are ready," he said.'
    )
    assert _speaker_of(speakers, "the world was better") == "Margaret Chan"
    assert _speaker_of(speakers, "We are ready") != "Margaret Chan"


def test_someone_named_in_between_leaves_he_to_nobody():
    speakers = _speakers(
        'Flu\n\n"We have enough vaccine for every school," Anne Schuchat said on Monday.\n\n'
        "The agency sent a team to meet Richard Besser in Atlanta.\n\n"
        '"We will send the kits next week," he said.'
    )
    assert _speaker_of(speakers, "We have enough vaccine") == "Anne Schuchat"
    assert _speaker_of(speakers, "We will send the kits") is None


def test_the_articles_own_pronouns_rule_out_a_person_of_the_other_gender():
    speakers = _speakers(
        "Justice\n\nAttorney General Loretta Lynch spoke to reporters in Charlotte on Monday. "
        "She said the department would sue the state of North Carolina.\n\n"
        '"We will see them in court," he said.'
    )
    assert _speaker_of(speakers, "the department would sue") == "Loretta Lynch"
    assert _speaker_of(speakers, "We will see them") is None


def test_a_name_that_only_owns_something_does_not_block_the_last_speaker():
    speakers = _speakers(
        'Trial\n\n"He was not breathing," Faheem Muhammad told the court.\n\n'
        "The guard described the reactions of Jackson's children. "
        '"Paris was crying on the floor," he said.'
    )
    assert _speaker_of(speakers, "Paris was crying") == "Faheem Muhammad"


def test_a_quote_after_someone_else_is_named_does_not_continue_the_last_speaker():
    speakers = _speakers(
        'Spill\n\n"The cap is holding," Kent Wells said on Sunday. Thad Allen, the Coast Guard '
        'commander, was more cautious.\n\n"We will not know for days."'
    )
    assert _speaker_of(speakers, "The cap is holding") == "Kent Wells"
    assert _speaker_of(speakers, "We will not know") is None
