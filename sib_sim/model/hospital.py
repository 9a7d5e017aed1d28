"""Secondary-care use of participants, per month, and what it would have been without support.

Counts are Poisson given a patient's gamma frailty (so negative binomial between patients). The
contract only needs totals by month and line, and by the month participants started (threshold
contracts), and a sum of independent Poissons is Poisson with the summed rate. So each cell
(month, line, start month) gets one Poisson count at its exact summed rate: no per-visit draws.

Common random numbers (DESIGN.md section 6): every draw is the inverse distribution function at
one uniform, and the uniforms come as blocks of fixed size, drawn in a fixed order: one per cell
(its size depends only on the horizon and the lines), then one frailty per referral (indexed by
referral, so a patient keeps their frailty whoever else starts). Raising an effect lowers every
cell's rate and so never raises any count; nothing else moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import referral_block
from ..scenario import Scenario
from .delivery import effect_factor_by_month, mean_effect_factor
from .inversion import gamma_frailty, poisson_quantile
from .risk_cells import follow_up_window, risk_cells


@dataclass(frozen=True)
class HospitalUse:
    """Monthly cohort totals (index m = month [m, m+1)); lines follow scenario.hospital.lines."""

    patient_months: np.ndarray  # (H,) participants under follow-up
    counts: np.ndarray  # (H, L) observed participant counts
    cost: np.ndarray  # (H,) observed participant cost
    expected_cost: np.ndarray  # (H,) expected cost with support
    counterfactual_cost: np.ndarray  # (H,) expected cost of the same people without support
    by_start: np.ndarray  # (H, L, S) the observed counts split by the month participants started
    # (H,) cost the same people would have run up had support prevented nothing: each cell's count
    # at its counterfactual rate from the same uniform (measurement risk's "no effect" world)
    null_cost: np.ndarray


def line_arrays(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lines = scenario.hospital.lines
    return (np.array([x.rate_per_year for x in lines]) / 12.0,
            np.array([x.unit_cost for x in lines]),
            np.array([x.effect_during_support for x in lines]))


def secular_trend(scenario: Scenario) -> np.ndarray:
    mids = np.arange(scenario.run.horizon_months) + 0.5
    return (1.0 + scenario.hospital.secular_trend_per_year) ** (mids / 12.0)


def cell_rates(scenario: Scenario, risk: np.ndarray, month_factor: np.ndarray | None = None) -> np.ndarray:
    """(H, L, S) expected counts from summed risk [s, m]: trend x line rate (x a factor by month)."""
    rate, _, _ = line_arrays(scenario)
    by_month = secular_trend(scenario) if month_factor is None else secular_trend(scenario) * month_factor
    return (by_month[:, None] * rate[None, :])[:, :, None] * risk.T[:, None, :]


def cell_uniforms(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """(H, L, S) one uniform per cell: a block whose size depends only on the horizon and lines."""
    horizon = scenario.run.horizon_months
    return rng.random((horizon, len(scenario.hospital.lines), horizon))


def frailties(scenario: Scenario, rng: np.random.Generator, who: np.ndarray, n_patients: int,
              area: np.ndarray | None = None) -> np.ndarray:
    """Frailty of patients `who` out of `n_patients`, from one uniform per patient, drawn as a block
    (per area where areas have their own referral profiles: rng.referral_block)."""
    return gamma_frailty(referral_block(rng, "random", area, n_patients)[who], scenario.hospital.frailty_shape)


def simulate_hospital_use(scenario: Scenario, start: np.ndarray, end: np.ndarray, group: np.ndarray,
                          rng: np.random.Generator, who: np.ndarray | None = None,
                          n_patients: int | None = None, area: np.ndarray | None = None) -> HospitalUse:
    """Participants' monthly hospital use; `start`/`end` are support months of those who started.

    `who` are their indices among `n_patients` referrals (default: the participants themselves),
    which pick each one's frailty uniform; `area` each referral's area where areas have their own
    referral profiles (their frailties then come from the area's sub-stream).
    """
    who = np.arange(start.size) if who is None else who
    u = cell_uniforms(scenario, rng)
    frailty = frailties(scenario, rng, who, start.size if n_patients is None else n_patients, area)
    group_mult = np.array([g.hospital_multiplier for g in scenario.cohort.groups])[group]
    during, lasting = delivery_strength(scenario, start, end)
    cells = risk_cells(scenario, start, frailty * group_mult, True, end, during, lasting)
    _, unit_cost, effect = line_arrays(scenario)
    without = cell_rates(scenario, cells.risk)
    prevented = np.minimum(cell_rates(scenario, cells.treated) * effect[None, :, None], without)
    expected = without - prevented
    by_start = poisson_quantile(u, expected)
    counts = by_start.sum(axis=2)
    # Same uniforms at the rates without support: at least the observed count, and equal to it
    # wherever support had no effect, so the difference is only what support did.
    null_counts = poisson_quantile(u, without).sum(axis=2)
    counterfactual_cost = without.sum(axis=2) @ unit_cost
    return HospitalUse(
        patient_months=cells.patient_months,
        counts=counts,
        cost=counts @ unit_cost,
        # The expected cost as the counterfactual less what support prevented, so that with no
        # effect the two are the same numbers, not two sums rounded differently.
        expected_cost=counterfactual_cost - prevented.sum(axis=2) @ unit_cost,
        counterfactual_cost=counterfactual_cost,
        by_start=by_start,
        null_cost=null_counts @ unit_cost,
    )


def delivery_strength(scenario: Scenario, start: np.ndarray,
                      end: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Share of the usual effect during support, by month (H,), and the share each participant
    keeps once support ends (n,): their average over their own support, so that what fades after
    support is what the support they had built. None (full effect) without delivery periods."""
    periods = scenario.service.delivery_periods
    if not periods:
        return None, None
    return (effect_factor_by_month(periods, scenario.run.horizon_months),
            mean_effect_factor(periods, start, end))


__all__ = ["HospitalUse", "cell_rates", "cell_uniforms", "follow_up_window", "frailties", "line_arrays",
           "secular_trend", "simulate_hospital_use"]
