"""The lines' hand-computed cases, kept as data beside the lines and the package's kinds
(model/lines/cases/<line or kind>.toml, in the manner of OpenFisca's YAML tests): births in, yuan
out by year and payer. One test per case.

A case gives `births` (the only births of the run), `scenario` (tables added to its scenario
file), `expected` (yuan by year and payer), and may give `settings` (lines of its [scenario]
table, e.g. a policy start) and `tables` (CSV text of input tables by their [data] key, e.g. a
housing destination table)."""

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


# Lines whose hand cases need more than births and scenario tables, with where their cases are.
CASES_ELSEWHERE = {
    "art_subsidy": "its starters are the childless city-hukou women of the population tables: "
                   "tests/lines/test_lines_on_crafted_populations.py and tests/lines/test_core_lines.py",
    "childcare_slot_subsidy": "its slots follow the residents and children of the population tables: "
                              "tests/lines/test_core_lines.py",
    "family_planning_awards": "its recipients are the base-year table family_planning_recipients: "
                              "tests/lines/test_other_clauses_and_national_subsidy.py",
    "iit_deduction_revenue": "revenue forgone on the children of the population tables, settled a year on: "
                             "tests/lines/test_other_clauses_and_national_subsidy.py",
    "housing_fund_limit": "a memo item of yearly purchases, not births: "
                          "tests/lines/test_other_clauses_and_national_subsidy.py",
}


def test_every_kind_and_line_has_its_cases() -> None:
    from model.lines import LINES, MEASURE_KINDS

    cases = {path.stem: tomllib.loads(path.read_text(encoding="utf-8"))["case"] for path in CASES}
    files = set(cases)
    for kind in MEASURE_KINDS:
        assert len(cases.get(kind, [])) >= 3, f"the {kind} kind needs at least three cases"
    for line in LINES:
        assert line.id in files or line.id in CASES_ELSEWHERE, f"{line.id}: no model/lines/cases/{line.id}.toml"
        assert not (line.id in files and line.id in CASES_ELSEWHERE), line.id


@pytest.mark.parametrize("case", _cases())
def test_line_case(case: dict[str, Any], write) -> None:
    cells: dict[tuple[int, str, int], list[int]] = {}
    for row in case["births"]:
        months = cells.setdefault((row["year"], row["area"], row["order"]), [0] * 12)
        months[row["month"] - 1] += row["count"]
    # every simulated year, the one after the budget years too (a line may pay ahead of a birth)
    write("births.csv", override_rows(cells, range(2022, 2037)))
    data = [_immortal_life_table(write)]
    for key, text in case.get("tables", {}).items():
        write(f"{key}.csv", textwrap.dedent(text).strip() + "\n")
        data.append(f'{key} = "{key}.csv"')
    path: Path = write("case.toml", "\n".join([
        f'[scenario]\nname = "{case["name"]}"\nstart_year = 2024\n{case.get("settings", "")}'.strip(),
        '[demography]\nbirths_override = "births.csv"', "[data]\n" + "\n".join(data), ALL_ONE.strip(),
        textwrap.dedent(case["scenario"]).strip()]) + "\n")
    result = run_file(path, replicates=3)
    got = {key: value for key, value in line_by_year_payer(result, case["line"]).items() if abs(value) > 1e-6}
    expected = {(int(year), payer): float(yuan) for year, payers in case["expected"].items()
                for payer, yuan in payers.items()}
    assert got.keys() == expected.keys(), case["why"]
    for key, yuan in expected.items():
        assert got[key] == pytest.approx(yuan, rel=1e-12, abs=1e-6), (key, case["why"])
