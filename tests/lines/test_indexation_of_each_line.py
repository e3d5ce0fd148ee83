"""Indexation, line by line: with amounts indexed at 10% a year after 2025 and the births held the
same (no fertility response, so every draw is the same), a line paid in that year's prices costs
1.1² times as much in 2027; the capped ART reimbursement rises, by at most as much."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import REPO, run_file

PROPORTIONAL = ["childcare_slot_subsidy", "demonstration_centres", "family_planning_awards", "fee_waivers",
                "housing_subsidy", "national_childcare_subsidy", "nipt", "third_child_allowance"]
SAME_BIRTHS = f"""
[scenario]
name = "indexed"
extends = "{REPO / "scenarios" / "full_plan.toml"}"
[behaviour]
fertility_response = 0.0
"""


def _accrual_2027(result, line: str) -> np.ndarray:
    return result.accrual[:, 2027 - 2025, result.line_ids.index(line)].sum(axis=-1)  # [rep]


@pytest.fixture(scope="module")
def unindexed(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "s.toml"
    path.write_text(SAME_BIRTHS, encoding="utf-8")
    return run_file(path, replicates=4, seed=11)


@pytest.mark.parametrize("line", PROPORTIONAL)
def test_an_indexed_line_costs_its_price_rise(write, unindexed, line):
    path = write("s.toml", SAME_BIRTHS + f'[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["{line}"]\n')
    indexed = run_file(path, replicates=4, seed=11)
    before = _accrual_2027(unindexed, line)
    assert before.min() > 0
    np.testing.assert_allclose(_accrual_2027(indexed, line), 1.21 * before, rtol=1e-9)
    other = "nipt" if line != "nipt" else "housing_subsidy"
    np.testing.assert_array_equal(_accrual_2027(indexed, other), _accrual_2027(unindexed, other))


def test_the_capped_art_reimbursement_rises_with_its_cap(write, unindexed):
    path = write("s.toml", SAME_BIRTHS + '[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["art_subsidy"]\n')
    indexed = run_file(path, replicates=4, seed=11)
    before, after = _accrual_2027(unindexed, "art_subsidy"), _accrual_2027(indexed, "art_subsidy")
    assert (after > before).all() and (after <= 1.21 * before * (1 + 1e-9)).all()


@pytest.mark.parametrize("line", ["demonstration_centres", "family_planning_awards", "housing_fund_limit"])
def test_lines_without_a_claims_draw_scale_with_take_up(write, unindexed, line):
    """Lines whose take-up (1 by default) scales the amount directly: half the take-up, half the cost."""
    path = write("s.toml", SAME_BIRTHS + f"[lines.{line}]\ntake_up = 0.5\n")
    half = run_file(path, replicates=4, seed=11)
    np.testing.assert_allclose(_accrual_2027(half, line), 0.5 * _accrual_2027(unindexed, line), rtol=1e-9)


def _index(write, cpi: str, replicates: int = 3) -> np.ndarray:
    from model.pipeline import prepare
    from model.pipeline.block import block_entitlements
    from model.scenario import load_scenario

    path = write("i.toml", f'[scenario]\nname = "i"\n[indexation]\nlines = ["nipt"]\nfrom_year = 2024\ncpi = {cpi}\n')
    ctx = block_entitlements(prepare(load_scenario(path, replicates=replicates)), 0, replicates).context
    return ctx.index("nipt")[:, :, 0]  # [rep or 1, year from 2022]


def test_each_year_is_indexed_by_its_own_inflation(write):
    """10% in 2025 and 20% from 2026, from 2024 prices: 1 up to 2024, 1.1 in 2025, 1.1 × 1.2 in 2026."""
    index = _index(write, '{ values = { 2022 = 0.1, 2025 = 0.1, 2026 = 0.2 }, after = "hold" }')
    assert index[0, :5] == pytest.approx([1.0, 1.0, 1.0, 1.1, 1.1 * 1.2])
    assert index[0, 6] == pytest.approx(1.1 * 1.2 ** 3)


def test_an_uncertain_inflation_indexes_each_replicate_with_its_own_draw(write):
    index = _index(write, '{ dist = "uniform", low = 0.01, high = 0.2 }')
    assert index.shape[0] == 3
    yearly = index[:, 3]  # 2025: one year of inflation
    assert len(set(np.round(yearly, 12))) == 3 and ((yearly > 1.01) & (yearly < 1.2)).all()
    assert index[:, 5] == pytest.approx(yearly ** 3)  # the same draw every year
    assert (index[:, :3] == 1).all()
