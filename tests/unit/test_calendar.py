"""UK financial years: the one mapping of contract months to April-March years."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sib_sim.calendar import add_months, by_financial_year, financial_year


@pytest.mark.parametrize("day,label", [(dt.date(2024, 3, 31), "2023-24"), (dt.date(2024, 4, 1), "2024-25"),
                                       (dt.date(1999, 12, 1), "1999-00"), (dt.date(2015, 4, 1), "2015-16")])
def test_financial_year_turns_on_the_first_of_april(day: dt.date, label: str) -> None:
    assert financial_year(day) == label


def test_months_summed_into_their_years() -> None:
    # January 2015 start: Jan-Mar 2015 are 2014-15, the next twelve 2015-16, the sixteenth 2016-17.
    labels, totals = by_financial_year(dt.date(2015, 1, 1), np.arange(16.0))
    assert labels == ["2014-15", "2015-16", "2016-17"]
    assert totals.tolist() == [0 + 1 + 2, sum(range(3, 15)), 15]


def test_leading_axes_kept_and_totals_conserved() -> None:
    values = np.random.default_rng(1).random((5, 3, 40))
    labels, totals = by_financial_year(dt.date(2016, 4, 1), values)
    assert totals.shape == (5, 3, len(labels)) and labels[0] == "2016-17"
    assert np.allclose(totals.sum(axis=-1), values.sum(axis=-1))
    assert financial_year(add_months(dt.date(2016, 4, 1), 39)) == labels[-1]
