"""A short extractive summary of each event in which every line cites its sources.

Sentences are chosen by maximal marginal relevance: close to the event's centroid, early in
their article, supported by other outlets, and not redundant with lines already chosen. A line
is an article sentence verbatim; its cites are that sentence plus the sentences of other
sources that say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from storyline import sameness
from storyline.claims import Statement
from storyline.config import DEFAULTS
from storyline.models import Analysis, Mention, SummaryLine, Token
from storyline.quotes.animacy import speaker_kind
from storyline.sentences import is_clean_line, parse_flaw, quoted_spans, stands_alone

SUMMARY_VERSION = "summary-6"  # 6: support states the line's claim (sameness); a he/she names someone


def summarize_event(
    statements: Sequence[Statement],
    *,
    max_lines: int = DEFAULTS.summary.max_lines,
    analyses: Mapping[str, Analysis] | None = None,
) -> list[SummaryLine]:
    """Pick up to `max_lines` statements that cover the event without repeating each other;
    with `analyses` (the articles' parses), only lines the parse reads as prose
    (`_reads_as_line`), and no line naming a person by surname alone unless a line before it
    gave the full name."""
    parsed = _Parses(analyses or {})
    candidates = [
        s
        for s in statements
        if len(s.text.split()) <= DEFAULTS.summary.max_words
        and is_clean_line(s.text)
        and stands_alone(s.text)
        and parsed.reads_as_line(s)
        and parsed.names_whom_it_means(s)
    ]
    if not candidates:
        return []
    introduces = [parsed.full_names(s) for s in candidates]
    needs = [parsed.surnames(s) - own for s, own in zip(candidates, introduces, strict=True)]
    matrix = np.stack([s.vector for s in candidates])
    # The event's centre is that of all its statements, not only those fit to be lines, so
    # that which lines are eligible does not move what the event is about.
    centroid = np.stack([s.vector for s in statements]).mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    similar = matrix @ matrix.T
    says_same = _says_same(candidates, similar, analyses or {})
    support = [{candidates[j].source_key for j in np.flatnonzero(row)} for row in says_same]
    relevance = (
        matrix @ centroid
        + DEFAULTS.summary.support_weight * np.array([len(s) - 1 for s in support])
        + DEFAULTS.summary.lead_weight * np.array([s.position == 0 for s in candidates])
        # A bare quotation reads badly out of context; prefer reported prose.
        - DEFAULTS.summary.quotation_penalty * np.array([s.text[:1] in "\"“‘'" for s in candidates])
    )
    chosen: list[int] = []
    while len(chosen) < min(max_lines, len(candidates)):
        best, best_score = None, -np.inf
        for i in range(len(candidates)):
            if i in chosen:
                continue
            redundancy = max((similar[i, j] for j in chosen), default=0.0)
            if redundancy >= DEFAULTS.summary.redundancy_similarity:
                continue
            if not needs[i] <= {name for j in chosen for name in introduces[j]}:
                continue  # "Granger says ...": who Granger is was never said
            score = relevance[i] - DEFAULTS.summary.redundancy_weight * redundancy
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
    lines = []
    for i in chosen:
        own = candidates[i]
        others = {}
        for j in np.argsort(-similar[i]):
            other = candidates[j]
            if similar[i, j] < DEFAULTS.summary.support_similarity:
                break
            if not says_same[i, j]:
                continue
            if other.source_key != own.source_key and other.source_key not in others:
                others[other.source_key] = other.span
        lines.append(SummaryLine(text=own.text, cites=(own.span, *others.values())))
    return lines


def _says_same(
    candidates: Sequence[Statement], similar: np.ndarray, analyses: Mapping[str, Analysis]
) -> np.ndarray:
    """Which candidates state each one's claim, and so may be cited as its support: close in
    meaning (DEFAULTS.summary.support_similarity), and, where the parses are known, the same
    claim by the test the claims use (`storyline.sameness`: cores that agree and enough shared
    distinctive words), since a close embedding alone makes a topic, not a claim."""
    close = similar >= DEFAULTS.summary.support_similarity
    if not all(s.span.article_id in analyses for s in candidates):
        return close
    cores = [sameness.core_of(s.text, s.span, analyses[s.span.article_id]) for s in candidates]
    words = sameness.lexical_similarity([s.text for s in candidates])
    same = close.copy()
    for i, j in zip(*np.nonzero(close), strict=True):
        same[i, j] = i == j or sameness.same_claim(words[i, j], cores[i], cores[j])
    np.fill_diagonal(same, True)
    return same


# Verbs of speech and thought, whose present tense reports ("the WHO says ..."): any other verb in
# the simple present at a line's root is a caption's ("Protesters gather in the square") or a
# headline's, describing a picture or a page rather than reporting.
_REPORTING = frozenset(
    "say tell report announce confirm claim warn state insist argue add write urge believe "
    "think expect fear estimate show suggest accuse deny admit".split()
)
CAPTION_WORDS = 20  # a photo caption is a short line: "Protesters gather in the square on Friday."
_PERSONAL_PRONOUNS = frozenset("he she him his her himself herself".split())
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Prof|Sir|Lady|Lord|Gen|Col|Capt|Rev|President|Judge)\.?\s+")


class _Parses:
    """The parse of each candidate line, looked up by its article and sentence index."""

    def __init__(self, analyses: Mapping[str, Analysis]) -> None:
        self._analyses = analyses
        self._tokens: dict[str, dict[int, list[Token]]] = {}
        self._names: dict[str, dict[str, set[str]]] = {}

    def _of(self, statement: Statement) -> tuple[list[Token], list[Mention]]:
        analysis = self._analyses.get(statement.span.article_id)
        if analysis is None:
            return [], []
        by_sentence = self._tokens.get(analysis.article_id)
        if by_sentence is None:
            by_sentence = self._tokens[analysis.article_id] = {}
            for token in analysis.tokens:
                by_sentence.setdefault(token.sent, []).append(token)
        span = statement.span
        tokens = [t for t in by_sentence.get(statement.position, ()) if span.start <= t.start < span.end]
        mentions = [m for m in analysis.mentions if span.start <= m.start < span.end]
        return tokens, mentions

    def reads_as_line(self, statement: Statement) -> bool:
        """The parse finds a verb at the root and nothing run in (`parse_flaw`), no possessive
        pronoun in the subject with no name before it to say whose ("Several hundred people in
        his home village ..."; "In its statement, the ministry said" names it after), and a
        line as short as a caption is not in a caption's simple present (a longer one may be:
        "The treaty guarantees Estria 40 percent of the flow ... and sets up a commission ...")."""
        tokens, mentions = self._of(statement)
        if not tokens:
            return True
        if parse_flaw(statement.text, tokens, mentions, origin=statement.span.start):
            return False
        root = next(t for t in tokens if t.dep == "ROOT")
        subject = next((t for t in tokens if t.head == root.i and t.dep in ("nsubj", "nsubjpass")), None)
        possessive = next((t for t in tokens if t.tag == "PRP$" and t.i < root.i), None)
        if subject is not None and possessive is not None and subject.i < possessive.i:
            named = any(t.tag in ("NNP", "NNPS") for t in tokens if t.i < possessive.i)
            if not named:
                return False  # "Data from their research ...": whose, the sentences before it said
        if len(statement.text.split()) > CAPTION_WORDS:
            return True
        helpers = [t for t in tokens if t.head == root.i and t.i != root.i and t.dep in ("aux", "auxpass")]
        return not (
            root.tag in ("VBZ", "VBP")
            and not helpers
            and root.lemma not in ("be", "have")
            and root.lemma.lower() not in _REPORTING
        )

    def names_whom_it_means(self, statement: Statement) -> bool:
        """Whether each "he", "she" or "him" of a line (outside quotation marks) comes after a
        person the line names, by name or by a noun for a person ("An aide said he ..."), and
        each "his" or "her" has such a person anywhere in the line ("In his speech, Obama said
        ..."): a line read alone cannot lean on a person its neighbours named ("Writing on
        Twitter, he said ...", "Still, it wasn't until the speech's end that he detailed ...")."""
        tokens, mentions = self._of(statement)
        if not tokens:
            return True
        origin = statement.span.start
        quoted = [(origin + s, origin + e) for s, e in quoted_spans(statement.text)]
        people = [m.start for m in mentions if m.label == "PERSON"]
        people += [
            t.start for t in tokens if t.pos == "NOUN" and "person" in (speaker_kind(t.lemma.lower()) or "")
        ]
        for token in tokens:
            word = statement.text[token.start - origin : token.end - origin].lower()
            if word not in _PERSONAL_PRONOUNS or any(s <= token.start < e for s, e in quoted):
                continue
            cataphoric = token.tag == "PRP$"  # "In his speech, Obama said ..."
            if not any(cataphoric or start < token.start for start in people):
                return False
        return True

    def _full_names(self, statement: Statement) -> dict[str, set[str]]:
        """The people its article names in full (a PERSON mention of two words or more), by
        surname: the named-entity model misses many a surname alone, rarely every full name."""
        analysis = self._analyses.get(statement.span.article_id)
        if analysis is None:
            return {}
        names = self._names.get(analysis.article_id)
        if names is None:
            names = self._names[analysis.article_id] = {}
            for m in analysis.mentions:
                words = _TITLE.sub("", m.text).split()
                if m.label == "PERSON" and len(words) > 1 and words[-1][:1].isupper():
                    names.setdefault(words[-1], set()).add(" ".join(words))
        return names

    def full_names(self, statement: Statement) -> set[str]:
        """The surnames of the people a line names in full ("Kay Granger" gives "Granger")."""
        return {
            surname
            for surname, names in self._full_names(statement).items()
            if any(name in statement.text for name in names)
        }

    def surnames(self, statement: Statement) -> set[str]:
        """The people of its article a line names by surname alone ("Granger said ...", "Mr
        Granger")."""
        return {
            surname
            for surname in self._full_names(statement)
            if re.search(rf"\b{re.escape(surname)}\b", statement.text)
        }
