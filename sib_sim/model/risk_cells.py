"""Patients' summed hospital risk by (start month, calendar month), without per-patient months.

Each patient's relative risk is their multiplier (frailty x group) times a regression-to-the-mean
excess that halves every `half_life_months`, over the months of follow-up; with support, times the
share of the effect they have (full in support, fading with a half-life afterwards). Every term is a
patient's value on a window of months, decaying geometrically from the window's first month, so the
sums over patients are built from one entry and one exit per patient and window, and a (months x
months) decay matrix: O(patients + months^2) rather than O(patients x months).

Month m stands for its mid-point m + 0.5, as in the dense formulas this replaces (tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario


@dataclass(frozen=True)
class RiskCells:
    """Sums over patients, indexed [s, m]: s the month a patient started, m the calendar month."""

    risk: np.ndarray  # (H, H) relative risk without support
    treated: np.ndarray | None  # (H, H) relative risk times the share of the effect (None: not asked)
    patient_months: np.ndarray  # (H,) patients under follow-up at mid-month


def window_sums(cell: np.ndarray, lo: np.ndarray, hi: np.ndarray, value: np.ndarray,
                rate: float, horizon: int) -> np.ndarray:
    """(H, H): at [s, m], the sum over patients i in cell s with lo_i <= m < hi_i of
    value_i * 2 ** (-(m - lo_i) * rate): each value is what the patient adds at its first month."""
    lo = np.clip(lo, 0, horizon)
    hi = np.clip(hi, lo, horizon)
    width = horizon + 1
    at_exit = value * np.exp2(-(hi - lo) * rate)  # what the patient would add at month hi
    flat = np.bincount(np.concatenate([cell * width + lo, cell * width + hi]),
                       weights=np.concatenate([value, -at_exit]), minlength=horizon * width)
    steps = flat.reshape(horizon, width)[:, :horizon]
    return np.cumsum(steps, axis=1) if rate == 0.0 else decayed_cumsum(steps, rate)


def decayed_cumsum(steps: np.ndarray, rate: float) -> np.ndarray:
    """out[:, m] = sum over m' <= m of steps[:, m'] * 2 ** (-(m - m') * rate), along the rows.

    A cumulative sum in a frame that grows as fast as the terms decay, rescaled; done in blocks of
    months short enough that the frame's growth stays far from overflow, each carrying the last.
    (A matrix product with a decay matrix would do the same, but small products through a
    multithreaded BLAS were slower than this on a loaded machine.)
    """
    horizon = steps.shape[1]
    block = max(int(500.0 / rate), 1)
    out = np.empty_like(steps)
    carry = np.zeros(steps.shape[0])
    for first in range(0, horizon, block):
        j = np.arange(min(block, horizon - first))
        grow = np.exp2(j * rate)
        part = np.cumsum(steps[:, first:first + j.size] * grow, axis=1) / grow
        part += carry[:, None] * np.exp2(-(j + 1) * rate)
        out[:, first:first + j.size] = part
        carry = part[:, -1]
    return out


def follow_up_window(start: np.ndarray, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start-month cell, first and last-plus-one month of follow-up (mid-points from `start`)."""
    horizon = scenario.run.horizon_months
    cell = np.clip(np.floor(start), 0, horizon - 1).astype(np.int64)
    first = np.ceil(start - 0.5).astype(np.int64)
    stop = np.ceil(start + scenario.hospital.follow_up_months - 0.5).astype(np.int64)
    return cell, first, stop


def risk_cells(scenario: Scenario, start: np.ndarray, multiplier: np.ndarray, with_rtm: bool,
               end: np.ndarray | None = None, during: np.ndarray | None = None,
               lasting: np.ndarray | None = None) -> RiskCells:
    """Summed risk of patients starting at `start` (months) with these multipliers.

    With `end` (end of support), also the treated sums: `during` (H,) is the share of the effect in
    each month of support, `lasting` (n,) the share each patient keeps once support ends (both 1
    when omitted), fading with `effect_half_life_months`.
    """
    h, horizon = scenario.hospital, scenario.run.horizon_months
    cell, first, stop = follow_up_window(start, scenario)
    rtm = h.regression_to_mean
    excess = rtm.excess_at_referral if with_rtm else 0.0
    r_rtm = 1.0 / rtm.half_life_months

    def terms(lo: np.ndarray, hi: np.ndarray, value: np.ndarray, rate: float) -> np.ndarray:
        """A patient value on [lo, hi), plus its regression-to-the-mean excess."""
        total = window_sums(cell, lo, hi, value, rate, horizon)
        if excess > 0:
            fade = excess * np.exp2(-np.maximum(np.clip(lo, 0, horizon) + 0.5 - start, 0.0) * r_rtm)
            total = total + window_sums(cell, lo, hi, value * fade, rate + r_rtm, horizon)
        return total

    risk = terms(first, stop, multiplier, 0.0)
    months = window_sums(cell, first, stop, np.ones(start.size), 0.0, horizon).sum(axis=0)
    if end is None:
        return RiskCells(risk, None, months)
    # In support while the mid-point is before the end; after it, the kept share fades.
    ends = np.ceil(end - 0.5).astype(np.int64)
    in_support = terms(first, np.minimum(stop, ends), multiplier, 0.0)
    if during is not None:
        in_support = in_support * during[None, :]
    after_first = np.maximum(first, ends)
    r_effect = 1.0 / h.effect_half_life_months
    kept = multiplier if lasting is None else multiplier * lasting
    # (Clipped at 0 only for windows that lie past the horizon, which add nothing.)
    kept = kept * np.exp2(-np.maximum(np.clip(after_first, 0, horizon) + 0.5 - end, 0.0) * r_effect)
    return RiskCells(risk, in_support + terms(after_first, stop, kept, r_effect), months)
