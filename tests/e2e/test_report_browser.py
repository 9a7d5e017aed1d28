"""report.html in a real browser: headless Chromium finds the headline figures and draws a page.

Needs Debian's chromium package (.ci/run installs it where missing); skipped, saying why, without it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from sib_sim import read_scenario_file, run, write_results_folder
from sib_sim.reports import make_figures
from sib_sim.reports.html import render_report_from_folder
from sib_sim.reports.summary_table import money

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Offline and quiet: no sandbox (CI containers run as root), no GPU, no update or sync traffic.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_S = 60

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get install "
                                                          "chromium; .ci/run installs it where missing)")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, wtw_path: Path) -> Path:
    """report.html of a real 4-run results folder, with its sources and scenario."""
    scenario_file = read_scenario_file(wtw_path)
    results = run(scenario_file.scenario, replications=4, workers=1)
    folder = write_results_folder(results, tmp_path_factory.mktemp("results") / "wtw", figures=make_figures)
    sources = {path: dataclasses.asdict(s) for path, s in scenario_file.sources.items()}
    (folder / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (folder / "scenario.json").write_text(json.dumps(scenario_file.scenario.model_dump(mode="json")),
                                          encoding="utf-8")
    page = folder / "report.html"
    page.write_text(render_report_from_folder(folder), encoding="utf-8")
    return page


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"  # a fresh profile: nothing from the machine's own browser
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_headline_figures_in_the_rendered_page(report: Path, tmp_path: Path) -> None:
    median = json.loads((report.parent / "summary.json").read_text())["metrics"]["payments_total"]["p50"]
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert "Total outcome payments" in dom
    assert money(median, "GBP") in dom  # the console's rounding, £7.71m


def test_screenshot_is_a_drawn_page(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", report.as_uri())
    assert shot.exists() and shot.stat().st_size > 5_000
    pixels = image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1200)
    assert float(np.var(pixels)) > 1e-3  # not one flat colour: text, cards and figures were drawn
