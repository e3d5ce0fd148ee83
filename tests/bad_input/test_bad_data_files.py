"""Bad data and override files are refused before any work, naming the file, line and rule (an
award roster without a scheme too), and rerun refuses an input file changed since the run."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import REPO, cli

DATA = REPO / "model" / "data"
HEADER = "year,area,birth_order,births\n"
COMPLETE_2025 = "2025,dongbao,1,500\n2025,dongbao,2,400\n2025,dongbao,3,60\n"
OVERRIDE_OK = "year,area,birth_order,births\n2025,dongbao,1,500\n2025,dongbao,2,400\n2025,dongbao,3,60\n"


def _refused(tmp_path, write, scenario_extra: str) -> str:
    path = write("s.toml", f"""
        [scenario]
        name = "bad data"
        {scenario_extra}
        """)
    out = tmp_path / "never"
    result = cli("run", path, "--out", out, "--replicates", "3")
    assert result.exit_code == 2, result.output
    assert not out.exists() and "Traceback" not in result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(("rows", "expected"), [
    ("2025,dongbao,3,120\n", "no row for birth_order 1"),
    (COMPLETE_2025.replace(",60", ",-5"), "at least 0"),
    (COMPLETE_2025.replace(",60", ",6.5"), "whole number"),
    (COMPLETE_2025 + "2025,dongbao,3,1\n", "duplicate row"),
    (COMPLETE_2025.replace("2025,", "2021,"), "at least 2022"),
    (COMPLETE_2025.replace("2025,", "2037,"), "at most 2036 (the run simulates 2022-2036)"),
    (COMPLETE_2025.replace(",3,60", ",4,60"), "at most 3"),
    (COMPLETE_2025.replace("dongbao,1", "dongbao,1,x"), "not a valid CSV"),
])
def test_bad_births_override(tmp_path, write, rows, expected):
    write("births.csv", HEADER + rows)
    message = _refused(tmp_path, write, '[demography]\nbirths_override = "births.csv"')
    assert "births.csv" in message and expected in message


def test_override_with_months_needs_every_month(tmp_path, write):
    rows = "year,area,birth_order,month,births\n" + "".join(
        f"2025,dongbao,{order},{month},1\n" for order in (1, 2, 3) for month in range(1, 12))
    write("births.csv", rows)
    message = _refused(tmp_path, write, '[demography]\nbirths_override = "births.csv"')
    assert "no row for month 12" in message


def test_override_month_13_is_refused(tmp_path, write):
    rows = "year,area,birth_order,month,births\n2025,dongbao,1,13,4\n"
    write("births.csv", rows)
    message = _refused(tmp_path, write, '[demography]\nbirths_override = "births.csv"')
    assert "column 'month'" in message and "at most 12" in message


def _table_with(write, name: str, change) -> None:
    frame = pd.read_csv(DATA / name)
    write(name, change(frame).to_csv(index=False))


@pytest.mark.parametrize(("name", "change", "expected"), [
    ("housing_destination.csv", lambda f: f[f.from_area != "shayang"], "shayang"),
    ("housing_destination.csv", lambda f: f.assign(share=f.share * 0.9), "add up to"),
    ("fertility_by_age_order.csv", lambda f: f[f.age != 30], "age 30"),
    ("net_migration.csv", lambda f: f.assign(rate=-1.0), "> 1"),
    ("women_by_age.csv", lambda f: f.rename(columns={"women": "woman"}), "did you mean 'women'"),
    ("women_by_age.csv", lambda f: f.assign(extra=1), "column 'extra': unknown column"),
    ("parity_by_age.csv", lambda f: f.assign(parity0=f.parity0 * 0.5), "add up to"),
    ("life_table.csv", lambda f: f.astype({"q_female": object}).assign(q_female="n/a"), "not a number"),
])
def test_bad_data_table(tmp_path, write, name, change, expected):
    _table_with(write, name, change)
    table = name.removesuffix(".csv")
    message = _refused(tmp_path, write, f'[data]\n{table} = "{name}"')
    assert name in message and expected in message


def test_policy_start_after_the_horizon(tmp_path, write):
    message = _refused(tmp_path, write, 'policy_start = "2040-01"')
    assert "policy_start" in message and "end_year" in message


def test_end_year_past_the_data_horizon(tmp_path, write):
    message = _refused(tmp_path, write, "end_year = 2060")
    assert "scenario.end_year" in message and "2050" in message


def test_awards_refuse_a_roster_without_a_scheme(write):
    write("recipients.csv", "scheme,age,recipients\nrural_reward,70,1000\n")
    path = write("s.toml", """
        [scenario]
        name = "awards bad roster"
        [data]
        family_planning_recipients = "recipients.csv"
        [lines.family_planning_awards]
        enabled = true
        """)
    result = cli("run", path, "--out", path.parent / "out", "--replicates", "2")
    assert result.exit_code != 0
    assert "recipients.csv" in result.output and "special_disabled" in result.output
    assert not (path.parent / "out").exists()


def test_rerun_refuses_a_changed_input(tmp_path, write):
    write("b.csv", OVERRIDE_OK)
    path = write("s.toml", '[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n')
    assert cli("run", path, "--out", tmp_path / "first", "--replicates", "3", "--quiet").exit_code == 0
    write("b.csv", OVERRIDE_OK.replace(",60", ",61"))
    result = cli("rerun", tmp_path / "first" / "manifest.json", "--out", tmp_path / "second")
    assert result.exit_code == 2 and "b.csv" in result.output and "changed" in result.output
