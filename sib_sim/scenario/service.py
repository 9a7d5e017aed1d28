"""Link workers, their caseload, the waiting list and how long support lasts."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import FieldError, Months, NonNegative, Positive, Probability, Section


class StaffingStep(Section):
    """From `from_month` on, this many full-time-equivalent link workers are in post."""

    from_month: Months
    fte: NonNegative


class DeliveryPeriod(Section):
    """Months in which support is delivered differently (e.g. by telephone in a lockdown).

    While in support during [start_month, end_month), a participant's Star gains and hospital
    effect are `effect_factor` times the usual (0.6: remote support does 60% as much good). Star
    gains already made are kept; after support, the hospital effect fades from the participant's
    average factor over their support (what the support they had built).
    """

    start_month: Months
    end_month: Months
    # At most 1: the hospital effect during support is already a relative reduction of at most 1,
    # and a factor above 1 could push it past all of a patient's use.
    effect_factor: Probability

    @model_validator(mode="after")
    def _ordered(self) -> "DeliveryPeriod":
        if self.end_month <= self.start_month:
            raise FieldError(("end_month",), "end_month must be after start_month")
        return self


class Service(Section):
    link_worker_fte: list[StaffingStep] = Field(min_length=1)
    caseload_per_worker: Positive
    max_wait_months: Positive
    support_months_min: Positive
    support_months_max: Positive
    disengagement_per_month: Probability
    assessment_interval_months: Positive = 6.0
    p_assessment_missed: Probability = 0.0
    delivery_periods: list[DeliveryPeriod] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Service":
        months = [s.from_month for s in self.link_worker_fte]
        if months[0] != 0 or months != sorted(months) or len(set(months)) != len(months):
            raise FieldError(("link_worker_fte",), "link_worker_fte steps must start at from_month 0 and increase")
        if self.support_months_max < self.support_months_min:
            raise FieldError(("support_months_max",), "support_months_max must be at least support_months_min")
        if all(step.fte == 0 for step in self.link_worker_fte):
            raise FieldError(("link_worker_fte",), "no link workers at any time (every fte is 0): nobody could "
                             "be supported; give at least one step a positive fte")
        # Periods may not overlap: a month has one way of delivering support, so one factor.
        for i in range(1, len(self.delivery_periods)):
            if self.delivery_periods[i].start_month < self.delivery_periods[i - 1].end_month:
                raise FieldError(("delivery_periods", i, "start_month"),
                                 "delivery_periods must be in time order and must not overlap")
        return self
