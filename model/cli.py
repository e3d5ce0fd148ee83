"""The `birthbudget` command line.

Errors in the user's input print one line (file, field, what is allowed) and exit with
status 2 before any work; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from model.errors import InputError
from model.kinds import Kind
from model.units import WAN

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Budget model of a city's birth-support measures (生育支持政策财政预算模型); "
                       "the default city ships with the model.")
err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 150)  # tables stay readable in logs and pipes
EXIT_INPUT = 2
MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers (manifest, replicates.npz)

Debug = Annotated[bool, typer.Option("--debug", help="show the full traceback on errors")]
Workers = Annotated[int | None, typer.Option(help="processes; default: all cores (results do not depend on it)",
                                             min=1)]
Force = Annotated[bool, typer.Option("--force", help="replace an existing output folder")]


def _fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    # escaped: messages name TOML tables like [lines.x], which rich would take for markup
    err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def _run_and_write(load, out_dir: Path, force: bool, workers: int | None, debug: bool):  # noqa: ANN001, ANN202
    """Refuse an existing folder (unless --force), load, run and write the folder; the RunResult,
    or None after a one-line error (all checks happen before any work)."""
    from model.malloc_tuning import keep_freed_memory
    from model.pipeline import run as run_scenario
    from model.run_folder import check_output_folder
    from model.run_folder.write import estimate_output_bytes, write_run

    keep_freed_memory()  # this process and its workers only; see model/malloc_tuning.py
    started, clock = datetime.now().astimezone(), time.perf_counter()
    try:
        check_output_folder(out_dir, force)  # before reading anything: a wrong --out fails at once
        loaded = load()
        check_output_folder(out_dir, force, need_bytes=estimate_output_bytes(loaded.scenario))
        result = run_scenario(loaded, workers=workers or os.cpu_count() or 1)
        write_run(result, out_dir, force, started, time.perf_counter() - clock, ["birthbudget", *sys.argv[1:]])
    except InputError as error:
        _fail(error, debug)
        return None
    except BrokenProcessPool as error:  # a worker killed from outside (most often by the machine, out of memory)
        _fail(error if debug else InputError(
            None, "--workers", "a worker process died before finishing its replicates (killed from outside, most "
            "often for lack of memory); nothing was written. Run again with fewer --workers or replicates"), debug)
        return None
    except MemoryError as error:
        _fail(error if debug else InputError(None, "scenario.replicates", "the machine ran out of memory; nothing "
                                             "was written. Use fewer replicates or --workers"), debug)
        return None
    return result


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML file")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the results")],
    replicates: Annotated[int | None, typer.Option(help="override [scenario] replicates", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="override [scenario] seed", min=0, max=MAX_SEED)] = None,
    workers: Workers = None,
    force: Force = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="do not print the summary")] = False,
    debug: Debug = False,
) -> None:
    """Run a scenario and write budget.csv, births.csv and manifest.json to --out."""
    from model.scenario import load_scenario
    from model.summary import print_summary

    clock = time.perf_counter()
    result = _run_and_write(lambda: load_scenario(scenario, replicates=replicates, seed=seed),
                            out_dir, force, workers, debug)
    if result is None:
        return
    if not quiet:
        print_summary(result, out)
    capped = result.diagnostics.get("capped_share_of_births", 0.0)
    if capped > 0.001:
        err.print(f"[yellow]warning:[/] birth rates asked for {capped:.2%} more births than there were women "
                  "at risk in some cells; see diagnostics in manifest.json", soft_wrap=True)
    out.print(f"wrote {out_dir} in {time.perf_counter() - clock:.1f} s", soft_wrap=True)


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="sweep TOML file (see scenarios/sweeps/)")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the sweep results and its cache")],
    workers: Annotated[int | None, typer.Option(help="local processes (default: all cores)", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786")] = None,
    replicates: Annotated[int | None, typer.Option(help="replicates of every point", min=1)] = None,
    debug: Debug = False,
) -> None:
    """Run many points of a base scenario (grid, Latin hypercube, one at a time); resumes from its cache."""
    from math import isnan

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from model.sweep import (
        build_points,
        check_out_folder,
        check_writable,
        collect,
        connect,
        execute,
        read_sweep,
        scan_cache,
        sensitivity,
        start_out_folder,
        write_results,
    )

    def warn(message: str) -> None:
        err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True, highlight=False)

    clock = time.perf_counter()
    client = None
    try:
        try:  # every check before any work and before the folder is created
            spec, base = read_sweep(sweep_file)
            points = build_points(sweep_file, spec, base, replicates)
            earlier = check_out_folder(out_dir)
            check_writable(out_dir)
            if scheduler:
                client = connect(scheduler)
            start_out_folder(out_dir, sweep_file, spec, points)
        except InputError as error:
            _fail(error, debug)
            return
        if earlier and earlier.get("sweep_file") != str(sweep_file.resolve()):
            warn(f"{out_dir} held the results of another sweep ({earlier.get('sweep_file')}); they are replaced "
                 "(its cached points are kept)")
        cached_points = scan_cache(points, out_dir, warn)
        cached = len(cached_points)
        out.print(f"{spec.name}: {len(points)} points ({spec.design}), {cached} already cached", soft_wrap=True)
        columns = (TextColumn("points"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeRemainingColumn())
        try:
            with Progress(*columns, console=err, transient=False) as bar:
                task = bar.add_task("sweep", total=len(points), rate="")

                def progress(done: int, total: int) -> None:
                    elapsed = time.perf_counter() - clock
                    rate = f"{(done - cached) / elapsed * 60:.1f} points/min" if done > cached and elapsed > 0 else ""
                    bar.update(task, completed=done, rate=rate)

                from model.malloc_tuning import keep_freed_memory

                keep_freed_memory()  # local workers inherit it (see model/malloc_tuning.py)
                status = execute(points, out_dir, workers or os.cpu_count() or 1, client, progress, warn,
                                 cached_points)
            tidy, table = collect(points, out_dir, status)
            ranking = sensitivity(spec, table)
            write_results(out_dir, tidy, table, ranking)
        except InputError as error:
            _fail(error, debug)
            return
        except BrokenProcessPool as error:  # a worker killed from outside; finished points stay cached
            _fail(error if debug else InputError(
                None, "--workers", "a worker process died (killed from outside, most often for lack of memory); "
                "the points finished so far are cached: run the sweep again to resume"), debug)
            return
    finally:
        if client is not None:
            client.close()
    failed = table[table.status == "failed"]
    for row in failed.itertuples(index=False):
        err.print(f"[red]point {row.point} failed:[/] {escape(str(row.error))}", soft_wrap=True, highlight=False)
    out.print("Sensitivity of the budget-period outlays the city's own budgets bear (rank, parameter, effect in "
              "万元):")
    for row in ranking.itertuples(index=False):
        if isnan(row.effect):
            out.print(f"  –  {row.parameter}: no effect estimated ({row.note})", soft_wrap=True, highlight=False)
        else:
            note = f" ({row.note})" if row.note else ""
            out.print(f"  {row.rank}. {row.parameter}: {row.effect / WAN:,.1f}{note}", soft_wrap=True)
    out.print(f"wrote {out_dir} ({len(points) - len(failed)} of {len(points)} points) in "
              f"{time.perf_counter() - clock:.1f} s", soft_wrap=True)
    if len(failed):
        raise typer.Exit(1)


@app.command()
def rerun(
    manifest_file: Annotated[Path, typer.Argument(help="DIR/manifest.json of an earlier run")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the repeated run")],
    workers: Workers = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Repeat a run from its manifest (same resolved scenario, seed and replicates): identical files."""
    from model.rerun import code_differs, load_manifest

    clock = time.perf_counter()

    def load():  # noqa: ANN202 - a LoadedScenario
        loaded, manifest = load_manifest(manifest_file)
        if code_differs(manifest):
            err.print("[yellow]warning:[/] the model's code differs from the code of the run (code_sha256 in "
                      "the manifest); figures may differ where the code changed", soft_wrap=True)
        return loaded

    if _run_and_write(load, out_dir, force, workers, debug) is None:
        return
    out.print(f"wrote {out_dir} in {time.perf_counter() - clock:.1f} s (re-run of {manifest_file})", soft_wrap=True)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML file")],
    show: Annotated[bool, typer.Option("--show", help="print the fully resolved scenario")] = False,
    debug: Debug = False,
) -> None:
    """Check a scenario and its data files without running it."""
    from model.pipeline import prepare
    from model.scenario import load_scenario

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


@app.command()
def compare(
    run_a: Annotated[Path, typer.Argument(help="first run folder (the reference)")],
    run_b: Annotated[Path, typer.Argument(help="second run folder")],
    out_file: Annotated[Path | None, typer.Option("--out", help="write the difference table (CSV)")] = None,
    basis: Annotated[str, typer.Option(help="accrual or cash")] = "accrual",
    debug: Debug = False,
) -> None:
    """Difference B − A by year, line and payer, and the scenario keys that differ."""
    from rich.table import Table

    from model.city import HIGHER_LEVELS
    from model.compare import compare_runs, is_compare_table, period_totals
    from model.run_folder import check_output_file, write_file
    from model.run_folder.read import run_city, run_line_specs
    from model.summary import WAN

    try:
        if basis not in ("accrual", "cash"):
            raise InputError(None, "--basis", f"unknown basis {basis!r}; allowed: accrual, cash")
        if out_file is not None:
            check_output_file(out_file, is_compare_table)
        table, keys, paired = compare_runs(run_a, run_b, basis)
        totals = period_totals(run_a, run_b, basis)
    except InputError as error:
        _fail(error, debug)
        return
    out.print(f"[bold]B − A[/]: {run_b} minus {run_a}", soft_wrap=True)
    if keys:
        out.print("Scenario keys that differ:")
        for key, value_a, value_b in keys:
            out.print(escape(f"  {key}: {value_a!r} → {value_b!r}"), soft_wrap=True, highlight=False)
    else:
        out.print("No scenario key differs.")
    out.print("Same seed and replicates: differences are paired (common random numbers)." if paired else
              "Different seeds or replicate counts: only the difference of the means is meaningful.")
    years = table.year.min(), table.year.max()
    view = Table(title=f"Total {years[0]}–{years[1]} by line, {basis} basis, 万元 (the --out table is in yuan)",
                 title_justify="left")
    for column in ("line", "A", "B", "B − A", *(["p05", "p95"] if paired else [])):
        view.add_column(column, justify="left" if column == "line" else "right")
    def wan(value: float) -> str:
        return f"{round(value / WAN, 1) + 0.0:,.1f}"  # + 0.0: no "-0.0"

    specs = {**run_line_specs(run_b), **run_line_specs(run_a)}
    for row in totals.itertuples(index=False):
        cells = [row.mean_a, row.mean_b, row.difference] + ([row.difference_p05, row.difference_p95] if paired else [])
        label = "合计（支出） all outlays" if row.line == "all" else f"{specs[row.line].name_zh} {row.line}"
        view.add_row(label, *(wan(value) for value in cells), style="bold" if row.line == "all" else None)
    if set(table.payer) & set(HIGHER_LEVELS):  # money from above in the total: show the city's own part
        city_a, city_b = run_city(run_a), run_city(run_b)
        totals_all = table[table.line == "all"]
        a = totals_all[totals_all.payer.isin(city_a.payers)].mean_a.sum()  # each run's own city's budgets
        b = totals_all[totals_all.payer.isin(city_b.payers)].mean_b.sum()
        label = (f"{city_a.own_budgets('zh')} {city_a.own_budgets('en')}" if city_a.id == city_b.id
                 else "其中本地财政 of which each city's own budgets")
        view.add_row(label, wan(a), wan(b), wan(b - a), *([""] * 2 if paired else []), style="italic")
    out.print(view)
    if out_file is not None:
        try:
            write_file(out_file, lambda path: table.round(2).to_csv(path, index=False, lineterminator="\n",
                                                                    float_format="%.2f"), is_compare_table)
        except InputError as error:
            _fail(error, debug)
        out.print(f"wrote {out_file}", soft_wrap=True)


@app.command()
def readings(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML file")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the scenario's run and readings.csv")],
    register: Annotated[Path | None, typer.Option(help="register of readings (default: the city's, readings.toml "
                                                       "in its folder; the default city's is "
                                                       "model/data/readings.toml)")] = None,
    replicates: Annotated[int | None, typer.Option(help="override [scenario] replicates", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="override [scenario] seed", min=0, max=MAX_SEED)] = None,
    workers: Workers = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Run every reading of the plan (测算口径) against the scenario, paired (same seed), and write the
    scenario's run with readings.csv: what the 2025-2035 total depends on."""
    from model.malloc_tuning import keep_freed_memory
    from model.pipeline import prepare
    from model.pipeline import run as run_scenario
    from model.readings import (
        plan_readings,
        read_register,
        readings_table,
        totals_of,
    )
    from model.run_folder import check_output_folder
    from model.run_folder.write import csv_writer, estimate_output_bytes, write_run
    from model.scenario import load_scenario

    keep_freed_memory()
    started, clock = datetime.now().astimezone(), time.perf_counter()
    try:
        check_output_folder(out_dir, force)
        loaded = load_scenario(scenario, replicates=replicates, seed=seed)
        register_path = register or loaded.scenario.city.folder / "readings.toml"  # the city's package's readings
        prepare(loaded)
        plan = plan_readings(loaded, read_register(register_path), register_path, check=prepare)
        check_output_folder(out_dir, force, need_bytes=estimate_output_bytes(loaded.scenario))
        to_run = plan.to_run()
        n_workers = workers or os.cpu_count() or 1
        out.print(f"{loaded.name}: {len(plan.register.reading) - len(plan.not_applicable)} readings, "
                  f"{len(to_run)} other choices to run against the scenario's own", soft_wrap=True)
        default = run_scenario(loaded, workers=n_workers)
        results = {}
        for done, variant in enumerate(to_run, start=1):
            assert variant.loaded is not None
            # only the totals are kept: a variant's whole result would hold its cube in memory
            results[(variant.reading, variant.choice)] = totals_of(run_scenario(variant.loaded, workers=n_workers))
            err.print(f"  {done}/{len(to_run)} {variant.reading}: {variant.choice}", soft_wrap=True, highlight=False)
        table = readings_table(plan, totals_of(default), results)
        write_run(default, out_dir, force, started, time.perf_counter() - clock, ["birthbudget", *sys.argv[1:]],
                  extra={"readings.csv": csv_writer(table)})
    except InputError as error:
        _fail(error, debug)
        return
    except (BrokenProcessPool, MemoryError) as error:
        _fail(error if debug else InputError(None, "--workers", "a worker ran out of memory or was killed; nothing "
                                             "was written. Use fewer replicates or --workers"), debug)
        return
    from rich.table import Table

    view = Table(title="测算口径 readings: effect on 2025-2035 outlays, 万元 (against the scenario's own choice)",
                 title_justify="left")
    for column in ("reading", "choice", "own budgets", "p05", "p95", "city level", "new money"):
        view.add_column(column, justify="left" if column in ("reading", "choice") else "right")
    for row in table.itertuples(index=False):
        mark = " (scenario)" if row.is_default else ""
        view.add_row(row.reading, f"{row.choice}{mark}", *(f"{round(value / WAN, 1) + 0.0:,.1f}" for value in (
            row.effect_mean, row.effect_p05, row.effect_p95, row.city_effect_mean, row.new_money_effect_mean)))
    out.print(view)
    for reading, why in plan.not_applicable.items():
        out.print(f"not applicable: {reading} ({why})", soft_wrap=True, highlight=False)
    out.print(f"wrote {out_dir} (the scenario's run and readings.csv) in {time.perf_counter() - clock:.1f} s",
              soft_wrap=True)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="run folder written by `birthbudget run`")],
    lang: Annotated[str, typer.Option(help="zh (default) or en")] = "zh",
    formats: Annotated[str, typer.Option("--format", help="chart formats, comma-separated: png,svg,pdf")] = "png",
    compare_dir: Annotated[Path | None, typer.Option("--compare", help="a second run: chart the difference")] = None,
    debug: Debug = False,
) -> None:
    """Charts (charts/), appendix.docx, appendix.pdf and appendix.xlsx for the budget appendix, from a run folder."""
    from model.report.build import build_report

    try:
        written = build_report(run_dir, lang, tuple(f.strip() for f in formats.split(",") if f.strip()), compare_dir)
    except InputError as error:
        _fail(error, debug)
        return
    for path in written:
        out.print(f"wrote {path}", soft_wrap=True, highlight=False)


@app.command()
def mtfp(
    run_dir: Annotated[Path, typer.Argument(help="run folder written by `birthbudget run`")],
    budget_year: Annotated[int, typer.Option("--budget-year", help="first year of the three-year plan")],
    debug: Debug = False,
) -> None:
    """Medium-term fiscal plan: cash for the budget year and the two after, by payer and line, 万元."""
    from rich.table import Table

    from model.lines import MONEY_GROUPS
    from model.mtfp import SUBTOTAL, mtfp_table
    from model.run_folder import add_files
    from model.run_folder.read import run_city, run_line_specs

    name = f"mtfp_{budget_year}.csv"
    try:
        table = mtfp_table(run_dir, budget_year)
        city, specs = run_city(run_dir), run_line_specs(run_dir)
        [path] = add_files(run_dir, {name: lambda target: table.round(2).to_csv(
            target, index=False, lineterminator="\n", float_format="%.2f")})
    except InputError as error:
        _fail(error, debug)
        return
    years = [budget_year, budget_year + 1, budget_year + 2]
    titles = {Kind.OUTLAY: f"中期财政规划 {years[0]}–{years[2]} (cash, 万元, mean and 5–95% range)",
              "other": f"减收与备忘项目（不计入支出） revenue forgone and memo items {years[0]}–{years[2]} (万元)"}
    for part, title in titles.items():
        rows = table[table.kind.isin([Kind.OUTLAY, SUBTOTAL]) == (part == Kind.OUTLAY)]
        if rows.empty:
            continue
        view = Table(title=title, title_justify="left")
        view.add_column("payer 承担主体", no_wrap=True)
        view.add_column("line 项目", no_wrap=True)
        view.add_column("payables in 结转应付" if part == Kind.OUTLAY else "owed in 结转", justify="right")
        for year in years:
            view.add_column(str(year), justify="right", no_wrap=True)
        for _, row in rows.iterrows():
            if row.line != "all" and row.payer == "all" and row.kind != SUBTOTAL:
                continue
            if row.line != "all" and not any(row[f"{y}_mean"] for y in years) and not row.payables_carried_in:
                continue  # a payer with no share in the line (the CSV keeps the row)
            payer = "合计 all" if row.payer == "all" else city.payer_name(row.payer)
            line = ("小计 all (outlays)" if row.line == "all" else f"其中{MONEY_GROUPS[row.line][0]}"
                    if row.kind == SUBTOTAL else specs[row.line].name_zh)
            cells = [f"{row[f'{y}_mean']:,.1f} ({row[f'{y}_p05']:,.0f}–{row[f'{y}_p95']:,.0f})" for y in years]
            view.add_row(payer, line, f"{row.payables_carried_in:,.1f}", *cells,
                         style="bold" if row.line == "all" else "italic" if row.kind == SUBTOTAL else None)
        out.print(view)
    out.print(f"wrote {path}", soft_wrap=True)


@app.command()
def reference(
    out_file: Annotated[Path | None, typer.Option("--out", help="write to this file instead of printing")] = None,
    debug: Debug = False,
) -> None:
    """Print (or write) the reference of every scenario key, its unit, default and source."""
    from model.reference import is_reference, scenario_reference
    from model.run_folder import write_file

    text = scenario_reference()
    if out_file is None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)
        return
    try:  # a file of the user's is never overwritten: only an earlier reference is replaced
        write_file(out_file, lambda path: path.write_text(text, encoding="utf-8"), is_reference)
    except InputError as error:
        _fail(error, debug)
    out.print(f"wrote {out_file}", soft_wrap=True)


def main() -> None:
    from model.worker_lifetime import stop_on_sigterm

    stop_on_sigterm()
    app()
