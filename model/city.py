"""A city is a folder of data found by the `city.toml` at its root (issue 13).

The file names the city, its county-level areas (ids, names, district or county level, the
census unit each is split from), the names of the payers above the areas, and the plan it
prices. Its scenario defaults (`defaults.toml`), input tables and sources sit beside it. The
model's code names no city: every area, name and colour comes from here.

Payer ids are part of the output contract: `city` (the municipal level), one per area, and
`province` and `central` for the levels above, which appear only for lines they fund.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from model.errors import InputError
from model.files import SCENARIO_LIMIT, read_bytes

DEFAULT_CITY_DIR = Path(str(resources.files("model") / "data"))
CITY_FILE = "city.toml"
CITY, PROVINCE, CENTRAL = "city", "province", "central"
HIGHER_LEVELS: tuple[str, ...] = (PROVINCE, CENTRAL)
ID = r"^[a-z][a-z0-9_]{0,39}$"  # an id is a column value and a file-name part: plain ASCII


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaEntry(_Strict):
    id: str = Field(pattern=ID, description="area id used in tables and outputs (lower-case ASCII)")
    name_zh: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=60)
    level: Literal["district", "county"] = Field(
        description="district (市辖区, including development zones run as districts) or county (县, county-level city)")
    census_unit: str = Field(pattern=ID, description="the census unit the area's population is published in")
    share_parameter: str | None = Field(
        None, pattern=ID, description="for an area split from a census unit it shares: the scenario key "
                                      "`areas.<name>` giving its share of the unit; the unit's other area gets the rest")
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="chart colour of the area as a payer")


class CitySection(_Strict):
    id: str = Field(pattern=ID)
    name_zh: str = Field(min_length=1, max_length=40, description="full name, e.g. 某某市")
    name_en: str = Field(min_length=1, max_length=60)
    short_zh: str = Field(min_length=1, max_length=20, description="name in running text, e.g. 某某 (本地财政)")
    short_en: str = Field(min_length=1, max_length=40)
    province_zh: str = Field(min_length=1, max_length=40)
    province_en: str = Field(min_length=1, max_length=60)


class PlanSection(_Strict):
    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(min_length=1, max_length=400)
    source_zh: str = Field(min_length=1, max_length=400, description="the plan as the appendix cites it")
    source_en: str = Field(min_length=1, max_length=400)
    cited_as: list[str] = Field(default_factory=list, max_length=20,
                                description="how sources.csv cites the plan (a file name or the start of its title)")
    not_priced_zh: str = Field("", max_length=4000, description="the plan's money clauses the model does not price, "
                                                               "and why (a paragraph of the appendix)")
    not_priced_en: str = Field("", max_length=8000)


class Document(_Strict):
    zh: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)


class CalibrationSection(_Strict):
    births_source_zh: str = Field(min_length=1, max_length=100,
                                  description="where the base year's births were read (e.g. 《某某统计年鉴2024》)")
    births_source_en: str = Field(min_length=1, max_length=200)


class PayerNames(_Strict):
    city_zh: str = Field(min_length=1, max_length=40)
    city_en: str = Field(min_length=1, max_length=60)
    province_zh: str = Field(min_length=1, max_length=40)
    province_en: str = Field(min_length=1, max_length=60)
    central_zh: str = Field("中央财政", min_length=1, max_length=40)
    central_en: str = Field("Central government", min_length=1, max_length=60)
    city_colour: str = Field("#0b3c5d", pattern=r"^#[0-9a-fA-F]{6}$")


class CityFile(_Strict):
    city: CitySection
    plan: PlanSection
    calibration: CalibrationSection
    payers: PayerNames
    areas: list[AreaEntry] = Field(min_length=1, max_length=60)
    documents: dict[str, Document] = Field(
        default_factory=dict, description="the documents sources.csv cites, by the key it cites them with "
                                          "(a file name or a 《title》), as the appendix lists them")

    @field_validator("areas")
    @classmethod
    def _areas_consistent(cls, areas: list[AreaEntry]) -> list[AreaEntry]:
        ids = [area.id for area in areas]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"area id {repeated[0]!r} is given twice")
        reserved = sorted(set(ids) & {CITY, *HIGHER_LEVELS, "all"})
        if reserved:
            raise ValueError(f"area id {reserved[0]!r} is reserved for a payer or a total; choose another")
        for unit in dict.fromkeys(area.census_unit for area in areas):
            members = [area for area in areas if area.census_unit == unit]
            rest = [area.id for area in members if area.share_parameter is None]
            if len(rest) != 1:
                raise ValueError(f"census unit {unit!r}: exactly one of its areas ({', '.join(a.id for a in members)}) "
                                 "must have no share_parameter (it gets what the others' shares leave); "
                                 f"{len(rest)} have none")
        parameters = [area.share_parameter for area in areas if area.share_parameter]
        if len(set(parameters)) != len(parameters):
            raise ValueError("two areas share one share_parameter")
        return areas

    @model_validator(mode="after")
    def _names_unique(self) -> CityFile:
        names = [area.name_zh for area in self.areas]
        if len(set(names)) != len(names):
            raise ValueError("areas: two areas have the same name_zh")
        return self


@dataclass(frozen=True)
class City:
    """A city's areas and payers, in the order every array and table uses."""

    folder: Path
    spec: CityFile

    @property
    def id(self) -> str:
        return self.spec.city.id

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(area.id for area in self.spec.areas)

    @property
    def area_index(self) -> dict[str, int]:
        return {area: i for i, area in enumerate(self.areas)}

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(area.id for area in self.spec.areas if area.level == "district")

    @property
    def counties(self) -> tuple[str, ...]:
        return tuple(area.id for area in self.spec.areas if area.level == "county")

    @property
    def payers(self) -> tuple[str, ...]:
        """The city's own budgets: the municipal level and each area."""
        return (CITY, *self.areas)

    @property
    def census_units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(area.census_unit for area in self.spec.areas))

    @property
    def census_unit_of_area(self) -> dict[str, str]:
        return {area.id: area.census_unit for area in self.spec.areas}

    @property
    def share_parameters(self) -> dict[str, tuple[str, str]]:
        """scenario key under [areas] → (the area it gives the share of, the area of its unit that gets the rest)."""
        rest = {area.census_unit: area.id for area in self.spec.areas if area.share_parameter is None}
        return {area.share_parameter: (area.id, rest[area.census_unit])
                for area in self.spec.areas if area.share_parameter}

    def name(self, lang: str = "zh") -> str:
        return self.spec.city.name_zh if lang == "zh" else self.spec.city.name_en

    def short(self, lang: str = "zh") -> str:
        return self.spec.city.short_zh if lang == "zh" else self.spec.city.short_en

    def own_budgets(self, lang: str = "zh") -> str:
        """The label of the part the city's own budgets bear (the city level, districts and counties)."""
        return f"其中{self.short('zh')}本地财政" if lang == "zh" else f"of which {self.short('en')}'s budgets"

    def plan(self, lang: str = "zh") -> str:
        return self.spec.plan.title_zh if lang == "zh" else self.spec.plan.title_en

    def documents(self, lang: str = "zh") -> dict[str, str]:
        """Citation key → how the appendix lists the document; "plan" is the plan."""
        plan = self.spec.plan
        return {"plan": plan.source_zh if lang == "zh" else plan.source_en,
                **{key: doc.zh if lang == "zh" else doc.en for key, doc in self.spec.documents.items()}}

    @property
    def sources_file(self) -> Path:
        return self.folder / "sources.csv"

    def province(self, lang: str = "zh") -> str:
        return self.spec.city.province_zh if lang == "zh" else self.spec.city.province_en

    def area_name(self, area: str, lang: str = "zh") -> str:
        entry = next(a for a in self.spec.areas if a.id == area)
        return entry.name_zh if lang == "zh" else entry.name_en

    def payer_name(self, payer: str, lang: str = "zh") -> str:
        if payer in self.areas:
            return self.area_name(payer, lang)
        names = self.spec.payers
        return {CITY: (names.city_zh, names.city_en), PROVINCE: (names.province_zh, names.province_en),
                CENTRAL: (names.central_zh, names.central_en)}[payer][0 if lang == "zh" else 1]

    def payer_colour(self, payer: str) -> str:
        """Each payer's colour: the city dark, each area its own (from city.toml, else a muted
        palette), the levels above greys."""
        if payer == CITY:
            return self.spec.payers.city_colour
        if payer in HIGHER_LEVELS:
            return "#9e9e9e" if payer == PROVINCE else "#cfcfcf"
        entry = next(a for a in self.spec.areas if a.id == payer)
        return entry.colour or AREA_PALETTE[self.areas.index(payer) % len(AREA_PALETTE)]


# Muted colours for areas that name none, distinct from the lines' palette.
AREA_PALETTE = ("#328cc1", "#1d9a8a", "#8fc1e3", "#d9a441", "#b5651d", "#e3b778", "#a0522d", "#5d8aa8",
                "#6b8e23", "#bc8f8f", "#4682b4", "#cd853f")


def city_folder(path: str | Path | None) -> Path:
    """The folder of a city; None is the default city shipped with the model."""
    return DEFAULT_CITY_DIR if path is None else Path(path)


@cache
def _load(folder: Path, stamp: int) -> City:  # stamp: the file's mtime, so an edited file is read again
    file = folder / CITY_FILE
    if not folder.exists():
        raise InputError(folder, None, "city folder not found")
    if not folder.is_dir():
        raise InputError(folder, None, "city folder expected (a folder with a city.toml at its root), "
                                       "but this is not a folder")
    raw = read_bytes(file, "city file", SCENARIO_LIMIT)
    try:
        tree = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(file, None, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(file, None, f"not valid TOML: {error}") from None
    try:
        return City(folder=folder, spec=CityFile.model_validate(tree))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        given = first.get("input")
        shown = f" (got {given!r})" if first["type"] != "missing" and isinstance(given, str | int | float) else ""
        raise InputError(file, where, f"{message}{shown}") from None


def load_city(path: str | Path | None = None) -> City:
    """The city whose folder is `path` (None: the default city), read and checked once per process."""
    folder = city_folder(path).resolve()
    try:
        stamp = (folder / CITY_FILE).stat().st_mtime_ns
    except OSError:
        stamp = 0  # missing or unreadable: _load says which
    return _load(folder, stamp)


def default_city() -> City:
    return load_city(None)
