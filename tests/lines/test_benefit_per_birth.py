"""What a birth of each order is worth to a family (the fertility response reads it), line by
line: indexed amounts raise it by the year's index, the claim share scales it, and each line
pays the birth orders it names."""

from __future__ import annotations

import numpy as np
import pytest

from model.lines import LINE_BY_ID
from model.pipeline.block import block_entitlements
from model.pipeline.prepare import prepare
from model.scenario import load_scenario
from tests.conftest import BASELINE

BIRTH_LINKED = ["nipt", "third_child_allowance", "housing_subsidy"]


def _per_birth(write, body: str, line: str) -> tuple[np.ndarray, list[int]]:
    path = write("s.toml", f'[scenario]\nname = "per birth"\nextends = "{BASELINE}"\n{body}')
    prepared = prepare(load_scenario(path, replicates=2))
    drawn = block_entitlements(prepared, 0, 2)
    section = getattr(drawn.realised.lines, line)
    per_birth = LINE_BY_ID[line].benefit_per_birth(drawn.context, section)
    return np.broadcast_to(per_birth, (2, *per_birth.shape[1:])), list(prepared.calendar.years)


@pytest.mark.parametrize("line", BIRTH_LINKED)
def test_an_indexed_amount_raises_the_benefit_by_the_index(write, line):
    plain, years = _per_birth(write, "", line)
    indexed, _ = _per_birth(write, f'[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["{line}"]\n', line)
    y = years.index(2027)
    assert plain[:, y].max() > 0
    np.testing.assert_allclose(indexed[:, y], 1.21 * plain[:, y], rtol=1e-12)
    np.testing.assert_allclose(indexed[:, years.index(2025)], plain[:, years.index(2025)], rtol=1e-12)


def test_the_top_up_per_birth_scales_with_the_claim_share(write):
    body = ("[eligibility]\nin_city_hospital_share = {share}\n[lines.third_child_allowance]\ntake_up = 1.0\n"
            "net_of_national_subsidy = true\n[lines.national_childcare_subsidy]\nenabled = true\n")
    full, years = _per_birth(write, body.format(share=1.0), "third_child_allowance")
    half, _ = _per_birth(write, body.format(share=0.5), "third_child_allowance")
    y = years.index(2026)
    assert full[0, y, 0, 2] == pytest.approx(36 * 200)
    assert half[0, y, 0, 2] == pytest.approx(36 * 100)


def test_the_allowance_is_worth_something_only_for_the_orders_it_pays(write):
    body = "[lines.third_child_allowance]\nbirth_orders = [1, 3]\ntake_up = 1.0\n[eligibility]\nin_city_hospital_share = 1.0\n"
    per_birth, years = _per_birth(write, body, "third_child_allowance")
    np.testing.assert_allclose(per_birth[0, years.index(2026), 0], [18_000, 0, 18_000])
