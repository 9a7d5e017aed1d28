"""Dotted field paths, one type for all of them, and where a value comes from.

A path names one value of a scenario: a tuple of keys (str) and list positions (int), written
"contract.outcomes.0.price". Where a path is read from text (`--set`, `uncertainty:` keys, a
`sweep` axis), a list item may also be named by its `id`: "contract.outcomes.wellbeing.price".
FieldPath parses that text, prints it, and resolves it against plain scenario data (ids to
positions, or the value it names); every module that handles paths uses it rather than its own
split and walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class FieldPath(tuple):
    """A field path: a tuple of keys and list positions (so it works wherever a plain tuple did)."""

    @classmethod
    def parse(cls, text: str) -> "FieldPath":
        """"a.b.0.c" -> ("a", "b", 0, "c"): digits become positions; an empty segment is refused."""
        segments = [s.strip() for s in str(text).split(".")]
        if not str(text).strip() or any(not s for s in segments):
            raise ValueError(f"bad path {text!r}: expected dotted keys such as contract.cap")
        return cls(int(s) if s.isdigit() else s for s in segments)

    def __str__(self) -> str:
        return ".".join(str(segment) for segment in self)

    def __add__(self, other: tuple) -> "FieldPath":  # type: ignore[override]
        return FieldPath(tuple(self) + tuple(other))

    def _step(self, node: Any, segment: str | int) -> tuple[Any, str | int] | None:
        """One step into plain data: a key, a list position, or a list item named by its id."""
        if isinstance(node, Mapping):
            key = str(segment)
            return (node[key], key) if key in node else None
        if isinstance(node, (list, tuple)):
            if isinstance(segment, int) or str(segment).isdigit():
                index = int(segment)
                return (node[index], index) if 0 <= index < len(node) else None
            for index, item in enumerate(node):
                if isinstance(item, Mapping) and item.get("id") == segment:
                    return item, index
        return None

    def resolve(self, data: Any) -> "FieldPath | None":
        """This path with list items named by position (ids resolved), or None where it does not exist."""
        node, found = data, []
        for segment in self:
            step = self._step(node, segment)
            if step is None:
                return None
            node, key = step
            found.append(key)
        return FieldPath(found)

    def named(self, data: Any) -> "FieldPath":
        """List positions replaced by the item's id where it has one, as `--set` accepts them
        ("hospital.lines.ae.unit_cost"): easier to read and to paste into an override."""
        node, out = data, []
        for segment in self:
            step = self._step(node, segment)
            item = None if step is None else step[0]
            named = isinstance(node, (list, tuple)) and isinstance(item, Mapping) and "id" in item
            out.append(str(item["id"]) if named else segment)
            node = item
        return FieldPath(out)

    def value_in(self, data: Any) -> Any:
        """The value this path names in plain data (None where it does not exist)."""
        node = data
        for segment in self:
            step = self._step(node, segment)
            if step is None:
                return None
            node = step[0]
        return node


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a published reference, or an explicit assumption with a note."""

    reference: str | None = None
    assumption: bool = False
    note: str | None = None
    unit: str | None = None


__all__ = ["FieldPath", "Source"]
