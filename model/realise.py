"""Per-replicate parameter values for one block: every distribution becomes an array.

The result is the scenario with each `Distribution` replaced by an array of shape
[replicate] (and a year path's distribution scale likewise), built without re-validation.
Code downstream treats a value as a number or an array and broadcasts over replicates.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
from pydantic import BaseModel

from model.bounded_numbers import Bounded
from model.rng import Streams
from model.uncertainty import Distribution, drawn
from model.yearpath import YearPath

M = TypeVar("M", bound=BaseModel)


def _draw(distribution: Distribution, key: str, bounds: tuple[float, float], streams: Streams,
          replicates: int) -> np.ndarray:
    uniforms = streams(f"param:{key}").random(replicates)  # one draw call per stream
    return np.asarray(distribution.quantile(uniforms, bounds), dtype=np.float64)


def _fields(model: BaseModel) -> list[tuple[str, Bounded]]:
    """Each field with its bounds, and the keys of a section that takes keys the city names (the
    bounds of all of them are the class's `extra_bounds`)."""
    fields = [(name, next((m for m in info.metadata if isinstance(m, Bounded)), Bounded()))
              for name, info in type(model).model_fields.items()]
    extra_bounds = getattr(type(model), "extra_bounds", Bounded())
    return fields + [(name, extra_bounds) for name in (model.model_extra or {})]


def realise(model: M, streams: Streams, replicates: int, prefix: str = "") -> M:
    updates: dict[str, object] = {}
    for name, bounded in _fields(model):
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, Distribution):
            updates[name] = _draw(value, key, (bounded.low, bounded.high), streams, replicates)
        elif isinstance(value, YearPath) and isinstance(value.scale, Distribution):
            scale = _draw(value.scale, f"{key}.scale", (0.0, math.inf), streams, replicates)
            updates[name] = value.model_copy(update={"scale": scale})
        elif isinstance(value, BaseModel):
            realised = realise(value, streams, replicates, prefix=f"{key}.")
            if realised is not value:
                updates[name] = realised
        elif is_section_table(value):  # e.g. the award schemes, keyed by id
            table = {k: realise(v, streams, replicates, prefix=f"{key}.{k}.") for k, v in value.items()}
            if any(table[k] is not value[k] for k in value):
                updates[name] = table
    return model.model_copy(update=updates) if updates else model


def is_section_table(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(v, BaseModel) for v in value.values())


def central(model: M) -> M:
    """The scenario with every distribution at its central value (for checks and reports)."""
    updates: dict[str, object] = {}
    for name, _ in _fields(model):
        value = getattr(model, name)
        if isinstance(value, Distribution):
            updates[name] = value.central()
        elif isinstance(value, YearPath) and isinstance(value.scale, Distribution):
            updates[name] = value.model_copy(update={"scale": value.scale.central()})
        elif isinstance(value, BaseModel):
            changed = central(value)
            if changed is not value:
                updates[name] = changed
        elif is_section_table(value):
            table = {k: central(v) for k, v in value.items()}
            if any(table[k] is not value[k] for k in value):
                updates[name] = table
    return model.model_copy(update=updates) if updates else model


def per_replicate(value: float | np.ndarray | Distribution, ndim: int) -> float | np.ndarray:
    """A number stays a number; a [replicate] array becomes [replicate, 1, …] with `ndim` axes."""
    value = drawn(value)
    if isinstance(value, np.ndarray):
        return value.reshape((-1,) + (1,) * (ndim - 1))
    return float(value)
