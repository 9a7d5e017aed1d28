"""Reading an INDIGO project record (JSON): where each value is written, and the schema's checks.

Errors name the file, the JSON path (`$.outcome_pricings[0].price_per_unit.amount.value`) and the
line and column where the value is written. The JSON is parsed by the json module (the authority on
what is valid JSON); the locations come from composing the same text as YAML, of which JSON is a
subset, when that succeeds (a file YAML cannot compose still loads, without line numbers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError

JsonPath = tuple[str | int, ...]
SCHEMA_FILE = Path(__file__).with_name("project_schema.json")


@dataclass(frozen=True)
class Record:
    """An INDIGO project record and, for each JSON path, "file:line:column" where it is written."""

    data: dict[str, Any]
    filename: str
    places: dict[JsonPath, str] = field(default_factory=dict)
    # Where the record sits in the file: () for a bare record, ("project", "data") for the INDIGO
    # database's API answer ({"project": {"id": "INDIGO-POJ-...", "data": {...}}}).
    prefix: JsonPath = ()
    project_id: str | None = None

    def where(self, path: JsonPath) -> str:
        path = self.prefix + path
        for depth in range(len(path), -1, -1):
            if path[:depth] in self.places:
                return self.places[path[:depth]]
        return self.filename

    def error(self, path: JsonPath, message: str, hint: str | None = None) -> UserError:
        return UserError(message, where=self.where(path), field=json_path(self.prefix + path), hint=hint)


def json_path(path: JsonPath) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def parse_record(text: str, filename: str) -> Record:
    """Parse and check an INDIGO project record: JSON, an object, valid against the schema.
    (The file is read by sib_sim.io.indigo_files.)"""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"not valid JSON: {error.msg}", where=f"{filename}:{error.lineno}:{error.colno}") from None
    except RecursionError:
        raise UserError("the JSON nests too deeply", where=filename) from None
    if not isinstance(data, dict):
        raise UserError("an INDIGO project record is a JSON object ({...})", where=f"{filename}:1:1", field="$")
    record = _unwrapped(Record(data, filename, _places(text, filename)))
    check_schema(record)
    return record


def _unwrapped(record: Record) -> Record:
    """The INDIGO database's API serves a project as {"project": {"id": ..., "data": {record}}}:
    read the record inside, keeping the paths of errors as they are in the file."""
    outer = record.data.get("project")
    if set(record.data) != {"project"} or not isinstance(outer, dict) or "data" not in outer:
        return record
    if not isinstance(outer["data"], dict):
        raise record.error(("project", "data"), "the project's data is a JSON object ({...})")
    project_id = outer.get("id") if isinstance(outer.get("id"), str) else None
    return Record(outer["data"], record.filename, record.places, ("project", "data"), project_id)


def _places(text: str, filename: str) -> dict[JsonPath, str]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    places: dict[JsonPath, str] = {}
    stack: list[tuple[yaml.Node, JsonPath]] = [(node, ())] if node is not None else []
    while stack:
        current, path = stack.pop()
        mark = current.start_mark
        places[path] = f"{filename}:{mark.line + 1}:{mark.column + 1}"
        if isinstance(current, yaml.MappingNode):
            stack.extend((value, path + (str(key.value),)) for key, value in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((value, path + (i,)) for i, value in enumerate(current.value))
    return places


@cache
def project_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


_TYPES = {"object": dict, "array": list, "string": str}


def check_schema(record: Record) -> None:
    """The checks of project_schema.json that it uses (type, properties, items, enum, pattern,
    minItems, $ref): the first failure is raised at its JSON path."""
    schema = project_schema()
    stack: list[tuple[Any, dict[str, Any], JsonPath]] = [(record.data, schema, ())]
    while stack:
        value, rule, path = stack.pop()
        while "$ref" in rule:
            rule = schema["definitions"][rule["$ref"].rsplit("/", 1)[1]]
        _check_one(record, value, rule, path)
        if isinstance(value, dict):
            known = rule.get("properties", {})
            stack.extend((value[k], known[k], path + (k,)) for k in reversed(list(value)) if k in known)
        elif isinstance(value, list) and "items" in rule:
            stack.extend((item, rule["items"], path + (i,)) for i, item in reversed(list(enumerate(value))))


def _check_one(record: Record, value: Any, rule: dict[str, Any], path: JsonPath) -> None:
    kind = rule.get("type")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise record.error(path, f"must be a number, not {_shown(value)}")
    elif kind is not None and not isinstance(value, _TYPES[kind]):
        raise record.error(path, f"must be {'an' if kind in ('object', 'array') else 'a'} {kind}, not {_shown(value)}")
    if "enum" in rule and value not in rule["enum"]:
        raise record.error(path, f"{_shown(value)} is not one of the standard's values",
                           hint="one of: " + ", ".join(rule["enum"]))
    if "pattern" in rule and not re.search(rule["pattern"], value):
        raise record.error(path, f"{_shown(value)} is not a date as INDIGO writes them", hint="YYYY, YYYY-MM or YYYY-MM-DD")
    if len(value) < rule.get("minItems", 0) if isinstance(value, list) else False:
        raise record.error(path, f"needs at least {rule['minItems']} item(s)")


def _shown(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value!r}"
    if isinstance(value, str):
        return repr(value if len(value) < 60 else value[:57] + "...")
    return names.get(type(value), type(value).__name__)


__all__ = ["JsonPath", "Record", "SCHEMA_FILE", "check_schema", "json_path", "parse_record", "project_schema"]
