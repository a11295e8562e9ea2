"""Which common nouns name someone or something that can make a statement, from WordNet.

A speaker phrase whose head is a thing or an abstraction ("Two factors suggest", "Video footage
showed", "a joke", a caption's "Tar balls") attributes no one's words. Whether a noun names a
person, a group of people or a communication is the lexicographer file of its senses in WordNet
3.0 (`noun.person`, `noun.group`, `noun.communication`), so the list is derived from WordNet
rather than written by hand: a hand list of role nouns misses most of them (officials,
scientists, lawmakers, medics, rebels, ...; WordNet holds 11,000).

A noun can speak by one of its common senses, since a rare one is no reading a reader takes:
WordNet orders a noun's senses by frequency, so a person or group sense qualifies when it is
among the first `_COMMON_RANK` or readers met it at least `_MIN_TAGGED` times in WordNet's
sense-tagged corpus ("the defense says": its third sense; "sources said": an informant, 3 tagged
uses; not "factor", whose one tagged use as a business agent is its fourth sense). A
communication qualifies among the first two senses (a report, a statement, an alert, an
editorial), but not a joke (humour states nothing) or an indication ("the signs suggest",
"evidence shows": what the writer infers), nor a word whose first sense is one of these. A noun
whose first sense is a relative ("husband", "son") is marked `kin`.

The derived list ships as `storyline/data/quotes-speaker-nouns.tsv` (with WordNet's licence, which
asks for its notice on every copy); `python -m storyline.quotes.animacy WORDNET_DICT_DIR` rebuilds
it from a WordNet 3.0 database (Debian's `wordnet-base` installs one in /usr/share/wordnet).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

# WordNet's lexicographer file numbers (lexnames(5WN)).
_COMMUNICATION, _GROUP, _PERSON = 10, 14, 18
_KIND = {_COMMUNICATION: "document", _GROUP: "group", _PERSON: "person"}
_COMMON_RANK = 3
_DOCUMENT_RANK = 2
_MIN_TAGGED = 3
# Communications that make no statement: wit.n.01 (jokes, puns) and indication.n.01 (signs,
# clues, records: evidence a writer reads, not words someone wrote).
_NOT_STATEMENTS = frozenset({"06776138", "06797169"})
# relative.n.01: a noun for a person by their relation to another ("her husband", "the widow"),
# which the person named beside it is most often not
_RELATIVE = "10235549"
_DATA_FILE = "quotes-speaker-nouns.tsv"
_NOTICE = """\
# Nouns with a common person, group or communication sense in WordNet 3.0 (see
# storyline/quotes/animacy.py), derived from the WordNet database, which carries this licence:
#
# WordNet Release 3.0 This software and database is being provided to you, the LICENSEE, by
# Princeton University under the following license. By obtaining, using and/or copying this
# software and database, you agree that you have read, understood, and will comply with these
# terms and conditions.: Permission to use, copy, modify and distribute this software and
# database and its documentation for any purpose and without fee or royalty is hereby granted,
# provided that you agree to comply with the following copyright notice and statements,
# including the disclaimer, and that the same appear on ALL copies of the software, database
# and documentation, including modifications that you make for internal use or for
# distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS
# SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
# OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON
# UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY
# PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL
# NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The name of
# Princeton University or Princeton may not be used in advertising or publicity pertaining to
# distribution of the software and/or database. Title to copyright in this software, database
# and any associated documentation shall at all times remain with Princeton University and
# LICENSEE agrees to preserve same.
"""


def speaker_kind(lemma: str) -> str | None:
    """The kinds ('document', 'group', 'person', and 'kin' for a relative, space-separated) of
    a noun that can name a speaker, else None (things, abstractions, and nouns WordNet does not
    hold)."""
    return _speaker_nouns().get(lemma.lower())


@cache
def _speaker_nouns() -> Mapping[str, str]:
    text = resources.files("storyline").joinpath("data", _DATA_FILE).read_text("utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))


def derive_speaker_nouns(
    index_lines: Iterable[str], data_lines: Iterable[str], count_lines: Iterable[str]
) -> dict[str, str]:
    """The one-word lower-case nouns that qualify (see the module's docstring) with their kinds,
    from WordNet's `index.noun`, `data.noun` and `cntlist.rev` (formats in wndb(5WN))."""
    lexfile: dict[str, int] = {}
    hypernyms: dict[str, list[str]] = {}
    for line in data_lines:
        if line.startswith(" "):
            continue
        fields = line.split()
        words = int(fields[3], 16)
        pointers = 4 + 2 * words
        lexfile[fields[0]] = int(fields[1])
        hypernyms[fields[0]] = [
            fields[pointers + 2 + 4 * k]
            for k in range(int(fields[pointers]))
            if fields[pointers + 1 + 4 * k] in ("@", "@i")
        ]
    tagged: dict[tuple[str, int], int] = {}
    for line in count_lines:
        key, sense, count = line.split()
        lemma, _, rest = key.partition("%")
        if rest.startswith("1:"):  # a noun's sense
            tagged[(lemma, int(sense))] = int(count)

    def under(offset: str, ancestors: frozenset[str]) -> bool:
        seen, todo = set(), [offset]
        while todo:
            node = todo.pop()
            if node in ancestors:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(hypernyms.get(node, ()))
        return False

    def states_nothing(offset: str) -> bool:
        return under(offset, _NOT_STATEMENTS)

    kinds = {}
    for line in index_lines:
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma, offsets = fields[0], fields[-int(fields[2]) :]
        if not (lemma.isalpha() and lemma.islower()) or states_nothing(offsets[0]):
            continue
        found = set()
        for rank, offset in enumerate(offsets, start=1):
            number = lexfile.get(offset)
            common = rank <= _COMMON_RANK or tagged.get((lemma, rank), 0) >= _MIN_TAGGED
            if number in (_GROUP, _PERSON) and common:
                found.add(_KIND[number])
            elif number == _COMMUNICATION and rank <= _DOCUMENT_RANK and not states_nothing(offset):
                found.add(_KIND[number])
        if "person" in found and under(offsets[0], frozenset({_RELATIVE})):
            found.add("kin")
        if found:
            kinds[lemma] = " ".join(sorted(found))
    return kinds


def _rebuild(wordnet_dir: Path, out: Path) -> int:
    def lines(name: str) -> list[str]:
        return (wordnet_dir / name).read_text("latin-1").splitlines()

    kinds = derive_speaker_nouns(lines("index.noun"), lines("data.noun"), lines("cntlist.rev"))
    out.write_text(_NOTICE + "".join(f"{w}\t{k}\n" for w, k in sorted(kinds.items())), "utf-8")
    return len(kinds)


if __name__ == "__main__":  # a maintainer's tool: rebuild the shipped list
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m storyline.quotes.animacy",
        description=f"Rebuild storyline/data/{_DATA_FILE} from a WordNet 3.0 database folder.",
    )
    parser.add_argument(
        "wordnet_dir", type=Path, help="holds index.noun, data.noun, cntlist.rev (e.g. /usr/share/wordnet)"
    )
    wordnet_dir = parser.parse_args().wordnet_dir
    missing = [n for n in ("index.noun", "data.noun", "cntlist.rev") if not (wordnet_dir / n).is_file()]
    if missing:
        parser.error(f"{wordnet_dir}: no WordNet database here (missing {', '.join(missing)})")
    target = Path(__file__).resolve().parent.parent / "data" / _DATA_FILE
    count = _rebuild(wordnet_dir, target)
    sys.stderr.write(f"{count} nouns written to {target}\n")
