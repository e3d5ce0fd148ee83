"""Write docs/mutation/scores.md from the last `mutmut run`: mutants killed by module and by area,
the mutants shown equivalent (docs/mutation/equivalent.toml, each with its reason) and any survivor.

Usage (after `mutmut run`):  python scripts/mutation_scores.py [WORKSPACE ...]
A workspace is a checkout where `mutmut run` ran (default: this one); several are merged, so a long
run can be split between checkouts (e.g. one for the lines with only_mutate = ["model/lines/*.py"]).
Exit status 1 when an area is below the target or a survivor has no reason written down.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EQUIVALENT = REPO / "docs" / "mutation" / "equivalent.toml"
SCORES = REPO / "docs" / "mutation" / "scores.md"
NOTES = REPO / "docs" / "mutation" / "notes.md"  # the state of the last run, in words (optional)
TARGET = 0.95
KILLED = {"killed", "timeout", "caught by type check", "segfault"}  # a test (or the checker) noticed
AREAS = {  # area → module prefixes (issue 18's five areas)
    "lines": ("model.lines",),
    "cost sharing": ("model.pipeline.accounts",),
    "cash timing": ("model.disbursement",),
    "results": ("model.result_tables", "model.summary", "model.compare", "model.mtfp"),
    "scenario": ("model.scenario", "model.sections", "model.bounded_numbers"),
}


def mutant_statuses(workspace: Path) -> dict[str, str]:
    """mutant name → status, from `mutmut results --all true` in a workspace."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=workspace,
                         capture_output=True, text=True, check=True).stdout
    statuses = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            statuses[name] = status.strip()
    return statuses


def equivalent_mutants() -> dict[str, str]:
    """mutant name → why no output can differ (a reason's id in [reasons], or the reason itself)."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text("utf-8"))
    reasons: dict[str, str] = data.get("reasons", {})
    return {name: reasons.get(why, why) for name, why in data.get("mutants", {}).items()}


def module_of(mutant: str) -> str:
    match = re.match(r"^(.*?)\.x[_ǁ]", mutant)
    return match.group(1) if match else mutant.rsplit(".", 1)[0]


def area_of(module: str) -> str:
    return next((area for area, prefixes in AREAS.items() if module.startswith(prefixes)), "other")


def main() -> int:
    statuses: dict[str, str] = {}
    for workspace in [Path(arg) for arg in sys.argv[1:]] or [REPO]:
        # a mutant judged in one workspace and not checked in another keeps its verdict
        for name, status in mutant_statuses(workspace).items():
            if statuses.get(name, "not checked") == "not checked":
                statuses[name] = status
    if not statuses:
        print("no mutants: run `mutmut run` first", file=sys.stderr)
        return 1
    equivalent = equivalent_mutants()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[str] = []
    for name, status in sorted(statuses.items()):
        module = module_of(name)
        if status in KILLED:
            counts[module]["killed"] += 1
        elif status == "skipped":
            counts[module]["skipped"] += 1
        elif status == "not checked":
            counts[module]["not checked"] += 1
        elif name in equivalent:
            counts[module]["equivalent"] += 1
        else:  # survived, no tests, suspicious (ran too long to judge)
            counts[module]["survived"] += 1
            survivors.append(f"{name} ({status})")
    stale = sorted(set(equivalent) - set(statuses))

    def score(c: Counter[str]) -> float:
        judged = c["killed"] + c["survived"]
        return c["killed"] / judged if judged else 1.0

    def verdict(c: Counter[str]) -> str:
        if c["not checked"]:
            return f"incomplete ({c['not checked']} not checked)"
        return "met" if score(c) >= TARGET else "NOT met"

    def cells(c: Counter[str]) -> str:
        shown = f"{score(c):.1%}" if c["killed"] + c["survived"] else "–"
        return f"{sum(c.values())} | {c['killed']} | {c['equivalent']} | {c['survived']} | {c['not checked']} | {shown}"

    rows, by_area = [], defaultdict(Counter)
    for module in sorted(counts):
        by_area[area_of(module)].update(counts[module])
        rows.append(f"| {module} | {area_of(module)} | {cells(counts[module])} |")
    area_rows = [f"| {area} | {cells(c)} | {verdict(c)} |" for area, c in by_area.items()]
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = "mutants | killed | equivalent | survived | not checked | score"
    text = [
        "# Mutation scores", "",
        f"Last run: {today}, mutmut {_mutmut_version()}, `mutmut run` with the settings in pyproject.toml "
        "([tool.mutmut]), then `python scripts/mutation_scores.py`.", "",
        "Score = mutants killed (a test failed, the run crashed or timed out) ÷ mutants judged (killed or "
        "survived). Mutants shown equivalent (no output can differ; reasons in `equivalent.toml`) are left "
        "out, and so is code mutmut cannot run: the numba loops (checked against their numpy twins by "
        "tests/engine/test_compiled_kernels.py), the kernels' example inputs, and `within()`, which runs at "
        f"import (tests/scenario/test_bounds.py checks its bounds). Target: at least {TARGET:.0%} in each area.",
        "",
        *([NOTES.read_text("utf-8"), ""] if NOTES.exists() else []),
        "## By area", "",
        f"| area | {header} | target |", "|---|---:|---:|---:|---:|---:|---:|---|", *area_rows, "",
        "## By module", "",
        f"| module | area | {header} |", "|---|---|---:|---:|---:|---:|---:|---:|", *rows, "",
        "## Surviving mutants", "",
        *([f"- {s}" for s in survivors] or ["None."]), "",
    ]
    if stale:
        text += ["## Reasons for mutants that no longer exist (renumbered by a code change)", "",
                 *[f"- {name}" for name in stale], ""]
    SCORES.write_text("\n".join(text), encoding="utf-8")
    print("\n".join(area_rows))
    print(f"wrote {SCORES.relative_to(REPO)}; {len(survivors)} survivors, {len(stale)} stale reasons")
    unmet = [a for a, c in by_area.items() if a != "other" and verdict(c) != "met"]
    return 1 if unmet else 0


def _mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


if __name__ == "__main__":
    sys.exit(main())
