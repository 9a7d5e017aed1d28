"""YAML parsed into plain data that remembers where every key and value was written.

PyYAML's safe loader gives plain dicts and lists but forgets line numbers, and silently keeps the
last of two equal keys. Here the document is composed into nodes (which carry marks) and built into
data by hand, so that every error can name file:line:column and duplicate keys are refused.

Annotated values (`rate_per_month: {value: 118, reference: "..."}`) are replaced by their `value`
while building, and their annotation is kept as a Source under the field's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError
from ..scenario.overrides import FieldPath, did_you_mean, dotted, value_at
from ..scenario.paths import Source

SOURCE_KEYS = ("reference", "assumption", "note", "unit")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BINARY_TAG = "tag:yaml.org,2002:binary"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


@dataclass
class Located:
    """Plain data plus, for every field path, where it was written ("file:line:column" or "--set ...")."""

    data: dict[str, Any]
    values: dict[FieldPath, str] = field(default_factory=dict)  # path -> where its value starts
    keys: dict[FieldPath, str] = field(default_factory=dict)  # path -> where the key naming it is
    sources: dict[FieldPath, Source] = field(default_factory=dict)

    def forget(self, path: FieldPath) -> None:
        """Drop locations and sources at and under `path` (its value is being replaced)."""
        for table in (self.values, self.keys, self.sources):
            for known in [p for p in table if p[:len(path)] == path]:
                del table[known]

    def where(self, path: FieldPath, at_key: bool = False) -> str | None:
        """Where to point for an error at `path`.

        A single value points at the value; a section or list at the key that names it; a path that
        does not exist (a missing field) at its nearest existing parent.
        """
        if at_key and path in self.keys:
            return self.keys[path]
        for depth in range(len(path), -1, -1):
            here = path[:depth]
            if here not in self.values:
                continue
            missing = depth < len(path)
            if missing or isinstance(value_at(self.data, here), (dict, list)):
                return self.keys.get(here, self.values[here])
            return self.values[here]
        return None


def parse_yaml(text: str, filename: str) -> Located:
    """Parse one YAML document that must be a mapping; every problem is a UserError with a location."""
    try:
        checked = yaml.SafeLoader(text)  # checks every character up front
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, filename) from None
    loader = checked
    try:
        loader, node = _compose(text, checked, filename)
        located = Located(data={})
        located.data = _Builder(loader, filename, located).build(node, ())
        return located
    except RecursionError:
        raise UserError("the YAML is nested too deeply", where=filename) from None
    finally:
        loader.dispose()
        checked.dispose()


def key_location(filename: str, path: FieldPath) -> str:
    """file:line:column of the key at `path` in the YAML file `filename`, or the file's name when
    the file cannot be read or has no such key (for an error about a value already validated)."""
    try:
        located = parse_yaml(Path(filename).read_text(encoding="utf-8"), filename)
    except (OSError, UserError):
        return filename
    return located.where(path, at_key=True) or filename


def _compose(text: str, checked: yaml.SafeLoader, filename: str) -> tuple[yaml.SafeLoader, yaml.MappingNode]:
    """The document's node tree (with marks) and the loader that composed it; it must be one mapping.

    libyaml's parser (where PyYAML has it) is ten times faster than the pure-Python one, which is
    most of `validate` on a long scenario; a document it cannot read is read again by the pure-Python
    parser, whose messages are the ones users see, whichever parser is installed."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        loader = fast(text)
        try:
            return loader, _one_mapping(loader.get_single_node(), filename)
        except yaml.YAMLError:
            loader.dispose()
    try:
        node = checked.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, filename) from None
    except yaml.YAMLError as error:
        raise UserError(f"cannot read YAML: {error}", where=filename) from None
    return checked, _one_mapping(node, filename)


def _one_mapping(node: yaml.Node | None, filename: str) -> yaml.MappingNode:
    if node is None:
        raise UserError("the file is empty; a scenario is a mapping of sections (name, cohort, ...)",
                        where=filename)
    if not isinstance(node, yaml.MappingNode):
        raise UserError(f"a scenario must be a mapping of sections (name, cohort, ...), not {_what(node)}",
                        where=_mark(node, filename))
    return node


def _reader_error(error: yaml.reader.ReaderError, text: str, filename: str) -> UserError:
    line = text.count("\n", 0, error.position) + 1
    column = error.position - text.rfind("\n", 0, error.position)
    return UserError(f"YAML syntax error: character #x{error.character:04x} is not allowed ({error.reason})",
                     where=f"{filename}:{line}:{column}")


def _syntax_error(error: yaml.MarkedYAMLError, filename: str) -> UserError:
    mark = error.problem_mark or error.context_mark
    where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
    problem = error.problem or "cannot parse"
    context = f" ({error.context})" if error.context else ""
    return UserError(f"YAML syntax error: {problem}{context}", where=where)


def _mark(node: yaml.Node, filename: str) -> str:
    return f"{filename}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _what(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value" if isinstance(node, yaml.ScalarNode) else "a mapping"


MAX_VALUES = 200_000  # a real scenario has a few hundred


class _Builder:
    """Builds plain data from composed nodes, recording locations and sources in a Located."""

    def __init__(self, loader: yaml.SafeLoader, filename: str, located: Located) -> None:
        self.loader = loader
        self.filename = filename
        self.located = located
        self.active: set[int] = set()  # nodes being built: an alias to one of them is a loop
        self.built = 0  # values built so far: aliases can make a short file expand without limit

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.built += 1
        if self.built > MAX_VALUES:
            raise UserError(f"the document expands to more than {MAX_VALUES:,} values (YAML aliases?)",
                            where=self.mark(node), field=dotted(path) or None)
        if id(node) in self.active:
            raise UserError("a YAML alias refers to a mapping or list that contains it",
                            where=self.mark(node), field=dotted(path) or None)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            # The constructor refuses unknown tags on scalars; do the same for mappings and lists.
            raise UserError(f"unsupported YAML tag {node.tag!r}", where=self.mark(node), field=dotted(path) or None)
        self.located.values[path] = self.mark(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.scalar(node, path)
        finally:
            self.active.discard(id(node))

    def mark(self, node: yaml.Node) -> str:
        return _mark(node, self.filename)

    def scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        if node.tag == _BINARY_TAG:  # bytes would pass as text (pydantic decodes them): never a scenario value
            raise UserError("binary (!!binary) values are not supported; write plain text", where=self.mark(node),
                            field=dotted(path) or None)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            # e.g. a date that does not exist (2016-13-01) or an unsafe tag (!!python/object)
            problem = getattr(error, "problem", None) or str(error)
            raise UserError(f"cannot read this value: {problem}", where=self.mark(node),
                            field=dotted(path) or None) from None

    def key(self, node: yaml.Node, path: FieldPath) -> str:
        value = self.scalar(node, path) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str):
            # YAML reads `yes:`, `on:`, `1:` as a bool or number; keys here are always names.
            what = repr(value) if isinstance(node, yaml.ScalarNode) else _what(node)
            raise UserError(f"a key must be a name, not {what}", where=self.mark(node),
                            field=dotted(path) or None, hint="quote it if it is meant as text")
        return value

    def pairs(self, node: yaml.MappingNode, path: FieldPath) -> tuple[list[tuple[str, Any, Any]], list[Any]]:
        """The (key, key node, value node) pairs of a mapping, refusing duplicate keys; and `<<` merges."""
        pairs: list[tuple[str, Any, Any]] = []
        merges: list[Any] = []
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self.key(key_node, path)
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                raise UserError(f"duplicate key {key!r} (first written at line {line})",
                                where=self.mark(key_node), field=dotted(path + (key,)))
            first_seen[key] = key_node
            pairs.append((key, key_node, value_node))
        return pairs, merges

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> Any:
        pairs, merges = self.pairs(node, path)
        if path and not merges and any(key == "value" for key, _, _ in pairs):
            return self.annotated(pairs, path)
        result: dict[str, Any] = self.merged(merges, path)
        for key, key_node, value_node in pairs:
            self.located.keys[path + (key,)] = self.mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        self.located.values[path] = self.mark(node)  # a merge may have recorded its source here
        return result

    def merged(self, merges: list[Any], path: FieldPath) -> dict[str, Any]:
        """The mappings named by `<<: *anchor` (or a list of them), earlier ones winning."""
        result: dict[str, Any] = {}
        sources = [n for m in merges for n in (m.value if isinstance(m, yaml.SequenceNode) else [m])]
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                raise UserError("'<<' must name a mapping", where=self.mark(source), field=dotted(path) or None)
            result.update(self.build(source, path))
        return result

    def annotated(self, pairs: list[tuple[str, Any, Any]], path: FieldPath) -> Any:
        """An annotated value: record its Source under `path` and return the bare value."""
        notes: dict[str, Any] = {}
        value_node = None
        for key, key_node, node in pairs:
            if key == "value":
                value_node = node
            elif key not in SOURCE_KEYS:
                raise UserError(f"unknown key {key!r} next to 'value'", where=self.mark(key_node),
                                field=dotted(path), hint=did_you_mean(key, ("value",) + SOURCE_KEYS))
            else:
                notes[key] = self.annotation(key, node, path)
        self.located.sources[path] = Source(**notes)
        return self.build(value_node, path)

    def annotation(self, key: str, node: yaml.Node, path: FieldPath) -> Any:
        value = self.scalar(node, path) if isinstance(node, yaml.ScalarNode) else None
        wanted = bool if key == "assumption" else str
        if not isinstance(value, wanted):
            need = "true or false" if wanted is bool else "text"
            what = repr(value) if isinstance(node, yaml.ScalarNode) else _what(node)
            raise UserError(f"{key!r} must be {need}, not {what}", where=self.mark(node),
                            field=dotted(path))
        return value


__all__ = ["Located", "Source", "parse_yaml"]
