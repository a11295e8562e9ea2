"""The per-article work a runner does once per article and stores under its version: cleaning
one document, and the quote tagger's spans of one article in the form the store keeps.

The single-process runner (`storyline.pipeline`) and the Ray runner
(`storyline.distributed.ray_runner`) both call these, so they make the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from storyline import nlp
from storyline.clean import clean_document
from storyline.errors import ExtractionError, StageError
from storyline.models import Article, RawDocument, TimeExpression
from storyline.quotes.tagger import TaggedSpan, tagger_digest

log = logging.getLogger(__name__)

TAGS_VERSION = "tags-1"  # the stored form of the quote tagger's spans of one article
TIMES_FORMAT = "times-1"  # the stored form of the time expressions of one article


def clean_article(doc: RawDocument, repeats: frozenset[str]) -> Article:
    """The document's article, cleaned with the lines repeated across its batch (`repeats`);
    ExtractionError when it holds none, StageError when a cleaner breaks on it (one broken
    document must not sink the batch)."""
    try:
        return clean_document(doc, batch_repeats=repeats)
    except ExtractionError:
        raise
    except Exception as e:
        log.debug("cleaning %s failed", doc.source, exc_info=True)  # the Failure says why, on one line
        raise StageError(f"{doc.source}: {type(e).__name__}: {e}", stage="clean", item_id=doc.source) from e


def quote_tags_version() -> str:
    """The version the quote tagger's spans are stored under: the parse they read and the
    tagger's files (a retrained tagger tags again)."""
    return f"{TAGS_VERSION}+{nlp.ANALYSIS_VERSION}+tagger-{tagger_digest()}"


def tags_to_json(tags: Sequence[TaggedSpan]) -> list[list]:
    """The spans as rows of (label, start, end, sentence, first token, last token)."""
    return [[t.label, t.start, t.end, t.sent, t.first, t.last] for t in tags]


def tags_from_json(rows: Sequence[Sequence]) -> list[TaggedSpan]:
    """The spans back from `tags_to_json` rows."""
    return [TaggedSpan(label, start, end, sent, first, last) for label, start, end, sent, first, last in rows]


def times_to_json(times: Sequence[TimeExpression]) -> list[list]:
    """The expressions as rows of (start, end, text, value, precision, sentence, type); the
    article id is the row's key."""
    return [[t.start, t.end, t.text, t.value, t.precision, t.sentence_index, t.type] for t in times]


def times_from_json(article_id: str, rows: Sequence[Sequence]) -> list[TimeExpression]:
    """The expressions of article `article_id` back from `times_to_json` rows."""
    return [
        TimeExpression(
            article_id=article_id,
            start=start,
            end=end,
            text=text,
            value=value,
            precision=precision,
            sentence_index=sentence,
            type=kind,
        )
        for start, end, text, value, precision, sentence, kind in rows
    ]
