"""A run folder as the report reads it: the CSV tables, the manifest and the replicates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.areas import PAYERS
from model.errors import InputError
from model.lines import LINE_BY_ID

REQUIRED = ("budget.csv", "births.csv", "manifest.json", "replicates.npz")


@dataclass
class RunFolder:
    path: Path
    budget: pd.DataFrame
    births: pd.DataFrame
    births_total: pd.DataFrame | None
    impact: pd.DataFrame | None
    payables: pd.DataFrame | None
    manifest: dict[str, Any]
    replicates: dict[str, np.ndarray]

    @property
    def name(self) -> str:
        return self.manifest["scenario"]["scenario"]["name"]

    @property
    def run_date(self) -> str:
        return datetime.fromisoformat(self.manifest["start_time"]).strftime("%Y-%m-%d")

    @property
    def lines(self) -> list[str]:
        return [str(line) for line in self.replicates["lines"]]

    @property
    def kinds(self) -> list[str]:
        """Each line's kind (runs written before kinds existed hold outlays only)."""
        if "kinds" in self.replicates:
            return [str(kind) for kind in self.replicates["kinds"]]
        return [LINE_BY_ID[line].kind for line in self.lines]

    @property
    def outlay_lines(self) -> list[str]:
        return [line for line, kind in zip(self.lines, self.kinds, strict=True) if kind == "outlay"]

    @property
    def other_lines(self) -> list[str]:
        """Revenue forgone and memo items: shown apart, never added to outlays."""
        return [line for line, kind in zip(self.lines, self.kinds, strict=True) if kind != "outlay"]

    @property
    def payers(self) -> list[str]:
        return [str(payer) for payer in self.replicates.get("payers", PAYERS)]

    def outlays(self, basis: str = "accrual") -> np.ndarray:
        """[rep, year, outlay line, payer] yuan."""
        return self.replicates[basis][:, :, [kind == "outlay" for kind in self.kinds]]

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.replicates["years"]]

    def accrual(self, line: str = "all", payer: str = "all") -> pd.DataFrame:
        rows = self.budget[(self.budget.basis == "accrual") & (self.budget.line == line) & (self.budget.payer == payer)]
        return rows.set_index("year")


def _optional(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.is_file() else None


def load_run(path: str | Path) -> RunFolder:
    path = Path(path)
    for name in REQUIRED:
        if not (path / name).is_file():
            raise InputError(path / name, None, "not found: report needs a folder written by `birthbudget run`")
    with np.load(path / "replicates.npz") as npz:
        replicates = {key: npz[key] for key in npz.files}
    return RunFolder(
        path=path, budget=pd.read_csv(path / "budget.csv"), births=pd.read_csv(path / "births.csv"),
        births_total=_optional(path / "births_total.csv"), impact=_optional(path / "impact.csv"),
        payables=_optional(path / "payables.csv"),
        manifest=json.loads((path / "manifest.json").read_text(encoding="utf-8")), replicates=replicates,
    )
