"""Which area each referral belongs to (scenario `cohort.areas`)."""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from .flow import Flow


def referral_areas(scenario: Scenario, flow: Flow, rng: np.random.Generator) -> np.ndarray | None:
    """(n_referrals,) area index, or None with one area.

    Areas with their own referral profiles were drawn with the referrals (flow.area). Areas with
    shares get one uniform per referral, inverted through the cumulative shares, so a change in the
    shares moves only the referrals near a boundary (and the draws of every other stream stay put).
    """
    areas = scenario.cohort.areas
    if not areas:
        return None
    if flow.area is not None:
        return flow.area
    u = rng.random(flow.referral_month.size)
    edges = np.cumsum([a.share or 0.0 for a in areas])
    return np.minimum(np.searchsorted(edges / edges[-1], u, side="right"), len(areas) - 1)
