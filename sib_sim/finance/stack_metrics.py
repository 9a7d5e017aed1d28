"""Per-tranche and per-guarantor metrics of a capital stack (reported when `finance.investors` is given).

Names (each (n_replications,)), for tranche `<id>` and guarantor `<g>`:
- `investor.<id>.drawn`, `.peak_exposure` (most capital outstanding), `.distributions` (everything
  received: interest, capital, returns, surplus share, guarantee and protection), `.multiple`
  (distributions / drawn), `.irr` with `.irr_status` (as investor_irr), `.loss` (0/1: received less
  than drawn), `.loss_amount` (drawn less received, floored at 0: its mean is the expected loss);
- `guarantor.<g>.call`: what the guarantor pays at the horizon over the tranches it guarantees;
- `commissioner_capital_protection`: what the commissioner pays under capital protection.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .investor import irr_with_status
from .stack import StackFlows

LOSS_TOLERANCE = 1e-6


def tranche_metrics(stack: StackFlows, dates: list[dt.date]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(numeric metrics, IRR status columns) per tranche and guarantor."""
    metrics: dict[str, np.ndarray] = {}
    statuses: dict[str, np.ndarray] = {}
    received = stack.received
    for j, tranche in enumerate(stack.ids):
        key = f"investor.{tranche}"
        draws, got = stack.draws[:, j], received[:, j]
        net = got - draws
        irr_status = [irr_with_status(dates, row) for row in net]
        drawn, paid = draws.sum(axis=1), got.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            multiple = np.where(drawn > 0, paid / np.where(drawn > 0, drawn, 1.0), np.nan)
        metrics |= {
            f"{key}.drawn": drawn,
            f"{key}.peak_exposure": np.cumsum(draws - stack.principal[:, j], axis=1).max(axis=1, initial=0.0),
            f"{key}.distributions": paid,
            f"{key}.multiple": multiple,
            f"{key}.irr": np.array([irr for irr, _ in irr_status]),
            f"{key}.loss": (paid < drawn - LOSS_TOLERANCE).astype(float),
            f"{key}.loss_amount": np.maximum(drawn - paid, 0.0),
        }
        statuses[f"{key}.irr_status"] = np.array([status for _, status in irr_status])
    for guarantor in sorted({g for g in stack.guarantors if g is not None}):
        covered = [j for j, g in enumerate(stack.guarantors) if g == guarantor]
        metrics[f"guarantor.{guarantor}.call"] = stack.guarantee[:, covered].sum(axis=(1, 2))
    metrics["commissioner_capital_protection"] = stack.protection.sum(axis=(1, 2))
    return metrics, statuses
