"""`sib-sim compare` with the value of information: its folder (JSON, CSV, report, workbook) and options."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app

SMALL = ["--replications", "3", "--workers", "1"]
AE = "hospital.lines.ae.effect_during_support"


@pytest.fixture(scope="module")
def folder(tmp_path_factory, wtw_path):
    direct = wtw_path.parent / "ways_to_wellness_direct.yaml"
    target = tmp_path_factory.mktemp("compare") / "out"
    result = CliRunner().invoke(app, ["compare", str(wtw_path), str(direct), *SMALL, "--wtp", "0:0", "--wtp",
                                      "1:300", "--group", f"hosp={AE},hospital.effect_half_life_months",
                                      "--programmes", "4", "--out", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.stdout


def test_compare_writes_the_value_of_information_to_json_csv_report_and_workbook(folder, xlsx_tables):
    target, stdout = folder
    assert {"compare.json", "value_of_information.csv", "report.html", "workbook.xlsx"} <= {p.name for p in
                                                                                           target.iterdir()}
    doc = json.loads((target / "compare.json").read_text())
    voi = doc["value_of_information"]
    assert voi["options"] == ["ways_to_wellness", "ways_to_wellness_direct"] and voi["programmes"] == 4
    assert {r["value_per_star_point"] for r in voi["rows"]} == {0.0, 300.0}
    assert any(r["name"] == "hosp" and r["kind"] == "group" for r in voi["rows"])
    assert any("too few replications" in n for n in voi["notes"])  # 3 runs
    assert "EVPI at 1/GBP non-cashable, £300/Star point" in stdout
    html = (target / "report.html").read_text()
    assert "Value of information" in html and "ways_to_wellness_direct against ways_to_wellness" in html
    book = xlsx_tables(target / "workbook.xlsx")
    assert list(book) == ["Paired differences", "Value of information", "Terms", "Notes"]
    differences = {r[1]: r for r in book["Paired differences"][1:]}
    expected = doc["differences"]["ways_to_wellness_direct"]["commissioner_net_cost"]["mean"]
    assert differences["commissioner_net_cost"][2] == pytest.approx(expected)
    assert any(r[1] == "finance.shortfall" for r in book["Terms"][1:])


def test_compare_without_the_value_of_information(wtw_path, tmp_path):
    result = CliRunner().invoke(app, ["compare", str(wtw_path), str(wtw_path), *SMALL, "--no-voi",
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "o" / "compare.json").read_text())["value_of_information"] is None
    assert not (tmp_path / "o" / "value_of_information.csv").exists() and "EVPI" not in result.stdout


@pytest.mark.parametrize("option, message", [(["--group", "g=cohort.nonsense"], "not uncertain"),
                                             (["--wtp", "1"], "bad --wtp"), (["--programmes", "0"], "programmes")])
def test_compare_refuses_bad_value_of_information_options(wtw_path, option, message):
    result = CliRunner().invoke(app, ["compare", str(wtw_path), str(wtw_path), *SMALL, *option])
    assert result.exit_code == 2 and message in result.output
