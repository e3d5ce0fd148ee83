"""Scenario files: the schema, inheritance (`extends`) and validation.

Every scenario starts from `model/data/defaults.toml`; `extends` chains add layers, and the
child file sets only what it changes. The loader remembers which file set each value, so
an error names the file where the bad value sits, not the child that inherited it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from model.areas import AREAS
from model.errors import InputError
from model.yearpath import YearPath

DEFAULTS_FILE = Path(str(resources.files("model") / "data" / "defaults.toml"))
MAX_END_YEAR = 2050  # the base women (ages 0-49 in 2022) carry births to about 2050

Share = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Money = Annotated[float, Field(ge=0, description="yuan")]
PathNumber = float | YearPath  # a number held for all years, or a year path


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class ScenarioSection(Strict):
    name: str = Field(description="short name shown in reports")
    description: str = Field("", description="what question the scenario answers")
    extends: str | None = Field(None, description="parent scenario file, relative to this file")
    start_year: int = Field(ge=2000, le=MAX_END_YEAR, description="first budget year (calendar = fiscal year)")
    end_year: int = Field(ge=2000, le=MAX_END_YEAR, description="last budget year")
    replicates: int = Field(ge=1, le=1_000_000, description="Monte Carlo replicates")
    seed: int = Field(ge=0, description="seed of every random stream")
    policy_start: str = Field(description="month the plan took effect, YYYY-MM")

    @field_validator("policy_start", mode="before")
    @classmethod
    def _year_month(cls, value: Any) -> str:
        if isinstance(value, int):
            value = f"{value}-01"
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise ValueError("expected a month as \"YYYY-MM\" (e.g. \"2023-01\") or a year")
        return value

    @property
    def policy_start_year(self) -> int:
        return int(self.policy_start[:4])

    @property
    def policy_start_month(self) -> int:
        return int(self.policy_start[5:])


class AreasSection(Strict):
    zhanghe_share_of_dongbao_unit: Share = Field(
        description="share of the census unit 东宝区 (incl. 漳河新区) living in 漳河新区")
    qujialing_share_of_jingshan_unit: Share = Field(
        description="share of the census unit 京山市 (incl. 屈家岭) living in 屈家岭管理区")


class DemographySection(Strict):
    base_year: int = Field(ge=2000, le=MAX_END_YEAR, description="year of the base data and birth calibration")
    resident_population: Annotated[float, Field(gt=0)] = Field(description="residents in the base year (persons)")
    population_growth: Annotated[float, Field(gt=-0.5, lt=0.5)] = Field(
        description="annual growth of total residents (for childcare slots per 1,000)")
    fertility_trend: Annotated[float, Field(gt=-0.5, lt=0.5)] = Field(
        description="annual relative change of every birth hazard after the base year")
    higher_order_share_of_third_plus: Share = Field(
        description="fourth and later births among third-and-later births")
    sex_ratio_at_birth: Annotated[float, Field(gt=0.5, lt=2)] = Field(description="boys per girl")
    births_override: str | None = Field(
        None, description="CSV `year, area, birth_order, births[, month][, mother_age]` replacing simulated births")


class EligibilitySection(Strict):
    city_hukou_share: Share = Field(description="share of births with at least one city-hukou parent")
    in_city_hospital_share: Share = Field(description="share of births delivered in the city's hospitals")


def _check_area_shares(value: dict[str, float] | None) -> dict[str, float] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(AREAS))
    if unknown:
        raise ValueError(f"unknown area {unknown[0]!r}; areas are {', '.join(AREAS)}")
    missing = [area for area in AREAS if area not in value]
    if missing:
        raise ValueError(f"missing area {missing[0]!r}: give a share for each of {', '.join(AREAS)}")
    return value


class CostSharingSection(Strict):
    city_share: dict[str, Share] = Field(
        description="share of each area's cost paid by the city (市本级); the area pays the rest")

    _areas = field_validator("city_share")(_check_area_shares)


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
    housing_destination: str | None = Field(None, description="CSV `from_area, to_area, share`")


class LineSection(Strict):
    enabled: bool = Field(description="price this line")
    take_up: Share = Field(description="share of eligible cases that claim")
    city_share: dict[str, Share] | None = Field(
        None, description="per-area city share for this line; default [cost_sharing]")

    _areas = field_validator("city_share")(_check_area_shares)


class NiptLine(LineSection):
    price: Money = Field(description="yuan per test paid by the budget")
    mother_city_hukou_share: Share = Field(description="share of births whose mother holds city hukou")
    registered_in_city_hospital_share: Share = Field(description="share of pregnancies filed (建档) in city hospitals")
    pregnancies_per_birth: Annotated[float, Field(ge=1, le=2)] = Field(description="tested pregnancies per birth")
    months_before_birth: Annotated[int, Field(ge=0, le=9)] = Field(description="months from test to birth")


class ArtLine(LineSection):
    cap_per_household: Money = Field(description="cumulative yuan per household (每户累计)")
    households_base_year: NonNegative = Field(description="eligible households starting ART in the base year")
    min_age: Annotated[int, Field(ge=15, le=49)] = Field(description="woman's minimum age (years)")
    out_of_pocket_mean: Money = Field(description="mean yuan spent per treatment year after insurance")
    out_of_pocket_cv: Annotated[float, Field(ge=0, le=3)] = Field(description="coefficient of variation of spending")
    continuation: list[Share] = Field(max_length=10, description="share still treated in years 2, 3, … of treatment")


class ChildcareLine(LineSection):
    amount_per_slot: Money = Field(description="yuan per enrolled inclusive slot per year")
    slots_per_1000: PathNumber = Field(description="childcare slots per 1,000 residents, by year")
    inclusive_share: Share = Field(description="share of slots that are 普惠 (inclusive)")
    enrolment_rate: PathNumber = Field(description="share of children under 3 in formal care, by year")


class AllowanceLine(LineSection):
    monthly_amount: PathNumber = Field(description="yuan per child per month, by year")
    months: Annotated[int, Field(ge=0, le=60)] = Field(description="months paid from the birth month (the child life table covers ages 0-4)")


class HousingLine(LineSection):
    amount_second_child: Money = Field(description="one-off yuan for a second-child family")
    amount_third_child: Money = Field(description="one-off yuan for a third-child family")
    purchase_probability: Share = Field(description="2nd/3rd births whose family buys a qualifying home within the profile")
    purchase_profile: list[Share] = Field(min_length=1, max_length=10,
                                          description="share of purchases 0, 1, 2, … years after the birth")
    county_amounts: dict[str, dict[Literal["second", "third"], Money]] = Field(
        default_factory=dict, description="a county's own subsidy for homes bought there, paid by the county")

    @field_validator("purchase_profile")
    @classmethod
    def _profile_sums_to_one(cls, value: list[float]) -> list[float]:
        if abs(sum(value) - 1) > 1e-9:
            raise ValueError(f"shares must add up to 1 (they add up to {sum(value):.6g})")
        return value

    @field_validator("county_amounts")
    @classmethod
    def _counties_only(cls, value: dict[str, Any]) -> dict[str, Any]:
        from model.areas import DISTRICTS
        for area in value:
            if area not in AREAS or area in DISTRICTS:
                counties = [a for a in AREAS if a not in DISTRICTS]
                raise ValueError(f"{area!r} is not a county; county_amounts takes {', '.join(counties)}")
        return value


class MaternityLine(LineSection):
    subsidy_rate: Share = Field(description="share of the employer's contributions subsidised")
    enterprise_insured_share: Share = Field(description="share of births to mothers in enterprise employee insurance")
    employer_rate: Share = Field(description="employer social-insurance rate (share of the base)")
    contribution_base: PathNumber = Field(description="monthly contribution base (yuan), by year")
    leave_days: Annotated[int, Field(ge=0, le=730)] = Field(description="maternity leave in calendar days")


class LinesSection(Strict):
    nipt: NiptLine
    art_subsidy: ArtLine
    childcare_slot_subsidy: ChildcareLine
    third_child_allowance: AllowanceLine
    housing_subsidy: HousingLine
    maternity_insurance_subsidy: MaternityLine


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
    output: OutputSection = Field(default_factory=OutputSection)

    @model_validator(mode="after")
    def _years_consistent(self) -> Scenario:
        s, base = self.scenario, self.demography.base_year
        if s.end_year < s.start_year:
            raise ValueError(f"scenario.end_year ({s.end_year}) is before start_year ({s.start_year})")
        if s.start_year < base:
            raise ValueError(f"scenario.start_year ({s.start_year}) is before the base year of the data ({base})")
        if s.policy_start_year < base:
            raise ValueError(f"scenario.policy_start ({s.policy_start}) is before the base year {base}: "
                             "the model simulates births from the base year on")
        return self


# Keys whose values are file paths, resolved relative to the file that sets them.
PATH_KEYS = {("scenario", "extends"), ("demography", "births_override")} | {
    ("data", name) for name in DataSection.model_fields}
# Tables that are values, not sections: a child replaces them whole.
LEAF_TABLES = {("cost_sharing", "city_share")}


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
        key = dotted
        while key:
            if key in self.origin:
                return self.origin[key]
            key = key.rpartition(".")[0]
        return str(self.files[0])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, None, f"not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text; save the file as UTF-8") from None


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
        is_section = isinstance(value, dict) and path not in LEAF_TABLES and not (
            {"values", "after", "before"} & value.keys()) and len(path) < 3
        if is_section and isinstance(into.get(key), dict):
            _merge(into[key], value, origin, file, path)
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
        if parent is not None and not Path(parent).is_file():
            raise InputError(current, "scenario.extends", f"parent scenario not found: {parent}")
        current = Path(parent) if parent else None
    return chain


def _schema_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    model: Any = Scenario
    for part in path:
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return None
        annotation = fields[part].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


def _explain(error: dict[str, Any], loaded: LoadedScenario) -> InputError:
    location = tuple(error["loc"])
    dotted = ".".join(str(part) for part in location)
    file = loaded.file_of(dotted)
    if error["type"] == "extra_forbidden":
        parent = _schema_at(location[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        guess = difflib.get_close_matches(str(location[-1]), allowed, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        listing = f" Allowed here: {', '.join(allowed)}." if allowed and not guess else ""
        return InputError(file, dotted, f"unknown key{hint}{listing}")
    if error["type"] == "missing":
        return InputError(file, dotted, "required key is missing")
    message = error["msg"].removeprefix("Value error, ")
    given = error.get("input")
    shown = f" (got {given!r})" if given is not None and not isinstance(given, dict) else ""
    return InputError(file, dotted or None, f"{message}{shown}")


def load_scenario(path: str | Path, replicates: int | None = None, seed: int | None = None) -> LoadedScenario:
    """Read, merge and validate a scenario; command-line overrides win over every file."""
    path = Path(path)
    chain = _chain(path)
    tree: dict[str, Any] = {}
    origin: dict[str, str] = {}
    defaults = _read_toml(DEFAULTS_FILE)
    _merge(tree, defaults, origin, str(DEFAULTS_FILE))
    for file, layer in reversed(chain):
        _merge(tree, layer, origin, str(file))
    tree["scenario"].pop("extends", None)
    if replicates is not None:
        tree["scenario"]["replicates"] = replicates
        origin["scenario.replicates"] = "command line (--replicates)"
    if seed is not None:
        tree["scenario"]["seed"] = seed
        origin["scenario.seed"] = "command line (--seed)"
    loaded = LoadedScenario(scenario=None, files=[f for f, _ in chain] + [DEFAULTS_FILE],  # type: ignore[arg-type]
                            origin=origin, tree=tree)
    try:
        loaded.scenario = Scenario.model_validate(tree)
    except ValidationError as error:
        raise _explain(error.errors()[0], loaded) from None
    return loaded
