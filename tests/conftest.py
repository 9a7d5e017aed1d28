"""Shared fixtures: the shipped scenario and small seeded runs of it."""

from pathlib import Path

import pytest

from sib_sim import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WTW = ROOT / "scenarios" / "ways_to_wellness.yaml"


@pytest.fixture(scope="session")
def wtw():
    return load_scenario(WTW)


@pytest.fixture(scope="session")
def wtw_path() -> Path:
    return WTW
