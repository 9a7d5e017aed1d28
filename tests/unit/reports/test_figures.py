"""Report figures: the six named figures exist, draw the numbers they claim, and survive edge cases."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sib_sim.experiment import Results, run
from sib_sim.measure.ledger import STAR_CHANGE_BINS
from sib_sim.reports import make_figures
from sib_sim.scenario import Scenario

SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "ways_to_wellness.yaml"
STEMS = {"cashflow_fan", "investor_multiple", "cohort_flow", "payments", "star_change", "hospital_cost"}


def _strip(x):
    """Scenario YAML wraps values with provenance ({value: ..., source: ...}); keep the values."""
    if isinstance(x, dict):
        return _strip(x["value"]) if "value" in x else {k: _strip(v) for k, v in x.items()}
    return [_strip(v) for v in x] if isinstance(x, list) else x


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(_strip(yaml.safe_load(SCENARIO.read_text())))


@pytest.fixture(scope="module")
def results(scenario: Scenario) -> Results:
    return run(scenario, replications=3, workers=1)


@pytest.fixture(scope="module")
def figures(results: Results) -> dict[str, Figure]:
    return make_figures(results)


def _has_data(ax: Axes) -> bool:
    return bool(ax.lines or ax.patches or ax.collections)


def _render(figures: dict[str, Figure]) -> None:
    """Draw every figure: layout and formatter warnings only appear at draw time."""
    for fig in figures.values():
        fig.savefig(io.BytesIO(), format="png", dpi=40)


def _axes_with_ylabel(fig: Figure, text: str) -> Axes:
    return next(ax for ax in fig.axes if ax.get_ylabel() == text)


def test_six_named_figures_each_with_data(figures: dict[str, Figure]) -> None:
    assert set(figures) == STEMS
    for stem, fig in figures.items():
        assert isinstance(fig, Figure), stem
        assert any(_has_data(ax) for ax in fig.axes), stem
        assert fig.get_size_inches() == pytest.approx((8.0, 4.5))


def test_fan_median_is_median_of_cumulative_investor_net(results: Results, figures: dict[str, Figure]) -> None:
    top = figures["cashflow_fan"].axes[0]
    median = next(line for line in top.lines if line.get_label() == "Median")
    expected = np.median(np.cumsum(results.monthly["investor.net"].astype(np.float64), axis=1), axis=0)
    np.testing.assert_allclose(median.get_ydata(), expected, rtol=1e-9, atol=1e-6)
    assert len(median.get_xdata()) == results.scenario.run.horizon_months


def test_fan_outcome_panel_sums_every_outcome_stream(results: Results, figures: dict[str, Figure]) -> None:
    bottom = figures["cashflow_fan"].axes[1]
    median = next(line for line in bottom.lines if line.get_label() == "Median")
    paid = sum(v.astype(np.float64) for k, v in results.monthly.items() if k.startswith("outcome."))
    np.testing.assert_allclose(median.get_ydata(), np.median(np.cumsum(paid, axis=1), axis=0), atol=1e-6)


@pytest.mark.parametrize("panel, prefix", [("By payer", "payments_by_payer."),
                                           ("By outcome line", "payments_by_outcome.")])
def test_payment_bars_are_column_means(results: Results, figures: dict[str, Figure], panel: str,
                                       prefix: str) -> None:
    ax = _axes_with_ylabel(figures["payments"], panel)
    columns = [c for c in results.replications.columns if c.startswith(prefix)]
    widths = [bar.get_width() for bar in ax.patches]
    np.testing.assert_allclose(widths, results.replications[columns].mean().to_numpy(), rtol=1e-12)
    assert len(ax.get_yticklabels()) == len(columns)


def test_payer_caps_marked_and_contract_cap_in_title(results: Results, figures: dict[str, Figure]) -> None:
    fig = figures["payments"]
    ax = _axes_with_ylabel(fig, "By payer")
    caps = sorted(p.cap for p in results.scenario.contract.payers if p.cap is not None)
    marked = sorted(line.get_xdata()[0] for line in ax.lines if line.get_gid() == "payer_cap")
    assert marked == pytest.approx(caps)
    assert "contract cap £8.20m" in fig.get_suptitle()  # the compact money of every other output


def test_investor_title_reports_p_loss_and_median(results: Results) -> None:
    table = results.replications.copy()
    table["investor_loss"] = [1.0, 0.0, 0.0]
    table["investor_multiple"] = [0.5, 1.5, 2.0]
    title = make_figures(dataclasses.replace(results, replications=table))["investor_multiple"].axes[0].get_title()
    assert "P(loss) = 33.3%" in title
    assert "median 1.50x" in title


def test_star_change_bars_and_cohort_average(results: Results, figures: dict[str, Figure]) -> None:
    ax = figures["star_change"].axes[0]
    hist = results.star_change_histogram
    bars = ax.containers[0]
    assert sum(bar.get_height() for bar in bars) == pytest.approx(hist.sum() / results.n_replications)
    held = STAR_CHANGE_BINS[hist > 0]
    centres = [bar.get_x() + bar.get_width() / 2 for bar in bars]
    assert min(centres) == pytest.approx(held.min()) and max(centres) == pytest.approx(held.max())
    # The dashed line is what a sliding scale pays on: the cohort average, median over the runs.
    average = next(line for line in ax.lines if line.get_gid() == "cohort_average")
    assert average.get_xdata()[0] == pytest.approx(np.median(results.replications["star_change_mean"]))
    assert f"{np.median(results.replications['star_change_mean']):+.2f}" in average.get_label()


def test_star_change_draws_the_sliding_scale(results: Results, figures: dict[str, Figure]) -> None:
    """Ways to Wellness outcome A: 0% below +0.5 points, 100% from +1.4, on a right-hand axis."""
    fig = figures["star_change"]
    right = next(ax for ax in fig.axes if ax.get_ylabel() == "Share of the price paid")
    points = next(line for line in right.lines if line.get_gid() == "scale_points_wellbeing")
    assert list(points.get_xdata()) == [0.5, 1.4] and list(points.get_ydata()) == [0.0, 1.0]
    scale = next(line for line in right.lines if line.get_gid() == "scale_wellbeing")
    assert scale.get_ydata()[0] == 0.0 and scale.get_ydata()[-1] == 1.0  # nothing below, all above
    texts = {t.get_text() for t in right.texts}
    assert {"+0.5: 0%", "+1.4: 100%"} <= texts
    labels = fig.axes[0].get_legend().get_texts()
    assert any("share of price paid at the cohort average" in t.get_text() for t in labels)


def test_hospital_cost_skips_months_without_patients(results: Results) -> None:
    monthly = dict(results.monthly)
    months = monthly["hospital.patient_months"].copy()
    months[:, :5] = 0.0  # no one under follow-up in the first five months of any run
    monthly["hospital.patient_months"] = months
    ax = make_figures(dataclasses.replace(results, monthly=monthly))["hospital_cost"].axes[0]
    means = [line for line in ax.lines if "mean" in line.get_label()]
    assert len(means) == 2
    for line in means:
        assert len(line.get_xdata()) == results.scenario.run.horizon_months - 5
        assert np.all(np.isfinite(line.get_ydata()))


@pytest.mark.filterwarnings("error")
def test_single_replication(scenario: Scenario) -> None:
    figures = make_figures(run(scenario, replications=1, workers=1))
    assert set(figures) == STEMS
    _render(figures)


@pytest.mark.filterwarnings("error")
def test_all_zero_streams_no_payments_nan_multiples(results: Results) -> None:
    table = results.replications.copy()
    money = [c for c in table.columns if c.startswith("payments")]
    table[money] = 0.0
    table["investor_multiple"] = np.nan
    table["investor_loss"] = np.nan
    empty = dataclasses.replace(
        results, replications=table, monthly={k: np.zeros_like(v) for k, v in results.monthly.items()},
        star_change_histogram=np.zeros_like(results.star_change_histogram))
    figures = make_figures(empty)
    assert set(figures) == STEMS
    assert "n/a" in figures["investor_multiple"].axes[0].get_title()
    _render(figures)


def test_writes_no_files(results: Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_figures(results)
    assert not any(tmp_path.iterdir())


# --- what the figures say (issue 9) -----------------------------------------------------------------

def test_money_axes_read_in_k_and_m(figures: dict[str, Figure]) -> None:
    from sib_sim.reports.figure_parts import MoneyFormatter

    assert MoneyFormatter("GBP").format_ticks([0, 2e6, 4e6, 6e6]) == ["£0", "£2m", "£4m", "£6m"]
    assert MoneyFormatter("GBP").format_ticks([-1.5e6, -5e5, 0, 5e5]) == ["-£1.5m", "-£0.5m", "£0", "£0.5m"]
    assert MoneyFormatter("GBP").format_ticks([0, 250e3, 500e3]) == ["£0", "£250k", "£500k"]
    assert MoneyFormatter("GBP").format_ticks([0, 100, 200]) == ["£0", "£100", "£200"]
    assert MoneyFormatter("USD").format_ticks([0, 1e6]) == ["$0", "$1m"]
    _render(figures)  # the formatters see the real ticks at draw time
    fan = figures["cashflow_fan"]
    for ax in fan.axes:
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert labels and all(label.lstrip("-").startswith("£") for label in labels), labels
        assert "," not in "".join(labels)  # never 8,000,000
    payments_axis = figures["payments"].axes[1]
    assert any(t.get_text().endswith("m") for t in payments_axis.get_xticklabels())
    hospital = figures["hospital_cost"].axes[0]
    assert all(t.get_text().startswith("£") for t in hospital.get_yticklabels() if t.get_text())


def test_cash_fan_shows_the_investor_commitment(results: Results, figures: dict[str, Figure]) -> None:
    top = figures["cashflow_fan"].axes[0]
    line = next(line for line in top.lines if line.get_gid() == "commitment")
    commitment = results.scenario.finance.investor.commitment
    assert line.get_ydata()[0] == pytest.approx(-commitment)
    assert any(t.get_text() == "Commitment £1.65m" for t in top.get_legend().get_texts())
    # No investor: no commitment line.
    direct = dataclasses.replace(results, scenario=results.scenario.model_copy(update={
        "finance": results.scenario.finance.model_copy(update={
            "investor": results.scenario.finance.investor.model_copy(update={"commitment": 0.0})})}))
    assert not [ln for ln in make_figures(direct)["cashflow_fan"].axes[0].lines if ln.get_gid() == "commitment"]


def test_return_cap_drawn_over_the_bars(results: Results, figures: dict[str, Figure]) -> None:
    ax = figures["investor_multiple"].axes[0]
    cap = results.scenario.finance.investor.return_cap_multiple
    line = next(line for line in ax.lines if line.get_gid() == "return_cap")
    assert line.get_xdata()[0] == pytest.approx(cap)
    assert line.get_zorder() > max(bar.get_zorder() for bar in ax.containers[0])  # not hidden behind a bar
    multiples = results.replications["investor_multiple"].to_numpy(dtype=float)
    at_cap = int(np.sum(np.abs(multiples - cap) < 1e-6))
    assert line.get_label() == f"Return cap 2.00x ({at_cap} of {results.n_replications} runs held at it)"
    assert ax.get_xlim()[1] > cap  # room to see the cap and the shaded region beyond it
    assert "Above the cap: not paid" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_hospital_figure_marks_the_early_months(results: Results, figures: dict[str, Figure]) -> None:
    ax = figures["hospital_cost"].axes[0]
    band = next(p for p in ax.patches if p.get_gid() == "early_months")
    months = results.monthly["hospital.patient_months"].mean(axis=0)
    shown = months[(results.monthly["hospital.patient_months"] > 0).any(axis=0)]
    early = int(np.argmin(shown < 0.1 * shown.max()))
    assert band.get_label() == f"First {early} months: few patients, wide range"
    assert early > 0


def test_a_set_run_titles_every_figure_a_variant(results: Results) -> None:
    overrides = ("contract.cap=10000000", "cohort.p_engage=0.7")
    figures = make_figures(results, overrides)
    note = "Variant: --set contract.cap=10000000, --set cohort.p_engage=0.7"
    for stem, fig in figures.items():
        title = fig.get_suptitle() or fig.axes[0].get_title()
        assert title.endswith(note), (stem, title)
    assert not any("Variant" in (f.get_suptitle() or f.axes[0].get_title()) for f in make_figures(results).values())
