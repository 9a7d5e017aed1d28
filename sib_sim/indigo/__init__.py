"""INDIGO export and import: a scenario's deal as a GO Lab INDIGO project record, and back.

    from sib_sim.indigo import export_scenario, import_record
    record = export_scenario("scenarios/ways_to_wellness.yaml", replications=50)
    skeleton, yaml_text = import_record("ways_to_wellness.indigo.json")

See SOURCE.md for the standard and the parts of it used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UserError
from .export import PlannedPayments, export_project, planned_payments
from .importer import import_project
from .record import Record, check_schema, parse_record, project_schema
from .skeleton import Skeleton, render


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
    from ..io.indigo_files import read_record_text

    filename = os.fspath(path)
    record = parse_record(read_record_text(filename), filename)
    skeleton = import_project(record)
    return skeleton, render(skeleton, f"Skeleton scenario from the INDIGO record {Path(path).name}")


__all__ = ["PlannedPayments", "Record", "Skeleton", "check_schema", "export_project", "export_scenario",
           "import_project", "import_record", "parse_record", "planned_for", "planned_payments", "project_schema",
           "record_text", "render"]
