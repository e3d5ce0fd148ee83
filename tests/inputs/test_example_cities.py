"""The example cities shipped as data (cities/<id>/, scenarios/cities/<id>.toml): each loads, runs,
reports under its own names, prices its package's measures and matches its published births."""

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

HOHHOT = REPO / "scenarios" / "cities" / "hohhot.toml"
HOHHOT_CITY = REPO / "cities" / "hohhot"
HOHHOT_AREAS = ("xincheng", "huimin", "yuquan", "saihan", "tumotezuo", "tuoketuo", "helingeer", "qingshuihe",
                "wuchuan")
HOHHOT_MEASURES = ("first_child_grant", "childcare_instalments", "childcare_care_allowance", "premarital_checks")


@pytest.fixture(scope="module")
def hohhot():
    return run(load_scenario(HOHHOT, replicates=20), workers=1)


def test_hohhot_is_a_city_of_nine_areas_paid_by_the_city_and_its_areas(hohhot) -> None:
    city = load_city(HOHHOT_CITY)
    assert city.name("zh") == "呼和浩特市" and city.areas == HOHHOT_AREAS
    assert city.districts == ("xincheng", "huimin", "yuquan", "saihan")
    assert hohhot.prepared.scenario.city.id == "hohhot"
    # the unit-cost kind may be co-funded from above, so province and central are columns; they pay nothing
    assert hohhot.payer_ids[: len(HOHHOT_AREAS) + 1] == ("city", *HOHHOT_AREAS)
    assert set(hohhot.payer_ids[len(HOHHOT_AREAS) + 1:]) <= {"province", "central"}
    for payer in hohhot.payer_ids[len(HOHHOT_AREAS) + 1:]:
        assert not hohhot.accrual[..., hohhot.payer_ids.index(payer)].any(), payer


def test_hohhots_measures_are_priced_and_the_default_citys_lines_are_off(hohhot) -> None:
    assert set(HOHHOT_MEASURES) <= set(hohhot.line_ids)
    for line in HOHHOT_MEASURES:
        cells = line_by_year_payer(hohhot, line)
        assert sum(v for (year, _), v in cells.items() if year == 2026) > 0, line
        assert all(v == 0 for (_, payer), v in cells.items() if payer != "city"), line  # the city pays all
    for line in ("nipt", "art_subsidy", "third_child_allowance", "housing_subsidy", "maternity_insurance_subsidy",
                 "childcare_slot_subsidy"):
        assert line not in hohhot.line_ids or not hohhot.accrual[:, :, hohhot.line_ids.index(line)].any(), line


def test_the_instalments_grow_as_cohorts_accumulate(hohhot) -> None:
    """Second children are paid 5 years and third children 10: the yearly cost rises from 2025 (ten
    months of births) to 2030 and on."""
    cells = line_by_year_payer(hohhot, "childcare_instalments")
    by_year = {year: sum(v for (y, _), v in cells.items() if y == year) for year in range(2025, 2036)}
    assert by_year[2025] < by_year[2026] < by_year[2028] < by_year[2030] < by_year[2035]


def test_hohhots_base_year_births_match_the_published_count(hohhot) -> None:
    diagnostics = hohhot.diagnostics
    assert diagnostics["births_2023_published"] == 20000
    assert abs(diagnostics["births_2023_gap"]) < 0.03
    base = float(hohhot.births[:, 0].sum(axis=(1, 2)).mean())
    assert base == pytest.approx(20000, rel=0.03)


def test_the_first_child_grant_is_first_births_times_eligibility_times_10000(write) -> None:
    """Hand check with fixed shares and no fertility response: the grant's 2026 cost is the 2026
    first births × city-hukou share 0.7 × eligible share 0.9 × take-up 0.95 × 10,000 yuan."""
    scenario = write("hohhot_fixed.toml", f"""
        [scenario]
        name = "hohhot fixed shares"
        extends = "{HOHHOT.as_posix()}"

        [behaviour]
        fertility_response = 0.0

        [eligibility]
        city_hukou_share = 0.7

        [measures.first_child_grant]
        eligible_share = 0.9
        take_up = 0.95
        """)
    result = run_file(scenario, replicates=20)
    year = list(result.calendar.years).index(2026)
    first_births = result.births[:, year, :, 0].sum(axis=1)  # [rep]
    expected = first_births * 0.7 * 0.9 * 0.95 * 10000
    cells = line_by_year_payer(result, "first_child_grant")
    paid = sum(v for (y, _), v in cells.items() if y == 2026)
    assert paid == pytest.approx(float(expected.mean()), rel=0.02)
    assert 3e7 < paid < 9e7  # ≈ 9,000 first births × 0.6 × 10,000


def test_hohhot_runs_and_reports_from_the_command_line_under_its_own_names(tmp_path) -> None:
    out = tmp_path / "hohhot"
    result = cli("run", HOHHOT, "--out", out, "--replicates", "20")
    assert result.exit_code == 0, result.output
    assert "新城区 xincheng" in result.output and "荆门" not in result.output
    report = cli("report", out)
    assert report.exit_code == 0, report.output
    from docx import Document

    document = Document(str(out / "appendix.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "呼和浩特市" in text and "一孩育儿补贴" in text and "赛罕区" in text
    for name in ("荆门", "东宝", "漳河", "屈家岭", "掇刀"):
        assert name not in text, name


def test_every_number_of_hohhots_defaults_has_a_source_and_status() -> None:
    with open(HOHHOT_CITY / "defaults.toml", "rb") as handle:
        values = build_script("build_example_city_hohhot").flat(tomllib.load(handle))
    check_every_number_has_a_source(values, HOHHOT_CITY)


def test_hohhots_tables_are_what_its_script_makes(tmp_path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_example_city_hohhot.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (HOHHOT_CITY / made.name).read_bytes(), made.name


def test_hohhot_prices_the_national_subsidy_from_2025_with_the_children_born_before_its_base_year(write) -> None:
    """Hohhot's base year is 2023, so the children under 3 in January 2025 born in February-December 2022
    come from its births history (21,200 in 2022, 1,767 a month): a child born j months before 2023 is
    24 + j months old then and is paid 12 − j months, 66 child-months a monthly cohort, × the city-hukou
    share × take-up (0.95) × 300 yuan (a few die); every one claims in January 2025."""
    import numpy as np

    from tests.lines.test_claims_of_each_line import _entitlements

    path = write("s.toml", f'[scenario]\nname = "national"\nextends = "{HOHHOT.as_posix()}"\n'
                           "[lines.national_childcare_subsidy]\nenabled = true\n")
    drawn = _entitlements(path, replicates=4)
    entitlement = drawn.entitlements["national_childcare_subsidy"]
    assert entitlement.cohorts_before == 11 and entitlement.by_cohort is not None
    hukou = np.reshape(drawn.realised.eligibility.city_hukou_share, -1)  # [rep] or one value
    expected = 66 * 21_200 / 12 * hukou * 0.95 * 300
    earlier = entitlement.by_cohort[:, :11].sum(axis=(1, 2, 3))  # [rep]
    np.testing.assert_allclose(earlier, np.broadcast_to(expected, earlier.shape), rtol=0.03)
    january_2025 = drawn.context.calendar.month_index(2025, 1)
    claims = entitlement.claims[:, january_2025].sum(axis=1)
    assert (claims > 11 * 21_200 / 12 * hukou * 0.9).all()  # the earlier children (and the simulated ones) claim then
