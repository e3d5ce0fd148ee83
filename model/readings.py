"""The register of readings (测算口径): where the plan allows more than one reading, and what each costs.

A reading is a named choice of the package (model/data/readings.toml, or the bureau's own file of
the same shape): its clause, the lines it changes, its choices as scenario keys, the default and
why. `birthbudget readings` runs every choice other than the scenario's own against it with the
same seed and replicates (common random numbers), so each effect is a paired difference, replicate
by replicate: the same figure `birthbudget compare` gives for the two runs.

The effect is on the 2025-2035 (the scenario's budget years) outlays borne by the city's own
budgets: the city and its districts and counties (the summary's 本地财政 row). A reading that only
moves money between the city and a district leaves it unchanged; the `city_effect_*` columns give
the city level (市本级) alone, and `new_money_effect_*` the part of the own budgets' outlays that is
new money of the plan (a reading that calls a measure a continuing programme moves only that).
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from model.city import ID
from model.errors import InputError
from model.files import SCENARIO_LIMIT, read_bytes
from model.lines import LINE_BY_ID, LINE_IDS, line_tables, lines_of, money_groups
from model.pipeline import RunResult
from model.pipeline.accounts import outlays
from model.result_tables import QUANTILES
from model.scenario import LoadedScenario, Scenario, _explain, _schema_at, lookup

REGISTER_FILE = Path(str(resources.files("model") / "data" / "readings.toml"))
AS_SET = "as_set"  # the scenario's own value when it matches none of a reading's choices
COLUMNS = ["reading", "choice", "is_default", "effect_mean", "effect_p05", "effect_p95",
           "city_effect_mean", "city_effect_p05", "city_effect_p95",
           "new_money_effect_mean", "new_money_effect_p05", "new_money_effect_p95",
           "clause", "title_zh", "title_en", "label_zh", "label_en", "register_default", "lines"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(_Strict):
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    set: dict[str, Any] = Field(min_length=1, description="dotted scenario key → value")


class Reading(_Strict):
    clause: str = Field(min_length=1)
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    lines: list[str] = Field(min_length=1)
    needs: list[str] = Field(default_factory=list)
    default: str
    why: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    choice: dict[str, Choice] = Field(min_length=2)

    @field_validator("lines")
    @classmethod
    def _known_lines(cls, value: list[str]) -> list[str]:
        # a model line, or a package's measure (its id, as [measures.<id>] names it)
        unknown = [line for line in value if line != "all" and line not in LINE_IDS and not re.fullmatch(ID, line)]
        if unknown:
            raise ValueError(f"unknown line {unknown[0]!r}; lines are all, {', '.join(LINE_IDS)} or a measure's id")
        return value

    @model_validator(mode="after")
    def _choices_agree(self) -> Reading:
        if self.default not in self.choice:
            raise ValueError(f"default: {self.default!r} is not one of the choices ({', '.join(self.choice)})")
        if AS_SET in self.choice:
            raise ValueError(f"choice: {AS_SET!r} is reserved for the scenario's own value")
        keys = [sorted(choice.set) for choice in self.choice.values()]
        if any(k != keys[0] for k in keys):
            raise ValueError("choice: every choice must set the same keys (the reading's keys)")
        return self


class Register(_Strict):
    reading: dict[str, Reading] = Field(min_length=1)


def read_register(path: str | Path = REGISTER_FILE) -> Register:
    from model.input_tables import decode

    path = Path(path)
    text = decode(read_bytes(path, "readings register", SCENARIO_LIMIT), path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, None, f"not valid TOML: {error}") from None
    try:
        return Register.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(path, where or None, first["msg"].removeprefix("Value error, ")) from None


# --- the variants to run -------------------------------------------------------------------


@dataclass
class Variant:
    reading: str
    choice: str
    is_default: bool  # the scenario's own choice (effect 0 by definition)
    loaded: LoadedScenario | None  # None: the scenario itself


@dataclass
class ReadingsPlan:
    register: Register
    variants: list[Variant]
    not_applicable: dict[str, str] = field(default_factory=dict)  # reading → why

    def to_run(self) -> list[Variant]:
        return [v for v in self.variants if v.loaded is not None]


def _effective(document: dict[str, Any], dotted: str) -> Any:
    """A resolved value as the model uses it: a line's own `city_share`, when not set, is the
    general [cost_sharing] rule; its `new_money`, when not set, the line's own default."""
    _, value = lookup(document, dotted)
    parts = dotted.split(".")
    if value is None and len(parts) == 3 and parts[0] == "lines" and parts[2] == "city_share":
        return document["cost_sharing"]["city_share"]
    if value is None and len(parts) == 3 and parts[0] == "lines" and parts[2] == "new_money":
        return LINE_BY_ID[parts[1]].new_money
    return value


def _set_key(tree: dict[str, Any], dotted: str, value: Any) -> None:
    """Set a scenario key in the merged raw tree; the key must exist in the schema."""
    parts = dotted.split(".")
    parent = _schema_at(tuple(parts[:-1]), tree)
    if parent is None or parts[-1] not in parent.model_fields:
        raise KeyError(dotted)
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)


def _variant(loaded: LoadedScenario, choice: Choice, where: str, register_path: Path) -> LoadedScenario:
    tree = copy.deepcopy(loaded.tree)
    origin = dict(loaded.origin)
    for key, value in choice.set.items():
        try:
            _set_key(tree, key, value)
        except KeyError:
            raise InputError(register_path, f"{where}.set", f"no such scenario key {key!r}; see "
                             "docs/scenario-reference.md for the key paths") from None
        origin[key] = str(register_path)
    try:
        scenario = Scenario.model_validate(tree)
    except ValidationError as error:
        explained = _explain(error.errors(), tree, {}, str(register_path))
        raise InputError(register_path, f"{where}.set", f"{explained.field}: {explained.message}") from None
    return LoadedScenario(scenario=scenario, files=loaded.files, origin=origin, tree=tree)


def plan_readings(loaded: LoadedScenario, register: Register, register_path: str | Path = REGISTER_FILE,
                  check: Callable[[LoadedScenario], object] | None = None) -> ReadingsPlan:
    """Every reading's choices as scenarios, validated (and `check`ed, e.g. by prepare) before any work."""
    register_path = Path(register_path)
    document = loaded.scenario.model_dump(mode="json")
    variants: list[Variant] = []
    not_applicable: dict[str, str] = {}
    known = lines_of(loaded.scenario.measures)
    for reading_id, reading in register.reading.items():
        strange = [line for line in reading.lines if line != "all" and line not in known]
        if strange:
            raise InputError(register_path, f"reading.{reading_id}.lines",
                             f"unknown line {strange[0]!r}: not a line of the model nor a measure of this scenario")
        unmet = []
        for key in reading.needs:
            found, value = lookup(document, key)
            if not found:
                raise InputError(register_path, f"reading.{reading_id}.needs",
                                 f"no such scenario key {key!r}; see docs/scenario-reference.md")
            if not value:
                unmet.append(key)
        if unmet:
            not_applicable[reading_id] = f"{unmet[0]} is false in the scenario"
            continue
        own: list[Variant] = []
        for choice_id, choice in reading.choice.items():
            where = f"reading.{reading_id}.choice.{choice_id}"
            variant = _variant(loaded, choice, where, register_path)
            changed = variant.scenario.model_dump(mode="json")
            same = all(_effective(changed, key) == _effective(document, key) for key in choice.set)
            if same and not any(v.is_default for v in own):
                own.append(Variant(reading_id, choice_id, True, None))
                continue
            if check is not None:
                try:
                    check(variant)
                except InputError as error:
                    raise InputError(register_path, where, f"this choice makes the scenario invalid: "
                                     f"{error.describe()}") from None
            own.append(Variant(reading_id, choice_id, False, variant))
        if not any(v.is_default for v in own):
            own.insert(0, Variant(reading_id, AS_SET, True, None))
        variants += own
    return ReadingsPlan(register, variants, not_applicable)


# --- the effects ---------------------------------------------------------------------------


@dataclass
class Totals:
    """[rep] outlays over the budget years: borne by the city's own budgets (city, districts,
    counties), by the city level alone, and the own budgets' part that is new money of the plan."""

    local: np.ndarray
    city: np.ndarray
    new_money: np.ndarray


def totals_of(result: RunResult) -> Totals:
    own = [result.payer_ids.index(p) for p in result.prepared.scenario.city.payers]
    spending = outlays(result.accrual, result.line_kinds).sum(axis=1)  # [rep, line, payer]
    new = money_groups(result.line_ids, line_tables(result.loaded.scenario.model_dump(mode="json")))["new_measures"]
    new_lines = [result.line_ids.index(line) for line in new]
    return Totals(local=spending[:, :, own].sum(axis=(1, 2)), city=spending[:, :, result.payer_ids.index("city")].sum(axis=1),
                  new_money=spending[:, new_lines][:, :, own].sum(axis=(1, 2)))


def _stats(values: np.ndarray) -> list[float]:
    """Mean, 5th and 95th percentile of a paired difference."""
    low, high = np.quantile(values, [QUANTILES["p05"], QUANTILES["p95"]])
    return [float(values.mean()), float(low), float(high)]


def readings_table(plan: ReadingsPlan, default: Totals, results: dict[tuple[str, str], Totals]) -> pd.DataFrame:
    """One row per choice, the effect against the scenario's own choice (yuan); readings with the
    largest effect first (by the own budgets to the yuan, then the city level, then new money)."""
    rows = []
    for variant in plan.variants:
        reading = plan.register.reading[variant.reading]
        choice = reading.choice.get(variant.choice)
        other = default if variant.is_default else results[(variant.reading, variant.choice)]
        local, city, new = (other.local - default.local, other.city - default.city,
                            other.new_money - default.new_money)
        rows.append([variant.reading, variant.choice, variant.is_default, *_stats(local), *_stats(city), *_stats(new),
                     reading.clause, reading.title_zh, reading.title_en,
                     choice.label_zh if choice else "按情景文件设定", choice.label_en if choice else "as the scenario sets it",
                     variant.choice == reading.default, " ".join(reading.lines)])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    size = frame.assign(local=frame.effect_mean.abs().round(), city=frame.city_effect_mean.abs().round(),
                        new=frame.new_money_effect_mean.abs().round()).groupby(
        "reading", sort=False)[["local", "city", "new"]].max()
    order = size.sort_values(["local", "city", "new"], ascending=False, kind="stable").index
    frame["_order"] = frame.reading.map({reading: i for i, reading in enumerate(order)})
    frame["_default_first"] = ~frame.is_default
    return frame.sort_values(["_order", "_default_first"], kind="stable").drop(
        columns=["_order", "_default_first"]).reset_index(drop=True)
