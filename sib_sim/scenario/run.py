"""How a scenario is run: replications, seed, horizon and calendar start."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .base import Section


# Documented limits (README "Limits"): each replication keeps its monthly records in memory, and the
# horizon bounds every monthly array.
MAX_REPLICATIONS = 100_000
MAX_HORIZON_MONTHS = 600


class Run(Section):
    replications: int = Field(default=200, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=20150401, ge=0)
    horizon_months: int = Field(default=96, ge=1, le=MAX_HORIZON_MONTHS)
    start_date: dt.date = dt.date(2015, 4, 1)
    # Draw uncertain parameters once per replication (probabilistic sensitivity analysis); off: every
    # replication uses the point values, so only the model's own randomness varies.
    uncertainty: bool = True
