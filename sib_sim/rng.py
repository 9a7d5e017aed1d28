"""Named random streams. The only module that creates numpy Generators.

Replication r of a run with root seed s gets `SeedSequence(s, spawn_key=(r,))`; each named stream is
a child of that, keyed by the stream's position in STREAM_NAMES. So replication r can be re-run alone,
and its numbers do not depend on how many workers ran or in what order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Order matters: appending a name is safe, reordering changes every result.
STREAM_NAMES = (
    "referrals",
    "engagement",
    "duration",
    "stars",
    "hospital",
    "comparison",
    "measurement",
    "parameters",
    "milestones",  # participant milestones and their matched comparison members
    "areas",  # which area each referral belongs to
)


@dataclass(frozen=True)
class Streams:
    referrals: np.random.Generator
    engagement: np.random.Generator
    duration: np.random.Generator
    stars: np.random.Generator
    hospital: np.random.Generator
    comparison: np.random.Generator
    measurement: np.random.Generator
    parameters: np.random.Generator
    milestones: np.random.Generator
    areas: np.random.Generator


# Sub-stream keys start here, far above any child a stream's own SeedSequence could spawn.
SUB_STREAM_BASE = 1 << 20


def sub_stream(parent: np.random.Generator, index: int, part: int | None = None) -> np.random.Generator:
    """Sub-stream `index` of a named stream (area `index`'s own referrals, say): a child of the
    parent's seed keyed by `index`, so its draws depend on neither the parent's draws nor any
    other sub-stream's, and drawing more from one area never moves another's numbers. `part`
    tells apart several blocks that one stream draws for the same area (the evaluator's noise and
    missed assessments), which would otherwise be the same numbers."""
    seq = parent.bit_generator.seed_seq
    assert isinstance(seq, np.random.SeedSequence)
    key = (SUB_STREAM_BASE + index,) if part is None else (SUB_STREAM_BASE + index, part)
    child = np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + key, pool_size=seq.pool_size)
    return np.random.Generator(np.random.PCG64(child))


def referral_block(rng: np.random.Generator, draw: str, area: np.ndarray | None, n_referrals: int,
                   *inner: int, part: int | None = None, axis: int = 0) -> np.ndarray:
    """A block of draws (`draw`: "random" or "standard_normal") with one slice per referral along
    `axis` (shape `inner` with n_referrals inserted there), drawn in one go, so its size depends
    only on how many were referred.

    With areas that have their own referral profiles (`area`: each referral's area), referrals are
    merged from the areas in time order, so a referral's place among all of them moves when
    another area's profile changes. Each area's referrals then take their slices, in their own
    order, from the area's sub-stream: a change in one area moves no other area's draws."""
    def one(generator: np.random.Generator, n: int) -> np.ndarray:
        shape = list(inner)
        shape.insert(axis, n)
        return getattr(generator, draw)(tuple(shape))

    if area is None:
        return one(rng, n_referrals)
    shape = list(inner)
    shape.insert(axis, n_referrals)
    out = np.empty(tuple(shape))
    moved = np.moveaxis(out, axis, 0)
    for index in np.unique(area):
        mine = area == index
        moved[mine] = np.moveaxis(one(sub_stream(rng, int(index), part), int(mine.sum())), axis, 0)
    return out


def streams(seed: int, replication: int) -> Streams:
    """The named streams of one replication."""
    root = np.random.SeedSequence(seed, spawn_key=(replication,))
    children = root.spawn(len(STREAM_NAMES))
    return Streams(**{name: np.random.Generator(np.random.PCG64(child))
                      for name, child in zip(STREAM_NAMES, children)})
