"""Value of information between compare variants: paired draws, and the same estimate as vfm's for the
same decision (compare's variants and vfm's arms are two paths to the commissioner's net benefit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sib_sim import UserError, load_scenario, with_overrides
from sib_sim.experiment import compare
from sib_sim.experiment.vfm import value_for_money

ROOT = Path(__file__).resolve().parents[3]
AE, NEL = "hospital.lines.ae.effect_during_support", "hospital.lines.non_elective.effect_during_support"
N = 24  # enough for a linear regression in two parameters (8 replications per term)
WTP = [(0.0, 0.0), (1.0, 500.0)]


def _two_parameters(scenario):
    """The scenario at 30 referrals a month with only the two hospital effects uncertain."""
    keep = {p: d for p, d in scenario.uncertainty.items() if p in (AE, NEL)}
    return with_overrides(scenario, {"cohort.referrals.rate_per_month": 30, "uncertainty": keep})


@pytest.fixture(scope="module")
def decision(wtw):
    """An uncapped SIB in which the CCG pays all of outcome B (the savings then cancel between the
    options) and outcome A at 5,000 per completion, about where the CCG is indifferent (a price scale
    of 15x to 19x on outcome A in 24 runs): the better option depends on the hospital effects.
    Against direct commissioning at cost."""
    sib = with_overrides(_two_parameters(wtw), {
        "contract.cap": None, "contract.payers.ccg.cap": None, "contract.payers.cbo.cap": None,
        "contract.payers.sof.cap": None, "contract.outcomes.secondary_care.share": 1.0,
        "contract.outcomes.wellbeing.price": 5000})
    direct = _two_parameters(load_scenario(ROOT / "scenarios" / "ways_to_wellness_direct.yaml"))
    groups = {"hospital": [AE, NEL]}
    both = compare([sib, direct], replications=N, workers=1, willingness=WTP, groups=groups, programmes=10)
    vfm = value_for_money(sib, comparator=direct, replications=N, workers=1, willingness=WTP, groups=groups,
                          programmes=10, prices=False)
    return both, vfm


def test_compare_estimates_what_vfm_estimates_for_the_same_decision(decision):
    both, vfm = decision
    assert both.voi.options == ("ways_to_wellness", "ways_to_wellness_direct")
    assert len(both.voi.rows) == len(vfm.voi.rows) == 2 * 4  # EVPI, two parameters, one group; two WTPs
    for mine, theirs in zip(both.voi.rows, vfm.voi.rows):
        assert mine["name"] == theirs["name"] and mine["kind"] == theirs["kind"]
        assert mine["per_programme"] == pytest.approx(theirs["per_programme"], rel=1e-9, abs=1e-6)
        assert mine["se"] == pytest.approx(theirs["se"], rel=1e-9, abs=1e-6)


def test_the_decision_is_uncertain_and_evppi_sits_between_zero_and_evpi(decision):
    rows = decision[0].voi.rows
    for wtp in WTP:
        at = {r["name"]: r for r in rows if (r["value_per_non_cashable"], r["value_per_star_point"]) == wtp}
        evpi = at["EVPI (all parameters)"]
        assert evpi["per_programme"] > 1_000  # the best option changes with the hospital effects
        assert evpi["scaled"] == pytest.approx(10 * evpi["per_programme"])
        assert evpi["scaled_se"] == pytest.approx(10 * evpi["se"])
        for name in (AE, NEL, "hospital"):
            assert -1e-6 <= at[name]["per_programme"] <= evpi["per_programme"] + 3 * evpi["se"] + 1e-6
        assert at["hospital"]["per_programme"] == pytest.approx(evpi["per_programme"])  # the group is everything


def test_variants_share_parameter_draws_and_say_where_their_uncertainty_differs(wtw):
    base = _two_parameters(wtw)
    world = with_overrides(base, {"hospital.effect_half_life_months": 30, "name": "longer"})  # simulated again
    fixed = with_overrides(base, {AE: 0.2, "name": "ae_fixed"})  # --set drops AE's distribution
    result = compare([base, world, fixed], replications=3, workers=1, willingness=[(0.0, 0.0)])
    tables = [r.replications for r in result.variants]
    for column in (f"param.{AE}", f"param.{NEL}"):
        np.testing.assert_array_equal(tables[0][column], tables[1][column])
    np.testing.assert_array_equal(tables[0][f"param.{NEL}"], tables[2][f"param.{NEL}"])
    assert f"param.{AE}" not in tables[2]
    assert any(note.startswith(f"{AE} is uncertain in ways_to_wellness, longer but fixed in ae_fixed")
               for note in result.voi.notes)
    assert result.voi.options == ("ways_to_wellness", "longer", "ae_fixed")


def test_bad_groups_and_programmes_are_refused_before_simulating(wtw):
    with pytest.raises(UserError, match="not uncertain: cohort.nonsense"):
        compare([wtw, wtw], replications=2, groups={"g": ["cohort.nonsense"]})
    with pytest.raises(UserError, match="programmes must be above 0"):
        compare([wtw, wtw], replications=2, programmes=0)


def test_value_of_information_can_be_left_out(wtw):
    result = compare([_two_parameters(wtw)] * 2, replications=2, workers=1, value_of_information=False)
    assert result.voi is None


def test_the_scenarios_groups_are_used_and_named_groups_add_to_or_replace_them(wtw):
    from sib_sim.experiment.voi import value_of_information  # noqa: F401 - the estimator both use

    s = with_overrides(_two_parameters(wtw), {"uncertainty.groups": {"hosp": [AE, NEL], "ae": [AE]}})
    result = compare([s, s], replications=2, workers=1, willingness=[(0.0, 0.0)], groups={"ae": [NEL], "nel": [NEL]})
    kinds = {r["name"]: r["kind"] for r in result.voi.rows}
    assert kinds == {"EVPI (all parameters)": "evpi", AE: "parameter", NEL: "parameter", "hosp": "group",
                     "ae": "group", "nel": "group"}
    vfm = value_for_money(s, replications=2, workers=1, willingness=[(0.0, 0.0)], prices=False)
    assert [r["name"] for r in vfm.voi.rows if r["kind"] == "group"] == ["hosp", "ae"]
