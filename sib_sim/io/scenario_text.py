"""The text of a scenario file and of the files it `extends`: read safely (regular files of a bounded
size, UTF-8), parsed with locations, and merged child over parent so that every value keeps the
file and line that supplied it. scenario_file.py validates what this returns.
"""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.paths import FieldPath
from .yaml_locations import Located, parse_yaml

# The shipped scenarios are about 15 KB. A file a hundred times larger is not a scenario written by
# hand, and the limit keeps a mistaken name (a data file, /dev/zero) from being read into memory.
MAX_FILE_BYTES = 2_000_000
SCENARIO_SUFFIXES = (".yaml", ".yml")


# --- files -------------------------------------------------------------------------------------

def read_bytes(filename: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES: never a device, a pipe or a socket (which
    could block or never end)."""
    file = Path(filename)
    try:
        if file.is_dir():
            raise UserError("this is a directory, not a scenario file", where=filename)
        # O_NONBLOCK: opening a FIFO with no writer must not hang; it is refused just below.
        handle = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise UserError("not a regular file (a device, pipe or socket); sib_sim reads scenarios only "
                                "from ordinary files", where=filename)
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise UserError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB, so not a scenario file (scenarios "
                            "are a few kilobytes); sib_sim does not read it", where=filename)
        return raw
    except ValueError as error:  # an embedded NUL: no such file can exist
        raise UserError(f"not a usable file name ({error})", where=repr(filename)) from None
    except FileNotFoundError:
        raise UserError("scenario file not found", where=filename, hint=_similar_files(file)) from None
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", where=filename) from None


def _similar_files(file: Path) -> str | None:
    """A "did you mean" for a mistyped file name, from the YAML files next to where it should be."""
    try:
        names = [p.name for p in file.parent.iterdir() if p.suffix in (".yaml", ".yml")]
    except OSError:
        return None
    close = difflib.get_close_matches(file.name, names, n=1)
    return f"did you mean {str(file.parent / close[0])!r}?" if close else None


def decode_text(raw: bytes, filename: str) -> str:
    try:
        return raw.decode("utf-8-sig")  # tolerate the byte-order mark some Windows editors write
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line, column = before.count(b"\n") + 1, error.start - (before.rfind(b"\n") + 1) + 1
        raise UserError(f"not UTF-8 text ({error.reason}: byte {raw[error.start]:#04x})",
                        where=f"{filename}:{line}:{column}", hint="save the file as UTF-8") from None


# --- extends -----------------------------------------------------------------------------------

def load_located(filename: str, text: str, chain: tuple[Path, ...]) -> Located:
    """Parse a file and, if it `extends` another, merge it over its parent (recursively)."""
    located = parse_yaml(text, filename)
    _check_scenario_like(located, filename)
    if "extends" not in located.data:
        return located
    parent_name = parent_file(located, filename, chain)
    parent_text = decode_text(read_bytes(parent_name), parent_name)
    parent = load_located(parent_name, parent_text, chain + (Path(filename).resolve(),))
    del located.data["extends"]
    located.forget(("extends",))
    return _merge(parent, located)


def parent_file(located: Located, filename: str, chain: tuple[Path, ...]) -> str:
    """The file named by `extends` (relative to the extending file), checked to exist and not loop."""
    where = located.values[("extends",)]
    name = located.data["extends"]
    if not isinstance(name, str) or not name.strip():
        raise UserError("extends must name a scenario file", where=where, field="extends",
                        hint="for example extends: ways_to_wellness.yaml")
    parent = os.path.normpath(os.path.join(os.path.dirname(filename), name))
    try:
        resolved = Path(parent).resolve()
        exists, is_dir = resolved.exists(), resolved.is_dir()
    except (OSError, ValueError) as error:  # a NUL in the name, a name longer than the system allows
        raise UserError(f"extends names no usable file ({error})", where=where, field="extends") from None
    seen = chain + (Path(filename).resolve(),)
    if resolved in seen:
        loop = " -> ".join(p.name for p in seen[seen.index(resolved):] + (resolved,))
        raise UserError(f"extends makes a cycle: {loop}", where=where, field="extends")
    if not exists:
        raise UserError(f"parent scenario {parent!r} not found", where=where, field="extends",
                        hint=_similar_files(Path(parent)))
    if is_dir:
        raise UserError(f"parent scenario {parent!r} is a directory", where=where, field="extends")
    if resolved.suffix.lower() not in SCENARIO_SUFFIXES:
        # Reading any file would show part of it in the next message (a password file, a token):
        # only files named as scenarios are read.
        raise UserError(f"parent scenario {parent!r} is not a .yaml or .yml file; sib_sim reads only scenario "
                        "files, so that a message never shows another file's content", where=where,
                        field="extends")
    return parent


def _check_scenario_like(located: Located, filename: str) -> None:
    """A file none of whose top-level keys is a scenario section is not a scenario (a password file, a
    tool's credentials): refuse it without quoting a key or a value, which could be a secret."""
    known = set(Scenario.model_fields) | {"extends"}
    if located.data and not any(isinstance(key, str) and key in known for key in located.data):
        raise UserError(f"not a scenario file: none of its {len(located.data)} top-level key(s) is a scenario "
                        "section (name, currency, run, cohort, service, contract, finance, ...); sib_sim does "
                        "not quote them", where=filename)


def _merge_data(parent: Any, child: Any, path: FieldPath, replaced: list[FieldPath]) -> Any:
    """Child over parent: mappings merge key by key, anything else (lists too) is replaced whole."""
    if not (isinstance(parent, dict) and isinstance(child, dict)):
        replaced.append(path)
        return child
    merged = dict(parent)
    for key, value in child.items():
        merged[key] = _merge_data(parent[key], value, path + (key,), replaced) if key in parent else value
    return merged


def _merge(parent: Located, child: Located) -> Located:
    """Merge the data; each location and source comes from the file that supplied the value."""
    replaced: list[FieldPath] = []
    merged = Located(_merge_data(parent.data, child.data, (), replaced),
                     dict(parent.values), dict(parent.keys), dict(parent.sources))
    for path in replaced:
        merged.forget(path)
    merged.values.update(child.values)
    merged.keys.update(child.keys)
    merged.sources.update(child.sources)
    return merged
