"""The scenario reference (docs/scenario-reference.md), generated from the schema.

Every key with its type and valid range, its description (unit included), the default
from model/data/defaults.toml and the source and status from model/data/sources.csv.
`birthbudget reference --out docs/scenario-reference.md` writes it; a test checks that
the committed file is what the schema makes, so the two cannot drift apart.
"""

from __future__ import annotations

import csv
import math
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from model import bounded_numbers as num
from model.bounded_numbers import Bounded
from model.city import default_city
from model.lines import MEASURE_KINDS
from model.scenario import DEFAULTS_FILE, Scenario, flat_defaults
from model.uncertainty import Distribution, annotation_members
from model.yearpath import YearPath

SOURCES_FILE = DEFAULTS_FILE.parent / "sources.csv"
VALUE_MODELS = (Distribution, YearPath)


def _type_name(annotation: Any, bounds: Bounded | None) -> str:
    members = annotation_members(annotation)
    names = []
    for member in members:
        if member is type(None):
            continue
        if member is Distribution:
            names.append("distribution")
        elif member is YearPath:
            names.append("year path")
        elif member in (float, int):
            names.append("number" if member is float else "whole number")
        elif member is bool:
            names.append("true/false")
        elif member is str:
            names.append("text")
        elif typing.get_origin(member) is list:
            names.append("list")
        elif typing.get_origin(member) is dict:
            names.append("table")
        else:
            names.append(getattr(member, "__name__", str(member)))
    text = " or ".join(dict.fromkeys(names))
    if bounds is not None and (bounds.low > -math.inf or bounds.high < math.inf):
        low = f"{bounds.low:g}" if bounds.low > -math.inf else "−∞"
        high = f"{bounds.high:g}" if bounds.high < math.inf else "∞"
        text += f", {'(' if bounds.open_low else '['}{low}, {high}]"
    return text




def _sources() -> dict[str, dict[str, str]]:
    with open(SOURCES_FILE, encoding="utf-8") as handle:
        return {row["parameter"]: row for row in csv.DictReader(handle)}


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


TABLE_HEAD = ("| key | type | meaning (unit) | default | source (status) |", "|---|---|---|---|---|")


def _rows(model: type[BaseModel], prefix: str, defaults: dict[str, Any], sources: dict[str, dict[str, str]],
          out: list[str]) -> None:
    nested = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in VALUE_MODELS:
            nested.append((key, annotation))
            continue
        value_type = typing.get_args(annotation)[1] if typing.get_origin(annotation) is dict else None
        if isinstance(value_type, type) and issubclass(value_type, BaseModel):  # a table of sections (award schemes)
            ids = sorted({k[len(key) + 1:].split(".")[0] for k in defaults if k.startswith(key + ".")})
            description = (info.description or "").replace("|", "/")
            out.append(f"| `{key}` | table of sections | {description} | `{', '.join(ids) or '—'}` | |")
            nested += [(f"{key}.{item}", value_type) for item in ids or ["<id>"]]  # none by default: its keys
            continue
        bounds = next((m for m in info.metadata if isinstance(m, Bounded)), None)
        default = defaults.get(key, info.default if info.default is not None and not callable(info.default) else None)
        if key not in defaults and info.is_required():
            default = "required"
        elif key not in defaults and info.default_factory is not None:
            default = info.default_factory()  # type: ignore[call-arg]
        source = sources.get(key)
        cited = f"{source['source']} ({source['status']})" if source else ""
        description = (info.description or "").replace("|", "/")
        out.append(f"| `{key}` | {_type_name(annotation, bounds)} | {description} | `{_show(default)}` | "
                   f"{cited.replace('|', '/')} |")
    extra_bounds = getattr(model, "extra_bounds", None)
    if extra_bounds is not None:  # keys the city names ([areas]): the default city's, described from city.toml
        _city_keys(prefix, extra_bounds, defaults, sources, out)
    for key, annotation in nested:
        out.append("")
        out.append(f"### `[{key}]`")
        if annotation.__doc__ and not annotation.__doc__.startswith(annotation.__name__ + "("):
            out.append("")
            out.append(" ".join(annotation.__doc__.split()))
        out.append("")
        out.extend(TABLE_HEAD)
        _rows(annotation, f"{key}.", defaults, sources, out)


def _city_keys(prefix: str, bounds: Bounded, defaults: dict[str, Any], sources: dict[str, dict[str, str]],
               out: list[str]) -> None:
    city = default_city()
    for parameter, (area, rest) in city.share_parameters.items():
        key = f"{prefix}{parameter}"
        unit = city.census_unit_of_area[area]
        description = (f"share of the residents of the census unit {unit} (areas {city.area_name(area)} and "
                       f"{city.area_name(rest)}) living in {city.area_name(area)}; a key of the default city")
        source = sources.get(key)
        cited = f"{source['source']} ({source['status']})" if source else ""
        out.append(f"| `{key}` | {_type_name(typing.get_args(num.Share)[0], bounds)} | {description} | "
                   f"`{_show(defaults.get(key))}` | {cited.replace('|', '/')} |")


def scenario_reference() -> str:
    lines = [
        "# Scenario reference",
        "",
        "Generated from the schema by `birthbudget reference --out docs/scenario-reference.md`;",
        "do not edit by hand (a test fails when this file and the schema disagree).",
        "",
        "A scenario file sets only what differs from `model/data/defaults.toml` or from its parent",
        "(`extends`). A *number* may be written as a *distribution* —",
        '`{ dist = "beta", mean = 0.85, sd = 0.05 }`, `{ dist = "triangular", low = 1, mode = 2, high = 4 }`,',
        '`{ dist = "uniform", low = 1, high = 2 }`, `{ dist = "normal", mean = 0, sd = 1 }` (truncated to the',
        'valid range) or `{ dist = "fixed", value = 1 }` — drawn per replicate. A *year path* is',
        '`{ values = { 2022 = 2.5, 2025 = 4.5 }, before = "error"|"hold"|"grow", after = "hold"|"grow",',
        "growth = 0.04, scale = 1.0 }`: linear between the given years, the rules for the years outside",
        "them explicit, `scale` (a number or a distribution) multiplying the whole path.",
        "Whole numbers, lists and tables take fixed values only. Sources and status (read, derived,",
        "assumption) come from `model/data/sources.csv`.",
    ]
    defaults, sources = flat_defaults(), _sources()
    _rows(Scenario, "", defaults, sources, lines)
    lines += ["", "## A package's measures, by kind", "",
              "Each `[measures.<id>]` names its `kind`, which decides its other keys (docs/writing-a-package.md).",
              "No measure has a default: a city's defaults or the scenario write each one whole."]
    for kind, section in MEASURE_KINDS.items():
        lines += ["", f'### `[measures.<id>]` kind = "{kind}"', "", " ".join((section.__doc__ or "").split()), "",
                  *TABLE_HEAD]
        _rows(section, "measures.<id>.", defaults, sources, lines)
    kinds = {key.split(".")[1]: value for key, value in defaults.items()
             if key.startswith("measures.") and key.endswith(".kind")}
    if kinds:
        lines += ["", "## The default city's measures", "",
                  "The measures of the default city's package, in its defaults: a scenario switches one on with "
                  "`[measures.<id>] enabled = true` and changes any of its keys."]
    for measure_id, kind in kinds.items():
        section = MEASURE_KINDS[kind]
        lines += ["", f'### `[measures.{measure_id}]` kind = "{kind}"', "", *TABLE_HEAD]
        _rows(section, f"measures.{measure_id}.", defaults, sources, lines)
    return "\n".join(lines) + "\n"


HEADER = "# Scenario reference\n"


def is_reference(path: Path) -> bool:
    """A file `birthbudget reference` wrote (so `--out` may replace it)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(len(HEADER)) == HEADER
    except (OSError, UnicodeDecodeError):
        return False
