"""The compare folder, written like a results folder (see output_folder):

    compare.json                 manifests, each variant's summary, paired differences, term
                                 differences, value of information, notes
    replications_<name>.csv      each variant's replications
    value_of_information.csv     EVPI and EVPPI rows (when asked for)
    report.html                  the comparison and the value of information, one page
    workbook.xlsx                the paired differences, the value of information and the terms
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..experiment.compare import Comparison, term_differences
from .output_folder import staged_folder
from .results_folder import manifest


def compare_document(comparison: Comparison, paths: list[str]) -> dict[str, object]:
    base = comparison.variants[0]
    names = comparison.names
    return {
        "manifest": {name: manifest(result, path, None) for name, result, path in zip(names, comparison.variants, paths)},
        "base": names[0],
        "variants": names,
        "metrics": {name: result.summary() for name, result in zip(names, comparison.variants)},
        "differences": comparison.differences(),
        "terms": {name: [{"path": p, "base": a, "variant": b} for p, a, b in term_differences(base.scenario, r.scenario)]
                  for name, r in zip(names[1:], comparison.variants[1:])},
        "currency": base.scenario.currency,
        "value_of_information": comparison.voi.to_dict() if comparison.voi is not None else None,
        "notes": list(comparison.notes),
    }


def workbook_tables(document: dict[str, object]) -> dict[str, pd.DataFrame]:
    """The workbook's sheets: paired differences (variant, metric), value of information, terms."""
    differences = pd.DataFrame([{"variant": name, "metric": metric} | stats
                                for name, by_metric in document["differences"].items()  # type: ignore[union-attr]
                                for metric, stats in by_metric.items()])
    terms = pd.DataFrame([{"variant": name, "path": row["path"], "base value": str(row["base"]),
                           "variant value": str(row["variant"])}
                          for name, rows in document["terms"].items() for row in rows],  # type: ignore[union-attr]
                         columns=["variant", "path", "base value", "variant value"])
    sheets = {"Paired differences": differences}
    voi = document.get("value_of_information")
    if voi:
        sheets["Value of information"] = pd.DataFrame(voi["rows"])  # type: ignore[index]
    sheets["Terms"] = terms
    return sheets


def write_compare_folder(comparison: Comparison, out_dir: str | Path, paths: list[str], force: bool = False) -> Path:
    from ..reports.compare_report import render_compare_report
    from .tables_workbook import write_tables_workbook

    with staged_folder(out_dir, "compare", force) as staging:
        document = compare_document(comparison, paths)
        (staging / "compare.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        if comparison.voi is not None:
            pd.DataFrame(comparison.voi.rows).to_csv(staging / "value_of_information.csv", index=False,
                                                     float_format="%.10g", lineterminator="\n")
        (staging / "report.html").write_text(render_compare_report(comparison, document), encoding="utf-8")
        notes = list(comparison.notes) + (list(comparison.voi.notes) if comparison.voi is not None else [])
        write_tables_workbook(staging / "workbook.xlsx", f"{comparison.names[0]}: comparison",
                              workbook_tables(document), notes)
        for name, result in zip(comparison.names, comparison.variants):
            result.replications.to_csv(staging / f"replications_{name}.csv", index=False, float_format="%.10g",
                                       lineterminator="\n")
    return Path(out_dir)
