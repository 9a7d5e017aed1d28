"""Honest calibration of the re-projection, on a small seeded grid (the full grid: benchmarks/backtest.py).

Each true history is a replication of a small Ways to Wellness on the scenario's seed; each
projection runs on seeds of its own. Fails when the projected 90% interval of the true remaining
outcome payments at month 24 holds the truth in fewer than 75% of 40 (replication, month) pairs,
or when the interval does not narrow as more months are observed. Deterministic: no timing.
"""

from __future__ import annotations

import pytest

from sib_sim import with_overrides
from sib_sim.live.backtest import backtest

PAIRS_AT_24 = 40
NARROWING = 10  # replications also projected from months 12 and 48


@pytest.fixture(scope="module")
def grid(wtw):
    small = with_overrides(wtw, {"cohort.referrals.rate_per_month": 10})
    pairs = [(r, 24) for r in range(PAIRS_AT_24)] + [(r, m) for r in range(NARROWING) for m in (12, 48)]
    rows = backtest(small, pairs, particles=100, prior_paths=300, smc_particles=400, workers=1, refine=False).rows
    return rows[rows.months == 24], rows[rows.months != 24]


def test_coverage_of_the_90_percent_interval_at_month_24(grid):
    at_24, _ = grid
    assert len(at_24) >= 40
    coverage = at_24["covered"].mean()
    assert coverage >= 0.75, f"coverage {coverage:.0%} of {len(at_24)} pairs"


def test_the_interval_narrows_as_months_are_observed(grid):
    at_24, others = grid
    width = {12: others[others.months == 12].width.mean(),
             24: at_24[at_24.replication < NARROWING].width.mean(),
             48: others[others.months == 48].width.mean()}
    assert width[12] > width[24] > width[48], width
