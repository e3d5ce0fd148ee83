"""The budget appendix: charts in both languages without missing glyphs, the workbook, the PDF."""

from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest
from matplotlib import pyplot as plt

from model.report.fonts import use_cjk_font
from tests.conftest import REPO, cli

CHARTS = ("cost_by_line", "payer_split", "fan", "births", "induced")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    result = cli("run", REPO / "scenarios" / "baseline.toml", "--out", out, "--replicates", "20", "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_renders_without_missing_glyphs(run_dir, lang):
    # build_report turns matplotlib's "Glyph … missing" warning into an error; check it does not fire
    result = cli("report", run_dir, "--lang", lang, "--format", "png,svg,pdf")
    assert result.exit_code == 0, result.output
    suffix = "" if lang == "zh" else "_en"
    for chart in CHARTS:
        for fmt in ("png", "svg", "pdf"):
            path = run_dir / "charts" / f"{chart}{suffix}.{fmt}"
            assert path.is_file() and path.stat().st_size > 5_000, path
    assert (run_dir / f"appendix{suffix}.pdf").stat().st_size > 20_000


def test_missing_glyphs_would_be_caught():
    """The check is real: a character outside the shipped font raises."""
    use_cjk_font()
    figure, axes = plt.subplots()
    axes.set_title("荆门 ☃ \U0002a6a5")  # a snowman and a rare CJK extension character: not in the subset
    with warnings.catch_warnings(), pytest.raises(UserWarning, match="missing"):
        warnings.filterwarnings("error", message="Glyph .* missing")
        figure.savefig("/dev/null", format="png")
    plt.close(figure)


def test_chinese_labels_use_the_shipped_font():
    use_cjk_font()
    figure, axes = plt.subplots()
    axes.set_title("荆门市三孩育儿补贴 漳河新区 屈家岭管理区 掇刀区 万元")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        figure.savefig("/dev/null", format="png")
    plt.close(figure)


def test_workbook_matches_budget_csv(run_dir):
    assert cli("report", run_dir).exit_code == 0
    book = openpyxl.load_workbook(run_dir / "appendix.xlsx")
    assert {"汇总", "分承担主体", "收付实现制", "分地区出生", "不确定性区间", "假设与来源"} <= set(book.sheetnames)
    budget = pd.read_csv(run_dir / "budget.csv")
    accrual = budget[budget.basis == "accrual"].set_index(["line", "payer", "year"])["mean"]
    summary = book["汇总"]
    years = [int(cell.value) for cell in summary[5][1:12]]
    assert years == list(range(2025, 2036))
    assert summary.freeze_panes == "B6" and any(str(r) == "B4:L4" for r in summary.merged_cells.ranges)
    names = {"免费无创产前基因检测": "nipt", "三孩育儿补贴": "third_child_allowance", "购房补贴": "housing_subsidy",
             "合计": "all"}
    checked = 0
    for row in summary.iter_rows(min_row=6):
        line = names.get(row[0].value)
        if line is None:
            continue
        for cell, year in zip(row[1:12], years, strict=True):
            assert isinstance(cell.value, (int, float)) and cell.number_format == "#,##0.00"  # a number, not text
            assert cell.value == pytest.approx(accrual.loc[(line, "all", year)] / 10_000, abs=1e-9)
            checked += 1
    assert checked == 4 * 11
    payers = book["分承担主体"]
    city_allowance = next(r for r in payers.iter_rows(min_row=6) if r[0].value == "市本级" and r[1].value == "三孩育儿补贴")
    assert city_allowance[2].value == pytest.approx(accrual.loc[("third_child_allowance", "city", 2025)] / 10_000)
    sources = book["假设与来源"]
    assert sources.max_row > 40 and sources["D6"].value in {"read", "derived", "assumption"}


def test_difference_chart_with_compare(run_dir, tmp_path):
    other = tmp_path / "doubled"
    assert cli("run", REPO / "scenarios" / "housing_doubled.toml", "--out", other, "--replicates", "20",
               "--quiet").exit_code == 0
    result = cli("report", run_dir, "--compare", other)
    assert result.exit_code == 0, result.output
    assert (run_dir / "charts" / "difference.png").is_file()


def test_report_refuses_a_folder_that_is_not_a_run(tmp_path):
    result = cli("report", tmp_path)
    assert result.exit_code == 2 and "budget.csv" in result.output
    bad = cli("report", tmp_path, "--lang", "fr")
    assert bad.exit_code == 2
