"""The line kinds' hand-computed cases, kept as data beside the kinds (model/lines/cases/*.toml, in
the manner of OpenFisca's YAML tests): births in, yuan out by year and payer. One test per case."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, line_by_year_payer, override_rows, run_file
from tests.lines.test_other_clauses_and_national_subsidy import ALL_ONE, _immortal_life_table

CASES = sorted((REPO / "model" / "lines" / "cases").glob("*.toml"))


def _cases() -> list[Any]:
    out = []
    for path in CASES:
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def test_every_kind_of_the_package_has_its_cases() -> None:
    kinds = {path.stem for path in CASES}
    assert kinds >= {"cash_benefit", "unit_cost"}
    assert all(len(tomllib.loads(path.read_text(encoding="utf-8"))["case"]) >= 3 for path in CASES)


@pytest.mark.parametrize("case", _cases())
def test_line_case(case: dict[str, Any], write) -> None:
    cells: dict[tuple[int, str, int], list[int]] = {}
    for row in case["births"]:
        months = cells.setdefault((row["year"], row["area"], row["order"]), [0] * 12)
        months[row["month"] - 1] += row["count"]
    write("births.csv", override_rows(cells, range(2022, 2036)))
    life = _immortal_life_table(write)
    path: Path = write("case.toml", "\n".join([
        f'[scenario]\nname = "{case["name"]}"\nstart_year = 2024',
        '[demography]\nbirths_override = "births.csv"', f"[data]\n{life}", ALL_ONE.strip(),
        textwrap.dedent(case["scenario"]).strip()]) + "\n")
    result = run_file(path, replicates=3)
    got = {key: value for key, value in line_by_year_payer(result, case["line"]).items() if abs(value) > 1e-6}
    expected = {(int(year), payer): float(yuan) for year, payers in case["expected"].items()
                for payer, yuan in payers.items()}
    assert got.keys() == expected.keys(), case["why"]
    for key, yuan in expected.items():
        assert got[key] == pytest.approx(yuan, rel=1e-12, abs=1e-6), (key, case["why"])
