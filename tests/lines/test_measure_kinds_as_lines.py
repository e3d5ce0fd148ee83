"""A package's measure of each generic kind becomes a line under its own id and names (issue 13):
its names, clause, kind, new-money mark, whether it follows births and what it is worth per birth,
its table, and for the home-purchase and capped-reimbursement kinds their claims and index; a
per-person scheme written as measures prices the family-planning awards as the model's line does."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import InputError
from model.kinds import Kind
from model.lines import MEASURE_KINDS, lines_of
from model.lines.capped_reimbursement import CappedReimbursementMeasure
from model.lines.cash_benefit import CashBenefitMeasure
from model.lines.housing_subsidy import HomePurchaseMeasure
from model.lines.per_person_scheme import PerPersonSchemeMeasure
from model.lines.unit_measures import UnitCostMeasure
from model.pipeline.block import block_entitlements
from model.pipeline.prepare import prepare
from model.scenario import load_scenario
from tests.conftest import BASELINE

COMMON = 'enabled = true\ntake_up = 1.0\nname_zh = "{zh}"\nname_en = "{en}"\nclause = "第{n}条"\nsource = "test"\n'
PACKAGE = {
    "grant": ("cash_benefit", 'births_from = "2025-01-01"\n'
                              'schedule = [{ orders = [2, 3], every = "once", amount = 1000 }]\n'),
    "visits": ("unit_cost", 'basis = "births"\ncases_per_unit = 1.0\nunit_cost = 100\n'),
    "homes": ("home_purchase", 'births_from = "2025-07-01"\namount_second_child = 20000\namount_third_child = 40000\n'
                               "purchase_probability = 1.0\npurchase_profile = [1.0]\n"),
    "care": ("capped_reimbursement", 'basis = "yearly_count"\nyearly_count = 120\ncases_per_unit = 1.0\n'
                                     "out_of_pocket_mean = 6000\nout_of_pocket_cv = 0.0\ncap_per_household = 10000\n"
                                     "continuation = [0.5]\n"),
    "roll": ("per_person_scheme", 'base_recipients = "none"\nentry_age = 60\nannual_amount = 600\n'
                                  "entrants_per_year = 50\n"),
}
SECTIONS = {"grant": CashBenefitMeasure, "visits": UnitCostMeasure, "homes": HomePurchaseMeasure,
            "care": CappedReimbursementMeasure, "roll": PerPersonSchemeMeasure}


def _package(extra: str = "", new_money: str = "") -> str:
    return "".join(f'[measures.{m}]\nkind = "{kind}"\n' + COMMON.format(zh=f"{m}中", en=f"{m} en", n=i) + terms + new_money
                   for i, (m, (kind, terms)) in enumerate(PACKAGE.items())) + extra


def _drawn(write, body: str, replicates: int = 2):
    path = write("s.toml", f'[scenario]\nname = "kinds"\nextends = "{BASELINE}"\n[behaviour]\nfertility_response = 0.0\n'
                           + body)
    prepared = prepare(load_scenario(path, replicates=replicates))
    return prepared, block_entitlements(prepared, 0, replicates)


@pytest.mark.parametrize(("new_money", "expected"), [("", True), ("new_money = false\n", False)])
def test_each_measure_is_a_line_of_its_kind_under_its_own_names(write, new_money, expected) -> None:
    loaded = load_scenario(write("s.toml", f'[scenario]\nname = "kinds"\n{_package(new_money=new_money)}'))
    lines = lines_of(loaded.scenario.measures)
    for i, measure in enumerate(PACKAGE):
        line = lines[measure]
        assert (line.id, line.name_zh, line.name_en, line.clause, line.kind) == (
            measure, f"{measure}中", f"{measure} en", f"第{i}条", Kind.OUTLAY)
        assert line.section is SECTIONS[measure] is MEASURE_KINDS[PACKAGE[measure][0]]
        assert line.new_money is expected, measure
    assert [m for m in PACKAGE if lines[m].birth_linked] == ["grant", "homes"]
    assert [m for m in PACKAGE if lines[m].benefit_per_birth is not None] == ["grant", "homes"]
    assert {m: lines[m].births_history_years for m in PACKAGE} == {"grant": 0, "visits": 6, "homes": 0, "care": 6,
                                                                    "roll": 0}


def test_a_home_measure_is_worth_its_amounts_over_the_part_of_the_year_its_window_covers(write) -> None:
    """Births from 1 July 2025: a second birth of 2025 in an area is worth half of 20,000 (six of the
    year's twelve months qualify) times its families' share buying in a district (the home areas),
    a third birth of 2026 all of 40,000, indexed by 10% in 2026; nothing before the window, nothing
    for a first birth."""
    prepared, drawn = _drawn(write, _package('[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["homes"]\n'))
    line = lines_of(drawn.realised.measures)["homes"]
    per_birth = np.broadcast_to(line.benefit_per_birth(drawn.context, drawn.realised.measures["homes"]),
                                (2, len(prepared.calendar.years), len(prepared.scenario.city.areas), 3))
    years, shape = list(prepared.calendar.years), (2, len(prepared.scenario.city.areas))
    destination_to_districts = prepared.base.housing_destination[:, [prepared.scenario.city.areas.index(a)
                                                                      for a in prepared.scenario.city.districts]].sum(axis=1)
    np.testing.assert_allclose(per_birth[:, years.index(2025), :, 1], np.broadcast_to(0.5 * 20_000 * destination_to_districts, shape),
                               rtol=1e-12)
    np.testing.assert_allclose(per_birth[:, years.index(2026), :, 2], np.broadcast_to(1.1 * 40_000 * destination_to_districts, shape),
                               rtol=1e-12)
    assert not per_birth[:, years.index(2024)].any() and not per_birth[..., 0].any()


def test_a_capped_reimbursement_files_a_claim_per_household_paid_each_year_and_is_indexed(write) -> None:
    """120 households a year (10 a month city-wide), each reimbursed 6,000 in its first year and, for
    the half still treated, 4,000 in its second (the cap of 10,000): 180 claims and 880,000 yuan a
    year once both years run; indexed at 10% a year after 2025, ×1.21 in 2027."""
    _, plain = _drawn(write, _package())
    _, indexed = _drawn(write, _package('[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["care"]\n'))
    base = 2022
    for drawn, factor in ((plain, 1.0), (indexed, 1.21)):
        entitlement = drawn.entitlements["care"]
        yuan = entitlement.yuan.sum(axis=2).reshape(2, -1, 12).sum(axis=2)
        claims = entitlement.claims.sum(axis=2).reshape(2, -1, 12).sum(axis=2)
        assert claims[:, 2027 - base] == pytest.approx([180.0, 180.0])
        assert yuan[:, 2027 - base] == pytest.approx([factor * (120 * 6_000 + 60 * 4_000)] * 2)
        assert yuan[:, 2025 - base] == pytest.approx([120 * 6_000 + 60 * 4_000] * 2)


@pytest.mark.parametrize(("mean", "continuation", "claims_2025", "claims_2026"), [
    (12_000, "[1.0]", 10, 0),  # the cap is reached in the first year: nothing to claim in the second
    (0.5, "[]", 10, 0),  # half a yuan is still a payment, and a claim
])
def test_a_capped_reimbursement_files_claims_only_for_years_it_pays(write, mean, continuation, claims_2025,
                                                                       claims_2026) -> None:
    from tests.lines.test_claims_of_each_line import _entitlements
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "claims", {(2025, "jingshan", 1): [10] + [0] * 11},
                          '[measures.care]\nkind = "capped_reimbursement"\n'
                          + COMMON.format(zh="护理", en="care", n=1)
                          + f'basis = "births"\ncases_per_unit = 1.0\nout_of_pocket_mean = {mean}\n'
                            f"out_of_pocket_cv = 0.0\ncap_per_household = 10000\ncontinuation = {continuation}\n",
                          data="immortal")
    claims = _entitlements(path).entitlements["care"].claims.sum(axis=2).reshape(2, -1, 12).sum(axis=2)
    assert claims[:, 2025 - 2022] == pytest.approx([claims_2025] * 2)
    assert claims[:, 2026 - 2022] == pytest.approx([claims_2026] * 2)


AWARD_SCHEMES = {"rural_reward": (60, 960, 2250), "special_disabled": (49, 4200, 80), "special_bereaved": (49, 5400, 80)}


def _awards_as_measures(base_recipients: str = "table") -> str:
    return "".join(f'[measures.{scheme}]\nkind = "per_person_scheme"\n' + COMMON.format(zh=scheme, en=scheme, n=i)
                   + f'base_recipients = "{base_recipients}"\nentry_age = {age}\nannual_amount = {amount}\n'
                     f"entrants_per_year = {entrants}\nlocal_share = 0.5\nprovince_share_of_local = 0.5\n"
                   for i, (scheme, (age, amount, entrants)) in enumerate(AWARD_SCHEMES.items()))


def test_per_person_measures_price_the_family_planning_awards_as_the_models_line_does(write) -> None:
    """The three award schemes of the default data written as per_person_scheme measures (their
    recipients the table's rows under the same ids) cost what the awards line costs, year by year and
    payer by payer; with no one dying before 100 the rolls are certain, so the figures agree to rounding."""
    from tests.conftest import line_by_year_payer, run_file
    from tests.lines.test_other_clauses_and_national_subsidy import _immortal_life_table

    data = f"[data]\n{_immortal_life_table(write)}\n"
    as_line = run_file(write("line.toml", f'[scenario]\nname = "line"\nextends = "{BASELINE}"\n{data}'
                                          "[lines.family_planning_awards]\nenabled = true\n"), replicates=2)
    as_measures = run_file(write("measures.toml", f'[scenario]\nname = "measures"\nextends = "{BASELINE}"\n{data}'
                                                  + _awards_as_measures()), replicates=2)
    expected = line_by_year_payer(as_line, "family_planning_awards")
    got: dict = {}
    for scheme in AWARD_SCHEMES:
        for key, yuan in line_by_year_payer(as_measures, scheme).items():
            got[key] = got.get(key, 0.0) + yuan
    assert {k for k, v in got.items() if abs(v) > 1e-6} == {k for k, v in expected.items() if abs(v) > 1e-6}
    assert sum(expected.values()) > 1e8  # the schemes cost something: 30,000+ recipients a year
    for key, yuan in expected.items():
        assert got.get(key, 0.0) == pytest.approx(yuan, rel=1e-12, abs=1e-6), key


def test_a_per_person_measure_with_no_rows_in_the_recipients_table_is_refused_by_name(write) -> None:
    """A measure reading its roll from the table (the default) must have rows there; the error names the
    table, its column and the measure, and lists the schemes the table has."""
    body = ('[measures.elderly_award]\nkind = "per_person_scheme"\n' + COMMON.format(zh="奖励", en="award", n=1)
            + "entry_age = 60\nannual_amount = 600\nentrants_per_year = 50\n")
    with pytest.raises(InputError) as caught:
        prepare(load_scenario(write("s.toml", f'[scenario]\nname = "roll"\nextends = "{BASELINE}"\n{body}'),
                              replicates=2))
    message = str(caught.value)
    assert "family_planning_recipients.csv" in message and "column 'scheme'" in message
    assert "'elderly_award' of [measures.elderly_award] (base_recipients = \"table\")" in message
    assert "rural_reward, special_bereaved, special_disabled" in message
    # a new scheme with no base-year roll needs no rows
    prepare(load_scenario(write("t.toml", f'[scenario]\nname = "roll"\nextends = "{BASELINE}"\n'
                                          + body.replace("entry_age", 'base_recipients = "none"\nentry_age')),
                          replicates=2))


def test_a_per_person_measure_is_indexed_under_its_own_id(write) -> None:
    """A per-person scheme listed in [indexation] is paid its amount × the price index: 50 recipients enter
    at 60 each year after 2022, 600 a year each, prices up 10% a year after 2025 (×1.21 in 2027)."""
    from tests.lines.test_other_clauses_and_national_subsidy import _immortal_life_table

    def paid(indexed: str) -> np.ndarray:
        prepared, drawn = _drawn(write, f"[data]\n{_immortal_life_table(write)}\n" + _package(indexed))
        return drawn.entitlements["roll"].yuan.sum(axis=2).reshape(2, -1, 12).sum(axis=2)

    plain, indexed = paid(""), paid('[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = ["roll"]\n')
    assert plain[:, 2027 - 2022] == pytest.approx([50 * 5 * 600] * 2)
    assert indexed[:, 2027 - 2022] == pytest.approx([1.21 * 50 * 5 * 600] * 2)
    assert indexed[:, 2025 - 2022] == pytest.approx(plain[:, 2025 - 2022])
