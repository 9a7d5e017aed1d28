"""What a projection answers, as tables: how far the actuals moved each parameter, what is still to be
paid by payer and UK financial year, when each cap binds, and the investor's expected multiple now."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..calendar import add_months, by_financial_year
from .projection import Projection, values_of

AFTER_HORIZON = "after the horizon"


def parameter_shift(projection: Projection) -> pd.DataFrame:
    """One row per uncertain parameter: prior and posterior mean and sd, the posterior's 5%-95%
    interval, the shift of the mean in prior sds and the posterior sd as a share of the prior's."""
    if not projection.parameters:
        return pd.DataFrame(columns=["parameter", "prior_mean", "prior_sd", "posterior_mean", "posterior_sd",
                                     "posterior_p5", "posterior_p95", "shift_in_prior_sd", "sd_ratio"])
    prior = pd.DataFrame(values_of(projection.scenario, projection.prior_z))
    post = pd.DataFrame(values_of(projection.scenario, projection.z))
    rows = []
    for name in projection.parameters:
        a, b = prior[name].to_numpy(), post[name].to_numpy()
        sd = a.std(ddof=1) if len(a) > 1 else 0.0
        rows.append({"parameter": name, "prior_mean": a.mean(), "prior_sd": sd, "posterior_mean": b.mean(),
                     "posterior_sd": b.std(ddof=1) if len(b) > 1 else 0.0,
                     "posterior_p5": np.percentile(b, 5), "posterior_p95": np.percentile(b, 95),
                     "shift_in_prior_sd": (b.mean() - a.mean()) / sd if sd > 0 else 0.0,
                     "sd_ratio": (b.std(ddof=1) / sd) if sd > 0 and len(b) > 1 else 1.0})
    return pd.DataFrame(rows)


def remaining_by_year(projection: Projection) -> pd.DataFrame:
    """Expected outcome payments still to come, by payer (rows) and UK financial year (columns)."""
    paid = projection.payments.paid.sum(axis=1).copy()  # (k, payers, months)
    paid[:, :, : projection.months] = 0.0
    labels, by_year = by_financial_year(projection.scenario.run.start_date, paid)
    first = labels.index(_year_of(projection, projection.months)) if projection.months < paid.shape[2] else len(labels)
    table = pd.DataFrame(by_year.mean(axis=0)[:, first:], columns=labels[first:],
                         index=list(projection.payments.payer_ids))
    late = [sum(c.paid_by_payer[:, j] for c in projection.payments.claims
                if np.floor(c.paid_month) >= paid.shape[2]) for j in range(len(projection.payments.payer_ids))]
    table[AFTER_HORIZON] = [float(np.mean(v)) if np.ndim(v) else 0.0 for v in late]
    table["total"] = table.sum(axis=1)
    table.loc["all payers"] = table.sum(axis=0)
    table.index.name = "payer"
    return table


def _year_of(projection: Projection, month: int) -> str:
    labels, _ = by_financial_year(projection.scenario.run.start_date, np.zeros(month + 1))
    return labels[-1]


def cap_binding(projection: Projection) -> pd.DataFrame:
    """Each cap: already reached by as-of, the probability it binds by the horizon, and the expected
    month it binds (the mean over the paths where it does)."""
    contract = projection.scenario.contract
    paid = projection.payments.paid  # (k, lines, payers, months)
    caps = [("contract", "contract", contract.cap, paid.sum(axis=(1, 2)))]
    caps += [("line", o.id, o.cap, paid[:, i].sum(axis=1)) for i, o in enumerate(contract.outcomes)]
    caps += [("payer", p.id, p.cap, paid[:, :, j].sum(axis=1)) for j, p in enumerate(contract.payers)]
    rows = []
    start, m = projection.scenario.run.start_date, projection.months
    for level, name, cap, monthly in caps:
        if cap is None:
            continue
        reached = np.cumsum(monthly, axis=1) >= cap * (1 - 1e-9) - 0.01
        binds = reached.any(axis=1)
        month = np.where(binds, np.argmax(reached, axis=1), -1)
        expected = float(month[binds].mean()) if binds.any() else None
        rows.append({"level": level, "cap": name, "amount": float(cap), "reached_by_as_of": bool(reached[:, m - 1].all()),
                     "probability": float(binds.mean()),
                     "expected_month": None if expected is None else add_months(start, int(round(expected))).strftime("%Y-%m")})
    return pd.DataFrame(rows)


def investor_multiple(projection: Projection) -> np.ndarray:
    """Per path: (distributions so far + projected) / (draws so far + projected), the investor's
    multiple as expected now. NaN where nothing is drawn."""
    w, m = projection.flows.waterfall, projection.months
    history = projection.actuals.investors
    drawn = sum(float(f["drawn"].sum()) for f in history.values()) + w.draws[:, m:].sum(axis=1)
    distributed = (sum(float(f["distributed"].sum()) for f in history.values())
                   + (w.repayments + w.returns)[:, m:].sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(drawn > 0, distributed / np.where(drawn > 0, drawn, 1.0), np.nan)


def headline(projection: Projection) -> dict[str, object]:
    """The numbers `sib-sim project` prints and projection.json holds."""
    remaining = projection.remaining_payments
    multiple = investor_multiple(projection)
    finite = multiple[np.isfinite(multiple)]
    stages = [{"beta": s.beta, "ess": s.ess, "accepted": s.accepted} for r in projection.stages for s in r]
    return {
        "as_of": projection.actuals.as_of.strftime("%Y-%m"), "months_observed": projection.months,
        "seed": projection.seed, "paths": int(len(remaining)), "currency": projection.scenario.currency,
        "paid_to_date": projection.actuals.paid_total,
        "remaining_payments": {"mean": float(remaining.mean()), "p5": float(np.percentile(remaining, 5)),
                               "p50": float(np.percentile(remaining, 50)),
                               "p95": float(np.percentile(remaining, 95))},
        "investor_multiple_now": {"mean": float(finite.mean()) if finite.size else None,
                                  "p5": float(np.percentile(finite, 5)) if finite.size else None,
                                  "p95": float(np.percentile(finite, 95)) if finite.size else None},
        "prior_paths_ess": projection.pool_ess, "prior_paths": int(len(projection.prior_z)),
        "smc_stages": stages,
        "summaries": dict(zip(projection.summary_names, map(float, projection.observed))),
    }
