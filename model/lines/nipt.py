"""免费无创产前基因检测 — clause 9 of the plan.

"对为我市户籍、在市内医疗机构建档检查的孕妇，提供免费无创产前基因检测" — a free NIPT for every
pregnant woman who holds city hukou herself and is filed (建档) in a city hospital. Tests
are priced in the month they are done, `months_before_birth` before the birth; pregnancies
that do not end in a birth are tested too (`pregnancies_per_birth`). Take-up is that of
the birth month. The plan names no payer rule for this test; the default 50/50 district
rule of the other clauses applies.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    all_orders,
    birth_months,
    shift_months,
)
from model.sections import LineSection, MoneyByYear, PerBirth, Share


class NiptLine(LineSection):
    price: MoneyByYear = Field(description="yuan per test paid by the budget (at most 1e9 yuan)")
    mother_city_hukou_share: Share = Field(description="share of births whose mother holds city hukou")
    registered_in_city_hospital_share: Share = Field(description="share of pregnancies filed (建档) in city hospitals")
    pregnancies_per_birth: PerBirth = Field(description="tested pregnancies per birth (ratio)")
    months_before_birth: Annotated[int, Field(ge=0, le=9)] = Field(description="months from test to birth")

ALL = slice(None)
KEY = "lines.nipt"


def tested_share(ctx: ParameterContext, line: NiptLine, by_month: bool) -> np.ndarray:
    take_up = (ctx.monthly if by_month else ctx.yearly)(line.take_up, f"{KEY}.take_up")
    return ctx.value(line.mother_city_hukou_share) * ctx.value(line.registered_in_city_hospital_share) * take_up


def accrual(ctx: LineContext, line: NiptLine) -> Entitlement:
    births = birth_months(ctx, ALL, ALL)
    share = tested_share(ctx, line, by_month=True)
    tests = draw.binomial(ctx.streams("nipt:tests"), births, share)
    extra_pregnancies = ctx.value(line.pregnancies_per_birth) - 1.0  # tested pregnancies with no birth
    tests = tests + draw.binomial(ctx.streams("nipt:tests_without_birth"), births, share * extra_pregnancies)
    tests_in_test_month = ctx.from_policy_start(shift_months(tests, line.months_before_birth))
    yuan = tests_in_test_month * ctx.monthly(line.price, f"{KEY}.price") * ctx.index_monthly(LINE.id)
    return Entitlement(yuan=yuan, claims=tests_in_test_month.astype(float))


def benefit_per_birth(ctx: ParameterContext, line: NiptLine) -> np.ndarray:
    price = ctx.yearly(line.price, f"{KEY}.price") * ctx.index(LINE.id)
    return all_orders(price * tested_share(ctx, line, by_month=False) * ctx.value(line.pregnancies_per_birth))


LINE = Line("nipt", "免费无创产前基因检测", "Free prenatal NIPT", "9", Kind.OUTLAY, accrual,
            benefit_per_birth, birth_linked=True, section=NiptLine)
