"""Article text as escaped HTML with stand-off spans marked: entities, quotes, dates, a cite.

Spans may nest or cross; crossing spans are split so the HTML stays well formed. Every piece of
article text and every attribute value goes through `markupsafe.escape`, so nothing in an
article can become markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of text to wrap in `<tag class=...>`; `attrs` are escaped when written."""

    start: int
    end: int
    tag: str  # "span" | "a" | "mark" | "q" | "time" | "del"
    cls: str
    attrs: tuple[tuple[str, str], ...] = ()
    rank: int = 0  # lower ranks wrap higher ranks when two spans start at the same offset


_TAGS = frozenset({"span", "a", "mark", "time"})
_ATTRS = frozenset(
    {"href", "title", "id", "class", "datetime", "data-kind", "data-start", "data-end", "data-speaker"}
)


def _open(mark: Mark, first: bool) -> str:
    parts = [f'<{mark.tag} class="{escape(mark.cls)}"']
    for name, value in mark.attrs:
        if name == "id" and not first:  # a split span keeps its id on the first piece only
            continue
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts) + ">"


def mark_up(text: str, marks: Sequence[Mark]) -> Markup:
    """`text` escaped, with each mark wrapped around its characters (split where spans cross)."""
    for mark in marks:
        if mark.tag not in _TAGS or any(name not in _ATTRS for name, _ in mark.attrs):
            raise ValueError(f"mark {mark!r}: tag or attribute not allowed")
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    valid.sort(key=lambda m: (m.start, -m.end, m.rank))
    bounds = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    out: list[str] = []
    stack: list[Mark] = []
    pending = 0
    index = 0
    for pos in bounds:
        if pos > 0:
            out.append(str(escape(text[pending:pos])))
        pending = pos
        # close every mark ending here; marks above it on the stack are closed and reopened
        ending = [i for i, m in enumerate(stack) if m.end == pos]
        if ending:
            above = stack[ending[0] :]
            del stack[ending[0] :]
            for m in reversed(above):
                out.append(f"</{m.tag}>")
            for m in above:
                if m.end > pos:
                    out.append(_open(m, first=False))
                    stack.append(m)
        while index < len(valid) and valid[index].start == pos:
            out.append(_open(valid[index], first=True))
            stack.append(valid[index])
            index += 1
    return Markup("".join(out))


__all__ = ["Mark", "mark_up"]
