"""示范性托育服务中心和示范试点机构补贴 — clauses 7 and 11 of the plan.

Clause 7: "到2025年底前，市、县分别建立公办的示范性托育服务中心" — one public
demonstration childcare centre for the city and one for each county by the end of 2025.
Clause 11: "对省、市评选的示范试点机构给予建设补贴和运营补贴" — construction and operating
subsidies for the institutions the province and the city select as demonstration pilots.

Priced from a schedule (scenario data): each centre's area, opening year, one-off
construction subsidy and yearly operating subsidy, and who pays it (the city's own centre
is paid by the city, a county's by the county); plus pilots selected each year city-wide
(split by residents), each with a one-off subsidy and operating subsidies for some years.
No amount is published: every number of the default schedule is an assumption.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from model import bounded_numbers as num
from model.city import City
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.sections import MAX_END_YEAR, LineSection, Money, Scale, Strict, Year, Yuan


class Centre(Strict):
    name: str = Field(description="the centre or institution")
    area: str = Field(description="area where it is (an area id of the city)")
    opens: Year = Field(description="year the construction subsidy is paid and operating subsidies start")
    closes: Year = Field(MAX_END_YEAR, description="last year of operating subsidies")
    construction_subsidy: Yuan = Field(description="one-off yuan in the opening year (at most 1e9 yuan)")
    operating_subsidy: Yuan = Field(description="yuan a year from the opening year on (at most 1e9 yuan)")
    paid_by: Literal["rule", "city", "area"] = Field(
        "rule", description="rule: the area's city/area shares; city: the city pays all (its own centre); "
                            "area: the district or county pays all")


class CentresLine(LineSection):
    centres: list[Centre] = Field(description="schedule of public demonstration centres (fixed numbers)")
    schedule_scale: Scale = Field(
        description="multiplier of every amount in the schedule (its uncertainty; 1 = the schedule as written)")
    pilots_per_year: num.CountByYear = Field(description="institutions selected as demonstration pilots each year, "
                                                     "city-wide, split by residents (at most 2e9)")
    pilot_construction_subsidy: Money = Field(
        description="one-off yuan per selected pilot institution (at most 1e9 yuan)")
    pilot_operating_subsidy: Money = Field(
        description="yuan a year per pilot institution while it is a pilot (at most 1e9 yuan)")
    pilot_years: Annotated[int, Field(ge=1, le=10)] = Field(description="years a pilot receives operating subsidies")

    def city_problem(self, key: str, city: City) -> str | None:
        for i, centre in enumerate(self.centres):
            if centre.area not in city.areas:
                return f"{key}.centres.{i}.area: unknown area {centre.area!r}; areas are {', '.join(city.areas)}"
        return None

KEY = "lines.demonstration_centres"


def centres_by_rule(ctx: LineContext, line: CentresLine) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The scheduled centres by payer rule: {rule: (yuan, centres paid)}, each [1, year, area]."""
    years, areas = ctx.calendar.years, ctx.scenario.city.areas
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for centre in line.centres:
        yuan, paid = np.zeros((1, len(years), len(areas))), np.zeros((1, len(years), len(areas)))
        running = (years >= centre.opens) & (years <= centre.closes)
        area = areas.index(centre.area)
        yuan[0, :, area] = centre.construction_subsidy * (years == centre.opens) + centre.operating_subsidy * running
        paid[0, :, area] = (years == centre.opens) | running
        before = out.get(centre.paid_by, (0.0, 0.0))
        out[centre.paid_by] = (before[0] + yuan, before[1] + paid)
    return out


def pilots(ctx: LineContext, line: CentresLine) -> tuple[np.ndarray, np.ndarray]:
    """(yuan, pilots paid), [rep or 1, year, area]: new pilots' one-off subsidy plus the operating
    subsidy of every pilot selected in the last `pilot_years` years (selection starts with the plan)."""
    in_force = (ctx.calendar.years >= ctx.scenario.scenario.policy_start_year)[None, :, None]
    selected = ctx.yearly(line.pilots_per_year, f"{KEY}.pilots_per_year") * ctx.area_share[:, None, :] * in_force
    running = np.zeros_like(selected)
    for lag in range(line.pilot_years):
        running[:, lag:] += selected[:, : selected.shape[1] - lag]
    yuan = selected * ctx.value(line.pilot_construction_subsidy) + running * ctx.value(line.pilot_operating_subsidy)
    return yuan, running


def accrual(ctx: LineContext, line: CentresLine) -> Entitlement:
    scale = ctx.yearly(line.take_up, f"{KEY}.take_up") * ctx.index(LINE.id)
    shape = (ctx.replicates, ctx.calendar.n_years, len(ctx.scenario.city.areas))

    def monthly(yearly: np.ndarray) -> np.ndarray:
        return ctx.from_policy_start(ctx.spread_over_year(np.broadcast_to(yearly, shape)))

    pilot_yuan, pilot_count = pilots(ctx, line)
    yuan, claims = monthly(pilot_yuan * scale), monthly(pilot_count)
    fixed: dict[str, np.ndarray] = {}
    for rule, (centre_yuan, centre_count) in centres_by_rule(ctx, line).items():
        part = monthly(centre_yuan * ctx.value(line.schedule_scale) * scale)
        yuan, claims = yuan + part, claims + monthly(centre_count)
        if rule != "rule":
            fixed[rule] = part
    return Entitlement(yuan=yuan, claims=claims, fixed_payer=fixed or None)


LINE = Line("demonstration_centres", "示范性托育机构补贴", "Demonstration childcare centres", "7, 11", Kind.OUTLAY, accrual, section=CentresLine)
