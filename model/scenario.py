"""Scenario files: the schema, inheritance (`extends`) and validation.

Every scenario starts from its city's `defaults.toml` (the default city: `model/data/`;
another with `[scenario] city = "folder"`); `extends` chains add layers, and the child file
sets only what it changes. Area keys are checked against the city's `city.toml`. The loader remembers which file set each value, so
an error names the file where the bad value sits, not the child that inherited it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from model import bounded_numbers as num
from model.city import CITY_FILE, DEFAULT_CITY_DIR, ID, City, load_city
from model.errors import InputError
from model.files import SCENARIO_LIMIT, read_bytes
from model.lines import LINES, MEASURE_KINDS, Measure
from model.sections import (
    Growth,
    GrowthByYear,
    LineTiming,
    PositiveCount,
    Scale,
    SexRatio,
    Share,
    Strict,
    Year,
    month_string,
)
from model.uncertainty import Distribution, check_within
from model.yearpath import YearPath

DEFAULTS_NAME = "defaults.toml"
DEFAULTS_FILE = DEFAULT_CITY_DIR / DEFAULTS_NAME


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

    _policy_start_month = field_validator("policy_start", mode="before")(month_string)

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


class DisbursementTimings(Strict):
    """Cash timing: claims, review capacity and payment runs per line (the cash basis)."""

    enabled: bool = Field(description="write cash-basis rows and payables")
    measures: LineTiming = Field(description="timing of a measure in [measures] that gives none of its own")

    def of(self, line_id: str, scenario: Scenario) -> LineTiming:
        """The timing of a line, or of a measure of the package."""
        if line_id in scenario.measures:
            return scenario.measures[line_id].timing or self.measures
        timing: LineTiming = getattr(self, line_id)
        return timing


if typing.TYPE_CHECKING:  # the two tables below are gathered from the line registry at import
    class LinesSection(Strict):
        def __getattr__(self, line_id: str) -> Any: ...

    class DisbursementSection(DisbursementTimings):
        def __getattr__(self, line_id: str) -> LineTiming: ...
else:
    # [lines]: each registered line's own table, declared beside its code (model/lines/<line>.py).
    LinesSection = create_model("LinesSection", __base__=Strict, **{line.id: (line.section, ...) for line in LINES})
    # [disbursement]: a timing for every line with claims (lines that say their own cash timing,
    # such as revenue forgone and memo items, have none).
    DisbursementSection = create_model("DisbursementSection", __base__=DisbursementTimings,
                                       **{line.id: (LineTiming, ...) for line in LINES if line.cash is None})


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
        tables = [(f"lines.{line_id}", getattr(self.lines, line_id)) for line_id in LinesSection.model_fields]
        for key, table in tables + [(f"measures.{measure_id}", m) for measure_id, m in self.measures.items()]:
            problem = table.city_problem(key, city)  # a line whose table names areas checks them
            if problem:
                raise ValueError(problem)
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
    """Tables replaced whole: the cost-sharing shares, and a line's or a measure's own `city_share`."""
    return path in LEAF_TABLES or (len(path) == 3 and path[0] in ("lines", "measures") and path[2] == "city_share")


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
        measures = tree.get("measures")
        if len(location) == 2 and location[0] in ("lines", "disbursement") and isinstance(measures, dict) \
                and location[1] in measures:  # a table of the city's package written as a model line
            where = f"[measures.{location[1]}{'.timing' if location[0] == 'disbursement' else ''}]"
            return InputError(file, dotted, f"unknown key: {location[1]} is a measure of the city's package, not a "
                                            f"line of the model; write its keys under {where}")
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
