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
]


@pytest.mark.parametrize("case_id,args,expect", COMMAND_LINES, ids=[c[0] for c in COMMAND_LINES])
def test_bad_value_command_line(tmp_path: Path, case_id: str, args: list[str], expect: str) -> None:
    argv = [a.replace("TMP", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, argv)
    text = result.output + (result.stderr or "")
    assert result.exit_code == 2, (case_id, result.exit_code, text, result.exception)
    assert "Traceback" not in text, text
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expect in result.stderr, (expect, result.stderr)
    assert not list(tmp_path.iterdir())
