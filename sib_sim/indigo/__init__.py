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
    from ..experiment import run
    from ..io.scenario_file import read_scenario_file

    source = read_scenario_file(path, overrides)
    scenario = source.scenario
    planned = None
    n = scenario.run.replications if replications is None else replications
    if n < 0:
        raise UserError("replications must be 0 or more", field="--replications")
    if n > 0:
        results = run(scenario, replications=n)
        planned = planned_payments(results.monthly, [line.id for line in scenario.contract.outcomes], n,
                                   scenario.run.seed)
    return export_project(source, planned)


def record_text(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def import_record(path: str | os.PathLike[str]) -> tuple[Skeleton, str]:
    """The skeleton scenario of an INDIGO record file, and its YAML text."""
    record = read_record(os.fspath(path))
    skeleton = import_project(record)
    return skeleton, render(skeleton, f"Skeleton scenario from the INDIGO record {Path(path).name}")


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


__all__ = ["PlannedPayments", "Record", "Skeleton", "check_schema", "export_project", "export_scenario",
           "import_project", "import_record", "planned_payments", "project_schema", "read_record", "record_text",
           "render", "written_by_sib_sim"]
