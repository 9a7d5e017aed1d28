"""The files of `sib-sim indigo`: reading an INDIGO record, writing a record or a skeleton scenario.

File access lives in io/ (DESIGN.md section 1); sib_sim.indigo only turns data into data. A file is
written new, or replaces one that `indigo export`/`indigo import` wrote itself; any other existing
file needs `force` (as `init` and `schema`: never through a planted symbolic link).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import UserError
from .output_folder import write_new_file

MAX_RECORD_BYTES = 20_000_000  # INDIGO records are tens of kilobytes; refuse what cannot be one
EXPORT_MARK = "sib_sim "  # how the record's `sib_sim.written_by` starts
SKELETON_MARK = "# Written by sib-sim indigo import."  # how a skeleton scenario says it is one


def read_record_text(filename: str) -> str:
    """The text of an INDIGO record file: a regular file, UTF-8, of a sane size."""
    file = Path(filename)
    try:
        if file.is_dir():
            raise UserError("this is a directory, not an INDIGO project file", where=filename)
        if file.exists() and not file.is_file():
            raise UserError("not a regular file (a device, pipe or socket)", where=filename)
        with open(file, "rb") as stream:
            raw = stream.read(MAX_RECORD_BYTES + 1)
    except FileNotFoundError:
        raise UserError("INDIGO file not found", where=filename) from None
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", where=filename) from None
    if len(raw) > MAX_RECORD_BYTES:
        raise UserError("too large to be an INDIGO project record", where=filename)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 text ({error.reason})", where=filename) from None


def written_by_sib_sim(path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is one that `indigo export` or `indigo import` wrote."""
    file = Path(path)
    if file.is_symlink() or not file.is_file():
        return False
    try:
        with open(file, encoding="utf-8") as stream:
            head = stream.read(MAX_RECORD_BYTES)
    except (OSError, UnicodeDecodeError):
        return False
    if head.startswith("#"):
        return any(line.startswith(SKELETON_MARK) for line in head.splitlines()[:4])
    try:
        data = json.loads(head)
    except ValueError:
        return False
    mark = data.get("sib_sim", {}).get("written_by", "") if isinstance(data, dict) else ""
    return isinstance(mark, str) and mark.startswith(EXPORT_MARK)


def check_target(path: str | os.PathLike[str], force: bool = False) -> None:
    """Refuse, before any work, a path that `write_target` would refuse."""
    file, shown = Path(path), os.fspath(path)
    if file.is_dir():
        raise UserError("this is a folder; give a file name", where=shown)
    if os.path.lexists(file) and not (force or written_by_sib_sim(file)):
        raise UserError("file exists; sib_sim never writes over a file it did not make", where=shown,
                        hint="choose another path, or pass --force to overwrite it")


def write_target(path: str | os.PathLike[str], text: str, force: bool = False) -> None:
    write_new_file(path, text, force or written_by_sib_sim(path))


__all__ = ["SKELETON_MARK", "check_target", "read_record_text", "write_target", "written_by_sib_sim"]
