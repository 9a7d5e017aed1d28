"""Changing a scenario by dotted path, and explaining validation errors by the same paths.

`with_overrides(scenario, {"contract.cap": 1e7})` returns a new, re-validated Scenario. The helpers
below are shared with the YAML loader (`sib_sim.io`), which applies `--set a.b.c=value` to the raw
document before validation; they work on plain dicts and lists and never touch files.

A path is a tuple of keys (str) and list indices (int), e.g. ("contract", "outcomes", 0, "price"),
written "contract.outcomes.0.price". In an override a list item may also be named by its `id`
("contract.outcomes.wellbeing.price").

The schema is walked from a root model passed in (not imported here), so this module never imports
the package's `__init__` and can be re-exported from it without an import cycle.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..fields import annotation_members
from .base import FieldError
from .paths import FieldPath, canonical_path
LIMIT_NOTED = 600  # an upper bound this large is one of sib_sim's documented limits, not a rule of the field
M = TypeVar("M", bound=BaseModel)


def dotted(path: Sequence[str | int]) -> str:
    return str(FieldPath(path))


def value_at(data: object, path: Sequence[str | int]) -> object:
    """The value at `path` in plain data, or None where the path does not exist."""
    return FieldPath(path).value_in(data)


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """A "did you mean" hint for a misspelt key, or the list of allowed keys when none is close."""
    if not choices:
        return None
    close = closest(word, choices)
    return f"did you mean {close!r}?" if close else "allowed: " + ", ".join(choices)


def closest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


# --- walking the schema ------------------------------------------------------------------------

DISCRIMINATORS = ("kind", "dist")  # the keys our discriminated unions choose a member by


def _kind_tags(model: type[BaseModel]) -> tuple[str, ...]:
    for name in DISCRIMINATORS:
        field = model.model_fields.get(name)
        if field and get_origin(field.annotation) is Literal:
            return tuple(get_args(field.annotation))
    return ()


def model_for(annotation: object, value: object) -> type[BaseModel] | None:
    """The model an annotation describes for this value; a discriminated union picks by its tag."""
    models = [m for m in annotation_members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) <= 1:
        return models[0] if models else None
    tags = [value.get(name) for name in DISCRIMINATORS] if isinstance(value, dict) else []
    return next((m for m in models if any(t in _kind_tags(m) for t in tags if t is not None)), None)


def kinds_of(annotation: object) -> list[str]:
    """The `kind` tags a discriminated-union annotation accepts (empty if it is not one)."""
    models = [m for m in annotation_members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return [tag for m in models for tag in _kind_tags(m)]


def _item_type(annotation: object, index: int) -> object | None:
    """The type of item `index` of a list or tuple annotation (through Optional and unions)."""
    for member in annotation_members(annotation):
        args = get_args(member)
        if get_origin(member) is list:
            return args[0]
        if get_origin(member) is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return args[0]
            return args[index] if 0 <= index < len(args) else None
    return None


def _step(annotation: object, node: object, segment: str | int) -> object | None:
    """The annotation one segment below `annotation` (whose data is `node`), or None if unknown."""
    if isinstance(segment, int):
        return _item_type(annotation, segment)
    model = model_for(annotation, node)
    if model is None or segment not in model.model_fields:
        return None
    return model.model_fields[segment].annotation


def type_at(root: type[BaseModel], path: Sequence[str | int], data: object) -> object | None:
    """The schema annotation at `path` (the data picks discriminated-union members), or None."""
    annotation: object | None = root
    for depth, segment in enumerate(path):
        annotation = _step(annotation, value_at(data, path[:depth]), segment)
        if annotation is None:
            return None
    return annotation


def field_names(root: type[BaseModel], path: Sequence[str | int], data: object) -> list[str] | None:
    """The keys allowed in the mapping at `path`, or None if the schema has no model there."""
    model = model_for(type_at(root, path, data), value_at(data, path))
    return list(model.model_fields) if model else None


# --- setting a value by path -------------------------------------------------------------------

def split_path(text: str, where: str | None = None) -> list[str]:
    try:
        return [str(segment) for segment in FieldPath.parse(text)]
    except ValueError as error:
        raise UserError(str(error), where=where,
                        hint="for example contract.cap=10000000 or contract.outcomes.wellbeing.price=300") from None


def _list_index(items: list[Any], segment: str, done: FieldPath, text: str, where: str | None) -> int:
    """A list position named by an integer index or by the `id` of an item (FieldPath's lookup)."""
    found = FieldPath((segment,)).resolve(items)
    if found is not None:
        return int(found[0])
    if segment.isdigit():
        raise UserError(f"no item {segment} in {dotted(done)} (it has {len(items)})", where=where, field=text)
    ids = [item.get("id") for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]
    hint = did_you_mean(segment, ids) if ids else f"use an index from 0 to {len(items) - 1}" if items else None
    raise UserError(f"no item {segment!r} in {dotted(done)}", where=where, field=text, hint=hint)


def _key(root: type[BaseModel], data: object, node: object, done: FieldPath, segment: str, text: str,
         where: str | None) -> str | int:
    """Resolve one path segment against the current node, refusing keys the schema does not have."""
    if isinstance(node, list):
        return _list_index(node, segment, done, text, where)
    if not isinstance(node, dict):
        what = f"{dotted(done)} is a single value" if done else "the scenario is not a mapping"
        raise UserError(f"{what}; it has no key {segment!r}", where=where, field=text)
    allowed = field_names(root, done, data)
    if allowed is None and segment in node:
        return segment  # no model known here (should not happen in a Scenario): trust the data
    if tuple(done) == ("uncertainty",) and segment == "groups":
        return segment  # named groups of uncertain parameters share the mapping (scenario.uncertainty)
    if allowed is not None and segment in allowed:
        return segment
    place = f" in {dotted(done)}" if done else ""
    raise UserError(f"unknown key {segment!r}{place}", where=where, field=text,
                    hint=did_you_mean(segment, allowed or sorted(node)))


def _child(root: type[BaseModel], data: object, node: Any, key: str | int, path: FieldPath, text: str,
           where: str | None) -> Any:
    """The container under `key`, created as {} if the schema has a section there that is absent."""
    if isinstance(node, dict) and node.get(key) is None:  # absent, or an empty `run:` line
        if model_for(type_at(root, path, data), {}) is None:
            raise UserError(f"{dotted(path)} is not set in the scenario; set it whole instead",
                            where=where, field=text)
        node[key] = {}
    child = node[key]
    if isinstance(child, tuple):  # dumped models hold tuples (sliding-scale points): make them settable
        child = node[key] = list(child)
    return child


def set_path(data: dict[str, Any], text: str, value: object, *, root: type[BaseModel],
             where: str | None = None) -> FieldPath:
    """Set `value` at the dotted path `text` in plain scenario data, in place.

    Each key must be a field of the schema at that place (a key absent from the data but known to the
    schema is created); list items are named by index or by `id`. Returns the path with indices, so
    the caller can forget the old value's location and source. Bad paths raise UserError.
    """
    segments = split_path(text, where)
    node: Any = data
    done: FieldPath = ()
    for depth, segment in enumerate(segments):
        key = _key(root, data, node, done, segment, text, where)
        done = done + (key,)
        if depth == len(segments) - 1:
            node[key] = value
        else:
            node = _child(root, data, node, key, done, text, where)
    return done


def fix_uncertain(data: dict[str, Any], path: FieldPath) -> None:
    """Setting a value by hand fixes it: drop any distribution the scenario had for it, and its place
    in any group of uncertain parameters (a group left empty goes too)."""
    uncertain = data.get("uncertainty")
    if isinstance(uncertain, dict):
        for key in [k for k in uncertain if k != "groups" and canonical_path(data, str(k)) == tuple(path)]:
            del uncertain[key]
        groups = uncertain.get("groups")
        if isinstance(groups, dict):
            for name, members in list(groups.items()):
                if isinstance(members, list):
                    kept = [m for m in members if canonical_path(data, str(m)) != tuple(path)]
                    if kept:
                        groups[name] = kept
                    else:
                        del groups[name]


def centre_on_points(data: dict[str, Any], path: FieldPath) -> list[FieldPath]:
    """Setting a distribution (the `uncertainty` section, or one entry of it) moves the field it
    describes to its point value, as an inline distribution does: the point value is the base case
    (DESIGN.md section 3). Returns the fields moved; a distribution that does not validate is left
    for validation to explain."""
    from pydantic import TypeAdapter

    from .uncertainty import Distribution  # scipy: only needed when a distribution is set

    uncertain = data.get("uncertainty")
    if path[:1] != ("uncertainty",) or not isinstance(uncertain, dict):
        return []
    keys = list(uncertain) if len(path) == 1 else [path[1]]
    moved: list[FieldPath] = []
    for key in keys:
        target = canonical_path(data, str(key))
        try:
            point = TypeAdapter(Distribution).validate_python(uncertain.get(key)).point
        except ValidationError:
            continue
        current = value_at(data, target) if target else None
        if target and isinstance(current, (int, float)) and not isinstance(current, bool):
            parent = value_at(data, target[:-1])
            if isinstance(parent, (dict, list)):
                parent[target[-1]] = point  # type: ignore[index]
                moved.append(target)
    return moved


# --- explaining validation errors --------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """The first validation error, said in the user's terms."""

    path: FieldPath  # as written in the file: list indices, no union tags
    message: str
    hint: str | None = None
    at_key: bool = False  # an unknown key: point at the key itself, not at its value
    more: int = 0  # how many other fields also have errors
    suggestion: str | None = None  # for an unknown key, the close known key it was probably meant as

    @property
    def text(self) -> str:
        if not self.more:
            return self.message
        return f"{self.message}; and {self.more} more error{'s' if self.more > 1 else ''}"


def clean_loc(root: type[BaseModel], loc: Sequence[str | int], data: object) -> FieldPath:
    """A pydantic error location as the user wrote it.

    pydantic inserts segments that are not in the document: the tag of a discriminated union
    ("sliding_scale"), the member of a plain union ("constrained-float", "list[DatedPrice]") and
    validator names ("function-after[...]"). Keep only keys present in the data or known to the schema.
    """
    path: list[str | int] = []
    for segment in loc:
        node = value_at(data, path)
        is_index = isinstance(segment, int) and isinstance(node, (list, tuple))
        is_key = isinstance(segment, str) and isinstance(node, dict) and (
            segment in node or segment in (field_names(root, path, data) or ()))
        if is_index or is_key:
            path.append(segment)
    return tuple(path)


def _plain(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _explain_one(root: type[BaseModel], error: Mapping[str, Any], data: object) -> Problem:
    path = clean_loc(root, error["loc"], data)
    kind = error["type"]
    if kind == "extra_forbidden" and path:
        allowed = field_names(root, path[:-1], data) or []
        return Problem(path, f"unknown key {path[-1]!r}", did_you_mean(str(path[-1]), allowed), at_key=True,
                       suggestion=closest(str(path[-1]), allowed))
    if kind == "missing" and path:
        return Problem(path, f"missing required key {path[-1]!r}")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = error.get("ctx", {})
        key = str(ctx.get("discriminator", "'kind'")).strip("'")
        tags = kinds_of(type_at(root, path, data)) or [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")
                                                      if t.strip(" '")]
        if kind == "union_tag_not_found":
            return Problem(path + (key,), f"missing required key {key!r}", "one of: " + ", ".join(tags))
        tag = str(ctx.get("tag"))
        return Problem(path + (key,), f"unknown {key} {tag!r}", did_you_mean(tag, tags) or "one of: " + ", ".join(tags))
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, FieldError):  # a cross-field check that names the field at fault
        path = path + tuple(cause.path)
    message = _plain(error["msg"])
    given = error.get("input")
    if kind != "value_error" and isinstance(given, (str, int, float)):
        message += f" (got {given!r})"
    if kind == "less_than_equal" and float(error.get("ctx", {}).get("le", 0)) >= LIMIT_NOTED:
        message += "; a documented limit (README, Limits)"
    return Problem(path, message)


def explain_validation_error(root: type[BaseModel], error: ValidationError, data: object) -> Problem:
    """The first error of a ValidationError, with a count of the other fields in error."""
    # A missing key is often the echo of a misspelt one ("pricee" for "price"): report it last, and
    # not at all when an unknown key next to it is a close match.
    errors = sorted(error.errors(), key=lambda e: e["type"] == "missing")
    problems = [_explain_one(root, e, data) for e in errors]
    echoes = {p.path[:-1] + (p.suggestion,) for p in problems if p.suggestion}
    problems = [p for p in problems if p.at_key or p.path not in echoes]
    # A plain union (a number, or a list of dated amounts) reports each member's complaint; the one
    # that reaches deeper into the data is about what the user wrote: drop the shallower ones.
    problems = [p for p in problems
                if p.at_key or not any(len(q.path) > len(p.path) and q.path[:len(p.path)] == p.path for q in problems)]
    # A plain union reports one error per member (a number? a list?): count fields, not errors.
    others = {p.path for p in problems} - {problems[0].path}
    return replace(problems[0], more=len(others))


# --- the Python API -------------------------------------------------------------------------------

def _thaw(value: object) -> object:
    """Plain, mutable data: dicts and lists all the way down."""
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value


def with_overrides(scenario: M, changes: Mapping[str, object]) -> M:
    """A new, re-validated scenario with each dotted path in `changes` set to its value.

    with_overrides(s, {"contract.cap": 1e7, "contract.outcomes.wellbeing.price": 300}). The input is
    not changed. A bad path or an invalid value raises UserError naming the field.
    """
    root = type(scenario)
    data = _thaw(scenario.model_dump(mode="python"))
    assert isinstance(data, dict)
    changed = []
    for text, value in changes.items():
        path = set_path(data, text, value, root=root, where=f"with_overrides {text!r}")
        changed.append(path)
        if FieldPath.parse(text)[0] != "uncertainty":
            fix_uncertain(data, path)
        else:
            centre_on_points(data, path)
    try:
        result = root.model_validate(data)
    except ValidationError as error:
        problem = explain_validation_error(root, error, data)
        raise UserError(problem.text, where="with_overrides", field=dotted(problem.path) or None,
                        hint=problem.hint) from None
    # A changed value no longer rests on its old annotation; the others keep theirs.
    sources = getattr(scenario, "_sources", None)
    if sources:
        result = result.with_sources({p: s for p, s in sources.items()  # type: ignore[attr-defined]
                                      if not any(p[:len(c)] == c for c in changed)})
    return result


__all__ = ["FieldPath", "Problem", "clean_loc", "closest", "did_you_mean", "dotted", "explain_validation_error",
           "centre_on_points", "field_names", "fix_uncertain", "kinds_of", "model_for", "set_path", "split_path", "type_at", "value_at",
           "with_overrides"]
