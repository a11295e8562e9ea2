"""Merge entity mentions across a batch into entities, keeping every alias.

"Zelenskiy", "Zelensky", "Volodymyr Zelensky" and "Mr. Zelensky" become one person; a surname
alone joins the full name seen elsewhere; a typo ("Vladmir Putin") joins the right spelling
when surname and first name both match closely. No library does cross-document alias merging
for news names with transliteration variants, so the rules are written here over rapidfuzz.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from storyline.config import DEFAULTS
from storyline.models import Analysis, Entity, Mention

_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sen|rep|gov|gen|col|lt|sgt|rev|st)\.?\s+"
    r"|(?:president|prime\s+minister|premier|chancellor|king|queen|prince|princess|pope"
    r"|foreign\s+minister|minister|secretary|senator|governor|general|ambassador|spokesperson"
    r"|spokesman|spokeswoman|sir|dame|lord|lady)\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
MERGE_VERSION = "entities-2"  # 2: canonical names by support, middle initials, fragments


def normalize_name(text: str) -> str:
    """A mention's name without titles, possessive, leading article or extra spaces."""
    name = " ".join(text.split())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = _POSSESSIVE.sub("", name)
    stripped = _TITLES.sub("", name)
    name = (stripped or name).strip(" ,;:")
    # Keep the final dot of abbreviations (U.S.), drop a sentence's full stop.
    return name if re.search(r"\.\w\.$", name) or len(name) <= 3 else name.rstrip(".")


def entity_id(name: str, type_: str) -> str:
    return "ent-" + hashlib.sha1(f"{type_}:{name}".encode()).hexdigest()[:10]


def merge_entities(analyses: Sequence[Analysis]) -> tuple[list[Entity], list[Analysis]]:
    """Cluster the mentions of all analyses into entities; return them and the linked analyses."""
    normal = {text: normalize_name(text) for text in {m.text for a in analyses for m in a.mentions}}
    key_of = {text: name.lower() for text, name in normal.items() if name}
    mentions = [m for a in analyses for m in a.mentions if normal[m.text]]
    label_votes: dict[str, Counter[str]] = defaultdict(Counter)
    articles_of: dict[str, set[str]] = defaultdict(set)
    person_in: dict[str, set[str]] = defaultdict(set)  # articles where a name is a person's
    for m in mentions:
        key = key_of[m.text]
        label_votes[key][m.label] += 1
        articles_of[key].add(m.article_id)
        if m.label == "PERSON":
            person_in[key].add(m.article_id)
    type_of = {name: votes.most_common(1)[0][0] for name, votes in label_votes.items()}
    # A bare surname the recognizer sometimes tags as an organization ("Wang said") is the
    # person whose full name ends or starts with it, when it is written mostly in articles that
    # name a person so: "BP", an organization in 50 articles, is not the person of one article's
    # fragment "Fitch BP" (from "downgraded by Fitch BP has seen ...").
    for n, t in type_of.items():
        if t == "PERSON" and len(n.split()) >= 2:
            for part in {n.split()[0], n.split()[-1]}:
                person_in[part] |= articles_of[n]
    for name in label_votes:
        if len(name.split()) == 1 and type_of[name] != "PERSON":
            if 2 * len(person_in[name] & articles_of[name]) >= len(articles_of[name]) and person_in[name]:
                type_of[name] = "PERSON"

    # Union-find over normalized names, case-insensitive. Only the partition matters (an
    # entity's id and name come from its members), so the pairs are found in any order.
    parent: dict[str, str] = {name: name for name in type_of}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    persons = sorted(n for n, t in type_of.items() if t == "PERSON")
    full = [n for n in persons if len(n.split()) >= 2]
    single = [n for n in persons if len(n.split()) == 1]
    # Names with a middle initial and names without are joined apart: "George W. Bush" and
    # "George H.W. Bush" are two people, so "George Bush" joins one of them only when it is the
    # only one it matches (as a bare surname does), never both through itself.
    # Two full names are compared only when their surnames are one or similar (`_same_person`
    # needs that first), so each surname's names are compared with those of the similar ones.
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in full:
        by_surname[name.split()[-1]].append(name)
    similar = _similar_pairs(sorted(by_surname), sorted(by_surname))

    def near(name: str) -> list[str]:
        """The full names `_same_person` may hold for with `name`, in the order of `full`."""
        return sorted(f for s in similar.get(name.split()[-1], ()) for f in by_surname[s])

    for a in full:
        for b in near(a):
            same_shape = bool(_middle_initials(a.split())) == bool(_middle_initials(b.split()))
            if a < b and same_shape and find(a) != find(b) and _same_person(a.split(), b.split()):
                union(a, b)
    for name in full:
        if not _middle_initials(name.split()):
            matches = {
                find(f)
                for f in near(name)
                if _middle_initials(f.split()) and _same_person(name.split(), f.split())
            }
            if len(matches) == 1:
                union(matches.pop(), name)
    by_first: dict[str, list[str]] = defaultdict(list)
    for name in full:
        by_first[name.split()[0]].append(name)
    near_surnames = _similar_pairs(single, sorted(by_surname))
    for name in single:
        found = [*by_surname.get(name, ()), *by_first.get(name, ())]
        found += [f for s in near_surnames.get(name, ()) for f in by_surname[s]]
        matches = {find(f) for f in found if _surname_matches(name, f.split())}
        if len(matches) == 1:
            union(matches.pop(), name)
    near_singles = _similar_pairs(single, single)
    for a in single:
        for b in near_singles.get(a, ()):
            if find(a) != find(b) and _similar_surname(min(a, b), max(a, b)):
                union(a, b)

    clusters: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        clusters[find(key_of[m.text])].append(m)

    entities: list[Entity] = []
    id_of_root: dict[str, str] = {}
    for root, members in clusters.items():
        type_ = Counter(type_of[key_of[m.text]] for m in members).most_common(1)[0][0]
        name = _canonical_name(members, normal)
        ent_id = entity_id(name, type_)
        id_of_root[root] = ent_id
        aliases = sorted({" ".join(m.text.split()) for m in members} - {name})
        entities.append(
            Entity(
                id=ent_id,
                name=name,
                type=type_,
                aliases=tuple(aliases),
                article_ids=tuple(sorted({m.article_id for m in members})),
            )
        )
    linked = [
        replace(
            a,
            mentions=tuple(
                replace(m, entity_id=id_of_root.get(find(key_of[m.text]))) if normal[m.text] else m
                for m in a.mentions
            ),
        )
        for a in analyses
    ]
    entities.sort(key=lambda e: (-len(e.article_ids), e.name))
    return entities, linked


def _similar_pairs(names: Sequence[str], others: Sequence[str]) -> dict[str, list[str]]:
    """For each of `names`, the `others` (itself included) that `_similar_surname` may hold
    for: same first letter, both of 5 letters or more, and Jaro-Winkler at least the setting,
    scored in one rapidfuzz `cdist` per first letter instead of a Python call per pair. The
    cutoff is a hair lower than the setting, so every pair is then confirmed by
    `_similar_surname` itself and none is lost to rounding."""
    cutoff = DEFAULTS.entities.surname_similarity - 1e-6
    groups: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for name in names:
        if len(name) >= 5:
            groups[name[0]][0].append(name)
    for other in others:
        if len(other) >= 5 and other[0] in groups:
            groups[other[0]][1].append(other)
    found: dict[str, list[str]] = defaultdict(list)
    for mine, theirs in groups.values():
        if not theirs:
            continue
        scores = process.cdist(mine, theirs, scorer=JaroWinkler.similarity, score_cutoff=cutoff)
        for i, j in zip(*np.nonzero(scores >= cutoff), strict=True):
            found[mine[i]].append(theirs[j])
    # The exact spelling is always there, however short (a surname shared by two full names).
    present = set(others)
    for name in names:
        if name in present and name not in found.get(name, ()):
            found[name].append(name)
    return found


def _similar_surname(a: str, b: str) -> bool:
    """Transliteration variants (Zelenskiy/Zelensky) but not different short names."""
    return (
        len(a) >= 5
        and len(b) >= 5
        and a[0] == b[0]
        and JaroWinkler.similarity(a, b) >= DEFAULTS.entities.surname_similarity
    )


def _surname_matches(single: str, full_tokens: list[str]) -> bool:
    # Western order puts the surname last; Chinese and Korean names put it first (Xi Jinping).
    return single in (full_tokens[-1], full_tokens[0]) or _similar_surname(single, full_tokens[-1])


def _middle_initials(tokens: list[str]) -> str:
    """The initials between a name's first and last word: "george h.w. bush" -> "hw"."""
    return "".join(t.replace(".", "") for t in tokens[1:-1] if re.fullmatch(r"(?:\w\.)+|\w", t))


def _same_person(a: list[str], b: list[str]) -> bool:
    if not (a[-1] == b[-1] or _similar_surname(a[-1], b[-1])):
        return False
    initials_a, initials_b = _middle_initials(a), _middle_initials(b)
    if initials_a and initials_b and initials_a != initials_b:
        return False  # a distinguishing initial: George W. Bush is not George H.W. Bush
    first_a, first_b = a[0].rstrip("."), b[0].rstrip(".")
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return JaroWinkler.similarity(first_a, first_b) >= DEFAULTS.entities.first_name_similarity


def _canonical_name(members: Sequence[Mention], normal: Mapping[str, str]) -> str:
    """The spelling used by the most articles, preferring a full name over a surname when it is
    about as well attested: in at least half as many articles as the best attested spelling (a
    person's full name is written once in each article, then the surname). A full name in few
    of the articles of a name written in many is a typo or a recognizer's fragment ("Thye U.S.",
    "Fitch BP"), not the name. `normal` holds each mention text's `normalize_name`."""
    by_name: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for m in members:
        name = normal[m.text]
        by_name[name].add(m.article_id)
        counts[name] += 1

    def support(n: str) -> tuple[int, int, int]:
        return len(by_name[n]), counts[n], len(n)

    best = max(by_name, key=support)
    full = [n for n in by_name if len(n.split()) >= 2 and 2 * len(by_name[n]) >= len(by_name[best])]
    return max(full, key=support) if full else best
