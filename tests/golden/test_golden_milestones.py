"""Golden milestone cases: the model's milestone times and the evaluator's monthly counts, by hand.

Each YAML file in golden/model/ gives a `milestones:` section as a user writes it, participants'
first-appointment months, the four uniforms per (participant, milestone), and the hand-worked result.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sib_sim.measure.milestones import comparison_milestone_series, milestone_series
from sib_sim.model.cohort import CohortLog, no_hospital_use
from sib_sim.model.flow import Flow
from sib_sim.model.milestones import simulate_milestones
from sib_sim.scenario.base import FieldError
from sib_sim.scenario.milestones import Milestone, check_milestones
from sib_sim.kinds import ParticipantOutcome

CASES = sorted((Path(__file__).resolve().parent / "model").glob("*.yaml"))


def _times(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _log(start: np.ndarray, horizon: int, times) -> CohortLog:
    n = start.size
    nan = np.full(n, np.nan)
    flow = Flow(referral_month=start - 0.1, group=np.zeros(n, dtype=int), accepted=np.ones(n, dtype=bool),
                ready_month=start, start_month=start, end_month=start + 6, completed=np.ones(n, dtype=bool),
                gave_up=np.zeros(n, dtype=bool), gave_up_month=nan)
    return CohortLog(flow, np.arange(n), np.zeros((n, 0)), np.zeros((n, 0, 8)), no_hospital_use(horizon),
                     np.zeros(horizon), np.zeros(horizon), times)


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_golden_milestones(case_file: Path):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    milestones = [Milestone.model_validate(m) for m in case["milestones"]]
    check_milestones(milestones)
    start = np.array(case["start_months"], dtype=float)
    times = simulate_milestones(milestones, start, np.array(case["uniforms"], dtype=float))
    expected = case["expected"]
    np.testing.assert_allclose(times.participant, _times(expected["participant"]), atol=1e-8)
    np.testing.assert_allclose(times.comparison, _times(expected["comparison"]), atol=1e-8)

    horizon = case["horizon_months"]
    log = _log(start, horizon, times)
    for m in milestones:
        outcome = ParticipantOutcome(measure="milestone", milestone=m.id)
        counts = milestone_series(outcome, log, np.zeros((start.size, 0)), occurrences=2)
        want = np.zeros(horizon)
        for month, n in expected["by_month"][m.id].items():
            want[int(month)] = n
        np.testing.assert_array_equal(counts[0], want)
        assert not counts[1].any()  # a milestone is reached once
        comparison = comparison_milestone_series(outcome, log)
        want = np.zeros(horizon)
        for month, n in expected["comparison_by_month"][m.id].items():
            want[int(month)] = n
        np.testing.assert_array_equal(comparison, want)


def test_after_must_name_an_earlier_milestone():
    later = [Milestone.model_validate({"id": "a", "after": "b", "probability": 1, "delay": {"shape": "fixed", "months": 1}}),
             Milestone.model_validate({"id": "b", "probability": 1, "delay": {"shape": "fixed", "months": 1}})]
    with pytest.raises(FieldError, match="a later milestone"):
        check_milestones(later)
