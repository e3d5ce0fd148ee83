"""Write docs/mutation/scores.md from the last `mutmut run`: mutants killed by module and by area,
the mutants shown equivalent (docs/mutation/equivalent.toml, each with its reason) and any survivor.

Usage (after `mutmut run`):  python scripts/mutation_scores.py
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
TARGET = 0.95
KILLED = {"killed", "timeout", "caught by type check", "segfault"}  # a test (or the checker) noticed
AREAS = {  # area → module prefixes (issue 18's five areas)
    "lines": ("model.lines.",),
    "cost sharing": ("model.pipeline.accounts",),
    "cash timing": ("model.disbursement",),
    "results": ("model.result_tables", "model.summary", "model.compare", "model.mtfp"),
    "scenario": ("model.scenario", "model.bounded_numbers"),
}


def mutant_statuses() -> dict[str, str]:
    """mutant name → status, from `mutmut results --all true`."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=REPO,
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
    statuses = mutant_statuses()
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
        elif name in equivalent:
            counts[module]["equivalent"] += 1
        else:
            counts[module]["survived" if status != "not checked" else "not checked"] += 1
            survivors.append(f"{name} ({status})")
    stale = sorted(set(equivalent) - set(statuses))

    def score(c: Counter[str]) -> float:
        judged = c["killed"] + c["survived"] + c["not checked"]
        return c["killed"] / judged if judged else 1.0

    rows, by_area = [], defaultdict(Counter)
    for module in sorted(counts):
        c = counts[module]
        by_area[area_of(module)].update(c)
        rows.append(f"| {module} | {area_of(module)} | {sum(c.values())} | {c['killed']} | {c['equivalent']} | "
                    f"{c['survived'] + c['not checked']} | {score(c):.1%} |")
    area_rows = [f"| {area} | {sum(c.values())} | {c['killed']} | {c['equivalent']} | "
                 f"{c['survived'] + c['not checked']} | {score(c):.1%} | {'met' if score(c) >= TARGET else 'NOT met'} |"
                 for area, c in by_area.items()]
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = [
        "# Mutation scores", "",
        f"Last run: {today}, mutmut {_mutmut_version()}, `mutmut run` with the settings in pyproject.toml "
        "([tool.mutmut]), then `python scripts/mutation_scores.py`.", "",
        "Score = mutants killed (a test failed, or the run timed out) ÷ mutants judged. Mutants shown "
        "equivalent (no output can differ; reasons in `equivalent.toml`) are left out of the score, "
        f"and so are those in code mutmut cannot run (the numba loops, checked against their numpy twins "
        f"by tests/engine/test_compiled_kernels.py). Target: at least {TARGET:.0%} in each area.", "",
        "## By area", "",
        "| area | mutants | killed | equivalent | survived | score | target |",
        "|---|---:|---:|---:|---:|---:|---|", *area_rows, "",
        "## By module", "",
        "| module | area | mutants | killed | equivalent | survived | score |",
        "|---|---|---:|---:|---:|---:|---:|", *rows, "",
        "## Surviving mutants", "",
        *([f"- {s}" for s in survivors] or ["None."]), "",
    ]
    if stale:
        text += ["## Reasons for mutants that no longer exist (renumbered by a code change)", "",
                 *[f"- {name}" for name in stale], ""]
    SCORES.write_text("\n".join(text), encoding="utf-8")
    print("\n".join(area_rows))
    print(f"wrote {SCORES.relative_to(REPO)}; {len(survivors)} survivors, {len(stale)} stale reasons")
    unmet = [a for a, c in by_area.items() if a != "other" and score(c) < TARGET]
    return 1 if unmet else 0


def _mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


if __name__ == "__main__":
    sys.exit(main())
