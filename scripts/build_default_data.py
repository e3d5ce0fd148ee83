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


def parameter_sources() -> list[tuple[str, str, str, str, str, str]]:
    """(parameter, unit, source, status, note, range) for every numeric default of defaults.toml:
    the city's data (model/data/parameter_sources.csv), so a new line's defaults bring their
    sources as rows of that file, and this script is not edited."""
    with open(DATA / "parameter_sources.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(row["parameter"], row["unit"], row["source"], row["status"], row["note"], row["range"]) for row in rows]


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
