"""The true world: the patient flow in simpy, then Stars and hospital use drawn with numpy.

simpy is imported only inside this package.
"""

from .cohort import CohortLog, simulate_cohort
from .flow import Flow
from .hospital import HospitalUse

__all__ = ["CohortLog", "Flow", "HospitalUse", "simulate_cohort"]
