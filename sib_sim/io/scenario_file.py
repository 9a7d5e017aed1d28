"""Reading a scenario file: YAML with locations, `extends`, `--set` overrides, then validation.
(The file's text and what it extends are read and merged by scenario_text.py.)

Every mistake a user can make in a file or an override ends as one UserError naming the file, line,
column and field (see DESIGN.md section 8); no raw exception escapes for bad input.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.overrides import (M, FieldPath, centre_on_points, dotted, explain_validation_error, fix_uncertain,
                                  set_path, value_at)
from ..scenario.base import Section
from ..scenario.ranges import check_ranges
from ..scenario.uncertainty import Distribution
from ..scenario.terms import Terms
from .scenario_text import decode_text, load_located, parent_file, read_bytes
from .yaml_locations import Located, Source, parse_yaml

_SET_EXAMPLE = "for example --set contract.cap=10000000"


class _OneDistribution(Section):
    """One distribution, so that its errors are explained against the distributions' own fields."""

    spec: Distribution


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario and where it came from.

    `sha256` is of the bytes of the file named (not its parents), for the results manifest.
    `sources` maps dotted field paths ("cohort.referrals.rate_per_month") to their annotations.
    """

    scenario: Scenario
    path: str
    sha256: str
    sources: dict[str, Source]


def read_scenario_file(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> ScenarioFile:
    """Read, merge (`extends`), override (`--set` texts "a.b.c=value") and validate a scenario file."""
    try:
        return _read_scenario_file(os.fspath(path), overrides)
    except RecursionError:  # a structure that refers to itself, or nests deeper than any scenario
        raise UserError("the document nests too deeply or refers to itself", where=os.fspath(path)) from None


def _read_scenario_file(filename: str, overrides: Sequence[str]) -> ScenarioFile:
    raw = read_bytes(filename)
    located = load_located(filename, decode_text(raw, filename), chain=())
    pristine = copy.deepcopy(located) if overrides else located
    try:
        scenario = _overridden(located, overrides)
    except UserError as error:
        blamed = _blame_overrides(error, pristine, overrides)
        raise (_blame_child(blamed, filename) if blamed is error else blamed) from None
    scenario = scenario.with_sources(located.sources)
    sources = {dotted(p): source for p, source in located.sources.items()}
    return ScenarioFile(scenario, filename, hashlib.sha256(raw).hexdigest(), sources)


def _overridden(located: Located, overrides: Sequence[str]) -> Scenario:
    """Apply the overrides to the parsed file (in place), then validate it as run would."""
    for text in overrides:
        _apply_override(located, text, Scenario)
    _lift_distributions(located)
    scenario = _validate(located, Scenario)
    _check_ranges(scenario, located)
    return scenario


def _blame_overrides(error: UserError, pristine: Located, overrides: Sequence[str]) -> UserError:
    """A `--set` that breaks a rule across fields (support longer than the horizon, say) is reported
    at the field the rule names, which may be a line of the file the user did not change: name the
    `--set` whose removal clears the error instead, and keep the file's line in the hint."""
    if not overrides or (error.where or "").startswith("--set"):
        return error
    culprits = []
    for text in overrides:
        try:
            _overridden(copy.deepcopy(pristine), [t for t in overrides if t is not text])
        except UserError as other:
            if (other.message, other.field) == (error.message, error.field):
                continue
        culprits.append(text)
    if not culprits:
        return error
    checked = f"checked against {error.where}" if error.where else None
    hint = "; ".join(h for h in (error.hint, checked) if h) or None
    return UserError(error.message, where=" ".join(f"--set {t}" for t in culprits), field=error.field, hint=hint)


def _blame_child(error: UserError, filename: str) -> UserError:
    """An error located in a parent file, although the parent is valid on its own, was caused by what
    this (extending) file changed: point at the value this file wrote that is closest to the field at
    fault, keeping the parent's line in the hint."""
    where = error.where or ""
    if not where or where.startswith(f"{filename}:") or where.startswith("--set") or not error.field:
        return error
    child = parse_yaml(decode_text(read_bytes(filename), filename), filename)
    if "extends" not in child.data:
        return error
    try:
        read_scenario_file(parent_file(child, filename, ()))
    except UserError:
        return error  # the parent is broken by itself: its own line is the right one
    fault = FieldPath.parse(error.field)
    best, score = None, 0
    for path in child.values:
        if path[:1] == ("uncertainty",) and len(path) > 1:
            common = len(fault) if path[1] == error.field.removeprefix("uncertainty.") else 0
        else:
            common = fault.shared_depth(path)
        if common and common >= score:  # the deepest of the closest: the value, not its section
            best, score = path, common
    if best is None:
        return error
    hint = "; ".join(h for h in (error.hint, f"checked against {where}") if h)
    return UserError(error.message, where=child.where(best, at_key=True), field=error.field, hint=hint)


def _inline_distributions(data: Any, path: FieldPath = ()) -> list[FieldPath]:
    """Paths of `{dist: ...}` mappings written in place of a number (outside `uncertainty`)."""
    if isinstance(data, dict):
        if path and "dist" in data:
            return [path]
        return [p for key, value in data.items() if path or key != "uncertainty"
                for p in _inline_distributions(value, path + (key,))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _inline_distributions(value, path + (i,))]
    return []


def _lift_distributions(located: Located) -> None:
    """Move inline distributions into the `uncertainty` section, leaving the point value in place.

    Locations move with them, so an error in a distribution still names the line it was written on.
    """
    for path in _inline_distributions(located.data):
        spec = value_at(located.data, path)
        try:
            point = _OneDistribution.model_validate({"spec": spec}).spec.point
        except ValidationError as error:
            problem = explain_validation_error(_OneDistribution, error, {"spec": spec})
            inner = tuple(problem.path[1:])  # within the distribution's mapping
            raise UserError(problem.text, where=located.where(path + inner), field=dotted(path + inner),
                            hint=problem.hint) from None
        parent = value_at(located.data, path[:-1])
        parent[path[-1]] = point
        key = dotted(path)
        section = located.data.setdefault("uncertainty", {})
        if section is None:
            section = located.data["uncertainty"] = {}
        if not isinstance(section, dict):
            raise UserError("uncertainty must be a mapping of field paths to distributions",
                            where=located.where(("uncertainty",)), field="uncertainty")
        section[key] = spec
        for table in (located.values, located.keys):
            for known in [p for p in table if p[:len(path)] == path]:
                table[("uncertainty", key) + known[len(path):]] = table[known]
        source = {k: spec.get(k) for k in ("reference", "assumption", "note", "unit") if spec.get(k) is not None}
        if source:
            located.sources[path] = Source(**source)


def read_terms_file(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> Terms:
    """Contract terms for pricing observed outcomes: a whole scenario file, or one with only
    `name`, `currency`, `run` and `contract` (the model sections are then not needed)."""
    filename = os.fspath(path)
    located = load_located(filename, decode_text(read_bytes(filename), filename), chain=())
    if set(located.data) - set(Terms.model_fields):
        for text in overrides:
            _apply_override(located, text, Scenario)
        scenario = _validate(located, Scenario)
        return Terms(name=scenario.name, description=scenario.description, currency=scenario.currency,
                     run=scenario.run, contract=scenario.contract)
    for text in overrides:
        _apply_override(located, text, Terms)
    return _validate(located, Terms)


def starter_scenario() -> str:
    """The commented starter scenario that `sib-sim init` writes."""
    return (Path(__file__).parent / "templates" / "starter.yaml").read_text(encoding="utf-8")


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file as people write it: annotated values, inline distributions
    and partial `extends` files (see io/scenario_schema.py)."""
    from .scenario_schema import scenario_schema

    return scenario_schema()


def load_scenario(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> Scenario:
    """The validated Scenario in a file; see read_scenario_file."""
    return read_scenario_file(path, overrides).scenario


# --- overrides and validation ------------------------------------------------------------------

def _parse_value(text: str, where: str, path: str) -> object:
    """An override's value as YAML reads it: 10000000 is an int, 2016-01-01 a date, [1, 2] a list."""
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise UserError(f"cannot read the value {text.strip()[:40]!r}: it nests too deeply or refers to itself",
                        where=where, field=path) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        problem = getattr(error, "problem", None) or str(error)
        raise UserError(f"cannot read the value {text.strip()!r}: {problem}", where=where, field=path,
                        hint="quote text and write lists as [a, b]") from None


def _plain_tree(value: object, depth: int = 0, seen: frozenset[int] = frozenset()) -> bool:
    """False for a value that refers to itself (a YAML alias loop) or nests deeper than any scenario."""
    if depth > 50 or id(value) in seen:
        return False
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return all(_plain_tree(item, depth + 1, seen | {id(value)}) for item in inner)


def _apply_override(located: Located, text: str, root: type[BaseModel]) -> None:
    """Apply one "a.b.c=value" override to the raw data; errors point at the override itself."""
    where = f"--set {text}"
    path_text, equals, value_text = text.partition("=")
    if not equals:
        raise UserError("expected path=value", where=where, hint=_SET_EXAMPLE)
    if not path_text.strip():
        raise UserError("missing path before '='", where=where, hint=_SET_EXAMPLE)
    value = _parse_value(value_text, where, path_text.strip())
    if not _plain_tree(value):
        raise UserError(f"cannot use the value {value_text.strip()[:40]!r}: it nests too deeply or refers to itself",
                        where=where, field=path_text.strip())
    path = set_path(located.data, path_text.strip(), value, root=root, where=where)
    moved: list[FieldPath] = []
    if path[:1] != ("uncertainty",):
        fix_uncertain(located.data, path)
    else:
        moved = centre_on_points(located.data, path)
    for changed in [path] + moved:
        located.forget(changed)  # the old value's location and source no longer describe it
        located.values[changed] = located.keys[changed] = where


def _check_ranges(scenario: Scenario, located: Located) -> None:
    """The check `run` makes before simulating (a distribution whose tails break its field), made
    here too so that `validate` catches it, at the line the distribution is written on."""
    try:
        check_ranges(scenario)
    except UserError as error:
        key = (error.field or "").removeprefix("uncertainty.")
        raise UserError(error.message, where=located.where(("uncertainty", key)), field=error.field,
                        hint=error.hint) from None


def _validate(located: Located, root: type[M]) -> M:
    try:
        return root.model_validate(located.data)
    except ValidationError as error:
        problem = explain_validation_error(root, error, located.data)
        raise UserError(problem.text, where=located.where(problem.path, problem.at_key),
                        field=dotted(problem.path) or None, hint=problem.hint) from None


__all__ = ["ScenarioFile", "Source", "load_scenario", "read_scenario_file", "read_terms_file",
           "scenario_json_schema", "starter_scenario"]
