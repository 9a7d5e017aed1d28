"""The Well-being Star: 8 areas scored 1-10; baseline, improvement and recording noise."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import FieldError, NonNegative, Probability, Section

STAR_AREAS = (
    "lifestyle",
    "looking_after_yourself",
    "managing_symptoms",
    "work_volunteering",
    "money",
    "where_you_live",
    "family_and_friends",
    "feeling_positive",
)


class Wellbeing(Section):
    baseline_mean_per_area: float = Field(ge=1.0, le=10.0)
    baseline_sd_per_area: NonNegative
    baseline_correlation: Probability
    gain_first_period_mean: float
    gain_sd: NonNegative
    gain_decay: Probability
    area_noise_sd: NonNegative = 0.0
    measurement_noise_sd: NonNegative = 0.0
    floor: float = 1.0
    ceiling: float = 10.0

    @model_validator(mode="after")
    def _bounds(self) -> "Wellbeing":
        if not self.floor < self.ceiling:
            raise FieldError(("ceiling",), "floor must be below ceiling")
        if not self.floor <= self.baseline_mean_per_area <= self.ceiling:
            raise FieldError(("baseline_mean_per_area",), "baseline_mean_per_area must lie between floor and ceiling")
        return self
