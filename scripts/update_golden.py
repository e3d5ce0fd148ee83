"""Rewrite tests/golden/baseline_totals.csv after a deliberate change of the model.

Commit the new file with the change and say in the commit message why the figures moved.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "baseline_totals.csv"
SEED, REPLICATES = 20251128, 40


def golden_frame():
    from model.pipeline import run
    from model.result_tables import budget_table
    from model.scenario import load_scenario

    result = run(load_scenario(REPO / "scenarios" / "baseline.toml", replicates=REPLICATES, seed=SEED))
    table = budget_table(result)
    return table[["basis", "year", "line", "payer", "mean"]].round(2)


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    golden_frame().to_csv(GOLDEN, index=False, lineterminator="\n", float_format="%.2f")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
