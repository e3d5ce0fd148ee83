"""Parameter uncertainty: any scalar number in a scenario may be a distribution.

    take_up = { dist = "beta", mean = 0.85, sd = 0.05 }
    price = { dist = "triangular", low = 600, mode = 800, high = 1500 }
    households_base_year = { dist = "uniform", low = 100, high = 350 }
    population_growth = { dist = "normal", mean = -0.009, sd = 0.003 }   # truncated to the field's range
    amount_per_slot = { dist = "fixed", value = 600 }

Each replicate draws its own value (parameter uncertainty) on top of the stochastic events
(process uncertainty). Values are drawn by inverse CDF from a uniform stream keyed by the
parameter's name, so two scenarios with the same seed draw the same quantile for the
same key (common random numbers), and a `fixed` distribution equals the plain number.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

REQUIRED = {
    "beta": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "fixed": ("value",),
}


def _wants_number(annotation: Any) -> bool:
    """A number (float, int, a Literal of numbers) and never true/false, at this level of the annotation."""
    if typing.get_origin(annotation) is Literal:
        members = typing.get_args(annotation)
        return all(isinstance(m, int | float) and not isinstance(m, bool) for m in members)
    return annotation in (float, int)


def _takes_bool(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Literal:
        return any(isinstance(m, bool) for m in typing.get_args(annotation))
    return annotation in (bool, Any)


def annotation_members(annotation: Any) -> list[Any]:
    """The plain types a field's annotation admits (through Annotated and unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return annotation_members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in annotation_members(arg)]
    return [annotation]


def bool_for_number(value: Any, annotation: Any) -> tuple[Any, ...] | None:
    """Where `value` holds true/false in a place `annotation` wants a number: the path to it
    inside the value (() for the value itself), or None. Lists and tables of numbers are
    searched; a nested model is left to its own check."""
    members = annotation_members(annotation)
    if isinstance(value, bool):
        wanted = any(_wants_number(m) for m in members) and not any(_takes_bool(m) for m in members)
        return () if wanted else None
    if isinstance(value, list | dict):
        kind = list if isinstance(value, list) else dict
        if any(isinstance(m, type) and issubclass(m, BaseModel) for m in members) and kind is dict:
            return None
        for member in members:
            if typing.get_origin(member) is not kind or not typing.get_args(member):
                continue
            inner = typing.get_args(member)[0 if kind is list else -1]
            items = enumerate(value) if isinstance(value, list) else value.items()
            for key, item in items:
                found = bool_for_number(item, inner)
                if found is not None:
                    return (key, *found)
    return None


class ScenarioModel(BaseModel):
    """Base of every model a scenario file fills (sections, distributions, year paths).

    TOML's `true`/`false` are Python bools, which pydantic would take as the numbers 1 and 0
    (`replicates = true` ran one replicate). Wherever the schema wants a number, in a plain
    field, a list or a table of numbers, a distribution or a year path, a boolean is refused
    here, once for every field; booleans stay valid where the schema wants one (`enabled`)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name) if info.field_name else None
        if field is None:
            return value
        where = bool_for_number(value, field.annotation)
        if where is not None:
            shown = str(_at(value, where)).lower()
            raise PydanticCustomError("bool_for_number", "expected a number, got {given}",
                                      {"given": shown, "at": where})
        return value


def _at(value: Any, where: tuple[Any, ...]) -> Any:
    for key in where:
        value = value[key]
    return value


class Distribution(ScenarioModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    dist: Literal["beta", "triangular", "uniform", "normal", "fixed"] = Field(
        description="beta (mean, sd; for shares), triangular (low, mode, high), uniform (low, high), "
                    "normal (mean, sd; truncated to the valid range), fixed (value)")
    mean: float | None = None
    sd: float | None = Field(None, gt=0)
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Distribution:
        needed = REQUIRED[self.dist]
        given = {k for k in ("mean", "sd", "low", "mode", "high", "value") if getattr(self, k) is not None}
        missing = [k for k in needed if k not in given]
        extra = sorted(given - set(needed))
        if missing or extra:
            raise ValueError(f"a {self.dist} distribution takes {', '.join(needed)}"
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; not used: {', '.join(extra)}" if extra else ""))
        if self.dist == "triangular":
            low, mode, high = _given(self.low), _given(self.mode), _given(self.high)
            if not (low <= mode <= high and low < high):
                raise ValueError("triangular needs low ≤ mode ≤ high and low < high")
        if self.dist == "uniform" and not _given(self.low) < _given(self.high):
            raise ValueError("uniform needs low < high")
        if self.dist == "beta":
            mean, sd = _given(self.mean), _given(self.sd)
            if not 0 < mean < 1:
                raise ValueError("beta needs 0 < mean < 1")
            if sd**2 >= mean * (1 - mean):
                limit = math.sqrt(mean * (1 - mean))
                raise ValueError(f"beta with mean {mean:g} needs sd < {limit:.4g}")
        return self

    def support(self) -> tuple[float, float]:
        if self.dist == "fixed":
            return _given(self.value), _given(self.value)
        if self.dist in ("triangular", "uniform"):
            return _given(self.low), _given(self.high)
        if self.dist == "beta":
            return 0.0, 1.0
        return -math.inf, math.inf

    def central(self) -> float:
        """The value shown when one number is needed (mean, mode, or the fixed value)."""
        if self.dist == "fixed":
            return _given(self.value)
        if self.dist == "triangular":
            return _given(self.mode)
        if self.dist == "uniform":
            return _given(self.low) / 2 + _given(self.high) / 2
        return _given(self.mean)  # beta, normal

    def quantile(self, u: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
        """Inverse CDF at the uniforms `u`; `normal` is truncated to `bounds`."""
        if self.dist == "fixed":
            return np.full(u.shape, float(_given(self.value)))
        if self.dist == "uniform":
            low, high = _given(self.low), _given(self.high)
            return low + u * (high - low)
        if self.dist == "triangular":  # scipy.stats.triang.ppf's own formula, without importing scipy.stats
            low, mode, high = _given(self.low), _given(self.mode), _given(self.high)
            scale = high - low
            c = (mode - low) / scale
            return np.where(u < c, np.sqrt(c * u), 1 - np.sqrt((1 - c) * (1 - u))) * scale + low
        from scipy import stats  # imported only for beta and normal: it takes a second to import
        mean, sd = _given(self.mean), _given(self.sd)
        if self.dist == "beta":
            common = mean * (1 - mean) / sd**2 - 1
            return stats.beta.ppf(u, mean * common, (1 - mean) * common)
        low, high = ((b - mean) / sd for b in bounds)
        return stats.truncnorm.ppf(u, low, high, loc=mean, scale=sd)


def _given(value: float | None) -> float:
    """A parameter the distribution's kind takes: validation (_fields_match_kind) makes sure it is given."""
    if value is None:
        raise ValueError("a parameter this distribution takes is not given")
    return value


def drawn(value: float | np.ndarray | Distribution) -> float | np.ndarray:
    """A parameter of a realised scenario (model.realise): a number, or the [replicate] array drawn
    where the file gave a distribution. The schema types a field as the file gives it; the
    realised copy (and the central one) holds no distribution any more."""
    if isinstance(value, Distribution):
        raise TypeError(f"a {value.dist} distribution is read before it was drawn (model.realise)")
    return value


def check_within(distribution: Distribution, bounds: tuple[float, float]) -> None:
    if distribution.dist == "beta" and (bounds[0] < 0 or bounds[1] > 1):
        raise ValueError(f"a beta distribution suits shares only; this value may lie in {_range(bounds)} "
                         "(use triangular, uniform or normal)")
    low, high = distribution.support()
    if distribution.dist == "normal":
        mean = _given(distribution.mean)
        if not bounds[0] <= mean <= bounds[1]:
            raise ValueError(f"normal mean {mean:g} is outside the valid range "
                             f"{_range(bounds)}")
        return
    if low < bounds[0] or high > bounds[1]:
        allowed = "a beta distribution suits shares only" if distribution.dist == "beta" else \
            f"the values must lie within {_range(bounds)}"
        raise ValueError(f"{distribution.dist} distribution reaches {low:g}–{high:g}; {allowed}")


def _range(bounds: tuple[float, float]) -> str:
    return f"[{bounds[0]:g}, {bounds[1]:g}]".replace("-inf", "−∞").replace("inf", "∞")
