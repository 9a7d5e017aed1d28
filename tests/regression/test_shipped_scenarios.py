"""Every shipped scenario validates and runs, and says what it is in its header."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim import load_scenario, run
from sib_sim.cli import app

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_validates_and_runs(path):
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0
    table = run(load_scenario(path), replications=2, workers=1).replications
    assert table["payments_total"].notna().all() and (table["payments_total"] > 0).all()
    assert path.read_text().startswith("#")  # documented in its header


def test_the_expected_scenarios_ship():
    names = {p.stem for p in SCENARIOS}
    assert {"ways_to_wellness", "ways_to_wellness_direct", "ways_to_wellness_provider_risk", "rate_card",
            "cohort_threshold", "fair_chance_homelessness", "fair_chance_homelessness_at_cost",
            "youth_engagement_rate_card", "youth_engagement_at_cost"} <= names


@pytest.mark.parametrize("stem", ["fair_chance_homelessness", "youth_engagement_rate_card"])
def test_rate_cards_of_milestones_cite_or_assume_every_annotated_value(stem):
    from sib_sim import read_scenario_file

    loaded = read_scenario_file(SCENARIOS[0].parent / f"{stem}.yaml")
    assert loaded.scenario.wellbeing is None and loaded.scenario.hospital is None and loaded.scenario.milestones
    assert len(loaded.sources) >= 40
    for path, source in loaded.sources.items():
        assert source.reference or source.assumption, path
    cited = [s.reference for s in loaded.sources.values() if s.reference]
    assert len(cited) >= 5 and all("http" in r or "Green Book" in r for r in cited)


def test_base_scenario_annotations_are_sources_or_assumptions():
    from sib_sim import read_scenario_file

    sources = read_scenario_file(SCENARIOS[0].parent / "ways_to_wellness.yaml").sources
    assert len(sources) >= 60
    for path, source in sources.items():
        assert source.reference or source.assumption, path
