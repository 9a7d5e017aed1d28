"""Value for money: arms on the same cohorts, indifference prices at the paired difference's zero,
the pricing corridor, budget exposure by financial year."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sib_sim import UserError, load_scenario, with_overrides
from sib_sim.calendar import by_financial_year
from sib_sim.experiment import simulate
from sib_sim.experiment.vfm import value_for_money
from sib_sim.experiment.vfm_budget import budget_exposure
from sib_sim.experiment.vfm_price import XTOL, priced_metrics, scale_prices, take_replications

ROOT = Path(__file__).resolve().parents[3]

SMALL = {"cohort.referrals.rate_per_month": 30, "run.replications": 4}
# Without caps the SIB's cost to the CCG rises with prices until it meets direct commissioning's.
UNCAPPED = SMALL | {"contract.cap": None, "contract.payers.ccg.cap": None, "contract.payers.cbo.cap": None,
                    "contract.payers.sof.cap": None}


@pytest.fixture(scope="module")
def small(wtw):
    return with_overrides(wtw, SMALL)


@pytest.fixture(scope="module")
def result(small):
    return value_for_money(small, workers=1, budgets={"ccg": 150_000}, groups={"hosp": [
        "hospital.lines.ae.effect_during_support", "hospital.lines.non_elective.effect_during_support"]},
        programmes=5, include_nothing=True)


@pytest.fixture(scope="module")
def uncapped(wtw):
    return value_for_money(with_overrides(wtw, UNCAPPED), workers=1, willingness=[(0.0, 0.0)], max_scale=10.0)


def test_direct_commissioning_pays_the_delivery_costs_and_nothing_pays_nothing(small, result):
    from sib_sim.experiment import evaluate, run

    ledger = simulate(small, range(4), workers=1)
    table = evaluate(small, ledger).replications  # the delivery as planned: what direct commissioning buys
    direct, sib, nothing = (result.arms[k] for k in ("direct", "sib", "nothing"))
    np.testing.assert_allclose(direct["commissioner.payments"], table["delivery_cost"])
    np.testing.assert_allclose(direct["ccg.net_cost"], table["delivery_cost"]
                               - table["hospital_costs_avoided_cashable"])
    # The SIB arm is what a run reports, its delivery cuts simulated (at 30 referrals a month the SIB's
    # money runs out in every one of these runs, and the notes say so).
    ran = run(small, replications=4, workers=1).replications
    assert ran["capacity_cut"].all() and any("the SIB cut delivery" in n and "4 of 4" in n for n in result.notes)
    np.testing.assert_allclose(sib["commissioner.net_cost_npv"], ran["commissioner_net_cost_npv"])
    np.testing.assert_allclose(sib["cbo.payments"], ran["payments_by_payer.cbo"])
    assert (sib["cbo.savings"] == 0).all() and (sib["ccg.savings"] > 0).all()
    assert not np.allclose(sib["commissioner.net_cost_npv"], table["commissioner_net_cost_npv"])  # the cut counts
    assert (np.nan_to_num(nothing.to_numpy()) == 0).all()  # and cost per Star point NaN: 0 / 0
    d = result.differences()["commissioner.net_cost_npv"]
    assert d["mean"] == pytest.approx((sib["commissioner.net_cost_npv"] - direct["commissioner.net_cost_npv"]).mean())


def test_scaling_prices_scales_uncapped_payments(wtw):
    s = with_overrides(wtw, UNCAPPED)
    ledger = simulate(s, range(2), workers=1)
    base = priced_metrics(s, ledger)["payments_total"]
    np.testing.assert_allclose(priced_metrics(scale_prices(s, 2.0), ledger)["payments_total"], 2 * base)
    np.testing.assert_allclose(priced_metrics(scale_prices(s, 0.0), ledger)["payments_total"], 0.0)
    one_line = priced_metrics(scale_prices(s, 0.0, "wellbeing"), ledger)["payments_total"]
    assert (one_line < base).all() and (one_line > 0).all()
    sliced = take_replications(ledger, [1])
    assert priced_metrics(s, sliced)["payments_total"][0] == pytest.approx(base[1])


@pytest.mark.parametrize("index", [0, 1])
def test_indifference_price_sits_where_the_paired_difference_crosses_zero(wtw, uncapped, index):
    found = uncapped.indifference[index]
    assert found.what == ("commissioner_indifferent", "investor_breaks_even")[index]
    assert np.isfinite(found.roots).all()
    s = with_overrides(wtw, UNCAPPED)
    ledger = simulate(s, range(4), workers=1)
    direct = uncapped.arms["direct"]["commissioner.net_cost_npv"].to_numpy()

    def difference(k: float) -> np.ndarray:
        m = priced_metrics(scale_prices(s, k), ledger)
        if index == 0:
            return m["commissioner_net_cost_npv"] - direct
        return m["investor_distributions"] - m["investor_drawn"]

    at_root = np.array([difference(k)[r] for r, k in enumerate(found.roots)])
    below = np.array([difference(k - 0.01)[r] for r, k in enumerate(found.roots)])
    above = np.array([difference(k + 0.01)[r] for r, k in enumerate(found.roots)])
    slope = np.abs(above - below) / 0.02  # money per unit of scale near the root
    assert (np.abs(at_root) <= 2 * XTOL * slope + 1.0).all()  # brentq's tolerance on the scale, in money
    assert (below < 0).all() and (above > 0).all()
    summary = found.summary()
    assert summary["p5"] <= summary["p50"] <= summary["p95"] and summary["n_crossing"] == 4


def test_caps_can_keep_the_sib_below_direct_commissioning_at_every_scale(result):
    found = result.indifference[0].summary()
    # The CCG's cap (GBP 5.2m) is below the delivery's cost, and top-up funds pay part: never dearer.
    assert found["never_above"] == 4 and found["n_crossing"] == 0 and found["point"] is None


def test_corridor_floor_is_delivery_plus_finance_and_ceilings_rise_with_willingness(result):
    floor, *ceilings = result.corridor
    assert floor["kind"] == "cost_floor"
    assert floor["amount"] == pytest.approx(floor["delivery"] + floor["cost_of_finance"])
    amounts = [c["amount"] for c in ceilings]
    assert amounts == sorted(amounts) and amounts[0] > 0
    assert floor["scale"] is None or 0 < floor["scale"] < result.indifference[0].max_scale


def test_budget_exposure_by_financial_year_by_hand():
    import datetime as dt

    monthly = np.zeros((4, 15))
    monthly[:, 0] = [10, 20, 30, 40]  # March 2016: financial year 2015-16
    monthly[:, 1:13] = 1.0  # April 2016 to March 2017: 12 in 2016-17
    monthly[:, 14] = [0, 0, 0, 100]  # May 2017
    table = budget_exposure({"ccg": monthly}, dt.date(2016, 3, 1), {"ccg": 150.0}, {"ccg": 15.0})
    assert list(table["year"]) == ["2015-16", "2016-17", "2017-18"]
    first, second, third = table.to_dict(orient="records")
    assert first["mean"] == 25 and first["p90"] == pytest.approx(37) and first["p_over_budget"] == 0.75
    assert second["mean"] == 12 and second["p_over_budget"] == 0.0
    assert third["cumulative_p99"] == pytest.approx(np.percentile([12 + 10, 12 + 20, 12 + 30, 12 + 40 + 100], 99))
    assert third["cap"] == 150.0
    labels, yearly = by_financial_year(dt.date(2016, 3, 1), monthly)
    assert table["mean"].sum() == pytest.approx(yearly.mean(axis=0).sum())


def test_budget_rows_sum_to_each_payers_payments(result):
    sib = result.budget[result.budget["payer"] == "sib.ccg"]
    assert sib["mean"].sum() == pytest.approx(result.arms["sib"]["ccg.payments"].mean(), rel=1e-6)
    assert sib["budget"].iloc[0] == 150_000 and sib["p_over_budget"].notna().all()
    assert set(result.budget["payer"]) == {"sib.ccg", "sib.cbo", "sib.sof", "direct.ccg"}


def test_too_few_replications_for_value_of_information_leave_it_blank_and_say_so(result):
    rows = result.voi.rows
    # EVPI, each parameter, the scenario's groups and the group named here, at each willingness to pay
    assert len(rows) == 3 * (1 + len(result.scenario.uncertainty) + len(result.scenario.parameter_groups()) + 1)
    assert all(r["per_programme"] is None and r["scaled"] is None for r in rows)
    assert any("too few replications" in note for note in result.voi.notes)


# Two uncertain parameters (the others fixed at their point values): enough runs for the regression.

@pytest.fixture(scope="module")
def informed(wtw):
    keep = ("hospital.lines.non_elective.effect_during_support", "wellbeing.gain_first_period_mean")
    fixed = {p: wtw.uncertainty[p].point for p in wtw.uncertainty if p not in keep}
    s = with_overrides(wtw, UNCAPPED | fixed | {"run.replications": 24})
    return value_for_money(s, workers=1, willingness=[(0.0, 0.0), (1.0, 300.0)], include_nothing=True,
                           groups={"both": list(keep)}, programmes=5, prices=False)


def test_value_of_information_for_each_parameter_and_group(informed):
    rows = {(r["value_per_star_point"], r["name"]): r for r in informed.voi.rows}
    assert informed.voi.options == ("sib", "direct", "nothing")
    # the shipped groups keep the members left uncertain (a group left empty goes), beside "both"
    assert set(name for _, name in rows) == {"EVPI (all parameters)", "both", "hospital_effects", "wellbeing",
                                             "hospital.lines.non_elective.effect_during_support",
                                             "wellbeing.gain_first_period_mean"}
    for r in rows.values():
        assert r["per_programme"] >= -1e-9 and r["se"] >= 0
        assert r["scaled"] == pytest.approx(5 * r["per_programme"])
    for star in (0.0, 300.0):
        evpi = rows[(star, "EVPI (all parameters)")]
        assert rows[(star, "both")]["per_programme"] == pytest.approx(evpi["per_programme"], abs=2 * evpi["se"] + 1)
    document = informed.to_dict()
    assert document["value_of_information"]["programmes"] == 5.0
    assert document["indifference"] == [] and any("not searched" in n for n in document["notes"])


def test_a_named_comparator_runs_on_the_same_cohorts(small, result):
    direct = with_overrides(load_scenario(ROOT / "scenarios" / "ways_to_wellness_direct.yaml"), SMALL)
    named = value_for_money(small, comparator=direct, workers=1, willingness=[(0.0, 0.0)])
    assert named.comparator == "ways_to_wellness_direct"
    built_in = result
    # The comparator's fee schedule writes out the same costs by hand.
    assert named.arms["direct"]["commissioner.payments"].mean() == pytest.approx(
        built_in.arms["direct"]["commissioner.payments"].mean(), rel=0.02)


def test_bad_options_are_user_errors(small):
    with pytest.raises(UserError, match="unknown outcome line"):
        value_for_money(small, line="nope")
    with pytest.raises(UserError, match="unknown payer"):
        value_for_money(small, budgets={"nhs": 1.0})
    with pytest.raises(UserError, match="programmes"):
        value_for_money(small, programmes=0)


def test_a_capital_stack_breaks_even_on_the_tranches_together():
    """With finance.investors (no single finance.investor) the investor's break-even price is that of
    the tranches in total: distributions over all tranches equal their draws at the root."""
    stack = with_overrides(load_scenario(ROOT / "scenarios" / "us_pay_for_success_stack.yaml"),
                           {"cohort.referrals.rate_per_month": 40, "run.replications": 4})
    found = {i.what: i for i in value_for_money(stack, workers=1, willingness=[(0.0, 0.0)]).indifference}
    assert set(found) == {"commissioner_indifferent", "investor_breaks_even"}
    breaks_even = found["investor_breaks_even"]
    assert np.isfinite(breaks_even.roots).all() and 0 < breaks_even.point < breaks_even.max_scale
    # the mean difference (distributions less draws) rises with the prices through zero at the point
    below = breaks_even.grid < breaks_even.point
    assert (breaks_even.mean_difference[below] <= 0).all() and (breaks_even.mean_difference[~below] >= 0).all()
