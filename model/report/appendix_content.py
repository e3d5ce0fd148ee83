"""The budget appendix as one content model, built once from a run folder and rendered twice
(appendix_docx.py and appendix_pdf.py), so the Word file and the PDF cannot drift apart.

The model is small: a title page, then sections of headings, paragraphs, tables and figures.
Every table cell is already text (万元 with two decimals, numbers = budget.csv ÷ 10,000 and
payables.csv ÷ 10,000), so the renderers only lay it out. Revenue forgone and memo items have
a table of their own and never enter a total.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image  # matplotlib's own dependency

from model.city import DEFAULT_CITY_DIR, HIGHER_LEVELS, City
from model.kinds import Kind
from model.lines import MONEY_GROUPS, line_tables, money_groups
from model.mtfp import mtfp_table
from model.provenance import PACKAGE_KEY, input_key
from model.report.labels import TEXT, line_name, sharing_parts
from model.run_folder import RunFolder
from model.scenario import lookup
from model.units import WAN

# ---------------------------------------------------------------------------------------------
# The content model


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: a part of the document, 2: a subsection


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["body", "note", "bullet", "source"] = "body"


@dataclass(frozen=True)
class Table:
    """A table of text cells: header rows (repeated on every page), then rows.

    The first `label_columns` columns are labels (left-aligned); the others are numbers
    (right-aligned). `widths` are relative column widths; `total_rows` are shaded.
    """

    key: str  # a stable name (for tests and renderers), e.g. "line_by_year"
    label: str  # 表 / Table
    number: int
    title: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    label_columns: int
    widths: tuple[float, ...]
    note: str = ""
    total_rows: frozenset[int] = frozenset()
    font_size: float = 7.5
    width_share: float = 1.0  # of the text width

    @property
    def caption(self) -> str:
        return f"{self.label}{self.number} {self.title}" if self.label == "表" else \
            f"{self.label} {self.number}. {self.title}"


@dataclass(frozen=True)
class Figure:
    key: str  # the chart's name (charts/<key>.png)
    label: str  # 图 / Figure
    number: int
    title: str
    note: str
    png: bytes
    aspect: float  # height / width of the picture

    @property
    def caption(self) -> str:
        return f"{self.label}{self.number} {self.title}" if self.label == "图" else \
            f"{self.label} {self.number}. {self.title}"


Block = Heading | Paragraph | Table | Figure


@dataclass(frozen=True)
class Section:
    """A run of pages in one orientation; each section starts on a new page."""

    blocks: tuple[Block, ...]
    landscape: bool = False


@dataclass(frozen=True)
class Document:
    lang: str
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]  # the title page: (label, value)
    sections: tuple[Section, ...]
    footer: str  # left of the page number
    page_label: tuple[str, str]  # ("第 ", " 页") around the page number
    author: str = "birthbudget"

    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]

    def tables(self) -> list[Table]:
        return [block for block in self.blocks() if isinstance(block, Table)]

    def figures(self) -> list[Figure]:
        return [block for block in self.blocks() if isinstance(block, Figure)]

    def text(self) -> str:
        """Every character the document shows (for the font check)."""
        parts = [self.title, self.subtitle, self.footer, *self.page_label]
        parts += [text for pair in self.facts for text in pair]
        for block in self.blocks():
            if isinstance(block, Table):
                parts += [block.caption, block.note, *(c for row in (*block.header, *block.rows) for c in row)]
            elif isinstance(block, Figure):
                parts += [block.caption, block.note]
            else:
                parts.append(block.text)
        return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Numbers and values as text


def wan(yuan: float) -> str:
    """Yuan as 万元 with two decimals and thousands separators (never "-0.00")."""
    text = f"{yuan / WAN:,.2f}"
    return "0.00" if text == "-0.00" else text


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value)) if 1900 <= value <= 2100 else f"{int(value):,}"  # a year has no separator
    return f"{value:.6g}"


def format_value(value: Any, lang: str, names: Mapping[str, str] | None = None) -> str:
    """A resolved scenario value (number, distribution, year path, list, table) as short text; a
    table's keys by `names` (the areas' names) where it has them."""
    zh = lang == "zh"
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, int | float):
        return _number(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return f"{len(value)}项" if zh else f"{len(value)} entries"
        return " / ".join(format_value(v, lang) for v in value)
    if isinstance(value, dict) and "dist" in value:
        dist = value["dist"]
        n = {k: _number(float(v)) for k, v in value.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        if dist == "triangular":
            return (f"三角分布 {n['low']}–{n['high']}，众数 {n['mode']}" if zh
                    else f"triangular {n['low']}–{n['high']}, mode {n['mode']}")
        if dist == "uniform":
            return f"均匀分布 {n['low']}–{n['high']}" if zh else f"uniform {n['low']}–{n['high']}"
        if dist in ("beta", "normal"):
            name = {"beta": "Beta分布", "normal": "正态分布"}[dist] if zh else dist
            return f"{name} 均值 {n['mean']}，标准差 {n['sd']}" if zh else f"{name} mean {n['mean']}, sd {n['sd']}"
        if dist == "fixed":
            return n.get("value", "—")
        return str(dist)
    if isinstance(value, dict) and "values" in value:
        points = ", ".join(f"{year}: {format_value(v, lang)}" for year, v in value["values"].items())
        rules = [f"{side} {value[side]}" for side in ("before", "after") if value.get(side) not in (None, "error")]
        if value.get("growth") is not None:
            rules.append(f"growth {format_value(value['growth'], lang)}")
        if value.get("scale") not in (None, 1, 1.0):
            rules.append(f"scale {format_value(value['scale'], lang)}")
        return "; ".join([points, *rules])
    if isinstance(value, dict):
        names = names or {}
        return "; ".join(f"{names.get(str(k), str(k))} {format_value(v, lang)}" for k, v in value.items())
    return str(value)


# ---------------------------------------------------------------------------------------------
# Sources: sources.csv rows and the documents they cite

_PATH = re.compile(r"(?:docs/sources/)?([\w\-]+\.(?:md|txt))\b")
_TITLE = re.compile(r"《[^》]+》")
_PAPER = re.compile(r"^([A-Z][a-z]+)\b[^(]*?\b((?:19|20)\d\d)\b")


def _split_top(text: str, separator: str = ";") -> list[str]:
    """Split at separators outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "(（"
        depth -= char in ")）"
        if char == separator and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _outside_parentheses(text: str) -> str:
    out, depth = "", 0
    for char in text:
        depth += char in "(（"
        if depth <= 0:
            out += char
        depth -= char in ")）"
    return out.strip()


def cited_documents(source: str, plan_cited_as: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The documents a sources.csv `source` cites: (key, the citation as written), in order; a part
    naming one of `plan_cited_as` (city.toml's [plan] cited_as) cites the plan."""
    found: list[tuple[str, str]] = []
    for part in _split_top(source):
        keys: list[str] = []
        plan_files = [f"{marker}.txt" for marker in plan_cited_as]
        if any(marker in part for marker in plan_cited_as if marker.isascii()) or any(
                part.startswith(marker) for marker in plan_cited_as if not marker.isascii()):
            keys.append("plan")
        keys += [m.group(1) for m in _PATH.finditer(part) if m.group(1) not in plan_files]
        top = _outside_parentheses(part)
        keys += [title for title in _TITLE.findall(top)]
        if not keys:
            paper = _PAPER.match(top)
            if paper:
                keys.append(f"{paper.group(1)} {paper.group(2)}")
                found.append((keys[0], top.rstrip(" ,")))
                continue
        found += [(key, part) for key in dict.fromkeys(keys)]
    return found


@dataclass
class SourceRow:
    parameter: str
    value: str
    unit: str
    source: str
    status: str
    note: str
    range: str
    refs: list[int] = field(default_factory=list)


def read_sources(city: City) -> list[SourceRow]:
    """The city's sources.csv (no rows when the run's city folder is not on this machine)."""
    if not city.sources_file.is_file():
        return []
    with open(city.sources_file, encoding="utf-8") as handle:
        return [SourceRow(parameter=row["parameter"], value=row["value"], unit=row["unit"], source=row["source"],
                          status=row["status"], note=row["note"], range=row["range"])
                for row in csv.DictReader(handle)]


def number_sources(rows: Sequence[SourceRow], lang: str, city: City) -> list[str]:
    """Number every distinct document the rows cite (in order of first citation); set each row's
    refs; return the documents' descriptions, [0] being number 1."""
    known_documents = city.documents(lang)
    numbers: dict[str, int] = {"plan": 1}  # the plan first, then in order of first citation
    texts: list[str] = [known_documents["plan"]]
    for row in rows:
        for key, citation in cited_documents(row.source, city.spec.plan.cited_as):
            if key not in numbers:
                numbers[key] = len(texts) + 1
                texts.append(known_documents.get(key, citation))
            elif key not in known_documents and len(citation) > len(texts[numbers[key] - 1]):
                texts[numbers[key] - 1] = citation  # a paper cited in full once and short elsewhere
            if numbers[key] not in row.refs:
                row.refs = sorted([*row.refs, numbers[key]])
    by_key = {row.parameter: row for row in rows}
    for row in rows:  # "table:x.csv" cites what that table's row cites
        if row.source.startswith("table:") and row.source in by_key and not row.refs:
            row.refs = list(by_key[row.source].refs)
    return texts


# ---------------------------------------------------------------------------------------------
# What each line prices (the README's table, in both languages)

CLAUSE_EN_NATIONAL = "national (2025)"


def clause_text(clause: str, lang: str) -> str:
    """A clause as the appendix cites it: clause numbers as 第…条, a package's own citation as written."""
    if clause.startswith("national"):
        return "国家政策（2025年）" if lang == "zh" else CLAUSE_EN_NATIONAL
    numbers = [c.strip() for c in clause.split(",")]
    if not all(number.isdigit() for number in numbers):
        return clause
    return f"第{'、'.join(numbers)}条" if lang == "zh" else f"cl. {', '.join(numbers)}"


KIND_NAMES = {"zh": {Kind.OUTLAY: "支出", Kind.REVENUE_FORGONE: "减收", Kind.MEMO: "备忘"},
              "en": {Kind.OUTLAY: "outlay", Kind.REVENUE_FORGONE: "revenue forgone", Kind.MEMO: "memo"}}


class _Builder:
    def __init__(self, run: RunFolder, lang: str, charts: Mapping[str, bytes], other: RunFolder | None) -> None:
        self.run, self.lang, self.charts, self.other = run, lang, charts, other
        self.zh = lang == "zh"
        self.scenario: dict[str, Any] = run.manifest["scenario"]
        self.origin: dict[str, str] = run.manifest.get("value_origin", {})
        self.years = run.years
        self.period = f"{self.years[0]}–{self.years[-1]}"
        self.budget = run.budget.set_index(["basis", "line", "payer", "year"])["mean"]
        self.has_cash = bool((run.budget.basis == "cash").any()) and run.payables is not None
        self.upper = [payer for payer in run.payers if payer in HIGHER_LEVELS]
        self.tables = 0
        self.figures = 0
        self.city = run.city
        key = input_key(self.city.sources_file)  # the package's own file as model/…, a city's by its path
        self.sources_name = "model/" + key.removeprefix(PACKAGE_KEY) if key.startswith(PACKAGE_KEY) else key
        self.own_budgets = self.t(f"其中：{self.city.short('zh')}本地财政", f"of which {self.city.short('en')}'s own budgets")
        self.area_names = {area: self.city.area_name(area, lang) for area in self.city.areas}
        self.sources = read_sources(self.city)
        self.documents = number_sources(self.sources, lang, self.city)

    # -- helpers ------------------------------------------------------------------------------

    def t(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def line(self, line: str) -> str:
        return line_name(line, self.lang, self.run.line_specs)

    def payer(self, payer: str) -> str:
        return self.city.payer_name(payer, self.lang)

    def value(self, dotted: str) -> Any:
        return lookup(self.scenario, dotted)[1]

    def amount(self, dotted: str) -> str:
        return format_value(self.value(dotted), self.lang, self.area_names)

    def table(self, key: str, title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
              label_columns: int, widths: Sequence[float], note: str = "", total_rows: Sequence[int] = (),
              font_size: float = 7.5, width_share: float = 1.0) -> Table:
        self.tables += 1
        return Table(key=key, label=self.t("表", "Table"), number=self.tables, title=title, header=(tuple(header),),
                     rows=tuple(tuple(row) for row in rows), label_columns=label_columns, widths=tuple(widths),
                     note=note, total_rows=frozenset(total_rows), font_size=font_size, width_share=width_share)

    def money(self, basis: str, line: str, payer: str, year: int) -> float:
        return float(self.budget.loc[(basis, line, payer, year)])

    def year_row(self, label: Sequence[str], basis: str, line: str, payer: str) -> list[str]:
        values = [self.money(basis, line, payer, year) for year in self.years]
        return [*label, *(wan(v) for v in values), wan(sum(values))]

    def total_label(self) -> str:
        total = self.t("合计", "Total")
        return total + (self.t("（含中央、省级）", " (incl. central and province)") if self.upper else "")

    # -- the document -------------------------------------------------------------------------

    def build(self) -> Document:
        run = self.run
        manifest = run.manifest
        scenario = self.scenario["scenario"]
        description = scenario.get("description") or self.t("（无）", "(none)")
        version = manifest.get("package_version", "?")
        code = str(manifest.get("code_sha256", ""))[:12]
        facts = (
            (self.t("城市", "City"), self.city.name(self.lang)),
            (self.t("政策依据", "Plan"), f"《{self.city.plan('zh')}》" if self.zh
             else f"{self.city.plan('en')} (《{self.city.plan('zh')}》)"),
            (self.t("测算方案", "Scenario"), run.name),
            (self.t("方案说明", "Description"), description),
            (self.t("测算年度", "Budget years"), self.t(f"{self.period}年", self.period)),
            (self.t("运行日期", "Run date"), run.run_date),
            (self.t("模型版本", "Model version"),
             f"birthbudget {version}" + (self.t(f"（代码校验值 {code}）", f" (code {code})") if code else "")),
            (self.t("随机种子", "Seed"), str(manifest["seed"])),
            (self.t("模拟次数", "Replicates"), self.t(f"{manifest['replicates']:,}次", f"{manifest['replicates']:,}")),
            (self.t("金额单位", "Unit"), self.t("万元", "10,000 yuan (万元)")),
        )
        sections = (
            Section(self.explanation()),
            Section(self.data_and_assumptions(), landscape=True),
            Section(self.appendix_tables(), landscape=True),
            Section(self.figure_blocks()),
            Section(self.source_blocks()),
        )
        return Document(
            lang=self.lang,
            title=self.t(f"{self.city.name('zh')}优化生育政策财政支出测算",
                         f"{self.city.name('en')}: fiscal cost of the birth-support plan"),
            subtitle=self.t("预算附件", "Budget appendix"),
            facts=facts, sections=sections,
            footer=self.t(f"方案：{run.name}　运行日期：{run.run_date}", f"Scenario: {run.name}   Run date: {run.run_date}"),
            page_label=(self.t("第 ", "Page "), self.t(" 页", "")),
        )

    # -- 编制说明 -------------------------------------------------------------------------------

    def explanation(self) -> tuple[Block, ...]:
        run = self.run
        blocks: list[Block] = [Heading(self.t("一、编制说明", "1. Notes on the estimates"), 1)]
        blocks.append(Heading(self.t("（一）测算范围", "1.1 What is priced"), 2))
        on = [line for line in run.line_specs if line in run.lines]
        # the model's lines that are off are the default city's plan clauses: listed for that city only
        default_city = self.city.folder.resolve() == DEFAULT_CITY_DIR.resolve()
        off = [line for line in run.line_specs if line not in run.lines and default_city]
        sep = "、" if self.zh else ", "
        text = self.t(
            f"本附件测算《{self.city.plan('zh')}》（以下简称《实施方案》）中直接形成财政资金需求的条款在{self.period}年的"
            f"财政支出。本次测算（方案“{run.name}”）计入{len(on)}个项目，见表1。",
            f"This appendix prices the clauses of the plan (《{self.city.plan('zh')}》) that call for budget money, for "
            f"{self.period}. This run (scenario \"{run.name}\") prices {len(on)} lines, listed in Table 1.")
        if off:
            text += self.t(f"以下项目在本次测算中未启用，未计入任何金额：{sep.join(self.line(x) for x in off)}。",
                           f" These lines are off in this run and carry no amount: "
                           f"{sep.join(self.line(x) for x in off)}.")
        blocks.append(Paragraph(text))
        rows = []
        for line in (line for line in run.line_specs if line in on or line in off):
            spec = run.line_specs[line]
            own_clause = None if line in (self.scenario.get("measures") or {}) else self.value(f"lines.{line}.clause")
            rows.append([self.line(line), clause_text(own_clause or spec.clause, self.lang),
                         KIND_NAMES[self.lang][spec.kind],
                         self.t("计入", "priced") if line in run.lines else self.t("未启用", "off"),
                         self.priced_as(line)])
        blocks.append(self.table("lines", self.t("测算项目、《实施方案》条款与测算口径", "Lines, the plan's clauses and how each is priced"),
                                 [self.t("项目", "Line"), self.t("条款", "Clause"), self.t("性质", "Kind"),
                                  self.t("本次", "This run"), self.t("测算口径", "Priced as")],
                                 rows, 5, (2.2, 1.1, 0.8, 0.8, 5.5), font_size=8))
        if run.other_lines:
            blocks.append(Paragraph(self.t(
                "减收项目（个人所得税婴幼儿照护专项附加扣除）是各级财政少收的税收，备忘项目（住房公积金贷款额度上浮）"
                "不形成财政支出；二者单独列表（表10），不计入任何支出合计。",
                "Revenue forgone (the income-tax deduction for children under 3) is tax the budgets do not "
                "collect, and the memo item (the higher provident-fund loan limit) costs the budgets nothing; both "
                "have a table of their own (Table 10) and never enter a total of spending.")))
        not_priced = self.city.spec.plan.not_priced_zh if self.zh else self.city.spec.plan.not_priced_en
        if not_priced:  # the plan's money clauses the model does not price, as the city's data says
            county = self.value("lines.housing_subsidy.county_amounts") or {}
            blocks.append(Paragraph(" ".join(not_priced.split()) if not self.zh else "".join(not_priced.split())))
            if county:
                blocks.append(Paragraph(self.t("各县（市）自定的购房补贴本次已按方案设定计入。",
                                               "The counties' own home-purchase subsidies are priced in this run as "
                                               "the scenario sets them.")))
        blocks.append(Heading(self.t("（二）测算方法", "1.2 Method"), 2))
        blocks += [Paragraph(text, "bullet") for text in self.method()]
        blocks.append(Heading(self.t("（三）如何理解5–95%区间", "1.3 How to read a 5–95% range"), 2))
        blocks += [Paragraph(text) for text in self.ranges()]
        return tuple(blocks)

    def priced_as(self, line: str) -> str:
        a = self.amount
        if line in (self.scenario.get("measures") or {}):
            return self.measure(line)
        p = "lines." + line + "."
        sep = "、" if self.zh else ", "
        home = self.value(p + "home_areas")
        homes = sep.join(self.city.area_name(area, self.lang) for area in (home or self.city.districts))
        zh: dict[str, str] = {
            "nipt": "本市户籍、在市内医疗机构建档的孕妇 × 享受率 × 检测单价，计于出生前"
                    f"{a(p + 'months_before_birth')}个月",
            "art_subsidy": "女方年满35周岁、未曾生育、至少一方为本市户籍且开始辅助生殖治疗的家庭 × 据实报销的自付费用，"
                           f"每户累计不超过{a(p + 'cap_per_household')}元",
            "childcare_slot_subsidy": "普惠托位实际招收数（千人口托位数 × 普惠比例，不超过入托的3岁以下婴幼儿数）"
                                      f" × 每托位每年{a(p + 'amount_per_slot')}元",
            "third_child_allowance": "三孩及以上出生（本市户籍、市内医疗机构分娩）× 享受率 × "
                                     f"每月{a(p + 'monthly_amount')}元，发放{a(p + 'months')}个月（死亡即停）"
                                     + ("，为国家育儿补贴之上的补足部分" if self.value(p + "net_of_national_subsidy") else ""),
            "housing_subsidy": f"在{homes}购房的二孩、三孩家庭 × {a(p + 'amount_second_child')}元 / "
                               f"{a(p + 'amount_third_child')}元，按住房所在区域分担",
            "maternity_insurance_subsidy": f"企业参保女职工的生育 × 企业在{a(p + 'leave_days')}天产假期间"
                                           f"缴纳社会保险费 × 补贴比例{a(p + 'subsidy_rate')}",
            "demonstration_centres": "示范性托育服务中心排期（地区、开办年份、建设和运营补贴、承担主体）加每年评选的示范试点机构",
            "fee_waivers": "入托、入园儿童 × 困难家庭比例 × 保教费 × 减免比例（2025年秋季起学前一年免保教费）",
            "family_planning_awards": "按年龄的受助人数（逐年增龄、死亡并新增）× 各项扶助年标准",
            "national_childcare_subsidy": f"3岁以下儿童 × 每年{a(p + 'annual_amount')}元（2025年前出生的按月折算）；"
                                          "中央、省、市、区县分担",
            "iit_deduction_revenue": "3岁以下儿童 × 纳税父母比例 × 每月扣除额 × 边际税率；中央60%，地方40%再分担",
            "housing_fund_limit": "额度上浮新增的公积金贷款额度；不形成财政支出",
        }
        en: dict[str, str] = {
            "nipt": "city-hukou pregnant women filed in city hospitals × take-up × price, "
                    f"{a(p + 'months_before_birth')} months before the birth",
            "art_subsidy": "childless city-hukou women aged 35+ starting ART × what they spend, capped at "
                           f"{a(p + 'cap_per_household')} yuan per household in total",
            "childcare_slot_subsidy": "enrolled inclusive slots (slots per 1,000 residents × inclusive share, at most "
                                      f"the children under 3 in care) × {a(p + 'amount_per_slot')} yuan a year",
            "third_child_allowance": "third and later births (city hukou, city hospital) × take-up × "
                                     f"{a(p + 'monthly_amount')} yuan a month for {a(p + 'months')} months, until death"
                                     + (", as a top-up over the national subsidy"
                                        if self.value(p + "net_of_national_subsidy") else ""),
            "housing_subsidy": f"2nd/3rd-child families buying in {homes} × {a(p + 'amount_second_child')}"
                               f" / {a(p + 'amount_third_child')} yuan, paid where the home is",
            "maternity_insurance_subsidy": "births to enterprise-insured mothers × the employer's contributions over "
                                           f"{a(p + 'leave_days')} days × subsidy rate {a(p + 'subsidy_rate')}",
            "demonstration_centres": "a schedule of centres (area, opening year, construction and operating subsidy, "
                                     "payer) + pilots selected each year",
            "fee_waivers": "children in nurseries and kindergartens × hardship share × fee × share waived (the last "
                           "kindergarten year free from autumn 2025)",
            "family_planning_awards": "recipients by age (a cohort that ages, dies and gains entrants) × each scheme's "
                                      "yearly amount",
            "national_childcare_subsidy": f"children under 3 × {a(p + 'annual_amount')} yuan a year (pro rata by month "
                                          "for those born before 2025); central / province / city / district shares",
            "iit_deduction_revenue": "children under 3 × taxable-parent share × deduction a month × marginal rate; "
                                     "central 60%, the local 40% split",
            "housing_fund_limit": "extra provident-fund loan volume from the raised limit; costs the budget nothing",
        }
        if self.value(p + "basis") is not None:  # a measure priced as cases × cost (unit_measures)
            return self.unit_measure(line)
        return (zh if self.zh else en).get(line, "")

    def measure(self, line: str) -> str:
        """What a package's measure prices: a cash benefit's schedule, or cases × cost."""
        p = f"measures.{line}."
        kind = self.value(p + "kind")
        if kind == "unit_cost":
            return self.unit_measure(line, "measures")
        if kind == "home_purchase":
            return self.home_purchase(line)
        if kind == "capped_reimbursement":
            return self.capped_reimbursement(line)
        if kind == "per_person_scheme":
            return self.per_person_scheme(line)
        orders = {1: self.t("一孩", "first"), 2: self.t("二孩", "second"), 3: self.t("三孩及以上", "third+")}
        parts = []
        for item in self.value(p + "schedule") or []:
            who = self.t("、", ", ").join(orders[order] for order in item["orders"])
            amount = _number(float(item["amount"]))
            ages = (f"{_number(float(item['from_age']))}–{_number(float(item['to_age']))}"
                    if item.get("to_age") is not None else _number(float(item["from_age"])))
            every = {"once": self.t(f"{ages}岁时一次性{amount}元", f"{amount} yuan once at age {ages}"),
                     "month": self.t(f"{ages}岁每月{amount}元", f"{amount} yuan a month at ages {ages}"),
                     "year": self.t(f"{ages}岁每年{amount}元", f"{amount} yuan a year at ages {ages}")}[item["every"]]
            parts.append(f"{who}{every}" if self.zh else f"{who}: {every}")
        window = self.window(p)
        ages = self.value(p + "mother_age")
        mothers = (self.t(f"、母亲生育时{ages[0]}至{ages[1]}岁", f" to mothers aged {ages[0]}-{ages[1]}")
                   if ages else "")
        return self.t(f"{window}出生{mothers}的子女 × 享受率 ×（" + "；".join(parts) + "），死亡即停",
                      f"children born {window}{mothers} × take-up × (" + "; ".join(parts) + "), while alive")

    def window(self, prefix: str) -> str:
        """The measure's days of birth: from–until, or from a day on."""
        start, until = self.value(prefix + "births_from"), self.value(prefix + "births_until")
        return f"{start}–{until}" if until else self.t(f"{start}起", f"from {start}")

    def home_purchase(self, line: str) -> str:
        p = f"measures.{line}."
        areas = self.value(p + "home_areas")
        where_zh = "、".join(self.area_names.get(a, a) for a in areas) if areas else "各区"
        where_en = ", ".join(self.area_names.get(a, a) for a in areas) if areas else "the districts"
        second, third = self.amount(p + "amount_second_child"), self.amount(p + "amount_third_child")
        return self.t(
            f"{self.window(p)}出生的二孩、三孩家庭 × 购房概率{self.amount(p + 'purchase_probability')} × 享受率；"
            f"在{where_zh}购房，二孩家庭{second}元、三孩家庭{third}元，一次性",
            f"second- and third-child families of births {self.window(p)} × purchase probability "
            f"{self.amount(p + 'purchase_probability')} × take-up; a home in {where_en}: {second} yuan (second child), "
            f"{third} yuan (third), once")

    def capped_reimbursement(self, line: str) -> str:
        p = f"measures.{line}."
        years = 1 + len(self.value(p + "continuation") or [])
        return self.t(
            f"{self.unit_basis(p)} × 享受率；每户每年自付均值{self.amount(p + 'out_of_pocket_mean')}元，"
            f"按实报销，每户累计不超过{self.amount(p + 'cap_per_household')}元（最多{years}年）",
            f"{self.unit_basis(p)} × take-up; households spending {self.amount(p + 'out_of_pocket_mean')} yuan a "
            f"year on average, reimbursed up to {self.amount(p + 'cap_per_household')} yuan each in all (up to {years} "
            "years)")

    def per_person_scheme(self, line: str) -> str:
        p = f"measures.{line}."
        start = (self.t("基年受助人（按年龄）", "base-year recipients by age") if self.value(p + "base_recipients") != "none"
                 else self.t("基年无受助人", "no recipients in the base year"))
        entry = self.amount(p + "entrants_per_year")
        age = self.value(p + "entry_age")
        return self.t(
            f"受助人数 × 享受率 × 每人每年{self.amount(p + 'annual_amount')}元；{start}，每年新增{entry}人（{age}岁进入），"
            "逐年增龄并按生命表死亡",
            f"recipients × take-up × {self.amount(p + 'annual_amount')} yuan each a year; {start}, {entry} entering "
            f"a year at age {age}, ageing and dying by the life table")

    def unit_basis(self, p: str, unit_zh: str = "户", unit_en: str = "households") -> str:
        """A measure's cases: its basis (and yearly count) × cases per unit."""
        basis = str(self.value(p + "basis"))
        zh_basis = {"births": "出生人数", "second_and_later_births": "二孩及以上出生人数",
                    "children_under_3": "3岁以下儿童数", "children_3_to_5": "3至5岁儿童数", "yearly_count": "年度人数"}
        en_basis = {"births": "births", "second_and_later_births": "second and later births",
                    "children_under_3": "children under 3", "children_3_to_5": "children aged 3-5",
                    "yearly_count": "a yearly count"}
        count = (self.t(f"（{self.amount(p + 'yearly_count')}）", f" ({self.amount(p + 'yearly_count')})")
                 if basis == "yearly_count" else "")
        return self.t(f"{zh_basis[basis]}{count} × 每单位{self.amount(p + 'cases_per_unit')}{unit_zh}",
                      f"{en_basis[basis]}{count} × {self.amount(p + 'cases_per_unit')} {unit_en} each")

    def unit_measure(self, line: str, section: str = "lines") -> str:
        p = f"{section}.{line}."
        new = self.value(p + "new_money")
        return self.t(
            f"{self.unit_basis(p, '例', 'cases')} × 享受率 × 每例{self.amount(p + 'unit_cost')}元；"
            f"{'本方案新增措施' if new else '延续项目（方案重申的既有政策）'}",
            f"{self.unit_basis(p, '例', 'cases')} × take-up × {self.amount(p + 'unit_cost')} yuan a case; "
            f"{'a new measure of the plan' if new else 'a continuing programme'}")

    def sharing(self) -> str:
        parts = sharing_parts(self.city, self.value("cost_sharing.city_share"), self.lang)
        sep = "、" if self.zh else ", "
        measures = self.scenario.get("measures") or {}
        own = [line for line in self.run.outlay_lines
               if self.value(f"{'measures' if line in measures else 'lines'}.{line}.city_share") is not None]
        text = self.t("；".join(parts) + "。", "; ".join(parts) + ".")
        if own:
            text += self.t(f"{sep.join(self.line(x) for x in own)}另按方案设定的分担比例。",
                           f" {sep.join(self.line(x) for x in own)} use their own shares set in the scenario.")
        return text

    def method(self) -> list[str]:
        run = self.run
        phase = self.amount("behaviour.response_phase_in_years")
        city, areas = self.city, len(self.city.areas)
        base_year, base_births = self.value("demography.base_year"), run.base_year_births or 0.0
        calibration = city.spec.calibration
        texts = [self.t(
            f"出生：出生人数由队列微观模拟得出。模型按地区（{areas}个县市区）、单岁年龄（0–49岁）、已生育孩次（0、1、2、3及以上）"
            "和户籍组别划分育龄妇女，逐年按分孩次生育率抽取出生人数，并计入死亡、迁出迁入和年龄增长，得到分地区、分孩次、"
            f"分月份的出生。{base_year}年基年出生与{calibration.births_source_zh}的{base_births:,.0f}人校准。"
            "补贴对生育的影响（生育响应）按每1万元预期补贴"
            f"使该孩次生育率相对提高的比例计入，{phase}年内逐步显现，其取值区间见表3。",
            f"Births: a cohort microsimulation gives births by area (the {areas} county-level areas), single year of "
            "age (0–49), parity (0, 1, 2, 3+) and hukou group: each year births are drawn from order-specific rates, "
            "and deaths, migration and ageing move the women on, giving births by area, birth order and month. "
            f"Base-year ({base_year}) births are aligned to the {base_births:,.0f} of {calibration.births_source_en}. The "
            "subsidies' effect on births (the fertility response) is a relative rise in an order's birth rate per "
            f"10,000 yuan of expected benefit, phased in over {phase} years; its range is in Table 3."),
            self.t(
                "享受：各项目的受益人数为符合条件的人数乘以享受率（实际申领的比例），再乘以补贴标准（表1“测算口径”）。"
                "享受率及其他无公开数据的参数均为假设，带取值区间（表3），每次模拟在区间内随机抽取。",
                "Take-up: the beneficiaries of each line are the eligible people times the take-up (the share who "
                "claim), times the amount (Table 1, \"priced as\"). Take-up and every other parameter without "
                "published figures is an assumption with a range (Table 3), drawn afresh in every replicate."),
            self.t("承担：", "Who pays: ") + self.sharing()
            + (self.t("购房补贴按所购住房所在区域确定承担主体。", " The home-purchase subsidy is paid where the home is.")
               if "housing_subsidy" in run.lines else "")
            + (self.t("示范性托育服务中心按排期所列承担主体。", " Demonstration centres by the payer their schedule names.")
               if "demonstration_centres" in run.lines else ""),
        ]
        cofunded = [line for line in run.lines if line in ("national_childcare_subsidy", "iit_deduction_revenue",
                                                            "family_planning_awards")]
        if cofunded:
            sep = "、" if self.zh else ", "
            texts.append(self.t(
                f"共同事权：{sep.join(self.line(x) for x in cofunded)}由中央、省级和本地共同负担，先按方案设定的比例计算"
                "中央、省级承担部分，余下部分按上述规则在市本级和各区县之间分担；表中“合计”含中央、省级资金，"
                f"表6另列{self.city.short('zh')}本地财政承担部分。",
                f"Co-funded lines: {sep.join(self.line(x) for x in cofunded)} are shared with the central and "
                "provincial governments; their shares come first (as the scenario sets them) and the rest is split "
                "between the city and the areas by the rule above. Totals include central and provincial money; "
                f"Table 6 shows the part {self.city.short('en')}'s own budgets bear."))
        cash = self.t(
            "权责发生制与收付实现制：权责发生制按补贴权利发生的月份计入（如三孩出生后每月的育儿补贴），收付实现制按资金"
            "实际拨付的月份计入。家庭或单位的申请滞后、各区县经办机构的审核能力、审核不通过的申请和各项目的拨付周期"
            "（按月、按季、按年）使现金支出晚于权责发生额，年末已发生未拨付的部分为应付款（表8）。拨付过程以排队模拟"
            "在前20次模拟的期望申请量上测算一次，所得拨付时间分布用于全部模拟。",
            "Accrual and cash: the accrual basis counts money in the month the entitlement arises (each month of "
            "a third child's allowance, for instance), the cash basis in the month it is paid. The claimant's "
            "application lag, the area office's review capacity, refused claims and each line's payment runs "
            "(monthly, quarterly, annual) put cash after accrual; what is owed but unpaid at a year end is a "
            "payable (Table 8). The claims process is simulated as a queue once, on the expected claims of the "
            "first 20 replicates, and its payment timing is applied to every replicate.")
        if not self.has_cash:
            cash += self.t("本次运行未计算收付实现制（[disbursement] enabled = false），故无现金和应付款表。",
                           " This run has no cash timing ([disbursement] enabled = false), so the cash and payables "
                           "tables are left out.")
        texts.append(cash)
        return texts

    def ranges(self) -> list[str]:
        run = self.run
        replicates = int(run.manifest["replicates"])
        period = run.replicates["accrual"].sum(axis=(1, 3))  # [rep, line] yuan
        outlay_index = [run.lines.index(line) for line in run.outlay_lines]
        sum_p95 = sum(float(np.quantile(period[:, i], 0.95)) for i in outlay_index)
        total_p95 = float(np.quantile(period[:, outlay_index].sum(axis=1), 0.95))
        texts = [self.t(
            f"每个数字来自{replicates:,}次蒙特卡洛模拟。每次模拟先在各假设参数的取值区间（分布）内抽取一组参数值"
            "（参数不确定性），再随机产生出生、死亡、迁移和申领等事件（随机性）。“均值”是各次模拟的平均值；"
            "“5%分位”和“95%分位”之间是90%的模拟结果所在的区间，即在所列假设下支出很可能落入的范围。",
            f"Every figure comes from {replicates:,} Monte Carlo replicates. Each replicate first draws a set of "
            "parameter values from the ranges (distributions) of the assumptions (parameter uncertainty), then "
            "draws births, deaths, migration and claims (random events). The mean is the average over the "
            "replicates; 90% of the replicates lie between the 5% and the 95% quantile, the range the spending "
            "is likely to fall in under the stated assumptions."),
            self.t(
                "均值可以相加：各项目均值之和等于合计的均值，各年度均值之和等于期间合计的均值。分位数不能相加：合计的分位数"
                "按每次模拟的合计计算，通常窄于各项目分位数之和，因为各项目不会同时处于高位。"
                f"本次测算中，{self.period}年各支出项目95%分位数之和为{wan(sum_p95)}万元，而合计的95%分位数为"
                f"{wan(total_p95)}万元（表4）。",
                "Means add up: the lines' means sum to the mean of the total, and the years' means to the mean of the "
                "period. Quantiles do not: the total's quantiles are taken over each replicate's total, and are "
                "usually narrower than the sum of the lines' quantiles, since the lines are not all high at once. "
                f"In this run the lines' 95% quantiles for {self.period} sum to {wan(sum_p95)} (10,000 yuan), while "
                f"the total's 95% quantile is {wan(total_p95)} (Table 4)."),
            self.t(
                "区间只反映已列出的假设及其区间和随机事件，不包括模型结构、数据口径和政策调整带来的不确定性。",
                "The ranges reflect the listed assumptions and their ranges and the random events only, not the "
                "uncertainty of the model's structure, of the data's definitions or of changes to the policy."),
        ]
        if replicates < 200:
            texts.append(self.t(f"本次仅模拟{replicates}次，分位数不够稳定，仅供参考；正式测算建议1,000次。",
                                f"This run has only {replicates} replicates, so its quantiles are not yet stable; "
                                "use 1,000 for the budget."))
        return texts

    # -- data and assumptions ------------------------------------------------------------------

    def relevant(self, row: SourceRow) -> bool:
        key = row.parameter
        parts = key.split(".")
        if parts[0] in ("lines", "disbursement", "measures") and len(parts) > 1 and parts[1] in self.run.line_specs:
            return parts[1] in self.run.lines and (parts[0] in ("lines", "measures") or self.has_cash)
        tables = {"family_planning_recipients.csv": "family_planning_awards",
                  "housing_destination.csv": "housing_subsidy"}
        if key.startswith("table:") and key[6:] in tables:
            return tables[key[6:]] in self.run.lines
        if parts[0] == "indexation":
            return bool(self.value("indexation.lines"))
        return True

    def group(self, key: str) -> tuple[str, str]:
        """(what it belongs to, the parameter) for a sources.csv key."""
        if key.startswith("table:"):
            return self.t("数据表", "data table"), key[6:]
        parts = key.split(".")
        if parts[0] in ("lines", "disbursement", "measures") and len(parts) > 2 and parts[1] in self.run.line_specs:
            label = self.line(parts[1]) + (self.t("（拨付）", " (payment)") if parts[0] == "disbursement" else "")
            return label, ".".join(parts[2:])
        names = {"scenario": ("方案设置", "scenario"), "areas": ("地区划分", "areas"), "demography": ("人口", "demography"),
                 "eligibility": ("资格", "eligibility"), "cost_sharing": ("分担", "cost sharing"),
                 "behaviour": ("生育响应", "behaviour"), "indexation": ("价格指数", "indexation")}
        zh, en = names.get(parts[0], (parts[0], parts[0]))
        return self.t(zh, en), ".".join(parts[1:])

    def run_value(self, row: SourceRow) -> str:
        key = row.parameter
        if key.startswith("table:"):
            stem = key[6:].removesuffix(".csv")
            override = self.value(f"data.{stem}")
            return Path(str(override)).name if override else self.t("默认表", "default table")
        found, value = lookup(self.scenario, key)
        text = format_value(value, self.lang, self.area_names) if found else row.value
        origin = self.origin.get(key)
        if origin and not origin.endswith("defaults.toml"):
            text += f"（{Path(origin).name}）" if self.zh else f" ({Path(origin).name})"
        return text

    def source_cell(self, row: SourceRow) -> str:
        refs = "".join(f"[{n}]" for n in row.refs)
        return f"{refs} {row.source}" if refs else row.source

    def data_and_assumptions(self) -> tuple[Block, ...]:
        rows = self.sources
        counts = {status: sum(row.status == status for row in rows) for status in ("read", "derived", "assumption")}
        relevant = [row for row in rows if self.relevant(row)]
        settings = [row for row in relevant if row.range.strip() == "a setting, not an estimate"]
        data = [row for row in relevant if row.status in ("read", "derived")]
        assumptions = [row for row in relevant if row.status == "assumption" and row not in settings]
        left_out = len(rows) - len(relevant)
        blocks: list[Block] = [
            Heading(self.t("（四）数据及其性质", "1.4 Data and their status"), 2),
            Paragraph(self.t(
                f"{self.sources_name} 逐项列明模型的默认数据表和参数的取值、来源、性质和合理区间，共{len(rows)}项："
                f"读取{counts['read']}项（直接取自所列来源）、推算{counts['derived']}项（由读取的数据按说明的方法计算）、"
                f"假设{counts['assumption']}项（未找到{self.city.short('zh')}的公开数据，按说明的理由设定，并给出区间）。"
                f"与本次测算有关的读取和推算数据{len(data)}项列于表2，假设{len(assumptions)}项列于表3"
                + (f"；另有{left_out}项属于本次未启用的项目或未使用的功能，未列出" if left_out else "")
                + f"；{len(settings)}项为运行设置（如随机种子和模拟次数，见封面）。{self.city.short('zh')}本地统计资料大多无法取得，"
                "许多默认值是估计值，应以本地数据核实。来源编号见“四、资料来源”。",
                f"{self.sources_name} gives, for every default table and parameter, its value, source, status "
                f"and a plausible range: {len(rows)} rows, {counts['read']} read (taken from the source cited), "
                f"{counts['derived']} derived (computed from read figures by the method given) and "
                f"{counts['assumption']} assumptions (no published figure of {self.city.short('en')} was found; set "
                "for the reason "
                f"given, with a range). The {len(data)} read and derived rows this run uses are in Table 2, its "
                f"{len(assumptions)} assumptions in Table 3"
                + (f"; {left_out} rows belong to lines that are off or features not used, and are not listed"
                   if left_out else "")
                + f"; {len(settings)} rows are settings of the run (such as the seed and the replicates, on the "
                f"title page). Most of {self.city.short('en')}'s own statistics were out of reach, so many defaults are "
                "estimates "
                "to be checked against local data. Source numbers refer to section 4, Sources.")),
        ]
        status = {"read": self.t("读取", "read"), "derived": self.t("推算", "derived")}
        data_rows = [[*self.group(row.parameter), self.run_value(row), row.unit, status[row.status],
                      self.source_cell(row), row.note] for row in data]
        blocks.append(self.table("data", self.t("读取和推算的数据", "Read and derived data"),
                                 [self.t("类别", "Group"), self.t("参数", "Parameter"), self.t("本次取值", "Value in run"),
                                  self.t("单位", "Unit"), self.t("性质", "Status"), self.t("来源", "Source"),
                                  self.t("说明", "Note")],
                                 data_rows, 7, (1.2, 1.8, 1.0, 1.2, 0.7, 3.0, 4.0), font_size=7))
        blocks.append(Heading(self.t("（五）主要假设及其区间", "1.5 Key assumptions and their ranges"), 2))
        blocks.append(Paragraph(self.t(
            "表3列出本次测算使用的全部假设。“本次取值”是本次运行实际采用的值：写作分布的，每次模拟在分布内随机抽取；"
            "括号内为改动默认值的方案文件。“区间”是 sources.csv 给出的合理区间，敏感性分析（birthbudget sweep）"
            "在此区间内变动参数。",
            "Table 3 lists every assumption this run uses. \"Value in run\" is the value the run used: a "
            "distribution is drawn afresh in every replicate; a file name in brackets is the scenario file that "
            "changed the default. \"Range\" is the plausible range sources.csv gives, over which a sweep "
            "(birthbudget sweep) varies the parameter.")))
        assumption_rows = [[*self.group(row.parameter), self.run_value(row), row.unit, row.range or "—",
                            self.source_cell(row), row.note] for row in assumptions]
        blocks.append(self.table("assumptions", self.t("主要假设及其区间", "Key assumptions and their ranges"),
                                 [self.t("类别", "Group"), self.t("参数", "Parameter"), self.t("本次取值", "Value in run"),
                                  self.t("单位", "Unit"), self.t("区间", "Range"), self.t("来源", "Source"),
                                  self.t("理由", "Why")],
                                 assumption_rows, 7, (1.3, 1.8, 1.6, 1.2, 1.3, 2.5, 3.0), font_size=7))
        return tuple(blocks)

    # -- 附表 -------------------------------------------------------------------------------------

    def year_header(self, first: Sequence[str]) -> list[str]:
        return [*first, *(str(y) for y in self.years), self.t(f"{self.period}合计", f"{self.period} total")]

    def appendix_tables(self) -> tuple[Block, ...]:
        run = self.run
        unit = self.t("单位：万元（均值）。", "Unit: 10,000 yuan (万元), means. ")
        upper_note = self.t("“合计”含中央、省级资金。", "Totals include central and provincial money. ") if self.upper else ""
        blocks: list[Block] = [
            Heading(self.t("二、附表", "2. Tables"), 1),
            Paragraph(self.t(
                "以下各表金额单位为万元，保留两位小数，数值等于运行结果 budget.csv（应付款为 payables.csv）除以10,000；"
                "期间合计为各年度均值之和。合计只含支出项目，减收与备忘项目单列于表10。",
                "Amounts are in 10,000 yuan (万元) with two decimals and equal the run's budget.csv (payables: "
                "payables.csv) divided by 10,000; period totals are sums of the yearly means. Totals add up outlays "
                "only; revenue forgone and memo items are in Table 10.")),
        ]
        # period totals with their range (replicates: quantiles of each replicate's sum)
        period = run.replicates["accrual"].sum(axis=(1, 3))  # [rep, line] yuan
        outlay_index = [run.lines.index(line) for line in run.outlay_lines]
        rows: list[list[str]] = []
        for line in [*run.outlay_lines, "all"]:
            values = period[:, outlay_index].sum(axis=1) if line == "all" else period[:, run.lines.index(line)]
            mean = sum(self.money("accrual", line, "all", year) for year in self.years)
            label = self.total_label() if line == "all" else self.line(line)
            rows.append([label, wan(mean), wan(float(np.quantile(values, 0.05))), wan(float(np.quantile(values, 0.50))),
                         wan(float(np.quantile(values, 0.95)))])
        total_row = len(rows) - 1
        groups = money_groups(run.lines, line_tables(self.scenario))
        if all(groups.values()):  # the plan's new money apart from the continuing programmes
            for group, members in groups.items():
                values = period[:, [run.lines.index(line) for line in members]].sum(axis=1)
                mean = sum(self.money("accrual", line, "all", year) for line in members for year in self.years)
                zh, en = MONEY_GROUPS[group]
                rows.append([self.t(f"其中：{zh}", f"of which {en}"), wan(mean),
                             *(wan(float(np.quantile(values, q))) for q in (0.05, 0.50, 0.95))])
        blocks.append(self.table(
            "period", self.t(f"{self.period}年各项目支出合计及5–95%区间（权责发生制）",
                             f"Total cost {self.period} by line with its 5–95% range (accrual)"),
            [self.t("项目", "Line"), self.t("均值", "Mean"), self.t("5%分位", "5%"), self.t("中位数", "Median"),
             self.t("95%分位", "95%")], rows, 1, (4, 1.3, 1.3, 1.3, 1.3),
            self.t("单位：万元。均值为各年度均值之和；分位数按每次模拟的期间合计计算，不能相加。",
                   "Unit: 10,000 yuan. The mean is the sum of the yearly means; quantiles are taken over each "
                   "replicate's period total and do not add up.") + upper_note
            + (self.t("“本方案新增措施”为方案新设的支出，“延续项目及国家育儿补贴”为方案重申的既有项目和国家制度，二者之和为合计。",
                      "\"New measures of the plan\" are what the plan adds; \"continuing programmes and the "
                      "national subsidy\" are existing programmes the plan restates and the national scheme; "
                      "the two add up to the total.") if all(groups.values()) else ""),
            total_rows=[total_row], font_size=8.5, width_share=0.75))
        # line × year
        lines = [*run.outlay_lines, "all"]
        rows = [self.year_row([self.total_label() if line == "all" else self.line(line)], "accrual", line, "all")
                for line in lines]
        rows += [self.range_row("p05"), self.range_row("p95")]
        blocks.append(self.table(
            "line_by_year", self.t("各项目年度支出（权责发生制）", "Annual cost by line (accrual basis)"),
            self.year_header([self.t("项目", "Line")]), rows, 1, (3.2, *([1.0] * (len(self.years) + 1))),
            unit + self.t("最后两行为年度合计的5%和95%分位数（按每次模拟的合计计算）。",
                          "The last two rows are the 5% and 95% quantiles of each year's total.") + upper_note,
            total_rows=[len(lines) - 1]))
        # payer × year
        payers = [*run.payers, "all"]
        rows = [self.year_row([self.total_label() if payer == "all" else self.payer(payer)], "accrual", "all", payer)
                for payer in payers]
        totals = [len(payers) - 1]
        if self.upper:
            local = [sum(self.money("accrual", "all", payer, year) for payer in self.city.payers if payer in run.payers)
                     for year in self.years]
            rows.append([self.own_budgets, *(wan(v) for v in local),
                         wan(sum(local))])
        blocks.append(self.table(
            "payer_by_year", self.t("分承担主体年度支出（权责发生制）", "Annual cost by payer (accrual basis)"),
            self.year_header([self.t("承担主体", "Payer")]), rows, 1, (3.2, *([1.0] * (len(self.years) + 1))),
            unit + self.t("各承担主体为全部支出项目之和。", "Each payer's figure sums all outlay lines. ") + upper_note
            + (self.t(f"“{self.own_budgets}”为市本级和各区县之和。",
                      f"\"{self.own_budgets.capitalize()}\" is the city's and the areas' sum.") if self.upper else ""),
            total_rows=totals))
        if self.has_cash:
            rows = [self.year_row([self.total_label() if payer == "all" else self.payer(payer)], "cash", "all", payer)
                    for payer in payers]
            blocks.append(self.table(
                "cash_by_year", self.t("分承担主体年度现金支出（收付实现制）", "Annual cash paid by payer (cash basis)"),
                self.year_header([self.t("承担主体", "Payer")]), rows, 1, (3.2, *([1.0] * (len(self.years) + 1))),
                unit + self.t("按资金实际拨付的年度计。", "By the year the money is paid. ") + upper_note,
                total_rows=[len(rows) - 1]))
            blocks.append(self.payables_table(payers))
            blocks += self.mtfp_blocks()
        blocks += self.other_lines_table()
        blocks += self.readings_blocks()
        return tuple(blocks)

    def readings_blocks(self) -> list[Block]:
        """测算口径: the contested readings of the plan, the scenario's choice and what each other
        choice would change, largest effect first (readings.csv, from `birthbudget readings`)."""
        readings = self.run.readings
        heading = Heading(self.t("测算口径", "Readings of the plan"), 2)
        if readings is None:
            return [heading, Paragraph(self.t(
                "方案若干条款可有不同理解（如购房补贴对象、与国家育儿补贴是否叠加、出生孩次结构），本次运行按默认口径测算。"
                "运行 birthbudget readings 情景文件 --out 目录，可得各口径对合计的影响及本表。",
                "Several clauses of the plan allow more than one reading (who qualifies for the home subsidy, "
                "whether the allowance stacks on the national subsidy, the birth-order mix); this run takes the "
                "default readings. `birthbudget readings SCENARIO --out DIR` prices every other choice and adds "
                "this table."), "note")]
        label, title = ("label_zh", "title_zh") if self.zh else ("label_en", "title_en")
        own = readings[readings.is_default.astype(bool)].set_index("reading")
        rows = []
        for row in readings[~readings.is_default.astype(bool)].itertuples(index=False):
            rows.append([str(getattr(row, title)), str(row.clause), str(own.loc[row.reading, label]),
                         str(getattr(row, label)), wan(row.effect_mean),
                         self.t(f"{wan(row.effect_p05)} 至 {wan(row.effect_p95)}",
                                f"{wan(row.effect_p05)} to {wan(row.effect_p95)}"), wan(row.city_effect_mean),
                         wan(row.new_money_effect_mean)])
        return [heading, self.table(
            "readings", self.t("测算口径及其对支出合计的影响", "Readings of the plan and their effect on the total"),
            [self.t("口径", "Reading"), self.t("条款", "Clause"), self.t("本次采用", "This run"),
             self.t("其他口径", "Other choice"), self.t("本地财政影响", "Own budgets"), self.t("5–95%区间", "5–95% range"),
             self.t("其中市本级", "City level"), self.t("其中新增支出", "New money")],
            rows, 4, (4.0, 0.7, 2.5, 2.5, 1.1, 1.8, 1.0, 1.0),
            self.t(f"单位：万元。影响为改用“其他口径”后{self.period}年本地财政（市本级及各区、县（市））支出合计的变化，"
                   "与本次运行同一随机种子逐次配对计算；“其中新增支出”为其中属于本方案新增措施的部分；按影响大小排列。"
                   "实施细则应明确各项口径。",
                   f"Unit: 10,000 yuan (万元). The effect is the change in the {self.period} outlays borne by the "
                   "city's own budgets (city, districts and counties) if the other choice were taken, paired "
                   "replicate by replicate with this run (same seed); \"new money\" is the part that is new money "
                   "of the plan; largest first. The implementing rules should settle each."),
            font_size=7.5)]

    def range_row(self, stat: str) -> list[str]:
        frame = self.run.budget
        rows = frame[(frame.basis == "accrual") & (frame.line == "all") & (frame.payer == "all")].set_index("year")
        label = self.t(f"合计 {stat[1:].lstrip('0')}%分位", f"Total, {stat[1:].lstrip('0')}% quantile")
        return [label, *(wan(float(rows.loc[year, stat])) for year in self.years), "—"]

    def payables_table(self, payers: Sequence[str]) -> Table:
        assert self.run.payables is not None
        payables = self.run.payables.set_index(["line", "payer", "year"])["mean"]
        years = sorted(int(y) for y in self.run.payables.year.unique())
        rows = [[self.total_label() if payer == "all" else self.payer(payer),
                 *(wan(float(payables.loc[("all", payer, year)])) for year in years)] for payer in payers]
        return self.table(
            "payables", self.t("年末应付未付款（已发生、尚未拨付）", "Payables at each year end (owed, not yet paid)"),
            [self.t("承担主体", "Payer"), *(self.t(f"{y}年末", f"end {y}") for y in years)], rows, 1,
            (3.2, *([1.0] * len(years))),
            self.t(f"单位：万元（均值）。{years[0]}年末为预算年度承接的以前年度应付款。",
                   f"Unit: 10,000 yuan (万元), means. The end of {years[0]} is what the first budget year inherits."),
            total_rows=[len(rows) - 1])

    def mtfp_blocks(self) -> list[Block]:
        budget_year = self.years[0] + 1
        if budget_year + 2 > self.years[-1]:
            return [Paragraph(self.t("本次测算年度不足，未编制中期财政规划表。",
                                     "The run covers too few years for the medium-term table."), "note")]
        table = mtfp_table(self.run.path, budget_year)
        outlays = table[table.line == "all"]
        years = [budget_year, budget_year + 1, budget_year + 2]
        rows = []
        for _, row in outlays.iterrows():
            payer = str(row["payer"])
            values = [float(row[f"{year}_mean"]) * WAN for year in years]
            rows.append([self.total_label() if payer == "all" else self.payer(payer),
                         wan(float(row["payables_carried_in"]) * WAN), *(wan(v) for v in values), wan(sum(values)),
                         f"{wan(float(row[f'{years[0]}_p05']) * WAN)}–{wan(float(row[f'{years[0]}_p95']) * WAN)}"])
        return [self.table(
            "mtfp", self.t(f"中期财政规划：{years[0]}–{years[-1]}年现金支出（收付实现制，分承担主体）",
                           f"Medium-term fiscal plan: cash {years[0]}–{years[-1]} by payer"),
            [self.t("承担主体", "Payer"), self.t(f"{budget_year - 1}年末应付未付", f"Payables end {budget_year - 1}"),
             *(str(y) for y in years), self.t("三年合计", "Three years"),
             self.t(f"{years[0]}年5–95%区间", f"{years[0]} 5–95% range")],
            rows, 1, (3.0, 1.4, 1.1, 1.1, 1.1, 1.2, 2.4),
            self.t(f"单位：万元（均值）。{self.years[0]}年之后的三个预算年度（birthbudget mtfp --budget-year "
                   f"{budget_year}），只含支出项目。",
                   f"Unit: 10,000 yuan (万元), means. The three budget years after {self.years[0]} (birthbudget mtfp "
                   f"--budget-year {budget_year}); outlays only."),
            total_rows=[len(rows) - 1], font_size=8.5, width_share=0.9)]

    def other_lines_table(self) -> list[Block]:
        run = self.run
        if not run.other_lines:
            return []
        rows: list[list[str]] = []
        totals: list[int] = []
        for line in run.other_lines:  # their names say what they are: （减收）, （备忘）
            for payer in [*run.payers, "all"]:
                values = [self.money("accrual", line, payer, year) for year in self.years]
                if payer != "all" and not any(values):
                    continue
                if payer == "all":
                    totals.append(len(rows))
                rows.append([self.line(line), self.t("小计", "subtotal") if payer == "all" else self.payer(payer),
                             *(wan(v) for v in values), wan(sum(values))])
        return [self.table(
            "other_lines", self.t("减收与备忘项目（不计入支出合计）", "Revenue forgone and memo items (never in a total)"),
            self.year_header([self.t("项目", "Line"), self.t("承担主体", "Payer")]), rows, 2,
            (2.6, 1.6, *([1.0] * (len(self.years) + 1))),
            self.t("单位：万元（均值，权责发生制）。减收为各级财政少收的税收；备忘项目不是财政支出。二者均不计入表4至表9的合计。",
                   "Unit: 10,000 yuan (万元), means, accrual basis. Revenue forgone is tax not collected; a memo "
                   "item is not spending. Neither enters the totals of Tables 4 to 9."),
            total_rows=totals)]

    # -- figures and sources ------------------------------------------------------------------

    def chart_title(self, name: str) -> str:
        text = TEXT[self.lang]
        if name == "payer_split":
            return text["payer_split_upper" if self.upper else "payer_split"]
        if name == "difference" and self.other is not None:
            return text["compare"].format(a=self.run.name, b=self.other.name)
        title = text.get(name, name)
        return title + text["incl_upper"] if name in ("cost_by_line", "fan") and self.upper else title

    def chart_note(self, name: str) -> str:
        base_year = self.value("demography.base_year")
        notes = {
            "cost_by_line": ("柱为各支出项目年度均值之和（权责发生制），须线为年度合计的5–95%区间；减收与备忘项目不在图中。",
                             "Bars stack the lines' yearly means (accrual basis); whiskers are the 5–95% range of "
                             "the yearly total; revenue forgone and memo items are not shown."),
            "payer_split": (f"左图为各年度分承担主体的支出均值，右图为{self.period}年累计，与表6一致。",
                            f"Left, each payer's yearly mean; right, the cumulative {self.period} total, as in "
                            "Table 6."),
            "fan": ("中位线及50%、90%区间按每次模拟的年度合计计算，区间外仍有10%的模拟结果。",
                    "The median and the 50% and 90% bands are taken over each replicate's yearly total; 10% of "
                    "replicates lie outside the outer band."),
            "births": (f"各孩次出生人数为模拟均值，黑线为合计及其5–95%区间，星号为{base_year}年实际出生人数。",
                       "Births of each order are means over the replicates; the black line is the total with its "
                       f"5–95% range, the star the actual {base_year} count."),
            "induced": ("柱为政策引致出生人数（均值及5–95%区间），折线为每个引致出生的财政成本（中位数）。",
                        "Bars are the births the subsidies induce (mean and 5–95% range); the line is the cost per "
                        "induced birth (median)."),
            "difference": ("按项目列示两个方案期间合计之差，须线为差异的5–95%区间（两方案随机种子相同时为逐次配对的差异）。",
                           "The difference of each line's period total between the two scenarios; whiskers are the "
                           "5–95% range of the difference (replicate by replicate where the seeds match)."),
        }
        zh, en = notes.get(name, ("", ""))
        return self.t(zh, en)

    def figure_blocks(self) -> tuple[Block, ...]:
        blocks: list[Block] = [Heading(self.t("三、图", "3. Charts"), 1)]
        for name, png in self.charts.items():
            with Image.open(io.BytesIO(png)) as image:
                width, height = image.size
            self.figures += 1
            blocks.append(Figure(key=name, label=self.t("图", "Figure"), number=self.figures,
                                 title=self.chart_title(name), note=self.chart_note(name), png=png,
                                 aspect=height / width))
        return tuple(blocks)

    def source_blocks(self) -> tuple[Block, ...]:
        blocks: list[Block] = [Heading(self.t("四、资料来源", "4. Sources"), 1)]
        if not self.sources:
            blocks.append(Paragraph(self.t(
                f"未找到本市的数据来源表（{self.sources_name}）：运行时的城市文件夹不在本机，表2、表3为空。",
                f"The city's sources table ({self.sources_name}) was not found: the run's city folder is not on this "
                "machine, so Tables 2 and 3 are empty."), "note"))
        blocks.append(Paragraph(self.t(
            f"以下为 {self.sources_name} 引用的全部资料，按首次引用的顺序编号；表2、表3的“来源”栏引用这些编号。"
            "文献副本存放于 docs/sources/，2020年人口普查表存放于 model/data/raw/。",
            f"Every document {self.sources_name} cites, numbered in order of first citation; the Source "
            "columns of Tables 2 and 3 refer to these numbers. Copies are kept in docs/sources/, the 2020 census "
            "tables in model/data/raw/."), "note"))
        blocks += [Paragraph(f"[{n}] {text}", "source") for n, text in enumerate(self.documents, start=1)]
        unsourced = [row for row in self.sources if not row.refs]
        if unsourced:
            blocks.append(Paragraph(self.t(
                f"另有{len(unsourced)}项参数没有可引用的文献（如“no published figures”、凭记忆的政策标准或运行设置），"
                "其来源栏照录 sources.csv 的说明，性质均为假设或设置，应以本地资料核实。",
                f"{len(unsourced)} further rows cite no document (\"no published figures\", policy standards as "
                "recalled, or settings of the run); their Source column repeats sources.csv, and each is an "
                "assumption or a setting to be checked against local records."), "note"))
        return tuple(blocks)


def build_document(run: RunFolder, lang: str, charts: Mapping[str, bytes], other: RunFolder | None = None) -> Document:
    """The appendix's content from a run folder and the charts drawn from it (PNG bytes by name,
    in the order they appear)."""
    return _Builder(run, lang, charts, other).build()


def column_widths(table: Table, available: float, measure: Callable[[str, float], float],
                  padding: float) -> list[float]:
    """Column widths (points) summing to `available`: the table's relative widths, except that a
    number column is never narrower than its widest number (the label columns give way)."""
    available *= table.width_share
    total = sum(table.widths)
    widths = [available * weight / total for weight in table.widths]
    labels = table.label_columns
    deficit = 0.0
    for column in range(labels, len(widths)):
        natural = max((measure(row[column], table.font_size) for row in table.rows), default=0.0) + padding
        if widths[column] < natural:
            deficit += natural - widths[column]
            widths[column] = natural
    if deficit and labels:
        label_total = sum(widths[:labels])
        scale = max(label_total - deficit, 0.3 * label_total) / label_total
        widths[:labels] = [width * scale for width in widths[:labels]]
    return widths
