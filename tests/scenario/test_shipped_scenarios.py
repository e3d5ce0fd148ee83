"""The shipped scenarios: each says what it answers and validates, low uptake < baseline < high
uptake, and the indexed one follows a CPI path."""

from __future__ import annotations

from model.scenario import load_scenario
from tests.conftest import REPO, cli, run_file

SCENARIOS = REPO / "scenarios"


def test_shipped_scenarios_order_low_base_high(tmp_path):
    totals = {}
    for name in ("low_uptake", "baseline", "high_uptake"):
        result = run_file(SCENARIOS / f"{name}.toml", replicates=30)
        totals[name] = result.accrual.sum(axis=(1, 2, 3)).mean()
    assert totals["low_uptake"] < totals["baseline"] < totals["high_uptake"]


def test_every_shipped_scenario_says_what_it_answers():
    for path in sorted(SCENARIOS.glob("*.toml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and ("?" in path.read_text(encoding="utf-8").split("[scenario]")[0]), path.name
        assert cli("validate", path).exit_code == 0, path.name


def test_indexed_scenario_uses_a_cpi_path():
    scenario = load_scenario(REPO / "scenarios" / "indexed_to_cpi.toml").scenario
    assert scenario.indexation.lines and not isinstance(scenario.indexation.cpi, float)
