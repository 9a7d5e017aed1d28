"""Measurement risk: how much of what the contract pays is the evaluator rather than the programme.

The same contract is priced on three views of each replication's ledger (measure.views): as measured;
as a perfect evaluator would measure it ("true": every scheduled Star, true Star changes, the
participants' expected cost against their own counterfactual); and as this evaluator would measure a
programme that did nothing ("null": same missed Stars, recording noise and comparison cohort, no
true change). Pricing is deterministic and cheap, so no second simulation is needed.

Per replication (columns of the replications table):
- `payments_true_measurement`: all outcome payments had the outcomes been measured perfectly;
- `payments_no_effect` and `payments_no_effect_by_outcome.<line>`: what the lines the views reach
  would pay had the programme done nothing; `payments_true_measurement_by_outcome.<line>` likewise;
- 0/1 flags that summary.py turns into probabilities: `payment_without_effect[.<line>]` (the no-effect
  world pays something) and `no_payment_despite_effect.<line>` (the line pays nothing on the measured
  data although, measured perfectly, it would pay).

The views reach only lines that pay on the Star and hospital series (`sliding_scale`,
`savings_share`); milestones and cohort totals are not re-measured (see measure.views) and fixed fees
pay whatever happens, so those lines are left out of the no-effect and per-line metrics. All lines
are priced together in every view, so caps bind as they would.
"""

from __future__ import annotations

import numpy as np

from ..contract import Payments, apply_contract
from ..kinds import KINDS
from ..measure import OutcomeLedger, as_measured_by
from ..scenario.contract import Contract
# An amount counts as paid above half a penny: caps and shares can leave float dust on a zero claim.
PAID = 0.005


def reached_lines(contract: Contract) -> list[str]:
    """Lines whose payment reads only the series the views replace (each kind declares it)."""
    return [line.id for line in contract.outcomes if KINDS[line.kind].measurement_views]


def measurement_risk_metrics(contract: Contract, ledger: OutcomeLedger, measured: Payments) -> dict[str, np.ndarray]:
    """Per-replication measurement-risk metrics (see the module doc); `measured` is the contract
    priced on `ledger` as it is (evaluate has it already)."""
    true = apply_contract(contract, as_measured_by(ledger, "true"))
    out = {"payments_true_measurement": true.total}
    lines = reached_lines(contract)
    if not lines:
        return out
    null = apply_contract(contract, as_measured_by(ledger, "null"))
    null_by, true_by, measured_by = null.by_line(), true.by_line(), measured.by_line()
    no_effect = sum(null_by[line] for line in lines)
    out["payments_no_effect"] = no_effect
    out |= {f"payments_no_effect_by_outcome.{line}": null_by[line] for line in lines}
    out |= {f"payments_true_measurement_by_outcome.{line}": true_by[line] for line in lines}
    out["payment_without_effect"] = (no_effect > PAID).astype(float)
    out |= {f"payment_without_effect.{line}": (null_by[line] > PAID).astype(float) for line in lines}
    out |= {f"no_payment_despite_effect.{line}": ((measured_by[line] <= PAID) & (true_by[line] > PAID)).astype(float)
            for line in lines}
    return out


def measurement_variance_share(measured: np.ndarray, true: np.ndarray) -> float:
    """Share of the variance of payments between replications that is due to measurement.

    Write measured payments as true payments plus a measurement error. "Delivery" variance is
    Var(true): how much what the programme really achieved varies between replications (who is
    referred and engages, how much each improves, how much hospital use each avoids). Measurement
    variance is Var(measured - true): missed Stars, recording noise, the comparison cohort's sampling
    noise, matching bias and drift, regression to the mean. The share returned is

        Var(measured - true) / (Var(measured - true) + Var(true)),

    which equals Var(measured - true) / Var(measured) when errors and true payments are uncorrelated.
    The decomposition is approximate: it leaves out the covariance term 2 Cov(true, error), which
    caps make negative (a lucky measurement is cut back when the cap binds), and with it the share
    stays in [0, 1] even when caps flatten the measured payments. 0 when there is no variance at all.
    """
    ok = np.isfinite(measured) & np.isfinite(true)
    if ok.sum() < 2:
        return 0.0
    error = float(np.var(measured[ok] - true[ok], ddof=1))
    delivery = float(np.var(true[ok], ddof=1))
    total = error + delivery
    return error / total if total > 0 else 0.0
