"""Derive the tables and sources.csv of the Tianmen example city (cities/tianmen/).

Run `python scripts/build_example_city_tianmen.py` after changing an input or a method (`--out DIR`
writes elsewhere, to compare with the committed files). Tianmen (天门市, Hubei) is a province-
administered county-level city with one area; its package and population are researched in
docs/research/city-packages.md §2. Where Tianmen's own figure was not found, the method is the
default city's (scripts/build_default_data.py, docs/sources/demography.md) on Hubei's 2020 census
tables (model/data/raw/): Tianmen is in Hubei. Nothing here is fetched.

sources.csv gets one row per table and one per default of cities/tianmen/defaults.toml: a Tianmen
row (below) where the value was researched or estimated for Tianmen; otherwise, when the value is
the default city's, an "assumption" row saying so (its unit and range copied from the default
city's sources.csv). A value that differs from the default city's without a Tianmen row stops the
script: every changed number must say where it comes from.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CITY = REPO / "cities" / "tianmen"
DEFAULT_CITY = REPO / "model" / "data"
RESEARCH = "docs/research/city-packages.md"
DEMOG = "docs/sources/demography.md"
CENSUS = "NBS 《中国人口普查年鉴-2020》 via earfanfan/yuanfan (model/data/raw/)"
DEFAULT_SOURCES = "model/data/sources.csv (the default city)"
NOT_RESEARCHED = "the default city's value, not researched for Tianmen"
SETTING = "a setting, not an estimate"


def _default_builder() -> Any:
    """scripts/build_default_data.py as a module: the same census methods, applied to Tianmen."""
    spec = importlib.util.spec_from_file_location("build_default_data", REPO / "scripts" / "build_default_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BUILD = _default_builder()

# ---- read or estimated constants (each becomes a row of sources.csv) --------------------
CENSUS_RESIDENTS_2020 = 1_158_640  # 2020-11-01, research §2.4, read (3rd)
RESIDENTS_END_2022 = 1_105_800  # year-end 2022, research §2.4, read (3rd)
# 2020-11-01 → 2022-12-31 is 2.17 years: ≈ −2.1% a year (2010-2020 was −2.0% a year: −18.34%)
POPULATION_GROWTH = round((RESIDENTS_END_2022 / CENSUS_RESIDENTS_2020) ** (1 / 2.167) - 1, 3)
RESIDENTS_END_2023 = round(RESIDENTS_END_2022 * (1 + POPULATION_GROWTH), -2)  # derived, the base year
HUBEI_FEMALE = 28_057_839  # census 1-5 (model/data/raw/), read
HUBEI_TOTAL = 57_752_557
FEMALE_SHARE = HUBEI_FEMALE / HUBEI_TOTAL  # Hubei's: Tianmen's own split was not found
BASE_YEAR = 2023
BIRTHS_BY_ORDER = {2023: {1: 2_937, 2: 2_782, 3: 449}, 2024: {1: 3_564, 2: 3_017, 3: 636}}  # 长江云, read (press)
BIRTHS_2023 = sum(BIRTHS_BY_ORDER[2023].values())  # 6,168
BIRTHS_2024 = sum(BIRTHS_BY_ORDER[2024].values())  # 7,217
HUBEI_BIRTHS = {2022: 355_300, 2023: 320_000}  # as in build_default_data.py (湖北省统计公报)
# Births before the base year (only children born before it: unit-cost measures count six years back):
# 2022 from 2023 by Hubei's births; earlier years by the default city's national-index series.
BIRTHS_2022 = round(BIRTHS_2023 * HUBEI_BIRTHS[2022] / HUBEI_BIRTHS[2023])
BIRTHS_HISTORY = {year: (round(BIRTHS_2022 * births / BUILD.BIRTHS_2022, -1), "estimated")
                  for year, (births, _) in BUILD.BIRTHS_HISTORY.items() if year < 2022}
BIRTHS_HISTORY |= {2022: (BIRTHS_2022, "estimated"), 2023: (BIRTHS_2023, "read")}
# Net migration of women 0-49 (assumption): residents fall ≈2.1% a year, of which natural decrease
# (≈6‰ births against ≈8-9‰ deaths in an old county) is ≈0.3 points: ≈−1.8% a year by migration,
# a little less for women 0-49 weighted by the default city's age shape (young adults move most).
MIGRATION_RATE = -0.015
# Family-planning award recipients (the line is off): the default city's stock × residents ratio.
RESIDENTS_RATIO = RESIDENTS_END_2022 / BUILD.JINGMEN_RESIDENTS_2022  # ≈ 0.434
AWARD_STOCK = {scheme: (age, round(total * RESIDENTS_RATIO, -1)) for scheme, (age, total) in BUILD.AWARD_STOCK.items()}

# The marriage voucher's count (couples registering a marriage in Tianmen a year): Hubei's 2022
# registrations 284,279 (湖北省民政厅 via qubaike.com) ÷ 58.44M residents = 4.86‰, moved with China's
# registrations to 2024 (683.5 → 610.6万对, 民政部; Hubei 20-30万对 in 2024, 《中国统计年鉴2025》 via
# jiashengsw.com): 4.35‰ × Tianmen's ≈1.06M residents in 2024 ≈ 4,600, then −2% a year with residents.
HUBEI_MARRIAGES_2022 = 284_279
HUBEI_RESIDENTS_2022 = 58_440_000
CHINA_MARRIAGES = {2022: 6_835_000, 2024: 6_106_000}
RESIDENTS_2024 = RESIDENTS_END_2022 * (1 + POPULATION_GROWTH) ** 1.5  # mid-2024
MARRIAGES_2024 = round(HUBEI_MARRIAGES_2022 / HUBEI_RESIDENTS_2022
                       * CHINA_MARRIAGES[2024] / CHINA_MARRIAGES[2022] * RESIDENTS_2024, -2)

OUT = CITY


def write(frame: pd.DataFrame, name: str) -> None:
    frame.to_csv(OUT / name, index=False, lineterminator="\n")


def women_by_age() -> pd.DataFrame:
    """Hubei's 2020 female age structure (census 1-5, single years by PCHIP as for the default city),
    aged two years from the census day (2020-11-01) to the base year's start (2023-01-01), scaled to
    Tianmen's residents at the end of 2022 × Hubei's female share. Ages 0 and 1 are the 2022 and 2021
    birth cohorts: the census age-0 group × estimated births of the year ÷ births of 2020."""
    hubei = BUILD.census_female_by_age("hubei")
    share = hubei / hubei.sum()
    shifted = np.empty(BUILD.MAX_AGE + 1)
    shifted[2:] = share[: BUILD.MAX_AGE - 1]
    shifted[1] = share[0] * BIRTHS_HISTORY[2021][0] / BIRTHS_HISTORY[2020][0]
    shifted[0] = share[0] * BIRTHS_HISTORY[2022][0] / BIRTHS_HISTORY[2020][0]
    women = shifted * RESIDENTS_END_2022 * FEMALE_SHARE
    return pd.DataFrame({"age": np.arange(BUILD.MAX_AGE + 1), "women": np.round(women).astype(int)})


def base_year_births() -> pd.DataFrame:
    return pd.DataFrame({"year": BASE_YEAR, "birth_order": [1, 2, 3],
                         "births": [float(BIRTHS_BY_ORDER[BASE_YEAR][k]) for k in (1, 2, 3)]})


def net_migration(women: pd.DataFrame) -> pd.DataFrame:
    shape = np.zeros(BUILD.MAX_AGE + 1)
    for start, stop, value in BUILD.MIGRATION_AGE_SHAPE:
        shape[start:stop] = value
    weights = women.women.to_numpy()
    shape /= (shape * weights).sum() / weights.sum()  # women-weighted mean of the shape = 1
    return pd.DataFrame({"area": "tianmen", "age": np.arange(BUILD.MAX_AGE + 1),
                         "rate": [round(MIGRATION_RATE * shape[age], 8) for age in range(BUILD.MAX_AGE + 1)]})


def family_planning_recipients(life: pd.DataFrame) -> pd.DataFrame:
    BUILD.AWARD_STOCK = AWARD_STOCK  # the default city's method on Tianmen's (scaled) stock
    return BUILD.family_planning_recipients(life)


TABLE_SOURCES = [
    ("table:women_by_age.csv", "", "women",
     f"{CENSUS} table 1-5 (Hubei female age structure); {RESEARCH} §2.4 (residents 1,158,640 in 2020, 1,105,800 at the end of 2022)",
     "derived", "Estimate. Hubei 2020 female age structure, 5-year groups split to single years by PCHIP as for the default city, aged two years to 2023-01-01, scaled to Tianmen's 1,105,800 residents (end of 2022) × Hubei's female share 48.58%. Tianmen's own age table and sex split were not found; Tianmen has lost young adults to migration (−18% residents 2010-2020), so it is likely older than Hubei (the birth calibration absorbs the level). Women 15-49 come out within the researched ≈0.22-0.26 M."),
    ("table:parity_by_age.csv", "", "share", f"{CENSUS} table 6-2; {DEMOG} §4d and gap 6",
     "derived", "China 2020 parity by age, the same table as the default city's (a national pattern; Tianmen's own not found): P(≥k children | age) = plateau_k × cumulative share of order-k births by mother's age; plateau_1 = 1 − 5.16% childless at 49 (read), plateau_2 = 0.62 (est.), plateau_3 = 0.08 (assumed)."),
    ("table:fertility_by_age_order.csv", "", "births per woman-year", f"{CENSUS} tables 6-2 and 1-5; {DEMOG} §4b",
     "derived", "China 2020 births by mother's single age and order, the same table as the default city's: used for the age shape only, levels are aligned to Tianmen's 2023 births by order at run time."),
    ("table:base_year_births.csv", str(BIRTHS_2023), "births", f"长江云 via ad.syiptv.com/article/show/303562 ({RESEARCH} §2.4)",
     "read", "Tianmen's 2023 births by order as reported: 2,937 first, 2,782 second, 449 third and later (6,168). The basis (registered newborns, probably by hukou) is not stated. Tianmen's own split, so the Hubei census shares by order were not needed."),
    ("table:life_table.csv", "", "probability", f"{DEMOG} §5",
     "derived", "The default city's table (China and Hubei mortality: IMR 4.5‰, Hubei U5MR 6.49‰, Gompertz–Makeham adults scaled to China's 2020 e0); Tianmen's own mortality was not found."),
    ("table:net_migration.csv", "", "per year", f"{RESEARCH} §2.4 (residents 1,418,913 in 2010, 1,158,640 in 2020, 1,105,800 at the end of 2022)",
     "assumption", "Women 0-49 lose 1.5% a year by net migration, times the default city's age shape peaking at 18-29 (2.5×). Residents fell ≈2.1% a year 2020-2022 (derived); natural decrease (≈6‰ births, ≈8-9‰ deaths, assumed) explains ≈0.3 points, migration the rest."),
    ("table:census_units.csv", "", "share of residents", f"{RESEARCH} §2.3 (one county-level unit, no districts)",
     "read", "One area, its own census unit: share 1."),
    ("table:births_history.csv", "", "births", f"{RESEARCH} §2.4; {DEMOG} §3",
     "derived", f"2023 read (6,168); 2022 = 6,168 × Hubei's births 2022/2023 (35.53万/32.0万) = {BIRTHS_2022:,}; 2016-2021 = 2022 × the default city's national-index ratios (estimated). Tianmen's births before 2023 were not found; used only for children born before the base year."),
    ("table:published_births.csv", "", "births", f"长江云 via ad.syiptv.com/article/show/303562 ({RESEARCH} §2.4)",
     "read", "Tianmen's births 2023 (6,168) and 2024 (7,217, +17%) as reported, probably registered newborns. Used only to check the simulated births (the back-test), never to price. The 2024 rise is partly the package (the model's fertility response) and partly registration by families living elsewhere (research §2.5 item 6), which the model does not simulate."),
    ("table:family_planning_recipients.csv", "", "persons", f"{DEFAULT_SOURCES}; the line is off",
     "assumption", f"The default city's assumed recipients (no roster found there either) × Tianmen's residents ÷ the default city's ({RESIDENTS_RATIO:.3f}); ages by the same method. Not researched for Tianmen."),
    ("table:housing_destination.csv", "", "share", f"{RESEARCH} §2.3 (one area)",
     "derived", "One area: every qualifying home is in Tianmen (the place where a home qualifies was not found; research §2.2 item 4)."),
]
TABLE_RANGES = {
    "table:net_migration.csv": "−0.8% to −2.5% a year for women 0-49",
    "table:family_planning_recipients.csv": "0.5 – 1.5 × (lines.family_planning_awards.recipients_scale)",
}

R = RESEARCH
PRESS = f"{R} §2.1 (天门市卫健委 to 大河报, reported by 人民日报健康客户端 2025-08-14, 经济通, 中国基金报)"
def tianmen_rows(marriage_note: str) -> dict[str, tuple[str, str, str, str, str]]:
    """parameter → (unit, source, status, note, range) for every value researched or estimated for Tianmen."""
    m = "measures"
    return {
        "scenario.start_year": ("year", f"{R} §2.2 (births from 2024-04-01)", "assumption",
                                "the package's first budget year, so that 2024-2026 can be set against the reported envelope (>3亿 for 2024-2026)", SETTING),
        "scenario.end_year": ("year", "the default city's horizon", "assumption",
                              "births qualify until 2027-05-01; allowances run to 2030 and home purchases to 2031; the voucher has no end found", SETTING),
        "scenario.policy_start": ("year-month", PRESS, "read", "该政策适用于2024年4月1日以后生育二孩或三孩的家庭", ""),
        "demography.base_year": ("year", f"{R} §2.4", "read", "the first year with Tianmen's births by order", ""),
        "demography.resident_population": ("persons", f"{R} §2.4 (1,105,800 at the end of 2022, en.wikipedia)", "derived",
                                           f"end of 2023: 1,105,800 × (1 {POPULATION_GROWTH:+.3f}) = {RESIDENTS_END_2023:,.0f}; Tianmen's 2023 figure was not found", "1,070,000 – 1,105,800"),
        "demography.population_growth": ("per year", f"{R} §2.4", "derived",
                                         "1,158,640 (2020-11) → 1,105,800 (2022-12) ≈ −2.1% a year (−2.0% a year over 2010-2020), held", "-0.03 – -0.01"),
        "demography.fertility_trend": ("per year", f"{DEFAULT_SOURCES}", "assumption",
                                       "period birth rates held at the base year's (the default city's assumption); Tianmen's 2024 births rose 17%, which the fertility response and registration explain (research §2.5 item 6), not a trend", "-0.04 – 0.02"),
        "demography.higher_order_share_of_third_plus": ("share", f"{CENSUS} table 6-1 (Hubei)", "derived",
                                                        "Hubei's fourth-and-later among third-and-later births (the default city's value, a Hubei figure); Tianmen's not found", ""),
        "demography.third_plus_share_scale": ("ratio", f"{R} §2.4", "derived",
                                              "1: the base-year table is Tianmen's own 2023 mix (7.3% third and later), no census mix to move", "1.0 – 1.2"),
        "demography.sex_ratio_at_birth": ("boys per girl", f"{CENSUS} table 6-1 (Hubei SRB 115.28)", "read",
                                          "Hubei's (the default city's value, a Hubei figure); Tianmen's not found", ""),
        "eligibility.city_hukou_share": ("share of births", f"{R} §2.2 and §2.5 item 6", "assumption",
                                         "the births counted are probably registered newborns (hukou), and families living elsewhere register in Tianmen to claim; few residents lack Tianmen hukou (a county losing people)", "0.90 – 1.0"),
        "cost_sharing.city_share": ("share", f"{R} §2.2 (payer: Tianmen's own budget) and §2.3 (no districts)", "assumption",
                                    "one budget: a county-level city's 市本级 and its one area are the same, so the whole cost is shown under the city level (city_share 1), in every line", "presentation: 0 or 1 (one budget)"),
        f"{m}.home_subsidy.take_up": ("share", DEFAULT_SOURCES, "assumption",
                                      "the default city's home-subsidy take-up (qualifying buyers who apply) as the analogue", "0.7 – 1.0"),
        f"{m}.home_subsidy.births_from": ("day", PRESS, "read", "2024年4月1日以后生育二孩或三孩的家庭", ""),
        f"{m}.home_subsidy.births_until": ("day", PRESS, "read", "截止时间为2027年5月1日 (read as the first day that no longer qualifies)", ""),
        f"{m}.home_subsidy.amount_second_child": ("yuan", PRESS, "read", "生育二孩、三孩家庭分别可享6万、12万元购房补贴", ""),
        f"{m}.home_subsidy.amount_third_child": ("yuan", PRESS, "read", "one report gives 80,000 (rejected, research §2.5 item 1)", ""),
        f"{m}.home_subsidy.purchase_probability": ("share of 2nd/3rd births", f"{DEFAULT_SOURCES}; {R} §2.5 item 2", "assumption",
                                                   "the default city's assumption (a home bought within 5 years of the birth) as the analogue; Tianmen's larger subsidy may raise it, its window and place rules may lower it (not found)", "0.10 – 0.40"),
        f"{m}.home_subsidy.purchase_profile": ("share of purchases", f"{DEFAULT_SOURCES}; {R} §2.5 item 2", "assumption",
                                               "the default city's assumption as the analogue: purchases 0-4 years after the birth 30/25/20/15/10%; Tianmen's purchase window was not found", "spread over 3 to 7 years"),
        f"{m}.home_subsidy.home_areas": ("area ids", f"{R} §2.3", "read", "one area: a home in Tianmen qualifies (whether only the urban area does was not found)", ""),
        f"{m}.home_subsidy.timing.application_lag": ("share by month", "no published figures", "assumption",
                                                     "claims follow the filing of the purchase contract by 0-4 months (the default city's assumption)", "half to twice the lags"),
        f"{m}.home_subsidy.timing.review_capacity": ("claims per month per area office", "no published figures", "assumption",
                                                     "one office for the whole city: ≈ 3,400 second and later births × 0.25 × 0.9 ≈ 65 claims a month, capacity set well above (no backlog)", "expected claims × 0.5 – 3"),
        f"{m}.home_subsidy.timing.rejection_share": ("share of claims", "no published figures", "assumption",
                                                     "the default city's assumption", "0 – 0.10"),
        "lines.art_subsidy.households_base_year": ("households per year", DEFAULT_SOURCES, "assumption",
                                                   f"the default city's 200 × residents ratio {RESIDENTS_RATIO:.3f} (the line is off)", "40 – 150"),
        "lines.demonstration_centres.centres": ("schedule", DEFAULT_SOURCES, "assumption",
                                                "one centre in Tianmen opening 2025 at the default city's county-centre amounts (the line is off; no Tianmen schedule researched)", "construction 0.5 – 2 × ; operating 0.5 – 2 ×"),
        "lines.demonstration_centres.pilots_per_year": ("institutions per year", DEFAULT_SOURCES, "assumption",
                                                        "the default city's 3 × residents ratio, rounded (the line is off)", "1 – 3"),
        "lines.family_planning_awards.schemes.rural_reward.entrants_per_year": ("persons per year", DEFAULT_SOURCES, "assumption",
                                                                                f"the default city's 2,250 × residents ratio {RESIDENTS_RATIO:.3f} (the line is off)", "500 – 1500"),
        "lines.family_planning_awards.schemes.special_disabled.entrants_per_year": ("persons per year", DEFAULT_SOURCES, "assumption",
                                                                                    "the default city's 80 × residents ratio (the line is off)", "15 – 70"),
        "lines.family_planning_awards.schemes.special_bereaved.entrants_per_year": ("persons per year", DEFAULT_SOURCES, "assumption",
                                                                                    "the default city's 80 × residents ratio (the line is off)", "15 – 70"),
        "lines.housing_fund_limit.purchases_per_year": ("purchases per year", DEFAULT_SOURCES, "assumption",
                                                        "the default city's 900 × residents ratio (the line is off)", "200 – 650"),
        "lines.housing_fund_limit.city_share": ("share", f"{R} §2.3", "assumption", "one budget: the city level (the line is off)", "presentation: any payer"),
        # the package's measures
        f"{m}.birth_grant.take_up": ("share", f"{DEFAULT_SOURCES} (the allowance's take-up)", "assumption",
                                     "paid at discharge to hukou families; the default city's allowance take-up as the analogue", "0.85 – 1.0"),
        f"{m}.birth_grant.births_from": ("day", PRESS, "read", "2024年4月1日以后生育二孩或三孩的家庭", ""),
        f"{m}.birth_grant.births_until": ("day", PRESS, "read", "截止时间为2027年5月1日 (read as the first day that no longer qualifies)", ""),
        f"{m}.birth_grant.schedule": ("yuan per child", PRESS, "read",
                                      "二孩家庭可获2300元一次性奖励 … 三孩家庭则有3300元一次性补贴, at discharge (birth month); order 1 gets nothing; includes 300 分娩补助 (research §2.1)", ""),
        f"{m}.childcare_allowance.take_up": ("share", f"{DEFAULT_SOURCES} (the allowance's take-up)", "assumption",
                                             "the default city's allowance take-up as the analogue", "0.85 – 1.0"),
        f"{m}.childcare_allowance.births_from": ("day", PRESS, "read", "as the birth grant", ""),
        f"{m}.childcare_allowance.births_until": ("day", PRESS, "read", "as the birth grant", ""),
        f"{m}.childcare_allowance.schedule": ("yuan per child-month", PRESS, "read",
                                              "每月800元育儿补贴发放至孩子3岁 (2nd); 每月1000元 (3rd+): 36 months. How it meets the national 3,600 a year is not stated (research §2.5 item 7): paid on top (the default)", ""),
        f"{m}.maternity_grant.take_up": ("share", f"{DEFAULT_SOURCES} (the allowance's take-up)", "assumption",
                                         "the default city's allowance take-up as the analogue", "0.85 – 1.0"),
        f"{m}.maternity_grant.eligible_share": ("share of births", f"{R} §2.2 item 3 and §2.5 item 8", "assumption",
                                                "every mother of a qualifying birth; whether only mothers without maternity insurance qualify was not found (an upper bound)", "0.5 – 1.0"),
        f"{m}.maternity_grant.births_from": ("day", PRESS, "read", "as the birth grant", ""),
        f"{m}.maternity_grant.births_until": ("day", PRESS, "read", "as the birth grant", ""),
        f"{m}.maternity_grant.schedule": ("yuan per child", f"{PRESS}; hubeisc.com.cn/2901/416725.html", "read",
                                          "产假补助 4,200 (2nd) / 4,800 (3rd+), read. Timing is an estimate: paid once at age 1 (a second-child mother received it about 13 months after a May 2024 birth; the claim lag adds the rest)", "timing: age 0.5 – 1.5"),
        f"{m}.marriage_voucher.take_up": ("share of the year", f"{R} §2.1 (a couple received it on 2025-05-06: in force by May 2025)", "assumption",
                                          "the voucher's months in force: none in 2024, 8 of 12 in 2025 (assumed from May 2025; the February 2025 revision of the package may have brought it earlier), all from 2026; every registering couple receives one. No end date was found", "2025: 0.667 – 0.917"),
        f"{m}.marriage_voucher.yearly_count": ("couples per year", "湖北省民政厅 2022 marriage registrations via m.qubaike.com/hotnews/chdfkg3v.html; 民政部《2024年民政事业发展统计公报》 via www.163.com/dy/article/K5PK7ALM05568W0A.html; " + f"{R} §2.4-2.5", "assumption",
                                               marriage_note, "3,300 – 6,100 in 2024 (scale 0.7 – 1.3)"),
        f"{m}.marriage_voucher.cases_per_unit": ("share of couples", f"{R} §2.4 (envelope check) and §2.5 item 3", "assumption",
                                                 "couples who use the 60,000 voucher on a home purchase in Tianmen within its validity (conditions and validity not found). Drawn per replicate, triangular 0.05-0.20-0.35: the research's envelope check (>3亿 for 2024-2026 against ≈2亿 of cash measures) suggests low redemption", "0.05 – 0.35"),
        f"{m}.marriage_voucher.unit_cost": ("yuan per couple", f"{R} §2.1 (长江云 2025-08)", "read",
                                            "只要办理结婚登记，便可获得6万元的'结婚登记购房券'; whether the city's budget or developers fund the discount is unknown: the whole amount is counted as the city's (an upper bound)", ""),
        f"{m}.marriage_voucher.local_share": ("share", f"{R} §2.2 (payer: Tianmen's own budget; provincial co-funding not found)", "assumption",
                                              "no central money", "a rule: 1"),
        f"{m}.marriage_voucher.province_share_of_local": ("share", f"{R} §2.2", "assumption", "no provincial money found", "0 – 0.5"),
    }


def flatten(tree: dict[str, Any]) -> dict[str, Any]:
    """defaults.toml as dotted key → value, as model.scenario.flat_defaults reads the default city's."""
    from model.scenario import (  # read only: the one reading of a defaults file
        VALUE_TABLE_KEYS,
        _is_leaf,
    )

    flat: dict[str, Any] = {}

    def walk(path: tuple[str, ...], node: Any) -> None:
        if isinstance(node, dict) and node and not _is_leaf(path) and not (VALUE_TABLE_KEYS & node.keys()):
            for key, value in node.items():
                walk((*path, key), value)
        elif not (isinstance(node, dict) and not node):
            flat[".".join(path)] = node

    walk((), tree)
    return flat


def documented(key: str, value: Any) -> bool:
    """Keys sources.csv must give: numbers, lists and tables of them, and the measures' dates."""
    if key.endswith((".births_from", ".births_until", ".home_areas")) or key == "scenario.policy_start":
        return True
    return not isinstance(value, (str, bool)) and not (isinstance(value, list) and all(isinstance(i, str) for i in value))


NEUTRAL = {"荆门市": "the default city", "荆门": "the default city", "Jingmen's": "the default city's",
           "Jingmen": "the default city"}


def neutral(text: str) -> str:
    """A default-city note without the default city's name (the appendix speaks of Tianmen only)."""
    for old, new in NEUTRAL.items():
        text = text.replace(old, new)
    return text


def write_sources(table_values: dict[str, str], marriage_note: str) -> None:
    with open(CITY / "defaults.toml", "rb") as handle:
        flat = flatten(tomllib.load(handle))
    with open(DEFAULT_CITY / "defaults.toml", "rb") as handle:
        default_flat = flatten(tomllib.load(handle))
    with open(DEFAULT_CITY / "sources.csv", encoding="utf-8") as handle:
        default_rows = {row["parameter"]: row for row in csv.DictReader(handle)}
    ours = tianmen_rows(marriage_note)
    rows = [{"parameter": p, "value": table_values.get(p, v), "unit": u, "source": s, "status": st, "note": n,
             "range": TABLE_RANGES.get(p, "")} for p, v, u, s, st, n in TABLE_SOURCES]
    unused = set(ours)
    for key, value in flat.items():
        if not documented(key, value):
            continue
        if key in ours:
            unit, source, status, note, value_range = ours[key]
            unused.discard(key)
        elif key in default_flat and default_flat[key] == value and key in default_rows:
            row = default_rows[key]
            status = "assumption"
            unit, source = row["unit"], DEFAULT_SOURCES
            note = f"{NOT_RESEARCHED}" + (f" (there: {neutral(row['note'])})" if row["note"].strip() else "")
            value_range = row["range"].strip() or "not researched for Tianmen"
            if row["range"].strip() == SETTING:
                note = f"a setting, as the default city's ({neutral(row['note'])})"
        else:
            raise SystemExit(f"{key} = {value!r} differs from the default city's or has no source there: "
                             "give it a Tianmen row in tianmen_rows()")
        rows.append({"parameter": key, "value": BUILD._format(value), "unit": unit, "source": source,
                     "status": status, "note": note, "range": value_range})
    if unused:
        raise SystemExit(f"Tianmen rows for keys not in defaults.toml: {sorted(unused)}")
    with open(OUT / "sources.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CITY, help="folder for the tables (default cities/tianmen)")
    OUT = parser.parse_args().out
    OUT.mkdir(parents=True, exist_ok=True)
    women = women_by_age()
    write(women, "women_by_age.csv")
    asfr = BUILD.china_asfr_by_order()
    write(asfr, "fertility_by_age_order.csv")
    write(BUILD.parity_by_age(asfr), "parity_by_age.csv")
    write(base_year_births(), "base_year_births.csv")
    life = BUILD.life_table()
    write(life, "life_table.csv")
    write(family_planning_recipients(life), "family_planning_recipients.csv")
    write(net_migration(women), "net_migration.csv")
    write(pd.DataFrame({"census_unit": ["tianmen"], "resident_share": [1.0]}), "census_units.csv")
    write(pd.DataFrame([(y, int(b), s) for y, (b, s) in sorted(BIRTHS_HISTORY.items())],
                       columns=["year", "births", "status"]), "births_history.csv")
    write(pd.DataFrame({"from_area": ["tianmen"], "to_area": ["tianmen"], "share": [1.0]}), "housing_destination.csv")
    write(pd.DataFrame({"year": [2023, 2024], "births": [BIRTHS_2023, BIRTHS_2024], "status": ["read", "read"]}),
          "published_births.csv")
    fertile = int(women[women.age >= 15].women.sum())
    marriage_note = (
        f"Estimate. Hubei's 2022 marriage registrations 284,279 ÷ 58.44M residents = 4.86‰, moved with China's "
        f"registrations 2022 → 2024 (683.5万 → 610.6万对; Hubei 20-30万对 in 2024 per 《中国统计年鉴2025》, "
        f"jiashengsw.com) to 4.35‰, × Tianmen's ≈{RESIDENTS_2024:,.0f} residents in 2024 ≈ {MARRIAGES_2024:,.0f} "
        "couples, then −2% a year with residents; the level is drawn per replicate (scale triangular 0.7-1.0-1.3). "
        "Tianmen's own registrations were not found (the press says they keep falling); couples registering at "
        "their Tianmen hukou while living elsewhere may push the count up")
    write_sources({"table:women_by_age.csv": str(int(women.women.sum())),
                   "table:published_births.csv": f"{BIRTHS_2023} / {BIRTHS_2024}"}, marriage_note)
    print(f"women 0-49 {int(women.women.sum()):,}, 15-49 {fertile:,}; births {BIRTHS_2023:,} (2023); "
          f"history {dict((y, b) for y, (b, _) in sorted(BIRTHS_HISTORY.items()))}; residents end-2023 "
          f"{RESIDENTS_END_2023:,.0f}, growth {POPULATION_GROWTH}; marriages 2024 ≈ {MARRIAGES_2024:,.0f}")


if __name__ == "__main__":
    main()
