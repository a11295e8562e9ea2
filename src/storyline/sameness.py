"""Whether two outlets' sentences state the same claim, not only two claims on one topic.

Similar embeddings say two sentences are about one thing ("50 infections outside Mexico",
"Eleven confirmed infections in the US"); a claim that two outlets share must also agree in its
core: the same named things (the same place when both name one), figures that agree (one
report may give fewer of them, never others), and enough of the same distinctive words (TF-IDF
over the sentences compared, so the words every sentence of the story uses count little).
Only sentences a reader takes for the outlet's own report can be shared: a question, a sentence
in the first or second person outside quotation marks (a reader's comment, a columnist's
aside) or a fragment is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import DEFAULTS
from storyline.entities import normalize_name
from storyline.models import Analysis, Span
from storyline.sentences import is_whole_sentence

# Named things whose difference makes two claims two (a date or a count is a figure instead).
_NAMED = frozenset("PERSON ORG GPE LOC NORP FAC EVENT PRODUCT LAW WORK_OF_ART".split())
_PLACES = frozenset({"GPE", "LOC", "FAC"})
_PERSONAL = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves|you|your|yours|yourself)\b")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD_NUMBER = {
    w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|" + "|".join(_WORD_NUMBER) + r"|another|an?"
_SCALE_WORD = "|".join(_SCALE)
# A number with its scale if one follows ("1,300", "two million", "a thousand"), or a scale word
# alone, which counts one of it ("another million", "thousands" is none: the scale ends a word).
_FIGURE = re.compile(
    rf"(?<![\w.])(?:(?P<number>{_NUMBER})(?:\s*(?P<scale>{_SCALE_WORD})\b)?|(?P<alone>{_SCALE_WORD})\b)",
    re.IGNORECASE,
)
MAX_WORDS = 60  # longer "sentences" are run-together page text, not one claim


@dataclass(frozen=True, slots=True)
class Core:
    """What two sentences must share to state one claim: their figures, named things, places."""

    figures: frozenset[float]
    names: frozenset[str]
    places: frozenset[str]
    is_claim: bool


def is_claim_sentence(text: str) -> bool:
    """Whether a sentence reads as the outlet's own report of a fact: a whole sentence of at
    most MAX_WORDS words, not a question, with no first or second person outside quotation
    marks ("I am not worried about swine flu", "Do you mean a media pandemic?")."""
    text = text.strip()
    if not is_whole_sentence(text) or len(text.split()) > MAX_WORDS:
        return False
    if re.search(r"\?[\"”’')\]]*$", text):
        return False
    return not _PERSONAL.search(_QUOTED.sub(" ", text).replace("U.S.", "US"))


def figures_of(text: str) -> frozenset[float]:
    """The figures a sentence gives, as numbers: "1,300" and "1300" are one; "one million", "1
    million" and "a million" are 1e6. Bare number words without a scale ("one of them") are
    not figures; neither are ordinals or a digit inside a word ("H1N1")."""
    found = set()
    for match in _FIGURE.finditer(text):
        number, scale = match["number"], match["scale"] or match["alone"]
        if number and not scale and not number[0].isdigit():
            continue  # "one", "a", "another" alone are no figure
        end = match.end("number")
        if number and number[0].isdigit() and re.match(r"[A-Za-z]", text[end : end + 1]):
            continue  # "1st", "H1N1" (the lookbehind keeps the leading "H" out)
        if number and number[0].isdigit():
            value = float(number.replace(",", ""))
        else:
            value = float(_WORD_NUMBER.get((number or "one").lower(), 1))
        found.add(value * (_SCALE[scale.lower()] if scale else 1))
    return frozenset(found)


def core_of(text: str, span: Span, analysis: Analysis) -> Core:
    """The core of the sentence at `span`: its figures and the named things its mentions name
    (by entity, else by name)."""
    names, places = set(), set()
    for mention in analysis.mentions:
        if span.start <= mention.start < span.end and mention.label in _NAMED:
            key = mention.entity_id or normalize_name(mention.text).lower()
            names.add(key)
            if mention.label in _PLACES:
                places.add(key)
    return Core(
        figures=figures_of(text),
        names=frozenset(names),
        places=frozenset(places),
        is_claim=is_claim_sentence(text),
    )


def cores_agree(a: Core, b: Core) -> bool:
    """Whether two sentences' cores can be one claim: both claim sentences; their figures agree
    (those of the one giving fewer are all in the other, and a sentence with figures never
    matches one without); they name a common thing when both name any, and a common place
    when both name a place."""
    if not (a.is_claim and b.is_claim):
        return False
    fewer, more = sorted((a.figures, b.figures), key=len)
    if (not fewer and more) or not fewer <= more:
        return False
    return same_things(a, b)


def same_claim(words: float, a: Core, b: Core) -> bool:
    """Whether two sentences with TF-IDF cosine `words` (`lexical_similarity`) and cores `a`
    and `b` state one claim: enough distinctive words in common (DEFAULTS.claims.same_words,
    chosen leave one topic out) and cores that agree."""
    return words >= DEFAULTS.claims.same_words and cores_agree(a, b)


def same_things(a: Core, b: Core) -> bool:
    """Whether two sentences can be about one thing: a common named thing when both name any,
    and a common place when both name a place ("cases in the US" and "cases outside Mexico"
    are two counts)."""
    if a.names and b.names and not a.names & b.names:
        return False
    return not (a.places and b.places and not a.places & b.places)


def lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine of every pair of `texts`, the weights fitted on `texts` themselves, so that
    the words of the whole story ("swine flu") count little and its particular ones much."""
    if not texts:
        return np.zeros((0, 0))
    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words
        return np.zeros((len(texts), len(texts)))
    return np.asarray((matrix @ matrix.T).todense())
