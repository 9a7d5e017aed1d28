"""Participant milestones (scenario `milestones:`): when each participant, and the member of the
matched comparison group who starts in the same month, reaches each milestone.

Each (referral, milestone) gets four uniforms, drawn whether or not the referral starts support, so
paired runs that change who engages or a milestone's numbers still share every other draw: u0 < p
decides whether a participant reaches it, u1 inverts the delay, u2 and u3 do the same for the
comparison member at the baseline rate. Each time is a monotone function of its uniforms: raising a
probability only adds people who reach a milestone; lengthening a delay only moves times later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import referral_block

from ..scenario.milestones import Milestone

UNIFORMS_PER_MILESTONE = 4


@dataclass(frozen=True)
class MilestoneTimes:
    """(n_participants, n_milestones) months at which each milestone is reached; NaN: never."""

    ids: tuple[str, ...]
    participant: np.ndarray
    comparison: np.ndarray  # the matched comparison member of each participant

    def column(self, milestone_id: str) -> int:
        return self.ids.index(milestone_id)


def no_milestones(n_participants: int) -> MilestoneTimes:
    empty = np.zeros((n_participants, 0))
    return MilestoneTimes((), empty, empty.copy())


def draw_milestone_uniforms(n_referrals: int, n_milestones: int, rng: np.random.Generator,
                            area: np.ndarray | None = None) -> np.ndarray:
    """(n_referrals, n_milestones, 4) uniforms: a fixed number per (referral, milestone). Where areas
    have their own referral profiles (`area`: each referral's), each area's referrals take theirs, in
    their own order, from the area's sub-stream, so a change in one area moves no other area's."""
    return referral_block(rng, "random", area, n_referrals, n_milestones, UNIFORMS_PER_MILESTONE)


def simulate_milestones(milestones: list[Milestone], start: np.ndarray, uniforms: np.ndarray) -> MilestoneTimes:
    """Milestone months for participants starting at `start` (their rows of the uniforms)."""
    ids = tuple(m.id for m in milestones)
    participant = _chain(milestones, start, uniforms[:, :, 0], uniforms[:, :, 1], baseline=False)
    comparison = _chain(milestones, start, uniforms[:, :, 2], uniforms[:, :, 3], baseline=True)
    return MilestoneTimes(ids, participant, comparison)


def _chain(milestones: list[Milestone], start: np.ndarray, u_reach: np.ndarray, u_delay: np.ndarray,
           baseline: bool) -> np.ndarray:
    """Milestones in order; `after` always names an earlier one (checked by the scenario)."""
    times = np.full((start.size, len(milestones)), np.nan)
    column = {m.id: j for j, m in enumerate(milestones)}
    for j, m in enumerate(milestones):
        origin = start if m.after is None else times[:, column[m.after]]
        p = m.baseline_probability if baseline else m.probability
        when = origin + m.months_at(u_delay[:, j])
        reached = ~np.isnan(origin) & (u_reach[:, j] < p)
        if m.within_months is not None:
            reached &= when - start <= m.within_months
        times[:, j] = np.where(reached, when, np.nan)
    return times
