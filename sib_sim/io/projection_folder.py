"""A projection's output folder: a results folder (as `run` writes it) of the conditioned paths,
plus projection.json, parameters.csv, remaining_by_year.csv, caps.csv and figures/projection_fan.png."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from ..live.projection import Projection
from ..live.tables import cap_binding, headline, parameter_shift, remaining_by_year
from .results_folder import write_results_folder
from .yaml_locations import Source

PROJECTION_FILES = ("projection.json", "parameters.csv", "remaining_by_year.csv", "caps.csv")


def projection_files(projection: Projection) -> dict[str, str]:
    """The projection's own tables, name -> text."""
    def csv(frame, index: bool = False) -> str:
        return frame.to_csv(index=index, float_format="%.10g", lineterminator="\n")

    return {"projection.json": json.dumps(headline(projection), indent=2, default=str) + "\n",
            "parameters.csv": csv(parameter_shift(projection)),
            "remaining_by_year.csv": csv(remaining_by_year(projection), index=True),
            "caps.csv": csv(cap_binding(projection))}


def write_projection_folder(projection: Projection, out_dir: str | Path, scenario_path: str | None = None,
                            scenario_sha256: str | None = None, overrides: tuple[str, ...] = (),
                            sources: Mapping[str, Source] | None = None, report: bool = True,
                            force: bool = False) -> Path:
    from ..reports import figure_builders
    from ..reports.projection_figures import projection_fan

    def figures(results):
        return figure_builders(results, overrides) | {"projection_fan": partial(projection_fan, projection)}

    return write_results_folder(projection.results, out_dir, scenario_path, scenario_sha256, overrides,
                                figures=figures, sources=sources, report=report, force=force,
                                extra=projection_files(projection))
