"""Shared helpers: scenario files written into a temporary folder, runs and CLI calls."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.lines import LINES
from model.pipeline import RunResult, run
from model.scenario import load_scenario
from tests.default_city import AREAS

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.toml"
# the plan's other clauses and the national subsidy (off by default), and the six core lines
NEW_LINES = ["demonstration_centres", "fee_waivers", "family_planning_awards", "national_childcare_subsidy",
             "iit_deduction_revenue", "housing_fund_limit"]
CORE_LINES = [line.id for line in LINES if line.id not in NEW_LINES]
# the plan's other money clauses: measures of the unit_cost kind in the default city's data (off by default)
PLAN_MEASURES = ["premarital_checks", "pregnancy_and_newborn_checks", "newborn_screening_extension", "childcare_vouchers",
                 "kindergarten_public_funds", "after_school_care", "mothers_reemployment_training",
                 "special_families_topup"]


def cash_benefit_header(measure_id: str) -> str:
    """The fixed part of a package's cash benefit in a scenario file (a case adds its schedule)."""
    return (f'[measures.{measure_id}]\nkind = "cash_benefit"\nenabled = true\ntake_up = 1.0\nname_zh = "补贴"\n'
            'name_en = "grant"\nclause = "c"\nsource = "s"\nbirths_from = "2025-01-01"\n')


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text) → path of a file in the test's folder (text is dedented)."""
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path
    return _write


def run_file(path: Path, replicates: int = 20, seed: int | None = None, workers: int = 1) -> RunResult:
    return run(load_scenario(path, replicates=replicates, seed=seed), workers=workers)


def cli(*args: str):
    """Invoke the command line in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(app, [str(a) for a in args])


def line_by_year_payer(result: RunResult, line: str) -> dict[tuple[int, str], float]:
    """Mean accrual of one line by (year, payer) in yuan."""
    cube = result.accrual[:, :, result.line_ids.index(line), :].mean(axis=0)
    return {(int(year), payer): float(cube[y, p])
            for y, year in enumerate(result.calendar.budget_years) for p, payer in enumerate(result.payer_ids)}


def accrual_and_cash(result: RunResult, line: str) -> tuple[np.ndarray, np.ndarray]:
    """One line's accrual and cash [rep, budget year] in yuan, all payers together."""
    i = result.line_ids.index(line)
    assert result.cash is not None, "the run has no cash basis (disbursement is off)"
    return result.accrual[:, :, i].sum(axis=2), result.cash[:, :, i].sum(axis=2)


def override_rows(cells: dict[tuple[int, str, int], list[int]], years: range) -> str:
    """A births-override CSV with monthly rows: every area and year in `years` is zero
    except the (year, area, order) cells given as 12 monthly counts."""
    lines = ["year,area,birth_order,month,births"]
    for year in years:
        for area in AREAS:
            for order in (1, 2, 3):
                months = cells.get((year, area, order), [0] * 12)
                lines += [f"{year},{area},{order},{m + 1},{n}" for m, n in enumerate(months)]
    return "\n".join(lines) + "\n"


def mean_close(value: float, expected: float, rel: float) -> bool:
    return bool(np.isclose(value, expected, rtol=rel, atol=0))
