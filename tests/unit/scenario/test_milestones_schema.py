"""The `milestones:` section, `cohort.areas` and optional wellbeing/hospital: validation with file:line."""

from pathlib import Path

import pytest
import yaml

from sib_sim import load_scenario
from sib_sim.errors import UserError
from sib_sim.io.scenario_file import scenario_json_schema

ROOT = Path(__file__).resolve().parents[3]
FCF = ROOT / "scenarios" / "fair_chance_homelessness.yaml"

# A small valid rate card without Stars or hospital use. Each bad case edits one line.
MINIMAL = """\
name: tiny
run: {horizon_months: 24, start_date: 2020-01-01}
cohort:
  referrals: {rate_per_month: 10, end_month: 12}
  p_engage: 0.8
service:
  link_worker_fte: [{from_month: 0, fte: 2}]
  caseload_per_worker: 20
  max_wait_months: 2
  support_months_min: 6
  support_months_max: 12
  disengagement_per_month: 0.02
milestones:
  - id: job
    probability: 0.4
    delay: {shape: uniform, min: 1, max: 6}
    baseline_probability: 0.1
  - id: job_13w
    after: job
    probability: 0.6
    delay: {shape: fixed, months: 3}
contract:
  payers: [{id: la}]
  outcomes:
    - id: job_start
      kind: per_participant
      outcome: {measure: milestone, milestone: job}
      price: 1000
      payers: [{payer: la, share: 1.0}]
finance:
  costs: {link_worker_per_fte_per_year: 30000}
  investor: {commitment: 100000}
  commissioner: {payer: la}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_minimal_rate_card_without_stars_or_hospital_loads(tmp_path):
    s = load_scenario(write(tmp_path, MINIMAL))
    assert s.wellbeing is None and s.hospital is None
    assert [m.id for m in s.milestones] == ["job", "job_13w"]
    assert s.contract.outcomes[0].outcome.key == "milestone:job"


CASES = [
    ("unknown milestone", "milestone: job}", "milestone: jobs}", "milestone: jobs",
     "contract.outcomes.0.outcome.milestone", "unknown milestone 'jobs'"),
    ("after a later one", "    after: job\n", "    after: job_26w\n", "after: job_26w", "milestones.1.after",
     "must name a milestone listed above"),
    ("milestone without id", "{measure: milestone, milestone: job}", "{measure: milestone}", "measure: milestone",
     "contract.outcomes.0.outcome.milestone", "needs `milestone: <id>`"),
    ("probability above 1", "probability: 0.4", "probability: 1.4", "probability: 1.4", "milestones.0.probability",
     "less than or equal to 1"),
    ("bad delay shape", "{shape: fixed, months: 3}", "{shape: gamma, months: 3}", "shape: gamma", "milestones.1.delay",
     ""),
    ("star line without wellbeing", "{measure: milestone, milestone: job}", "{measure: star_change, at_least: 3}",
     "measure: star_change", "contract.outcomes.0.outcome.measure", "no `wellbeing:` section"),
    ("area shares", "  p_engage: 0.8\n", "  p_engage: 0.8\n  areas: [{id: a, share: 0.5}, {id: b, share: 0.4}]\n",
     "areas:", "cohort.areas", "area shares must sum to 1"),
    ("area with both", "  p_engage: 0.8\n", "  p_engage: 0.8\n  areas: [{id: a}]\n", "areas:", "cohort.areas.0",
     "either a share of referrals or its own"),
]


@pytest.mark.parametrize("old,new,on_line,field,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_and_field(tmp_path, old, new, on_line, field, words):
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    error = caught.value
    assert error.where is not None and error.where.startswith(f"{path}:")
    assert int(error.where.split(":")[1]) == line_of(text, on_line), str(error)
    assert (error.field or "").startswith(field), str(error)
    assert words in str(error)


def test_savings_line_without_hospital_is_refused(tmp_path):
    text = MINIMAL.replace("""      kind: per_participant
      outcome: {measure: milestone, milestone: job}
      price: 1000""", "      kind: savings_share\n      share: 0.5")
    with pytest.raises(UserError, match="no `hospital:` section"):
        load_scenario(write(tmp_path, text))


def test_milestone_numbers_may_be_uncertain(tmp_path):
    text = MINIMAL.replace("    probability: 0.4", "    probability: {dist: beta, mean: 0.4, sd: 0.05}")
    s = load_scenario(write(tmp_path, text))
    assert "milestones.0.probability" in s.uncertainty and s.milestones[0].probability == pytest.approx(0.4)
    by_id = MINIMAL + "uncertainty:\n  milestones.job_13w.probability: {dist: beta, mean: 0.6, sd: 0.05}\n"
    assert "milestones.job_13w.probability" in load_scenario(write(tmp_path, by_id)).uncertainty
    text = MINIMAL + "uncertainty:\n  milestones.nope.probability: {dist: beta, mean: 0.4, sd: 0.05}\n"
    with pytest.raises(UserError, match="no such value"):
        load_scenario(write(tmp_path, text))


def test_schema_describes_milestones_and_areas():
    schema = scenario_json_schema()
    assert "milestones" in schema["properties"]
    assert "wellbeing" not in schema.get("required", []) and "hospital" not in schema.get("required", [])
    defs = schema["$defs"]
    assert {"probability", "after", "delay", "baseline_probability"} <= set(defs["Milestone"]["properties"])
    assert {"id", "share", "referrals"} <= set(defs["Area"]["properties"])


def test_shipped_rate_cards_cite_every_value():
    """Every number in the shipped milestone scenarios carries a reference or is marked an assumption."""
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "milestones" not in data:
            continue
        bare = list(_bare_numbers(data, ()))
        assert not bare, f"{path.name}: numbers without reference/assumption: {bare[:5]}"


def _bare_numbers(node, path):
    skip = {"run", "link_worker_fte", "payers", "claim", "uncertainty"}
    if isinstance(node, dict):
        if "value" in node and ("reference" in node or node.get("assumption")):
            return
        for key, value in node.items():
            if key not in skip and key != "share" or (key == "share" and path[-2:-1] == ("areas",)):
                yield from _bare_numbers(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _bare_numbers(value, path + (i,))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield ".".join(map(str, path))
