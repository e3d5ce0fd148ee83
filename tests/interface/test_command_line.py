"""The command line: a run prints its summary in 万元, and `python -m model` is the same command."""

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
