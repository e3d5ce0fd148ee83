"""A run's result: every replicate's budget cube, births and impact, with what describes them.

Outputs (tables, the run folder, the summary, reports) read this and nothing further down the
pipeline: the labels they need (line kinds, age groups, block size) come with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.engine import AGE_GROUP_LABELS
from model.pipeline.prepare import Prepared
from model.rng import BLOCK_SIZE
from model.run_calendar import Calendar
from model.scenario import LoadedScenario


@dataclass
class RunResult:
    loaded: LoadedScenario
    prepared: Prepared
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    births: np.ndarray  # [rep, year, area, order 1..3]
    births_by_age: np.ndarray  # [rep, year, area, order 1..3, mother's age group]
    cash: np.ndarray | None = None  # [rep, budget year, line, payer] yuan paid
    payables: np.ndarray | None = None  # [rep, payable year, line, payer] owed at each year end
    impact: dict[str, np.ndarray] = field(default_factory=dict)  # [rep, budget year] arrays
    timing: dict[str, float] = field(default_factory=dict)
    diagnostics: dict[str, float] = field(default_factory=dict)
    age_group_labels: tuple[str, ...] = AGE_GROUP_LABELS  # the mother's age groups of births_by_age
    block_size: int = BLOCK_SIZE  # replicates per block (part of the reproducibility contract)

    @property
    def line_ids(self) -> list[str]:
        return self.prepared.line_ids

    @property
    def payer_ids(self) -> tuple[str, ...]:
        return self.prepared.payer_ids

    @property
    def areas(self) -> tuple[str, ...]:
        return self.prepared.scenario.city.areas

    @property
    def line_by_id(self) -> dict[str, Any]:
        """The run's lines by id (its package's measures among them)."""
        return {line.id: line for line in self.prepared.lines}

    @property
    def line_kinds(self) -> list[str]:
        return [line.kind for line in self.prepared.lines]

    @property
    def calendar(self) -> Calendar:
        return self.prepared.calendar
