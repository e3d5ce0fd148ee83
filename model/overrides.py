"""An analyst's own birth forecast (e.g. the Health Commission's) in place of simulated births.

CSV columns `year, area, birth_order, births` and optionally `month`, `mother_age`. For every
(year, area) in the file, births of every order come from the file (an order absent there
is zero). Without `month`, births spread evenly over the 12 months, and what does not divide
by 12 goes to the months nearest mid-year, so the births' mean month stays mid-year (monthly
payments in the birth year depend on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import InputError
from model.input_tables import Column, TableSpec, read_table

UNSPECIFIED_AGE = 50  # index for births whose mother's age the file does not give
# Births in one row: at most 10 million, more than all of China's births in a year (9.02
# million in 2023) and a thousand times a prefecture-level city's; far below any count that could overflow.
MAX_BIRTHS = 10_000_000


@dataclass(frozen=True)
class BirthsOverride:
    path: Path
    counts: dict[tuple[int, int], np.ndarray]  # (year, area index) → [order 1..3, month 1..12, age 0..49 + unspecified]


# Pairs of months (0 = January) that sum to mid-year: June and July, May and August, ... An even
# remainder takes pairs from the middle out, so the mean month stays exactly mid-year; an odd one
# takes June and the pairs after June-July, so it is off by half a month over the row's births.
PAIRS = [(5, 6), (4, 7), (3, 8), (2, 9), (1, 10), (0, 11)]
JUNE = 5


def even_months(total: int) -> np.ndarray:
    """Split a whole number over 12 months as evenly as whole numbers allow, centred on mid-year."""
    months = np.full(12, total // 12, dtype=np.int64)
    remainder = total % 12
    chosen = PAIRS[: remainder // 2] if remainder % 2 == 0 else [(JUNE,), *PAIRS[1: remainder // 2 + 1]]
    for pair in chosen:
        months[list(pair)] += 1
    return months


def read_births_override(path: str | Path, first_year: int, last_year: int,
                         areas: tuple[str, ...]) -> BirthsOverride:
    path = Path(path)
    spec = TableSpec("births override", {
        "year": Column("int", first_year, last_year),
        "area": Column("str", allowed=areas),
        "birth_order": Column("int", 1, 3),
        "births": Column("int", 0, MAX_BIRTHS, why_high="more births than China has in a year"),
        "month": Column("int", 1, 12, required=False),
        "mother_age": Column("int", 15, 49, required=False),
    })
    try:
        frame = read_table(path, spec)
    except InputError as error:
        if "out of range" in error.message and "column 'year'" in (error.field or ""):
            raise InputError(path, error.field, f"{error.message} (the run simulates "
                             f"{first_year}-{last_year})") from None
        raise
    key = [c for c in ("year", "area", "birth_order", "month", "mother_age") if c in frame.columns]
    duplicated = frame.duplicated(key)
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        values = ", ".join(f"{k}={frame.iloc[row][k]}" for k in key)
        raise InputError(path, f"line {row + 2}", f"duplicate row for {values}")
    _require_complete(frame, path)
    counts: dict[tuple[int, int], np.ndarray] = {}
    for row in frame.itertuples(index=False):
        cell = counts.setdefault((int(row.year), areas.index(row.area)),
                                 np.zeros((3, 12, UNSPECIFIED_AGE + 1), dtype=np.int64))
        age = int(row.mother_age) if "mother_age" in frame.columns else UNSPECIFIED_AGE
        if "month" in frame.columns:
            cell[int(row.birth_order) - 1, int(row.month) - 1, age] += int(row.births)
        else:
            cell[int(row.birth_order) - 1, :, age] += even_months(int(row.births))
    return BirthsOverride(path=path, counts=counts)


def _require_complete(frame, path: Path) -> None:
    """Every (year, area) in the file gives all three birth orders (and, with `month`, all 12
    months of each): a missing row would otherwise silently mean zero births."""
    for (year, area), rows in frame.groupby(["year", "area"], sort=True):
        missing = sorted({1, 2, 3} - set(rows.birth_order))
        if missing:
            raise InputError(path, f"year {year}, area {area}",
                             f"no row for birth_order {missing[0]}: a (year, area) in the file replaces all "
                             "simulated births there, so give orders 1, 2 and 3 (0 where there are none)")
        if "month" in frame.columns:
            for order, by_order in rows.groupby("birth_order"):
                months = sorted(set(range(1, 13)) - set(by_order.month))
                if months and "mother_age" not in frame.columns:
                    raise InputError(path, f"year {year}, area {area}, birth_order {order}",
                                     f"no row for month {months[0]}: give all 12 months (0 where there are none)")
