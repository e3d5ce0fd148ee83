"""Derive the embedded default tables in model/data/ from the researched inputs.

Run `python scripts/build_default_data.py` after changing an input or a method; the test
`tests/inputs/test_default_data.py` fails when the committed tables differ from what this script
makes, so the "derived" status in sources.csv always describes how a file was really made.

Inputs: the 2020 census tables in model/data/raw/ (read) and the constants below, each with
the source and status it carries into model/data/sources.csv. Nothing here is fetched.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

DATA = Path(__file__).resolve().parents[1] / "model" / "data"
RAW = DATA / "raw"
DEMOG = "docs/sources/demography.md"
PRICES = "docs/sources/policy_prices.md"
CENSUS = "NBS 《中国人口普查年鉴-2020》 via earfanfan/yuanfan (model/data/raw/)"

# ---- read or estimated constants (each becomes a row of sources.csv) --------------------
JINGMEN_RESIDENTS_2022 = 2_547_700  # 《荆门统计年鉴2024》, demography.md §2, read (3rd)
JINGMEN_FEMALE_SHARE = 0.4930  # 湖北七普公报第三号 表3-1, read (off)
BIRTHS_2022 = 11_679  # 《荆门统计年鉴2024》, demography.md §3, read (3rd)
HUBEI_ORDER_COUNTS = {1: 23_936, 2: 22_035, 3: 2_494, 4: 258, 5: 49}  # census 6-1, read
CHILDLESS_AT_49 = 0.0516  # China 2020, demography.md §4d, read (press)
EVER_TWO_PLATEAU = 0.62  # demography.md gap 6: "≥2 children at 40-44 ≈ 60%", est
EVER_THREE_PLATEAU = 0.08  # assumption (older cohorts; Hubei 3rd+ share of births 5.7%)
IMR = 0.0045  # China 2023 4.5‰, Hubei 2018 4.54‰, demography.md §5, read (press)
U5MR_HUBEI = 0.00649  # Hubei 2018, demography.md §5, read (press)
E0_CHINA_2020 = 77.93  # demography.md §5, read (press)
E0_SEX_GAP = 5.51  # female − male, demography.md §5, read (paper)
GOMPERTZ_SLOPE = 0.095  # assumption: typical adult Gompertz slope
MAKEHAM_TERM = 0.0001  # assumption: age-independent adult hazard
CENSUS_UNIT_SHARES = {  # demography.md gap 2, est ±4 points
    "dongbao_unit": 0.15,
    "duodao": 0.13,
    "jingshan_unit": 0.22,
    "zhongxiang": 0.33,
    "shayang": 0.17,
}
# Net migration of women aged 0-49, annual rate by area (est): 掇刀 gains residents, 东宝 is
# stable, the counties lose (xtie.cn citing 荆门统计年鉴2021, direction only); levels set so
# the city loses ≈0.7%/yr, the 2020-census→2022 trend of residents (demography.md §2).
AREA_MIGRATION = {
    "dongbao": 0.0,
    "duodao": 0.008,
    "zhanghe": 0.0,
    "jingshan": -0.010,
    "qujialing": -0.010,
    "zhongxiang": -0.010,
    "shayang": -0.012,
}
# Relative age pattern of net migration (assumption: young adults move most).
MIGRATION_AGE_SHAPE = [(0, 15, 0.5), (15, 18, 1.0), (18, 25, 2.5), (25, 30, 2.0),
                       (30, 35, 1.2), (35, 40, 0.8), (40, 50, 0.5)]
# Estimated Jingmen births before the base year (demography.md §3, national-index series).
BIRTHS_HISTORY = {2016: (21_800, "estimated"), 2017: (21_000, "estimated"),
                  2018: (18_600, "estimated"), 2019: (17_900, "estimated"),
                  2020: (14_700, "estimated"), 2021: (13_000, "estimated"),
                  2022: (BIRTHS_2022, "read")}
# Published birth counts the run is checked against (the back-test). Jingmen's own counts after
# 2022 were not found: 2023 and 2024 follow Hubei's births (湖北省统计公报: 32.0万 in 2023, 31.4万
# in 2024; 2022 ≈ 35.53万 = 6.08‰ × 5,844万 residents) from Jingmen's 2022 count.
HUBEI_BIRTHS = {2022: 355_300, 2023: 320_000, 2024: 314_000}
PUBLISHED_BIRTHS = {2022: (BIRTHS_2022, "read"),
                    **{year: (round(BIRTHS_2022 * HUBEI_BIRTHS[year] / HUBEI_BIRTHS[2022], -1), "derived")
                       for year in (2023, 2024)}}
# Where second/third-child families buy a qualifying home (assumption): district families
# buy in their own district or another one; county families rarely buy in the districts.
OWN_DISTRICT = 0.80
COUNTY_TO_DISTRICTS = 0.10
DISTRICT_MARKET_SHARE = {"dongbao": 0.40, "duodao": 0.45, "zhanghe": 0.15}

# Family-planning award recipients in the base year, city-wide (assumption: no Jingmen roster
# was found). Rural reward (奖励扶助, parents aged 60+ of rural only-child and two-daughter
# families): ≈1.0M rural residents, ≈25% aged 60+, ≈12% of them qualifying → ≈30,000.
# Special assistance (特别扶助, parents 49+ whose only child died or is disabled): China's
# ≈1M bereaved families × Jingmen's 0.18% population share × 2 parents ≈ 1,500 each.
AWARD_STOCK = {"rural_reward": (60, 30_000), "special_disabled": (49, 1_500), "special_bereaved": (49, 1_500)}
AWARD_ENTRANT_GROWTH = 0.03  # assumption: each year's entrants 3% more than the year before's

AREAS = ["dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang", "shayang", "qujialing"]
DISTRICTS = ["dongbao", "duodao", "zhanghe"]
MAX_AGE = 49  # women are followed from birth to their 50th birthday
FERTILE_AGES = range(15, 50)


def census_female_by_age(area: str) -> np.ndarray:
    """Single-year female counts 0..100 from 5-year census groups, mean-preserving.

    A monotone cubic (PCHIP) through the cumulative count at group edges, differenced
    by single year, keeps every group total exact and avoids steps between groups.
    """
    pop = pd.read_csv(RAW / "population_by_age_sex.csv")
    rows = pop[(pop.area == area) & (pop.sex == "female")]
    edges, counts = [0], []
    for group, value in zip(rows.age_group, rows.population, strict=True):
        upper = 101 if group.startswith("100") else (1 if group == "0" else int(group.split("-")[1]) + 1)
        edges.append(upper)
        counts.append(value)
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    curve = PchipInterpolator(np.array(edges, dtype=float), cumulative)
    return np.diff(curve(np.arange(0, 102, dtype=float)))


def women_by_age() -> pd.DataFrame:
    hubei = census_female_by_age("hubei")
    share = hubei / hubei.sum()
    # Census day 2020-11-01 → base 2022-01-01 is about one year: shift ages by one; age 0
    # is the 2021 birth cohort, scaled from the census age-0 group by estimated births.
    shifted = np.empty(MAX_AGE + 1)
    shifted[1:] = share[: MAX_AGE]
    shifted[0] = share[0] * BIRTHS_HISTORY[2021][0] / BIRTHS_HISTORY[2020][0]
    women = shifted * JINGMEN_RESIDENTS_2022 * JINGMEN_FEMALE_SHARE
    return pd.DataFrame({"age": np.arange(MAX_AGE + 1), "women": np.round(women).astype(int)})


def china_asfr_by_order() -> pd.DataFrame:
    """China 2020 single-year ASFR by birth order (census 6-2 sample ÷ 1-5 full count)."""
    births = pd.read_csv(RAW / "china_births_by_mother_age_order_sample.csv").set_index("mother_age")
    women = census_female_by_age("china")[15:50]
    sample_fraction = 1_212_321 / 12_000_000  # sample births ÷ official births (demography.md §1)
    rates = births[["first", "second", "third_plus"]].div(women * sample_fraction, axis=0)
    rates *= 1.30 / rates.sum().sum()  # official TFR 1.3 (宁吉喆, census press conference)
    third_alone = 109_320 / (109_320 + 19_501 + 6_169)  # China 3rd ÷ 3rd+ births, census 6-1
    rows = []
    for age, r in rates.iterrows():
        rows += [(age, 1, r["first"]), (age, 2, r["second"]),
                 (age, 3, r["third_plus"] * third_alone), (age, 4, r["third_plus"] * (1 - third_alone))]
    out = pd.DataFrame(rows, columns=["age", "birth_order", "rate"])
    out["rate"] = out["rate"].round(8)
    return out


def parity_by_age(asfr: pd.DataFrame) -> pd.DataFrame:
    """Share of women by children ever born (0, 1, 2, 3+) at each age 0..49.

    P(at least k children | age a) = plateau_k × share of order-k births that happen at
    mother's ages ≤ a (China 2020 age pattern). Plateaus: 1 − childless share at 49 (read),
    ≥2 and ≥3 estimated. Checks: childless at 35 and 40 come out near the read 10.9% / 7.9%.
    """
    pivot = asfr.pivot(index="age", columns="birth_order", values="rate")
    cum = pivot.cumsum() / pivot.sum()
    plateaus = {1: 1 - CHILDLESS_AT_49, 2: EVER_TWO_PLATEAU, 3: EVER_THREE_PLATEAU}
    at_least = {k: np.zeros(MAX_AGE + 1) for k in (1, 2, 3)}
    for k in (1, 2, 3):
        column = cum[k] if k < 3 else (pivot[3] + pivot[4]).cumsum() / (pivot[3] + pivot[4]).sum()
        at_least[k][15:50] = plateaus[k] * column.to_numpy()
    shares = pd.DataFrame({
        "age": np.arange(MAX_AGE + 1),
        "parity0": 1 - at_least[1],
        "parity1": at_least[1] - at_least[2],
        "parity2": at_least[2] - at_least[3],
        "parity3": at_least[3],
    })
    value_columns = ["parity0", "parity1", "parity2", "parity3"]
    shares[value_columns] = shares[value_columns].round(8)
    return shares


def life_table() -> pd.DataFrame:
    """Female q(x) 0..100 (Gompertz–Makeham scaled to the female e0); both sexes: children's
    q(0..4) from IMR and U5MR, adults the mean of the female and male tables (male scaled to
    the male e0), as for couples receiving family-planning awards."""
    female_e0 = E0_CHINA_2020 + E0_SEX_GAP * 0.5 / 1.0  # midpoint split of the sex gap
    male_e0 = E0_CHINA_2020 - E0_SEX_GAP * 0.5
    child_q = (U5MR_HUBEI - IMR) / (1 - IMR) / 4  # ages 1-4, per year

    def table(b_coef: float) -> np.ndarray:
        ages = np.arange(101)
        hazard = MAKEHAM_TERM + b_coef * np.exp(GOMPERTZ_SLOPE * (ages + 0.5))
        q = 1 - np.exp(-hazard)
        q[0], q[1:5] = IMR, child_q
        q[100] = 1.0
        return np.clip(q, 0, 1)

    def e0(q: np.ndarray) -> float:
        survivors = np.concatenate([[1.0], np.cumprod(1 - q)])
        return float(((survivors[:-1] + survivors[1:]) / 2).sum())

    def scaled_to(target: float) -> np.ndarray:
        low, high = 1e-7, 1e-3
        for _ in range(200):  # bisection: e0 falls as the Gompertz level rises
            mid = (low * high) ** 0.5
            low, high = (mid, high) if e0(table(mid)) > target else (low, mid)
        return table((low * high) ** 0.5)

    q_female = scaled_to(female_e0)
    q_both = (q_female + scaled_to(male_e0)) / 2
    q_both[0], q_both[1:5], q_both[100] = IMR, child_q, 1.0
    return pd.DataFrame({
        "age": np.arange(101),
        "q_female": q_female.round(8),
        "q_both": q_both.round(8),
    })


def net_migration(women: pd.DataFrame) -> pd.DataFrame:
    shape = np.zeros(MAX_AGE + 1)
    for start, stop, value in MIGRATION_AGE_SHAPE:
        shape[start:stop] = value
    weights = women.women.to_numpy()
    shape /= (shape * weights).sum() / weights.sum()  # women-weighted mean of the shape = 1
    rows = [(area, age, round(rate * shape[age], 8))
            for area, rate in AREA_MIGRATION.items() for age in range(MAX_AGE + 1)]
    return pd.DataFrame(rows, columns=["area", "age", "rate"])


def housing_destination() -> pd.DataFrame:
    rows = []
    for origin in AREAS:
        for target in AREAS:
            if target in DISTRICTS:
                if origin in DISTRICTS:
                    others = [d for d in DISTRICTS if d != origin]
                    other_total = sum(DISTRICT_MARKET_SHARE[d] for d in others)
                    share = OWN_DISTRICT if target == origin else (
                        (1 - OWN_DISTRICT) * DISTRICT_MARKET_SHARE[target] / other_total)
                else:
                    share = COUNTY_TO_DISTRICTS * DISTRICT_MARKET_SHARE[target]
            else:
                share = (1 - COUNTY_TO_DISTRICTS) if (target == origin) else 0.0
            rows.append((origin, target, round(share, 8)))
    return pd.DataFrame(rows, columns=["from_area", "to_area", "share"])


def family_planning_recipients(life: pd.DataFrame) -> pd.DataFrame:
    """Recipients by age: entrants at the entry age, growing 3%/yr, thinned by the life table
    (q_both) since entry, scaled to the scheme's total (a stable-growth age structure)."""
    q = life.set_index("age").q_both
    rows = []
    for scheme, (entry, total) in AWARD_STOCK.items():
        ages = np.arange(entry, 101)
        survival = np.concatenate([[1.0], np.cumprod(1 - q.loc[entry:99].to_numpy())])
        weight = survival * (1 + AWARD_ENTRANT_GROWTH) ** -(ages - entry)
        recipients = np.round(total * weight / weight.sum(), 1)
        rows += [(scheme, int(a), float(r)) for a, r in zip(ages, recipients, strict=True) if r > 0]
    return pd.DataFrame(rows, columns=["scheme", "age", "recipients"])


def base_year_births() -> pd.DataFrame:
    total_sample = sum(HUBEI_ORDER_COUNTS.values())
    shares = {1: HUBEI_ORDER_COUNTS[1] / total_sample, 2: HUBEI_ORDER_COUNTS[2] / total_sample}
    shares[3] = 1 - shares[1] - shares[2]
    return pd.DataFrame({"year": 2022, "birth_order": [1, 2, 3],
                         "births": [round(BIRTHS_2022 * shares[k], 2) for k in (1, 2, 3)]})


OUT = DATA  # where the tables are written (--out for a check against the committed ones)


def write(frame: pd.DataFrame, name: str) -> None:
    frame.to_csv(OUT / name, index=False, lineterminator="\n")


# Sources of the tables (one row each) and of every default parameter (defaults.toml).
TABLE_SOURCES = [
    ("table:women_by_age.csv", "", "women", f"{CENSUS} table 1-5 (Hubei female age structure); {DEMOG} §1-2",
     "derived", "Hubei 2020 female age structure, 5-year groups split to single years by PCHIP on cumulative counts, aged one year to 2022-01-01, scaled to Jingmen residents 2,547,700 × female share 49.30%. Jingmen's own age table was not found; Jingmen is likely older than Hubei (birth calibration absorbs the level)."),
    ("table:parity_by_age.csv", "", "share", f"{CENSUS} table 6-2; {DEMOG} §4d and gap 6",
     "derived", "P(≥k children | age) = plateau_k × cumulative share of China-2020 order-k births by mother's age; plateau_1 = 1 − 5.16% childless at 49 (read), plateau_2 = 0.62 (est.), plateau_3 = 0.08 (assumed). Childless at 35 comes out 10.6% vs 10.9% read."),
    ("table:fertility_by_age_order.csv", "", "births per woman-year", f"{CENSUS} tables 6-2 and 1-5; {DEMOG} §4b",
     "derived", "China 2020 sample births by mother's single age and order ÷ (women × 9.9% sample fraction), scaled to TFR 1.30; order 3+ split into 3rd and 4th+ by China's 6-1 counts. Used for the age shape only: levels are aligned to Jingmen's base-year births at run time."),
    ("table:base_year_births.csv", str(BIRTHS_2022), "births", f"《荆门统计年鉴2024》 via psic.org.cn ({DEMOG} §3); order shares {CENSUS} table 6-1 (Hubei)",
     "derived", "Jingmen 2022 births 11,679 (read) × Hubei 2020 census shares by order 49.08 / 45.18 / 5.74% (Jingmen's own split was not found)."),
    ("table:life_table.csv", "", "probability", f"{DEMOG} §5",
     "derived", "q0 = IMR 4.5‰ (read); q1-4 from Hubei U5MR 6.49‰ (read); female adult ages Gompertz–Makeham (slope 0.095, Makeham 0.0001 assumed) scaled to female e0 ≈ 80.7 (China 2020 e0 77.93 + half the 5.51-year sex gap). q_both: children (ages 0-4) from IMR and U5MR; adults the mean of the female table and a male table scaled the same way to male e0 ≈ 75.2 (77.93 − half the gap), used for family-planning award recipients."),
    ("table:net_migration.csv", "", "per year", f"{DEMOG} §2 (2020 census → 2022 residents, −0.7%/yr; 掇刀 gains, counties lose)",
     "assumption", "Area rates for women 0-49: 掇刀 +0.8%, 东宝/漳河 0, 京山/屈家岭/钟祥 −1.0%, 沙洋 −1.2% per year, times an age shape peaking at 18-29 (2.5×). Direction read, levels assumed; range ±0.5 points."),
    ("table:census_units.csv", "", "share of residents", f"{DEMOG} gap 2",
     "assumption", "Shares of city residents by census unit: 钟祥 33%, 京山 incl. 屈家岭 22%, 沙洋 17%, 东宝 incl. 漳河 15%, 掇刀 incl. 高新区 13% (from the 2000-census split moved toward the districts; ±4 points)."),
    ("table:births_history.csv", "", "births", f"{DEMOG} §3",
     "derived", "2022 read; other years are 2022 births × the national birth index (estimated), used only for children born before the base year."),
    ("table:published_births.csv", "", "births", f"《荆门统计年鉴2024》 via psic.org.cn ({DEMOG} §3); 湖北省2024年国民经济和社会发展统计公报 via 观察者网 m.observersnews.com/ChengShi/2025_03_24_769582.shtml (docs/research/unpriced-clauses.md §8)",
     "derived", "2022 read (11,679); 2023 and 2024 are Jingmen's 2022 count × Hubei's births (32.0万 in 2023, 31.4万 in 2024, against ≈35.53万 in 2022 = 6.08‰ × 5,844万): Jingmen's own counts after 2022 were not found. Used only to check the simulated births (the back-test in the run's diagnostics), never to price."),
    ("table:family_planning_recipients.csv", "", "persons", "荆门市优化生育政策实施方案 clauses 2 and 19 (schemes continue); no Jingmen roster found",
     "assumption", "Base-year recipients city-wide: rural reward (奖励扶助, 60+) 30,000 ≈ 1.0M rural residents × 25% aged 60+ × 12% qualifying; special assistance (特别扶助, 49+) 1,500 disabled and 1,500 bereaved ≈ China's ≈1M bereaved families × Jingmen's 0.18% of the population × 2 parents. Ages: entrants growing 3%/yr thinned by the life table. Range ±50%; replace with the 卫健委 roster via [data] family_planning_recipients."),
    ("table:housing_destination.csv", "", "share", f"{PRICES} §6",
     "assumption", "District families buy 80% in their own district, the rest in the other two by market share (东宝 40 / 掇刀 45 / 漳河 15%, assumed); county families buy 10% in the districts, 90% in their own county. No sales data after 2017 were found."),
]


# The range of the assumed tables (derived tables carry the ranges of their inputs).
TABLE_RANGES = {
    "table:net_migration.csv": "each area's rate ±0.5 points a year",
    "table:census_units.csv": "each share ±4 points",
    "table:family_planning_recipients.csv": "0.5 – 1.5 × (lines.family_planning_awards.recipients_scale)",
    "table:housing_destination.csv": "own district 0.6 – 0.9; county families in the districts 0.05 – 0.2",
}
SETTING = "a setting, not an estimate"


def parameter_sources() -> list[tuple[str, str, str, str, str, str]]:
    """(parameter, unit, source, status, note, range) for every numeric default."""
    p, pr = DEMOG, PRICES
    plan = "荆门市优化生育政策实施方案 (docs/sources/plan_jingmen_2023.txt)"
    return [
        ("scenario.start_year", "year", "first budget year of the medium-term plan", "assumption", "2025 budget onward", SETTING),
        ("scenario.end_year", "year", f"{plan} 总体要求 (到2035年)", "read", "horizon of the plan", ""),
        ("scenario.replicates", "count", "Monte Carlo replicates", "assumption", "1,000 gives stable 5-95% ranges", SETTING),
        ("scenario.seed", "", "random seed", "assumption", "any fixed integer", SETTING),
        ("scenario.policy_start", "year-month", f"{plan} (cites the 20th Party Congress, so issued 2023 or later)", "assumption", "effective date not in the text; assumed 2023-01", "2023-01 – 2024-01"),
        ("areas.zhanghe_share_of_dongbao_unit", "share", f"{p} §1 (漳河新区 counted under 东宝区 420802)", "assumption", "no population figure found for 漳河新区", "0.10 – 0.30"),
        ("areas.qujialing_share_of_jingshan_unit", "share", f"{p} §1 (屈家岭管理区 counted under 京山)", "assumption", "no population figure found for 屈家岭管理区", "0.08 – 0.16"),
        ("demography.base_year", "year", f"{p} §3", "read", "latest year with a published Jingmen birth count", ""),
        ("demography.resident_population", "persons", "《荆门统计年鉴2024》 via psic.org.cn", "read", "2022 year-end residents", ""),
        ("demography.population_growth", "per year", f"{p} §2", "derived", "2,596,927 (2020-11) → 2,547,700 (2022-12) ≈ −0.9%/yr, held", "-0.015 – 0.0"),
        ("demography.fertility_trend", "per year", f"{p} §3", "assumption", "period birth hazards held at the 2022 level; national births 2022-24 were flat (956, 902, 954万)", "-0.04 – 0.02"),
        ("demography.higher_order_share_of_third_plus", "share", f"{CENSUS} table 6-1 (Hubei)", "derived", "(258 + 49) ÷ (2,494 + 258 + 49) fourth-and-later among third-and-later births", ""),
        ("demography.third_plus_share_scale", "ratio", f"{CENSUS} table 6-1 (China: third and later 11.13% of births, {p} §4a); NHC 《2022年我国卫生健康事业发展统计公报》 (third and later 15.0% of 956万 births; 中新社 copy help.pxj123.cn/article/4103.html); docs/research/unpriced-clauses.md §8", "derived", "15.0 ÷ 11.13 = 1.35: Hubei's census share of third and later births (5.74%) moved as the national share did from the 2020 census to 2022, to 7.7%; no Hubei or Jingmen figure by order after 2020 was found, and 2023-2024 hold the 2022 mix. The national figures use different bases (census sample, health registration), so 1.35 is on the high side", "1.0 (census mix frozen) – 1.57 (9%)"),
        ("demography.sex_ratio_at_birth", "boys per girl", f"{CENSUS} table 6-1 (Hubei SRB 115.28)", "read", "", ""),
        ("eligibility.city_hukou_share", "share of births", f"{p} §2 (hukou 2.84M > residents 2.55M)", "assumption", "few residents lack city hukou and either parent's hukou qualifies", "0.88 – 0.97"),
        ("eligibility.in_city_hospital_share", "share of births", f"{p} §5 (Hubei hospital delivery 99.94%)", "assumption", "some mothers deliver in Wuhan or elsewhere", "0.90 – 0.98"),
        ("cost_sharing.city_share", "share", f"{plan} clauses 9, 13, 14, 18", "read", "三区由市、区财政各承担50%; 各县市区落实 elsewhere (county pays all)", ""),
        ("lines.nipt.take_up", "share", f"{pr} §1 (Zhao et al. 2023: 83% of high-risk women opt in)", "assumption", "uptake of a free test among eligible women", "0.60 – 0.90"),
        ("lines.nipt.price", "yuan per test", f"{pr} §1 (Suzhou procurement ≤620; market 1,000-3,000)", "assumption", "price the city pays per test", "600 – 1500"),
        ("lines.nipt.mother_city_hukou_share", "share of births", f"{pr} §1", "assumption", "the pregnant woman herself must hold city hukou (clause 9)", "0.85 – 0.95"),
        ("lines.nipt.registered_in_city_hospital_share", "share of births", f"{pr} §1", "assumption", "建档 in a city hospital", "0.85 – 0.95"),
        ("lines.nipt.pregnancies_per_birth", "ratio", f"{pr} §1", "assumption", "+10% for pregnancies tested that do not end in a birth", "1.05 – 1.15"),
        ("lines.nipt.months_before_birth", "months", "NIPT at 12-22 weeks of gestation (policy_prices.md §1, Wuhan rule)", "derived", "test ≈ 17 weeks, birth ≈ 39 weeks → about 5 months earlier", "4 – 6"),
        ("lines.art_subsidy.take_up", "share", f"{pr} §2", "assumption", "eligible households that claim", "0.7 – 1.0"),
        ("lines.art_subsidy.cap_per_household", "yuan", f"{plan} clause 9 (每户累计不超过1万元)", "read", "", ""),
        ("lines.art_subsidy.households_base_year", "households per year", f"{pr} §2 (≈900 cycles per million, 15-20% of patients ≥35 and childless)", "derived", "≈150-250 eligible households a year city-wide; 200 at the base year, then in proportion to childless hukou women 35-49", "100 – 350"),
        ("lines.art_subsidy.min_age", "years", f"{plan} clause 9 (女方年满35周岁)", "read", "", ""),
        ("lines.art_subsidy.out_of_pocket_mean", "yuan per treatment year", f"{pr} §2 (IVF 3-4.5万 per cycle; Hubei insurance from 2024-09 covers 8 items)", "assumption", "out-of-pocket after insurance", "15000 – 35000"),
        ("lines.art_subsidy.out_of_pocket_cv", "ratio", f"{pr} §2", "assumption", "spread of household spending (lognormal)", "0.2 – 0.6"),
        ("lines.art_subsidy.continuation", "share", f"{pr} §2 (CLBR per cycle 26-50%)", "assumption", "households still treated in the 2nd and 3rd year", "0.2 – 0.5"),
        ("lines.childcare_slot_subsidy.take_up", "share", f"{plan} clause 11", "assumption", "inclusive institutions that claim the subsidy", "0.8 – 1.0"),
        ("lines.childcare_slot_subsidy.amount_per_slot", "yuan per slot-year", f"{plan} clause 11 (每个托位每年600元)", "read", "", ""),
        ("lines.childcare_slot_subsidy.slots_per_1000", "slots per 1,000 residents", f"{plan} clause 7 (4.5 by end-2025); {p} gap 9 (2.5 in 2022 est.)", "assumption", "2022 2.5 (est.), 2025 4.5 (plan target, read), 2030 5.0 (est.), held after", "4.5 – 5.5 from 2030"),
        ("lines.childcare_slot_subsidy.inclusive_share", "share of slots", f"{pr} §7 (national 普惠 share ≈50%)", "assumption", "a little above the national 50% since the plan pushes 普惠 providers in every township and community", "0.5 – 0.7"),
        ("lines.childcare_slot_subsidy.enrolment_rate", "share of under-3s", f"{pr} §7 (national enrolment ≈6% 2021, ≈12% 2025)", "assumption", "Jingmen follows the national path; 15% by 2035 assumed", "0.08 – 0.20"),
        ("lines.third_child_allowance.take_up", "share", f"{plan} clause 13", "assumption", "an automatic-looking benefit; most eligible families claim", "0.85 – 1.0"),
        ("lines.third_child_allowance.monthly_amount", "yuan per month", f"{plan} clause 13 (每月发放500元)", "read", "", ""),
        ("lines.third_child_allowance.months", "months", f"{plan} clause 13 (直至孩子满3周岁)", "read", "", ""),
        ("lines.housing_subsidy.take_up", "share", f"{plan} clause 14", "assumption", "qualifying buyers who apply", "0.7 – 1.0"),
        ("lines.housing_subsidy.amount_second_child", "yuan", f"{plan} clause 14 (二孩家庭2万元)", "read", "", ""),
        ("lines.housing_subsidy.amount_third_child", "yuan", f"{plan} clause 14 (三孩家庭4万元)", "read", "", ""),
        ("lines.housing_subsidy.purchase_probability", "share of 2nd/3rd births", f"{pr} §6 (alternative driver)", "assumption", "a first or improved home bought within 5 years of the birth", "0.10 – 0.40"),
        ("lines.housing_subsidy.purchase_profile", "share of purchases", f"{pr} §6", "assumption", "purchases 0-4 years after the birth: 30/25/20/15/10%", "spread over 3 to 7 years"),
        ("lines.maternity_insurance_subsidy.take_up", "share", f"{plan} clause 18", "assumption", "enterprises that apply", "0.5 – 1.0"),
        ("lines.maternity_insurance_subsidy.subsidy_rate", "share", f"{plan} clause 18 (给予50%的补贴)", "read", "", ""),
        ("lines.maternity_insurance_subsidy.enterprise_insured_share", "share of births", f"{pr} §3", "assumption", "mothers employed by enterprises with employee insurance", "0.20 – 0.45"),
        ("lines.maternity_insurance_subsidy.employer_rate", "share of base", f"{pr} §3 (16 + 8.5 + 0.7 + 0.5%)", "derived", "employer pension, medical incl. maternity, unemployment, work injury", "0.24 – 0.36"),
        ("lines.maternity_insurance_subsidy.contribution_base", "yuan per month", f"{pr} §3", "assumption", "4,500 in 2025 (many firms pay near the 60% floor), +4%/yr", "3800 – 6000"),
        ("lines.maternity_insurance_subsidy.leave_days", "days", f"{pr} §3 (湖北 98 + 60)", "read", "", ""),
        *_other_line_sources(plan, pr),
        *_unit_measure_sources(plan),
        ("behaviour.fertility_response", "share per 10,000 yuan",
         "Milligan, 'Quebec's Baby Bonus: Can Public Policy Raise Fertility?', C.D. Howe Institute 2002 "
         "(up to C$8,000 per birth raised births 14.5%; C$15,472 per additional child); Cohen, Dehejia & "
         "Romanov, 'Financial Incentives and Fertility', REStat 2013 (marginal child subsidy +0.99 pp on the "
         "yearly probability of pregnancy); Toledano et al., Israel NII WP 101, 2009 (high-order allowances "
         "+6-7% for married Arab women)", "assumption",
         "read: the three estimates quoted; assumed: their conversion to Jingmen. Central 0.02 (+2% per 10,000 "
         "yuan: the ≈20,000-yuan third-child package raises third births ≈4%, in the range of the Israeli "
         "estimates); high 0.06 (Quebec's +14.5% for a bonus assumed worth about 25,000 yuan to a Jingmen family); "
         "low 0 (no clear post-2021 response in Chinese data: 桐乡 third births 2.5% of births in 2023, "
         "demography.md §8)", "0 – 0.06"),
        ("behaviour.response_phase_in_years", "years", "Milligan 2002 (the response built up over the first years)",
         "assumption", "decisions take a pregnancy and some planning: full response after 3 years", "1 – 5"),
        ("indexation.cpi", "per year", "PBoC inflation objective ≈2% (China CPI was 0.2% in 2023-24)", "assumption",
         "used only when a scenario indexes a line's amounts", "0.0 – 0.03"),
        ("indexation.from_year", "year", "amounts as written in the plan", "assumption",
         "indexed from the first budget year on", SETTING),
        *_timing_sources(),
    ]


def _other_line_sources(plan: str, pr: str) -> list[tuple[str, str, str, str, str, str]]:
    """The lines beyond the six core ones (off by default): national subsidy, centres, tax, waivers, awards, HPF."""
    nat = "lines.national_childcare_subsidy"
    cen = "lines.demonstration_centres"
    iit = "lines.iit_deduction_revenue"
    fee = "lines.fee_waivers"
    awd = "lines.family_planning_awards"
    hpf = "lines.housing_fund_limit"
    scheme_doc = "国家卫健委/财政部 奖励扶助 (2004-) and 特别扶助 (2007-) standards as recalled; no stored source"
    return [
        (f"{nat}.take_up", "share of children", f"{pr} §4 (>33 million children covered by 2026-03)", "assumption", "a universal benefit claimed for nearly every child", "0.85 – 1.0"),
        (f"{nat}.annual_amount", "yuan per child-year", f"{pr} §4 (中办国办《育儿补贴制度实施方案》2025-07)", "read", "", ""),
        (f"{nat}.months", "months", f"{pr} §4 (3周岁以下)", "read", "", ""),
        (f"{nat}.local_share", "share", f"{pr} §4 (central ≈90% nationally; Hubei's tier not found) and gap 4", "assumption", "10% local; 20% in the sensitivity range", "0.05 – 0.20"),
        (f"{nat}.province_share_of_local", "share", f"{pr} §4 gap 4", "assumption", "province half, city and districts/counties the other half (the plan's pattern)", "0.3 – 0.7"),
        (f"{cen}.take_up", "share", f"{plan} clause 11", "assumption", "scheduled subsidies are paid in full", "0.8 – 1.0"),
        (f"{nat}.start", "year-month", f"{pr} §4 (from 2025-01-01)", "read", "", ""),
        (f"{cen}.schedule_scale", "ratio", f"{plan} clause 11 (no amounts published)", "assumption", "1 = the schedule as written", "0.5 – 2"),
        (f"{awd}.recipients_scale", "ratio", "table:family_planning_recipients.csv", "assumption", "1 = the table as written", "0.5 – 1.5"),
        (f"{cen}.centres", "schedule", f"{plan} clause 7 (市、县分别建立公办的示范性托育服务中心, by end-2025); {pr} §7 (1万 per new inclusive slot, recalled)", "assumption",
         "one city centre (东宝区, paid by the city) and one per county (京山, 钟祥, 沙洋), opening 2025; construction 1万 per slot × 150 / 100 slots, operating 2,000 per slot-year; no amounts published", "construction 0.5 – 2 × ; operating 0.5 – 2 ×"),
        (f"{cen}.pilots_per_year", "institutions per year", f"{plan} clause 11 (省、市评选的示范试点机构)", "assumption", "three selected a year city-wide", "1 – 6"),
        (f"{cen}.pilot_construction_subsidy", "yuan per pilot", f"{plan} clause 11", "assumption", "one-off award per selected institution", "50000 – 200000"),
        (f"{cen}.pilot_operating_subsidy", "yuan per pilot-year", f"{plan} clause 11", "assumption", "operating support while a pilot", "20000 – 100000"),
        (f"{cen}.pilot_years", "years", f"{plan} clause 11", "assumption", "a pilot term of three years", "2 – 5"),
        (f"{iit}.take_up", "share", f"{pr} §5", "assumption", "taxpaying parents who declare the deduction", "0.8 – 1.0"),
        (f"{iit}.deduction_per_month", "yuan per child-month", f"{pr} §5 (国发〔2022〕8号 1,000; 国发〔2023〕13号 2,000 from 2023-01)", "read", "", ""),
        (f"{iit}.taxable_parent_share", "share of children under 3", f"{pr} §5", "assumption", "parents above the 5,000-a-month threshold in a prefecture city", "0.08 – 0.25"),
        (f"{iit}.marginal_rate", "rate", f"{pr} §5 (3% → 720, 10% → 2,400 yuan a child-year)", "assumption", "most taxpayers at 3%, some at 10%", "0.03 – 0.10"),
        (f"{iit}.local_share", "share", f"{pr} §5 (所得税收入分享改革, 国发〔2001〕37号: central 60 / local 40, recalled)", "assumption", "recalled, not seen in a stored source: verify", "0.40 (a national rule; 0.35 – 0.45 if it differs)"),
        (f"{iit}.province_share_of_local", "share", f"{pr} §5 gap", "assumption", "province 25% of the local 40% (10% of the total)", "0.15 – 0.50"),
        (f"{iit}.settlement_share", "share", f"{pr} §5", "assumption", "deductions declared only at the annual settlement (汇算清缴)", "0.1 – 0.6"),
        (f"{iit}.settlement_month", "month", "汇算清缴 runs March–June", "derived", "midpoint of the settlement season", "3 – 6"),
        (f"{fee}.take_up", "share", f"{plan} clause 13", "assumption", "eligible families that apply", "0.6 – 1.0"),
        (f"{fee}.hardship_share", "share of children in care", "低保/特困/低收入 families", "assumption", "no Jingmen count found", "0.02 – 0.08"),
        (f"{fee}.waived_share", "share of the fee", f"{plan} clause 13 (减免)", "assumption", "a partial waiver (减免, not 免除)", "0.3 – 1.0"),
        (f"{fee}.nursery_fee", "yuan per year", f"{pr} §7 (Hubei 普惠托育 fee est. 1,200 a month)", "assumption", "1,200 × 12", "9600 – 19200"),
        (f"{fee}.kindergarten_fee", "yuan per year", "public kindergarten 保教费 in a Hubei prefecture city", "assumption", "≈400 a month × 10 months; no Jingmen price list found", "2500 – 6000"),
        (f"{fee}.kindergarten_enrolment_rate", "share of children 3-5", "national 学前三年毛入园率 ≈ 90% (2023, recalled)", "assumption", "Hubei at the national level", "0.85 – 0.95"),
        (f"{fee}.kindergarten_fee_years", "years", "国务院 2025-08: 免除公办幼儿园学前一年保育教育费 from the autumn 2025 term (recalled)", "assumption", "recalled policy, verify: 3 fee years before; 2025: 3 − 4/12 of the free final year; 2 from 2026", "2 – 3 from 2026"),
        (f"{awd}.take_up", "share", f"{plan} clauses 2 and 19", "assumption", "rosters are checked and paid in full", "0.95 – 1.0"),
        (f"{awd}.local_share", "share", scheme_doc, "assumption", "central 50% for central provinces (recalled, unverified)", "0.4 – 0.6"),
        (f"{awd}.province_share_of_local", "share", scheme_doc, "assumption", "province half of the local part", "0.3 – 0.7"),
        (f"{awd}.schemes.rural_reward.entry_age", "years", scheme_doc, "assumption", "parents aged 60 and over (recalled: verify)", "a scheme rule: 60 (verify)"),
        (f"{awd}.schemes.rural_reward.annual_amount", "yuan per person-year", scheme_doc, "assumption", "national 80 a month since 2012 (recalled); Hubei may pay more", "960 – 1440"),
        (f"{awd}.schemes.rural_reward.entrants_per_year", "persons per year", "table:family_planning_recipients.csv", "assumption", "rural cohorts turning 60 (≈15,000 a year) × 15% qualifying", "1200 – 3500"),
        (f"{awd}.schemes.special_disabled.entry_age", "years", scheme_doc, "assumption", "the mother aged 49 and over (recalled: verify)", "a scheme rule: 49 (verify)"),
        (f"{awd}.schemes.special_disabled.annual_amount", "yuan per person-year", scheme_doc, "assumption", "350 a month (2016 urban standard, recalled)", "3240 – 7800"),
        (f"{awd}.schemes.special_disabled.entrants_per_year", "persons per year", "table:family_planning_recipients.csv", "assumption", "new 49-year-old parents of a disabled only child", "40 – 160"),
        (f"{awd}.schemes.special_bereaved.entry_age", "years", scheme_doc, "assumption", "the mother aged 49 and over (recalled: verify)", "a scheme rule: 49 (verify)"),
        (f"{awd}.schemes.special_bereaved.annual_amount", "yuan per person-year", scheme_doc, "assumption", "450 a month (2016 urban standard, recalled)", "4080 – 9600"),
        (f"{awd}.schemes.special_bereaved.entrants_per_year", "persons per year", "table:family_planning_recipients.csv", "assumption", "new 49-year-old parents who lost their only child", "40 – 160"),
        (f"{hpf}.take_up", "share", f"{plan} clause 14", "assumption", "eligible borrowers who use the raised limit", "0.8 – 1.0"),
        (f"{hpf}.purchases_per_year", "purchases per year", f"{pr} §6 (≈9,000 central-district sales a year; Jingmen HPF data not found)", "assumption", "≈18,000 city-wide sales × 30% with a fund loan × 17% families with two or more minors", "500 – 1500"),
        (f"{hpf}.at_limit_share", "share of loans", f"{pr} §6", "assumption", "borrowers who would hit the standard limit", "0.3 – 0.7"),
        (f"{hpf}.loan_limit", "yuan", f"{pr} §6 (Jingmen HPF maximum not found)", "assumption", "typical prefecture-city maximum for a two-contributor family", "400000 – 700000"),
        (f"{hpf}.limit_multiplier", "ratio", f"{plan} clause 14 (最高可达到规定限额的1.2倍)", "read", "", ""),
        (f"{hpf}.city_share", "share", f"{plan} clause 14 (责任单位: 荆门住房公积金中心)", "assumption", "a memo item of the city-level fund, shown under the city", "presentation: any payer"),
    ]


UNIT_MEASURES = ("premarital_checks", "pregnancy_and_newborn_checks", "newborn_screening_extension", "childcare_vouchers",
                 "kindergarten_public_funds", "after_school_care", "mothers_reemployment_training",
                 "special_families_topup")


def _unit_measure_sources(plan: str) -> list[tuple[str, str, str, str, str, str]]:
    """The plan's other money clauses (6, 11, 12, 17, 19), priced as cases × cost; off by default."""
    research = "docs/research/unpriced-clauses.md"
    pre, prg, ext, vou = ("lines.premarital_checks", "lines.pregnancy_and_newborn_checks",
                          "lines.newborn_screening_extension", "lines.childcare_vouchers")
    kin, aft, trn, spc = ("lines.kindergarten_public_funds", "lines.after_school_care",
                          "lines.mothers_reemployment_training", "lines.special_families_topup")
    return [
        (f"{pre}.take_up", "share of couples", f"{research} §1a (national 婚前医学检查率 74.8% in 2022, NBS 儿童发展纲要 monitoring report)", "read", "Hubei's own rate was not found; the national rate", "0.6 – 0.9"),
        (f"{pre}.yearly_count", "couples per year", f"{research} §1a", "assumption", "Jingmen marriages not found: ≈ 4.8‰ crude marriage rate × 2.55M residents, lowered for out-migration", "8000 – 14000"),
        (f"{pre}.cases_per_unit", "checks per couple", f"{plan} clause 6 (免费婚前医学检查)", "read", "one check per couple", ""),
        (f"{pre}.unit_cost", "yuan per couple", f"{research} §1a (Hubei 2006: 1,500万 for 30万 persons ≈ 50 a person; Beijing 70 a person)", "assumption", "the 2006 prices with the list expanded (HIV, syphilis, hepatitis) and prices up", "150 – 400"),
        (f"{pre}.local_share", "share", f"{research} §1a (province pays rural youth, 市/县 urban youth: 所需经费由财政解决)", "read", "no central money", ""),
        (f"{pre}.province_share_of_local", "share", f"{research} §1a", "assumption", "the province pays for rural youth, about half of couples", "0.3 – 0.7"),
        (f"{prg}.take_up", "share", f"{plan} clause 6 (持续实施 … 基本公共服务)", "assumption", "coverage is in cases_per_unit", "a setting: 1"),
        (f"{prg}.cases_per_unit", "services per birth", f"{research} §1b-1c", "derived", "one bundle per birth (its parts are in unit_cost)", ""),
        (f"{prg}.unit_cost", "yuan per birth", f"{research} §1b (240 per couple, national 2011, read; Hubei coverage 95.1% 2014) and §1c (Zhejiang 153 for the old five-item screening)", "derived", "pre-pregnancy check 240 × 1.1 pregnancies × 0.9 coverage + folic acid 20 × 0.8 × 1.1 (assumption) + 五项 screening 150 × 0.97 (assumption) ≈ 400", "300 – 560"),
        (f"{prg}.local_share", "share", f"{research} §1b (基本公共卫生服务 since 2019; Hubei tier 2, central ≈ 60%, recalled)", "assumption", "recalled tier, not seen in a stored source", "0.3 – 0.6"),
        (f"{prg}.province_share_of_local", "share", f"{research} §1c (province/city split not found)", "assumption", "province half of the local part", "0.3 – 0.7"),
        (f"{ext}.take_up", "share", f"{plan} clause 6 (不断扩大新生儿疾病筛查病种范围)", "assumption", "coverage is in cases_per_unit", "a setting: 1"),
        (f"{ext}.cases_per_unit", "newborns screened per birth", f"{research} §1c (Hubei screening rate 93.66% in 2018)", "assumption", "screening rate up since 2018", "0.93 – 0.98"),
        (f"{ext}.unit_cost", "yuan per newborn", f"{research} §1c (Zhejiang 2023: metabolic screening 93 → 268 for 4 → 29 diseases)", "derived", "268 − 93 = 175 for the extended panel (tandem mass spectrometry)", "120 – 250"),
        (f"{ext}.local_share", "share", f"{research} §1c", "assumption", "an extension Jingmen makes before the province pays for it itself", "0.5 – 1.0"),
        (f"{ext}.province_share_of_local", "share", f"{research} §1c", "assumption", "the city and the areas alone", "0 – 0.5"),
        (f"{vou}.take_up", "share of enrolled children", f"{plan} clause 11 (有条件的地方可通过发放托育补贴、托育服务消费券)", "assumption", "vouchers for every enrolled child; the clause is optional (off by default)", "0.8 – 1.0"),
        (f"{vou}.cases_per_unit", "share of children under 3", "lines.childcare_slot_subsidy.enrolment_rate (the same path)", "assumption", "children under 3 in formal care", "0.08 – 0.20"),
        (f"{vou}.unit_cost", "yuan per child-year", f"{research} §2 (Jiangxi 200 a family, 2025; Chengdu 1,000 a child, 2023; Sichuan 200 a child-month to providers)", "assumption", "no Jingmen voucher found", "200 – 2400"),
        (f"{vou}.local_share", "share", f"{research} §2", "assumption", "a local measure: no central money", "a rule: 1"),
        (f"{vou}.province_share_of_local", "share", f"{research} §2", "assumption", "the city and the districts/counties alone", "a rule: 0"),
        (f"{kin}.take_up", "share", f"{plan} clause 12 (全面落实幼儿园公用经费财政补助政策)", "assumption", "every 普惠 private kindergarten receives it", "a setting: 1"),
        (f"{kin}.cases_per_unit", "children per child aged 3-5", f"{research} §3 (Hubei 2022: gross enrolment 97.3%, 普惠 coverage 86.45%, public 43.71%)", "derived", "0.973 × (0.8645 − 0.4371) = 0.414 of children aged 3-5 in 普惠 private kindergartens", "0.35 – 0.45"),
        (f"{kin}.unit_cost", "yuan per child-year", f"{research} §3 (Fujian provincial 150, 2021; Guangzhou 1,700, 2023)", "assumption", "Hubei's standard was not found", "150 – 1700"),
        (f"{kin}.local_share", "share", f"{research} §3", "assumption", "county-level budgets; central and provincial 奖补 not counted", "0.8 – 1.0"),
        (f"{kin}.province_share_of_local", "share", f"{research} §3", "assumption", "county-level budgets", "0 – 0.3"),
        (f"{kin}.city_share", "share", f"{research} §3", "assumption", "kindergartens are funded by the district or county", "presentation: any payer"),
        (f"{aft}.take_up", "share", f"{plan} clause 12 (义务教育学校全面推行课后服务)", "assumption", "participation is in cases_per_unit", "a setting: 1"),
        (f"{aft}.yearly_count", "pupils", "table:births_history.csv", "derived", "primary and junior pupils ≈ births of the nine cohorts aged 6-14 (births history, estimates before 2022; simulated births after): ≈ 180,000 in 2025, 140,000 in 2030, 95,000 in 2035", "± 20%"),
        (f"{aft}.cases_per_unit", "share of pupils", f"{research} §3", "assumption", "pupils in after-school service", "0.7 – 0.95"),
        (f"{aft}.unit_cost", "yuan per pupil-year", f"{research} §3 (鄂州 fee 70-80 a pupil-month, parents pay; 财政补贴和收取服务收费相结合)", "assumption", "the budget's part: 15% of ≈ 800 a pupil-year; summer care (trade unions) adds little", "0 – 240"),
        (f"{aft}.local_share", "share", f"{research} §3", "assumption", "local education budgets", "a rule: 1"),
        (f"{aft}.province_share_of_local", "share", f"{research} §3", "assumption", "district and county budgets", "a rule: 0"),
        (f"{aft}.city_share", "share", f"{research} §3", "assumption", "schools are funded by the district or county", "presentation: any payer"),
        (f"{trn}.take_up", "share", f"{plan} clause 17 (为因生育中断就业的女性提供再就业培训)", "assumption", "participation is in cases_per_unit", "a setting: 1"),
        (f"{trn}.cases_per_unit", "trainees per birth", f"{research} §4", "assumption", "mothers who take subsidised training; no count found", "0.01 – 0.03"),
        (f"{trn}.unit_cost", "yuan per trainee", f"{research} §4 (九江 2023: 初级 1,200, 中级 1,500, 高级 2,000)", "read", "a 初级 course; Hubei's schedule was not found", "700 – 2000"),
        (f"{trn}.local_share", "share", f"{research} §4 (就业补助资金: central transfer plus local)", "assumption", "central share not found", "0.3 – 0.7"),
        (f"{trn}.province_share_of_local", "share", f"{research} §4", "assumption", "province part of the local money", "0.2 – 0.5"),
        (f"{spc}.take_up", "share", f"{plan} clause 19 (严格落实荆政办发〔2016〕22号)", "assumption", "every recipient on the roster", "a setting: 1"),
        (f"{spc}.yearly_count", "recipients", f"{research} §6", "assumption", "≈ 3,000 special-assistance recipients (table family_planning_recipients: 1,500 disabled + 1,500 bereaved)", "1500 – 4500"),
        (f"{spc}.cases_per_unit", "payments per recipient", f"{research} §6", "assumption", "one a year", "a setting: 1"),
        (f"{spc}.unit_cost", "yuan per recipient-year", f"{research} §6 (荆政办发〔2016〕22号 not found; common local top-ups: nursing insurance, festival visits)", "assumption", "local help on top of the national 特扶", "500 – 2000"),
        (f"{spc}.local_share", "share", f"{research} §6", "assumption", "a local top-up", "a rule: 1"),
        (f"{spc}.province_share_of_local", "share", f"{research} §6", "assumption", "city and counties", "a rule: 0"),
    ]


def _timing_sources() -> list[tuple[str, str, str, str, str, str]]:
    """No one publishes claim lags, review capacity or rejection rates: all assumptions."""
    why = {
        "nipt": "hospitals bill the month after the test; settled quarterly",
        "art_subsidy": "receipts filed 0-3 months after treatment; a few claims fail the 35+/childless checks",
        "childcare_slot_subsidy": "institutions are paid once a year on the year's enrolment (根据招收情况), in March",
        "third_child_allowance": "families apply within 0-3 months of the birth; paid quarterly with arrears",
        "housing_subsidy": "claims follow the filing of the purchase contract by 0-4 months; paid quarterly",
        "maternity_insurance_subsidy": "firms claim after the 158-day leave ends (2-6 months); paid quarterly",
        "national_childcare_subsidy": "claims in the birth year or the next (national rules); provinces pay at least quarterly",
        "demonstration_centres": "paid once the year's accounts are checked, in June of the next year",
        "fee_waivers": "institutions reimbursed the quarter after the waived fees",
        "family_planning_awards": "rosters confirmed early in the year, paid quarterly",
        "premarital_checks": "hospitals bill the health commission after the check; settled quarterly",
        "pregnancy_and_newborn_checks": "hospitals bill after the service; settled quarterly",
        "newborn_screening_extension": "screening centres bill after the test; settled quarterly",
        "childcare_vouchers": "providers redeem the vouchers; settled quarterly",
        "kindergarten_public_funds": "paid to kindergartens once a year on the year's enrolment, in March",
        "after_school_care": "paid to schools each term; settled quarterly",
        "mothers_reemployment_training": "paid to training providers after the course; settled quarterly",
        "special_families_topup": "paid on the confirmed roster, quarterly",
        "measures": "a package's cash benefit (a measure in [measures] that gives no timing of its own): families "
                    "apply within 0-3 months of the payment falling due, paid quarterly, like the allowance",
    }
    rows = []
    for line, reason in why.items():
        rows += [
            (f"disbursement.{line}.application_lag", "share by month", "no published figures", "assumption", reason,
             "half to twice the lags"),
            (f"disbursement.{line}.rejection_share", "share of claims", "no published figures", "assumption", reason,
             "0 – 0.10"),
        ]
        if line not in ("nipt", "childcare_slot_subsidy", "national_childcare_subsidy", "demonstration_centres",
                        "fee_waivers", "family_planning_awards", "measures", *UNIT_MEASURES):
            rows.append((f"disbursement.{line}.review_capacity", "claims per month per area office",
                         "no published figures", "assumption",
                         "set well above the expected claims of the largest area (no backlog); slow_review.toml "
                         "tests a shortfall", "expected claims × 0.5 – 3"))
        if line in ("childcare_slot_subsidy", "demonstration_centres", "kindergarten_public_funds"):
            rows.append((f"disbursement.{line}.annual_payment_month", "month", "no published figures",
                         "assumption", reason, "1 – 6"))
    return rows


def defaults_flat() -> dict[str, object]:
    from model.scenario import flat_defaults  # one reading of defaults.toml for the whole project

    return flat_defaults()


def write_sources(table_values: dict[str, str]) -> None:
    flat = defaults_flat()
    rows = []
    for parameter, value, unit, source, status, note in TABLE_SOURCES:
        rows.append({"parameter": parameter, "value": table_values.get(parameter, value), "unit": unit,
                     "source": source, "status": status, "note": note, "range": TABLE_RANGES.get(parameter, "")})
    for parameter, unit, source, status, note, value_range in parameter_sources():
        if parameter not in flat:
            raise SystemExit(f"sources for {parameter} but no such default in defaults.toml")
        rows.append({"parameter": parameter, "value": _format(flat[parameter]), "unit": unit,
                     "source": source, "status": status, "note": note, "range": value_range})
    with open(OUT / "sources.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _format(value: object) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):  # a schedule of tables
        return " / ".join(", ".join(f"{k}={v}" for k, v in item.items()) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(value)


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="folder for the tables (default model/data)")
    OUT = parser.parse_args().out
    OUT.mkdir(parents=True, exist_ok=True)
    women = women_by_age()
    write(women, "women_by_age.csv")
    asfr = china_asfr_by_order()
    write(asfr, "fertility_by_age_order.csv")
    write(parity_by_age(asfr), "parity_by_age.csv")
    write(base_year_births(), "base_year_births.csv")
    life = life_table()
    write(life, "life_table.csv")
    write(family_planning_recipients(life), "family_planning_recipients.csv")
    write(net_migration(women), "net_migration.csv")
    write(pd.DataFrame({"census_unit": list(CENSUS_UNIT_SHARES),
                        "resident_share": list(CENSUS_UNIT_SHARES.values())}), "census_units.csv")
    write(pd.DataFrame([(y, b, s) for y, (b, s) in BIRTHS_HISTORY.items()],
                       columns=["year", "births", "status"]), "births_history.csv")
    write(housing_destination(), "housing_destination.csv")
    write(pd.DataFrame([(y, int(b), s) for y, (b, s) in PUBLISHED_BIRTHS.items()],
                       columns=["year", "births", "status"]), "published_births.csv")
    write_sources({"table:women_by_age.csv": str(int(women.women.sum()))})


if __name__ == "__main__":
    main()
