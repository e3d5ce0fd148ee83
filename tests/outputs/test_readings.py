"""The register of readings (测算口径) and `birthbudget readings` (issue 14, item 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.pipeline import prepare, run
from model.readings import REGISTER_FILE, plan_readings, read_register, readings_table, totals_of
from model.scenario import load_scenario
from tests.conftest import REPO, cli
from tests.default_city import PAYERS

FULL_PLAN = REPO / "scenarios" / "full_plan.toml"
CONTRACT = ["reading", "choice", "is_default", "effect_mean", "effect_p05", "effect_p95"]
PAYER_READINGS = {"nipt_payer", "childcare_slot_payer"}  # they move money between the city and a district
LABEL_READINGS = {"demonstration_funding"}  # it moves money between new measures and continuing programmes


def _scenario(write, body: str = "", name: str = "s.toml"):
    return write(name, f"""
        [scenario]
        name = "readings test"
        extends = "{FULL_PLAN}"
        {body}
        """)


@pytest.fixture(scope="module")
def readings_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("readings") / "out"
    result = cli("readings", FULL_PLAN, "--out", out, "--replicates", 6, "--workers", 1)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_the_register_lists_at_least_eight_readings_each_with_its_clause_sources_and_reason():
    register = read_register()
    assert len(register.reading) >= 8
    for reading in register.reading.values():
        assert reading.clause and reading.why and reading.sources and len(reading.choice) >= 2


def test_the_default_scenario_makes_the_registers_default_choice_in_every_reading(write):
    """full_plan draws the awards' local share from a range; fixed at 0.5, every reading's choice in
    the scenario is the one the register calls the default."""
    path = _scenario(write, "[lines.family_planning_awards]\nlocal_share = 0.5")
    loaded = load_scenario(path, replicates=2)
    plan = plan_readings(loaded, read_register())
    assert not plan.not_applicable
    own = {v.reading: v.choice for v in plan.variants if v.is_default}
    assert own == {reading_id: reading.default for reading_id, reading in read_register().reading.items()}


def test_readings_csv_has_the_contract_columns_and_every_other_choice_moves_money(readings_run):
    out, output = readings_run
    table = pd.read_csv(out / "readings.csv")
    assert list(table.columns[:6]) == CONTRACT
    assert (out / "budget.csv").exists() and (out / "manifest.json").exists()  # the scenario's own run
    assert table.groupby("reading").is_default.sum().eq(1).all()
    assert (table[table.is_default][["effect_mean", "city_effect_mean"]] == 0).all().all()
    others = table[~table.is_default]
    assert len(others) >= 8
    for row in others.itertuples(index=False):
        moved = (row.city_effect_mean if row.reading in PAYER_READINGS else
                 row.new_money_effect_mean if row.reading in LABEL_READINGS else row.effect_mean)
        assert abs(moved) > 1_000, row  # yuan over 2025-2035
        assert row.effect_p05 <= row.effect_mean <= row.effect_p95
    unchanged = others[others.reading.isin(PAYER_READINGS | LABEL_READINGS)]
    assert (unchanged.effect_mean.abs() < 1).all()  # the own budgets' total does not move
    assert (others[others.reading.isin(PAYER_READINGS)].new_money_effect_mean.abs() < 1).all()
    # largest effect first
    first = table.drop_duplicates("reading").reading.tolist()
    size = others.groupby("reading").effect_mean.apply(lambda s: s.abs().max())
    ranked = [r for r in first if r not in PAYER_READINGS | LABEL_READINGS]
    assert ranked == sorted(ranked, key=lambda r: -size[r])
    assert "测算口径" in output and "county_housing" in output


@pytest.mark.parametrize(("reading", "choice", "body"), [
    ("allowance_and_national_subsidy", "higher_of",
     "[lines.third_child_allowance]\nnet_of_national_subsidy = true"),
    ("county_housing", "city_amounts",
     "[lines.housing_subsidy.county_amounts]\n" + "\n".join(
         f"{county} = {{ second = 20000, third = 40000 }}" for county in ("jingshan", "zhongxiang", "shayang",
                                                                          "qujialing"))),
])
def test_an_effect_equals_compare_of_the_two_runs(write, tmp_path, readings_run, reading, choice, body):
    out, _ = readings_run
    table = pd.read_csv(out / "readings.csv").set_index(["reading", "choice"])
    path = _scenario(write, body, name="choice.toml")
    for args in (("run", FULL_PLAN, "--out", tmp_path / "a"), ("run", path, "--out", tmp_path / "b")):
        assert cli(*args, "--replicates", 6, "--workers", 1, "--quiet").exit_code == 0
    assert cli("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "d.csv").exit_code == 0
    difference = pd.read_csv(tmp_path / "d.csv")
    own = difference[(difference.line == "all") & difference.payer.isin(PAYERS)
                     & difference.year.between(2025, 2035)]
    assert table.loc[(reading, choice), "effect_mean"] == pytest.approx(own.difference.sum(), abs=1.0)
    city = difference[(difference.line == "all") & (difference.payer == "city")]
    assert table.loc[(reading, choice), "city_effect_mean"] == pytest.approx(city.difference.sum(), abs=1.0)


def _line(result, line: str) -> np.ndarray:
    """[rep, year, payer] accrual of a line; zero when the run does not price it."""
    if line not in result.line_ids:
        return np.zeros(result.accrual[:, :, 0].shape)
    return result.accrual[:, :, result.line_ids.index(line)]


def test_switching_a_reading_changes_only_the_lines_it_names(write):
    """Without a fertility response births do not depend on the benefits, so a choice changes the
    lines its reading names and no other, to the yuan (the same seed: common random numbers)."""
    path = _scenario(write, "[behaviour]\nfertility_response = 0.0")
    loaded = load_scenario(path, replicates=3)
    plan = plan_readings(loaded, read_register(), check=prepare)
    default = run(loaded)
    results = {}
    for variant in plan.to_run():
        assert variant.loaded is not None
        results[(variant.reading, variant.choice)] = run(variant.loaded)
    table = readings_table(plan, totals_of(default), {key: totals_of(result) for key, result in results.items()})
    assert set(table.reading) == set(plan.register.reading)
    checked = 0
    for (reading_id, choice_id), result in results.items():
        named = plan.register.reading[reading_id].lines
        changed = [line for line in dict.fromkeys([*default.line_ids, *result.line_ids])
                   if not np.array_equal(_line(result, line), _line(default, line))]
        if reading_id in LABEL_READINGS:  # no figure moves, only the part it counts in
            assert not changed and table.set_index(["reading", "choice"]).loc[
                (reading_id, choice_id), "new_money_effect_mean"] != 0
            continue
        assert changed, (reading_id, choice_id)
        if named != ["all"]:
            assert set(changed) <= set(named), (reading_id, choice_id, changed)
            checked += 1
    assert checked >= 8


def test_a_choice_that_names_no_scenario_key_is_refused_before_any_work(write, tmp_path):
    text = REGISTER_FILE.read_text(encoding="utf-8").replace(
        '"lines.maternity_insurance_subsidy.leave_days"', '"lines.maternity_insurance_subsidy.leave_day"')
    register = write("register.toml", text)
    result = cli("readings", FULL_PLAN, "--out", tmp_path / "out", "--register", register, "--replicates", 2)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "register.toml: reading.maternity_leave_days.choice.flat_158.set: no such scenario key " \
           "'lines.maternity_insurance_subsidy.leave_day'" in message
    assert not (tmp_path / "out").exists()


def test_a_choice_outside_the_keys_limits_is_refused_naming_the_key(write, tmp_path):
    text = REGISTER_FILE.read_text(encoding="utf-8").replace(
        '"lines.maternity_insurance_subsidy.leave_days" = 164', '"lines.maternity_insurance_subsidy.leave_days" = 1000')
    register = write("register.toml", text)
    with pytest.raises(InputError) as caught:
        plan_readings(load_scenario(FULL_PLAN, replicates=2), read_register(register), register)
    assert caught.value.field == "reading.maternity_leave_days.choice.with_difficult_births.set"
    assert "lines.maternity_insurance_subsidy.leave_days" in caught.value.message
    assert "1000" in caught.value.message


def test_a_choice_the_line_checks_refuse_is_named(write):
    """The top-up needs the national subsidy priced: on the baseline (national subsidy off) the
    reading is not applicable rather than refused; forced on, the line's own check names it."""
    plan = plan_readings(load_scenario(REPO / "scenarios" / "baseline.toml", replicates=2), read_register(),
                         check=prepare)
    assert "allowance_and_national_subsidy" in plan.not_applicable
    text = REGISTER_FILE.read_text(encoding="utf-8").replace(
        'needs = ["lines.national_childcare_subsidy.enabled"]\n', "")
    register = write("register.toml", text)
    with pytest.raises(InputError) as caught:
        plan_readings(load_scenario(REPO / "scenarios" / "baseline.toml", replicates=2), read_register(register),
                      register, check=prepare)
    assert caught.value.field == "reading.allowance_and_national_subsidy.choice.higher_of"
    assert "net_of_national_subsidy: true needs [lines.national_childcare_subsidy] enabled" in caught.value.message


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('default = "flat_158"', 'default = "flat"', "reading.maternity_leave_days",
     "'flat' is not one of the choices"),
    ('lines = ["nipt"]', 'lines = ["Nipt-test"]', "reading.nipt_payer.lines", "unknown line 'Nipt-test'"),
    ("[reading.policy_start.choice.2024_01]", "[reading.policy_start.choice.as_set]", "reading.policy_start",
     "reserved"),
])
def test_a_malformed_register_is_refused_naming_the_field(write, old, new, field, words):
    text = REGISTER_FILE.read_text(encoding="utf-8")
    assert old in text
    register = write("register.toml", text.replace(old, new))
    with pytest.raises(InputError) as caught:
        read_register(register)
    assert caught.value.field == field and words in caught.value.message


def test_a_register_naming_a_line_the_scenario_does_not_have_is_refused(write):
    text = REGISTER_FILE.read_text(encoding="utf-8").replace('lines = ["nipt"]', 'lines = ["nipt_test"]')
    register = write("register.toml", text)
    with pytest.raises(InputError) as caught:
        plan_readings(load_scenario(REPO / "scenarios" / "baseline.toml", replicates=2), read_register(register),
                      register)
    assert caught.value.field == "reading.nipt_payer.lines" and "unknown line 'nipt_test'" in caught.value.message


def test_the_appendix_lists_the_readings_largest_effect_first_with_readings_csv_figures(readings_run):
    """Word table 测算口径 (one row per other choice, in readings.csv's order, figures ÷ 10,000) and the
    workbook's sheet of the same name."""
    import docx
    import openpyxl

    from model.report.appendix_content import wan
    from tests.outputs.test_appendix_document import captioned_tables, cells, table_titled

    out, _ = readings_run
    assert cli("report", out).exit_code == 0
    table = pd.read_csv(out / "readings.csv")
    others = table[~table.is_default]
    word = table_titled(captioned_tables(docx.Document(str(out / "appendix.docx"))), "测算口径及其对支出合计的影响")
    rows = cells(word)[1:]
    assert [row[0] for row in rows] == others.title_zh.tolist()
    assert [row[3] for row in rows] == others.label_zh.tolist()
    assert [row[4] for row in rows] == [wan(value) for value in others.effect_mean]  # "-0.00" shown as 0.00
    own = table[table.is_default].set_index("reading").label_zh
    assert [row[2] for row in rows] == [own[reading] for reading in others.reading]
    sheet = openpyxl.load_workbook(out / "appendix.xlsx")["测算口径"]
    assert sheet.cell(6, 1).value == others.title_zh.iloc[0]
    assert sheet.cell(6, 5).value == pytest.approx(others.effect_mean.iloc[0] / 10_000)


def test_a_plain_run_s_appendix_says_how_to_price_the_readings(tmp_path):
    from model.report.appendix_content import build_document
    from model.run_folder import load_run

    out = tmp_path / "run"
    assert cli("run", FULL_PLAN, "--out", out, "--replicates", 4, "--quiet").exit_code == 0
    text = build_document(load_run(out), "zh", {}).text()
    assert "运行 birthbudget readings 情景文件 --out 目录" in text
    assert "测算口径及其对支出合计的影响" not in text


def test_a_city_s_own_register_is_the_default(tmp_path, write):
    """A scenario of another city runs that city's readings (readings.toml in its folder); a city
    without one is told so in one line, before any work."""
    out = tmp_path / "hohhot"
    result = cli("readings", REPO / "scenarios" / "cities" / "hohhot.toml", "--out", out, "--replicates", "5")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "readings.csv")
    assert set(table.reading) == {"residence_test", "payer"}
    half = table[(table.reading == "payer") & (table.choice == "half_each")].iloc[0]
    assert half.effect_mean == pytest.approx(0.0, abs=1e-6) and half.city_effect_mean < 0  # who pays, not how much
    from tests.inputs.test_city_folder import city_scenario, renamed_city

    folder = renamed_city(tmp_path / "testville")
    (folder / "readings.toml").unlink()
    scenario = city_scenario(write, "t.toml", "t", folder)
    refused = cli("readings", scenario, "--out", tmp_path / "no", "--replicates", "5")
    assert refused.exit_code == 2 and "readings.toml: readings register not found" in refused.output
    assert not (tmp_path / "no").exists()
