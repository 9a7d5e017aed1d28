"""Participant milestones and areas: the model's draws, the evaluator's counts, the ledger by area."""

from pathlib import Path

import numpy as np
import pytest

from sib_sim import load_scenario, with_overrides
from sib_sim.measure import measure_outcomes, stack_ledgers
from sib_sim.model import simulate_cohort
from sib_sim.model.milestones import simulate_milestones
from sib_sim.rng import STREAM_NAMES, streams
from sib_sim.scenario.milestones import Milestone

ROOT = Path(__file__).resolve().parents[3]
FCF = ROOT / "scenarios" / "fair_chance_homelessness.yaml"


@pytest.fixture(scope="module")
def fcf():
    return load_scenario(FCF)


def _m(**kw) -> Milestone:
    return Milestone.model_validate(kw)


def test_hand_worked_chain_of_milestones():
    # Three participants starting at months 0, 1.5 and 10. u0 < p decides who reaches a milestone,
    # u1 inverts the delay: uniform 2-6 months gives 2 + 4 u1.
    ms = [_m(id="job", probability=0.5, delay={"shape": "uniform", "min": 2, "max": 6}, baseline_probability=0.2),
          _m(id="job_13w", after="job", probability=0.9, delay={"shape": "fixed", "months": 3})]
    start = np.array([0.0, 1.5, 10.0])
    u = np.zeros((3, 2, 4))
    u[:, 0, 0] = [0.1, 0.6, 0.3]  # reach job: yes, no (0.6 >= 0.5), yes
    u[:, 0, 1] = [0.25, 0.5, 1.0]  # delays 3, 4, 6
    u[:, 1, 0] = [0.95, 0.0, 0.5]  # reach job_13w given job: no (0.95 >= 0.9), -, yes
    u[:, 0, 2] = [0.1, 0.3, 0.19]  # comparison reaches job at 0.2: yes, no, yes
    u[:, 0, 3] = [0.0, 0.0, 0.5]  # comparison delays 2, -, 4
    times = simulate_milestones(ms, start, u)
    np.testing.assert_array_equal(times.participant, [[3.0, np.nan], [np.nan, np.nan], [16.0, 19.0]])
    # The comparison's job_13w uses u2 of column 1 (all 0 < baseline 0): nobody at the default baseline 0.
    np.testing.assert_array_equal(times.comparison, [[2.0, np.nan], [np.nan, np.nan], [14.0, np.nan]])


def test_within_months_drops_late_milestones():
    ms = [_m(id="a", probability=1.0, delay={"shape": "uniform", "min": 0, "max": 10}, within_months=5)]
    u = np.zeros((2, 1, 4))
    u[:, 0, 1] = [0.4, 0.6]  # 4 months (kept), 6 months (too late)
    times = simulate_milestones(ms, np.array([1.0, 1.0]), u)
    np.testing.assert_array_equal(times.participant[:, 0], [5.0, np.nan])


@pytest.mark.parametrize("delay", [{"shape": "exponential", "mean": 3.0, "offset": 1.0},
                                   {"shape": "lognormal", "median": 4.0, "sd_log": 0.5}])
def test_delays_are_monotone_inversions(delay):
    m = _m(id="a", probability=1.0, delay=delay)
    q = np.linspace(0.0, 0.999, 200)
    months = m.months_at(q)
    assert np.all(np.diff(months) > 0) and months[0] >= 0.0
    if delay["shape"] == "exponential":
        assert m.months_at(np.array([1 - np.exp(-1.0)]))[0] == pytest.approx(1.0 + 3.0)
    else:
        assert m.months_at(np.array([0.5]))[0] == pytest.approx(4.0)


def test_raising_a_probability_only_adds_people_on_the_same_draws(fcf):
    low = with_overrides(fcf, {"milestones.work_start.probability": 0.2})
    high = with_overrides(fcf, {"milestones.work_start.probability": 0.4})
    a, b = simulate_cohort(low, streams(3, 0)), simulate_cohort(high, streams(3, 0))
    col = a.milestones.column("work_start")
    reached_low, reached_high = ~np.isnan(a.milestones.participant[:, col]), ~np.isnan(b.milestones.participant[:, col])
    assert reached_low.sum() < reached_high.sum() and not (reached_low & ~reached_high).any()
    # Times of those reached in both runs are the same draws.
    both = reached_low & reached_high
    np.testing.assert_array_equal(a.milestones.participant[both, col], b.milestones.participant[both, col])
    # The accommodation milestones, which did not change, are identical.
    np.testing.assert_array_equal(a.milestones.participant[:, :5], b.milestones.participant[:, :5])


def test_shares_reached_match_the_probabilities(fcf):
    big = with_overrides(fcf, {"cohort.referrals.rate_per_month": 600, "service.caseload_per_worker": 2000})
    log = simulate_cohort(big, streams(5, 0))
    t = log.milestones.participant
    reached = ~np.isnan(t)
    first, second = log.milestones.column("accommodation"), log.milestones.column("accommodation_3m")
    assert reached[:, first].mean() == pytest.approx(0.8, abs=0.02)
    assert reached[reached[:, first], second].mean() == pytest.approx(0.85, abs=0.02)
    # A later milestone is reached only after the earlier one, exactly its fixed delay later.
    np.testing.assert_allclose(t[reached[:, second], second] - t[reached[:, second], first], 3.0)
    comparison = ~np.isnan(log.milestones.comparison[:, first])
    assert comparison.mean() == pytest.approx(0.45, abs=0.02)


def test_ledger_counts_milestones_and_comparison_by_month(fcf):
    certain = with_overrides(fcf, {"milestones.accommodation.probability": 1.0,
                                   "milestones.accommodation.baseline_probability": 1.0})
    log = simulate_cohort(certain, streams(2, 0))
    ledger = measure_outcomes(log, certain, streams(2, 0))
    horizon = log.horizon_months
    times = log.milestones.participant[:, log.milestones.column("accommodation")]
    expected = np.bincount(np.floor(times[times < horizon]).astype(int), minlength=horizon)
    np.testing.assert_array_equal(ledger.milestones["milestone:accommodation"][0, 0], expected)
    assert ledger.milestones["milestone:accommodation"][0, 1:].sum() == 0  # reached once at most
    assert ledger.comparison_milestones["milestone:accommodation"].shape == (1, horizon)
    # Everyone reaches it in both groups: each month's counts differ only through the delay draws.
    assert ledger.comparison_milestones["milestone:accommodation"].sum() == pytest.approx(expected.sum(), rel=0.05)
    # Milestones cannot outnumber participants, and nobody reaches one before starting.
    engaged_by = np.cumsum(ledger.series["engaged"][0])
    assert np.all(np.cumsum(ledger.milestones["milestone:accommodation"][0, 0]) <= engaged_by)


def test_no_wellbeing_or_hospital_gives_zero_series_and_no_star_scalars(fcf):
    ledger = measure_outcomes(simulate_cohort(fcf, streams(1, 0)), fcf, streams(1, 0))
    assert ledger.modelled == ()
    assert ledger.scalars == {}
    for name in ("star_followups", "star_change_sum", "hospital_treated_cost", "hospital_comparison_cost"):
        assert not ledger.series[name].any()
    assert ledger.series["engaged"].sum() > 0


def test_areas_split_every_series_and_milestone_exactly(fcf):
    ledgers = [measure_outcomes(simulate_cohort(fcf, streams(9, r)), fcf, streams(9, r)) for r in range(3)]
    ledger = stack_ledgers(ledgers)
    assert ledger.areas == ("newcastle", "gateshead", "sunderland")
    for name, series in ledger.by_area["newcastle"].items():
        total = sum(ledger.by_area[a][name] for a in ledger.areas)
        np.testing.assert_array_equal(total, ledger.series[name])
        assert series.shape == (3, ledger.horizon_months)
    for key, counts in ledger.milestones.items():
        np.testing.assert_array_equal(sum(ledger.area_milestones[a][key] for a in ledger.areas), counts)
    for key, counts in ledger.comparison_milestones.items():
        np.testing.assert_array_equal(sum(ledger.area_comparison_milestones[a][key] for a in ledger.areas), counts)
    share = ledger.by_area["newcastle"]["referrals"].sum() / ledger.series["referrals"].sum()
    assert share == pytest.approx(0.45, abs=0.05)


def test_areas_with_their_own_referral_profiles(fcf):
    profiles = fcf.model_dump()
    base = profiles["cohort"].pop("referrals")
    profiles["cohort"]["areas"] = [
        {"id": "north", "referrals": base | {"rate_per_month": 30.0}},
        {"id": "south", "referrals": base | {"rate_per_month": 10.0, "start_month": 6.0, "ramp_up_months": 0.0}},
    ]
    scenario = type(fcf).model_validate(profiles)
    ledgers = [measure_outcomes(simulate_cohort(scenario, streams(4, r)), scenario, streams(4, r)) for r in range(4)]
    ledger = stack_ledgers(ledgers)
    south = ledger.by_area["south"]["referrals"]
    assert south[:, :6].sum() == 0  # the south's window opens at month 6
    assert south.sum() / 4 == pytest.approx(10.0 * 10, rel=0.15)  # months 6-16 at 10 a month
    np.testing.assert_array_equal(ledger.by_area["north"]["referrals"] + south, ledger.series["referrals"])


def test_one_area_leaves_the_ledger_without_areas(wtw):
    ledger = measure_outcomes(simulate_cohort(wtw, streams(1, 0)), wtw, streams(1, 0))
    assert ledger.areas == () and ledger.by_area == {} and ledger.area_milestones == {}


def test_streams_are_appended_so_old_draws_stay_put():
    assert STREAM_NAMES[:8] == ("referrals", "engagement", "duration", "stars", "hospital", "comparison",
                                "measurement", "parameters")
    assert STREAM_NAMES[8:] == ("milestones", "areas")


def test_a_higher_milestone_rate_never_pays_less_in_any_replication(fcf):
    from sib_sim import run

    terms = {"run.uncertainty": False, "contract.cap": 1e9}
    low = run(with_overrides(fcf, terms | {"milestones.work_start.probability": 0.25}), replications=4, workers=1)
    high = run(with_overrides(fcf, terms | {"milestones.work_start.probability": 0.35}), replications=4, workers=1)
    for line in ("work_start", "work_26w"):
        a = low.replications[f"payments_by_outcome.{line}"].to_numpy()
        b = high.replications[f"payments_by_outcome.{line}"].to_numpy()
        assert np.all(b >= a) and b.sum() > a.sum(), line
    # Lines on other milestones are paid exactly the same (the same draws).
    np.testing.assert_array_equal(low.replications["payments_by_outcome.accommodation_3m"],
                                  high.replications["payments_by_outcome.accommodation_3m"])
