"""Write the analysts' notebooks (notebooks/*.ipynb), without outputs.

The notebooks are stories an analyst follows; this script is only how they are kept tidy
(one place to edit, no stray outputs). The test suite runs every notebook top to bottom.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PARAMETERS = """# Parameters: the test suite sets BIRTHBUDGET_NOTEBOOK_REPLICATES to run with few replicates
import os

REPLICATES = int(os.environ.get("BIRTHBUDGET_NOTEBOOK_REPLICATES", 200))
# the scenario notebooks 01 and 03 run, under scenarios/ (another city: "cities/hohhot.toml")
SCENARIO = os.environ.get("BIRTHBUDGET_NOTEBOOK_SCENARIO", "baseline.toml")"""
SETUP = """from pathlib import Path
import tempfile

import pandas as pd

import model

REPO = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
SCENARIOS = REPO / "scenarios"
WORK = Path(tempfile.mkdtemp(prefix="birthbudget-"))  # run folders for this session
WAN = 10_000  # yuan per 万元"""


def parameters_cell():
    cell = new_code_cell(PARAMETERS)
    cell.metadata["tags"] = ["parameters"]
    return cell


QUICKSTART = [
    new_markdown_cell("# 01 快速上手 Quickstart\n\nRun a scenario (the baseline, or another city's: set `SCENARIO` "
                      "below), read the budget table, draw the main chart. Everything the command line does is one "
                      "call away from Python."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_markdown_cell("## Run the scenario\n\n`load_scenario` reads and checks the scenario (and everything it "
                      "inherits, down to its city's defaults); `run` simulates the replicates."),
    new_code_cell("""loaded = model.load_scenario(SCENARIOS / SCENARIO, replicates=REPLICATES)
result = model.run(loaded)
print(loaded.scenario.city.name("zh"), "—", loaded.scenario.scenario.description)"""),
    new_markdown_cell("## The budget table\n\nOne row per year, line and payer, on the accrual and cash bases; "
                      "`all` rows are totals taken per replicate. In 万元:"),
    new_code_cell("""budget = model.budget_table(result)
accrual = budget[(budget.basis == "accrual") & (budget.payer == "all")]
by_line = accrual.pivot(index="line", columns="year", values="mean") / WAN
by_line.round(1)"""),
    new_code_cell("""totals = accrual[accrual.line == "all"].set_index("year")[["mean", "p05", "p95"]] / WAN
totals.round(1)"""),
    new_markdown_cell("## Who pays\n\nCity (市本级) and each district or county, 2025–2035 totals:"),
    new_code_cell("""payers = budget[(budget.basis == "accrual") & (budget.line == "all")]
payers.groupby("payer")["mean"].sum().div(WAN).sort_values(ascending=False).round(1)"""),
    new_markdown_cell("## The main chart\n\nWrite the run folder, then draw the appendix chart (Chinese labels)."),
    new_code_cell("""run_dir = model.write_run(result, WORK / loaded.name)
from model.run_folder import load_run
from model.report.fonts import use_cjk_font
from model.report import charts

use_cjk_font()
figure = charts.cost_by_line(load_run(run_dir))
figure"""),
]

SCENARIOS_NB = [
    new_markdown_cell("# 02 方案比较 Comparing scenarios\n\nTake-up low and high, and two policy variants, "
                      "against the baseline. Runs with the same seed use common random numbers, so their "
                      "differences are the effect of the change, not noise."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_code_cell("""names = ["low_uptake", "baseline", "high_uptake", "allowance_second_child", "housing_doubled"]
runs = {}
for name in names:
    result = model.run(model.load_scenario(SCENARIOS / f"{name}.toml", replicates=REPLICATES))
    runs[name] = model.write_run(result, WORK / name)
totals = {}
for name, folder in runs.items():
    budget = pd.read_csv(folder / "budget.csv")
    rows = budget[(budget.basis == "accrual") & (budget.payer == "all")]
    totals[name] = rows.groupby("line")["mean"].sum() / WAN
pd.DataFrame(totals).round(1)"""),
    new_markdown_cell("## The difference, replicate by replicate\n\n`compare_runs` pairs the replicates: the "
                      "5–95% range is that of the difference itself."),
    new_code_cell("""from model.compare import period_totals

period_totals(runs["baseline"], runs["allowance_second_child"]).set_index(["line", "kind"]).div(WAN).round(1)"""),
    new_code_cell("""from model.run_folder import load_run
from model.report.fonts import use_cjk_font
from model.report import charts

use_cjk_font()
charts.difference(load_run(runs["baseline"]), load_run(runs["housing_doubled"]))"""),
    new_markdown_cell("## 国家育儿补贴 The national childcare subsidy on top\n\n`full_plan` prices every line, "
                      "including the national subsidy (3,600 a year under 3, from 2025) paid on top of the city's "
                      "500 a month; `national_subsidy_absorbs` lets the city only top up to 6,000 a year. "
                      "`kind` marks revenue forgone and memo items, which no total includes."),
    new_code_cell("""for name in ["full_plan", "national_subsidy_absorbs"]:
    result = model.run(model.load_scenario(SCENARIOS / f"{name}.toml", replicates=REPLICATES))
    runs[name] = model.write_run(result, WORK / name)
period_totals(runs["full_plan"], runs["national_subsidy_absorbs"]).set_index(["line", "kind"]).div(WAN).round(1)"""),
    new_code_cell("""budget = pd.read_csv(runs["full_plan"] / "budget.csv")
by_payer = budget[(budget.basis == "accrual") & (budget.line == "all")].groupby("payer")["mean"].sum() / WAN
by_payer.round(1)  # province and central: the higher levels' share of the co-funded lines"""),
]

APPENDIX = [
    new_markdown_cell("# 03 预算附件 The budget appendix\n\nProduce the files for the budget appendix and the "
                      "medium-term fiscal plan: charts, `appendix.xlsx`, `appendix.pdf`, and the three-year table."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_code_cell("""loaded = model.load_scenario(SCENARIOS / SCENARIO, replicates=REPLICATES)
result = model.run(loaded)
run_dir = model.write_run(result, WORK / loaded.name)
from model.report.build import build_report

written = build_report(run_dir, lang="zh", formats=("png", "pdf"))
[path.name for path in written]"""),
    new_code_cell("""import openpyxl

book = openpyxl.load_workbook(run_dir / "appendix.xlsx")
book.sheetnames"""),
    new_markdown_cell("## 中期财政规划 The medium-term fiscal plan\n\nCash basis, budget year and the two after, "
                      "by payer and line, in 万元, with the payables carried in."),
    new_code_cell("""from model.mtfp import mtfp_table

plan = mtfp_table(run_dir, budget_year=2027)
plan[plan.line == "all"].round(1)"""),
]

CALIBRATION = [
    new_markdown_cell("# 04 基础数据与校准 Base data and calibration\n\nHow the base data and rates were built, "
                      "checked against their sources (`model/data/sources.csv`)."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_code_cell("""sources = pd.read_csv(REPO / "model" / "data" / "sources.csv")
sources.status.value_counts()"""),
    new_code_cell("""sources[sources.parameter.str.startswith("table:")][["parameter", "status", "source"]]"""),
    new_markdown_cell("## Women and parity\n\nWomen by age (city total, start of 2022) and the share who have "
                      "had 0, 1, 2, 3+ children. Published checks: 5.16% childless at 49, 10.91% at 35."),
    new_code_cell("""loaded = model.load_scenario(SCENARIOS / "baseline.toml", replicates=REPLICATES)
from model.inputs import load_base_data

base = load_base_data(loaded.scenario)
parity = pd.DataFrame(base.parity_share, columns=["0", "1", "2", "3+"])
print(f"women aged 15-49: {base.women[:, 15:].sum():,.0f}")
parity.loc[[20, 25, 30, 35, 40, 45, 49]].round(3)"""),
    new_markdown_cell("## Alignment to the 2022 births\n\nThe census age pattern of each birth order is scaled so "
                      "that expected births in 2022 equal 11,679 × the order shares: Hubei's 2020 census mix, with "
                      "the share of third and later births moved by `demography.third_plus_share_scale` (below). "
                      "The targets here are at the scale's central value; each replicate draws its own scale."),
    new_code_cell("""from model.pipeline import prepare

prepared = prepare(loaded)
pd.DataFrame({"target births": prepared.calibration.targets, "alignment factor": prepared.calibration.factors})"""),
    new_code_cell("""from model.calibration import shifted_births

result = model.run(loaded)
simulated = result.births[:, 0].sum(axis=1)  # 2022, by order, per replicate
scale = loaded.scenario.demography.third_plus_share_scale
central = scale.central() if hasattr(scale, "central") else float(scale)
pd.DataFrame({"simulated mean": simulated.mean(axis=0),
              "census mix (scale 1)": shifted_births(base.base_births, 1.0),
              f"target at the central scale {central:g}": shifted_births(base.base_births, central)},
             index=["1st", "2nd", "3rd+"]).round(1)"""),
    new_markdown_cell("## The birth-order mix after 2020\n\nNo Hubei or Jingmen count of births by order after the "
                      "2020 census was found. Nationally, third and later births were 11.1% of births in the census "
                      "and 15.0% in 2022 (国家卫生健康委 2022 statistical bulletin, a registration basis). The model "
                      "moves Hubei's census share (5.74%) by the same ratio, 1.35, with a range from the census mix "
                      "(1.0) to 9% (1.57); 2023 and later hold the 2022 mix. The table sets the simulated share of "
                      "third and later births beside every figure of evidence."),
    new_code_cell("""import numpy as np

years = np.arange(result.calendar.base_year, result.calendar.base_year + result.births.shape[1])
third_share = result.births[..., 2].sum(axis=2) / result.births.sum(axis=(2, 3))  # [rep, year]
simulated_share = pd.DataFrame({"year": years, "3rd+ share, mean": third_share.mean(axis=0),
                                "5%": np.quantile(third_share, 0.05, axis=0),
                                "95%": np.quantile(third_share, 0.95, axis=0)}).set_index("year")
evidence = pd.DataFrame([
    (2020, "Hubei, 2020 census (table 6-1)", 0.0574),
    (2020, "China, 2020 census", 0.1113),
    (2022, "China, NHC 2022 bulletin", 0.150),
    (2022, "Hubei if it moved as China (5.74% × 15.0 / 11.13)", 0.0774),
], columns=["year", "evidence", "3rd+ share"])
display(evidence)
simulated_share.loc[2022:2027].round(4)"""),
    new_markdown_cell("## Back-test: simulated births against the published counts\n\n"
                      "`model/data/published_births.csv`: Jingmen's 2022 count (read) and, for 2023 and 2024, that "
                      "count moved with Hubei's births (32.0万 and 31.4万 against ≈35.5万 in 2022), since Jingmen's "
                      "own counts were not found. The run's diagnostics (manifest.json) carry the same figures."),
    new_code_cell("""published = pd.read_csv(REPO / "model" / "data" / "published_births.csv")
published["simulated"] = [result.diagnostics[f"births_{year}_simulated"] for year in published.year]
published["gap"] = [f"{result.diagnostics[f'births_{year}_gap']:+.1%}" for year in published.year]
published"""),
    new_code_cell("""import matplotlib.pyplot as plt
from model.report.fonts import use_cjk_font

use_cjk_font()
total = result.births.sum(axis=(2, 3))  # [rep, year]
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.fill_between(years, np.quantile(total, 0.05, axis=0), np.quantile(total, 0.95, axis=0), alpha=0.3,
                label="模拟 5–95%区间")
ax.plot(years, total.mean(axis=0), label="模拟均值")
ax.scatter(published.year, published.births, color="black", zorder=3, label="公布数（2023、2024年按湖北推算）")
ax.set_title("出生人数：模拟与公布数对照")
ax.set_xlabel("年份")
ax.set_ylabel("出生人数（人）")
ax.legend()
fig.tight_layout()
plt.close(fig)
display(fig)"""),
]


EXPLORE = [
    new_markdown_cell("# 05 即时探索 Explore: each change answers at once\n\nSliders for the take-up of the "
                      "third-child allowance and of the housing subsidy, the allowance's monthly amount, the housing "
                      "amounts and the fertility response, and two switches; moving one re-runs the baseline and "
                      "redraws the 2025–2035 total with its 5–95% range and who pays it. `model.Explorer` keeps its "
                      "worker processes and the prepared data between runs, so a re-run of 200 replicates takes "
                      "about half a second on two cores (`benchmarks/RESULTS.md`).\n\n"
                      "**Readings.** Every contested reading of the plan is in the register "
                      "`model/data/readings.toml`, and `birthbudget readings SCENARIO --out DIR` prices them all; "
                      "two of them are switches here: whether the city's allowance only tops up the national childcare "
                      "subsidy (`lines.third_child_allowance.net_of_national_subsidy`; the national subsidy is then "
                      "priced too, so the province and the central government appear among the payers) and whether "
                      "families whose second or third child was born before the plan qualify for the housing "
                      "subsidy (`lines.housing_subsidy.earlier_births_qualify`)."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_markdown_cell("## The explorer\n\n`explorer.run(changes)` gives the figures a scenario file extending "
                      "`baseline.toml` and setting those keys would give, to the bit. A slider where it started "
                      "leaves the scenario's own value (take-up and the response are distributions in the baseline, "
                      "their central value is where the slider starts); a slider moved sets a fixed number. "
                      "The explorer runs on the accrual basis alone (`disbursement.enabled = false`): the total "
                      "and the payer split need no claims queue, and a re-run is then quicker (cash timing and "
                      "the medium-term plan: `birthbudget run` and `birthbudget mtfp`)."),
    new_code_cell("""import time

explorer = model.Explorer(SCENARIOS / "baseline.toml", replicates=REPLICATES)
ACCRUAL_ONLY = {"disbursement.enabled": False}  # what this notebook draws needs no cash timing
started = time.perf_counter()
explorer.run(ACCRUAL_ONLY)  # the first run starts the worker processes
print(f"first run: {time.perf_counter() - started:.2f} s")"""),
    new_code_cell("""import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from model.city import HIGHER_LEVELS
from model.report.fonts import use_cjk_font
from model.report.labels import TEXT
from model.result_tables import totals_by
from model.uncertainty import Distribution

use_cjk_font()
ZH = TEXT["zh"]
CITY = explorer.loaded.scenario.city  # the names of its areas and payers
ALLOWANCE, HOUSING = "lines.third_child_allowance", "lines.housing_subsidy"
lines = explorer.loaded.scenario.lines


def start(value):
    \"\"\"Where a slider starts: the scenario's value, or a distribution's central value.\"\"\"
    return value.central() if isinstance(value, Distribution) else float(value)


def slider(kind, value, low, high, step, label, **options):
    return kind(value=value, min=low, max=high, step=step, description=label, continuous_update=False,
                style={"description_width": "14em"}, layout=widgets.Layout(width="34em"), **options)


controls = {
    f"{ALLOWANCE}.take_up": slider(widgets.FloatSlider, start(lines.third_child_allowance.take_up), 0, 1, 0.01,
                                   "三孩育儿补贴 take-up"),
    f"{ALLOWANCE}.monthly_amount": slider(widgets.IntSlider, int(start(lines.third_child_allowance.monthly_amount)),
                                          0, 1500, 50, "三孩育儿补贴 yuan a month"),
    f"{HOUSING}.take_up": slider(widgets.FloatSlider, start(lines.housing_subsidy.take_up), 0, 1, 0.01,
                                 "购房补贴 take-up"),
    f"{HOUSING}.amount_second_child": slider(widgets.IntSlider, int(lines.housing_subsidy.amount_second_child),
                                             0, 80_000, 5_000, "购房补贴 2nd child, yuan"),
    f"{HOUSING}.amount_third_child": slider(widgets.IntSlider, int(lines.housing_subsidy.amount_third_child),
                                            0, 120_000, 5_000, "购房补贴 3rd child, yuan"),
    "behaviour.fertility_response": slider(widgets.FloatSlider, start(explorer.loaded.scenario.behaviour.fertility_response),
                                           0, 0.06, 0.005, "fertility response per 万元", readout_format=".3f"),
    f"{ALLOWANCE}.net_of_national_subsidy": widgets.Checkbox(
        value=lines.third_child_allowance.net_of_national_subsidy, indent=False,
        description="allowance only tops up the national subsidy (prices the national subsidy too)"),
    f"{HOUSING}.earlier_births_qualify": widgets.Checkbox(
        value=lines.housing_subsidy.earlier_births_qualify, indent=False,
        description="children born before the plan qualify for the housing subsidy"),
}
initial = {key: control.value for key, control in controls.items()}


def changes():
    \"\"\"The keys the reader moved, as explorer.run takes them.\"\"\"
    chosen = {key: control.value for key, control in controls.items() if control.value != initial[key]}
    if chosen.get(f"{ALLOWANCE}.net_of_national_subsidy"):  # a top-up over the national subsidy: price that too
        chosen["lines.national_childcare_subsidy.enabled"] = True
    return chosen


headline, output, shown = widgets.HTML(), widgets.Output(), {}


def redraw(change=None):
    \"\"\"Run with the widgets' values; redraw the total and the payer split.\"\"\"
    started = time.perf_counter()
    result = explorer.run({**ACCRUAL_ONLY, **changes()})
    seconds = time.perf_counter() - started
    budget = model.budget_table(result)
    annual = budget[(budget.basis == "accrual") & (budget.line == "all") & (budget.payer == "all")]
    annual = annual.set_index("year")[["mean", "p05", "p50", "p95"]] / WAN
    period = totals_by(result, "line").set_index("line").loc["all"] / WAN  # outlays, every payer
    payers = totals_by(result, "payer").set_index("payer")["mean"].drop("all") / WAN
    upper = any(payer in HIGHER_LEVELS for payer in payers.index)
    shown.update(changes=changes(), total=period["mean"], p05=period["p05"], p95=period["p95"], payers=payers,
                 seconds=seconds)

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.5, 1]})
    years = annual.index.to_numpy()
    left.fill_between(years, annual["p05"], annual["p95"], alpha=0.25, color="#1f5a96", label=ZH["range_5_95"])
    left.plot(years, annual["p50"], marker="o", color="#1f5a96", label=ZH["median"])
    left.set_title("年度总支出" + (ZH["incl_upper"] if upper else ""), loc="left")
    left.set_xlabel(ZH["year"])
    left.set_ylabel(ZH["wan"])
    left.set_ylim(bottom=0)
    left.legend(frameon=False)
    order = payers.sort_values()
    right.barh([CITY.payer_name(payer, "zh") for payer in order.index], order.to_numpy(),
               color=["#9e9e9e" if payer in HIGHER_LEVELS else "#1f5a96" for payer in order.index])
    right.set_title(ZH["payer_cumulative"].format(start=years[0], end=years[-1]), loc="left")
    right.set_xlabel(ZH["wan"])
    for axes in (left, right):
        axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    headline.value = (f"<b>{years[0]}–{years[-1]}: {period['mean']:,.0f} 万元</b> "
                      f"(5–95%: {period['p05']:,.0f}–{period['p95']:,.0f}"
                      f"{'; 含中央、省级' if upper else ''}) · re-run in {seconds:.2f} s")
    with output:  # the figure only: an error above shows in the cell, not inside the widget
        output.clear_output(wait=True)
        display(figure)
    plt.close(figure)


for control in controls.values():
    control.observe(redraw, names="value")
redraw()
sliders = [control for control in controls.values() if not isinstance(control, widgets.Checkbox)]
switches = [control for control in controls.values() if isinstance(control, widgets.Checkbox)]
display(widgets.VBox([*sliders, *switches, headline, output]))"""),
    new_markdown_cell("## The widgets driven by code\n\nWhat a reader does with the mouse, done here (the test "
                      "suite runs this cell): each assignment redraws, as moving the slider would."),
    new_code_cell("""baseline = shown["total"]
controls[f"{ALLOWANCE}.monthly_amount"].value = 1000  # a dearer allowance costs more
assert shown["total"] > baseline, shown
dearer = shown["total"]
controls[f"{ALLOWANCE}.net_of_national_subsidy"].value = True  # the city only tops up the national subsidy
assert set(shown["payers"].index) >= {"province", "central"}
controls[f"{ALLOWANCE}.net_of_national_subsidy"].value = False
assert shown["total"] == dearer  # back where it was: the same figures
controls["behaviour.fertility_response"].value = 0.0
controls[f"{HOUSING}.earlier_births_qualify"].value = True
for key, control in controls.items():  # every slider and switch back to where it started
    control.value = initial[key]
assert shown["total"] == baseline and shown["changes"] == {}
print(f"re-run in {shown['seconds']:.2f} s; {explorer.stats}")"""),
    new_code_cell("explorer.close()  # stops the worker processes (they also stop with the kernel)"),
]


def write(name: str, cells: list) -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, NOTEBOOKS / name)


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    write("01_quickstart.ipynb", QUICKSTART)
    write("02_scenarios.ipynb", SCENARIOS_NB)
    write("03_budget_appendix.ipynb", APPENDIX)
    write("04_calibration.ipynb", CALIBRATION)
    write("05_explore.ipynb", EXPLORE)


if __name__ == "__main__":
    main()
