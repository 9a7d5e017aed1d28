"""Thresholds are met by values equal to them as written, and missed just below (both sides)."""

import numpy as np
import pytest

from sib_sim.kinds.thresholds import REL_TOL, as_written, reaches, reduction_reaches, snap


def test_as_written_reads_the_decimal_not_the_binary_float():
    assert as_written(0.1).numerator == 1 and as_written(0.1).denominator == 10
    assert as_written(0.075) == as_written(7.5) / 100


@pytest.mark.parametrize("treated, comparison, at_least, met", [
    (90, 100, 0.1, True),       # 1 - 90/100 is 0.09999999999999998 in floats
    (91, 100, 0.1, False),
    (80, 100, 0.2, True),
    (81, 100, 0.2, False),
    (925, 1000, 0.075, True),   # Peterborough's pooled 7.5%
    (926, 1000, 0.075, False),
    (0, 100, 1.0, True),
    (1, 100, 1.0, False),
    (70, 100, 0.3, True),
    (70.0001, 100, 0.3, False),
    (5, 0, 0.0, False),         # no comparison, no reduction
])
def test_reduction_reaches_by_cross_multiplication(treated, comparison, at_least, met):
    assert bool(reduction_reaches(np.array([treated]), np.array([comparison]), at_least)[0]) is met


@pytest.mark.parametrize("value, threshold, met", [
    (0.1 + 0.2, 0.3, True),            # 0.30000000000000004
    ((0.7 + 0.1) / 2, 0.4, True),      # 0.39999999999999997
    (0.4 * (1 - 10 * REL_TOL), 0.4, False),
    (3.0, 3, True),
    (2.0, 3, False),
    (-1e-15, 0.0, True),
    (-1e-6, 0.0, False),
    (float("nan"), 0.0, False),
])
def test_reaches_counts_values_within_the_tolerance(value, threshold, met):
    assert bool(reaches(np.array([value]), threshold)[0]) is met


def test_snap_moves_only_values_within_the_tolerance():
    points = np.array([0.4, 1.4])
    got = snap(np.array([(0.7 + 0.1) / 2, 1.4 - 1e-15, 1.39, 0.5]), points)
    assert got.tolist() == [0.4, 1.4, 1.39, 0.5]
