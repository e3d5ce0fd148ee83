"""A careless or hostile user's files and folders: nothing lost, nothing silently wrong.

--force replaces only what the tool wrote; a replace killed at its worst moment leaves the old
results or the new, never neither; damaged run folders, folders and FIFOs where files belong,
full or read-only disks and names too long all end in one `error:` line with exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from model.run_folder import LEDGER, add_files
from tests.conftest import BASELINE, REPO, cli

OVERRIDE_OK = "year,area,birth_order,births\n2025,dongbao,1,500\n2025,dongbao,2,400\n2025,dongbao,3,60\n"


def _one_line_error(result) -> str:  # noqa: ANN001 - click's Result
    message = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert message.startswith("error:") and "Traceback" not in result.output, result.output
    return message


def _run(out: Path, *extra: str, scenario: Path = BASELINE) -> None:
    result = cli("run", scenario, "--out", out, "--replicates", "3", "--quiet", *extra)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("runs")
    _run(base / "a")
    _run(base / "b", scenario=REPO / "scenarios" / "high_uptake.toml")
    return base / "a", base / "b"


# ---------------------------------------------------------------- --force never deletes the user's files

def test_force_refuses_the_scenarios_own_folder(tmp_path, write):
    scenario = write("s.toml", '[scenario]\nname = "mine"\n')
    (tmp_path / "notes.txt").write_text("my notes")
    before = sorted(p.name for p in tmp_path.iterdir())
    for out in (tmp_path, Path(".")):
        result = cli("run", scenario, "--out", out, "--force", "--replicates", "3")
        assert "not a run folder" in _one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "notes.txt").read_text() == "my notes"


def test_force_refuses_a_run_folder_holding_the_users_files(tmp_path):
    out = tmp_path / "out"
    _run(out)
    (out / "charts").mkdir()
    (out / "charts" / "my_plot.png").write_bytes(b"mine")
    message = _one_line_error(cli("run", BASELINE, "--out", out, "--force", "--replicates", "3"))
    assert "did not write" in message and "charts/my_plot.png" in message
    assert (out / "charts" / "my_plot.png").read_bytes() == b"mine"


def test_force_replaces_a_run_folder_and_its_report(tmp_path):
    out = tmp_path / "out"
    _run(out)
    assert cli("report", out).exit_code == 0
    assert cli("mtfp", out, "--budget-year", "2026").exit_code == 0
    written = json.loads((out / LEDGER).read_text())["files"]
    assert "charts/cost_by_line.png" in written and "mtfp_2026.csv" in written and "appendix.xlsx" in written
    _run(out, "--force")  # everything in it was the tool's
    assert not (out / "charts").exists() and (out / "budget.csv").exists()


def test_force_replaces_a_run_folder_of_an_earlier_version(tmp_path):
    out = tmp_path / "out"
    _run(out)
    (out / LEDGER).unlink()  # folders written before the ledger existed
    _run(out, "--force")
    assert (out / LEDGER).exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("a file")
    assert "not a folder" in _one_line_error(cli("run", BASELINE, "--out", tmp_path / "out", "--force"))
    assert (tmp_path / "out").read_text() == "a file"


# ---------------------------------------------------------------- a replace killed at its worst moment

KILLER = """
import os, sys
import model.run_folder.replace as rf
where = sys.argv[1]
real_exchange, real_replace = rf._exchange, os.replace
if where == "before_exchange":
    rf._exchange = lambda a, b: os._exit(9)
elif where == "after_exchange":
    def exchange(a, b):
        real_exchange(a, b)
        os._exit(9)
    rf._exchange = exchange
else:  # no exchange on this system: killed between setting the old folder aside and moving the new in
    rf._exchange = lambda a, b: False
    def replace(a, b):
        real_replace(a, b)
        if ".old-" in str(b):
            os._exit(9)
    rf.os.replace = replace
from model.cli import main
sys.argv = ["birthbudget", "run", sys.argv[2], "--out", sys.argv[3], "--force", "--replicates", "7", "--quiet"]
main()
"""


@pytest.mark.parametrize("where", ["before_exchange", "after_exchange", "between_renames"])
def test_a_replace_killed_at_its_worst_moment_leaves_old_or_new(tmp_path, where):
    out = tmp_path / "out"
    _run(out)
    old = (out / "budget.csv").read_bytes()
    done = subprocess.run([sys.executable, "-c", KILLER, where, str(BASELINE), str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 9, done.stderr
    if where == "between_renames":  # the one window without an exchange: the next command restores
        assert not out.exists()
        assert cli("compare", out, out).exit_code == 0
    budget = (out / "budget.csv").read_bytes()
    assert budget == old if where != "after_exchange" else budget != old
    assert json.loads((out / "manifest.json").read_text())["replicates"] == (7 if where == "after_exchange" else 3)
    _run(out, "--force")  # and whatever the killed run left beside it is cleaned up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_report_that_fails_leaves_the_run_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _run(out)
    before = sorted(p.name for p in out.iterdir())

    def full_disk(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("model.report.build.write_appendix", full_disk)
    message = _one_line_error(cli("report", out))
    assert "no space left" in message and "nothing was changed" in message
    assert sorted(p.name for p in out.iterdir()) == before  # no charts/, no appendix.pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_files_added_to_a_run_folder_never_change_the_old_files_through_links(tmp_path):
    out = tmp_path / "out"
    _run(out)
    (tmp_path / "keep").mkdir()
    os.link(out / "budget.csv", tmp_path / "keep" / "budget.csv")  # someone's hard link to the old file
    old = (out / "budget.csv").read_bytes()
    add_files(out, {"budget.csv": lambda path: path.write_text("new")})
    assert (tmp_path / "keep" / "budget.csv").read_bytes() == old
    assert (out / "budget.csv").read_text() == "new"


# ---------------------------------------------------------------- disks and names

def _mount(path: Path, options: str) -> bool:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def mounted(path: Path, options: str):  # noqa: ANN201
    if not _mount(path, options):
        pytest.skip("mounting a small file system needs root (CI and the developers' machines run as root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def test_a_full_disk_is_refused_before_the_simulation(tmp_path):
    with mounted(tmp_path / "small", "size=2m") as small:
        message = _one_line_error(cli("run", BASELINE, "--out", small / "out", "--replicates", "50"))
        assert "MiB free" in message and not (small / "out").exists()


def test_a_read_only_disk_is_refused_before_the_simulation(tmp_path):
    with mounted(tmp_path / "ro", "ro,size=1m") as read_only:
        message = _one_line_error(cli("run", BASELINE, "--out", read_only / "out", "--replicates", "3"))
        assert "read-only" in message


def test_a_disk_that_fills_while_writing_leaves_nothing(tmp_path, monkeypatch):
    def full(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("model.run_folder.write.write_npz", full)
    message = _one_line_error(cli("run", BASELINE, "--out", tmp_path / "out", "--replicates", "3"))
    assert "no space left" in message
    assert list(tmp_path.iterdir()) == []


def test_an_output_name_too_long_for_the_file_system(tmp_path):
    message = _one_line_error(cli("run", BASELINE, "--out", tmp_path / ("长" * 90), "--replicates", "3"))
    assert "too long" in message


def test_a_seed_beyond_64_bits_on_the_command_line(tmp_path):
    result = cli("run", BASELINE, "--out", tmp_path / "out", "--seed", str(2**64))
    assert result.exit_code == 2 and "Traceback" not in result.output and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- what is not a regular file

def test_folders_fifos_and_devices_as_inputs(tmp_path, write):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    (tmp_path / "folder.csv").mkdir()
    for target, words in ((fifo, "FIFO"), (tmp_path / "folder.csv", "folder"), (Path("/dev/zero"), "device")):
        for text in (f'[scenario]\nname = "x"\n[demography]\nbirths_override = "{target}"\n',
                     f'[scenario]\nname = "x"\n[data]\nlife_table = "{target}"\n'):
            scenario = write("s.toml", text)
            # in a subprocess: a FIFO read the old way would wait for ever
            done = subprocess.run([sys.executable, "-m", "model", "run", str(scenario), "--out", str(tmp_path / "o"),
                                   "--replicates", "3"], cwd=REPO, capture_output=True, text=True, timeout=120)
            assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    for target in (fifo, tmp_path / "folder.csv", Path("/dev/zero")):
        done = subprocess.run([sys.executable, "-m", "model", "validate", str(target)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and ("regular file" in done.stderr or "folder" in done.stderr), done.stderr


def test_an_input_larger_than_any_real_table_is_refused_unread(tmp_path, write, monkeypatch):
    monkeypatch.setattr("model.input_tables.TABLE_LIMIT", 1000)
    write("b.csv", OVERRIDE_OK + "# padding\n" * 200)
    scenario = write("s.toml", '[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n')
    assert "MiB" in _one_line_error(cli("run", scenario, "--out", tmp_path / "o", "--replicates", "3"))


# ---------------------------------------------------------------- damaged run folders

def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


DAMAGE = {
    "truncated manifest": lambda run: _truncate(run / "manifest.json"),
    "truncated replicates": lambda run: _truncate(run / "replicates.npz"),
    "manifest a list": lambda run: (run / "manifest.json").write_text("[1, 2]"),
    "manifest a number": lambda run: (run / "manifest.json").write_text("42"),
    "manifest nested deep": lambda run: (run / "manifest.json").write_text("[" * 100_000 + "]" * 100_000),
    "manifest a folder": lambda run: ((run / "manifest.json").unlink(), (run / "manifest.json").mkdir()),
    "unknown line id": lambda run: _rename_line(run / "replicates.npz", "nipt", "wuhan_bonus"),
    "budget not csv": lambda run: (run / "budget.csv").write_bytes(b"\x00\xff" * 100),
}


def _rename_line(path: Path, old: str, new: str) -> None:
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["lines"] = np.array([new if str(line) == old else str(line) for line in arrays["lines"]])
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_run_folders_end_in_one_line(tmp_path, two_runs, damage):
    good = two_runs[0]
    run = tmp_path / "run"
    subprocess.run(["cp", "-r", str(good), str(run)], check=True)
    DAMAGE[damage](run)
    commands = [("compare", good, run), ("compare", run, good), ("report", run), ("mtfp", run, "--budget-year", "2026"),
                ("rerun", run / "manifest.json", "--out", tmp_path / "again")]
    for command in commands:
        result = cli(*command)
        if damage == "budget not csv" and command[0] == "compare":
            continue  # it reads the manifest and the replicates only
        if command[0] == "rerun" and "manifest" not in damage:
            assert result.exit_code == 0, result.output  # it needs the manifest only, and writes all anew
            continue
        if command[0] == "mtfp" and damage != "budget not csv" and "manifest" not in damage:
            assert result.exit_code == 0, result.output  # it reads the tables, and the manifest for its subtotals
            continue
        assert str(run) in _one_line_error(result), (command, result.output)
    assert ("manifest" in damage) != (tmp_path / "again").exists()


def test_mtfp_on_a_run_without_cash_rows(tmp_path, write):
    scenario = write("s.toml", '[scenario]\nname = "x"\n[disbursement]\nenabled = false\n')
    _run(tmp_path / "out", scenario=scenario)
    assert "no cash figures" in _one_line_error(cli("mtfp", tmp_path / "out", "--budget-year", "2026"))
    out = tmp_path / "out"
    _run(tmp_path / "cash")
    budget = (tmp_path / "cash" / "budget.csv").read_text().splitlines()
    (tmp_path / "cash" / "budget.csv").write_text("\n".join(row for row in budget if ",cash," not in row) + "\n")
    assert "no cash figures" in _one_line_error(cli("mtfp", tmp_path / "cash", "--budget-year", "2026"))
    assert not list(out.glob("mtfp_*"))


# ---------------------------------------------------------------- compare and report

def test_compare_out_into_a_new_folder_and_never_over_the_users_file(tmp_path, two_runs):
    a, b = two_runs
    table = tmp_path / "new" / "sub" / "diff.csv"
    assert cli("compare", a, b, "--out", table).exit_code == 0 and table.is_file()
    assert cli("compare", a, b, "--out", table).exit_code == 0  # its own file: replaced
    (tmp_path / "mine.csv").write_text("my,data\n1,2\n")
    assert "not written by birthbudget" in _one_line_error(cli("compare", a, b, "--out", tmp_path / "mine.csv"))
    assert (tmp_path / "mine.csv").read_text() == "my,data\n1,2\n"
    assert "not a regular file" in _one_line_error(cli("compare", a, b, "--out", tmp_path / "new"))


def test_report_compare_refuses_runs_of_other_years(tmp_path, two_runs, write):
    scenario = write("s.toml", '[scenario]\nname = "short"\nend_year = 2030\n')
    _run(tmp_path / "short", scenario=scenario)
    message = _one_line_error(cli("report", two_runs[0], "--compare", tmp_path / "short"))
    assert "different budget years" in message and "2025-2035" in message and "2025-2030" in message
    message = _one_line_error(cli("compare", two_runs[0], tmp_path / "short"))
    assert "different budget years" in message


def test_difference_chart_names_its_bars_and_dollar_signs_are_text(tmp_path, two_runs, write):
    from model.report import charts
    from model.report.fonts import use_cjk_font
    from model.report.labels import line_name
    from model.run_folder import load_run

    scenario = write("s.toml", '[scenario]\nname = "cost $1$ and $x^2$"\n')
    _run(tmp_path / "dollar", scenario=scenario)
    use_cjk_font()
    run, other = load_run(two_runs[0]), load_run(tmp_path / "dollar")
    figure = charts.difference(run, other)
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert labels == [line_name(line, "zh") for line in run.lines]
    footer = charts.cost_by_line(other)
    texts = [text for text in footer.texts if "$" in text.get_text()]
    assert texts and all(not text._preprocess_math(text.get_text())[1] for text in texts)
    assert cli("report", tmp_path / "dollar").exit_code == 0


# ---------------------------------------------------------------- rerun repeats only what it can prove

def _first_run(tmp_path: Path, write) -> Path:  # noqa: ANN001
    write("b.csv", OVERRIDE_OK)
    scenario = write("s.toml", '[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n')
    _run(tmp_path / "first", scenario=scenario)
    return tmp_path / "first" / "manifest.json"


def _edit(path: Path, change) -> None:  # noqa: ANN001
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("edit", ["value", "override path", "emptied checksums", "digest removed"])
def test_rerun_refuses_an_edited_manifest(tmp_path, write, edit):
    manifest = _first_run(tmp_path, write)
    other = write("other.csv", OVERRIDE_OK.replace(",60", ",61"))
    changes = {
        "value": lambda d: d["scenario"]["lines"]["nipt"].update(price=1),
        "override path": lambda d: d["scenario"]["demography"].update(births_override=str(other)),
        "emptied checksums": lambda d: d.update(input_checksums_sha256={}),
        "digest removed": lambda d: d.pop("content_sha256"),
    }
    _edit(manifest, changes[edit])
    message = _one_line_error(cli("rerun", manifest, "--out", tmp_path / "again"))
    assert "manifest" in message and not (tmp_path / "again").exists()


def test_rerun_warns_when_the_code_differs(tmp_path, write, monkeypatch):
    manifest = _first_run(tmp_path, write)
    monkeypatch.setattr("model.rerun.code_fingerprint", lambda: "other code")
    result = cli("rerun", manifest, "--out", tmp_path / "again")
    assert result.exit_code == 0 and "code differs" in " ".join(result.output.split())


# ---------------------------------------------------------------- installs without a writable numba cache

def test_every_command_works_without_a_writable_numba_cache(tmp_path):
    script = textwrap.dedent(f"""
        import numba.core.caching as caching
        def read_only(self):
            raise OSError(30, "Read-only file system")
        caching._CacheLocator.ensure_cache_path = read_only
        import sys
        from model.cli import main
        sys.argv = ["birthbudget", "run", {str(BASELINE)!r}, "--out", {str(tmp_path / "out")!r}, "--replicates", "3",
                    "--quiet", "--workers", "1"]
        main()
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "budget.csv").exists()


def _workers_of(process: subprocess.Popen, deadline: float) -> list[int]:
    while time.monotonic() < deadline:
        time.sleep(0.3)
        with contextlib.suppress(FileNotFoundError):
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            if children:
                return [int(c) for c in children]
    raise AssertionError("the command started no workers")


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_worker_killed_from_outside_is_one_line(tmp_path, command):
    """The out-of-memory killer takes one worker: the command ends at once in one error line (it
    hung: the pool's SIGTERM to the other worker met the command line's own SIGTERM handler)."""
    args = (["run", str(BASELINE), "--replicates", "3000"] if command == "run"
            else ["sweep", str(REPO / "scenarios" / "sweeps" / "take_up_grid.toml"), "--replicates", "400"])
    process = subprocess.Popen([sys.executable, "-m", "model", *args, "--out", str(tmp_path / "out"),
                                "--workers", "2"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = _workers_of(process, time.monotonic() + 60)
    time.sleep(1.5)
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 2, stderr[-2000:]
    assert "worker process died" in stderr and "Traceback" not in stderr
    if command == "run":
        assert not (tmp_path / "out").exists()


def test_memory_available_counts_the_page_cache_the_kernel_gives_back(tmp_path, monkeypatch):
    """Free pages alone fall near zero on a machine that has read many files; a run must not be
    refused then (it was: '4 replicates need about 0.3 GiB; this machine has 0.2 GiB free')."""
    import model.memory as memory

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:          200000 kB\nMemAvailable:   22000000 kB\n")
    monkeypatch.setattr(memory, "MEMINFO", str(meminfo))
    assert memory.available_bytes() == 22_000_000 * 1024


def test_links_in_and_to_run_folders(tmp_path):
    """A run folder reached through a link is replaced where it is (the link stays a link); links
    inside a run folder are kept as links by report, never followed (a link to /dev/zero is not read)."""
    real = tmp_path / "real"
    _run(real)
    (tmp_path / "link").symlink_to(real)
    _run(tmp_path / "link", "--force")
    assert (tmp_path / "link").is_symlink() and (real / "budget.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
    (real / "zero").symlink_to("/dev/zero")
    (real / "elsewhere").symlink_to(tmp_path)
    assert cli("report", real).exit_code == 0
    assert (real / "zero").is_symlink() and (real / "elsewhere").is_symlink()
    assert (real / "charts" / "cost_by_line.png").exists()


def test_folders_that_only_look_like_leftovers_are_never_touched(tmp_path, two_runs):
    run = tmp_path / "runA"
    subprocess.run(["cp", "-r", str(two_runs[0]), str(run)], check=True)
    mine = [tmp_path / ".runA.old-999999-backup", tmp_path / ".runA.partial-999998-mywork",
            tmp_path / ".runA.old-999997-abcdefgh"]
    for folder in mine:
        folder.mkdir()
        (folder / "notes.txt").write_text("mine")
    assert cli("compare", run, run).exit_code == 0
    assert cli("mtfp", run, "--budget-year", "2026").exit_code == 0
    assert all((folder / "notes.txt").read_text() == "mine" for folder in mine)


def test_force_refuses_a_folder_whose_manifest_is_another_programs(tmp_path):
    out = tmp_path / "myproj"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my web app", "icons": []}')
    (out / "budget.csv").write_text("my,own\n1,2\n")
    message = _one_line_error(cli("run", BASELINE, "--out", out, "--force", "--replicates", "3"))
    assert "not a run folder" in message
    assert (out / "budget.csv").read_text() == "my,own\n1,2\n"


def test_report_and_mtfp_leave_the_folder_itself_alone(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _run(out)
    out.chmod(0o700)
    inode = out.stat().st_ino
    monkeypatch.chdir(out)  # an analyst standing in the run folder
    assert cli("report", ".").exit_code == 0 and cli("mtfp", ".", "--budget-year", "2026").exit_code == 0
    assert out.stat().st_ino == inode and (out.stat().st_mode & 0o777) == 0o700
    assert Path.cwd() == out and (out / "charts" / "cost_by_line.png").exists()
    assert not [p for p in out.rglob(".*partial*")]
    assert "current folder" in _one_line_error(cli("run", BASELINE, "--out", ".", "--force", "--replicates", "3"))
    monkeypatch.chdir(tmp_path)
    _run(out, "--force")
    assert (out.stat().st_mode & 0o777) == 0o700  # a private run folder stays private


def _edit_budget(run: Path, change) -> None:  # noqa: ANN001
    lines = (run / "budget.csv").read_text().splitlines()
    (run / "budget.csv").write_text("\n".join(change(lines)) + "\n")


BUDGET_DAMAGE = {
    "nan": lambda lines: [lines[0], lines[1].rsplit(",", 1)[0] + ",nan", *lines[2:]],
    "inf": lambda lines: [lines[0], lines[1].rsplit(",", 1)[0] + ",inf", *lines[2:]],
    "empty cell": lambda lines: [lines[0], lines[1].rsplit(",", 1)[0] + ",", *lines[2:]],
    "unknown line": lambda lines: [lines[0], lines[1].replace(",nipt,", ",bogus,"), *lines[2:]],
    "unknown payer": lambda lines: [lines[0], lines[1].replace(",city,", ",mars,"), *lines[2:]],
    "missing row": lambda lines: [lines[0], *lines[2:]],
    "duplicated row": lambda lines: [*lines, lines[1]],
}


@pytest.mark.parametrize("damage", list(BUDGET_DAMAGE))
def test_a_hand_edited_budget_is_refused_by_mtfp_and_report(tmp_path, two_runs, damage):
    run = tmp_path / "run"
    subprocess.run(["cp", "-r", str(two_runs[0]), str(run)], check=True)
    _edit_budget(run, BUDGET_DAMAGE[damage])
    for command in (("mtfp", run, "--budget-year", "2026"), ("report", run)):
        assert "budget.csv" in _one_line_error(cli(*command)), (damage, command)
    assert not list(run.glob("mtfp_*")) and not (run / "charts").exists()


def test_replicates_that_would_unpack_beyond_memory_are_refused_unread(tmp_path, two_runs):
    run = tmp_path / "run"
    subprocess.run(["cp", "-r", str(two_runs[0]), str(run)], check=True)
    with zipfile.ZipFile(run / "replicates.npz", "a") as archive, archive.open("huge.npy", "w") as member:
        header = {"descr": "<f8", "fortran_order": False, "shape": (2**40,)}
        np.lib.format.write_array_header_1_0(member, header)
    message = _one_line_error(cli("compare", run, two_runs[0]))
    assert "'huge'" in message and "no run writes" in message


def test_compare_out_in_a_read_only_place_fails_before_any_work(tmp_path, two_runs):
    with mounted(tmp_path / "ro", "ro,size=1m") as read_only:
        result = cli("compare", *two_runs, "--out", read_only / "d.csv")
        assert "read-only" in _one_line_error(result) and "B − A" not in result.output


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_a_run_killed_from_outside(tmp_path, how):
    """`timeout` sends SIGTERM, the out-of-memory killer SIGKILL: the pool's workers must go too
    (they stayed, blocked on a pipe, about 250 MB each)."""
    process = subprocess.Popen([sys.executable, "-m", "model", "run", str(BASELINE), "--out", str(tmp_path / "out"),
                                "--replicates", "4000", "--workers", "2", "--quiet"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        time.sleep(0.5)
        with contextlib.suppress(FileNotFoundError):
            children = [int(c) for c in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    assert children, "the run started no workers"
    time.sleep(2)
    process.send_signal(how)
    process.wait(timeout=60)
    time.sleep(2)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    assert not alive, f"workers still running after {how!r}: {alive}"
    assert not (tmp_path / "out").exists()


YEAR_DAMAGE = {
    "text year in budget": ("budget.csv", lambda lines: [lines[0], lines[1].replace("2025,", "x2025,", 1), *lines[2:]]),
    "unknown basis": ("budget.csv", lambda lines: [lines[0], *(row.replace(",accrual,", ",maybe,") for row in lines[1:])]),
    "text year in payables": ("payables.csv", lambda lines: [lines[0], lines[1].replace("2024,", "x2024,", 1),
                                                             *lines[2:]]),
    "a payables year deleted": ("payables.csv", lambda lines: [lines[0], *(row for row in lines[1:]
                                                                         if not row.startswith("2035,"))]),
}


@pytest.mark.parametrize("damage", list(YEAR_DAMAGE))
def test_damaged_years_and_bases_are_refused(tmp_path, two_runs, damage):
    name, change = YEAR_DAMAGE[damage]
    run = tmp_path / "run"
    subprocess.run(["cp", "-r", str(two_runs[0]), str(run)], check=True)
    lines = (run / name).read_text().splitlines()
    (run / name).write_text("\n".join(change(lines)) + "\n")
    assert name in _one_line_error(cli("mtfp", run, "--budget-year", "2026"))


def test_readers_leave_a_read_only_run_folder_alone(tmp_path, two_runs):
    """A killed writer's leftover in a folder the reader cannot write: compare, report's reading
    and mtfp's reading go on (the clean-up is best effort), and nothing is changed."""
    with mounted(tmp_path / "ro", "size=8m") as place:
        run = place / "run"
        subprocess.run(["cp", "-r", str(two_runs[0]), str(run)], check=True)
        (run / ".mtfp_2026.partial-999999-abcdefgh.csv").write_text("half")
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        assert cli("compare", run, two_runs[0]).exit_code == 0
        assert "read-only" in _one_line_error(cli("mtfp", run, "--budget-year", "2026"))


def test_the_current_folder_reached_another_way_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _run(out)
    (tmp_path / "link").symlink_to(tmp_path)
    monkeypatch.chdir(out)
    for other in ("../out", str(tmp_path / "link" / "out")):
        assert "current folder" in _one_line_error(cli("run", BASELINE, "--out", other, "--force",
                                                       "--replicates", "3"))
    assert (out / "budget.csv").exists()


def test_a_users_file_that_appears_while_the_run_writes_is_kept(tmp_path, monkeypatch):
    import model.run_folder.replace as replace

    out = tmp_path / "out"
    _run(out)
    real_swap = replace._swap_in

    def swap_after_the_user_saved_a_file(staging: Path, target: Path) -> None:
        (target / "my_notes.txt").write_text("written during the run")
        real_swap(staging, target)

    monkeypatch.setattr(replace, "_swap_in", swap_after_the_user_saved_a_file)
    with pytest.warns(UserWarning, match="my_notes.txt"):
        _run(out, "--force")
    kept = list(tmp_path.glob("out.replaced-*"))
    assert len(kept) == 1 and (kept[0] / "my_notes.txt").read_text() == "written during the run"


def test_a_link_inside_a_run_folder_counts_as_the_users(tmp_path):
    out = tmp_path / "out"
    _run(out)
    (tmp_path / "mydata").mkdir()
    (tmp_path / "mydata" / "x.csv").write_text("1")
    (out / "my_link").symlink_to(tmp_path / "mydata")
    assert "my_link" in _one_line_error(cli("run", BASELINE, "--out", out, "--force", "--replicates", "3"))
    assert (out / "my_link").is_symlink()


def test_a_report_that_fails_while_renaming_says_so(tmp_path):
    out = tmp_path / "out"
    _run(out)
    (out / "appendix.pdf").mkdir()  # a folder where a file of the report belongs
    message = _one_line_error(cli("report", out))
    assert "appendix.pdf" in message or "folder" in message
    assert "nothing was changed" in message and not (out / "charts").exists()
    (out / "appendix.pdf").rmdir()
    assert cli("report", out).exit_code == 0
    _run(out, "--force")  # every file the report wrote is listed: nothing counts as the user's


def test_rerun_from_another_install_of_the_same_code(tmp_path, write):
    """The package's own data files are named relative to the package in the manifest, so another
    checkout or install re-runs the run (it refused: the absolute paths of the first install)."""
    manifest = _first_run(tmp_path, write)
    listed = json.loads(manifest.read_text())["input_checksums_sha256"]
    assert any(key.startswith("package:data/") for key in listed)
    other = tmp_path / "elsewhere"
    other.mkdir()
    subprocess.run(["cp", "-r", str(REPO / "model"), str(other / "model")], check=True)
    environment = {**os.environ, "PYTHONPATH": str(other)}
    where = subprocess.run([sys.executable, "-c", "import model; print(model.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=environment)
    assert where.stdout.strip() == str(other / "model" / "__init__.py")  # the other install is the one used
    done = subprocess.run([sys.executable, "-m", "model", "rerun", str(manifest), "--out", str(tmp_path / "again")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, env=environment)
    assert done.returncode == 0, done.stderr[-1500:]
    assert (tmp_path / "again" / "budget.csv").read_bytes() == (tmp_path / "first" / "budget.csv").read_bytes()
