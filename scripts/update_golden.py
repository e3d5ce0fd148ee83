"""Rewrite the golden files after a deliberate change of the model: tests/golden/baseline_totals.csv
(the baseline's means), tests/golden/full_plan_totals.csv (every line of full_plan, with the
5-95% range, so a changed random stream or spread shows too) and tests/golden/other_readings_totals.csv
(full_plan with the contested readings of tests/golden/other_readings.toml turned the other way).

Commit the new file with the change and say in the commit message why the figures moved.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "baseline_totals.csv"
FULL_PLAN_GOLDEN = REPO / "tests" / "golden" / "full_plan_totals.csv"
OTHER_READINGS = REPO / "tests" / "golden" / "other_readings.toml"
OTHER_READINGS_GOLDEN = REPO / "tests" / "golden" / "other_readings_totals.csv"
SEED, REPLICATES = 20251128, 40


def golden_frame(scenario: str | Path = "baseline", columns: tuple[str, ...] = ("mean",)):
    from model.pipeline import run
    from model.result_tables import budget_table
    from model.scenario import load_scenario

    path = scenario if isinstance(scenario, Path) else REPO / "scenarios" / f"{scenario}.toml"
    result = run(load_scenario(path, replicates=REPLICATES, seed=SEED))
    table = budget_table(result)
    return table[["basis", "year", "line", "payer", *columns]].round(2)


def full_plan_frame():
    return golden_frame("full_plan", ("mean", "p05", "p95"))


def other_readings_frame():
    return golden_frame(OTHER_READINGS, ("mean", "p05", "p95"))


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    for path, frame in ((GOLDEN, golden_frame()), (FULL_PLAN_GOLDEN, full_plan_frame()),
                        (OTHER_READINGS_GOLDEN, other_readings_frame())):
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.2f")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
