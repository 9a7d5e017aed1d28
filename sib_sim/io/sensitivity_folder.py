"""Sensitivity and sweep outputs: `<out>/sensitivity/` and `<out>/sweep/`, each written atomically.

`<out>` is a results folder (default `results/<scenario name>`); only the subfolder is replaced, so
the run's own files beside it are left as they are. Layout:

    sensitivity/tornado.csv, tornado.png, tornado.json        one-way (--method oneway)
    sensitivity/morris.csv, morris.png, morris.json, morris_points.csv
    sensitivity/sobol.csv, sobol.png, sobol.json, sobol_points.csv [, sobol_second_order.csv]
    sweep/grid.csv, deal_zone.png, sweep.json

Each method's files replace that method's previous files only: a tornado and a Sobol analysis of the
same scenario sit side by side. `<stem>.json` holds the settings, the notes and the versions;
`*_points.csv` every design point's parameter values and the metric there.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..experiment.sensitivity import SensitivityResult
from ..experiment.sweep import SweepResult
from .output_folder import MARKER, ensure_container, staged_folder
from .results_folder import package_versions

STEMS = {"oneway": "tornado", "morris": "morris", "sobol": "sobol"}


def _csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def _json(document: dict[str, object], path: Path) -> None:
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


def _png(figure: Figure, path: Path) -> None:
    # No software version or date in the PNG: equal analyses give equal files.
    figure.savefig(path, dpi=110, metadata={"Software": None})


def _versions() -> dict[str, str]:
    versions = package_versions()
    try:
        versions["SALib"] = metadata.version("SALib")
    except metadata.PackageNotFoundError:
        versions["SALib"] = "not installed"
    return versions


def _source(scenario_path: str | None, scenario_sha256: str | None, overrides: tuple[str, ...]) -> dict[str, object]:
    return {"scenario_path": scenario_path, "scenario_sha256": scenario_sha256, "overrides": list(overrides)}


def _belongs_to(name: str, stem: str) -> bool:
    return name.startswith((f"{stem}.", f"{stem}_"))


def write_sensitivity_folder(result: SensitivityResult, out_dir: str | Path,
                             figure: Callable[[SensitivityResult], Figure] | None = None,
                             scenario_path: str | None = None, scenario_sha256: str | None = None,
                             overrides: tuple[str, ...] = (), force: bool = False) -> Path:
    """Write `<out_dir>/sensitivity/<stem>.*` for this method, keeping the other methods' files."""
    ensure_container(out_dir, force)
    target = Path(out_dir) / "sensitivity"
    stem = STEMS[result.method]
    with staged_folder(target, "sensitivity", force) as staging:
        if target.is_dir():  # the other methods' files move into the new folder unchanged
            for old in sorted(target.iterdir()):
                if old.is_file() and not old.is_symlink() and not _belongs_to(old.name, stem) \
                        and old.name != MARKER:
                    shutil.copy2(old, staging / old.name)
        _csv(result.table, staging / f"{stem}.csv")
        if result.points is not None:
            _csv(result.points, staging / f"{stem}_points.csv")
        if result.second_order is not None:
            _csv(result.second_order, staging / f"{stem}_second_order.csv")
        _json({"method": result.method, "metric": result.metric, "scenario": result.scenario,
               **_source(scenario_path, scenario_sha256, overrides), "seed": result.seed,
               "samples": result.samples, "replications_per_point": result.replications_per_point,
               "design_points": result.n_points, "base": result.base, "notes": list(result.notes),
               "versions": _versions()}, staging / f"{stem}.json")
        if figure is not None:
            _png(figure(result), staging / f"{stem}.png")
    return target


def write_sweep_folder(result: SweepResult, out_dir: str | Path,
                       figure: Callable[[SweepResult], Figure] | None = None, scenario_path: str | None = None,
                       scenario_sha256: str | None = None, overrides: tuple[str, ...] = (),
                       force: bool = False) -> Path:
    """Write `<out_dir>/sweep/`: grid.csv, deal_zone.png and sweep.json (replacing any previous sweep)."""
    ensure_container(out_dir, force)
    target = Path(out_dir) / "sweep"
    with staged_folder(target, "sweep", force) as staging:
        _csv(result.grid, staging / "grid.csv")
        _json({"scenario": result.scenario, **_source(scenario_path, scenario_sha256, overrides),
               "axes": [{"path": a.path, "lo": a.lo, "hi": a.hi, "n": a.n} for a in result.axes],
               "hurdle_multiple": result.hurdle_multiple, "probability": result.probability,
               "replications": result.replications, "seed": result.seed, "simulations": result.simulations,
               "deal_points": int(result.grid["deal"].sum()), "notes": list(result.notes),
               "versions": package_versions()}, staging / "sweep.json")
        if figure is not None:
            _png(figure(result), staging / "deal_zone.png")
    return target
