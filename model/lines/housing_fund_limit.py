"""住房公积金贷款额度上浮 — clause 14 of the plan (a memo item, not spending).

"有两个及以上未成年子女的职工家庭在我市购买首套或改善型住房时，住房公积金购房贷款额度
最高可达到规定限额的1.2倍" — families with two or more minors may borrow up to 1.2 times the
provident fund's standard loan limit. It costs the budgets nothing (the fund lends its own
money), so it is reported as a memo item (kind `memo`): the extra loan volume it makes
available = purchases by such families with a fund loan × share whose loan the standard
limit would cap × (multiplier − 1) × the standard limit. Cash equals accrual (no claims).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from model import bounded_numbers as num
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.sections import LineSection, MoneyByYear, Multiplier, Share


class HousingFundLine(LineSection):
    purchases_per_year: num.CountByYear = Field(
        description="home purchases a year with a provident-fund loan by families with two or more "
                    "minors (at most 2e9)")
    at_limit_share: Share = Field(description="share of those loans that the standard limit would cap")
    loan_limit: MoneyByYear = Field(description="standard provident-fund loan limit in yuan, by year (at most 1e9)")
    limit_multiplier: Multiplier = Field(description="limit for families with two or more minors (× standard)")

KEY = "lines.housing_fund_limit"


def accrual(ctx: LineContext, line: HousingFundLine) -> Entitlement:
    purchases = (ctx.yearly(line.purchases_per_year, f"{KEY}.purchases_per_year")
                 * ctx.yearly(line.take_up, f"{KEY}.take_up") * ctx.value(line.at_limit_share))
    extra_per_loan = (ctx.value(line.limit_multiplier) - 1) * ctx.yearly(line.loan_limit, f"{KEY}.loan_limit")
    yearly = purchases * extra_per_loan * ctx.area_share[:, None, :]
    yearly = np.broadcast_to(yearly, (ctx.replicates, ctx.calendar.n_years, ctx.area_share.shape[-1]))
    volume = ctx.from_policy_start(ctx.spread_over_year(yearly))
    return Entitlement(yuan=volume, claims=np.zeros_like(volume))


def cash(ctx: LineContext, line: HousingFundLine, yuan: np.ndarray) -> np.ndarray:
    return yuan


LINE = Line("housing_fund_limit", "公积金贷款额度上浮（备忘）", "Provident-fund loan limit ×1.2 (memo)", "14", Kind.MEMO,
            accrual, cash=cash, section=HousingFundLine)
