"""Who is referred, when, and how many engage."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Months, NonNegative, Positive, Probability, Section


MAX_REFERRALS_PER_MONTH = 100_000


class ReferralPause(Section):
    """A window in which referrals run at a fraction of their usual rate (e.g. a COVID shock)."""

    start_month: Months
    end_month: Months
    rate_factor: Probability = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> "ReferralPause":
        if self.end_month <= self.start_month:
            raise FieldError(("end_month",), "end_month must be after start_month")
        return self


class Referrals(Section):
    """Monthly referral rate: a linear ramp-up to a plateau, pauses, and an end of the window."""

    # A documented limit (README "Limits"): a hundred times the largest programme's referrals, and
    # small enough for the model's count draws.
    rate_per_month: Annotated[float, Field(gt=0.0, le=MAX_REFERRALS_PER_MONTH)]
    start_month: Months = 0.0
    ramp_up_months: Months = 0.0
    ramp_start_fraction: Probability = 0.25
    end_month: Positive
    pauses: list[ReferralPause] = Field(default_factory=list)
    enrolment_cap: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _window(self) -> "Referrals":
        if self.end_month <= self.start_month:
            raise FieldError(("end_month",), "end_month must be after start_month")
        return self


class PatientGroup(Section):
    """An eligibility group (age band, long-term conditions) with its own risk profile."""

    id: Identifier
    share: Probability
    hospital_multiplier: Positive = 1.0
    star_baseline_shift: float = 0.0


def _default_groups() -> list[PatientGroup]:
    return [PatientGroup(id="all", share=1.0)]


class Cohort(Section):
    referrals: Referrals
    groups: list[PatientGroup] = Field(default_factory=_default_groups, min_length=1)
    p_engage: Probability
    first_appointment_delay_months: NonNegative = 0.5

    @model_validator(mode="after")
    def _shares(self) -> "Cohort":
        total = sum(g.share for g in self.groups)
        if abs(total - 1.0) > 1e-6:
            raise FieldError(("groups",), f"group shares must sum to 1 (they sum to {total:g})")
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise FieldError(("groups",), "group ids must be unique")
        return self
