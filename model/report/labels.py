"""Chart and table labels in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.city import City
from model.lines import LINE_BY_ID
from model.lines.base import Line

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "cost_by_line": "各项目年度支出（权责发生制）", "cost_by_line_total": "合计 5–95% 区间",
        "payer_split": "市本级与各县市区承担", "payer_split_upper": "各级财政承担（含中央、省级）", "incl_upper": "（含中央、省级资金）", "payer_cumulative": "累计承担 {start}–{end}",
        "fan": "年度总支出的不确定性", "median": "中位数", "band50": "50% 区间", "band90": "90% 区间",
        "births": "分孩次出生人数预测", "base_actual": "{year}年实际出生 {births:,.0f}人",
        "induced": "政策引致出生", "induced_births": "引致出生人数", "range_5_95": "5–95% 区间",
        "cost_per_induced": "每个引致出生的财政成本（万元，中位数）", "compare": "方案差异（{b} 减 {a}）",
        "year": "年度", "wan": "万元", "people": "人", "footer": "方案：{name}　运行日期：{date}　单位：万元",
        "footer_births": "方案：{name}　运行日期：{date}", "total": "合计",
    },
    "en": {
        "cost_by_line": "Annual cost by line (accrual basis)", "cost_by_line_total": "total, 5–95% range",
        "payer_split": "City and district / county shares",
        "payer_split_upper": "Shares of every level of government (incl. central and province)",
        "incl_upper": " (incl. central and provincial funds)", "payer_cumulative": "Cumulative {start}–{end}",
        "fan": "Uncertainty of the annual total", "median": "median", "band50": "50% band", "band90": "90% band",
        "births": "Projected births by birth order", "base_actual": "{year} actual births {births:,.0f}",
        "induced": "Births induced by the policy",
        "induced_births": "induced births", "range_5_95": "5–95% range", "cost_per_induced": "cost per induced birth (10,000 yuan, median)",
        "compare": "Difference ({b} minus {a})", "year": "year", "wan": "10,000 yuan", "people": "births",
        "footer": "Scenario: {name}   Run date: {date}   Unit: 10,000 yuan (万元)",
        "footer_births": "Scenario: {name}   Run date: {date}", "total": "total",
    },
}
# birth orders 1, 2, 3 (third and later)
ORDER_NAMES: dict[str, list[str]] = {"zh": ["一孩", "二孩", "三孩及以上"], "en": ["first", "second", "third and later"]}


def line_name(line_id: str, lang: str, lines: Mapping[str, Line[Any]] | None = None) -> str:
    """A line's name; `lines`: the run's lines (its package's measures among them; default: the model's)."""
    line = (lines or LINE_BY_ID)[line_id]
    return line.name_zh if lang == "zh" else line.name_en



def sharing_parts(city: City, shares: Mapping[str, float], lang: str) -> list[str]:
    """The cost-sharing rule in words: the areas grouped by the city's share of their costs."""
    zh = lang == "zh"
    groups: dict[float, list[str]] = {}
    for area in city.areas:
        groups.setdefault(float(shares[area]), []).append(area)
    parts = []
    for share, areas in groups.items():
        names = ("、" if zh else ", ").join(city.area_name(area, lang) for area in areas)
        if share == 0:
            parts.append(f"{names}由本县（市、区）财政全额承担" if zh else f"in {names} the county pays it all")
        elif share == 1:
            parts.append(f"{names}由市本级全额承担" if zh else f"in {names} the city pays it all")
        elif share == 0.5:
            parts.append(f"{names}由市本级和区财政各承担50%" if zh else f"in {names} the city and the district pay 50% each")
        else:
            parts.append(f"{names}由市本级承担{share:.0%}、本区县承担{1 - share:.0%}" if zh
                         else f"in {names} the city pays {share:.0%} and the area {1 - share:.0%}")
    return parts
