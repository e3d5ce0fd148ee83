"""Numeric scenario values: a plain number, a distribution, or (where allowed) a year path.

`Bounded(low, high)` marks a field's valid range once; it is checked for plain numbers,
for the support of distributions and for every value of a year path, with a message
that says the range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

from pydantic import Field

from model.uncertainty import Distribution
from model.yearpath import YearPath


@dataclass(frozen=True)
class Bounded:
    low: float = -math.inf
    high: float = math.inf
    open_low: bool = False  # the low end itself is not allowed


# Mutation testing: within() runs when the schema is built, at import, before mutmut
# switches a mutant on, so its mutants could never be active; tests/scenario/test_bounds.py fails when it is
# changed by hand (docs/mutation/scores.md).
def within(low: float = -math.inf, high: float = math.inf, open_low: bool = False) -> Any:  # pragma: no mutate block
    """pydantic's check of a plain number in [low, high] (with open_low: low itself excluded)."""
    kwargs: dict[str, Any] = {}
    if low > -math.inf:
        kwargs["gt" if open_low else "ge"] = low
    if high < math.inf:
        kwargs["le"] = high
    return Field(**kwargs)


# A bounded number is written out as a type alias, so that type checkers read it as a type:
#     Annotated[Annotated[float, within(low, high)] | Distribution, Bounded(low, high)]
# is a number in [low, high] or a distribution within it; with `| YearPath` also a year path
# whose every value is within it. The two pairs of bounds are the same range.


# Maxima that no real value reaches, so that no input can carry a figure to inf or NaN.
# One amount in yuan (per child, test, slot, household, month, centre, loan): at most 1e9,
# 一十亿元, far above every amount of the plan (the largest, a centre's construction
# subsidy, is 1.5 million; a provident-fund loan limit half a million) and within a small
# multiple of a prefecture-level city's whole yearly budget; a yuan figure a thousand times the real one
# (fen for yuan) still fits. Summed over every child and month of a run, figures stay below
# about 1e25, far inside a float.
MAX_YUAN = 1e9
# A count of people, households, institutions, purchases or claims (in the city, a year or a
# month): at most 2e9, more than China's 1.41 billion people.
MAX_COUNT = 2e9

Share: TypeAlias = Annotated[Annotated[float, within(0, 1)] | Distribution, Bounded(0, 1)]
ShareByYear: TypeAlias = Annotated[Annotated[float, within(0, 1)] | Distribution | YearPath, Bounded(0, 1)]
Money: TypeAlias = Annotated[Annotated[float, within(0, MAX_YUAN)] | Distribution, Bounded(0, MAX_YUAN)]
MoneyByYear: TypeAlias = Annotated[
    Annotated[float, within(0, MAX_YUAN)] | Distribution | YearPath, Bounded(0, MAX_YUAN)]
Count: TypeAlias = Annotated[Annotated[float, within(0, MAX_COUNT)] | Distribution, Bounded(0, MAX_COUNT)]
CountByYear: TypeAlias = Annotated[
    Annotated[float, within(0, MAX_COUNT)] | Distribution | YearPath, Bounded(0, MAX_COUNT)]
Positive: TypeAlias = Annotated[
    Annotated[float, within(0, open_low=True)] | Distribution, Bounded(0, open_low=True)]
