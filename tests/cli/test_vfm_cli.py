"""`sib-sim vfm`: one small run end to end, its folder, and bad options refused before simulating."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.io.output_folder import MARKER

SMALL = ["--set", "cohort.referrals.rate_per_month=30", "--replications", "4", "--workers", "1"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, wtw_path):
    target = tmp_path_factory.mktemp("vfm") / "out"
    result = CliRunner().invoke(app, ["vfm", str(wtw_path), *SMALL, "--budget", "ccg=150000", "--wtp", "0:0",
                                      "--wtp", "1:300", "--group", "hosp=hospital.lines.ae.effect_during_support,"
                                      "hospital.effect_half_life_months", "--programmes", "3", "--out", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.stdout


def test_vfm_writes_its_folder_and_prints_the_commissioners_table(folder):
    target, stdout = folder
    names = {p.name for p in target.iterdir()}
    assert {MARKER, "vfm.json", "arms_sib.csv", "arms_direct.csv", "arms_nothing.csv", "indifference.csv",
            "budget_exposure.csv", "budget_exposure.png", "value_of_information.csv", "report.html"} <= names
    assert "value for money" in stdout and "Investor breaks even" in stdout and "EVPI" in stdout
    doc = json.loads((target / "vfm.json").read_text())
    assert doc["replications"] == 4 and doc["comparator"] == "direct (at cost)"
    assert doc["manifest"]["overrides"] == ["cohort.referrals.rate_per_month=30"]
    assert [i["what"] for i in doc["indifference"]] == ["commissioner_indifferent", "investor_breaks_even"]
    rows = doc["value_of_information"]["rows"]
    assert {r["value_per_star_point"] for r in rows} == {0.0, 300.0} and any(r["name"] == "hosp" for r in rows)
    assert all(r["scaled"] is None for r in rows)  # 4 runs: too few to estimate, and the notes say so
    assert any("too few replications" in n for n in doc["value_of_information"]["notes"])
    budget = [r for r in doc["budget_exposure"] if r["payer"] == "sib.ccg"]
    assert budget and all(r["budget"] == 150000 for r in budget)
    html = (target / "report.html").read_text()
    assert "Indifference prices" in html and "Value of information" in html and "Budget exposure" in html


def test_vfm_refuses_a_folder_it_did_not_write(wtw_path, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    refused = CliRunner().invoke(app, ["vfm", str(wtw_path), *SMALL, "--out", str(mine)])
    assert refused.exit_code == 2 and "not written by sib_sim" in refused.stderr.replace("\n", " ")
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(("option", "words"), [
    (["--budget", "ccg"], "bad --budget"), (["--budget", "nhs=5"], "unknown payer"),
    (["--budget", "ccg=lots"], "must be a number"), (["--wtp", "1"], "bad --wtp"), (["--wtp", "a:b"], "bad --wtp"),
    (["--group", "g=nope.path"], "not uncertain"), (["--line", "nope"], "unknown outcome line"),
    (["--programmes", "0"], "programmes")])
def test_bad_options_are_one_message_and_exit_2(wtw_path, tmp_path, option, words, monkeypatch):
    import sib_sim.experiment.vfm as vfm

    # Every option is checked before any simulation.
    monkeypatch.setattr(vfm, "simulate_replications", lambda *a, **k: pytest.fail("simulated"))
    result = CliRunner().invoke(app, ["vfm", str(wtw_path), *SMALL, *option, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert words in result.stderr.replace("\n", " ") and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_vfm_writes_its_tables_to_a_workbook(folder, xlsx_tables):
    book = xlsx_tables(folder[0] / "workbook.xlsx")
    assert list(book) == ["Arms", "SIB minus direct", "Indifference prices", "Pricing corridor",
                          "Budget exposure", "Value of information", "Notes"]
    rows = book["Value of information"]
    assert rows[0][:4] == ["value_per_non_cashable", "value_per_star_point", "name", "kind"]
    assert {r[2] for r in rows[1:]} >= {"EVPI (all parameters)", "hosp"}
    arms = {(r[0], r[1]): r for r in book["Arms"][1:]}
    doc = json.loads((folder[0] / "vfm.json").read_text())
    assert arms[("sib", "commissioner.payments")][2] == pytest.approx(doc["arms"]["sib"]["commissioner.payments"]["mean"])
