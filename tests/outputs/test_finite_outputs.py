"""Property: no CSV the tool writes ever holds inf, NaN or an empty number, whatever valid
scenario it was given (hypothesis), through run, mtfp and compare."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, cli

FULL_PLAN = REPO / "scenarios" / "full_plan.toml"
BAD_CELLS = {"", "nan", "-nan", "inf", "-inf", "infinity", "-infinity", "na", "null", "none"}


def _assert_finite_csv(path: Path) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        for column, cell in zip(header, row, strict=True):
            if column in ("error", "note"):
                continue
            assert cell.strip().lower() not in BAD_CELLS, f"{path.name}: line {number}, column {column}: {cell!r}"


@st.composite
def scenarios(draw) -> str:  # noqa: ANN001
    parent = draw(st.sampled_from(["baseline.toml", "full_plan.toml", "low_uptake.toml"]))
    response = draw(st.sampled_from([0.0, 0.02, 0.08]))  # 0: no induced births, so no ratio to them
    cash = draw(st.booleans())
    monthly = draw(st.sampled_from([0.0, 500.0, 1e6]))
    take_up = draw(st.sampled_from([0.0, 0.5, 1.0]))
    end_year = draw(st.integers(2028, 2040))  # mtfp --budget-year 2026 needs cash figures to 2028
    return f"""
[scenario]
name = "finite"
extends = "{REPO / 'scenarios' / parent}"
end_year = {end_year}
seed = {draw(st.integers(0, 2**63 - 1))}
[behaviour]
fertility_response = {response}
[disbursement]
enabled = {str(cash).lower()}
[lines.third_child_allowance]
monthly_amount = {monthly}
take_up = {take_up}
"""


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=scenarios())
def test_no_csv_holds_a_number_that_is_not_finite(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("finite")
    (folder / "s.toml").write_text(text, encoding="utf-8")
    out = folder / "out"
    result = cli("run", folder / "s.toml", "--out", out, "--replicates", "3", "--quiet")
    assert result.exit_code == 0, result.output
    if "enabled = true" in text:
        assert cli("mtfp", out, "--budget-year", "2026").exit_code == 0
    assert cli("compare", out, out, "--out", folder / "difference.csv").exit_code == 0
    # other replicates: an unpaired comparison, which has no range of the difference to give
    assert cli("run", folder / "s.toml", "--out", folder / "more", "--replicates", "4", "--quiet").exit_code == 0
    assert cli("compare", out, folder / "more", "--out", folder / "unpaired.csv").exit_code == 0
    written = [*out.glob("*.csv"), folder / "difference.csv", folder / "unpaired.csv"]
    assert len(written) >= 5
    for path in written:
        _assert_finite_csv(path)


def test_no_induced_births_writes_no_ratio_rows(tmp_path, write):
    scenario = write("s.toml", '[scenario]\nname = "x"\n[behaviour]\nfertility_response = 0\n')
    assert cli("run", scenario, "--out", tmp_path / "out", "--replicates", "3", "--quiet").exit_code == 0
    impact = (tmp_path / "out" / "impact.csv").read_text()
    assert "cost_per_induced_birth" not in impact and "induced_births" in impact
    _assert_finite_csv(tmp_path / "out" / "impact.csv")
