"""Common random numbers hold after the flow: with the same seed, raising one parameter moves every
draw it affects the same way and no other draw (DESIGN.md section 6, issue 10).

Small cohorts and few examples keep each test to a few seconds; every example compares two runs of
the same replication that differ in one value only.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim import with_overrides
from sib_sim.contract import apply_contract
from sib_sim.experiment.replicate import simulate_replication

EFFECT = "hospital.lines.{}.effect_during_support"
SMALL = {"cohort.referrals.rate_per_month": 12.0, "run.uncertainty": False}
seeds = st.integers(0, 2**32 - 1)
bumps = st.floats(0.001, 0.1)
CHECKS = settings(max_examples=8, deadline=None)


def paired(scenario, changes: dict, seed: int):
    """The same replication of the scenario and of the scenario with `changes`."""
    changed = with_overrides(scenario, changes)
    return (scenario, simulate_replication(scenario, seed, 0)), (changed, simulate_replication(changed, seed, 0))


def earned(scenario, ledger, line: str) -> float:
    """What a line earned before any cap (the lead makes caps monotone separately, in contract/)."""
    return float(sum(c.earned.sum() for c in apply_contract(scenario.contract, ledger).claims if c.line == line))


@CHECKS
@given(seed=seeds, line=st.integers(0, 3), effect=st.floats(0.0, 0.85), bump=bumps)
def test_raising_one_hospital_effect_never_lowers_savings_or_outcome_b(wtw, seed, line, effect, bump):
    base = with_overrides(wtw, SMALL)
    path = EFFECT.format(base.hospital.lines[line].id)
    base = with_overrides(base, {path: effect})
    (lo_s, lo), (hi_s, hi) = paired(base, {path: effect + bump}, seed)
    a, b = lo.series, hi.series
    avoided_lo = a["hospital_counterfactual_cost"] - a["hospital_expected_cost"]
    avoided_hi = b["hospital_counterfactual_cost"] - b["hospital_expected_cost"]
    assert np.all(avoided_hi >= avoided_lo - 1e-6)  # true costs avoided, month by month
    np.testing.assert_array_equal(b["hospital_comparison_cost"], a["hospital_comparison_cost"])
    assert np.all(b["hospital_treated_cost"] <= a["hospital_treated_cost"])  # measured, month by month
    np.testing.assert_array_equal(b["hospital_treated_cost_null"], a["hospital_treated_cost_null"])
    assert earned(hi_s, hi, "secondary_care") >= earned(lo_s, lo, "secondary_care") - 1e-6
    # Nothing else moved: the Stars and the flow are the same numbers.
    for name in ("star_change_sum", "star_followups", "engaged", "in_service"):
        np.testing.assert_array_equal(b[name], a[name])


@CHECKS
@given(seed=seeds, gain=st.floats(0.0, 0.5), bump=bumps)
def test_raising_the_star_gain_never_lowers_outcome_a(wtw, seed, gain, bump):
    base = with_overrides(wtw, SMALL | {"wellbeing.gain_first_period_mean": gain})
    (lo_s, lo), (hi_s, hi) = paired(base, {"wellbeing.gain_first_period_mean": gain + bump}, seed)
    a, b = lo.series, hi.series
    assert np.all(b["star_change_sum"] >= a["star_change_sum"])
    np.testing.assert_array_equal(b["star_followups"], a["star_followups"])
    assert earned(hi_s, hi, "wellbeing") >= earned(lo_s, lo, "wellbeing") - 1e-6
    np.testing.assert_array_equal(b["hospital_treated_cost"], a["hospital_treated_cost"])


@CHECKS
@given(seed=seeds, missed=st.floats(0.0, 0.8), bump=bumps, bias=st.floats(-0.3, 0.3))
def test_recording_and_comparison_parameters_move_only_their_own_draws(wtw, seed, missed, bump, bias):
    base = with_overrides(wtw, SMALL | {"service.p_assessment_missed": missed,
                                        "hospital.comparison.matching_bias": bias})
    (_, lo), (_, hi) = paired(base, {"service.p_assessment_missed": missed + bump}, seed)
    assert np.all(hi.series["star_followups"] <= lo.series["star_followups"])
    np.testing.assert_array_equal(hi.series["hospital_comparison_cost"], lo.series["hospital_comparison_cost"])
    (_, lo), (_, hi) = paired(base, {"hospital.comparison.matching_bias": bias + bump}, seed)
    assert np.all(hi.series["hospital_comparison_cost"] >= lo.series["hospital_comparison_cost"])
    np.testing.assert_array_equal(hi.series["hospital_treated_cost"], lo.series["hospital_treated_cost"])


@CHECKS
@given(seed=seeds, line=st.integers(0, 3), scale=st.floats(1.001, 1.5))
def test_raising_a_line_rate_never_lowers_its_counts(wtw, seed, line, scale):
    base = with_overrides(wtw, SMALL)
    path = f"hospital.lines.{base.hospital.lines[line].id}.rate_per_year"
    (_, lo), (_, hi) = paired(base, {path: base.hospital.lines[line].rate_per_year * scale}, seed)
    for name in ("hospital_treated_cost", "hospital_comparison_cost", "hospital_treated_cost_null"):
        assert np.all(hi.series[name] >= lo.series[name]), name


def test_every_effect_up_a_hundredth_never_lowers_outcome_b_in_the_shipped_cohort(wtw):
    """The case of issue 10 (payments fell in 17 of 200 replications), on the full cohort."""
    base = with_overrides(wtw, {"run.uncertainty": False})
    raised = with_overrides(base, {EFFECT.format(x.id): x.effect_during_support + 0.01 for x in base.hospital.lines})
    for r in range(3):
        lo, hi = simulate_replication(base, 7, r), simulate_replication(raised, 7, r)
        assert np.all(hi.series["hospital_treated_cost"] <= lo.series["hospital_treated_cost"])
        assert earned(raised, hi, "secondary_care") >= earned(base, lo, "secondary_care")
