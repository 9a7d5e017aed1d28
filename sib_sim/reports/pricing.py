"""Tables of one priced replication (`sib-sim price`): claims by payer, cap cuts, and totals.

Pure functions of a Payments record: no printing, no files. Money is in the terms' currency.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..contract import Payments

CLAIM_COLUMNS = ["line", "area", "period_start", "period_end", "claim_month", "paid_month", "count", "value", "earned",
                 "payer", "paid"]
CUT_COLUMNS = ["line", "period_start", "period_end", "level", "payer", "amount"]


def claims_table(payments: Payments, replication: int = 0) -> pd.DataFrame:
    """One row per claim and payer, in the order claims are made.

    `earned` (before caps) is the claim's and repeats on each payer's row; `paid` is that payer's part
    after caps. `area` names the area whose participants a `by_area` line's claim pays for (empty
    for other lines). Periods are contract months [period_start, period_end); `value` is what the rule read
    (a sliding scale's average, a saving, a cohort's reduction), empty where the rule reads none.
    """
    rows = []
    for claim in payments.claims:
        value = float(claim.outcome_value[replication])
        for i, payer in enumerate(payments.payer_ids):
            rows.append({"line": claim.line, "area": claim.area or "", "period_start": claim.period_start, "period_end": claim.period_end,
                         "claim_month": claim.claim_month, "paid_month": claim.paid_month,
                         "count": float(claim.outcome_count[replication]),
                         "value": value if math.isfinite(value) else np.nan,
                         "earned": float(claim.earned[replication]), "payer": payer,
                         "paid": float(claim.paid_by_payer[replication, i])})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def cuts_table(payments: Payments, replication: int = 0) -> pd.DataFrame:
    """One row per amount a cap removed: `level` is participant, line, contract or payer."""
    rows = [{"line": cut.line, "period_start": cut.period_start, "period_end": cut.period_end, "level": cut.level,
             "payer": cut.payer or "", "amount": float(cut.amount[replication])}
            for cut in payments.cuts if cut.amount[replication] > 1e-9]
    return pd.DataFrame(rows, columns=CUT_COLUMNS)


def pricing_summary(payments: Payments, replication: int = 0) -> dict[str, object]:
    """Totals: paid (`total`), `earned` before caps and `cut_total`; `by_line` (earned, paid, cut) and
    `by_payer` (paid)."""
    r = replication
    by_line = {line: {"earned": 0.0, "paid": 0.0, "cut": 0.0} for line in payments.line_ids}
    for claim in payments.claims:
        by_line[claim.line]["earned"] += float(claim.earned[r])
        by_line[claim.line]["paid"] += float(claim.paid_by_payer[r].sum())
    for cut in payments.cuts:
        by_line[cut.line]["cut"] += float(cut.amount[r])
    return {
        "total": float(payments.total[r]),
        "earned": sum(line["earned"] for line in by_line.values()),
        "cut_total": float(payments.cut_total()[r]),
        "by_line": by_line,
        "by_payer": {payer: float(paid[r]) for payer, paid in payments.by_payer().items()},
    }


__all__ = ["CLAIM_COLUMNS", "CUT_COLUMNS", "claims_table", "cuts_table", "pricing_summary"]
