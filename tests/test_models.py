"""The records' closed vocabularies against the JSON contract they are written to."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from storyline import models
from storyline.render import briefing_schema

# (alias, record, field, the schema's definition holding the field's enum)
VOCABULARIES = [
    (models.DuplicateKind, models.Duplicate, "kind", "duplicate"),
    (models.QuoteKind, models.Quote, "kind", "quote"),
    (models.SpeakerType, models.Quote, "speaker_type", "quote"),
    (models.TimelinePrecision, models.TimelineEntry, "precision", "timeline_entry"),
    (models.DatedBy, models.TimelineEntry, "dated_by", "timeline_entry"),
    (models.ClaimStatus, models.ClaimGroup, "status", "claim"),
]


def _enum(definition: str, field: str) -> list:
    return briefing_schema()["$defs"][definition]["properties"][field]["enum"]


@pytest.mark.parametrize(("alias", "record", "field", "definition"), VOCABULARIES)
def test_models_literal_matches_schema_enum(alias, record, field, definition):
    enum = _enum(definition, field)
    assert list(typing.get_args(alias)) == [v for v in enum if v is not None]
    # The record's field is typed by the alias, optional exactly when the schema allows null.
    hint = typing.get_type_hints(record)[field]
    assert hint == (alias | None if None in enum else alias)


def test_models_every_schema_enum_has_a_literal():
    schema = briefing_schema()
    enums = {
        (name, field)
        for name, definition in schema["$defs"].items()
        for field, spec in definition.get("properties", {}).items()
        if "enum" in spec
    }
    assert enums == {(definition, field) for _, _, field, definition in VOCABULARIES}


def test_models_records_frozen_slotted_keyword_only():
    records = [c for c in vars(models).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert models.Span in records and models.Briefing in records
    for record in records:
        assert record.__dataclass_params__.frozen, record
        assert "__slots__" in vars(record), record
        assert all(f.kw_only for f in dataclasses.fields(record)), record
    span = models.Span(article_id="a", start=0, end=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 2
    assert not hasattr(span, "__dict__")
    with pytest.raises(TypeError):
        models.Span("a", 0, 1)
