"""Derive the input tables of the Hohhot example city (cities/hohhot/) and its sources.csv.

Run `python scripts/build_example_city_hohhot.py` after changing an input or a method. Inputs:
the 2020 census tables in model/data/raw/ (read), the Hohhot figures researched in
docs/research/city-packages.md §1 (constants below, each with its status), and, where Hohhot was
not researched, the default city's derivations (scripts/build_default_data.py), which are national
(China 2020 census) or marked in sources.csv as the default city's values. Nothing here is fetched.

Most of Hohhot's demography is an estimate: its own age table, births by order and births before
2023 were not found (city-packages.md §4). The run calibrates the level of fertility to the 2023
births (read), so the women table sets the age shape and the split by area, not the number of births.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import build_default_data as default_city  # noqa: E402  (the default city's derivations, reused)

from model.scenario import VALUE_TABLE_KEYS, _is_leaf  # noqa: E402  (the reading of a defaults file)

CITY = ROOT / "cities" / "hohhot"  # the city folder (its defaults.toml is read for sources.csv)
OUT = CITY  # where the tables and sources.csv are written (--out for a check against the committed ones)
RESEARCH = "docs/research/city-packages.md"
CENSUS = default_city.CENSUS
DEMOG = default_city.DEMOG
DAILY = "《呼和浩特日报》 via digipub.cc/dy/article/IVEPA4JU05129FRD.html"
COMMUNIQUE = "《呼和浩特市第七次全国人口普查公报》 第三号 via northnews.cn/p/1999016.html"
PLAN = "呼政发〔2025〕7号"
RULES = "育儿补贴项目实施细则及服务流程 (市卫健委 2025-03-13, via 央视新闻 / 每日经济新闻 / 中新社)"

# ---- read or estimated constants (each becomes a row of sources.csv) --------------------
BASE_YEAR = 2023
WOMEN_2020 = 1_705_982  # 2020-11-01 census, 公报第三号, city-packages.md §1.4, read (off)
BIRTHS_2023 = 20_000  # 呼和浩特日报, CBR 5.58‰, city-packages.md §1.4, read (press)
# Inner Mongolia births (city-packages.md §1.4, read press / 3rd): the index for 2024.
INNER_MONGOLIA_BIRTHS = {2023: 120_000, 2024: 132_000}
# China births (demography.md §3: 2019-21 and 2023 read press; 2016-17 "over 18 / 17 million"
# read press, the default city's series uses 1786 / 1723万; 2018 and 2022 recalled).
CHINA_BIRTHS = {2016: 17_860_000, 2017: 17_230_000, 2018: 15_230_000, 2019: 14_650_000,
                2020: 12_000_000, 2021: 10_620_000, 2022: 9_560_000, 2023: 9_020_000}
# Residents by census unit. 2010 census split (paulnoll.com, chinadragontours.com; read 3rd), and the
# 2020 figures that were found (read 3rd): 新城 699,672; 赛罕 885,321; the other two districts with
# 土左旗 (and the 经开区, left out as an area and counted in them) 1,359,896; the four counties
# 501,211 (both derived as differences from 3,446,100). Each group is split by its 2010 proportions.
POP_2010 = {"xincheng": 567_255, "huimin": 394_555, "yuquan": 383_365, "saihan": 635_599, "tumotezuo": 312_532,
            "tuoketuo": 200_840, "helingeer": 169_856, "qingshuihe": 93_887, "wuchuan": 108_726}
RESIDENTS_2020 = 3_446_100
POP_2020_READ = {"xincheng": 699_672, "saihan": 885_321}
GROUPS_2020 = {("huimin", "yuquan", "tumotezuo"): 2_944_889 - 699_672 - 885_321,
               ("tuoketuo", "helingeer", "qingshuihe", "wuchuan"): RESIDENTS_2020 - 2_944_889}
AREAS = list(POP_2010)
DISTRICTS = ["xincheng", "huimin", "yuquan", "saihan"]
# Net migration of women 0-49 (assumption): each area's yearly growth 2010→2020 (census units above),
# less 0.3%/yr natural increase (assumed for the 2010s), times 0.75 so that the city's rate (≈1.3%/yr)
# is near the 2020-23 growth of residents (3,446,100 → 3,604,100, ≈1.4%/yr, with births ≈ deaths in
# 2023); the age shape is the default city's (young adults move most).
NATURAL_INCREASE_2010S = 0.003
MIGRATION_SCALE = 0.75
OWN_DISTRICT = 0.80  # housing destination (line off): as the default city, assumption
COUNTY_TO_DISTRICTS = 0.10


def census_unit_residents() -> dict[str, float]:
    """Residents 2020 by area: read where found, else the area's 2010 share of its group's 2020 total."""
    residents = {area: float(n) for area, n in POP_2020_READ.items()}
    for members, total in GROUPS_2020.items():
        base = sum(POP_2010[a] for a in members)
        residents |= {a: total * POP_2010[a] / base for a in members}
    return {area: residents[area] for area in AREAS}


def census_units() -> pd.DataFrame:
    residents = census_unit_residents()
    shares = {area: round(n / RESIDENTS_2020, 5) for area, n in residents.items()}
    shares[AREAS[-1]] = round(1 - sum(v for a, v in shares.items() if a != AREAS[-1]), 5)  # add up to 1
    return pd.DataFrame({"census_unit": AREAS, "resident_share": [shares[a] for a in AREAS]})


def births_history() -> dict[int, tuple[float, str]]:
    history = {year: (int(round(BIRTHS_2023 * n / CHINA_BIRTHS[2023], -1)), "estimated")
               for year, n in CHINA_BIRTHS.items() if year < BASE_YEAR}
    return history | {BASE_YEAR: (BIRTHS_2023, "read")}


def published_births() -> dict[int, tuple[int, str]]:
    later = {year: (int(round(BIRTHS_2023 * n / INNER_MONGOLIA_BIRTHS[BASE_YEAR], -1)), "derived")
             for year, n in INNER_MONGOLIA_BIRTHS.items() if year > BASE_YEAR}
    return {BASE_YEAR: (BIRTHS_2023, "read"), **later}


def women_by_age() -> pd.DataFrame:
    """China's 2020 female age structure (census 1-5) scaled to Hohhot's 1,705,982 women, aged two
    years from the census (2020-11-01) to the base year's start (2023-01-01); ages 0 and 1 are the
    2022 and 2021 birth cohorts, from the census age-0 group moved by the births history."""
    china = default_city.census_female_by_age("china")
    share = china / china.sum()
    history = births_history()
    shifted = np.empty(default_city.MAX_AGE + 1)
    shifted[2:] = share[: default_city.MAX_AGE - 1]
    shifted[1] = share[0] * history[2021][0] / history[2020][0]
    shifted[0] = share[0] * history[2022][0] / history[2020][0]
    women = shifted * WOMEN_2020
    return pd.DataFrame({"age": np.arange(default_city.MAX_AGE + 1), "women": np.round(women).astype(int)})


def order_shares() -> dict[int, float]:
    """China 2020 census births by order (table 6-1, all settlements): 1st, 2nd, 3rd and later."""
    counts = pd.read_csv(default_city.RAW / "births_by_order_sample.csv")
    china = counts[(counts.area == "china") & (counts.settlement == "all")].set_index("birth_order").births_sample
    total = china.sum()
    return {1: china[1] / total, 2: china[2] / total, 3: china.loc[3:].sum() / total}


def higher_order_share() -> float:
    counts = pd.read_csv(default_city.RAW / "births_by_order_sample.csv")
    china = counts[(counts.area == "china") & (counts.settlement == "all")].set_index("birth_order").births_sample
    return float(china.loc[4:].sum() / china.loc[3:].sum())


def base_year_births() -> pd.DataFrame:
    shares = order_shares()
    return pd.DataFrame({"year": BASE_YEAR, "birth_order": [1, 2, 3],
                         "births": [round(BIRTHS_2023 * shares[k], 2) for k in (1, 2, 3)]})


def area_migration() -> dict[str, float]:
    residents = census_unit_residents()
    rates = {}
    for area in AREAS:
        members = next((m for m in GROUPS_2020 if area in m), (area,))
        then = sum(POP_2010[a] for a in members)
        now = sum(residents[a] for a in members)
        growth = (now / then) ** (1 / 10) - 1
        rates[area] = round((growth - NATURAL_INCREASE_2010S) * MIGRATION_SCALE, 4)
    return rates


def net_migration(women: pd.DataFrame) -> pd.DataFrame:
    shape = np.zeros(default_city.MAX_AGE + 1)
    for start, stop, value in default_city.MIGRATION_AGE_SHAPE:
        shape[start:stop] = value
    weights = women.women.to_numpy()
    shape /= (shape * weights).sum() / weights.sum()
    rows = [(area, age, round(rate * shape[age], 8))
            for area, rate in area_migration().items() for age in range(default_city.MAX_AGE + 1)]
    return pd.DataFrame(rows, columns=["area", "age", "rate"])


def housing_destination() -> pd.DataFrame:
    """The default city's rule with Hohhot's areas (the housing line is off in Hohhot): district
    families buy 80% in their own district, the rest in the others by residents; county families
    10% in the districts (by residents), 90% at home."""
    residents = census_unit_residents()
    rows = []
    for origin in AREAS:
        for target in AREAS:
            if target in DISTRICTS:
                if origin in DISTRICTS:
                    others = sum(residents[d] for d in DISTRICTS if d != origin)
                    share = OWN_DISTRICT if target == origin else (1 - OWN_DISTRICT) * residents[target] / others
                else:
                    share = COUNTY_TO_DISTRICTS * residents[target] / sum(residents[d] for d in DISTRICTS)
            else:
                share = (1 - COUNTY_TO_DISTRICTS) if target == origin else 0.0
            rows.append((origin, target, round(share, 8)))
    frame = pd.DataFrame(rows, columns=["from_area", "to_area", "share"])
    for origin in AREAS:  # rounding: make each row add up to 1 exactly
        mask = (frame.from_area == origin) & (frame.to_area == origin)
        frame.loc[mask, "share"] += round(1 - frame[frame.from_area == origin].share.sum(), 8)
    return frame


def write(frame: pd.DataFrame, name: str) -> None:
    frame.to_csv(OUT / name, index=False, lineterminator="\n")


# ---- sources.csv -------------------------------------------------------------------------------------

DEFAULT_NOTE = "the default city's value (model/data/sources.csv), not researched for Hohhot"
DEFAULT_SOURCE = "default city's value; model/data/sources.csv"


def table_sources(women: pd.DataFrame) -> list[dict[str, str]]:
    units = census_units().set_index("census_unit").resident_share
    shares = order_shares()
    rates = area_migration()
    women_1549 = int(women.women[15:50].sum())
    return [
        {"parameter": "table:women_by_age.csv", "value": str(int(women.women.sum())), "unit": "women",
         "source": f"{CENSUS} table 1-5 (China female age structure); {COMMUNIQUE} (women 1,705,982); {RESEARCH} §1.4",
         "status": "derived",
         "note": "Estimate: China's 2020 female age structure (5-year groups split to single years by PCHIP on "
                 "cumulative counts) scaled to Hohhot's 1,705,982 women (2020 census, read), aged two years to "
                 "2023-01-01; ages 0 and 1 are the 2022 and 2021 cohorts from the census age-0 group × the births "
                 f"history. Women 15-49 come out {women_1549:,} (the research's estimate ≈ 0.84M, 0.78-0.92M). "
                 "Hohhot's own age table was not found; it has a larger working-age share than China, and it grew "
                 "to 1,774,100 women by end-2023 (read). The run calibrates the birth level to 2023's births.",
         "range": "women 15-49 0.78 – 0.92 M"},
        {"parameter": "table:parity_by_age.csv", "value": "", "unit": "share",
         "source": f"{CENSUS} table 6-2; {DEMOG} §4d and gap 6", "status": "derived",
         "note": "The default city's table, which is national: P(≥k children | age) from China-2020 births by "
                 "mother's age and order with plateaus 94.84% / 62% (est.) / 8% (assumed). Hohhot's parity was "
                 "not found; an urban, low-fertility city likely has fewer women with two or more children.",
         "range": ""},
        {"parameter": "table:fertility_by_age_order.csv", "value": "", "unit": "births per woman-year",
         "source": f"{CENSUS} tables 6-2 and 1-5; {DEMOG} §4b", "status": "derived",
         "note": "The default city's table, which is national: China 2020 births by mother's age and order ÷ women, "
                 "scaled to TFR 1.30. The age shape only: the run aligns levels to Hohhot's 2023 births.",
         "range": ""},
        {"parameter": "table:base_year_births.csv", "value": str(BIRTHS_2023), "unit": "births",
         "source": f"{DAILY} ({RESEARCH} §1.4); order shares {CENSUS} table 6-1 (China)", "status": "derived",
         "note": f"Hohhot 2023 births 20,000 (read; CBR 5.58‰) × China 2020 census shares by order "
                 f"{shares[1]:.2%} / {shares[2]:.2%} / {shares[3]:.2%} (Hohhot's and Inner Mongolia's split were "
                 "not found; Inner Mongolia's rows of census table 6-1 would do better).",
         "range": "third and later: see demography.third_plus_share_scale"},
        {"parameter": "table:life_table.csv", "value": "", "unit": "probability",
         "source": f"{DEFAULT_SOURCE} (table:life_table.csv); {DEMOG} §5", "status": "assumption",
         "note": f"{DEFAULT_NOTE}: China 2020 e0 with IMR 4.5‰ and the default city's province's U5MR 6.49‰ for "
                 "ages 1-4; Inner Mongolia's mortality was not looked up.",
         "range": ""},
        {"parameter": "table:net_migration.csv", "value": "", "unit": "per year",
         "source": f"{RESEARCH} §1.4 (2010 and 2020 census residents by area; 2020 → 2023 residents)",
         "status": "assumption",
         "note": "Rates for women 0-49 by area: the area's (or its group's) yearly growth 2010→2020 less 0.3%/yr "
                 "natural increase, × 0.75 to match the 2020-23 city growth (≈1.4%/yr): " +
                 ", ".join(f"{a} {r:+.2%}" for a, r in rates.items()) +
                 "; times the default city's age shape (2.5× at 18-24). Direction read, levels assumed.",
         "range": "each area's rate ±0.75 points a year"},
        {"parameter": "table:census_units.csv", "value": "", "unit": "share of residents",
         "source": f"{RESEARCH} §1.4 (2010 split, read 3rd; 2020: 新城 699,672 and 赛罕 885,321 read 3rd, group "
                   "totals derived)",
         "status": "derived",
         "note": "Estimate: 2020 residents by area ÷ 3,446,100. 新城 and 赛罕 read; 回民, 玉泉, 土左旗 split "
                 "1,359,896 (the 4 districts incl. 经开区 and 土左旗, 2,944,889, less 新城 and 赛罕) by their 2010 "
                 "proportions; the four counties split 501,211 by theirs. The 经济技术开发区 is not an area here: "
                 "its residents are in 回民/玉泉/土左旗. Shares: " +
                 ", ".join(f"{a} {s:.4f}" for a, s in units.items()) + ".",
         "range": "回民/玉泉/土左旗 and each county ±2 points"},
        {"parameter": "table:births_history.csv", "value": "", "unit": "births",
         "source": f"{DAILY} (2023, read); China births {DEMOG} §3", "status": "derived",
         "note": "2023 read (20,000); 2016-2022 estimated as 2023 births × the national birth index (China births "
                 "÷ 902万; 2018 and 2022 national figures recalled). Used only for children born before 2023.",
         "range": "± 15%"},
        {"parameter": "table:published_births.csv", "value": "", "unit": "births",
         "source": f"{DAILY} (2023); Inner Mongolia births 2023-24 ({RESEARCH} §1.4)", "status": "derived",
         "note": "2023 read (20,000); 2024 = 20,000 × Inner Mongolia's births 13.2万 ÷ 12.0万 (2024 ÷ 2023; read "
                 "press / 3rd) = 22,000, derived: Hohhot's own 2024 count was not found. Used only to check the "
                 "simulated births (the back-test), never to price.",
         "range": ""},
        {"parameter": "table:family_planning_recipients.csv", "value": "", "unit": "persons",
         "source": f"{DEFAULT_SOURCE} (table:family_planning_recipients.csv)", "status": "assumption",
         "note": f"{DEFAULT_NOTE}; the award line is off in Hohhot. Replace with the 卫健委 roster via "
                 "[data] family_planning_recipients before turning it on.",
         "range": "0.5 – 1.5 × (lines.family_planning_awards.recipients_scale)"},
        {"parameter": "table:housing_destination.csv", "value": "", "unit": "share",
         "source": f"{DEFAULT_SOURCE} (table:housing_destination.csv, its rule)", "status": "assumption",
         "note": "The default city's rule with Hohhot's areas (no home-purchase subsidy in Hohhot's package, the "
                 "line is off): district families buy 80% in their own district, the rest in the other districts "
                 "by residents; county families 10% in the districts, 90% at home.",
         "range": "own district 0.6 – 0.9"},
    ]


def hohhot_parameter_sources() -> dict[str, tuple[str, str, str, str, str]]:
    """parameter → (unit, source, status, note, range) for every value set or researched for Hohhot."""
    r = RESEARCH
    cb = ("measures.first_child_grant", "measures.childcare_instalments")
    care = "measures.childcare_care_allowance"
    pre = "measures.premarital_checks"
    rows = {
        "scenario.start_year": ("year", "first budget year", "assumption", "2025 budget onward, as the default city",
                                "a setting, not an estimate"),
        "scenario.end_year": ("year", f"{r} §1.1 (no end date of the package is known)", "assumption",
                              "the default city's horizon kept for comparison; the instalments run on past 2035",
                              "a setting, not an estimate"),
        "scenario.replicates": ("count", "Monte Carlo replicates", "assumption", "1,000 gives stable 5-95% ranges",
                                "a setting, not an estimate"),
        "scenario.seed": ("", "random seed", "assumption", "any fixed integer", "a setting, not an estimate"),
        "scenario.policy_start": ("year-month", f"{PLAN}; {r} §1.1 (于2025年3月1日起实施)", "read",
                                  "the 实施意见 is in force from 2025-03-01", ""),
        "demography.base_year": ("year", f"{DAILY}; {r} §1.4", "read", "the only year with a published Hohhot "
                                 "birth count (20,000 in 2023)", ""),
        "demography.resident_population": ("persons", f"{DAILY}; {r} §1.4", "read", "year-end 2023 residents", ""),
        "demography.population_growth": ("per year", f"{COMMUNIQUE}; {DAILY}; {r} §1.4", "derived",
                                         "3,446,100 (2020-11) → 3,604,100 (2023-12) ≈ +1.4%/yr, held (mode); "
                                         "used for childcare slots only (that line is off)", "0.0 – 0.02"),
        "demography.fertility_trend": ("per year", f"{r} §1.4 (Inner Mongolia births 12.0万 2023, 13.2万 2024)",
                                       "assumption", "period birth rates held at the 2023 level (mode); Inner "
                                       "Mongolia's 2024 rise was a dragon year", "-0.04 – 0.02"),
        "demography.higher_order_share_of_third_plus": ("share", f"{CENSUS} table 6-1 (China)", "derived",
                                                        "(19,501 + 6,169) ÷ (109,320 + 19,501 + 6,169) fourth-and-"
                                                        "later among third-and-later births, China 2020", ""),
        "demography.third_plus_share_scale": (
            "ratio", f"{CENSUS} table 6-1 (China all: third and later 11.13%; China city settlements 6.08%); NHC "
                     "2022 statistical communiqué (15.0%, via the default city's sources)", "assumption",
            "the base table holds China's 2020 mix (11.13% third and later). Hohhot is 80.7% urban and a "
            "low-fertility region, so its share is likely lower than China's: mode 1.0 (the national 2020 mix), "
            "low 0.55 (China's city-settlement mix, 6.08%), high 1.35 (the national share moved to 2022's 15%). "
            "The third-child instalments (100,000 a child) make this the most important demographic estimate",
            "0.55 – 1.35"),
        "demography.sex_ratio_at_birth": ("boys per girl", DEFAULT_SOURCE, "assumption",
                                          f"{DEFAULT_NOTE} (its province's census SRB); it moves only future women",
                                          "1.05 – 1.16"),
        "eligibility.city_hukou_share": (
            "share of births", f"{r} §1.4 (流动人口 1,651,800 of 3,446,100 residents in 2020) and §1.5 item 2",
            "assumption", "at least one parent with Hohhot hukou: 48% of 2020 residents were floating population "
            "(incl. moves between Hohhot's own counties, and many from elsewhere in Inner Mongolia); mode 0.70. "
            "Hohhot's hukou births were not found", "0.55 – 0.85"),
        "eligibility.in_city_hospital_share": ("share of births", DEFAULT_SOURCE, "assumption",
                                               f"{DEFAULT_NOTE}; no Hohhot line uses it", "0.90 – 0.98"),
        "cost_sharing.city_share": ("share", f"{r} §1.2 item 1 and §1.5 item 6 (payer not stated)", "assumption",
                                    "no city / 旗县区 split was found: the city pays 100% in every area", "0 – 1"),
        f"{pre}.enabled": ("", f"{PLAN} (免费婚前医学检查 for 在呼和浩特市领取结婚证人员; 中新社 via sengpou.com); "
                               f"{r} §1.2 item 5", "read", "a count-driven measure not tied to births", ""),
        f"{pre}.take_up": ("share of couples", "docs/research/unpriced-clauses.md §1a (national 婚前医学检查率 "
                           "74.8% in 2022)", "assumption", "the national rate; Inner Mongolia's was not found; "
                           "the check at registration may raise it", "0.6 – 0.9"),
        f"{pre}.yearly_count": ("couples per year", f"{r} §1.2 item 5 and §4 (not found); docs/research/"
                                "unpriced-clauses.md §1a (national ≈ 4.8‰ crude marriage rate, recalled)",
                                "assumption", "Hohhot's marriage registrations were not found: 4.8‰ × 3.60M "
                                "residents ≈ 17,000 couples in 2023, falling with national registrations (≈ 15,500 "
                                "in 2025, 14,000 in 2030); × 0.7 – 1.4 (scale) for a young in-migrant city whose "
                                "migrants may register at their hukou place", "10,000 – 24,000"),
        f"{pre}.cases_per_unit": ("checks per couple", f"{PLAN} (免费婚前医学检查)", "read", "one check per couple",
                                  ""),
        f"{pre}.unit_cost": ("yuan per couple", "docs/research/unpriced-clauses.md §1a (2006 prices ≈ 50 a person "
                             "in the default city's province; Beijing 70 a person)", "assumption",
                             "Hohhot's price was not found: the default city's estimate with its wide range "
                             "(the list expanded since 2006: HIV, syphilis, hepatitis)", "150 – 400"),
        f"{pre}.new_money": ("", f"{r} §1.5 item 8", "assumption", "the check may have been free before 2025: "
                             "shown as a continuing programme the package restates (true is the alternative)", ""),
        f"{pre}.local_share": ("share", f"{r} §1.5 item 6", "assumption", "local budgets; no central money found",
                               "0.8 – 1.0"),
        f"{pre}.province_share_of_local": ("share", f"{r} §1.5 item 6", "assumption",
                                           "the city pays all (no regional share found)", "0 – 0.5"),
        "disbursement.measures.application_lag": (
            "share by month", f"{RULES} (育儿补贴每年7月、1月发放两次; 免申即享); {r} §1.1", "derived",
            "a payment falling due waits 0-5 months (evenly) for the next July or January batch", ""),
        "disbursement.measures.rejection_share": ("share of claims", f"{RULES} (免申即享)", "assumption",
                                                  "automatic once the newborn's hukou is registered", "0 – 0.05"),
        f"{care}.basis": ("", f"{r} §1.2 item 4", "read", "families with a child aged 0-3 in a childcare institution",
                          ""),
        f"{care}.cases_per_unit": ("share of children under 3", "docs/sources/policy_prices.md §7 (national "
                                   "enrolment ≈6% 2021, ≈12% 2025)", "assumption", "Hohhot's enrolment was not "
                                   "found: the national path (the default city's), 15% by 2035, × 0.67 – 1.33",
                                   "0.08 – 0.20"),
        f"{care}.unit_cost": ("yuan per child-year", f"{PLAN}; info35.net/hotopics/35154.html (600元/年); {r} §1.2 "
                              "item 4", "read", "one third-party source only", ""),
        f"{care}.take_up": ("share", f"{r} §1.2 item 4", "assumption", "enrolled families that claim", "0.8 – 1.0"),
        f"{care}.local_share": ("share", f"{r} §1.5 item 6", "assumption", "a local measure", "a rule: 1"),
        f"{care}.province_share_of_local": ("share", f"{r} §1.5 item 6", "assumption", "the city pays all", "0 – 0.5"),
        f"{care}.timing": ("", "no published figures", "assumption", "paid once a year on the year's enrolment, in "
                           "March (the default city's timing for its childcare subsidy)", ""),
        f"{pre}.timing": ("", "no published figures", "assumption", "hospitals bill the health commission after the "
                          "check, quarterly (the default city's timing for its premarital checks)", ""),
    }
    for key in cb:
        rows |= {
            f"{key}.births_from": ("date", f"{RULES} 享受条件 2 (2025年3月1日之后（含3月1日）); {r} §1.1", "read", "",
                                   ""),
            f"{key}.hukou": ("", f"{RULES} 享受条件 3 (夫妻双方或一方户籍地为呼和浩特市); {r} §1.2", "read",
                             "city_hukou_share gives the share of births that qualify", ""),
            f"{key}.eligible_share": (
                "share of births", f"{RULES} 享受条件 3 (人、房、户一致; 新生儿首次落户在呼和浩特市); {r} §1.5 item 2",
                "assumption", "of the hukou births, those living in Hohhot with the newborn first registered there. "
                "Not modelled (overstates the cost): a hukou move out stops the payments the next year (计发时间确认 2); "
                "births of 2025-01-01 to 02-28 and children who move in later fall under a regional rule not found "
                "(left out)", "0.8 – 1.0"),
            f"{key}.take_up": ("share", f"{RULES} 申报审核 (免申即享)", "assumption", "automatic once the newborn's "
                               "hukou is registered, or an online application", "0.85 – 1.0"),
            f"{key}.national": ("", f"{r} §1.2 item 1 and §1.5 item 5", "assumption",
                                "the rules are silent: on_top (both paid, the default). Contested alternative: "
                                "higher_of (就高 / 只增不减, reported as a plan being drafted, reportify.ai, read 3rd); "
                                "for first children the one-off 10,000 is paid on top either way", "on_top / higher_of"),
        }
    rows["measures.first_child_grant.schedule"] = (
        "yuan", f"{RULES} 发放金额及周期 1 (生育一孩一次性发放育儿补贴10000元)", "read", "once, in the birth month", "")
    rows["measures.childcare_instalments.schedule"] = (
        "yuan", f"{RULES} 发放金额及周期 2-3 (二孩 50,000 每年10000元直至5周岁; 三孩及以上 100,000 每年10000元直至10周岁)",
        "read", "10,000 on each birthday from birth: 5 payments (order 2) and 10 (orders 3+), the totals; a birth "
        "year paid in the year of birth (以出生年份计发) is the reading: city-packages.md §1.5 item 1", "")
    return rows


def flat(tree: dict) -> dict[str, object]:
    out: dict[str, object] = {}

    def walk(path: tuple[str, ...], node: object) -> None:
        measure_value = len(path) == 3 and path[0] == "measures" and path[2] in ("national", "timing")
        if isinstance(node, dict) and not _is_leaf(path) and not measure_value and not (VALUE_TABLE_KEYS & node.keys()):
            for k, v in node.items():
                walk((*path, k), v)
        else:
            out[".".join(path)] = node

    walk((), tree)
    return out


def _format(value: object) -> str:
    if isinstance(value, dict) and "dist" in value:
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return default_city._format(value)


def write_sources(women: pd.DataFrame) -> None:
    with open(CITY / "defaults.toml", "rb") as handle:
        values = flat(tomllib.load(handle))
    with open(default_city.DATA / "sources.csv", encoding="utf-8") as handle:
        jingmen = {row["parameter"]: row for row in csv.DictReader(handle)}
    own = hohhot_parameter_sources()
    rows = table_sources(women)
    for parameter, value in values.items():
        if parameter in own:
            unit, source, status, note, value_range = own[parameter]
        elif parameter in jingmen:
            row = jingmen[parameter]
            unit, source, status, value_range = row["unit"], DEFAULT_SOURCE, "assumption", row["range"]
            note = DEFAULT_NOTE
        else:
            continue  # a switch or a text the default city's sources do not list either
        rows.append({"parameter": parameter, "value": _format(value), "unit": unit, "source": source,
                     "status": status, "note": note, "range": value_range})
    missing = sorted(set(own) - set(values))
    if missing:
        raise SystemExit(f"sources for {missing} but no such key in cities/hohhot/defaults.toml")
    with open(OUT / "sources.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CITY, help="folder for the tables (default cities/hohhot)")
    OUT = parser.parse_args().out
    OUT.mkdir(parents=True, exist_ok=True)
    women = women_by_age()
    write(women, "women_by_age.csv")
    asfr = default_city.china_asfr_by_order()
    write(asfr, "fertility_by_age_order.csv")
    write(default_city.parity_by_age(asfr), "parity_by_age.csv")
    write(base_year_births(), "base_year_births.csv")
    life = default_city.life_table()
    write(life, "life_table.csv")
    write(default_city.family_planning_recipients(life), "family_planning_recipients.csv")
    write(net_migration(women), "net_migration.csv")
    write(census_units(), "census_units.csv")
    write(pd.DataFrame([(y, b, s) for y, (b, s) in births_history().items()],
                       columns=["year", "births", "status"]), "births_history.csv")
    write(housing_destination(), "housing_destination.csv")
    write(pd.DataFrame([(y, b, s) for y, (b, s) in published_births().items()],
                       columns=["year", "births", "status"]), "published_births.csv")
    write_sources(women)
    print(f"wrote {OUT}: women 15-49 {int(women.women[15:50].sum()):,}, higher-order share of "
          f"third-plus {higher_order_share():.4f}, order shares "
          + " / ".join(f"{s:.4f}" for s in order_shares().values()))


if __name__ == "__main__":
    main()
