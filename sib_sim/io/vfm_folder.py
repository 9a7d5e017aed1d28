"""The vfm folder of `sib-sim vfm`, written like a results folder (see output_folder: a marker, a
folder sib_sim did not write is refused, nothing half-written is left):

    vfm.json               arms (summaries), SIB - direct, indifference prices, corridor, budget
                           exposure, value of information, notes, manifest
    arms_<sib|direct|nothing>.csv   one row per replication (with the parameter draws)
    indifference.csv       per replication: the root of each paired difference (empty where none)
    budget_exposure.csv, budget_exposure.png, value_of_information.csv
    report.html            the page a commissioner can email
    workbook.xlsx          the same tables, one sheet each (arms, SIB - direct, indifference prices,
                           corridor, budget exposure, value of information) and the notes
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..experiment.vfm import ValueForMoney
from ..reports.budget import budget_figure, png_bytes
from ..reports.vfm import render_vfm_report
from .output_folder import staged_folder
from .results_folder import package_versions


def _csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def vfm_document(result: ValueForMoney, scenario_path: str | None = None, comparator_path: str | None = None,
                 overrides: tuple[str, ...] = ()) -> dict[str, object]:
    document = result.to_dict()
    document["manifest"] = {"scenario_path": scenario_path, "comparator_path": comparator_path,
                            "overrides": list(overrides), "versions": package_versions()}
    return document


def workbook_tables(document: dict[str, object]) -> dict[str, pd.DataFrame]:
    """vfm.json's tables as the workbook's sheets."""
    arms = pd.DataFrame([{"arm": arm, "column": column} | stats for arm, columns in document["arms"].items()  # type: ignore[union-attr]
                         for column, stats in columns.items()])
    differences = pd.DataFrame([{"column": c} | stats for c, stats in document["sib_minus_direct"].items()])  # type: ignore[union-attr]
    return {"Arms": arms, "SIB minus direct": differences,
            "Indifference prices": pd.DataFrame(document["indifference"]),
            "Pricing corridor": pd.DataFrame(document["corridor"]),
            "Budget exposure": pd.DataFrame(document["budget_exposure"]),
            "Value of information": pd.DataFrame(document["value_of_information"]["rows"])}  # type: ignore[index]


def write_vfm_folder(result: ValueForMoney, out_dir: str | Path, scenario_path: str | None = None,
                     comparator_path: str | None = None, overrides: tuple[str, ...] = (), force: bool = False) -> Path:
    document = vfm_document(result, scenario_path, comparator_path, overrides)
    with staged_folder(out_dir, "vfm", force) as staging:
        (staging / "vfm.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        draws = pd.DataFrame({f"param.{k}": v for k, v in sorted(result.parameters.items())})
        for name, arm in result.arms.items():
            _csv(pd.concat([pd.DataFrame({"replication": np.arange(len(arm))}), draws, arm], axis=1),
                 staging / f"arms_{name}.csv")
        _csv(pd.DataFrame({"replication": np.arange(result.replications)}
                          | {i.what: i.roots for i in result.indifference}), staging / "indifference.csv")
        _csv(result.budget, staging / "budget_exposure.csv")
        _csv(pd.DataFrame(result.voi.rows), staging / "value_of_information.csv")
        png = png_bytes(budget_figure(result.budget, result.scenario.currency)) if not result.budget.empty else None
        if png:
            (staging / "budget_exposure.png").write_bytes(png)
        (staging / "report.html").write_text(render_vfm_report(document, png), encoding="utf-8")
        from .tables_workbook import write_tables_workbook

        write_tables_workbook(staging / "workbook.xlsx", f"{result.scenario.name}: value for money",
                              workbook_tables(document), list(document["notes"])  # type: ignore[arg-type]
                              + list(document["value_of_information"]["notes"]))  # type: ignore[index]
    return Path(out_dir)

