"""The results folder: summary.json, replications.csv, cashflows.csv and figures/, written atomically.

Everything is written into a hidden sibling folder first and renamed into place at the end, so an
interrupted run never leaves a folder that looks complete. No timestamps: equal runs give equal files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Mapping, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..scenario.masking import masked_overrides
from ..experiment import Results
from ..reports.html import render_report_from_folder
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
                         sources: Mapping[str, Source] | None = None, report: bool = True) -> Path:
    """Write the whole folder, replacing any previous one only once the new one is complete.

    Always: summary.json, replications.csv, cashflows.csv, workbook.xlsx, scenario.json.
    `figures` (e.g. sib_sim.reports.make_figures) adds figures/*.png; `sources` (from
    read_scenario_file) feeds the assumptions tables (sources.json); `report` adds report.html,
    rendered from the folder's own files so that `sib-sim report DIR` gives the same page later.
    """
    with staged_folder(out_dir) as staging:
        document = summary_document(results, scenario_path, scenario_sha256, overrides)
        (staging / "summary.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        results.replications.to_csv(staging / "replications.csv", index=False, float_format="%.10g",
                                    lineterminator="\n")
        cashflow_table(results).to_csv(staging / "cashflows.csv", index=False, float_format="%.10g",
                                       lineterminator="\n")
        if figures is not None:
            _save_figures(figures(results), staging / "figures")
        write_workbook(results, staging / "workbook.xlsx", dict(sources) if sources else None)
        _write_json(staging / "scenario.json", results.scenario.model_dump(mode="json"))
        if sources:
            _write_json(staging / "sources.json", {path: asdict(source) for path, source in sources.items()})
        if report:
            html = render_report_from_folder(staging)
            (staging / "report.html").write_text(html, encoding="utf-8")
    return Path(out_dir)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


@contextmanager
def staged_folder(out_dir: str | Path) -> Iterator[Path]:
    """A hidden sibling folder to write into; renamed to `out_dir` (replacing any previous one) when the
    block completes, removed if it fails, so a folder that looks complete always is."""
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.incomplete-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a results folder is for sharing
    try:
        yield staging
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _save_figures(figures: dict, folder: Path) -> None:
    folder.mkdir()
    for name, figure in figures.items():
        # Fixed metadata: PNGs carry no software version or date, so equal runs give equal files.
        figure.savefig(folder / f"{name}.png", dpi=110, metadata={"Software": None})


def _swap_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)
