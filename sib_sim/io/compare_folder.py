"""The compare folder: compare.json (paired differences and term differences) and each variant's
replications, written like a results folder (see output_folder)."""

from __future__ import annotations

import json
from pathlib import Path

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
    }


def write_compare_folder(comparison: Comparison, out_dir: str | Path, paths: list[str], force: bool = False) -> Path:
    with staged_folder(out_dir, "compare", force) as staging:
        document = compare_document(comparison, paths)
        (staging / "compare.json").write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        for name, result in zip(comparison.names, comparison.variants):
            result.replications.to_csv(staging / f"replications_{name}.csv", index=False, float_format="%.10g",
                                       lineterminator="\n")
    return Path(out_dir)
