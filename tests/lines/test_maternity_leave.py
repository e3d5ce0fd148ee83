"""The maternity-leave subsidy's parts, by hand: the months a leave covers, one claim per mother
spread over them, and what a birth is worth to the family (mutation testing found these
unchecked; issue 18)."""

from __future__ import annotations

import numpy as np
import pytest

from model.lines import maternity_insurance_subsidy as maternity
from model.pipeline import prepare
from model.pipeline.block import block_entitlements
from model.scenario import load_scenario
from tests.default_city import AREA_INDEX
from tests.lines.test_other_clauses_and_national_subsidy import _override_case

MONTH = 365.25 / 12


@pytest.mark.parametrize(("days", "profile"), [
    (158, [1, 1, 1, 1, 1, 158 / MONTH - 5]),
    (98, [1, 1, 1, 98 / MONTH - 3]),  # the national minimum
    (20, [20 / MONTH]),
    (0, []),
])
def test_the_months_a_leave_covers(days, profile):
    assert maternity.leave_profile(days) == pytest.approx(np.array(profile, dtype=float))


LEAVE = """
[lines.maternity_insurance_subsidy]
take_up = 1.0
enterprise_insured_share = 1.0
employer_rate = 0.2
subsidy_rate = 0.5
contribution_base = 5000
leave_days = 98
"""


def _drawn(write, days: int = 98):
    path = _override_case(write, "leave", {(2025, "jingshan", 1): [6] + [0] * 11},
                          LEAVE.replace("leave_days = 98", f"leave_days = {days}"), data="immortal", all_one=False)
    return block_entitlements(prepare(load_scenario(path, replicates=2)), 0, 2)


@pytest.mark.parametrize("days", [98, 20])
def test_a_mother_files_one_claim_spread_over_her_leave(write, days):
    """6 births in 京山市 in January 2025, every mother insured by an enterprise, 98 days of leave
    (3.22 months; or 20 days, less than a month): the claims over her leave months add up to the 6
    mothers, in proportion to the leave in each month, and the yuan are 500 a month of leave
    (5,000 × 20% × ½)."""
    drawn = _drawn(write, days)
    profile = maternity.leave_profile(days)
    entitlement, jingshan, january = drawn.entitlements["maternity_insurance_subsidy"], AREA_INDEX["jingshan"], 36
    claims = entitlement.claims[:, january:january + len(profile), jingshan]
    assert claims == pytest.approx(np.broadcast_to(6 * profile / profile.sum(), claims.shape))
    assert entitlement.claims[:, :(2036 - 2022) * 12, jingshan].sum(axis=1) == pytest.approx([6, 6])  # to 2035
    assert entitlement.yuan[:, january:january + len(profile), jingshan] == pytest.approx(
        np.broadcast_to(6 * profile * 500, claims.shape))


def test_a_birth_is_worth_the_subsidy_over_the_whole_leave(write):
    drawn = _drawn(write)
    section = drawn.realised.lines.maternity_insurance_subsidy
    worth = maternity.benefit_per_birth(drawn.context, section)
    assert worth[:, 2025 - 2022, 0] == pytest.approx(np.array([[500 * 98 / MONTH] * 3]))
