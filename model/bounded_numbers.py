"""Numeric scenario values: a plain number, a distribution, or (where allowed) a year path.

`Bounded(low, high)` marks a field's valid range once; it is checked for plain numbers,
for the support of distributions and for every value of a year path, with a message
that says the range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from model.uncertainty import Distribution
from model.yearpath import YearPath


@dataclass(frozen=True)
class Bounded:
    low: float = -math.inf
    high: float = math.inf
    open_low: bool = False  # the low end itself is not allowed


def _constraint(low: float, high: float, open_low: bool) -> Any:
    kwargs: dict[str, float] = {}
    if low > -math.inf:
        kwargs["gt" if open_low else "ge"] = low
    if high < math.inf:
        kwargs["le"] = high
    return Field(**kwargs)


def number(low: float = -math.inf, high: float = math.inf, open_low: bool = False) -> Any:
    """A number in [low, high] or a distribution within it."""
    plain = Annotated[float, _constraint(low, high, open_low)]
    return Annotated[plain | Distribution, Bounded(low, high, open_low)]


def path(low: float = -math.inf, high: float = math.inf, open_low: bool = False) -> Any:
    """A number, a distribution or a year path, all within [low, high]."""
    plain = Annotated[float, _constraint(low, high, open_low)]
    return Annotated[plain | Distribution | YearPath, Bounded(low, high, open_low)]


# Maxima that no real value reaches, so that no input can carry a figure to inf or NaN.
# One amount in yuan (per child, test, slot, household, month, centre, loan): at most 1e9,
# 一十亿元, far above every amount of the plan (the largest, a centre's construction
# subsidy, is 1.5 million; a provident-fund loan limit half a million) and within a small
# multiple of Jingmen's whole yearly budget; a yuan figure a thousand times the real one
# (fen for yuan) still fits. Summed over every child and month of a run, figures stay below
# about 1e25, far inside a float.
MAX_YUAN = 1e9
# A count of people, households, institutions, purchases or claims (in the city, a year or a
# month): at most 2e9, more than China's 1.41 billion people.
MAX_COUNT = 2e9

Share = number(0, 1)
ShareByYear = path(0, 1)
Money = number(0, MAX_YUAN)
MoneyByYear = path(0, MAX_YUAN)
Count = number(0, MAX_COUNT)
CountByYear = path(0, MAX_COUNT)
Positive = number(0, open_low=True)
