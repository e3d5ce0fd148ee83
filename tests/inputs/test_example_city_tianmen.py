"""Tianmen (天门市, Hubei), an example city shipped as data (cities/tianmen/, scenarios/cities/tianmen.toml):
one county-level area, the city level paying all, its package as measures (a one-off grant, a monthly
allowance to age 3, a maternity grant at age 1, all for births from 2024-04-01 until 2027-05-01), the
home-purchase subsidy at its own amounts, and a voucher at marriage registration (a yearly count, not births)."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from model.city import load_city
from model.pipeline import run
from model.scenario import load_scenario
from tests.conftest import REPO, cli, line_by_year_payer, run_file
from tests.example_city_checks import build_script, check_every_number_has_a_source

TIANMEN = REPO / "scenarios" / "cities" / "tianmen.toml"
CITY = REPO / "cities" / "tianmen"
MEASURES = ("birth_grant", "childcare_allowance", "maternity_grant", "home_subsidy", "marriage_voucher")
BIRTH_MEASURES = ("birth_grant", "childcare_allowance", "maternity_grant", "home_subsidy")
VOUCHER = 60000
MARRIAGES_2024, MARRIAGE_GROWTH = 4700, -0.02  # the count's central path (cities/tianmen/defaults.toml)
REDEEMING = 0.20  # the central share of couples who use the voucher (triangular 0.05-0.20-0.35)


@pytest.fixture(scope="module")
def tianmen():
    return run(load_scenario(TIANMEN, replicates=20), workers=1)


def _year_total(result, line: str, year: int) -> float:
    return sum(v for (y, _), v in line_by_year_payer(result, line).items() if y == year)


def test_tianmen_is_one_county_level_area_and_the_city_level_pays(tianmen) -> None:
    city = load_city(CITY)
    assert city.name("zh") == "天门市" and city.areas == ("tianmen",) and city.counties == ("tianmen",)
    assert city.payer_name("city") == "市本级" and city.payer_name("province") == "湖北省级"
    assert tianmen.prepared.scenario.city.id == "tianmen"
    assert tianmen.payer_ids[:2] == ("city", "tianmen")
    # no line is co-funded from above: any higher level the model lists pays nothing
    assert set(tianmen.payer_ids[2:]) <= {"province", "central"}
    for payer in tianmen.payer_ids[2:]:
        assert not tianmen.accrual[..., tianmen.payer_ids.index(payer)].any(), payer
    # one budget: the whole cost is on the city level (city_share 1), none on the area
    assert not tianmen.accrual[..., tianmen.payer_ids.index("tianmen")].any()
    assert tianmen.accrual[..., tianmen.payer_ids.index("city")].sum() > 0


def test_the_measures_are_priced_and_the_default_citys_lines_are_off(tianmen) -> None:
    assert set(MEASURES) <= set(tianmen.line_ids)
    for line in MEASURES:
        assert _year_total(tianmen, line, 2026) > 0, line
    for line in ("nipt", "art_subsidy", "third_child_allowance", "maternity_insurance_subsidy",
                 "childcare_slot_subsidy", "housing_subsidy"):
        assert line not in tianmen.line_ids or not tianmen.accrual[:, :, tianmen.line_ids.index(line)].any(), line


def test_the_base_year_births_match_the_published_count(tianmen) -> None:
    base = float(tianmen.births[:, 0].sum(axis=(1, 2)).mean())
    assert base == pytest.approx(6168, rel=0.03)  # 2023, read (长江云)


def test_the_voucher_costs_couples_times_redemption_times_take_up_times_60000(tianmen) -> None:
    """At the central values (count 4,700 in 2024, −2% a year; 20% of couples redeem; every couple gets
    one from 2026): 4,700 × 0.98² × 0.20 × 1.0 × 60,000 in 2026. The run draws the count's level
    (triangular 0.7-1.3) and the redemption share (0.05-0.35) per replicate: their product's relative
    spread is ≈ 0.33, ≈ 0.075 over 20 replicates, so the mean is held to 25% (over 3 spreads)."""
    for year in (2026, 2030):
        central = MARRIAGES_2024 * (1 + MARRIAGE_GROWTH) ** (year - 2024) * REDEEMING * 1.0 * VOUCHER
        assert _year_total(tianmen, "marriage_voucher", year) == pytest.approx(central, rel=0.25), year


def test_the_voucher_at_fixed_central_values_is_exactly_the_product(write) -> None:
    scenario = write("tianmen_fixed.toml", f"""
        [scenario]
        name = "tianmen at central values"
        extends = "{TIANMEN.as_posix()}"

        [measures.marriage_voucher]
        yearly_count = {{ values = {{ 2024 = {MARRIAGES_2024} }}, before = "hold", after = "grow", growth = {MARRIAGE_GROWTH} }}
        cases_per_unit = {REDEEMING}
        """)
    result = run_file(scenario, replicates=20)
    for year, take_up in ((2024, 0.0), (2025, 0.667), (2026, 1.0), (2033, 1.0)):
        count = MARRIAGES_2024 * (1 + MARRIAGE_GROWTH) ** (year - 2024)
        assert _year_total(result, "marriage_voucher", year) == pytest.approx(
            count * REDEEMING * take_up * VOUCHER, rel=1e-6, abs=1e-3), year


def test_no_birth_outside_the_window_is_paid(write) -> None:
    """Births from 2024-04-01 until 2027-05-01 only: nothing in 2023 (a scenario that shows 2023),
    the one-off grant stops after May 2027 and nothing is paid for the births after it."""
    scenario = write("tianmen_2023.toml", f"""
        [scenario]
        name = "tianmen from 2023"
        extends = "{TIANMEN.as_posix()}"
        start_year = 2023
        """)
    result = run_file(scenario, replicates=20)
    assert 2023 in list(result.calendar.budget_years)
    for line in BIRTH_MEASURES:
        assert _year_total(result, line, 2023) == 0, line
    assert _year_total(result, "birth_grant", 2024) > 0
    assert _year_total(result, "maternity_grant", 2024) == 0  # paid at age 1: the first in April 2025
    assert _year_total(result, "maternity_grant", 2025) > 0
    assert 0 < _year_total(result, "birth_grant", 2027) < _year_total(result, "birth_grant", 2026) / 2
    for line in ("birth_grant", "childcare_allowance", "maternity_grant"):
        assert _year_total(result, line, 2031) == 0, line  # the last allowance month is April 2030
    # homes are bought up to four years after the birth: the window's last purchases are in 2031
    assert _year_total(result, "home_subsidy", 2031) > 0 and _year_total(result, "home_subsidy", 2032) == 0


def test_tianmen_runs_and_reports_from_the_command_line_under_its_own_names(tmp_path) -> None:
    out = tmp_path / "tianmen"
    result = cli("run", TIANMEN, "--out", out, "--replicates", "20")
    assert result.exit_code == 0, result.output
    assert "天门市 tianmen" in result.output and "荆门" not in result.output
    report = cli("report", out)
    assert report.exit_code == 0, report.output
    from docx import Document

    document = Document(str(out / "appendix.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "天门市" in text and "结婚登记购房券" in text and "产假补助" in text
    for name in ("荆门", "东宝", "漳河", "屈家岭", "掇刀", "京山", "钟祥", "沙洋"):
        assert name not in text, name


def test_every_number_of_tianmens_defaults_has_a_source_and_status() -> None:
    with open(CITY / "defaults.toml", "rb") as handle:
        values = build_script("build_example_city_tianmen").flatten(tomllib.load(handle))
    check_every_number_has_a_source(values, CITY)


def test_tianmens_tables_are_what_its_script_makes(tmp_path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_example_city_tianmen.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    made = sorted(tmp_path.iterdir())
    assert {path.name for path in made} >= {"women_by_age.csv", "base_year_births.csv", "sources.csv"}
    for path in made:
        assert path.read_bytes() == (CITY / path.name).read_bytes(), path.name
