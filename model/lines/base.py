"""What every policy line receives and returns.

A line turns one block's simulated events into entitlements (accrual) in yuan, by
replicate × simulated month × area where the cost arises, and may say what a birth of
each order is worth to a family (the fertility response reads that). Cost sharing, years
and quantiles are done elsewhere, so a line module reads like its clause and nothing more.

Parameters may differ by replicate: `ctx.value` gives a number or a [rep, 1, 1] array,
`ctx.yearly` / `ctx.monthly` give [rep or 1, year or month, 1], ready to broadcast
against [rep, time, area] arrays.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from model.kinds import Kind
from model.realise import per_replicate
from model.rng import Streams
from model.sections import BirthWindow, LineSection
from model.uncertainty import Distribution
from model.yearpath import YearPath, series

if TYPE_CHECKING:  # the scenario and inputs modules import the line registry
    from model.engine import Demography
    from model.inputs import BaseData
    from model.run_calendar import Calendar
    from model.scenario import Scenario


@dataclass
class ParameterContext:
    scenario: Scenario  # realised: distributions replaced by [rep] arrays
    base: BaseData
    calendar: Calendar
    replicates: int
    area_share: np.ndarray  # [rep or 1, area] share of city residents
    source_file: Callable[[str], str]  # dotted key → scenario file that set it (for errors)

    def value(self, value: float | np.ndarray | Distribution) -> float | np.ndarray:
        return per_replicate(value, 3)

    def yearly(self, value: float | np.ndarray | Distribution | YearPath, key: str) -> np.ndarray:
        """[rep or 1, year, 1]: the parameter in every simulated year (from the policy start on;
        earlier years repeat the first policy year's value, as no entitlement arises then)."""
        out = series(value, self.calendar.line_years.astype(float), key, self.source_file(key))
        return out.reshape(-1, self.calendar.n_years, 1)

    def monthly(self, value: float | np.ndarray | Distribution | YearPath, key: str) -> np.ndarray:
        """[rep or 1, month, 1]: the value of each month's year."""
        return np.repeat(self.yearly(value, key), 12, axis=1)

    def index(self, line_id: str) -> np.ndarray:
        """[rep or 1, year, 1] price index of a line's amounts (1 unless the line is indexed)."""
        indexation = self.scenario.indexation
        if line_id not in indexation.lines:
            return np.ones((1, self.calendar.n_years, 1))
        after_years = np.maximum(self.calendar.years, indexation.from_year + 1).astype(float)
        inflation = series(indexation.cpi, after_years, "indexation.cpi", self.source_file("indexation.cpi"))
        inflation = inflation.reshape(-1, self.calendar.n_years, 1)
        after = (self.calendar.years > indexation.from_year)[None, :, None]
        return np.cumprod(np.where(after, 1 + inflation, 1.0), axis=1)

    def index_monthly(self, line_id: str) -> np.ndarray:
        return np.repeat(self.index(line_id), 12, axis=1)

    def from_policy_start(self, monthly: np.ndarray, month_axis: int = 1) -> np.ndarray:
        """Zero every month before the plan took effect (entitlements start with the policy)."""
        mask = np.arange(self.calendar.n_months) >= self.calendar.policy_start_index
        shape = [1] * monthly.ndim
        shape[month_axis] = -1
        return monthly * mask.reshape(shape)

    def spread_over_year(self, yearly: np.ndarray) -> np.ndarray:
        """[rep, year, area] amounts → [rep, month, area], evenly over the year's 12 months."""
        return np.repeat(yearly / 12.0, 12, axis=1)


@dataclass
class LineContext(ParameterContext):
    demography: Demography
    streams: Streams
    induced_only: bool = False  # pricing only the births the policy induced (for the deadweight share)


S = TypeVar("S", bound=LineSection)  # a line's own table in the scenario

# Expected yuan a family receives per birth: [rep or 1, year, area, birth order 1..3].
BenefitFunction = Callable[[ParameterContext, S], np.ndarray]


@dataclass
class Entitlement:
    """What a line owes: yuan by month arising, and the claims behind it (for the review queue)."""

    yuan: np.ndarray  # [rep, month, area]
    claims: np.ndarray  # [rep, month, area] claims arising (cases an office reviews)
    by_cohort: np.ndarray | None = None  # [rep, birth month, area, age month] yuan, for monthly allowances
    claims_open: int = 0  # month index from which claims can be filed (earlier cohorts claim then)
    # by_cohort's leading cohorts born in the months before the first simulated month (from the births
    # history); their yuan and claims are in `yuan` and `claims`, which cover the simulated months only
    cohorts_before: int = 0
    # Parts of `yuan` whose payer is fixed whatever the area's rule: "city" (paid by the city in
    # full) or "area" (paid by the area itself in full), e.g. the city's own childcare centre.
    fixed_payer: dict[str, np.ndarray] | None = None


@dataclass(frozen=True)
class Line(Generic[S]):
    id: str
    name_zh: str
    name_en: str
    clause: str
    kind: Kind
    accrual: Callable[[LineContext, S], Entitlement]
    benefit_per_birth: BenefitFunction[S] | None = None  # None: not a per-birth benefit
    birth_linked: bool = False  # spending follows births one for one (deadweight is measured)
    # new money of this plan (True) or a continuing programme or national scheme it restates or
    # meets (False): the summary, the medium-term plan and the appendix show the two apart, and
    # only new money counts in the cost per induced birth. A line's scenario table may set
    # `new_money` (see lines.is_new_money).
    new_money: bool = True
    births_history_years: int = 0  # years of births before the base year the line counts children from
    # checks of the scenario before any work: (dotted key, what is wrong) or None
    check: Callable[[Scenario, Calendar], tuple[str, str] | None] | None = None
    # When the money moves, for lines without a claims queue (revenue forgone, memo items):
    # entitlement [rep, month, area] → cash [rep, month, area]. None: the disbursement stage.
    cash: Callable[[LineContext, S, np.ndarray], np.ndarray] | None = None
    # the line's table in the scenario ([lines.<id>] or [measures.<id>]): model/scenario.py gathers
    # [lines] and [disbursement] from the registered lines' tables
    section: type[LineSection] = LineSection



def shift_months(values: np.ndarray, months: int, axis: int = 1) -> np.ndarray:
    """Move a month axis earlier (months > 0) or later (< 0), dropping what leaves the calendar."""
    out = np.zeros_like(values)
    n = values.shape[axis]
    src = [slice(None)] * values.ndim
    dst = [slice(None)] * values.ndim
    if months >= 0:
        src[axis], dst[axis] = slice(months, n), slice(0, n - months)
    else:
        src[axis], dst[axis] = slice(0, n + months), slice(-months, n)
    out[tuple(dst)] = values[tuple(src)]
    return out


def births_before_base(ctx: ParameterContext, years: int) -> np.ndarray:
    """[year] the city's births of the `years` years before the base year, oldest first (the births
    history; prepare has checked that it reaches back that far)."""
    base_year = ctx.calendar.base_year
    return np.array([ctx.base.births_history[base_year - k] for k in range(years, 0, -1)])


def birth_months(ctx: LineContext, transitions: slice | list[int], groups: slice | list[int]) -> np.ndarray:
    """Births of the given transitions and eligibility groups: [rep, month, area]."""
    births = ctx.demography.births[:, :, :, transitions, :][..., groups]
    return births.reshape(*births.shape[:3], -1).sum(axis=3)


def transitions_of(orders: Sequence[int]) -> list[int]:
    """Engine birth transitions (1st, 2nd, 3rd, 4th+) of contract birth orders (3 = third and later)."""
    return sorted({t for order in orders for t in ([order - 1] if order < 3 else [2, 3])})


def all_orders(per_birth: np.ndarray) -> np.ndarray:
    """[rep or 1, year, 1] yuan per birth of any order → [rep or 1, year, 1, order 1..3]."""
    return np.repeat(per_birth[..., None], 3, axis=-1)


def from_day_share(ctx: ParameterContext, day: str) -> np.ndarray:
    """[month] share of each simulated month's births born on or after `day` (births spread evenly
    over the days of their month): 0 before, the remaining days' share in that month, 1 after."""
    year, month, first = map(int, day.split("-"))
    index = (year - ctx.calendar.base_year) * 12 + month - 1
    share = (np.arange(ctx.calendar.n_months) >= index).astype(float)
    if 0 <= index < ctx.calendar.n_months:
        length = calendar.monthrange(year, month)[1]
        share[index] = (length - first + 1) / length
    return share


def birth_window(ctx: ParameterContext, section: BirthWindow) -> np.ndarray:
    """[month] share of each simulated month's births inside a measure's window of days."""
    window = from_day_share(ctx, section.births_from)
    return window if section.births_until is None else window - from_day_share(ctx, section.births_until)
