"""INDIGO export and import: a scenario's deal as a GO Lab INDIGO project record, and back.

    from sib_sim.indigo import export_scenario, import_record
    record = export_scenario("scenarios/ways_to_wellness.yaml", replications=50)
    skeleton = import_record("ways_to_wellness.indigo.json")

See SOURCE.md for the standard and the parts of it used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from collections.abc import Callable
from typing import Any

from ..errors import UserError
from .export import EXTENSION, PlannedPayments, export_project, planned_payments
from .importer import import_project
from .record import Record, check_schema, project_schema, read_record
from .skeleton import Skeleton, render

SKELETON_MARK = "# Written by sib-sim indigo import."


def export_scenario(path: str | os.PathLike[str], replications: int | None = None,
                    overrides: tuple[str, ...] = ()) -> dict[str, Any]:
    """The INDIGO record of the scenario in `path`; planned payments are the mean over `replications`
    simulated replications (the scenario's run.replications by default; 0 leaves them out)."""
    from ..io.scenario_file import read_scenario_file

    source = read_scenario_file(path, overrides)
    return export_project(source, planned_for(source.scenario, replications))


def planned_for(scenario: Any, replications: int | None = None,
                progress: Callable[[int], None] | None = None) -> PlannedPayments | None:
    """Simulate the scenario for its planned payments (None for 0 replications)."""
    from ..defaults import MAX_REPLICATIONS
    from ..experiment import run

    n = scenario.run.replications if replications is None else replications
    if not 0 <= n <= MAX_REPLICATIONS:
        raise UserError(f"replications must be from 0 to {MAX_REPLICATIONS}", field="--replications")
    if n == 0:
        return None
    results = run(scenario, replications=n, progress=progress)
    return planned_payments(results.monthly, [line.id for line in scenario.contract.outcomes], n, results.seed)


def record_text(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def import_record(path: str | os.PathLike[str]) -> tuple[Skeleton, str]:
    """The skeleton scenario of an INDIGO record file, and its YAML text."""
    record = read_record(os.fspath(path))
    skeleton = import_project(record)
    return skeleton, render(skeleton, f"Skeleton scenario from the INDIGO record {Path(path).name}")


def check_target(path: str | os.PathLike[str], force: bool = False) -> None:
    """Refuse, before any work, a path that `write_target` would refuse: a folder, or an existing file
    that sib_sim did not write (unless `force`)."""
    file, shown = Path(path), os.fspath(path)
    if file.is_dir():
        raise UserError("this is a folder; give a file name", where=shown)
    if os.path.lexists(file) and not (force or written_by_sib_sim(file)):
        raise UserError("file exists; sib_sim never writes over a file it did not make", where=shown,
                        hint="choose another path, or pass --force to overwrite it")


def write_target(path: str | os.PathLike[str], text: str, force: bool = False) -> None:
    """Write a new file, or replace one that `indigo export`/`import` wrote (any other needs `force`),
    never through a planted symbolic link (see io.output_folder.write_new_file)."""
    from ..io.output_folder import write_new_file

    write_new_file(path, text, force or written_by_sib_sim(path))


def written_by_sib_sim(path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is one that `indigo export` or `indigo import` wrote (so that
    writing it again replaces only sib_sim's own file; any other file needs --force)."""
    file = Path(path)
    if not file.is_file() or file.is_symlink():
        return False
    try:
        with open(file, encoding="utf-8") as stream:
            head = stream.read(2_000_000)
    except (OSError, UnicodeDecodeError):
        return False
    if head.startswith("#"):
        return any(line.startswith(SKELETON_MARK) for line in head.splitlines()[:4])
    try:
        data = json.loads(head)
    except ValueError:
        return False
    mark = data.get(EXTENSION, {}).get("written_by", "") if isinstance(data, dict) else ""
    return isinstance(mark, str) and mark.startswith("sib_sim ")


__all__ = ["PlannedPayments", "Record", "Skeleton", "check_schema", "check_target", "export_project",
           "export_scenario", "import_project", "import_record", "planned_for", "planned_payments", "project_schema",
           "read_record", "record_text", "render", "write_target", "written_by_sib_sim"]
