"""Comparing a measured value with a threshold written in a contract.

A contract that pays "at a reduction of at least 10%" must pay when the reduction is exactly 10%.
Floating point breaks that naively: 1 - 90/100 is 0.09999999999999998. Two rules, one per kind of
measure, so that a value equal to the threshold as the user wrote it meets it:

- a ratio of two totals (a relative reduction, 1 - treated / comparison) is compared by cross-
  multiplication with the threshold as the decimal the user wrote (0.1 is 1/10): treated x 10 <=
  comparison x 9. Where the totals are whole counts this is exact;
- any other value (a cohort average, a Star change, months in support) meets a threshold when it is
  at least the threshold less a relative tolerance of REL_TOL (one part in a billion) of it.

Both are tested at each side of every boundary (tests/unit/kinds/test_thresholds.py).
"""

from __future__ import annotations

from fractions import Fraction

from ..lazy_numpy import np

# Values within one part in a billion of a threshold count as reaching it: far below any difference
# a contract can mean (a penny in ten million pounds), far above float rounding (1e-16).
REL_TOL = 1e-9
ABS_TOL = 1e-12  # for thresholds at zero


def as_written(threshold: float) -> Fraction:
    """The threshold as the decimal the user wrote: 0.1 -> 1/10 (not the binary float's value)."""
    return Fraction(repr(float(threshold)))


def reaches(value: np.ndarray | float, threshold: float) -> np.ndarray:
    """value >= threshold, counting values within REL_TOL of the threshold as reaching it (NaN never)."""
    slack = REL_TOL * abs(threshold) + ABS_TOL
    with np.errstate(invalid="ignore"):
        return np.asarray(value, dtype=float) >= threshold - slack


def snap(value: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Values within the tolerance of one of `points` replaced by that point (for interpolation)."""
    out = np.asarray(value, dtype=float).copy()
    for point in points:
        close = np.abs(out - point) <= REL_TOL * abs(point) + ABS_TOL
        out = np.where(close, point, out)
    return out


def reduction_reaches(treated: np.ndarray, comparison: np.ndarray, at_least: float) -> np.ndarray:
    """1 - treated / comparison >= at_least, by cross-multiplication (exact on whole counts).

    treated x d <= comparison x (d - n) for at_least = n / d as written; a relative tolerance of
    REL_TOL of the comparison side covers totals that are not whole. No comparison, no reduction.
    """
    fraction = as_written(at_least)
    n, d = float(fraction.numerator), float(fraction.denominator)
    treated, comparison = np.asarray(treated, dtype=float), np.asarray(comparison, dtype=float)
    right = comparison * (d - n)
    return (comparison > 0) & (treated * d <= right + REL_TOL * comparison * d)
