"""个税婴幼儿照护专项附加扣除 — clause 13 ("积极落实国家将3岁以下婴幼儿照护费用纳入个人所得税专项附加扣除").

Parents deduct 2,000 yuan a month per child under 3 from taxable income (国发〔2023〕13号;
1,000 in 2022). The budgets collect less income tax: children under 3 × share whose parents
have taxable income × the deduction × their marginal rate. This is revenue forgone, not
spending (kind `revenue_forgone`): it never enters an outlay total. Income tax is shared
60/40 between the central and local governments; the province's part of the local 40% is a
parameter, the rest follows the area rule.

Counted: children of residents aged 0-2 at mid-year (parents pay tax where they work),
including those born before the base year (the births history). Timing: the deduction is
taken in monthly withholding, or at the annual settlement (汇算清缴) the next spring.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.lines.childcare_slot_subsidy import children_aged
from model.sections import FundedFromAbove, LineSection, MoneyByYear, Share, TaxRate


class IncomeTaxLine(LineSection, FundedFromAbove):
    deduction_per_month: MoneyByYear = Field(
        description="deduction per child under 3 per month in yuan, by year (at most 1e9)")
    taxable_parent_share: Share = Field(description="share of children under 3 whose parents have taxable income")
    marginal_rate: TaxRate = Field(description="mean marginal income-tax rate on the deducted amount")
    settlement_share: Share = Field(description="share of the deduction taken at the annual settlement (汇算清缴) "
                                                "in the next year rather than in monthly withholding")
    settlement_month: Annotated[int, Field(ge=1, le=12)] = Field(description="month of the next year when the "
                                                                             "settlement refunds arrive")

KEY = "lines.iit_deduction_revenue"


def accrual(ctx: LineContext, line: IncomeTaxLine) -> Entitlement:
    tax_per_child_year = (12 * ctx.yearly(line.deduction_per_month, f"{KEY}.deduction_per_month")
                          * ctx.value(line.taxable_parent_share) * ctx.yearly(line.take_up, f"{KEY}.take_up")
                          * ctx.value(line.marginal_rate))
    forgone = ctx.from_policy_start(ctx.spread_over_year(children_aged(ctx, 0, 2) * tax_per_child_year))
    return Entitlement(yuan=forgone, claims=np.zeros_like(forgone))


def cash(ctx: LineContext, line: IncomeTaxLine, yuan: np.ndarray) -> np.ndarray:
    """Revenue lost in withholding in the month, and at the settlement the next year."""
    settled_share = ctx.value(line.settlement_share)
    yearly = ctx.calendar.by_year(yuan)  # [rep, year, area]
    settlement = np.zeros_like(yuan)
    months = np.arange(1, ctx.calendar.n_years) * 12 + line.settlement_month - 1
    settlement[:, months] = yearly[:, :-1]  # the last year's settlement falls after the calendar
    return (1 - settled_share) * yuan + settled_share * settlement


LINE = Line("iit_deduction_revenue", "个税婴幼儿照护扣除（减收）", "Income-tax childcare deduction (revenue forgone)",
            "13", Kind.REVENUE_FORGONE, accrual, cash=cash, births_history_years=3, new_money=False, section=IncomeTaxLine)
