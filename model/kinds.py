"""What a line's money is: spending, revenue given up, or a memo item.

Only outlays add up to a total of spending; `model.pipeline.accounts` is the one place that
applies this (its `outlay_mask` and `with_outlay_total`), so no other module tests kinds.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    OUTLAY = "outlay"  # money the budgets pay out
    REVENUE_FORGONE = "revenue_forgone"  # tax the budgets do not collect: shown apart, never in a total of spending
    MEMO = "memo"  # a figure the analyst should see that costs the budget nothing

    @property
    def adds_to_outlays(self) -> bool:
        return self is Kind.OUTLAY
