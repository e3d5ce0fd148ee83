"""Previous results are never lost: an existing folder is kept without --force (and --force
replaces run folders only), a killed run leaves the previous results and no partial folder, and a
dead run's staging folder is cleaned up."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import BASELINE, REPO, cli


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


def _interruptible() -> None:
    # A shell's background job starts with Ctrl-C ignored, and Python keeps that: give the run the
    # default disposition an analyst's terminal gives it, so the test is about the program.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_run(out, replicates=4000):
    return subprocess.Popen([sys.executable, "-m", "model", "run", str(BASELINE), "--out", str(out), "--force",
                             "--replicates", str(replicates), "--workers", "1", "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_interruptible)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_killed_run_leaves_the_previous_results(tmp_path, how):
    out = tmp_path / "out"
    assert cli("run", BASELINE, "--out", out, "--replicates", "5", "--quiet").exit_code == 0
    before = (out / "budget.csv").read_bytes()
    process = _start_run(out)
    time.sleep(4)  # well into the simulation
    process.send_signal(how)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert (out / "budget.csv").read_bytes() == before  # the previous results are untouched
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == [], leftovers  # no partial folder


def test_stale_staging_folders_are_cleaned(tmp_path):
    stale = tmp_path / ".out.partial-999999-abcdefgh"  # a process that no longer exists
    stale.mkdir()
    (stale / ".birthbudget-staging").touch()  # the mark of the tool's staging folders (a user's is left alone)
    (stale / "budget.csv").write_text("partial")
    assert cli("run", BASELINE, "--out", tmp_path / "out", "--replicates", "3", "--quiet").exit_code == 0
    assert not stale.exists()
