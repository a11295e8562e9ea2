"""Pieces of the corpus stages kept in the store, keyed by a digest of everything they read.

The corpus stages see the whole batch, but most of their work is done one article (its shown
quotes, the dates of an undated one), one event (its summary, claims and timeline) or one
pair of events of a story (the links between their claims) at a time, from inputs that can
be named completely: the article and its parse, the entities its mentions link to, the
event's member articles, candidates, quotes and dates, and the stage versions. Adding a few
articles to a stored set changes those inputs only for the pieces the new articles touch;
every other piece's digest is the same as last time, and its result is read back instead of
made again. A result read back is the one a fresh run makes,
because the key holds every input and the code's versions (and the settings), never a
position in the batch.

`Memo` is what `pipeline.corpus_stages` is given (None: everything is made, as for a batch
without a store); `digest` makes the keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storyline.config import DEFAULTS
from storyline.models import Analysis, Article, Token
from storyline.store import Store

# Every field of a token, as the store keeps it.
_token_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Token)))


def digest(*parts: Any) -> str:
    """A key for `parts`: records (frozen dataclasses, whose repr names every field), lists,
    tuples, dicts, strings, numbers, dates and None, in order. Their repr is exact (a float's
    repr reads back as the same float) and several times faster than JSON. Not for numpy
    arrays, whose repr elides values: a piece is keyed by what its vectors are made from."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def article_digest(article: Article) -> str:
    """Every field of the article, its text included (two stored copies of one text may carry
    different outlets or dates)."""
    return digest(article)


def parse_digest(analysis: Analysis) -> str:
    """The parse of one article: sentences, every field of every token, and the mentions
    without their entity ids (those depend on the batch; `links` holds them)."""
    # Plain tuples of strings and ints: their repr is about twice as fast as the records'.
    return digest(
        [(s.start, s.end) for s in analysis.sentences],
        [_token_fields(t) for t in analysis.tokens],
        [(m.start, m.end, m.text, m.label) for m in analysis.mentions],
    )


def links(analysis: Analysis) -> list[str | None]:
    """The entity id of each mention of a linked analysis, in order."""
    return [m.entity_id for m in analysis.mentions]


def partition(labels: Iterable[str | None]) -> list[int | None]:
    """Each label as the order of its first appearance (None stays None): which items share a
    label, not the labels. A piece that only compares ids (an entity's mentions, a quote group)
    reads this much of them; the ids themselves come from the whole batch (an entity's id is
    its canonical name, which another article can change) and would change its key for
    nothing."""
    first: dict[str, int] = {}
    return [None if label is None else first.setdefault(label, len(first)) for label in labels]


def settings_digest() -> str:
    """The settings the stages read (a changed threshold is another result)."""
    return digest(repr(DEFAULTS))


@dataclass
class Memo:
    """The store's memo rows as seen by one briefing run (`run`): what it reads back counts as
    used by the run, what it makes is stored as used by it, and `prune` drops the rows that
    none of the last few runs used. `made` and `reused` count the pieces by stage."""

    store: Store
    run: int = 0
    made: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.run:
            self.run = self.store.memo_run()

    def recall(self, stage: str, keys: Mapping[str, str]) -> dict[str, Any]:
        """The stored results of the items whose key (`keys`: item -> key) is held, by item."""
        stored = self.store.get_memo(stage, set(keys.values()), self.run)
        found = {item: stored[key] for item, key in keys.items() if key in stored}
        self.reused[stage] = self.reused.get(stage, 0) + len(found)
        return found

    def keep(self, stage: str, keys: Mapping[str, str], results: Mapping[str, Any]) -> None:
        """Store the freshly made `results` (item -> JSON) under their items' keys."""
        self.made[stage] = self.made.get(stage, 0) + len(results)
        if results:
            self.store.put_memo(stage, self.run, {keys[item]: value for item, value in results.items()})

    def prune(self, keep: int = DEFAULTS.store.kept_briefings) -> int:
        """Delete the rows none of the last `keep` runs used; return how many went."""
        return self.store.prune_memo(self.run, keep=keep)

    def counts(self, stage: str) -> str:
        """ "N made, M from the store" for the log."""
        return f"{self.made.get(stage, 0)} made, {self.reused.get(stage, 0)} from the store"
