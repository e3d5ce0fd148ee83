"""Scenario files: the schema, inheritance (`extends`) and validation.

Every scenario starts from its city's `defaults.toml` (the default city: `model/data/`;
another with `[scenario] city = "folder"`); `extends` chains add layers, and the child file
sets only what it changes. Area keys are checked against the city's `city.toml`. The loader remembers which file set each value, so
an error names the file where the bad value sits, not the child that inherited it.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from model import bounded_numbers as num
from model.city import CITY_FILE, DEFAULT_CITY_DIR, ID, City, load_city
from model.errors import InputError
from model.files import SCENARIO_LIMIT, read_bytes
from model.uncertainty import Distribution, ScenarioModel, check_within
from model.yearpath import YearPath

DEFAULTS_NAME = "defaults.toml"
DEFAULTS_FILE = DEFAULT_CITY_DIR / DEFAULTS_NAME
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


def _month(value: Any) -> str:
    if isinstance(value, int):
        value = f"{value}-01"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError("expected a month as \"YYYY-MM\" (e.g. \"2025-01\") or a year")
    return value


class ScenarioSection(Strict):
    name: str = Field(description="short name shown in reports")
    description: str = Field("", description="what question the scenario answers")
    extends: str | None = Field(None, description="parent scenario file, relative to this file")
    start_year: Year = Field(description="first budget year (calendar = fiscal year)")
    end_year: Year = Field(description="last budget year")
    replicates: int = Field(ge=1, le=1_000_000, description="Monte Carlo replicates")
    seed: int = Field(ge=0, lt=2**63, description="seed of every random stream (a whole number below 2**63)")
    policy_start: str = Field(description="month the plan took effect, YYYY-MM")
    city: str | None = Field(None, description="folder of the city (its city.toml, defaults and tables), relative "
                                               "to this file; none: the default city shipped with the model")

    _policy_start_month = field_validator("policy_start", mode="before")(_month)

    @property
    def policy_start_year(self) -> int:
        return int(self.policy_start[:4])

    @property
    def policy_start_month(self) -> int:
        return int(self.policy_start[5:])


class AreasSection(Strict):
    """The share of its census unit's residents living in each area split from a unit: one key per
    `share_parameter` of the city's city.toml (checked against it once the city is known)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Share] = Field(init=False)
    extra_bounds: ClassVar[num.Bounded] = num.Bounded(0, 1)  # the bounds of every key (see realise)

    @model_validator(mode="after")
    def _shares_within(self) -> AreasSection:
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, Distribution):
                try:
                    check_within(value, (0.0, 1.0))
                except ValueError as error:
                    raise ValueError(f"{key}: {error}") from None
        return self

    def share(self, parameter: str) -> float | Distribution:
        return (self.model_extra or {})[parameter]


class DemographySection(Strict):
    base_year: Year = Field(description="year of the base data and birth calibration")
    resident_population: PositiveCount = Field(
        description="residents in the base year (persons, at most 2e9)")
    population_growth: Growth = Field(
        description="annual growth of total residents (share per year; for childcare slots per 1,000)")
    fertility_trend: Growth = Field(
        description="annual relative change of every birth rate after the base year (share per year)")
    higher_order_share_of_third_plus: Share = Field(
        description="fourth and later births among third-and-later births (share)")
    third_plus_share_scale: Scale = Field(
        description="multiplier of the base-year table's share of third and later births (the 2020 census "
                         "mix); the total stays the published count, first and second births give way in "
                         "proportion (1 = the table as it is)")
    sex_ratio_at_birth: SexRatio = Field(description="boys per girl at birth")
    births_override: str | None = Field(
        None, description="CSV `year, area, birth_order, births[, month][, mother_age]` replacing simulated births")


class EligibilitySection(Strict):
    city_hukou_share: Share = Field(description="share of births with at least one city-hukou parent")
    in_city_hospital_share: Share = Field(description="share of births delivered in the city's hospitals")


def _check_area_shares(value: Mapping[str, Any] | None, areas: tuple[str, ...], key: str) -> None:
    """A table keyed by area gives every area of the city, and no other."""
    if value is None:
        return
    unknown = sorted(set(value) - set(areas))
    if unknown:
        raise ValueError(f"{key}: unknown area {unknown[0]!r}; areas are {', '.join(areas)}")
    missing = [area for area in areas if area not in value]
    if missing:
        raise ValueError(f"{key}: missing area {missing[0]!r}: give a share for each of {', '.join(areas)}")


def _shares_add_up_to_one(value: list[float]) -> list[float]:
    if abs(sum(value) - 1) > 1e-9:
        raise ValueError(f"shares must add up to 1 (they add up to {sum(value):.6g})")
    return value


class CostSharingSection(Strict):
    city_share: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        description="share of each area's cost paid by the city (市本级); the area pays the rest")


class DataSection(Strict):
    """Replace any default table with the bureau's own CSV of the same shape."""

    women_by_age: str | None = Field(None, description="CSV `age, women` (city total, ages 0-49)")
    women_by_area_age: str | None = Field(None, description="CSV `area, age, women`; replaces the census-unit split")
    parity_by_age: str | None = Field(None, description="CSV `age, parity0, parity1, parity2, parity3` (shares)")
    fertility_by_age_order: str | None = Field(None, description="CSV `age, birth_order, rate` (orders 1-4)")
    base_year_births: str | None = Field(None, description="CSV `year, birth_order, births` (calibration target)")
    life_table: str | None = Field(None, description="CSV `age, q_female, q_both`")
    net_migration: str | None = Field(None, description="CSV `area, age, rate` (net migrants per woman-year)")
    census_units: str | None = Field(None, description="CSV `census_unit, resident_share`")
    births_history: str | None = Field(None, description="CSV `year, births, status` before the base year")
    published_births: str | None = Field(
        None, description="CSV `year, births, status`: published birth counts the run's births are checked against")
    family_planning_recipients: str | None = Field(
        None, description="CSV `scheme, age, recipients`: family-planning award recipients in the base year")
    housing_destination: str | None = Field(None, description="CSV `from_area, to_area, share`")

    @model_validator(mode="after")
    def _one_table_each(self) -> DataSection:
        """Two keys that give the same input: the engine would read one and silently drop the other."""
        if self.women_by_age and self.women_by_area_age:
            raise ValueError("women_by_area_age: data.women_by_age is given too (here or in a parent scenario), "
                             "and only one women table can be used: keep women_by_area_age if your table gives "
                             "women by area (it replaces the census-unit split), otherwise keep women_by_age; "
                             "remove the other")
        return self


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


class NiptLine(LineSection):
    price: MoneyByYear = Field(description="yuan per test paid by the budget (at most 1e9 yuan)")
    mother_city_hukou_share: Share = Field(description="share of births whose mother holds city hukou")
    registered_in_city_hospital_share: Share = Field(description="share of pregnancies filed (建档) in city hospitals")
    pregnancies_per_birth: PerBirth = Field(description="tested pregnancies per birth (ratio)")
    months_before_birth: Annotated[int, Field(ge=0, le=9)] = Field(description="months from test to birth")


class ArtLine(LineSection):
    cap_per_household: Money = Field(description="cumulative yuan per household (每户累计; at most 1e9)")
    households_base_year: Count = Field(description="eligible households starting ART in the base year (at most 2e9)")
    min_age: Annotated[int, Field(ge=15, le=49)] = Field(description="woman's minimum age (years)")
    out_of_pocket_mean: Money = Field(
        description="mean yuan spent per treatment year after insurance (at most 1e9 yuan)")
    out_of_pocket_cv: Variation = Field(description="coefficient of variation of household spending (ratio)")
    continuation: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        max_length=4, description="share still treated in years 2, 3, … of treatment (fixed numbers)")


class ChildcareLine(LineSection):
    amount_per_slot: MoneyByYear = Field(description="yuan per enrolled inclusive slot per year (at most 1e9 yuan)")
    slots_per_1000: PerThousandByYear = Field(description="childcare slots per 1,000 residents, by year "
                                                         "(at most 1,000: a slot per resident)")
    inclusive_share: Share = Field(description="share of slots that are 普惠 (inclusive)")
    enrolment_rate: ShareByYear = Field(description="share of children under 3 in formal care, by year")


class AllowanceLine(LineSection):
    monthly_amount: MoneyByYear = Field(description="yuan per child per month, by year (at most 1e9 yuan)")
    months: Annotated[int, Field(ge=0, le=60)] = Field(
        description="months paid from the birth month (the child life table covers ages 0-4)")
    birth_orders: list[Literal[1, 2, 3]] = Field(
        [3], min_length=1, description="birth orders paid (3 = third and later); [2, 3] extends it to second children")
    net_of_national_subsidy: bool = Field(
        False, description="the city only tops up to `monthly_amount`: from the national childcare subsidy's start it "
                           "pays monthly_amount minus the national monthly amount (never below 0); "
                           "false: both are paid in full")
    earlier_children_paid: bool = Field(
        False, description="children born before the policy start and still young enough are paid their "
                           "remaining months from the start (false: only births from the start qualify); "
                           "children born before the base year are not simulated: their months must fall "
                           "before the first budget year (checked), and their claims are not in the review queue")


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


class NationalSubsidyLine(LineSection, FundedFromAbove):
    annual_amount: MoneyByYear = Field(
        description="yuan per child under 3 per year, paid pro rata by month (at most 1e9)")
    start: str = Field(description="first month of the subsidy, YYYY-MM; children born earlier get the months "
                                   "they are under 3 from then on")
    months: Annotated[int, Field(ge=1, le=60)] = Field(description="months of age covered from birth (36: under 3)")

    _start_month = field_validator("start", mode="before")(_month)

    @property
    def start_year(self) -> int:
        return int(self.start[:4])

    @property
    def start_month(self) -> int:
        return int(self.start[5:])


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


class IncomeTaxLine(LineSection, FundedFromAbove):
    deduction_per_month: MoneyByYear = Field(
        description="deduction per child under 3 per month in yuan, by year (at most 1e9)")
    taxable_parent_share: Share = Field(description="share of children under 3 whose parents have taxable income")
    marginal_rate: TaxRate = Field(description="mean marginal income-tax rate on the deducted amount")
    settlement_share: Share = Field(description="share of the deduction taken at the annual settlement (汇算清缴) "
                                                "in the next year rather than in monthly withholding")
    settlement_month: Annotated[int, Field(ge=1, le=12)] = Field(description="month of the next year when the "
                                                                             "settlement refunds arrive")


class FeeWaiverLine(LineSection):
    hardship_share: Share = Field(description="share of children in care from families in economic hardship")
    waived_share: Share = Field(description="share of the fee waived for them")
    nursery_fee: MoneyByYear = Field(description="yuan a year for a nursery (托育) place, by year (at most 1e9 yuan)")
    kindergarten_fee: MoneyByYear = Field(
        description="yuan a year of kindergarten (保教费) fees, by year (at most 1e9 yuan)")
    kindergarten_enrolment_rate: ShareByYear = Field(description="share of children aged 3-5 in kindergarten")
    kindergarten_fee_years: YearsByYear = Field(
        description="years of the three kindergarten years that still carry a fee, by year")


class AwardScheme(Strict):
    name_zh: str = Field(description="Chinese name of the scheme")
    entry_age: Annotated[int, Field(ge=0, le=100)] = Field(description="age at which recipients enter")
    annual_amount: MoneyByYear = Field(description="yuan per recipient per year, by year (at most 1e9 yuan)")
    entrants_per_year: num.CountByYear = Field(description="new recipients a year, city-wide, by year (at most 2e9)")


class AwardsLine(LineSection, FundedFromAbove):
    schemes: dict[str, AwardScheme] = Field(
        description="schemes by id; their base-year recipients by age are the table family_planning_recipients")
    recipients_scale: Scale = Field(
        description="multiplier of the base-year recipients table (its uncertainty; 1 = the table as it is)")


class HousingFundLine(LineSection):
    purchases_per_year: num.CountByYear = Field(
        description="home purchases a year with a provident-fund loan by families with two or more "
                    "minors (at most 2e9)")
    at_limit_share: Share = Field(description="share of those loans that the standard limit would cap")
    loan_limit: MoneyByYear = Field(description="standard provident-fund loan limit in yuan, by year (at most 1e9)")
    limit_multiplier: Multiplier = Field(description="limit for families with two or more minors (× standard)")


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

    _profile_adds_up = field_validator("purchase_profile")(_shares_add_up_to_one)



class MaternityLine(LineSection):
    subsidy_rate: Share = Field(description="share of the employer's contributions subsidised")
    enterprise_insured_share: Share = Field(description="share of births to mothers in enterprise employee insurance")
    employer_rate: Share = Field(description="employer social-insurance rate (share of the base)")
    contribution_base: MoneyByYear = Field(description="monthly contribution base in yuan, by year (at most 1e9)")
    leave_days: Annotated[int, Field(ge=0, le=730)] = Field(description="maternity leave in calendar days")


UnitBasis = Literal["births", "second_and_later_births", "children_under_3", "children_3_to_5", "yearly_count"]


class UnitMeasureLine(LineSection, FundedFromAbove):
    """A measure priced as cases × a cost per case, the cases a share of a basis: births, children
    of an age, or a yearly count that is not a birth (couples marrying, recipients, pupils)."""

    basis: UnitBasis = Field(description="what the cases are counted from: births (every order), "
                                         "second_and_later_births, children_under_3 or children_3_to_5 (residents "
                                         "at mid-year), or yearly_count")
    cases_per_unit: PerUnitByYear = Field(
        description="cases per unit of the basis (coverage, uptake, items per birth), by year (at most 10)")
    yearly_count: num.CountByYear = Field(
        0.0, description="units a year city-wide when basis = yearly_count (split by residents; at most 2e9)")
    unit_cost: MoneyByYear = Field(description="yuan per case paid by the budgets, by year (at most 1e9 yuan)")
    new_money: bool = Field(description="true: a new measure of this plan; false: a continuing programme the plan "
                                        "restates (shown apart from the plan's new measures)")

    @model_validator(mode="after")
    def _count_only_for_counts(self) -> UnitMeasureLine:
        zero = isinstance(self.yearly_count, int | float) and self.yearly_count == 0
        if self.basis == "yearly_count" and zero:
            raise ValueError("yearly_count: is 0 with basis = \"yearly_count\", so the line would cost nothing: give "
                             "the count (or set enabled = false)")
        if self.basis != "yearly_count" and not zero:
            raise ValueError(f"yearly_count: is used only with basis = \"yearly_count\" (basis is {self.basis!r}); "
                             "set yearly_count = 0 (a parent or the defaults may give one) or change the basis")
        return self


class LinesSection(Strict):
    nipt: NiptLine
    art_subsidy: ArtLine
    childcare_slot_subsidy: ChildcareLine
    third_child_allowance: AllowanceLine
    housing_subsidy: HousingLine
    maternity_insurance_subsidy: MaternityLine
    national_childcare_subsidy: NationalSubsidyLine
    demonstration_centres: CentresLine
    iit_deduction_revenue: IncomeTaxLine
    fee_waivers: FeeWaiverLine
    family_planning_awards: AwardsLine
    housing_fund_limit: HousingFundLine
    # the plan's other money clauses, priced as cases × cost (model/lines/unit_measures.py)
    premarital_checks: UnitMeasureLine
    pregnancy_and_newborn_checks: UnitMeasureLine
    newborn_screening_extension: UnitMeasureLine
    childcare_vouchers: UnitMeasureLine
    kindergarten_public_funds: UnitMeasureLine
    after_school_care: UnitMeasureLine
    mothers_reemployment_training: UnitMeasureLine
    special_families_topup: UnitMeasureLine


class BehaviourSection(Strict):
    fertility_response: Share = Field(
        description="relative rise in the birth rate of a targeted order per 10,000 yuan of expected benefit per "
                    "birth of that order, for city-hukou families, at full phase-in (share per 10,000 yuan)")
    response_phase_in_years: Annotated[int, Field(ge=0, le=20)] = Field(
        description="years from the policy start until the response is complete (linear)")


class IndexationSection(Strict):
    cpi: GrowthByYear = Field(description="annual price inflation applied to indexed amounts (share per year)")
    from_year: Year = Field(description="amounts are as written in this year and indexed after it")
    lines: list[str] = Field(default_factory=list, description="lines, and measures of [measures], whose amounts are indexed (none by default)")


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

    _lag_adds_up = field_validator("application_lag")(_shares_add_up_to_one)


class DisbursementSection(Strict):
    """Cash timing: claims, review capacity and payment runs per line (the cash basis)."""

    enabled: bool = Field(description="write cash-basis rows and payables")
    nipt: LineTiming
    art_subsidy: LineTiming
    childcare_slot_subsidy: LineTiming
    third_child_allowance: LineTiming
    housing_subsidy: LineTiming
    maternity_insurance_subsidy: LineTiming
    national_childcare_subsidy: LineTiming
    demonstration_centres: LineTiming
    fee_waivers: LineTiming
    family_planning_awards: LineTiming
    premarital_checks: LineTiming
    pregnancy_and_newborn_checks: LineTiming
    newborn_screening_extension: LineTiming
    childcare_vouchers: LineTiming
    kindergarten_public_funds: LineTiming
    after_school_care: LineTiming
    mothers_reemployment_training: LineTiming
    special_families_topup: LineTiming
    # iit_deduction_revenue and housing_fund_limit have no claims: their timing is in the line
    measures: LineTiming = Field(description="timing of a measure in [measures] that gives none of its own")

    def of(self, line_id: str, scenario: Scenario) -> LineTiming:
        """The timing of a line, or of a measure of the package."""
        if line_id in scenario.measures:
            return scenario.measures[line_id].timing or self.measures
        timing: LineTiming = getattr(self, line_id)
        return timing


MAX_CHILD_AGE = 18  # instalments are paid until a child's 18th birthday at the latest


def _day(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
        raise ValueError("expected a date as \"YYYY-MM-DD\" (e.g. \"2024-01-01\")")
    year, month, day = map(int, value.split("-"))
    if day > calendar.monthrange(year, month)[1]:
        raise ValueError(f"{value} is not a day of the calendar")
    return value


class Instalment(Strict):
    """One payment of a cash benefit's schedule: once at an age, or every month or year between two ages."""

    orders: list[Literal[1, 2, 3]] = Field(min_length=1, description="birth orders paid (3 = third and later)")
    every: Literal["once", "month", "year"] = Field(
        description="once: at `from_age`; month / year: every month / on every birthday from `from_age` until "
                    "`to_age` (exclusive)")
    from_age: Annotated[float, Field(ge=0, le=MAX_CHILD_AGE)] = Field(
        0.0, description="child's age in years at the (first) payment; 0 = the birth month (whole months: 0.5 = "
                         "six months)")
    to_age: Annotated[float, Field(ge=0, le=MAX_CHILD_AGE)] | None = Field(
        None, description="age in years at which monthly or yearly payments stop (not paid at that age)")
    amount: Yuan = Field(description="yuan per payment per child (at most 1e9 yuan)")

    @model_validator(mode="after")
    def _ages(self) -> Instalment:
        for name in ("from_age", "to_age"):
            value = getattr(self, name)
            if value is not None and abs(value * 12 - round(value * 12)) > 1e-9:
                raise ValueError(f"{name}: {value:g} is not a whole number of months (e.g. 0.5 = six months)")
        if self.every == "once" and self.to_age is not None:
            raise ValueError("to_age: a payment made once has no end age; remove to_age or pay every month or year")
        if self.every != "once" and (self.to_age is None or self.to_age <= self.from_age):
            raise ValueError(f"to_age: payments every {self.every} need an end age above from_age "
                             f"({self.from_age:g})")
        return self


NationalRule = Literal["on_top", "top_up", "higher_of"]


class CashBenefitMeasure(LineSection):
    """A cash benefit per child by birth order (model/lines/cash_benefit.py): one-off and periodic
    instalments by the child's age, for births from a given day; a package may hold any number."""

    kind: Literal["cash_benefit"] = Field(description="the measure's kind (cash_benefit)")
    name_zh: str = Field(min_length=1, max_length=40, description="the measure's name in reports (Chinese)")
    name_en: str = Field(min_length=1, max_length=80, description="the measure's name in reports (English)")
    clause: str = Field(min_length=1, max_length=200, description="the clause or article of the package")
    source: str = Field(min_length=1, max_length=400, description="where its terms were read")
    births_from: str = Field(description="first day of birth that qualifies, YYYY-MM-DD (on or after the base year)")
    births_until: str | None = Field(None, description="first day of birth that no longer qualifies (none: open)")
    hukou: Literal["any", "city"] = Field(
        "city", description="city: at least one parent holds the city's hukou (the scenario's city_hukou_share); "
                            "any: every birth")
    in_city_hospital: bool = Field(
        False, description="only births in the city's hospitals (eligibility.in_city_hospital_share)")
    eligible_share: ShareByYear = Field(
        1.0, description="share of the births above that meet the measure's other conditions (both parents' hukou, "
                         "the mother's insurance, employment or age, …), by birth year; say why in the source")
    schedule: list[Instalment] = Field(min_length=1, max_length=40, description="the payments")
    national: dict[Literal["1", "2", "3"], NationalRule] = Field(
        default_factory=dict, description="how payments under age 3 meet the national childcare subsidy, by birth "
                                          "order: on_top (both paid; the default), top_up (the city tops up to its "
                                          "amount) or higher_of (the family gets the higher); both of the last "
                                          "leave the city the difference, never below zero")
    timing: LineTiming | None = Field(None, description="cash timing of its claims (none: [disbursement.measures])")

    _births_from = field_validator("births_from")(_day)
    _births_until = field_validator("births_until")(lambda value: None if value is None else _day(value))

    @model_validator(mode="after")
    def _dates_in_order(self) -> CashBenefitMeasure:
        if self.births_until is not None and self.births_until <= self.births_from:
            raise ValueError(f"births_until: {self.births_until} is not after births_from ({self.births_from})")
        for order, rule in self.national.items():
            if not any(int(order) in i.orders for i in self.schedule):
                raise ValueError(f"national: order {order} is not paid by the schedule (orders paid: "
                                 f"{', '.join(str(o) for o in sorted({o for i in self.schedule for o in i.orders}))})")
            once = [i for i in self.schedule if int(order) in i.orders and i.every == "once"]
            if rule != "on_top" and once and not any(int(order) in i.orders and i.every != "once"
                                                     for i in self.schedule):
                raise ValueError(f"national: {rule} for order {order}, which has one-off payments only; the national "
                                 "subsidy is yearly, so a one-off grant is paid on top")
        return self


class UnitCostMeasure(UnitMeasureLine):
    """A measure priced as cases × a cost per case (model/lines/unit_measures.py), the cases a share
    of births, of children of an age, or of a yearly count that is not a birth (vouchers at
    marriage registration, centres, recipients); a package may hold any number."""

    kind: Literal["unit_cost"] = Field(description="the measure's kind (unit_cost)")
    name_zh: str = Field(min_length=1, max_length=40, description="the measure's name in reports (Chinese)")
    name_en: str = Field(min_length=1, max_length=80, description="the measure's name in reports (English)")
    clause: str = Field(min_length=1, max_length=200, description="the clause or article of the package")
    source: str = Field(min_length=1, max_length=400, description="where its terms were read")
    local_share: Share = Field(1.0, description="share borne by local budgets; the central government bears the rest")
    province_share_of_local: Share = Field(0.0, description="share of the local part borne by the province")
    new_money: bool = Field(True, description="true: a new measure of the package; false: a continuing programme")
    timing: LineTiming | None = Field(None, description="cash timing of its claims (none: [disbursement.measures])")


def _kind_of(value: Any) -> str | None:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


# A measure's `kind` picks its schema (a callable discriminator: every field has a before-validator).
Measure = Annotated[Annotated[CashBenefitMeasure, Tag("cash_benefit")] | Annotated[UnitCostMeasure, Tag("unit_cost")],
                    Discriminator(_kind_of)]


class OutputSection(Strict):
    births_by_mother_age: bool = Field(False, description="also write births_by_mother_age.csv")


class Scenario(Strict):
    scenario: ScenarioSection
    areas: AreasSection
    demography: DemographySection
    eligibility: EligibilitySection
    cost_sharing: CostSharingSection
    data: DataSection = Field(default_factory=DataSection)
    lines: LinesSection
    behaviour: BehaviourSection
    indexation: IndexationSection
    disbursement: DisbursementSection
    output: OutputSection = Field(default_factory=OutputSection)
    measures: dict[str, Measure] = Field(
        default_factory=dict, description="the package's measures of a generic kind, each under its own id")

    @property
    def city(self) -> City:
        return load_city(self.scenario.city)

    @model_validator(mode="after")
    def _fits_the_city(self) -> Scenario:
        """Every key or value naming an area names one of the city's (city.toml)."""
        city = self.city
        _check_area_shares(self.cost_sharing.city_share, city.areas, "cost_sharing.city_share")
        for line_id in LinesSection.model_fields:
            _check_area_shares(getattr(self.lines, line_id).city_share, city.areas, f"lines.{line_id}.city_share")
        given, wanted = set(self.areas.model_extra or {}), set(city.share_parameters)
        if given - wanted:
            raise ValueError(f"areas.{sorted(given - wanted)[0]}: unknown key; the city's areas split from a census "
                             f"unit are given by {', '.join(sorted(wanted)) or 'no key'} "
                             f"({city.folder / CITY_FILE})")
        if wanted - given:
            raise ValueError(f"areas.{sorted(wanted - given)[0]}: required key is missing")
        for i, centre in enumerate(self.lines.demonstration_centres.centres):
            if centre.area not in city.areas:
                raise ValueError(f"lines.demonstration_centres.centres.{i}.area: unknown area {centre.area!r}; "
                                 f"areas are {', '.join(city.areas)}")
        housing = self.lines.housing_subsidy
        for area in housing.home_areas or []:
            if area not in city.areas:
                raise ValueError(f"lines.housing_subsidy.home_areas: unknown area {area!r}; areas are "
                                 f"{', '.join(city.areas)}")
        home = city.districts if housing.home_areas is None else tuple(housing.home_areas)
        others = [area for area in city.areas if area not in home]
        for area in housing.county_amounts:
            if area not in others:
                raise ValueError(f"lines.housing_subsidy.county_amounts: {area!r} is not an area outside the home "
                                 f"areas; county_amounts takes {', '.join(others) or 'no area'}")
        return self

    @model_validator(mode="after")
    def _measures_named(self) -> Scenario:
        """A measure's id is its line id in every output: plain, and not one of the model's lines."""
        for measure_id, measure in self.measures.items():
            if not re.fullmatch(ID, measure_id) or measure_id in LinesSection.model_fields or measure_id == "all":
                raise ValueError(f"measures.{measure_id}: a measure's id must be lower-case ASCII letters, digits and "
                                 "_ (starting with a letter), and not a line of [lines] or \"all\"")
            _check_area_shares(measure.city_share, self.city.areas, f"measures.{measure_id}.city_share")
        return self

    @model_validator(mode="after")
    def _indexed_lines_known(self) -> Scenario:
        """Indexed lines are the model's lines or the package's measures (a measure is priced like one)."""
        known = [*LinesSection.model_fields, *self.measures]
        for line in self.indexation.lines:
            if line not in known:
                guess = difflib.get_close_matches(line, known, n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else f"; lines and measures: {', '.join(known)}"
                raise ValueError(f"indexation.lines: unknown line {line!r}{hint}")
        return self

    @model_validator(mode="after")
    def _years_consistent(self) -> Scenario:
        s, base = self.scenario, self.demography.base_year
        if s.end_year < s.start_year:
            raise ValueError(f"scenario.end_year: {s.end_year} is before start_year ({s.start_year})")
        if s.start_year < base:
            raise ValueError(f"scenario.start_year: {s.start_year} is before the base year of the data ({base})")
        if s.policy_start_year > s.end_year:
            raise ValueError(f"scenario.policy_start: {s.policy_start} is after end_year ({s.end_year})")
        if s.policy_start_year < base:
            raise ValueError(f"scenario.policy_start: {s.policy_start} is before the base year {base}: "
                             "the model simulates births from the base year on")
        return self


# Keys whose values are file paths, resolved relative to the file that sets them.
PATH_KEYS = {("scenario", "extends"), ("scenario", "city"), ("demography", "births_override")} | {
    ("data", name) for name in DataSection.model_fields}
# Tables that are values, not sections: a child replaces them whole.
LEAF_TABLES = {("cost_sharing", "city_share")}


def _is_leaf(path: tuple[str, ...]) -> bool:
    """Tables replaced whole: the cost-sharing shares, and a line's own `city_share`."""
    return path in LEAF_TABLES or (len(path) == 3 and path[0] == "lines" and path[2] == "city_share")


def _is_section_path(path: tuple[str, ...]) -> bool:
    """Where a child's table merges key by key: the top sections, their tables, and the award schemes
    (`lines.family_planning_awards.schemes.<id>`), so a child may change one scheme's amount."""
    return len(path) < 3 or (len(path) <= 4 and path[0] == "lines" and path[2] == "schemes") or (
        len(path) == 3 and path[0] == "measures" and path[2] == "timing")
# Inline tables that are one value (a year path or a distribution), never a section.
VALUE_TABLE_KEYS = {"values", "after", "before", "dist"}


@dataclass
class LoadedScenario:
    """A validated scenario with the file each value came from."""

    scenario: Scenario
    files: list[Path]  # the chain, child first, defaults last
    origin: dict[str, str] = field(default_factory=dict)  # dotted key → file that set it
    tree: dict[str, Any] = field(default_factory=dict)  # merged raw values

    @property
    def name(self) -> str:
        return self.scenario.scenario.name

    def file_of(self, dotted: str) -> str:
        """The file that set `dotted` or the nearest enclosing table."""
        return origin_file(self.origin, dotted, str(self.files[0]))


def origin_file(origin: dict[str, str], dotted: str, default: str) -> str:
    """The file that set `dotted`, or the one that set its nearest enclosing table."""
    key = dotted
    while key:
        if key in origin:
            return origin[key]
        key = key.rpartition(".")[0]
    return default


def _read_toml(path: Path) -> dict[str, Any]:
    from model.input_tables import decode

    raw = read_bytes(path, "scenario file", SCENARIO_LIMIT)
    try:
        return tomllib.loads(decode(raw, path))
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, None, f"not valid TOML: {error}") from None


def _resolve_paths(tree: dict[str, Any], base_dir: Path) -> None:
    for section, key in PATH_KEYS:
        table = tree.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str):
            table[key] = str((base_dir / table[key]).resolve())


def _merge(into: dict[str, Any], layer: dict[str, Any], origin: dict[str, str], file: str,
           prefix: tuple[str, ...] = ()) -> None:
    for key, value in layer.items():
        path = (*prefix, key)
        dotted = ".".join(path)
        is_section = isinstance(value, dict) and not _is_leaf(path) and not (
            VALUE_TABLE_KEYS & value.keys()) and _is_section_path(path)
        if is_section and isinstance(into.get(key), dict):
            _merge(into[key], value, origin, file, path)
        elif isinstance(into.get(key), dict) and _is_section_path(path) and not _is_leaf(path) and not (
                VALUE_TABLE_KEYS & into[key].keys()) and not isinstance(value, dict):
            raise InputError(file, dotted, f"expected a table [{dotted}] with keys, got {type(value).__name__}")
        else:
            into[key] = value
            origin[dotted] = file
            for stale in [k for k in origin if k.startswith(dotted + ".")]:
                del origin[stale]
            if isinstance(value, dict):
                _record(value, origin, file, dotted)


def _record(tree: dict[str, Any], origin: dict[str, str], file: str, prefix: str) -> None:
    for key, value in tree.items():
        origin[f"{prefix}.{key}"] = file
        if isinstance(value, dict):
            _record(value, origin, file, f"{prefix}.{key}")


def _defaults_of(chain: list[tuple[Path, dict[str, Any]]]) -> Path:
    """The defaults of the city the chain names (the nearest file that sets `scenario.city`)."""
    for file, layer in chain:
        section = layer.get("scenario")
        if isinstance(section, dict) and "city" in section:
            folder = section["city"]
            if not isinstance(folder, str):
                raise InputError(file, "scenario.city", "expected the city's folder (a string)")
            return load_city(folder).folder / DEFAULTS_NAME
    return DEFAULTS_FILE


def _chain(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The scenario and its ancestors, child first; refuses cycles and missing parents."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current: Path | None = path.resolve()
    while current is not None:
        if current in seen:
            loop = " → ".join(str(p) for p in [*seen, current])
            raise InputError(current, "scenario.extends", f"extends forms a cycle: {loop}")
        seen.append(current)
        tree = _read_toml(current)
        _resolve_paths(tree, current.parent)
        chain.append((current, tree))
        parent = tree.get("scenario", {}).get("extends") if isinstance(tree.get("scenario"), dict) else None
        if parent is not None and not isinstance(parent, str):
            raise InputError(current, "scenario.extends", "expected a file name (string)")
        if parent is not None and not Path(parent).exists():  # a folder or device is refused when read
            raise InputError(current, "scenario.extends", f"parent scenario not found: {parent}")
        current = Path(parent) if parent else None
    return chain


MEASURE_KINDS: dict[str, type[BaseModel]] = {"cash_benefit": CashBenefitMeasure, "unit_cost": UnitCostMeasure}


def _untagged(error: ErrorDetails) -> ErrorDetails:
    """pydantic names a measure's kind in the error's place (measures.<id>.<kind>.key): drop it."""
    loc = tuple(error["loc"])
    if len(loc) > 2 and loc[0] == "measures" and loc[2] in MEASURE_KINDS:
        return {**error, "loc": loc[:2] + loc[3:]}
    return error


def _schema_at(path: tuple[str | int, ...], tree: Mapping[str, Any] | None = None) -> type[BaseModel] | None:
    if len(path) >= 2 and path[0] == "measures":  # a measure's schema is its kind's
        measures = (tree or {}).get("measures")
        measure = measures.get(path[1]) if isinstance(measures, dict) else None
        kind = measure.get("kind") if isinstance(measure, dict) else None
        if kind not in MEASURE_KINDS:
            return None
        model: Any = MEASURE_KINDS[kind]
        path = path[2:]
    else:
        model = Scenario
    keyed = False  # the next part is a key of a table of sections (a measure's id)
    for part in path:
        if isinstance(part, int) or keyed:  # an item of a list, or of a table, of sections: the section
            keyed = False
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return None
        annotation = fields[part].annotation
        origin = typing.get_origin(annotation)
        if origin in (list, dict):
            keyed = origin is dict
            annotation = typing.get_args(annotation)[-1]
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


NUMBER_MEMBERS = ("float", "int", "constrained-float", "constrained-int")  # pydantic's names of the number member
FORMS = {"number": "a number", "dist": "a distribution { dist = ... }", "path": "a year path { values = ... }"}


def _branch(part: Any) -> str | None:
    """Which member of a number | distribution | year-path union a location part names."""
    if not isinstance(part, str):
        return None
    if part.endswith("Distribution]"):
        return "dist"
    if part.endswith("YearPath]"):
        return "path"
    return "number" if part in NUMBER_MEMBERS else None


def lookup(tree: Any, dotted: str) -> tuple[bool, Any]:
    """(found, value) of a dotted key in nested tables: a merged tree or a scenario's dump."""
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _raw_value(tree: dict[str, Any], location: tuple[Any, ...]) -> Any:
    node: Any = tree
    for part in location:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _pick_error(errors: list[ErrorDetails], tree: dict[str, Any]) -> tuple[ErrorDetails, tuple[Any, ...]] | None:
    """The error that explains what the user wrote: in a union, the member matching the input;
    a misspelt key before the missing key it was meant to be. None: the input has the form of
    no member (a year path where only a number or a distribution is allowed)."""
    for error in sorted(errors, key=lambda e: e["type"] != "extra_forbidden"):
        location = tuple(error["loc"])
        cut = next((i for i, part in enumerate(location) if _branch(part)), None)
        if cut is None or _branch(location[cut]) == _form(_raw_value(tree, location[:cut])):
            # a nested union (a path's scale) names its member too
            return error, tuple(part for part in location if not _branch(part))
    return None


def _form(raw: Any) -> str:
    """The union member an input has the form of."""
    if not isinstance(raw, dict):
        return "number"
    return "dist" if "dist" in raw else "path"


def _wrong_form(errors: list[ErrorDetails], tree: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """(the field's location, the message) for an input whose form no member of its union has."""
    location = tuple(errors[0]["loc"])
    cut = next(i for i, part in enumerate(location) if _branch(part))
    members = [form for form in FORMS if any(_branch(part) == form for e in errors for part in e["loc"])]
    given = FORMS[_form(_raw_value(tree, location[:cut]))].split(" {")[0]
    return location[:cut], f"{given} is not allowed here; give {' or '.join(FORMS[m] for m in members)}"


def _explain(errors: list[ErrorDetails], tree: dict[str, Any], origin: dict[str, str], default_file: str) -> InputError:
    """The error to show for pydantic's `errors` about the merged values `tree`, naming the file
    that set the value (`origin`, else `default_file`)."""
    errors = [_untagged(error) for error in errors]
    picked = _pick_error(errors, tree)
    if picked is None:
        location, message = _wrong_form(errors, tree)
        dotted = ".".join(str(part) for part in location)
        return InputError(origin_file(origin, dotted, default_file), dotted, message)
    error, location = picked
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):  # a measure's kind
        dotted = ".".join(str(part) for part in (*location, "kind"))
        given = _raw_value(tree, (*location, "kind"))
        what = f"unknown kind {given!r}" if given is not None else "required key is missing"
        return InputError(origin_file(origin, dotted, default_file), dotted,
                          f"{what}; kinds are {', '.join(MEASURE_KINDS)}")
    message = error["msg"].removeprefix("Value error, ")
    named = re.match(r"^([\w.]+): (.*)$", message, flags=re.S)
    parent = _schema_at(location, tree)
    if named and "." in named.group(1) and not location:  # a cross-field check names its key
        location, message = tuple(named.group(1).split(".")), named.group(2)
    elif named and parent is not None and named.group(1) in parent.model_fields:
        location, message = (*location, named.group(1)), named.group(2)
    dotted = ".".join(str(part) for part in location)
    file = origin_file(origin, dotted, default_file)
    if error["type"] == "extra_forbidden":
        parent = _schema_at(location[:-1], tree)
        raw = _raw_value(tree, location[:-1])
        if parent is None and isinstance(raw, dict):  # inside a number | distribution | path union
            parent = Distribution if "dist" in raw else YearPath
        allowed = sorted(parent.model_fields) if parent else []
        guess = difflib.get_close_matches(str(location[-1]), allowed, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        listing = f"; allowed here: {', '.join(allowed)}" if allowed and not guess else ""
        return InputError(file, dotted, f"unknown key{hint}{listing}")
    if error["type"] == "missing":
        return InputError(file, dotted, "required key is missing")
    if error["type"] == "bool_for_number":  # the place inside a list or table, as pydantic names places
        inside = ".".join(str(part) for part in error["ctx"]["at"])
        return InputError(file, ".".join(p for p in (dotted, inside) if p) or None, message)
    given = error.get("input")
    shown = f" (got {given!r})" if given is not None and not isinstance(given, dict) else ""
    return InputError(file, dotted or None, f"{message}{shown}")


def flat_defaults() -> dict[str, Any]:
    """defaults.toml as dotted key → value (year paths, distributions and leaf tables whole)."""
    flat: dict[str, Any] = {}

    def walk(path: tuple[str, ...], node: Any) -> None:
        if isinstance(node, dict) and not _is_leaf(path) and not (VALUE_TABLE_KEYS & node.keys()):
            for key, value in node.items():
                walk((*path, key), value)
        else:
            flat[".".join(path)] = node

    walk((), _read_toml(DEFAULTS_FILE))
    return flat


def load_scenario(path: str | Path, replicates: int | None = None, seed: int | None = None) -> LoadedScenario:
    """Read, merge and validate a scenario; command-line overrides win over every file."""
    path = Path(path)
    chain = _chain(path)
    tree: dict[str, Any] = {}
    origin: dict[str, str] = {}
    defaults_file = _defaults_of(chain)
    defaults = _read_toml(defaults_file)
    _resolve_paths(defaults, defaults_file.parent)  # a city's own tables, named in its defaults
    _merge(tree, defaults, origin, str(defaults_file))
    for file, layer in reversed(chain):
        _merge(tree, layer, origin, str(file))
    tree["scenario"].pop("extends", None)
    files = [f for f, _ in chain] + [defaults_file]
    overrides = {key: value for key, value in (("replicates", replicates), ("seed", seed)) if value is not None}
    if overrides:  # the files must be valid as written, even where the command line replaces a value
        _validate(tree, origin, str(files[0]))
    for key, value in overrides.items():
        tree["scenario"][key] = value
        origin[f"scenario.{key}"] = f"command line (--{key})"
    return LoadedScenario(scenario=_validate(tree, origin, str(files[0])), files=files, origin=origin, tree=tree)


def _validate(tree: dict[str, Any], origin: dict[str, str], default_file: str) -> Scenario:
    try:
        return Scenario.model_validate(tree)
    except ValidationError as error:
        raise _explain(error.errors(), tree, origin, default_file) from None
