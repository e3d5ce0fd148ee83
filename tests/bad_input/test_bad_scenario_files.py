"""The command line: the main job, `python -m model`, and bad input refused before any work."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import BASELINE, REPO, cli


def test_run_prints_the_summary_in_wan_yuan(tmp_path):
    result = cli("run", BASELINE, "--out", tmp_path / "out", "--replicates", "10")
    assert result.exit_code == 0, result.output
    assert "万元" in result.output and "三孩育儿补贴" in result.output and "市本级" in result.output
    assert "p05" in result.output and "p95" in result.output


def test_python_dash_m_model_is_the_same_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "model", "run", str(BASELINE), "--out", str(tmp_path / "o"),
                           "--replicates", "5", "--quiet"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "o" / "budget.csv").exists()


def _refused(tmp_path, *args):
    out = tmp_path / "never"
    result = cli("run", *args, "--out", out, "--replicates", "3")
    assert result.exit_code == 2, result.output
    assert not out.exists(), "no output folder may be left behind"
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


def test_unknown_key_is_refused_with_a_suggestion(tmp_path, write):
    path = write("typo.toml", """
        [scenario]
        name = "typo"
        [lines.third_child_allowance]
        monthly_amont = 600
        """)
    message = _refused(tmp_path, path)
    assert "typo.toml" in message and "lines.third_child_allowance.monthly_amont" in message
    assert "did you mean 'monthly_amount'" in message


def test_take_up_outside_zero_one_is_refused(tmp_path, write):
    path = write("bad.toml", """
        [scenario]
        name = "bad"
        [lines.housing_subsidy]
        take_up = 1.5
        """)
    message = _refused(tmp_path, path)
    assert "bad.toml" in message and "lines.housing_subsidy.take_up" in message and "1" in message


def test_override_with_unknown_area_is_refused(tmp_path, write):
    write("births.csv", "year,area,birth_order,births\n2025,wuhan,3,10\n")
    path = write("s.toml", """
        [scenario]
        name = "override"
        [demography]
        births_override = "births.csv"
        """)
    message = _refused(tmp_path, path)
    assert "births.csv" in message and "'area'" in message and "wuhan" in message and "dongbao" in message


def test_bad_value_in_a_parent_names_the_parent(tmp_path, write):
    write("parent.toml", """
        [scenario]
        name = "parent"
        [eligibility]
        city_hukou_share = 2
        """)
    child = write("child.toml", """
        [scenario]
        name = "child"
        extends = "parent.toml"
        """)
    message = _refused(tmp_path, child)
    assert "parent.toml" in message and "eligibility.city_hukou_share" in message


def test_existing_output_is_kept_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous results")
    result = cli("run", BASELINE, "--out", out, "--replicates", "3")
    assert result.exit_code == 2 and "--force" in result.output
    assert (out / "keep.txt").exists()
    forced = cli("run", BASELINE, "--out", out, "--replicates", "3", "--force", "--quiet")
    assert forced.exit_code == 2 and "not a run folder" in forced.output  # --force replaces run folders only
    assert (out / "keep.txt").read_text() == "previous results"
    (out / "keep.txt").unlink()
    out.rmdir()
    assert cli("run", BASELINE, "--out", out, "--replicates", "3", "--quiet").exit_code == 0
    assert cli("run", BASELINE, "--out", out, "--replicates", "4", "--force", "--quiet").exit_code == 0
    assert (out / "budget.csv").exists()


def test_year_path_without_a_rule_for_early_years_is_refused(tmp_path, write):
    path = write("path.toml", """
        [scenario]
        name = "path"
        [lines.childcare_slot_subsidy]
        slots_per_1000 = { values = { 2025 = 4.5 }, after = "hold" }
        """)
    message = _refused(tmp_path, path)
    assert "slots_per_1000" in message and "2023" in message and "before" in message  # needed from the policy start
