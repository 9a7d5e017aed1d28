"""Bad values that once ran: coerced types, nonsense that was accepted, written values that were ignored.

The same rules as test_bad_input_corpus (one message, file:LINE:COL, the field, exit 2, nothing
written); kept in a file of its own so that it can grow without touching the shared corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app
from test_bad_input_corpus import SCENARIOS, W, Case, _check_user_error, _write_case

WTW = str(SCENARIOS / W)

CASES = [
    # --- strict types: a bool is not a number, a number is not a date, no binary data -----------
    Case("strict p_engage true", W, "    value: 0.78\n", "    value: true\n", "cohort.p_engage", "value: true",
         says="not a number", run=True),
    Case("strict replications yes", W, "  replications: 200", "  replications: yes", "run.replications",
         "replications: yes", says="yes, no, on and off"),
    Case("strict contract cap false", W, "    value: 8200000", "    value: false", "contract.cap", "value: false"),
    Case("strict start_date a number", W, "  start_date: 2015-04-01", "  start_date: 0", "run.start_date",
         "start_date: 0", says="YYYY-MM-DD"),
    Case("strict uncertainty a number", W, "  start_date: 2015-04-01", "  start_date: 2015-04-01\n  uncertainty: 1",
         "run.uncertainty", "uncertainty: 1", says="true or false"),
    Case("strict binary name", W, "name: ways_to_wellness", "name: !!binary d2F5c190b193ZWxsbmVzcw==", "name",
         "name: !!binary", says="binary"),
    Case("strict bool in sliding points", W, "value: [[0.5, 0.0], [1.4, 1.0]]", "value: [[0.5, 0.0], [1.4, true]]",
         "contract.outcomes.0.points.1.1", "value: [[0.5, 0.0], [1.4, true]]"),
    Case("strict empty price list", W, "        value: 270\n", "        value: []\n", "contract.outcomes.0.price",
         "      price:", says="at least one dated amount"),
    # --- the written value is the point value of its distribution --------------------------------
    Case("point value differs from written", W, "    value: 0.78\n", "    value: 0.30\n", "cohort.p_engage",
         "value: 0.30", says="not the point value", run=True),
    Case("point value of a triangular is its mean", W, "  cohort.p_engage:\n    {dist: beta, mean: 0.78, sd: 0.015,",
         "  cohort.p_engage:\n    {dist: triangular, min: 0.7, mode: 0.78, max: 0.8,", "cohort.p_engage",
         "    value: 0.78", says="0.76"),
    # --- validate runs the range check run makes, at the distribution's line ---------------------
    Case("distribution tail out of range", W, "{dist: gamma, mean: 118, sd: 10,", "{dist: normal, mean: 118, sd: 50,",
         "uncertainty.cohort.referrals.rate_per_month", "  cohort.referrals.rate_per_month:", says="quantile",
         run=True),
    # --- accepted nonsense -----------------------------------------------------------------------
    Case("horizon shorter than support", W, "    value: 96\n", "    value: 12\n", "run.horizon_months", "value: 12",
         says="shorter than support", run=True),
    Case("support 700 months", W, "    value: 24\n", "    value: 700\n", "service.support_months_max", "value: 700",
         says="600 months"),
    Case("no link workers at any time", None, "", "extends: ways_to_wellness.yaml\nname: nobody\nservice:\n"
         "  link_worker_fte: [{from_month: 0, fte: 0}, {from_month: 6, fte: 0}]\n", "service.link_worker_fte",
         "  link_worker_fte:", says="no link workers"),
    Case("referral rate 1e300", W, "      value: 118\n", "      value: 1.0e+300\n",
         "cohort.referrals.rate_per_month", "value: 1.0e+300", says="documented limit"),
    Case("cap 1e306", W, "    value: 8200000", "    value: 1.0e+306", "contract.cap", "value: 1.0e+306",
         says="documented limit", run=True),
]

assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_value_validate(tmp_path: Path, case: Case) -> None:
    bad = _write_case(case, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["validate", str(bad)])
    _check_user_error(result, case, tmp_path)
    assert sorted(tmp_path.rglob("*")) == before


RUN_CASES = [c for c in CASES if c.run]


@pytest.mark.parametrize("case", RUN_CASES, ids=[c.id for c in RUN_CASES])
def test_bad_value_run(tmp_path: Path, case: Case) -> None:
    bad = _write_case(case, tmp_path)
    out = tmp_path / "results" / "out"
    result = CliRunner().invoke(app, ["run", str(bad), "--replications", "2", "--workers", "1", "--out", str(out)])
    _check_user_error(result, case, tmp_path)
    assert not out.exists()


# (id, arguments (TMP is the test's folder), text the one-line message must contain)
COMMAND_LINES = [
    ("set seed true", ["validate", WTW, "--set", "run.seed=true"], "--set run.seed=true: run.seed: true is not a number"),
    ("set p_engage true", ["validate", WTW, "--set", "cohort.p_engage=true"], "cohort.p_engage: true is not"),
    ("set start_date number", ["validate", WTW, "--set", "run.start_date=0"], "run.start_date: 0 is not a date"),
    ("set binary name", ["validate", WTW, "--set", "name=!!binary aGVsbG8="], "name: binary data"),
    ("set cap false", ["validate", WTW, "--set", "contract.cap=false"], "contract.cap: false is not a number"),
    ("set breaks horizon", ["validate", WTW, "--set", "run.horizon_months=12"],
     "--set run.horizon_months=12: run.horizon_months: the horizon (12 months) is shorter than support"),
    ("compare across currencies", ["compare", WTW, "TMP/usd.yaml", "--replications", "2", "--out", "TMP/o"],
     "usd.yaml: currency: this variant is in USD but the base is in GBP"),
    ("sweep hurdle nan", ["sweep", WTW, "--param", "contract.cap=1:2:3", "--hurdle", "nan", "--out", "TMP/o"],
     "--hurdle"),
    ("sweep axis too long", ["sweep", WTW, "--param", "contract.cap=1:2:300000000", "--out", "TMP/o"],
     "at most 1000 points"),
    ("replications 1e11", ["run", WTW, "--replications", "100000000000", "--out", "TMP/o"], "100000"),
    ("samples 2^40", ["sensitivity", WTW, "--method", "sobol", "--samples", str(2 ** 40), "--out", "TMP/o"],
     "at most 65,536"),
    ("price count 1e306", ["price", WTW, "--outcomes", "TMP/observed.csv", "--out", "TMP/o"],
     "observed.csv:2"),
]


@pytest.mark.parametrize("case_id,args,expect", COMMAND_LINES, ids=[c[0] for c in COMMAND_LINES])
def test_bad_value_command_line(tmp_path: Path, case_id: str, args: list[str], expect: str) -> None:
    (tmp_path / "usd.yaml").write_text((SCENARIOS / W).read_text().replace("currency: GBP", "currency: USD"))
    (tmp_path / "observed.csv").write_text("outcome,period,date,count,value\nwellbeing,0,,1e306,0.95\n")
    inputs = sorted(tmp_path.iterdir())
    argv = [a.replace("TMP", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, argv)
    text = result.output + (result.stderr or "")
    assert result.exit_code == 2, (case_id, result.exit_code, text, result.exception)
    assert "Traceback" not in text, text
    assert expect in " ".join(text.split()), (expect, text)  # typer's own messages wrap in a box
    assert sorted(tmp_path.iterdir()) == inputs  # nothing written


# --- locations: the file or --set that caused a cross-field error --------------------------------

def _child(folder: Path, text: str) -> Path:
    (folder / "parent.yaml").write_text((SCENARIOS / W).read_text(encoding="utf-8"), encoding="utf-8")
    child = folder / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n" + text, encoding="utf-8")
    return child


@pytest.mark.parametrize("text,line,field", [
    ("service:\n  support_months_min: 30\n", 4, "service.support_months_max"),
    ("uncertainty:\n  cohort.p_engage: {dist: normal, mean: 0.5, sd: 0.01}\n", 4, "cohort.p_engage"),
    ("contract:\n  payers:\n    - id: ccg\n", 5, "contract.outcomes.0.payers.0.payer"),
    ("run:\n  horizon_months: 12\n", 4, "run.horizon_months"),
])
def test_child_error_names_the_childs_line(tmp_path: Path, text: str, line: int, field: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(_child(tmp_path, text))])
    assert result.exit_code == 2, result.output
    assert f"child.yaml:{line}:" in result.stderr and f": {field}: " in result.stderr, result.stderr
    assert "checked against" in result.stderr or line == 4 and "horizon" in result.stderr


def test_broken_parent_keeps_the_parents_line(tmp_path: Path) -> None:
    child = _child(tmp_path, "service:\n  support_months_min: 20\n")
    parent = tmp_path / "parent.yaml"
    parent.write_text(parent.read_text().replace("    value: 0.78\n", "    value: 1.78\n"))
    result = CliRunner().invoke(app, ["validate", str(child)])
    assert result.exit_code == 2 and "parent.yaml:41:" in result.stderr, result.stderr


def test_set_breaking_a_cross_field_rule_names_the_set() -> None:
    result = CliRunner().invoke(app, ["validate", WTW, "--set", "run.seed=3", "--set", "service.support_months_min=30"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --set service.support_months_min=30: service.support_months_max: ")
    assert "run.seed" not in result.stderr and "checked against" in result.stderr


def test_user_text_is_not_rich_markup(tmp_path: Path) -> None:
    for name in ("x:b:3.yaml", "[red]x.yaml"):
        path = tmp_path / name
        path.write_text((SCENARIOS / W).read_text(encoding="utf-8"), encoding="utf-8")
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 0 and f"{name}: ok" in result.output, result.output
        broken = CliRunner().invoke(app, ["validate", str(path), "--set", "cohort.p_engage=2"])
        assert broken.exit_code == 2 and name not in broken.stderr  # the --set is named, not the file
        missing = CliRunner().invoke(app, ["validate", str(tmp_path / ("no" + name))])
        assert f"no{name}" in missing.stderr, missing.stderr
