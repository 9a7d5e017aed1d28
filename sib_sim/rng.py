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


def sub_stream(parent: np.random.Generator, index: int) -> np.random.Generator:
    """Sub-stream `index` of a named stream (area `index`'s own referrals, say): a child of the
    parent's seed keyed by `index`, so its draws depend on neither the parent's draws nor any
    other sub-stream's, and drawing more from one area never moves another's numbers."""
    seq = parent.bit_generator.seed_seq
    assert isinstance(seq, np.random.SeedSequence)
    child = np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (SUB_STREAM_BASE + index,),
                                   pool_size=seq.pool_size)
    return np.random.Generator(np.random.PCG64(child))


def streams(seed: int, replication: int) -> Streams:
    """The named streams of one replication."""
    root = np.random.SeedSequence(seed, spawn_key=(replication,))
    children = root.spawn(len(STREAM_NAMES))
    return Streams(**{name: np.random.Generator(np.random.PCG64(child))
                      for name, child in zip(STREAM_NAMES, children)})
