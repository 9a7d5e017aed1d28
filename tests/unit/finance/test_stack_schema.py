"""The capital stack in the scenario language: one form or the other, named guarantors, shipped deal."""

from pathlib import Path

import pytest

from sib_sim import load_scenario, run
from sib_sim.errors import UserError
from sib_sim.scenario.overrides import with_overrides

ROOT = Path(__file__).resolve().parents[3]
US = ROOT / "scenarios" / "us_pay_for_success_stack.yaml"


def write(tmp_path, finance: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {US}\nname: s\nfinance:\n{finance}")
    return path


def test_both_forms_is_an_error_naming_the_field(tmp_path):
    with pytest.raises(UserError, match="exactly one of investor") as error:
        load_scenario(write(tmp_path, "  investor: {commitment: 10}\n"))
    assert "s.yaml" in str(error.value)


def test_unknown_guarantor_is_named(tmp_path):
    text = ("  investors:\n    - {id: a, commitment: 10, guarantee: {guarantor: nobody, share: 0.5}}\n"
            "  guarantors: [{id: foundation}]\n")
    with pytest.raises(UserError, match="unknown guarantor 'nobody'"):
        load_scenario(write(tmp_path, text))


def test_loan_with_a_return_cap_is_refused(tmp_path):
    text = ("  investors:\n    - {id: a, commitment: 10, interest: {rate: 0.05}, return_cap: {multiple: 2}}\n"
            "  guarantors: []\n")
    with pytest.raises(UserError, match="give interest or return_cap"):
        load_scenario(write(tmp_path, text))


@pytest.fixture(scope="module")
def us_results():
    return run(load_scenario(US), replications=4, workers=1)


def test_shipped_us_deal_reports_each_tranche_and_the_guarantor(us_results):
    summary = us_results.summary()
    table = us_results.replications
    for tranche in ("senior_loan", "subordinate"):
        for metric in ("drawn", "peak_exposure", "distributions", "multiple", "irr", "loss_amount"):
            assert f"investor.{tranche}.{metric}" in summary
        assert f"investor.{tranche}.p_loss" in summary and f"investor.{tranche}.irr_status.ok" in summary
    assert {"mean_lo", "mean_hi", "p95_lo", "p95_hi"} <= set(summary["guarantor.foundation.call"])
    # Totals over tranches: today's investor_* are the sums.
    total = table["investor.senior_loan.drawn"] + table["investor.subordinate.drawn"]
    assert (abs(table["investor_drawn"] - total) < 1e-6).all()
    distributions = table["investor.senior_loan.distributions"] + table["investor.subordinate.distributions"]
    assert (abs(table["investor_distributions"] - distributions) < 1e-6).all()


def test_guarantee_pays_when_outcomes_fail(us_results):
    # No outcome payments at all: the senior loan loses its principal, the foundation pays 75% of it
    # and the first-loss tranche gets nothing back.
    scenario = with_overrides(us_results.scenario, {"contract.outcomes.0.tiers.0.price": 0.0,
                                                    "contract.outcomes.0.tiers.1.price": 0.0})
    table = run(scenario, replications=2, workers=1).replications
    drawn = table["investor.senior_loan.drawn"]
    assert (abs(table["guarantor.foundation.call"] - 0.75 * drawn) < 1e-6).all()
    assert (table["investor.subordinate.distributions"] == 0).all()
    assert (table["investor.senior_loan.loss"] == 1).all()


def test_report_and_workbook_show_the_stack(us_results, tmp_path):
    import zipfile

    from sib_sim.io.workbook import write_workbook
    from sib_sim.reports.html_parts import Formats, Metrics
    from sib_sim.reports.stack_table import stack_tables

    tables = stack_tables(Metrics(us_results.summary()), Formats())
    assert [len(t.rows) for t in tables] == [2, 1]
    assert tables[0].rows[0].label == "senior_loan"
    path = tmp_path / "w.xlsx"
    write_workbook(us_results, path)
    with zipfile.ZipFile(path) as z:
        assert 'name="Tranches"' in z.read("xl/workbook.xml").decode()
