"""How a scenario is run: replications, seed, horizon and calendar start."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ..defaults import MAX_REPLICATIONS
from .base import Section


# Documented limits (README "Limits"): the horizon bounds every monthly array; the replication limit
# lives in sib_sim.defaults so the command line can read it without loading the schema.
MAX_HORIZON_MONTHS = 600


class Run(Section):
    replications: int = Field(default=200, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=20150401, ge=0)
    horizon_months: int = Field(default=96, ge=1, le=MAX_HORIZON_MONTHS)
    start_date: dt.date = dt.date(2015, 4, 1)
    # Draw uncertain parameters once per replication (probabilistic sensitivity analysis); off: every
    # replication uses the point values, so only the model's own randomness varies.
    uncertainty: bool = True
    # The waiting-list engine: fast (computed directly, the default) or simpy (the reference model).
    # Both give the same flow on the same draws; simpy is there to check the fast one against.
    engine: Literal["fast", "simpy"] = "fast"
