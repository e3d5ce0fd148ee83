"""The seven county-level areas of Jingmen and the payers (ids are part of the contract)."""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

Area: TypeAlias = Literal[
    "dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang", "shayang", "qujialing",
]
AREAS: tuple[str, ...] = get_args(Area)
AREA_NAMES_ZH: dict[str, str] = {
    "dongbao": "东宝区",
    "duodao": "荆门高新区·掇刀区",
    "zhanghe": "漳河新区",
    "jingshan": "京山市",
    "zhongxiang": "钟祥市",
    "shayang": "沙洋县",
    "qujialing": "屈家岭管理区",
}
# The three districts where the plan splits costs 50/50 between city and district.
DISTRICTS: tuple[str, ...] = ("dongbao", "duodao", "zhanghe")

CITY = "city"
PAYERS: tuple[str, ...] = (CITY, *AREAS)  # Jingmen's own budgets
# Budgets above the city: they appear only for lines they fund (the national childcare
# subsidy, the income-tax deduction, family-planning awards), so a run of the plan's own
# lines has exactly the payers above.
PROVINCE, CENTRAL = "province", "central"
HIGHER_LEVELS: tuple[str, ...] = (PROVINCE, CENTRAL)
PAYER_NAMES_ZH: dict[str, str] = {CITY: "市本级", **AREA_NAMES_ZH, PROVINCE: "湖北省级", CENTRAL: "中央财政"}

# The census publishes five units; 漳河新区 is counted in 东宝区 and 屈家岭 in 京山市.
CENSUS_UNIT_OF_AREA: dict[str, str] = {
    "dongbao": "dongbao_unit",
    "zhanghe": "dongbao_unit",
    "duodao": "duodao",
    "jingshan": "jingshan_unit",
    "qujialing": "jingshan_unit",
    "zhongxiang": "zhongxiang",
    "shayang": "shayang",
}
CENSUS_UNITS: tuple[str, ...] = ("dongbao_unit", "duodao", "jingshan_unit", "zhongxiang", "shayang")

AREA_INDEX: dict[str, int] = {area: i for i, area in enumerate(AREAS)}
