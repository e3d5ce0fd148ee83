"""appendix.xlsx: one sheet per table, in 万元 with two decimals, Chinese headers.

Numbers are written as numbers (yuan ÷ 10,000, rounded to the fen only by the cell
format), so a sheet's figures equal budget.csv ÷ 10,000 exactly. Headers are merged, panes
frozen, columns sized to fit.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter

from model.city import HIGHER_LEVELS
from model.kinds import Kind
from model.report.labels import line_name, sharing_parts
from model.run_folder import RunFolder
from model.units import WAN

Cell = str | float | None  # a label, a number, or a blank


class Sheets:
    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path))
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.head = self.book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                          "bg_color": "#DCE6F1", "text_wrap": True})
        self.text = self.book.add_format({"border": 1})
        self.bold = self.book.add_format({"border": 1, "bold": True})
        self.money = self.book.add_format({"num_format": "#,##0.00", "border": 1})
        self.money_bold = self.book.add_format({"num_format": "#,##0.00", "border": 1, "bold": True})
        self.count = self.book.add_format({"num_format": "#,##0", "border": 1})
        self.note = self.book.add_format({"italic": True, "font_color": "#555555"})

    def table(self, name: str, title: str, note: str, header_groups: list[tuple[str, list[str]]],
              rows: Sequence[Sequence[Cell]], label_columns: int, number_format: str = "money") -> None:
        """A sheet: title, note, a two-row header (merged group over its columns), rows."""
        sheet = self.book.add_worksheet(name)
        sheet.write(0, 0, title, self.title)
        sheet.write(1, 0, note, self.note)
        column = 0
        for group, columns in header_groups:
            if len(columns) == 1 and not group:
                sheet.merge_range(3, column, 4, column, columns[0], self.head)
            elif len(columns) == 1:
                sheet.write(3, column, group, self.head)
                sheet.write(4, column, columns[0], self.head)
            else:
                sheet.merge_range(3, column, 3, column + len(columns) - 1, group, self.head)
                for offset, name_ in enumerate(columns):
                    sheet.write(4, column + offset, name_, self.head)
            column += len(columns)
        widths = [max(len(str(name_)) for _, names in header_groups for name_ in names) for _ in range(column)]
        flat = [c for _, cols in header_groups for c in cols]
        widths = [_width(c) for c in flat]
        for r, row in enumerate(rows, start=5):
            total = any(str(cell).startswith(("合计", "小计")) for cell in row[:label_columns])
            for c, cell in enumerate(row):
                if c < label_columns:
                    sheet.write_string(r, c, str(cell), self.bold if total else self.text)
                elif cell is None or (isinstance(cell, float) and pd.isna(cell)):
                    sheet.write_blank(r, c, None, self.text)
                else:
                    fmt = (self.money_bold if total else self.money) if number_format == "money" else self.count
                    sheet.write_number(r, c, float(cell), fmt)
                widths[c] = max(widths[c], _width(cell if c < label_columns else f"{float(cell or 0):,.2f}"))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(width + 2, 60))
        sheet.freeze_panes(5, label_columns)

    def close(self) -> None:
        self.book.close()


def _width(value: object) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def _money_values(run: RunFolder, keys: list[tuple[str, str]], basis: str = "accrual",
                  stat: str = "mean") -> list[list[float]]:
    """万元 of each (line, payer) in each year."""
    budget = run.budget[run.budget.basis == basis].set_index(["line", "payer", "year"])[stat]
    return [[budget.loc[(line, payer, year)] / WAN for year in run.years] for line, payer in keys]


def _money_rows(run: RunFolder, keys: list[tuple[str, str]], labels: list[list[str]], basis: str = "accrual",
                stat: str = "mean") -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for values, label in zip(_money_values(run, keys, basis, stat), labels, strict=True):
        rows.append([*label, *values, sum(values) if stat == "mean" else None])
    return rows


def _local_row(run: RunFolder) -> list[Cell]:
    """The part the city's own budgets bear: the city, districts and counties (means add up)."""
    values = _money_values(run, [("all", payer) for payer in run.city.payers])
    yearly = [sum(row[i] for row in values) for i in range(len(run.years))]
    return [run.city.own_budgets("zh").replace("其中", "其中："), *yearly, sum(yearly)]


def write_appendix(run: RunFolder, path: Path, lang: str = "zh") -> None:
    sheets = Sheets(path)
    years = [str(y) for y in run.years]
    period = f"{years[0]}–{years[-1]}"
    lines = [*run.outlay_lines, "all"]  # outlays only: revenue forgone and memo items are in 附表7
    payers, city = run.payers, run.city
    shares = run.manifest["scenario"]["cost_sharing"]["city_share"]
    upper = [p for p in payers if p in HIGHER_LEVELS]
    upper_note = (f"{city.payer_name('central')}、{city.payer_name('province')}列示上级财政承担部分（国家育儿补贴等"
                  "共同事权项目），合计含上级财政。" if upper else "")

    def line_label(line: str) -> str:
        return "合计" if line == "all" else line_name(line, "zh", run.line_specs)

    sheets.table("汇总", f"附表1 各项目年度支出（权责发生制） {run.name}",
                 "单位：万元（均值）；合计行为各支出项目之和（不含减收与备忘项目）。" + upper_note,
                 [("", ["项目"]), ("年度", years), ("", [f"{period}合计"])],
                 _money_rows(run, [(line, "all") for line in lines], [[line_label(line)] for line in lines])
                 + ([_local_row(run)] if upper else []), 1)
    keys, labels = [], []
    for payer in [*payers, "all"]:
        for line in lines:
            keys.append((line, payer))
            labels.append(["合计" if payer == "all" else city.payer_name(payer, "zh"),
                           "小计" if line == "all" else line_name(line, "zh", run.line_specs)])
    sheets.table("分承担主体", f"附表2 分承担主体支出（权责发生制） {run.name}",
                 f"单位：万元（均值）。本方案项目：{'；'.join(sharing_parts(city, shares, 'zh'))}（示范中心按排期所列承担主体）；"
                 "共同事权项目先由中央、省级承担其份额，余下按同一规则。",
                 [("", ["承担主体"]), ("", ["项目"]), ("年度", years), ("", [f"{period}合计"])],
                 _money_rows(run, keys, labels), 2)
    if (run.budget.basis == "cash").any():
        cash_rows = _money_rows(run, [("all", payer) for payer in [*payers, "all"]],
                                [["合计" if p == "all" else city.payer_name(p, "zh")] for p in [*payers, "all"]], "cash")
        sheets.table("收付实现制", f"附表3 分承担主体现金支出（收付实现制） {run.name}",
                     "单位：万元（均值）；资金实际拨付年度。", [("", ["承担主体"]), ("年度", years),
                                                    ("", [f"{period}合计"])], cash_rows, 1)
    births = run.births.groupby(["area", "year"])["mean"].sum()
    birth_years = sorted(run.births.year.unique())
    areas = city.areas
    birth_rows = [[city.area_name(area, "zh"), *[births.loc[(area, y)] for y in birth_years]] for area in areas]
    birth_rows.append(["合计", *[sum(births.loc[(area, y)] for area in areas) for y in birth_years]])
    sheets.table("分地区出生", f"附表4 分地区出生人数预测 {run.name}", "单位：人（均值）；含全部孩次。",
                 [("", ["地区"]), ("年度", [str(y) for y in birth_years])], birth_rows, 1, number_format="count")
    range_rows = []
    for line in lines:
        for stat in ("p05", "p50", "p95"):
            row = _money_rows(run, [(line, "all")], [[line_label(line), {"p05": "5%分位", "p50": "中位数",
                                                                          "p95": "95%分位"}[stat]]], stat=stat)[0]
            range_rows.append(row[:-1])
    sheets.table("不确定性区间", f"附表5 年度支出的不确定性区间 {run.name}",
                 "单位：万元；蒙特卡洛各次模拟的分位数（合计行按每次模拟的合计取分位数）。",
                 [("", ["项目"]), ("", ["统计量"]), ("年度", years)], range_rows, 2)
    sources = []
    if city.sources_file.is_file():  # the run's city folder, when it is on this machine
        with open(city.sources_file, encoding="utf-8") as handle:
            sources = list(csv.DictReader(handle))
    source_rows = [[row["parameter"], row["value"], row["unit"], row["status"], row["source"], row["note"],
                    row["range"]] for row in sources]
    sheets.table("假设与来源", "附表6 参数取值、来源与性质", "status：read 读取自来源；derived 推算（方法见说明）；"
                 "assumption 假设（原因见说明）。", [("", ["参数"]), ("", ["取值"]), ("", ["单位"]), ("", ["性质"]),
                                                 ("", ["来源"]), ("", ["说明"]), ("", ["区间"])], source_rows, 7)
    if run.other_lines:
        kind_names: dict[str, str] = {Kind.REVENUE_FORGONE: "减收", Kind.MEMO: "备忘"}
        keys, labels = [], []
        for line in run.other_lines:
            for payer in [*payers, "all"]:
                keys.append((line, payer))
                labels.append([line_name(line, "zh", run.line_specs), kind_names[run.kinds[run.lines.index(line)]],
                               "小计" if payer == "all" else city.payer_name(payer, "zh")])
        sheets.table("减收与备忘", f"附表7 减收与备忘项目（不计入支出） {run.name}",
                     "单位：万元（均值）。减收：个税专项附加扣除使各级财政少收的收入；备忘：公积金贷款额度上浮"
                     "增加的可贷额度，不是财政支出。两者均不计入附表1–5的合计。",
                     [("", ["项目"]), ("", ["性质"]), ("", ["承担主体"]), ("年度", years), ("", [f"{period}合计"])],
                     _money_rows(run, keys, labels), 3)
    if run.readings is not None:
        own = run.readings[run.readings.is_default.astype(bool)].set_index("reading")
        reading_rows = [[row.title_zh, str(row.clause), own.loc[row.reading, "label_zh"], row.label_zh,
                         row.effect_mean / WAN, row.effect_p05 / WAN, row.effect_p95 / WAN, row.city_effect_mean / WAN,
                         row.new_money_effect_mean / WAN]
                        for row in run.readings[~run.readings.is_default.astype(bool)].itertuples(index=False)]
        sheets.table("测算口径", f"附表8 测算口径及其影响 {run.name}",
                     f"单位：万元。改用其他口径后{period}年本地财政（市本级及各区、县（市））支出合计的变化，"
                     "与本次运行同一随机种子逐次配对计算；“其中新增支出”为其中属于本方案新增措施的部分；按影响大小排列。",
                     [("", ["口径"]), ("", ["条款"]), ("", ["本次采用"]), ("", ["其他口径"]),
                      ("本地财政影响", ["均值", "5%分位", "95%分位"]), ("", ["其中市本级"]), ("", ["其中新增支出"])],
                     reading_rows, 4)
    sheets.close()
