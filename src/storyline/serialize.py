"""Convert the frozen records to plain JSON-ready dicts and back, guided by their type hints."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
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
    hints = _hints(cls)  # type: ignore[arg-type]  # mypy does not count type[T] as Hashable
    values = {name: _convert(hints[name], value) for name, value in data.items() if name in hints}
    return cls(**values)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        (item_hint, *_rest) = typing.get_args(hint)
        return tuple(_convert(item_hint, item) for item in value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_dict(hint, value)
    return value
