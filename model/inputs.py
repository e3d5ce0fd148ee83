"""Base data: the embedded default tables, or the bureau's own CSVs of the same shape.

Assembles plain arrays with named axes for the engine: women by area × age, parity shares
by age, fertility age pattern by order, the life table, net migration, and the tables the
policy lines need. The file behind every table is recorded for the manifest's checksums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.bounded_numbers import MAX_COUNT
from model.city import City
from model.errors import InputError
from model.input_tables import Column, TableSpec, read_table
from model.lines.per_person_scheme import PerPersonSchemeMeasure
from model.overrides import MAX_BIRTHS
from model.scenario import Scenario
from model.uncertainty import Distribution

AGES = 50  # single years 0..49: women are followed until their 50th birthday
FERTILE = slice(15, 50)
ORDERS = 4  # birth transitions: 1st, 2nd, 3rd, 4th and later
OLDEST = 100  # last age of the life table (family-planning award recipients are followed to it)

AGE = Column("int", 0, AGES - 1)
SHARE = Column("float", 0, 1)
# Counts in a row of a table are bounded (numbers.MAX_COUNT, overrides.MAX_BIRTHS) so that no
# table can carry the engine's whole-number counts or the budget's yuan to overflow.
PEOPLE = Column("float", 0, MAX_COUNT, why_high="more people than China has")
BIRTHS = Column("float", 0, MAX_BIRTHS, why_high="more births than China has in a year")

def specs(city: City) -> dict[str, TableSpec]:
    """The shape of every input table; area and census-unit columns take the city's ids."""
    ids = {id(AREA_COLUMN): Column("str", allowed=city.areas), id(UNIT_COLUMN): Column("str", allowed=city.census_units)}
    return {name: replace(spec, columns={column: ids.get(id(kind), kind) for column, kind in spec.columns.items()})
            for name, spec in SPECS.items()}


# Placeholders (by identity) that specs() replaces by columns taking the city's area or census-unit ids.
AREA_COLUMN, UNIT_COLUMN = Column("str"), Column("str")
SPECS: dict[str, TableSpec] = {
    "women_by_age": TableSpec("women by age", {"age": AGE, "women": PEOPLE}, key=("age",)),
    "women_by_area_age": TableSpec("women by area and age", {"area": AREA_COLUMN, "age": AGE, "women": PEOPLE},
                                   key=("area", "age")),
    "parity_by_age": TableSpec("parity by age", {"age": AGE, "parity0": SHARE, "parity1": SHARE,
                                                 "parity2": SHARE, "parity3": SHARE}, key=("age",)),
    "fertility_by_age_order": TableSpec("fertility by age and order", {
        "age": Column("int", 15, 49), "birth_order": Column("int", 1, ORDERS), "rate": Column("float", 0, 1)},
        key=("age", "birth_order")),
    "base_year_births": TableSpec("base-year births", {
        "year": Column("int", 2000, 2050), "birth_order": Column("int", 1, 3), "births": BIRTHS},
        key=("year", "birth_order")),
    "life_table": TableSpec("life table", {"age": Column("int", 0, 120), "q_female": SHARE,
                                           "q_both": Column("float", 0, 1, required=True)}, key=("age",)),
    "net_migration": TableSpec("net migration", {"area": AREA_COLUMN, "age": AGE, "rate": Column("float", -1, 1)},
                               key=("area", "age")),
    "census_units": TableSpec("census units", {"census_unit": UNIT_COLUMN,
                                               "resident_share": SHARE}, key=("census_unit",)),
    "births_history": TableSpec("births history", {"year": Column("int", 1990, 2050), "births": BIRTHS,
                                                   "status": Column("str")}, key=("year",)),
    "published_births": TableSpec("published births", {"year": Column("int", 1990, 2050), "births": BIRTHS,
                                                       "status": Column("str")}, key=("year",)),
    "housing_destination": TableSpec("housing destination", {"from_area": AREA_COLUMN, "to_area": AREA_COLUMN, "share": SHARE},
                                     key=("from_area", "to_area")),
    "family_planning_recipients": TableSpec("family-planning award recipients", {
        "scheme": Column("str"), "age": Column("int", 0, OLDEST), "recipients": PEOPLE},
        key=("scheme", "age")),
}


@dataclass
class BaseData:
    """Everything the engine and the lines read, as arrays with the axes named here."""

    women: np.ndarray  # [area, age] women at the start of the base year (central area split)
    women_by_age: np.ndarray | None  # [age] city total, split by area per replicate; None if given by area
    parity_share: np.ndarray  # [age, parity 0..3]
    fertility_shape: np.ndarray  # [age, order 1..4] births per woman-year (age pattern)
    base_births: dict[int, float]  # calibration target by order 1, 2, 3(+)
    q_female: np.ndarray  # [age] annual probability of death, women
    q_child: np.ndarray  # [age 0..4] annual probability of death, children (both sexes)
    q_young: np.ndarray  # [age 0..18] the same to age 18 (a package's benefits may run that long)
    migration: np.ndarray  # [area, age] net migrants per woman-year
    area_population_share: np.ndarray  # [area] share of city residents (central area split)
    unit_share_of_area: np.ndarray  # [area] resident share of the census unit each area belongs to
    births_history: dict[int, float]  # city births before the base year
    published_births: dict[int, float]  # published (or derived) counts the simulation is checked against
    housing_destination: np.ndarray  # [from_area, to_area] share of purchases
    q_both_all_ages: np.ndarray | None = None  # [age 0..100] both sexes (read when the award line is priced)
    award_recipients: dict[str, np.ndarray] = field(default_factory=dict)  # scheme → [age 0..100] base year
    files: dict[str, Path] = field(default_factory=dict)  # table → file used
    city: City | None = None


def _central(value: float | Distribution) -> float:
    return value.central() if isinstance(value, Distribution) else float(value)


def table_paths(scenario: Scenario) -> dict[str, Path]:
    """The tables `load_base_data` reads for this scenario, and the file behind each (the
    bureau's own or the embedded default): what a run's manifest must checksum."""
    names = [name for name in SPECS if name != "family_planning_recipients"
             and name != ("women_by_age" if scenario.data.women_by_area_age else "women_by_area_age")]
    if schemes_priced(scenario):
        names.append("family_planning_recipients")
    folder = scenario.city.folder
    return {name: Path(getattr(scenario.data, name) or folder / f"{name}.csv") for name in names}


def _complete(frame: pd.DataFrame, path: Path, column: str, expected: range | tuple[str, ...]) -> None:
    present = set(frame[column])
    missing = [value for value in expected if value not in present]
    if missing:
        raise InputError(path, f"column {column!r}", f"no row for {missing[0]}: the table needs every "
                         f"{column} in {expected[0]}..{expected[-1]}" if isinstance(expected, range)
                         else f"no row for {missing[0]!r}: the table needs every one of {', '.join(expected)}")


def unit_share_of_area(units: pd.DataFrame, path: Path, city: City) -> np.ndarray:
    unit_share = dict(zip(units.census_unit, units.resident_share, strict=True))
    _complete(units, path, "census_unit", city.census_units)
    if abs(sum(unit_share.values()) - 1) > 1e-6:
        raise InputError(path, "column 'resident_share'",
                         f"shares must add up to 1 (they add up to {sum(unit_share.values()):.6g})")
    return np.array([unit_share[city.census_unit_of_area[a]] for a in city.areas])


def area_split(city: City, shares: dict[str, float | np.ndarray]) -> np.ndarray:
    """[rep or 1, area] share of its census unit that each area holds: an area split from a unit
    holds its `shares[parameter]`, the unit's other area the rest (city.toml's share_parameter)."""
    columns = {key: np.reshape(value, (-1, 1))[:, 0] for key, value in shares.items()}
    rows = max((len(c) for c in columns.values()), default=1)
    split = np.ones((rows, len(city.areas)))
    index = city.area_index
    for parameter, (area, rest) in city.share_parameters.items():
        split[:, index[area]] = columns[parameter]
        split[:, index[rest]] -= columns[parameter]
    return split


def area_shares(city: City, areas: Any, value: Callable[[Any], Any]) -> dict[str, Any]:
    """The scenario's [areas] shares, each through `value` (its central value, or per replicate)."""
    return {parameter: value(areas.share(parameter)) for parameter in city.share_parameters}


def split_of(scenario: Scenario, value: Callable[[Any], Any] | None = None) -> np.ndarray:
    """area_split of a scenario's [areas] shares: as they are (numbers or per-replicate arrays of a
    realised scenario) or each through `value`."""
    return area_split(scenario.city, area_shares(scenario.city, scenario.areas, value or (lambda share: share)))


def load_base_data(scenario: Scenario) -> BaseData:
    files = table_paths(scenario)
    city = scenario.city
    areas, index = city.areas, city.area_index
    shapes = specs(city)

    def table(name: str) -> pd.DataFrame:
        return read_table(files[name], shapes[name])

    units = table("census_units")
    unit_shares = unit_share_of_area(units, files["census_units"], city)
    population_share = unit_shares * area_split(city, area_shares(city, scenario.areas, _central))[0]
    by_age = None

    if scenario.data.women_by_area_age:
        frame = table("women_by_area_age")
        women = np.zeros((len(areas), AGES))
        women[frame.area.map(index).to_numpy(), frame.age.to_numpy()] = frame.women.to_numpy()
        if len(frame) != len(areas) * AGES:
            raise InputError(files["women_by_area_age"], None, f"needs one row per area and age 0..{AGES - 1} "
                             f"({len(areas) * AGES} rows), found {len(frame)}")
    else:
        frame = table("women_by_age")
        _complete(frame, files["women_by_age"], "age", range(AGES))
        by_age = frame.set_index("age").women.reindex(range(AGES)).to_numpy()
        women = population_share[:, None] * by_age[None, :]  # same age structure in every area
    _check_some_women(women, files["women_by_area_age" if scenario.data.women_by_area_age else "women_by_age"])

    parity = table("parity_by_age")
    _complete(parity, files["parity_by_age"], "age", range(AGES))
    parity_share = parity.set_index("age").reindex(range(AGES))[
        ["parity0", "parity1", "parity2", "parity3"]].to_numpy()
    sums = parity_share.sum(axis=1)
    if np.abs(sums - 1).max() > 1e-4:
        age = int(np.argmax(np.abs(sums - 1)))
        raise InputError(files["parity_by_age"], f"age {age}", f"parity shares add up to {sums[age]:.6g}, not 1")

    fertility = table("fertility_by_age_order")
    if len(fertility) != 35 * ORDERS:
        have = set(zip(fertility.age, fertility.birth_order, strict=True))
        age, order = next((a, o) for a in range(15, 50) for o in range(1, ORDERS + 1) if (a, o) not in have)
        raise InputError(files["fertility_by_age_order"], None,
                         f"no row for age {age}, birth_order {order}: give every age 15-49 × order 1-4 (0 allowed)")
    shape = np.zeros((AGES, ORDERS))
    shape[fertility.age.to_numpy(), fertility.birth_order.to_numpy() - 1] = fertility.rate.to_numpy()

    base = table("base_year_births")
    base = base[base.year == scenario.demography.base_year]
    if sorted(base.birth_order) != [1, 2, 3]:
        raise InputError(files["base_year_births"], "year",
                         f"needs births of order 1, 2 and 3 for the base year {scenario.demography.base_year}")
    base_births = dict(zip(base.birth_order.astype(int), base.births.astype(float), strict=True))

    life = table("life_table")
    _complete(life, files["life_table"], "age", range(AGES))
    life = life.set_index("age")
    q_female = life.q_female.reindex(range(AGES)).to_numpy()
    q_child = life.q_both.reindex(range(5)).to_numpy()
    q_young = life.q_both.reindex(range(19)).to_numpy()  # the table has ages 0-49 at least (checked above)

    migration_frame = table("net_migration")
    migration = np.zeros((len(areas), AGES))
    migration[migration_frame.area.map(index).to_numpy(), migration_frame.age.to_numpy()] = \
        migration_frame.rate.to_numpy()
    if len(migration_frame) != len(areas) * AGES:
        raise InputError(files["net_migration"], None,
                         f"needs one row per area and age 0..{AGES - 1} ({len(areas) * AGES} rows)")

    _check_leaving(q_female, migration, files["life_table"], files["net_migration"], areas)

    history = table("births_history")
    published = table("published_births")
    destination_frame = table("housing_destination")
    destination = np.zeros((len(areas), len(areas)))
    destination[destination_frame.from_area.map(index).to_numpy(),
                destination_frame.to_area.map(index).to_numpy()] = destination_frame.share.to_numpy()
    if len(destination_frame) != len(areas) ** 2:
        _complete(destination_frame, files["housing_destination"], "from_area", areas)
        raise InputError(files["housing_destination"], None,
                         f"needs a row for every from_area × to_area ({len(areas) ** 2} rows), found {len(destination_frame)}")
    sums = destination.sum(axis=1)
    off = np.abs(sums - 1) > 1e-6
    if off.any():
        area = areas[int(np.argmax(off))]
        raise InputError(files["housing_destination"], f"from_area {area}",
                         f"shares add up to {sums[int(np.argmax(off))]:.6g}; they must add up to 1 (where the "
                         "qualifying homes of that area's families are)")

    q_all, awards = None, {}
    if schemes_priced(scenario):
        _complete(life.reset_index(), files["life_table"], "age", range(OLDEST + 1))
        q_all = life.q_both.reindex(range(OLDEST + 1)).to_numpy()
        if q_all[-1] != 1:
            raise InputError(files["life_table"], f"age {OLDEST}, column 'q_both'",
                             f"is {q_all[-1]:g}; the last age of the table must be 1 (award recipients are followed to it)")
        awards = award_recipients(table("family_planning_recipients"), files["family_planning_recipients"],
                                  recipient_rolls(scenario))

    return BaseData(
        women=women, women_by_age=by_age, unit_share_of_area=unit_shares, parity_share=parity_share, fertility_shape=shape, base_births=base_births,
        q_female=q_female, q_child=q_child, q_young=q_young, migration=migration, area_population_share=population_share,
        births_history=dict(zip(history.year.astype(int), history.births.astype(float), strict=True)),
        published_births=dict(zip(published.year.astype(int), published.births.astype(float), strict=True)),
        housing_destination=destination, q_both_all_ages=q_all, award_recipients=awards, files=files, city=city,
    )


def _check_some_women(women: np.ndarray, path: Path) -> None:
    """Women aged 15-49 to give birth: without them no base-year birth can be matched (the
    calibration would blame the fertility table)."""
    if women[:, FERTILE].sum() > 0:
        return
    total = women.sum()
    held = "every value is 0" if total == 0 else f"its {total:,.0f} women are all aged 0-{FERTILE.start - 1}"
    raise InputError(path, "column 'women'", f"no women aged {FERTILE.start}-{FERTILE.stop - 1} ({held}), so no "
                     "birth can be simulated; give the base-year women by age")


def _check_leaving(q_female: np.ndarray, migration: np.ndarray, life_path: Path, migration_path: Path,
                   areas: tuple[str, ...]) -> None:
    """No more than all the women of a cell can die or move away in a year; the table that makes
    it so is named (the life table when its death rate alone is 1, both when their sum is)."""
    if q_female.max() >= 1:
        age = int(np.argmax(q_female >= 1))
        raise InputError(life_path, f"age {age}, column 'q_female'",
                         f"is {q_female[age]:g}: every woman of that age would die every year; women are followed "
                         f"to age {AGES - 1}, so q_female must be below 1 at ages 0-{AGES - 1}")
    leaving = q_female[None, :] + np.maximum(-migration, 0)
    if leaving.max() > 1:
        area, age = map(int, np.unravel_index(int(np.argmax(leaving)), leaving.shape))
        raise InputError(migration_path, f"area {areas[area]}, age {age}",
                         f"deaths (q_female {q_female[age]:.3g} in {life_path}) plus net out-migration "
                         f"({-migration[area, age]:.3g} here) reach {leaving[area, age]:.3g} of the women a year "
                         "(> 1); lower one of them")


def schemes_priced(scenario: Scenario) -> bool:
    """Whether a priced line follows recipients to age 100: the awards line or a per-person measure."""
    return scenario.lines.family_planning_awards.enabled or any(
        isinstance(measure, PerPersonSchemeMeasure) and measure.enabled for measure in scenario.measures.values())


def recipient_rolls(scenario: Scenario) -> dict[str, str]:
    """Scheme or measure id → the table that names it (for errors), for every roll read from the table."""
    out = {}
    if scenario.lines.family_planning_awards.enabled:
        out = {scheme: "[lines.family_planning_awards.schemes]" for scheme in scenario.lines.family_planning_awards.schemes}
    for measure_id, measure in scenario.measures.items():
        if isinstance(measure, PerPersonSchemeMeasure) and measure.enabled and measure.base_recipients == "table":
            out[measure_id] = f"[measures.{measure_id}] (base_recipients = \"table\")"
    return out


def award_recipients(frame: pd.DataFrame, path: Path, schemes: dict[str, str]) -> dict[str, np.ndarray]:
    """scheme → recipients by age 0..100 in the base year (ages without a row have none); `schemes`:
    the schemes or measures read, each with the table of the scenario that names it."""
    out = {}
    for scheme, named_in in schemes.items():
        rows = frame[frame.scheme == scheme]
        if rows.empty:
            known = ", ".join(sorted(set(frame.scheme))) or "none"
            raise InputError(path, "column 'scheme'", f"no rows for the scheme {scheme!r} of "
                             f"{named_in}; the table has: {known}")
        by_age = np.zeros(OLDEST + 1)
        by_age[rows.age.to_numpy()] = rows.recipients.to_numpy()
        out[scheme] = by_age
    return out
