from __future__ import annotations

from storyline.entities import _similar_pairs, _similar_surname, merge_entities, normalize_name
from storyline.models import Analysis, Mention


def _analysis(article_id: str, *names: tuple[str, str]) -> Analysis:
    mentions, offset = [], 0
    for text, label in names:
        mentions.append(
            Mention(article_id=article_id, start=offset, end=offset + len(text), text=text, label=label)
        )
        offset += len(text) + 1
    return Analysis(article_id=article_id, sentences=(), tokens=(), mentions=tuple(mentions))


def _by_name(entities):
    return {e.name: e for e in entities}


def test_normalize_name_strips_titles_and_possessives():
    assert normalize_name("Mr. Zelensky") == "Zelensky"
    assert normalize_name("President Xi Jinping’s") == "Xi Jinping"
    assert normalize_name("the U.S.") == "U.S."


def test_transliterations_surnames_and_titles_merge():
    entities, _ = merge_entities(
        [
            _analysis("a", ("Volodymyr Zelensky", "PERSON"), ("Mr. Zelensky", "PERSON")),
            _analysis("b", ("Volodymyr Zelenskiy", "PERSON"), ("Zelenskiy", "PERSON")),
            _analysis("c", ("Zelensky", "PERSON"), ("Volodymyr Zelensky", "PERSON")),
        ]
    )
    people = [e for e in entities if e.type == "PERSON"]
    assert len(people) == 1
    person = people[0]
    assert person.name == "Volodymyr Zelensky"
    assert set(person.aliases) == {"Mr. Zelensky", "Volodymyr Zelenskiy", "Zelenskiy", "Zelensky"}
    assert person.article_ids == ("a", "b", "c")


def test_first_name_typo_joins_when_surname_matches():
    entities, _ = merge_entities(
        [
            _analysis("a", ("Vladimir Putin", "PERSON")),
            _analysis("b", ("Vladmir Putin", "PERSON")),
        ]
    )
    assert _by_name(entities)["Vladimir Putin"].aliases == ("Vladmir Putin",)


def test_different_people_with_one_surname_stay_apart():
    entities, _ = merge_entities(
        [
            _analysis("a", ("Joe Biden", "PERSON"), ("Jill Biden", "PERSON"), ("Biden", "PERSON")),
        ]
    )
    names = {e.name for e in entities}
    assert {"Joe Biden", "Jill Biden"} <= names
    assert "Biden" in names  # ambiguous surname: not guessed


def test_chinese_name_order_surname_first():
    entities, _ = merge_entities([_analysis("a", ("Xi Jinping", "PERSON"), ("Xi", "PERSON"))])
    assert _by_name(entities)["Xi Jinping"].aliases == ("Xi",)


def test_surname_mislabelled_as_org_joins_the_person():
    entities, linked = merge_entities(
        [
            _analysis("a", ("Wang Yi", "PERSON"), ("Wang", "ORG"), ("Wang", "ORG")),
        ]
    )
    (person,) = [e for e in entities if e.name == "Wang Yi"]
    assert person.type == "PERSON"
    assert {m.entity_id for m in linked[0].mentions} == {person.id}


def test_similar_surnames_are_found_without_comparing_every_pair():
    # Spellings of one surname, names that share a first letter but not the spelling, short
    # names (never similar, however alike), and one name on its own.
    names = sorted(
        {
            "zelensky",
            "zelenskiy",
            "zelenskyy",
            "zelinski",
            "zhang",
            "zhao",
            "putin",
            "poutine",
            "li",
            "lee",
            "kuleba",
            "nguyen",
            "nguyễn",
            "abramovich",
            "abramovitch",
            "ng",
        }
    )
    found = _similar_pairs(names, names)
    brute = {(a, b) for a in names for b in names if a == b or _similar_surname(a, b)}
    assert {(a, b) for a, near in found.items() for b in near if a == b or _similar_surname(a, b)} == brute
    assert ("zelensky", "zelenskiy") in brute and ("abramovich", "abramovitch") in brute


def test_the_merge_does_not_depend_on_the_order_of_the_articles():
    one = _analysis("a1", ("Volodymyr Zelensky", "PERSON"), ("Zelenskiy", "PERSON"), ("Kyiv", "GPE"))
    two = _analysis(
        "a2", ("Volodymyr Zelenskyy", "PERSON"), ("Mr. Zelensky", "PERSON"), ("Xi Jinping", "PERSON")
    )
    three = _analysis("a3", ("Xi", "ORG"), ("Dmytro Kuleba", "PERSON"), ("Kuleba", "PERSON"))
    forward, linked = merge_entities([one, two, three])
    backward, _ = merge_entities([three, two, one])
    assert forward == backward
    zelensky, zelenskiy, _ = linked[0].mentions
    assert zelensky.entity_id == zelenskiy.entity_id == linked[1].mentions[1].entity_id


def test_a_distinguishing_middle_initial_keeps_two_people_apart():
    entities, _ = merge_entities(
        [
            _analysis("a", ("George W. Bush", "PERSON"), ("President George W. Bush", "PERSON")),
            _analysis("b", ("George H.W. Bush", "PERSON"), ("George H. W. Bush", "PERSON")),
            _analysis("c", ("George Bush", "PERSON"), ("Bush", "PERSON")),
        ]
    )
    spellings = [{e.name, *e.aliases} for e in entities]
    assert {"George W. Bush", "President George W. Bush"} in spellings
    assert {"George H.W. Bush", "George H. W. Bush"} in spellings
    # "George Bush" and "Bush" could be either: neither joins one, nor joins the two.
    assert {"George Bush"} in spellings and {"Bush"} in spellings


def test_a_name_without_the_initial_joins_the_one_person_it_matches():
    entities, _ = merge_entities(
        [
            _analysis("a", ("George W. Bush", "PERSON")),
            _analysis(
                "b", ("George Bush", "PERSON"), ("John F. Kennedy", "PERSON"), ("John Kennedy", "PERSON")
            ),
        ]
    )
    people = _by_name(entities)
    assert people["George W. Bush"].aliases == ("George Bush",)
    assert people["John F. Kennedy"].aliases == ("John Kennedy",)


def test_a_recognizer_fragment_does_not_name_or_retype_an_organization():
    # "downgraded by Fitch BP has seen its shares fall" is tagged as one person, "Fitch BP".
    entities, linked = merge_entities(
        [
            _analysis("a", ("Fitch BP", "PERSON"), ("BP", "ORG")),
            *(_analysis(f"b{i}", ("BP", "ORG"), ("BP", "ORG")) for i in range(4)),
        ]
    )
    organizations = _by_name(entities)
    assert organizations["BP"].type == "ORG" and len(organizations["BP"].article_ids) == 5
    assert "Fitch BP" not in organizations["BP"].aliases
    assert {m.entity_id for a in linked[1:] for m in a.mentions} == {organizations["BP"].id}


def test_the_canonical_name_is_the_best_attested_spelling_not_a_rare_full_name():
    # One article's typo joins the person, but does not name him.
    entities, _ = merge_entities(
        [
            _analysis("a", ("Thye Okafor", "PERSON"), ("Okafor", "PERSON")),
            *(_analysis(f"b{i}", ("Okafor", "PERSON")) for i in range(3)),
        ]
    )
    (person,) = entities
    assert person.name == "Okafor" and person.aliases == ("Thye Okafor",)
    # A full name written in half the articles or more is the name.
    entities, _ = merge_entities(
        [
            _analysis("a", ("Ada Okafor", "PERSON"), ("Okafor", "PERSON")),
            _analysis("b", ("Ada Okafor", "PERSON"), ("Okafor", "PERSON")),
            *(_analysis(f"c{i}", ("Okafor", "PERSON")) for i in range(2)),
        ]
    )
    assert [e.name for e in entities] == ["Ada Okafor"]
