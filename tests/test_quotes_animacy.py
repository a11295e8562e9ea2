"""Which nouns can name a speaker: people and groups by WordNet's senses, not things."""

from __future__ import annotations

from storyline.quotes.animacy import derive_speaker_nouns, speaker_kind

# A few lines in WordNet 3.0's formats (wndb(5WN)): index.noun lists each noun's senses, most
# frequent first; data.noun gives each sense's lexicographer file (18 noun.person, 14
# noun.group, 6 noun.artifact, 10 noun.communication, ...) and its hypernyms (@); cntlist.rev
# how often each sense was tagged.
_INDEX = """\
  1 This software and database is being provided to you, the LICENSEE, by
official n 1 1 @ 1 1 10372373
police n 1 1 @ 1 1 08209687
footage n 1 1 @ 1 0 03380023
factor n 4 1 @ 4 1 07327805 05000001 05000002 10083823
source n 5 1 @ 5 1 08507558 08507559 08507560 04000001 10615179
report n 1 1 @ 1 1 06681551
joke n 1 1 @ 1 1 06778102
wit n 1 1 @ 1 1 06776138
ice_cream n 1 1 @ 1 0 07614500
"""
_DATA = """\
  1 This software and database is being provided to you, the LICENSEE, by
10372373 18 n 01 official 0 000 | someone who administers the rules
08209687 14 n 01 police 0 000 | the force of policemen and officers
03380023 06 n 01 footage 0 000 | the amount of film that has been shot
07327805 11 n 01 factor 0 000 | anything that contributes causally to a result
05000001 09 n 01 factor 0 000 | an abstract part of something
05000002 23 n 01 factor 0 000 | any of the numbers multiplied together
10083823 18 n 01 factor 0 000 | a businessman who buys or sells for another
08507558 15 n 01 source 0 000 | the place where something begins
08507559 15 n 01 source 0 000 | a place from which a river flows
08507560 15 n 01 source 0 000 | a place where something is found
04000001 06 n 01 source 0 000 | a device that gives off energy
10615179 18 n 01 source 0 000 | a person who supplies information
06681551 10 n 01 report 0 000 | a written document describing findings
06776138 10 n 01 wit 0 000 | a message whose ingenuity causes amusement
06778102 10 n 01 joke 0 001 @ 06776138 n 0000 | a humorous anecdote or remark
07614500 13 n 01 ice_cream 0 000 | frozen dessert
"""
_COUNTS = """\
official%1:18:00:: 1 23
police%1:14:00:: 1 34
factor%1:11:00:: 1 31
factor%1:18:00:: 4 1
source%1:15:00:: 1 34
source%1:18:00:: 5 3
report%1:10:00:: 1 50
joke%1:10:00:: 1 10
"""


def test_a_noun_speaks_by_a_common_person_group_or_communication_sense():
    kinds = derive_speaker_nouns(_INDEX.splitlines(), _DATA.splitlines(), _COUNTS.splitlines())
    # source: a person only in its fifth sense, but one readers met 3 times; factor's fourth
    # sense was met once; a joke is humour (under wit), not a statement
    assert kinds == {"official": "person", "police": "group", "source": "person", "report": "document"}


def test_a_thing_or_an_abstraction_is_no_speaker_in_the_shipped_list():
    for noun in ("official", "spokesman", "minister", "scientist", "lawmaker", "expert", "source"):
        assert speaker_kind(noun) is not None, noun
    for noun in ("police", "government", "troops", "Police"):
        assert speaker_kind(noun) is not None and "group" in speaker_kind(noun), noun
    for noun in ("report", "statement", "alert", "editorial"):
        assert "document" in (speaker_kind(noun) or ""), noun
    for noun in ("factor", "footage", "joke", "ball", "sign", "evidence", "ice"):
        assert speaker_kind(noun) is None, noun
