"""Convert the frozen records to plain JSON-ready dicts and back, guided by their type hints."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")


def to_dict(record: Any) -> Any:
    """A JSON-ready copy of a record: dataclasses become dicts, tuples lists, dates ISO strings."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(item) for item in record]
    if isinstance(record, dict):
        return {key: to_dict(value) for key, value in record.items()}
    if isinstance(record, date):
        return record.isoformat()
    return record


def from_dict(cls: type[T], data: dict) -> T:
    """Rebuild a record of type `cls` from `to_dict` output."""
    convert = _converters(cls)  # type: ignore[arg-type]  # mypy does not count type[T] as Hashable
    return cls(**{name: convert[name](value) for name, value in data.items() if name in convert})


@functools.cache
def _converters(cls: type) -> dict[str, Callable[[Any], Any]]:
    """A converter for each field of `cls`, made once from its type hint: rebuilding the many
    records of a briefing then reads no hint again."""
    return {name: _converter(hint) for name, hint in typing.get_type_hints(cls).items()}


def _converter(hint: Any) -> Callable[[Any], Any]:
    """What `from_dict` does to a value of type `hint` (None stays None)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _same
    if origin is tuple:
        (item_hint, *_rest) = typing.get_args(hint)
        item = _converter(item_hint)
        return lambda value: None if value is None else tuple(item(v) for v in value)
    if hint is date:
        return lambda value: None if value is None else date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda value: None if value is None else from_dict(hint, value)
    return _same


def _same(value: Any) -> Any:
    return value
