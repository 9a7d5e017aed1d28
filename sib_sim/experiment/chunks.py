"""Replications cut into chunks, and each chunk's parameter sets: the same for local workers and a
Dask cluster, so the backend never changes which replication runs with which set."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

Progress = Callable[[int], None]
ParameterSets = Sequence[Mapping[str, float]]


def chunk(replications: Sequence[int], workers: int) -> list[list[int]]:
    """Consecutive runs of replications: about four chunks per worker (load balance), at most 25 each."""
    size = max(1, min(25, math.ceil(len(replications) / (4 * workers))))
    return [list(replications[i:i + size]) for i in range(0, len(replications), size)]


def chunk_sets(chunks: Sequence[Sequence[int]],
               parameter_sets: ParameterSets | None) -> list[list[Mapping[str, float]] | None]:
    """The parameter sets cut like the replications: chunk i gets the sets of its replications."""
    if parameter_sets is None:
        return [None] * len(chunks)
    out, start = [], 0
    for part in chunks:
        out.append(list(parameter_sets[start:start + len(part)]))
        start += len(part)
    return out


def check_sets(replications: Sequence[int], parameter_sets: ParameterSets | None) -> None:
    if parameter_sets is not None and len(parameter_sets) != len(replications):
        raise ValueError(f"{len(parameter_sets)} parameter sets for {len(replications)} replications: "
                         "replication i takes parameter set i, so give one set per replication")
