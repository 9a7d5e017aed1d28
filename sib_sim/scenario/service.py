"""Link workers, their caseload, the waiting list and how long support lasts."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import FieldError, Months, NonNegative, Positive, Probability, Section


class StaffingStep(Section):
    """From `from_month` on, this many full-time-equivalent link workers are in post."""

    from_month: Months
    fte: NonNegative


class Service(Section):
    link_worker_fte: list[StaffingStep] = Field(min_length=1)
    caseload_per_worker: Positive
    max_wait_months: Positive
    support_months_min: Positive
    support_months_max: Positive
    disengagement_per_month: Probability
    assessment_interval_months: Positive = 6.0
    p_assessment_missed: Probability = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> "Service":
        months = [s.from_month for s in self.link_worker_fte]
        if months[0] != 0 or months != sorted(months) or len(set(months)) != len(months):
            raise FieldError(("link_worker_fte",), "link_worker_fte steps must start at from_month 0 and increase")
        if self.support_months_max < self.support_months_min:
            raise FieldError(("support_months_max",), "support_months_max must be at least support_months_min")
        return self
