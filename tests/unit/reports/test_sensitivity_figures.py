"""The tornado and deal-zone figures: £ units, parameters in words, shares as %."""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from sib_sim.experiment.sensitivity import SensitivityResult
from sib_sim.experiment.sweep import Axis, SweepResult
from sib_sim.reports.sensitivity_figures import deal_zone, tornado


def _draw(fig: Figure) -> None:
    fig.savefig(io.BytesIO(), format="png", dpi=40)  # tick labels exist only once drawn


def _tornado() -> Figure:
    table = pd.DataFrame({"parameter": ["cohort.referrals.rate_per_month", "hospital.lines.ae.effect_during_support"],
                          "low": [105.4, 0.31], "high": [131.0, 0.51], "metric_low": [7_118_100.0, 7_977_019.0],
                          "metric_high": [8.2e6, 8_071_640.0], "swing": [1_081_900.0, 94_621.0],
                          "swing_se": [281_479.0, 71_714.0]})
    result = SensitivityResult("oneway", "payments_total", table, (), "wtw", 1, None, 2, 5, base=8_015_202.4)
    fig = tornado(result, "GBP")
    _draw(fig)
    return fig


def test_tornado_in_pounds_with_parameters_in_words() -> None:
    fig = _tornado()
    ax = fig.axes[0]
    assert fig.get_suptitle() == "One-way sensitivity of outcome payments (2 replications per point)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A&E reduction during support", "Referrals per month"]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(t.startswith("£") and t.endswith("m") for t in ticks), ticks
    assert ax.get_xlabel() == "Outcome payments (£); base £8.02m (payments_total)"
    assert "e+0" not in " ".join(ticks) and "," not in " ".join(ticks)


def test_deal_zone_axes_in_words_with_units() -> None:
    price, share = "contract.outcomes.wellbeing.price", "contract.outcomes.secondary_care.share"
    grid = pd.DataFrame({price: [100.0, 100.0, 300.0, 300.0], share: [0.3, 0.5, 0.3, 0.5],
                         "p_investor_hurdle": [0.5, 1.0, 1.0, 1.0], "p_commissioner_covered": [1.0, 1.0, 0.9, 0.2],
                         "deal": [False, True, True, False]})
    result = SweepResult("wtw", (Axis(price, 100.0, 300.0, 2), Axis(share, 0.3, 0.5, 2)), grid, 1.5, 0.8, 4, 1, 1, ())
    fig = deal_zone(result, "GBP")
    _draw(fig)
    left = fig.axes[0]
    assert left.get_xlabel() == f"Wellbeing price (£)\n{price}"
    assert left.get_ylabel() == f"Secondary care share of savings paid (%)\n{share}"
    assert all(t.get_text().startswith("£") for t in left.get_xticklabels() if t.get_text())
    assert all(t.get_text().endswith("%") for t in left.get_yticklabels() if t.get_text())
    assert "both >= 80% at 2 of 4 points" in fig.get_suptitle()
