"""The JSON Schema of the scenario language as people write it (for editors and checks).

pydantic's schema describes the validated Scenario; a file says more than that: any value may be
annotated (`{value: 118, reference: "..."}`), a number in the model sections may be an inline
distribution (`{dist: beta, mean: 0.78, sd: 0.02}`), and a file that `extends` another may give only
the keys it changes (mappings merge key by key; lists are replaced whole, so list items stay
complete). The loader (io/scenario_file.py, io/yaml_locations.py) reads exactly this language.
"""

from __future__ import annotations

import copy
from typing import Any

from ..scenario import Scenario
from .yaml_locations import SOURCE_KEYS

_KEEP_OUTSIDE = ("title", "description", "default")  # shown by editors on the property itself
_STRICT_BELOW = ("items", "prefixItems", "additionalProperties")  # list items and map values stay whole
_DISTRIBUTION = "InlineDistribution"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    model = Scenario.model_json_schema()
    defs: dict[str, Any] = model.pop("$defs")
    _groups_under_uncertainty(model)
    defs[_DISTRIBUTION] = copy.deepcopy(model["properties"]["uncertainty"]["additionalProperties"])
    defs["Scenario"] = model
    for name in list(defs):
        if name != _DISTRIBUTION:
            _annotate_properties(defs[name], inline=name not in _distribution_names(defs))
    model["properties"]["extends"] = {"type": "string", "description": "a parent scenario file, relative to this one"}
    for name in list(defs):
        defs["Partial" + name] = _partial(defs[name])
    # The top level lists the sections (names and descriptions, for completion); what each may hold
    # is checked by the whole or the partial form below.
    sections = {key: {k: v for k, v in value.items() if k in _KEEP_OUTSIDE}
                for key, value in model["properties"].items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sib_sim scenario",
        "description": "A scenario file; one that names a parent with `extends` may give only what it changes.",
        "type": "object",
        "additionalProperties": False,
        "properties": sections,
        "$defs": defs,
        "if": {"type": "object", "required": ["extends"]},
        "then": {"$ref": "#/$defs/PartialScenario"},
        "else": {"$ref": "#/$defs/Scenario"},
    }


def _groups_under_uncertainty(model: dict[str, Any]) -> None:
    """A file writes the named groups of uncertain parameters inside `uncertainty:` (`groups:`, which
    no field path can be), not as the Scenario's own `uncertainty_groups` field."""
    model["properties"].pop("uncertainty_groups", None)
    model["properties"]["uncertainty"]["properties"] = {"groups": {
        "type": "object", "description": "named groups of uncertain parameters (value of information): "
        "name -> list of the uncertain parameters' paths",
        "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}


def _distribution_names(defs: dict[str, Any]) -> set[str]:
    refs = defs[_DISTRIBUTION].get("oneOf", [])
    return {ref["$ref"].rsplit("/", 1)[-1] for ref in refs if "$ref" in ref}


def _is_number(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") in ("number", "integer") for option in options)


def _annotate_properties(model: dict[str, Any], inline: bool) -> None:
    """Each property may also be written `{value: ..., reference/assumption/note/unit}`, and each
    number (outside the distributions themselves) as an inline distribution."""
    for key, schema in list(model.get("properties", {}).items()):
        plain = {k: v for k, v in schema.items() if k not in _KEEP_OUTSIDE}
        annotated = {"type": "object", "required": ["value"], "additionalProperties": False,
                     "properties": {"value": plain, **{k: {"type": "boolean" if k == "assumption" else "string"}
                                                       for k in SOURCE_KEYS}}}
        options = [plain, annotated]
        if inline and _is_number(plain):
            options.append({"$ref": f"#/$defs/{_DISTRIBUTION}"})
        model["properties"][key] = {**{k: schema[k] for k in _KEEP_OUTSIDE if k in schema}, "anyOf": options}


def _partial(node: Any, strict: bool = False) -> Any:
    """A copy in which mappings reached through properties need none of their keys."""
    if isinstance(node, list):
        return [_partial(item, strict) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "required" and not strict:
            continue
        if key == "$ref" and not strict and isinstance(value, str):
            name = value.rsplit("/", 1)[-1]
            result[key] = value if name == _DISTRIBUTION else f"#/$defs/Partial{name}"
        elif key == "properties" and isinstance(value, dict):
            result[key] = {k: _partial(v, strict) for k, v in value.items()}
        else:
            result[key] = _partial(value, strict or key in _STRICT_BELOW)
    return result
