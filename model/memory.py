"""How much memory a run needs, estimated before it starts, so a too-large run is refused
with the figure instead of failing hours in (or being killed by the machine)."""

from __future__ import annotations

import os

from model.city import HIGHER_LEVELS
from model.errors import InputError
from model.inputs import AGES
from model.lines import LINES
from model.rng import BLOCK_SIZE
from model.run_calendar import Calendar

BYTES = 8  # float64 and int64
LINE_COUNT = len(LINES)  # every line priced (an upper bound when some are off)
SAFETY = 3.0  # temporaries of numpy expressions


def estimate_bytes(replicates: int, calendar: Calendar, workers: int, area_count: int, measure_count: int) -> int:
    """Kept results for every replicate plus the working set of the blocks running at once."""
    lines = LINE_COUNT + measure_count
    areas, payers, years = area_count, 1 + area_count + len(HIGHER_LEVELS) + 1, len(calendar.budget_years) + 1
    kept = replicates * (3 * years * (lines + 1) * payers  # accrual, cash, payables with totals
                         + 2 * calendar.n_years * areas * 3 * 8)  # births by order and by mother's age
    months = calendar.n_months
    block = BLOCK_SIZE * (months * areas * 4 * 2 * 2  # births and induced births by month
                          + (months + 35) * areas * 36 * 4  # allowance cohorts (35 born before the run at most)
                          + areas * AGES * 4 * 2 * 4  # women and draws
                          + lines * months * areas * 4)  # entitlements, claims, cash
    return int((kept * 2 + block * max(workers, 1) * SAFETY) * BYTES)  # ×2: results are copied once


MEMINFO = "/proc/meminfo"  # Linux


def available_bytes() -> int | None:
    """Memory a run can have: Linux's MemAvailable (free pages plus the page cache the kernel will
    give back; free pages alone fall near zero on a machine that has read many files), else the
    free pages."""
    try:
        with open(MEMINFO, encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(replicates: int, calendar: Calendar, workers: int, source: str, area_count: int,
                 measure_count: int) -> None:
    need, have = estimate_bytes(replicates, calendar, workers, area_count, measure_count), available_bytes()
    if have is not None and need > 0.8 * have:
        raise InputError(source, "scenario.replicates",
                         f"{replicates:,} replicates need about {need / 2**30:.1f} GiB; this machine has "
                         f"{have / 2**30:.1f} GiB free. Use fewer replicates (about "
                         f"{int(replicates * 0.8 * have / need):,} fit) or run them in parts")
