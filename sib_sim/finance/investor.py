"""Investor metrics from dated monthly flows: IRR with an explicit status, multiple, payback."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyxirr

IRR_STATUSES = ("ok", "no_root", "total_loss", "no_outlay")


def irr_with_status(dates: list[dt.date], flows: np.ndarray) -> tuple[float, str]:
    """Annual IRR (XIRR convention, actual/365) and why it is what it is; never a silent NaN.

    - no_outlay: the investor never put money in (IRR undefined, reported as NaN with this status);
    - total_loss: money in, nothing back (IRR is -100%);
    - no_root: flows change sign but no rate sets NPV to zero;
    - ok: a root was found.
    """
    if not np.any(flows < 0):
        return math.nan, "no_outlay"
    if not np.any(flows > 0):
        return -1.0, "total_loss"
    keep = flows != 0
    rate = pyxirr.xirr([d for d, k in zip(dates, keep) if k], flows[keep])
    if rate is None or not math.isfinite(rate):
        return math.nan, "no_root"
    return float(rate), "ok"


def payback_month(net: np.ndarray) -> float:
    """First month at which cumulative net flow to the investor is back to zero or above."""
    cumulative = np.cumsum(net)
    invested = np.flatnonzero(cumulative < -1e-6)
    if invested.size == 0:
        return math.nan
    after = np.flatnonzero((np.arange(net.size) > invested[0]) & (cumulative >= -1e-6))
    return float(after[0]) if after.size else math.nan


def discount_factors(horizon_months: int, annual_rate: float) -> np.ndarray:
    """Factor for cash in month m (paid at the month's start), discounting to the contract start."""
    return (1.0 + annual_rate) ** (-np.arange(horizon_months) / 12.0)
