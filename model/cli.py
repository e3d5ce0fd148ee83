"""The `birthbudget` command line.

Errors in the user's input print one line (file, field, what is allowed) and exit with
status 2 before any work; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from model.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Budget model of Jingmen's birth-support measures (荆门市优化生育政策财政预算模型).")
err = Console(stderr=True)
out = Console()
EXIT_INPUT = 2

Debug = Annotated[bool, typer.Option("--debug", help="show the full traceback on errors")]


def _fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML file")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the results")],
    replicates: Annotated[int | None, typer.Option(help="override [scenario] replicates", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="override [scenario] seed", min=0)] = None,
    workers: Annotated[int | None, typer.Option(help="processes; default: all cores (results do not depend on it)",
                                                min=1)] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing output folder")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="do not print the summary")] = False,
    debug: Debug = False,
) -> None:
    """Run a scenario and write budget.csv, births.csv and manifest.json to --out."""
    from model.results import (
        births_by_age_table,
        births_table,
        births_total_table,
        budget_table,
        check_output_folder,
        csv_writer,
        json_writer,
        manifest,
        parquet_writers,
        write_atomically,
    )
    from model.scenario import load_scenario
    from model.simulation import run as run_scenario
    from model.summary import print_summary

    started, clock = datetime.now().astimezone(), time.perf_counter()
    try:
        check_output_folder(out_dir, force)
        loaded = load_scenario(scenario, replicates=replicates, seed=seed)
        result = run_scenario(loaded, workers=workers or os.cpu_count() or 1)
        frames = {"budget.csv": budget_table(result), "births.csv": births_table(result),
                  "births_total.csv": births_total_table(result)}
        if loaded.scenario.output.births_by_mother_age:
            frames["births_by_mother_age.csv"] = births_by_age_table(result)
        writers = {name: csv_writer(frame) for name, frame in frames.items()}
        writers.update(parquet_writers(frames))
        writers["manifest.json"] = json_writer(
            manifest(result, started, time.perf_counter() - clock, ["birthbudget", *sys.argv[1:]]))
        write_atomically(out_dir, writers, force)
    except InputError as error:
        _fail(error, debug)
        return
    if not quiet:
        print_summary(result, out)
    capped = result.diagnostics.get("capped_share_of_births", 0.0)
    if capped > 0.001:
        err.print(f"[yellow]warning:[/] birth rates asked for {capped:.2%} more births than there were women "
                  "at risk in some cells; see diagnostics in manifest.json", soft_wrap=True)
    out.print(f"wrote {out_dir} in {time.perf_counter() - clock:.1f} s", soft_wrap=True)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML file")],
    show: Annotated[bool, typer.Option("--show", help="print the fully resolved scenario")] = False,
    debug: Debug = False,
) -> None:
    """Check a scenario and its data files without running it."""
    from model.scenario import load_scenario
    from model.simulation import prepare

    try:
        loaded = load_scenario(scenario)
        prepare(loaded)
    except InputError as error:
        _fail(error, debug)
        return
    if show:
        import json

        out.print_json(json.dumps(loaded.scenario.model_dump(mode="json"), ensure_ascii=False))
    chain = " ← ".join(str(f) for f in loaded.files)
    out.print(f"{scenario}: valid. Values come from (first wins): {chain}", soft_wrap=True)


def main() -> None:
    app()
