"""The building blocks of a scenario's tables: bounded number types, the strict base model, and
the parts every policy line's table shares (`LineSection`, `FundedFromAbove`, `LineTiming`).

A line's own table is declared by the line's module (model/lines/), beside the code that prices
it; model/scenario.py gathers them into [lines] and [disbursement] from the line registry.
"""

from __future__ import annotations

import calendar
import math
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model import bounded_numbers as num
from model.uncertainty import Distribution, ScenarioModel, check_within
from model.yearpath import YearPath

if TYPE_CHECKING:
    from model.city import City

MAX_END_YEAR = 2050  # the base women (ages 0-49 in 2022) carry births to about 2050


Share = num.Share
ShareByYear = num.ShareByYear
Money = num.Money
MoneyByYear = num.MoneyByYear
Count = num.Count
# Ranges of one or two fields each (see bounded_numbers for the form).
PositiveCount: TypeAlias = Annotated[
    Annotated[float, num.within(0, num.MAX_COUNT, open_low=True)] | Distribution,
    num.Bounded(0, num.MAX_COUNT, open_low=True)]
Growth: TypeAlias = Annotated[Annotated[float, num.within(-0.5, 0.5)] | Distribution, num.Bounded(-0.5, 0.5)]
GrowthByYear: TypeAlias = Annotated[
    Annotated[float, num.within(-0.5, 0.5)] | Distribution | YearPath, num.Bounded(-0.5, 0.5)]
SexRatio: TypeAlias = Annotated[Annotated[float, num.within(0.5, 2)] | Distribution, num.Bounded(0.5, 2)]
PerBirth: TypeAlias = Annotated[Annotated[float, num.within(1, 2)] | Distribution, num.Bounded(1, 2)]
Variation: TypeAlias = Annotated[Annotated[float, num.within(0, 3)] | Distribution, num.Bounded(0, 3)]
PerThousandByYear: TypeAlias = Annotated[
    Annotated[float, num.within(0, 1000)] | Distribution | YearPath, num.Bounded(0, 1000)]
PerUnitByYear: TypeAlias = Annotated[
    Annotated[float, num.within(0, 10)] | Distribution | YearPath, num.Bounded(0, 10)]
Scale: TypeAlias = Annotated[Annotated[float, num.within(0, 10)] | Distribution, num.Bounded(0, 10)]
TaxRate: TypeAlias = Annotated[Annotated[float, num.within(0, 0.45)] | Distribution, num.Bounded(0, 0.45)]
YearsByYear: TypeAlias = Annotated[
    Annotated[float, num.within(0, 3)] | Distribution | YearPath, num.Bounded(0, 3)]
Multiplier: TypeAlias = Annotated[Annotated[float, num.within(1, 3)] | Distribution, num.Bounded(1, 3)]
Yuan = Annotated[float, Field(ge=0, le=num.MAX_YUAN)]  # a fixed amount (no distribution), see numbers.MAX_YUAN
Year = Annotated[int, Field(ge=2000, le=MAX_END_YEAR)]


def _check_bounds(model: BaseModel) -> None:
    """Distributions and year paths must stay within the field's valid range."""
    for name, info in type(model).model_fields.items():
        bounds = next((m for m in info.metadata if isinstance(m, num.Bounded)), None)
        value = getattr(model, name)
        if bounds is None or value is None:
            continue
        limits = (bounds.low, bounds.high)
        try:
            if isinstance(value, Distribution):
                check_within(value, limits)
            elif isinstance(value, YearPath):
                values = list(value.values.values())
                outside = [v for v in values if not limits[0] <= v <= limits[1] or (bounds.open_low and v == limits[0])]
                if outside:
                    raise ValueError(f"year-path value {outside[0]:g} is outside the valid range "
                                     f"[{limits[0]:g}, {limits[1]:g}]")
                scale = value.scale
                if isinstance(scale, Distribution):
                    check_within(scale, (0.0, math.inf))  # a normal scale is truncated at 0
                top = scale.support()[1] if isinstance(scale, Distribution) else float(scale)
                if not isinstance(scale, Distribution) and float(scale) < 0:
                    raise ValueError("a year path's scale must be ≥ 0")
                if limits[1] < math.inf and isinstance(scale, Distribution) and top == math.inf and max(values) > 0:
                    raise ValueError(f"a {scale.dist} scale has no upper end, and this value may be at most "
                                     f"{limits[1]:g}: use a triangular or uniform scale")
                if limits[1] < math.inf and max(values) * top > limits[1]:
                    raise ValueError(f"scale reaches {top:g}, taking the path to {max(values) * top:g}, "
                                     f"above the maximum {limits[1]:g}")
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None


class Strict(ScenarioModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _within_bounds(self) -> Strict:
        _check_bounds(self)
        return self


def month_string(value: Any) -> str:
    if isinstance(value, int):
        value = f"{value}-01"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError("expected a month as \"YYYY-MM\" (e.g. \"2025-01\") or a year")
    return value


def day_string(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
        raise ValueError("expected a date as \"YYYY-MM-DD\" (e.g. \"2024-01-01\")")
    year, month, day = map(int, value.split("-"))
    if day > calendar.monthrange(year, month)[1]:
        raise ValueError(f"{value} is not a day of the calendar")
    return value


def shares_add_up_to_one(value: list[float]) -> list[float]:
    if abs(sum(value) - 1) > 1e-9:
        raise ValueError(f"shares must add up to 1 (they add up to {sum(value):.6g})")
    return value


class LineSection(Strict):
    enabled: bool = Field(description="price this line")
    new_money: bool | None = Field(
        None, description="true: new money of this plan; false: a continuing programme or national scheme (shown "
                          "apart, and left out of the cost per induced birth); none: the line's own default")
    take_up: ShareByYear = Field(description="share of eligible cases that claim; a year path gives a ramp")
    city_share: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="per-area city share for this line; default [cost_sharing] (fixed numbers)")
    clause: str | None = Field(
        None, max_length=200, description="the clause or article of the city's package this line prices (reports "
                                          "cite it; none: the default city's plan clause)")

    def city_problem(self, key: str, city: City) -> str | None:
        """What this table gets wrong about the city's areas (`key`: where it sits, for the message),
        or None; a line whose table names areas says how they are checked."""
        return None

    def history_years(self, base_year: int) -> int:
        """Years of births before the base year this table makes its line count (its Line may ask
        for more, whatever the table)."""
        return 0


class FundedFromAbove(Strict):
    """Lines the central government and the province co-fund: who bears what share."""

    local_share: Share = Field(
        description="share of the cost borne by local budgets (province, city, districts, counties); "
                    "the central government bears the rest")
    province_share_of_local: Share = Field(
        description="share of the local part borne by the province; the rest follows the area's city/area rule")

    def shared_above(self) -> bool:
        """Whether the levels above may bear a share: always for the model's co-funded lines (their
        payer columns are part of the contract), for a package's measure unless it gives them none."""
        if getattr(self, "kind", None) is None:
            return True
        local, province = self.local_share, self.province_share_of_local  # drawn values are arrays: never "none"
        return not (isinstance(local, int | float) and local == 1.0 and isinstance(province, int | float)
                    and province == 0.0)


class LineTiming(Strict):
    """How one line's entitlements become cash: application, review, payment run."""

    application_lag: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        min_length=1, max_length=37,
        description="share of claims filed 0, 1, 2, … months after the entitlement arises (adds up to 1)")
    review_capacity: Annotated[float, Field(gt=0, le=num.MAX_COUNT)] | None = Field(
        None, description="claims an area office reviews a month (none: unlimited)")
    rejection_share: Annotated[float, Field(ge=0, lt=1)] = Field(
        description="share of claims refused after review (they use review time; a refused claim is no entitlement)")
    payment: Literal["on_approval", "monthly", "quarterly", "annual"] = Field(
        description="payment runs: on approval / monthly (same month), quarterly (the month after each quarter), "
                    "annual (in `annual_payment_month` of the next year)")
    annual_payment_month: Annotated[int, Field(ge=1, le=12)] = Field(3, description="month of the annual payment run")

    _lag_adds_up = field_validator("application_lag")(shares_add_up_to_one)


class BirthWindow(Strict):
    """The days of birth a measure pays for: from `births_from` until `births_until` (excluded)."""

    births_from: str = Field(description="first day of birth that qualifies, YYYY-MM-DD")
    births_until: str | None = Field(None, description="first day of birth that no longer qualifies (none: open)")

    _births_from = field_validator("births_from")(day_string)
    _births_until = field_validator("births_until")(lambda value: None if value is None else day_string(value))

    @model_validator(mode="after")
    def _window_in_order(self) -> BirthWindow:
        if self.births_until is not None and self.births_until <= self.births_from:
            raise ValueError(f"births_until: {self.births_until} is not after births_from ({self.births_from})")
        return self


class MeasureSection(LineSection):
    """What a measure of a package gives whatever its generic kind (model/lines/__init__.py,
    MEASURE_KINDS): its names in reports, its clause, where its terms were read, and its cash timing."""

    kind: str = Field(description="the measure's generic kind")  # each kind narrows it to its own name
    name_zh: str = Field(min_length=1, max_length=40, description="the measure's name in reports (Chinese)")
    name_en: str = Field(min_length=1, max_length=80, description="the measure's name in reports (English)")
    clause: str = Field(min_length=1, max_length=200, description="the clause or article of the package")
    source: str = Field(min_length=1, max_length=400, description="where its terms were read")
    timing: LineTiming | None = Field(None, description="cash timing of its claims (none: [disbursement.measures])")
