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


class Area(Section):
    """A place (a council, a CCG) whose referrals are its own: a `share` of the cohort's referrals,
    or its own `referrals:` profile (then every area has one and the cohort has none)."""

    id: Identifier
    name: str = ""
    share: Probability | None = None
    referrals: Referrals | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "Area":
        if (self.share is None) == (self.referrals is None):
            raise FieldError(("share",), "give an area either a share of referrals or its own referrals: profile")
        if self.referrals is not None and self.referrals.enrolment_cap is not None:
            raise FieldError(("referrals", "enrolment_cap"), "an enrolment cap is programme-wide; an area's "
                             "own referral profile cannot have one")
        return self


class Cohort(Section):
    referrals: Referrals | None = None
    groups: list[PatientGroup] = Field(default_factory=_default_groups, min_length=1)
    p_engage: Probability
    first_appointment_delay_months: NonNegative = 0.5
    # Optional: where referrals come from (default one area). Each area's commissioner can then pay
    # for its own participants.
    areas: list[Area] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shares(self) -> "Cohort":
        total = sum(g.share for g in self.groups)
        if abs(total - 1.0) > 1e-6:
            raise FieldError(("groups",), f"group shares must sum to 1 (they sum to {total:g})")
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise FieldError(("groups",), "group ids must be unique")
        self._check_areas()
        return self

    def _check_areas(self) -> None:
        ids = [a.id for a in self.areas]
        if len(set(ids)) != len(ids):
            raise FieldError(("areas",), "area ids must be unique")
        own = [a.referrals is not None for a in self.areas]
        if any(own) and not all(own):
            raise FieldError(("areas",), "either every area has a share of the cohort's referrals or every area "
                             "has its own referrals: profile")
        if self.has_area_profiles and self.referrals is not None:
            raise FieldError(("referrals",), "areas have their own referral profiles: remove cohort.referrals")
        if not self.has_area_profiles and self.referrals is None:
            raise FieldError(("referrals",), "cohort.referrals is required (unless every area has its own)")
        if self.areas and not self.has_area_profiles:
            total = sum(a.share or 0.0 for a in self.areas)
            if abs(total - 1.0) > 1e-6:
                raise FieldError(("areas",), f"area shares must sum to 1 (they sum to {total:g})")

    @property
    def has_area_profiles(self) -> bool:
        return bool(self.areas) and all(a.referrals is not None for a in self.areas)

    @property
    def area_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.areas) if self.areas else ("all",)

    @property
    def enrolment_cap(self) -> int | None:
        return None if self.referrals is None else self.referrals.enrolment_cap

    @property
    def referral_profiles(self) -> list[Referrals]:
        """One referral process per source: the cohort's, or each area's own."""
        if self.has_area_profiles:
            return [a.referrals for a in self.areas if a.referrals is not None]
        assert self.referrals is not None
        return [self.referrals]
