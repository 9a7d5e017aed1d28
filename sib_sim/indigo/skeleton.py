"""Writing the skeleton scenario that `sib-sim indigo import` makes: YAML in the scenario language,
each value annotated with where it came from, each value still to be filled marked `# TO FILL`.

The emitter is small and fixed: mappings and lists in block style, lists of numbers in flow style,
strings as JSON strings (valid YAML double-quoted scalars), an annotated value as
`{value: ..., reference: "..."}`, the form the scenario loader reads (sib_sim.io.yaml_locations).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..io.indigo_files import SKELETON_MARK  # the mark that lets `indigo import` replace its own file
from ..scenario.paths import FieldPath

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Annotated:
    """A value and its annotation (reference, assumption, note), written as the scenario language's
    annotated value."""

    value: Any
    reference: str | None = None
    assumption: bool = False
    note: str | None = None


@dataclass
class Skeleton:
    """The scenario to write: plain data (with Annotated values), the values still to fill (path ->
    what to write there), the sections still to write, and the header's remarks."""

    data: dict[str, Any]
    to_fill: dict[Path, str] = field(default_factory=dict)
    sections_to_write: dict[str, str] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)

    def fill_list(self) -> list[str]:
        """Everything the user must still write, one line each, in file order."""
        lines = [f"{FieldPath(path)}: {why}" for path, why in self.to_fill.items()]
        return lines + [f"{name}: {why}" for name, why in self.sections_to_write.items()]


def render(skeleton: Skeleton, title: str) -> str:
    """The YAML text of a skeleton: a header (where it came from, what to fill), then the data."""
    head = [f"# {title}", "#", f"{SKELETON_MARK} Each value says where it came from (reference:)."]
    for remark in skeleton.remarks:
        head.append(f"# {remark}")
    fill = skeleton.fill_list()
    if fill:
        head += ["#", "# TO FILL before this scenario runs (sib-sim validate points at the first one left):"]
        head += [f"#   - {line}" for line in fill]
    body: list[str] = []
    for key, value in skeleton.data.items():
        _emit(body, key, value, (key,), 0, skeleton.to_fill)
    return "\n".join(head) + "\n\n" + "\n".join(body) + "\n"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 5200000, not 5200000.0: as people write money
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _inline(value: Any) -> str | None:
    """A value written on its key's line: a scalar, an annotated value, or a list of scalars."""
    if isinstance(value, Annotated):
        parts = [f"value: {_inline(value.value) or _scalar(None)}"]
        if value.reference:
            parts.append(f"reference: {_scalar(value.reference)}")
        if value.assumption:
            parts.append("assumption: true")
        if value.note:
            parts.append(f"note: {_scalar(value.note)}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, (dict, list)):
        if isinstance(value, list) and all(not isinstance(v, (dict, Annotated)) for v in value):
            return "[" + ", ".join(_inline(v) or "null" for v in value) + "]"
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        return None
    return _scalar(value)


def _as_mapping(value: Annotated) -> dict[str, Any]:
    """An annotated value too big for one line (a list of dated shares), as the block mapping
    `value: ...` with its annotation keys beside it, which the loader reads the same way."""
    out: dict[str, Any] = {"value": value.value}
    if value.reference:
        out["reference"] = value.reference
    if value.assumption:
        out["assumption"] = True
    if value.note:
        out["note"] = value.note
    return out


def _emit(out: list[str], key: str | None, value: Any, path: Path, depth: int, to_fill: dict[Path, str]) -> None:
    pad = "  " * depth
    if isinstance(value, Annotated) and _inline(value.value) is None:
        value = _as_mapping(value)
    lead = f"{pad}{json.dumps(key) if key is not None and not _plain_key(key) else key}:" if key is not None else None
    text = _inline(value)
    comment = f"  # TO FILL: {to_fill[path]}" if path in to_fill else ""
    if text is not None:
        out.append(f"{lead} {text}{comment}")
        return
    out.append(f"{lead}{comment}")
    if isinstance(value, dict):
        for k, v in value.items():
            _emit(out, k, v, path + (k,), depth + 1, to_fill)
        return
    for i, item in enumerate(value):
        _emit_item(out, item, path + (i,), depth + 1, to_fill)


def _emit_item(out: list[str], item: Any, path: Path, depth: int, to_fill: dict[Path, str]) -> None:
    pad = "  " * depth
    if isinstance(item, Annotated) and _inline(item.value) is None:
        item = _as_mapping(item)
    text = _inline(item) if not isinstance(item, dict) or not item else None
    if text is not None:
        comment = f"  # TO FILL: {to_fill[path]}" if path in to_fill else ""
        out.append(f"{pad}- {text}{comment}")
        return
    lines: list[str] = []
    for k, v in item.items():
        _emit(lines, k, v, path + (k,), depth + 1, to_fill)
    first = lines[0].lstrip()
    out.append(f"{pad}- {first}")
    out.extend(lines[1:])


def _plain_key(key: str) -> bool:
    return key.replace("_", "").replace("-", "").replace(".", "").isalnum() and not key[0].isdigit()


__all__ = ["Annotated", "Skeleton", "render"]
