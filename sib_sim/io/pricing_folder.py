"""The pricing folder of `sib-sim price`: payments.csv, cuts.csv and summary.json, written atomically.

Written through output_folder.staged_folder, so an interrupted write never leaves a folder that looks
complete and nothing sib_sim did not write is replaced. No timestamps: equal inputs, equal files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from ..contract import Payments
from ..reports.pricing import claims_table, cuts_table, pricing_summary
from ..scenario.terms import Terms
from .output_folder import staged_folder
from .results_folder import package_versions


def _sha256(path: str | os.PathLike[str] | None) -> str | None:
    if path is None:
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pricing_document(payments: Payments, terms: Terms, terms_path: str | os.PathLike[str] | None = None,
                     observed_path: str | os.PathLike[str] | None = None,
                     overrides: Sequence[str] = ()) -> dict[str, object]:
    """summary.json: a manifest of what was priced, then the totals (reports.pricing.pricing_summary)."""
    manifest = {
        "terms": terms.name,
        "terms_path": None if terms_path is None else os.fspath(terms_path),
        "terms_sha256": _sha256(terms_path),
        "overrides": list(overrides),
        "effective_terms_sha256": hashlib.sha256(terms.model_dump_json().encode()).hexdigest(),
        "observed_path": None if observed_path is None else os.fspath(observed_path),
        "observed_sha256": _sha256(observed_path),
        "currency": terms.currency,
        "start_date": terms.run.start_date.isoformat(),
        "versions": package_versions(),
    }
    return {"manifest": manifest, "summary": _rounded(pricing_summary(payments))}


def _rounded(data: object) -> object:
    """Money to a millionth of a unit: 1050.0, not 1049.9999999999998."""
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    return round(data, 6) + 0.0 if isinstance(data, float) else data


def write_pricing_folder(payments: Payments, out_dir: str | Path, terms: Terms,
                         terms_path: str | os.PathLike[str] | None = None,
                         observed_path: str | os.PathLike[str] | None = None,
                         overrides: Sequence[str] = (), force: bool = False) -> Path:
    """Write payments.csv (one row per claim and payer), cuts.csv and summary.json into `out_dir`."""
    document = pricing_document(payments, terms, terms_path, observed_path, overrides)
    with staged_folder(out_dir, "pricing", force) as staging:
        claims_table(payments).to_csv(staging / "payments.csv", index=False, float_format="%.10g",
                                      lineterminator="\n")
        cuts_table(payments).to_csv(staging / "cuts.csv", index=False, float_format="%.10g", lineterminator="\n")
        (staging / "summary.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return Path(out_dir)


__all__ = ["pricing_document", "write_pricing_folder"]
