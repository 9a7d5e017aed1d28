"""The outcome rule kinds of the contract language, one module each, and their registry.

Adding a kind: a module here declaring its schema, what it reads, how it earns and how an observed
row feeds it (a `claims.Kind`), a line in KINDS and OutcomeLine below, and a golden case in
tests/golden. Every stage asks KINDS[line.kind]; none tests a line's class.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from . import cohort_threshold, fixed_fee, per_participant, savings_share, sliding_scale
from .claims import Kind, PendingClaim
from .cohort_threshold import CohortMeasure, CohortThreshold, CohortWindow, Pooled, Tier, cohort_measures
from .fixed_fee import FixedFee
from .lines import Claim, DatedPrice, LineBase, PayerShare, Price
from .per_participant import ParticipantOutcome, PerParticipant
from .savings_share import SavingsShare
from .sliding_scale import SlidingScale

KINDS: dict[str, Kind] = {module.KIND.name: module.KIND for module in
                          (sliding_scale, savings_share, fixed_fee, per_participant, cohort_threshold)}

OutcomeLine = Annotated[Union[SlidingScale, SavingsShare, FixedFee, PerParticipant, CohortThreshold],
                        Field(discriminator="kind")]

__all__ = ["KINDS", "Claim", "CohortMeasure", "CohortThreshold", "CohortWindow", "DatedPrice", "FixedFee", "Kind",
           "LineBase", "OutcomeLine", "ParticipantOutcome", "PayerShare", "PendingClaim", "PerParticipant",
           "Pooled", "Price", "SavingsShare", "SlidingScale", "Tier", "cohort_measures"]
