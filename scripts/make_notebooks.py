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

REPLICATES = int(os.environ.get("BIRTHBUDGET_NOTEBOOK_REPLICATES", 200))"""
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
    new_markdown_cell("# 01 快速上手 Quickstart\n\nRun the baseline scenario, read the budget table, draw the main "
                      "chart. Everything the command line does is one call away from Python."),
    parameters_cell(),
    new_code_cell(SETUP),
    new_markdown_cell("## Run the baseline\n\n`load_scenario` reads and checks the scenario (and everything it "
                      "inherits); `run` simulates the replicates."),
    new_code_cell("""loaded = model.load_scenario(SCENARIOS / "baseline.toml", replicates=REPLICATES)
result = model.run(loaded)
print(loaded.scenario.scenario.description)"""),
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
    new_code_cell("""run_dir = model.write_run(result, WORK / "baseline")
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
    new_code_cell("""result = model.run(model.load_scenario(SCENARIOS / "baseline.toml", replicates=REPLICATES))
run_dir = model.write_run(result, WORK / "baseline")
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
                      "that expected births in 2022 equal 11,679 × the Hubei order shares."),
    new_code_cell("""from model.pipeline import prepare

prepared = prepare(loaded)
pd.DataFrame({"target births": prepared.calibration.targets, "alignment factor": prepared.calibration.factors})"""),
    new_code_cell("""result = model.run(loaded)
simulated = result.births[:, 0].sum(axis=1)  # 2022, by order, per replicate
pd.DataFrame({"simulated mean": simulated.mean(axis=0), "target": [5731.74, 5276.53, 670.73]},
             index=["1st", "2nd", "3rd+"]).round(1)"""),
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


if __name__ == "__main__":
    main()
