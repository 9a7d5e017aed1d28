"""The results folder: summary.json, replications.csv, cashflows.csv and figures/, written safely.

Written through output_folder.staged_folder: a new folder appears whole, an existing one must be a
results folder sib_sim wrote (or `force`), and what sib_sim did not write in it is kept. No
timestamps: equal runs give equal files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
import os
import platform
import tempfile
from collections.abc import Callable, Mapping
from functools import partial
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..scenario.masking import masked_overrides
from ..experiment import Results
from ..experiment.vfm_budget import run_budget_exposure
from ..reports.budget import budget_figure
from ..reports.html import render_report_from_folder
from ..errors import UserError
from .figure_files import FigureWriter
from .output_folder import Marker, read_marker, staged_folder, write_marker
from .workbook import write_workbook
from .yaml_locations import Source

PACKAGES = ("numpy", "scipy", "simpy", "pandas", "pydantic", "pyxirr", "matplotlib")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("sib_sim",) + PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest(results: Results, scenario_path: str | None, scenario_sha256: str | None,
             overrides: tuple[str, ...] = ()) -> dict[str, object]:
    effective = results.scenario.model_dump_json().encode()
    return {
        "scenario": results.scenario.name,
        "scenario_path": scenario_path,
        "scenario_sha256": scenario_sha256,
        "overrides": list(overrides),
        "effective_scenario_sha256": hashlib.sha256(effective).hexdigest(),
        "seed": results.seed,
        "replications": results.n_replications,
        "horizon_months": results.scenario.run.horizon_months,
        "currency": results.scenario.currency,
        "versions": package_versions(),
    }


def summary_document(results: Results, scenario_path: str | None = None, scenario_sha256: str | None = None,
                     overrides: tuple[str, ...] = ()) -> dict[str, object]:
    return {"manifest": manifest(results, scenario_path, scenario_sha256, overrides),
            "metrics": results.summary(),
            # an override that changes no payment (a cap masked by tighter caps): say so with the numbers
            "warnings": masked_overrides(results.scenario.contract, results.scenario.currency, overrides)}


def cashflow_table(results: Results) -> pd.DataFrame:
    """Long format: month, date, stream, mean, p5, p50, p95 (over replications)."""
    dates = [d.isoformat() for d in results.month_dates]
    frames = []
    for stream, values in results.monthly.items():
        v = values.astype(float)
        p5, p50, p95 = np.percentile(v, [5, 50, 95], axis=0)
        frames.append(pd.DataFrame({"month": np.arange(v.shape[1]), "date": dates, "stream": stream,
                                    "mean": v.mean(axis=0), "p5": p5, "p50": p50, "p95": p95}))
    return pd.concat(frames, ignore_index=True)


def write_results_folder(results: Results, out_dir: str | Path, scenario_path: str | None = None,
                         scenario_sha256: str | None = None, overrides: tuple[str, ...] = (),
                         figures: Callable[[Results], dict] | None = None,
                         sources: Mapping[str, Source] | None = None, report: bool = True,
                         force: bool = False, extra: Mapping[str, str] | None = None) -> Path:
    """Write the whole folder, replacing any previous one only once the new one is complete.

    Always: summary.json, replications.csv, cashflows.csv, budget_exposure.csv, workbook.xlsx, scenario.json.
    `figures` (e.g. sib_sim.reports.make_figures, or reports.figures.figure_builders, whose figures
    are drawn only where they are saved) adds figures/*.png; `sources` (from
    read_scenario_file) feeds the assumptions tables (sources.json); `report` adds report.html,
    rendered from the folder's own files so that `sib-sim report DIR` gives the same page later.
    `force`: write into an existing folder sib_sim did not write (see output_folder).
    `extra`: more files, name -> text (a projection's tables), written with the rest.
    """
    with staged_folder(out_dir, "results", force) as staging:
        exposure = run_budget_exposure(results)
        drawing = None if figures is None else FigureWriter(
            {**figures(results), "budget_exposure": partial(budget_figure, exposure, results.scenario.currency)},
            staging / "figures")  # drawn in other processes while the files below are written
        try:
            _write_tables(results, staging, exposure, scenario_path, scenario_sha256, overrides)
            write_workbook(results, staging / "workbook.xlsx", dict(sources) if sources else None)
            _write_json(staging / "scenario.json", results.scenario.model_dump(mode="json"))
            for name, text in (extra or {}).items():
                (staging / name).write_text(text, encoding="utf-8")
            if sources:
                _write_json(staging / "sources.json", {path: asdict(source) for path, source in sources.items()})
            if drawing is not None:
                drawing.finish()
        except BaseException:
            if drawing is not None:
                drawing.stop()
            raise
        if report:
            html = render_report_from_folder(staging)
            (staging / "report.html").write_text(html, encoding="utf-8")
    return Path(out_dir)


def _write_tables(results: Results, staging: Path, exposure: pd.DataFrame, scenario_path: str | None,
                  scenario_sha256: str | None, overrides: tuple[str, ...]) -> None:
    document = summary_document(results, scenario_path, scenario_sha256, overrides)
    (staging / "summary.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    results.replications.to_csv(staging / "replications.csv", index=False, float_format="%.10g",
                                lineterminator="\n")
    cashflow_table(results).to_csv(staging / "cashflows.csv", index=False, float_format="%.10g",
                                   lineterminator="\n")
    exposure.to_csv(staging / "budget_exposure.csv", index=False, float_format="%.10g", lineterminator="\n")


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def check_results_folder(folder: str | Path) -> Path:
    """`folder` as a results folder `sib-sim report` can render, or a UserError saying why not."""
    path = Path(folder)
    shown = str(folder)
    if not path.is_dir():
        raise UserError("not a results folder: no such folder" if not path.exists() else
                        "not a results folder: this is a file", where=shown)
    marker = read_marker(path)
    if marker is not None and marker.kind != "results":
        raise UserError(f"not a results folder: it holds sib_sim {marker.kind} output", where=shown)
    if marker is not None and marker.state != "complete":
        raise UserError("this results folder is incomplete (a run writing it was interrupted); run again",
                        where=shown)
    summary = path / "summary.json"
    if not summary.is_file():
        raise UserError("not a results folder: it has no summary.json (write one with sib-sim run)", where=shown)
    try:
        document = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"summary.json cannot be read ({type(error).__name__}); run again to rewrite it",
                        where=str(summary)) from None
    if not (isinstance(document, dict) and isinstance(document.get("manifest"), dict)
            and isinstance(document.get("metrics"), dict)):
        raise UserError("summary.json is not sib_sim's (it needs a manifest and metrics); run again to rewrite it",
                        where=str(summary))
    return path


def write_report(folder: str | Path) -> Path:
    """Re-render report.html in a results folder: a unique temporary file, then renamed into place."""
    path = check_results_folder(folder)
    try:
        html = render_report_from_folder(path)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise UserError(f"the results folder's files are malformed ({type(error).__name__}: {error}); run "
                        "again to rewrite them", where=str(folder)) from None
    target = path / "report.html"
    try:
        handle, name = tempfile.mkstemp(prefix=".report.html.", suffix=".incomplete", dir=path)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(html)
        os.chmod(name, 0o644)
        os.replace(name, target)  # atomic, and replaces a symbolic link rather than following it
    except OSError as error:
        raise UserError(f"cannot write report.html: {error.strerror}", where=str(folder)) from None
    marker = read_marker(path)
    if marker is not None and target.name not in marker.files:
        write_marker(path, Marker(marker.kind, marker.state, tuple(sorted(marker.files + (target.name,)))))
    return target
