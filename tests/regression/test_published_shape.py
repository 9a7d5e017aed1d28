"""The default scenario reproduces the published shape of Ways to Wellness (fixed seed).

Sources: ../shared/reference/ways_to_wellness.md. By January 2020 Ways to Wellness had over 7,000
referrals and 5,300 engaged (76-80% of referrals engage); the mean Star change was +3.4 to +3.8
points; secondary-care cost per patient was 27% below the comparison cohort; the investor's GBP 1.65m
was repaid.
"""

import numpy as np
import pytest

from sib_sim import run, with_overrides


@pytest.fixture(scope="module")
def table(wtw):
    return run(wtw, replications=40, seed=20150401, workers=2).replications


def test_cohort_size_and_engagement(table):
    assert 4500 <= table["engaged"].median() <= 5500
    assert 0.74 <= table["engagement_rate"].median() <= 0.80


def test_star_change(table):
    assert 3.0 <= table["star_change_mean"].median() <= 4.2


def test_hospital_cost_reduction(table):
    assert 0.18 <= table["hospital_cost_reduction"].median() <= 0.36


def test_investor_repaid_in_the_median_run(table):
    assert table["investor_drawn"].median() <= 1_650_000
    assert table["investor_multiple"].median() >= 1.0
    assert (table["investor_irr_status"] == "ok").all()


def test_design_targets_return_the_published_multiple(wtw):
    """Outcomes at the design targets (+1.4 points, 22%) return about 1.38x (Hulse et al. 2021).

    The scale factors come from tools/calibrate_tariffs.py, which chose the unpublished tariffs on the
    same 60 replications. At the targets most runs pause some new starts (the money is tight until
    outcome B pays), and which runs pause moves with the tariffs, so the median over fewer runs jumps
    by several hundredths between neighbouring tariffs.
    """
    changes = {"run.uncertainty": False,
               "wellbeing.gain_first_period_mean": wtw.wellbeing.gain_first_period_mean * 0.394}
    changes |= {f"hospital.lines.{x.id}.effect_during_support": x.effect_during_support * 0.805
                for x in wtw.hospital.lines}
    t = run(with_overrides(wtw, changes), replications=60, workers=2).replications
    assert t["star_change_mean"].median() == pytest.approx(1.4, abs=0.1)
    assert t["hospital_cost_reduction"].median() == pytest.approx(0.22, abs=0.02)
    assert np.nanmedian(t["investor_multiple"]) == pytest.approx(1.38, abs=0.08)
    # Outcome A is about 30% of payments at the design targets (INDIGO's 30/70 split).
    share_a = (t["payments_by_outcome.wellbeing"] / t["payments_total"]).median()
    assert share_a == pytest.approx(0.30, abs=0.03)
