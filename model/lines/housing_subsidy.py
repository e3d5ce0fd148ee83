"""购房补贴 — a one-off home-purchase subsidy for second- and third-child families.

Second- and third-child families (at least one city-hukou parent), wherever in the city they
live, receive the amounts of `amount_second_child` / `amount_third_child` once when they buy a
first or improved ordinary home in one of the `home_areas` (default: the city's districts, level =
"district" in city.toml);
the cost arises where the home is, shared by the area rule. (The default city's plan, clause
14: "在…等三区购买首套或改善型普通住房的生育二孩及三孩家庭发放购房补贴…按所购住房区域由市、区
财政各承担50%。各县(市)可结合实际制定本地购房补贴政策。") A home
bought in a county gets nothing unless the scenario gives that county its own amount
(`county_amounts`), paid by the county under the default cost sharing. A share of families
buy within a few years of the birth (`purchase_profile`), spread evenly over the months of
the purchase year; purchases before the policy start are not paid. The plan does not say
whether families whose child was born before the policy qualify: by default only births
from the policy start do (`earlier_births_qualify = false`, an assumption; true counts
earlier births too, from the births history).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from model import sampling as draw
from model.city import City
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    birth_window,
    births_before_base,
)
from model.realise import per_replicate
from model.sections import (
    BirthWindow,
    LineSection,
    MeasureSection,
    Money,
    Share,
    Yuan,
    shares_add_up_to_one,
)


class HousingLine(LineSection):
    amount_second_child: Money = Field(description="one-off yuan for a second-child family (at most 1e9 yuan)")
    amount_third_child: Money = Field(description="one-off yuan for a third-child family (at most 1e9 yuan)")
    purchase_probability: Share = Field(description="2nd/3rd births whose family buys a qualifying home within the profile")
    purchase_profile: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        min_length=1, max_length=10, description="share of purchases 0, 1, 2, … years after the birth (fixed numbers)")
    earlier_births_qualify: bool = Field(
        description="families whose 2nd/3rd child was born before the policy qualify for purchases after it")
    home_areas: list[str] | None = Field(
        None, description="areas where a home qualifies for the amounts above (area ids; none: the city's districts)")
    county_amounts: dict[str, dict[Literal["second", "third"], Yuan]] = Field(
        default_factory=dict, description="a county's own subsidy for homes bought there, paid by the county")

    _profile_adds_up = field_validator("purchase_profile")(shares_add_up_to_one)

    def city_problem(self, key: str, city: City) -> str | None:
        for area in self.home_areas or []:
            if area not in city.areas:
                return f"{key}.home_areas: unknown area {area!r}; areas are {', '.join(city.areas)}"
        home = city.districts if self.home_areas is None else tuple(self.home_areas)
        others = [area for area in city.areas if area not in home]
        for area in self.county_amounts:
            if area not in others:
                return (f"{key}.county_amounts: {area!r} is not an area outside the home areas; county_amounts takes "
                        f"{', '.join(others) or 'no area'}")
        return None

    def history_years(self, base_year: int) -> int:
        """Families of births before the base year buy within the profile's years (when they qualify)."""
        return len(self.purchase_profile) - 1 if self.earlier_births_qualify else 0

class HomePurchaseMeasure(MeasureSection, HousingLine, BirthWindow):
    """A package's home-purchase subsidy by birth order and by where the home is (this module's
    logic, under the measure's own id and names): for families of births in a window of days."""

    kind: Literal["home_purchase"] = Field(description="the measure's kind (home_purchase)")
    earlier_births_qualify: bool = Field(
        False, description="not used by a measure: its births window says which families qualify (must be false)")

    @model_validator(mode="after")
    def _window_says_who_qualifies(self) -> HomePurchaseMeasure:
        if self.earlier_births_qualify:
            raise ValueError("earlier_births_qualify: a measure's families qualify by births_from and births_until; "
                             "set births_from to the earliest day of birth that qualifies")
        return self


CITY_HUKOU = [1]
SECOND, THIRD_AND_LATER = [1], [2, 3]


def amount_by_home_area(line: HousingLine, city: City) -> np.ndarray:
    """[rep or 1, order class (second, third+), home area] one-off yuan for a qualifying purchase:
    the plan's amounts for a home in a home area (default: a district), an area's own amounts (if
    any) elsewhere."""
    second = per_replicate(line.amount_second_child, 1)
    third = per_replicate(line.amount_third_child, 1)
    replicates = max(np.size(second), np.size(third))
    amounts = np.zeros((replicates, 2, len(city.areas)))
    home = city.districts if line.home_areas is None else line.home_areas
    for a, area in enumerate(city.areas):
        if area in home:
            amounts[:, 0, a], amounts[:, 1, a] = second, third
        elif area in line.county_amounts:
            own = line.county_amounts[area]
            amounts[:, 0, a], amounts[:, 1, a] = own.get("second", 0.0), own.get("third", 0.0)
    return amounts


def purchase_probabilities(line: HousingLine, destination: np.ndarray) -> np.ndarray:
    """[rep or 1, from area, (year offset × home area) + no purchase] probabilities."""
    profile = np.asarray(line.purchase_profile)
    shape = (profile[None, :, None] * destination[:, None, :]).reshape(destination.shape[0], -1)
    buys = np.reshape(per_replicate(line.purchase_probability, 1), (-1, 1, 1)) * shape[None]
    # Shares add up to at most 1 (validated); rounding can leave −1e-16 for "no purchase".
    return np.concatenate([buys, np.clip(1 - buys.sum(axis=2, keepdims=True), 0, 1)], axis=2)


def earlier_families(ctx: LineContext, years_before_base: int) -> np.ndarray:
    """[rep, year, area, class] city-hukou 2nd/3rd-child families born in the years before the
    base year: the births history × base-year order shares × residents' and hukou shares."""
    base = ctx.base
    total = sum(base.base_births.values())
    order_share = np.array([base.base_births[2], base.base_births[3]]) / total
    history = births_before_base(ctx, years_before_base)
    hukou = np.reshape(per_replicate(ctx.scenario.eligibility.city_hukou_share, 1), (-1, 1, 1, 1))
    families = history[None, :, None, None] * ctx.area_share[:, None, :, None] * order_share * hukou
    return np.broadcast_to(np.round(families), (ctx.replicates, *families.shape[1:])).astype(np.int64)


def qualifying_births(ctx: LineContext, line: HousingLine, orders: list[int], line_id: str) -> np.ndarray:
    """[rep, month, area] city-hukou births of the orders whose families qualify: a package's
    measure takes its birth-day window (a month the window cuts is thinned by its days' share),
    the plan's line the policy start (or every birth, when earlier births qualify)."""
    births = birth_months(ctx, orders, CITY_HUKOU)
    if isinstance(line, HomePurchaseMeasure):
        return draw.binomial(ctx.streams(f"{line_id}:window:{orders[0]}"), births, birth_window(ctx, line)[None, :, None])
    return births if line.earlier_births_qualify else ctx.from_policy_start(births)


def accrual(ctx: LineContext, line: HousingLine, line_id: str = "housing_subsidy", section: str = "lines") -> Entitlement:
    """The subsidies paid for purchases; `line_id` and `section` name the table ([lines.<id>], or
    [measures.<id>] for a package's measure of the home_purchase kind)."""
    calendar = ctx.calendar
    families = np.stack([  # [rep, year, area, order class] qualifying births by year of birth
        calendar.by_year(qualifying_births(ctx, line, orders, line_id))
        for orders in (SECOND, THIRD_AND_LATER)], axis=-1)
    n_offsets, n_areas = len(line.purchase_profile), len(ctx.scenario.city.areas)
    # birth years before the base year (never when pricing induced births: those are all new)
    earlier = n_offsets - 1 if line.earlier_births_qualify and not ctx.induced_only else 0
    if earlier:
        families = np.concatenate([earlier_families(ctx, earlier), families], axis=1)
    probabilities = purchase_probabilities(line, ctx.base.housing_destination)
    outcomes = draw.multinomial_sequential(ctx.streams(f"{line_id}:purchases"), families.transpose(0, 1, 3, 2), probabilities[:, None, None])  # [rep, year, class, from, outcome]
    purchases = outcomes[..., :-1].reshape(*outcomes.shape[:4], n_offsets, n_areas).sum(axis=3)
    span = families.shape[1]
    by_purchase_year = np.zeros((ctx.replicates, span, 2, n_areas), dtype=np.int64)
    for offset in range(n_offsets):  # [rep, birth year, class, offset, home] → purchase year
        by_purchase_year[:, offset:] += purchases[:, : span - offset, :, offset]
    by_purchase_year = by_purchase_year[:, earlier:]  # purchases before the base year are not paid
    take_up = ctx.yearly(line.take_up, f"{section}.{line_id}.take_up")[..., None]  # [rep or 1, year, 1, 1]
    claims = draw.binomial(ctx.streams(f"{line_id}:claims"), by_purchase_year, take_up)
    amounts = amount_by_home_area(line, ctx.scenario.city)[:, None] * ctx.index(line_id)[..., None]
    yuan = ctx.from_policy_start(ctx.spread_over_year((claims * amounts).sum(axis=2)))
    paid_claims = ctx.from_policy_start(ctx.spread_over_year((claims * (amounts > 0)).sum(axis=2).astype(float)))
    return Entitlement(yuan=yuan, claims=paid_claims)


def benefit_per_birth(ctx: ParameterContext, line: HousingLine, line_id: str = "housing_subsidy",
                      section: str = "lines") -> np.ndarray:
    """Expected subsidy per second / third birth to a family living in each area."""
    destination = ctx.base.housing_destination  # [from, to]
    amounts = amount_by_home_area(line, ctx.scenario.city)  # [rep or 1, class, to]
    expected = np.einsum("ft,rct->rfc", destination, amounts)  # [rep or 1, from, class]
    chance = ctx.value(line.purchase_probability) * ctx.yearly(line.take_up, f"{section}.{line_id}.take_up")  # [rep|1, year, 1]
    per_birth = chance[..., None] * expected[:, None] * ctx.index(line_id)[..., None]  # [rep, year, from, class]
    if isinstance(line, HomePurchaseMeasure):  # births of a year qualify in the share of it the window covers
        per_birth = per_birth * birth_window(ctx, line).reshape(-1, 12).mean(axis=1)[None, :, None, None]
    return np.concatenate([np.zeros(per_birth.shape[:-1] + (1,)), per_birth], axis=-1)


LINE = Line("housing_subsidy", "购房补贴", "Home-purchase subsidy", "14", Kind.OUTLAY, accrual,
            benefit_per_birth, birth_linked=True, section=HousingLine)


def measure_line(measure_id: str, measure: HomePurchaseMeasure) -> Line[HousingLine]:
    """The line a package's home-purchase subsidy becomes, under its own id and names."""
    return Line(measure_id, measure.name_zh, measure.name_en, measure.clause, Kind.OUTLAY,
                partial(accrual, line_id=measure_id, section="measures"),
                partial(benefit_per_birth, line_id=measure_id, section="measures"), birth_linked=True,
                new_money=True if measure.new_money is None else measure.new_money, section=HomePurchaseMeasure)
