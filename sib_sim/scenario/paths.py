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

    @property
    def field(self) -> str:
        """The name of the value itself: the last key ("price" in contract.outcomes.0.price)."""
        return str(self[-1]) if self else ""

    def ancestry(self) -> "list[FieldPath]":
        """This path, then each section it lies in, innermost first (where an annotation written on
        a whole list or record is looked up for a value under it)."""
        return [FieldPath(self[:depth]) for depth in range(len(self), 0, -1)]

    def shared_depth(self, other: tuple) -> int:
        """How many leading segments the two paths share (positions and their text alike)."""
        return next((i for i, (a, b) in enumerate(zip(self, other)) if str(a) != str(b)), min(len(self), len(other)))

    def under(self, section: tuple) -> bool:
        """Whether this path lies inside `section` (or is it)."""
        return self.shared_depth(section) == len(section)

    def _step(self, node: Any, segment: str | int) -> tuple[Any, str | int] | None:
        """One step into plain data or a model: a key or attribute, a list position, or a list item
        named by its id."""
        if isinstance(node, Mapping):
            key = str(segment)
            return (node[key], key) if key in node else None
        if isinstance(node, (list, tuple)):
            if isinstance(segment, int) or str(segment).isdigit():
                index = int(segment)
                return (node[index], index) if 0 <= index < len(node) else None
            for index, item in enumerate(node):
                if _id_of(item) == segment:
                    return item, index
            return None
        key = str(segment)
        if key in getattr(type(node), "model_fields", {}):  # a validated scenario's section
            return getattr(node, key), key
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
        """The value this path names in plain data or a validated scenario (None where it does not exist)."""
        node = data
        for segment in self:
            step = self._step(node, segment)
            if step is None:
                return None
            node = step[0]
        return node


def canonical_path(data: object, text: str) -> FieldPath | None:
    """A dotted path with list items named by index (ids resolved), or None if it does not exist."""
    try:
        return FieldPath.parse(text).resolve(data)
    except ValueError:
        return None


def _id_of(item: Any) -> Any:
    return item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a published reference, or an explicit assumption with a note."""

    reference: str | None = None
    assumption: bool = False
    note: str | None = None
    unit: str | None = None


def source_within(sources: Mapping[str, Source], path: str) -> Source | None:
    """The annotation of the value at `path`, or of the nearest list or record it lies in (a source
    written on a whole section applies to the fields under it); keys are dotted paths."""
    for section in FieldPath.parse(path).ancestry():
        found = sources.get(str(section))
        if found is not None:
            return found
    return None


__all__ = ["FieldPath", "Source", "source_within"]
