"""A package's measures of the cash-benefit kind ([measures.<id>]): any number, under their own ids
and names, refused with a clear error when written wrong (the yuan: model/lines/cases/)."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.run_folder import load_run
from model.scenario import load_scenario
from tests.conftest import cli, line_by_year_payer, run_file

GRANT = """
[measures.{id}]
kind = "cash_benefit"
enabled = true
take_up = {take_up}
name_zh = "{name}"
name_en = "grant {id}"
clause = "第{clause}条"
source = "a test"
births_from = "{births_from}"
schedule = [{{ orders = [{orders}], every = "once", from_age = 0, amount = {amount} }}]
"""


def grant(id: str, name: str = "一次性补贴", take_up: float = 0.9, orders: str = "1", amount: int = 1000,
          births_from: str = "2025-01-01", clause: int = 3) -> str:
    return GRANT.format(id=id, name=name, take_up=take_up, orders=orders, amount=amount, births_from=births_from,
                        clause=clause)


def test_one_kind_used_twice_gives_two_lines_with_their_own_ids_names_and_money(tmp_path, write) -> None:
    path = write("two.toml", '[scenario]\nname = "two grants"\n' + grant("first_grant", "一孩补贴") +
                 grant("second_grant", "二孩补贴", orders="2", amount=3000))
    result = run_file(path, replicates=20)
    assert result.line_ids[-2:] == ["first_grant", "second_grant"]
    first, second = (sum(line_by_year_payer(result, line).values()) for line in ("first_grant", "second_grant"))
    assert first > 0 and second > 0
    out = tmp_path / "run"
    run = cli("run", path, "--out", out, "--replicates", "20")
    assert run.exit_code == 0, run.output
    assert "一孩补贴 first_grant" in run.output and "二孩补贴 second_grant" in run.output
    folder = load_run(out)
    assert {"first_grant", "second_grant"} <= set(folder.budget.line)
    assert folder.line_specs["second_grant"].name_en == "grant second_grant"
    report = cli("report", out)
    assert report.exit_code == 0, report.output
    from docx import Document

    text = "\n".join(cell.text for table in Document(str(out / "appendix.docx")).tables for row in table.rows
                     for cell in row.cells)
    assert "一孩补贴" in text and "二孩补贴" in text
    mtfp = cli("mtfp", out, "--budget-year", "2026")
    assert mtfp.exit_code == 0 and "二孩补贴" in mtfp.output


def test_births_before_the_measure_day_are_not_paid(write) -> None:
    """First births from 1 April 2026 only: nothing in 2025, and less in 2026 than in 2027 (nine
    months against twelve); the same measure from 1 January pays in 2025 too."""
    late = run_file(write("late.toml", '[scenario]\nname = "late"\n' + grant("g", take_up=1.0,
                                                                        births_from="2026-04-01")), replicates=20)
    early = run_file(write("early.toml", '[scenario]\nname = "early"\n' + grant("g", take_up=1.0)), replicates=20)
    by_year_late = {year: sum(v for (y, _), v in line_by_year_payer(late, "g").items() if y == year)
                    for year in (2025, 2026, 2027)}
    by_year_early = {year: sum(v for (y, _), v in line_by_year_payer(early, "g").items() if y == year)
                     for year in (2025, 2026, 2027)}
    assert by_year_late[2025] == 0 and by_year_early[2025] > 0
    assert 0.6 < by_year_late[2026] / by_year_late[2027] < 0.9
    assert by_year_late[2027] == by_year_early[2027]


@pytest.mark.parametrize(("text", "field", "message"), [
    (grant("nipt"), "measures.nipt", "not a line of [lines]"),
    (grant("Bad-Id"), None, "measures.Bad-Id: a measure's id must be lower-case ASCII"),
    (grant("g", births_from="2025-02-30"), "measures.g.births_from", "not a day of the calendar"),
    (grant("g", births_from="2025/01/01"), "measures.g.births_from", "YYYY-MM-DD"),
    (grant("g", take_up=1.5), "measures.g.take_up", "1"),
    (grant("g").replace('every = "once", from_age = 0', 'every = "month", from_age = 0'),
     "measures.g.schedule.0.to_age", "need an end age"),
    (grant("g").replace('every = "once", from_age = 0', 'every = "once", from_age = 0.3'),
     "measures.g.schedule.0.from_age", "whole number of months"),
    (grant("g").replace('every = "once", from_age = 0', 'every = "year", from_age = 0, to_age = 19'),
     "measures.g.schedule.0.to_age", "18"),
    (grant("g") + 'national = { "1" = "top_up" }\n', "measures.g.national", "one-off payments only"),
    (grant("g") + 'national = { "2" = "on_top" }\n', "measures.g.national", "order 2 is not paid by the schedule"),
    (grant("g").replace('kind = "cash_benefit"', 'kind = "voucher"'), "measures.g.kind",
     "unknown kind 'voucher'; kinds are cash_benefit, unit_cost, home_purchase, capped_reimbursement, per_person_scheme"),
    (grant("g").replace('kind = "cash_benefit"\n', ''), "measures.g.kind", "required key is missing"),
    (grant("g").replace('kind = "cash_benefit"', 'kind = "unit_cost"'), "measures.g.births_from", "unknown key"),
])
def test_a_measure_written_wrong_is_refused_naming_the_key(write, text, field, message) -> None:
    path = write("bad.toml", '[scenario]\nname = "bad"\n' + text)
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert error.value.field == field and message in error.value.message, error.value.describe()
    assert error.value.file == str(path)


@pytest.mark.parametrize(("text", "field", "message"), [
    (grant("g", births_from="2021-06-01"), "measures.g.births_from", "before the base year"),
    (grant("g", births_from="2040-01-01"), "measures.g.births_from", "after the last year of the run"),
    (grant("g").replace('every = "once", from_age = 0',
                        'every = "month", from_age = 0, to_age = 3') + 'national = { "1" = "higher_of" }\n',
     "measures.g.national", "national_childcare_subsidy"),
])
def test_a_measure_the_run_cannot_price_is_refused_before_any_work(tmp_path, write, text, field, message) -> None:
    path = write("bad.toml", '[scenario]\nname = "bad"\n' + text)
    out = tmp_path / "out"
    result = cli("run", path, "--out", out)
    assert result.exit_code == 2 and field in result.output and message in result.output, result.output
    assert not out.exists()


def test_a_measure_the_levels_above_do_not_fund_adds_no_payer_columns_and_an_uncertain_share_does(write) -> None:
    body = """
        [measures.voucher]
        kind = "unit_cost"
        enabled = true
        take_up = 1.0
        name_zh = "购房券"
        name_en = "voucher"
        clause = "第五条"
        source = "a test"
        basis = "yearly_count"
        yearly_count = 100
        cases_per_unit = 1.0
        unit_cost = 1000
        """
    local = run_file(write("local.toml", '[scenario]\nname = "local"\n' + body), replicates=5)
    assert "province" not in local.payer_ids and "central" not in local.payer_ids
    shared = run_file(write("shared.toml", '[scenario]\nname = "shared"\n' + body
                            + 'local_share = { dist = "uniform", low = 0.5, high = 0.9 }\n'), replicates=5)
    assert {"province", "central"} <= set(shared.payer_ids)
    central = sum(v for (_, payer), v in line_by_year_payer(shared, "voucher").items() if payer == "central")
    assert central > 0


def test_the_fertility_response_reads_what_the_city_pays_to_whom(write) -> None:
    """Births respond to what a family gains: nothing from a measure below the national subsidy it is
    netted against, and half as much when half the births qualify."""
    national = "[lines.national_childcare_subsidy]\nenabled = true\n"
    low = grant("low", take_up=1.0, orders="2, 3").replace(
        'every = "once", from_age = 0, amount = 1000', 'every = "month", from_age = 0, to_age = 3, amount = 200'
    ) + 'national = { "2" = "higher_of", "3" = "higher_of" }\n'
    plain = run_file(write("plain.toml", '[scenario]\nname = "plain"\n' + national), replicates=10)
    netted = run_file(write("netted.toml", '[scenario]\nname = "netted"\n' + national + low), replicates=10)
    assert sum(line_by_year_payer(netted, "low").values()) == 0
    assert netted.births.sum() == plain.births.sum()  # nothing gained, no birth induced
    big = grant("big", take_up=1.0, orders="3", amount=100000)
    whole = run_file(write("whole.toml", '[scenario]\nname = "whole"\n' + big), replicates=10)
    half = run_file(write("half.toml", '[scenario]\nname = "half"\n' + big + "eligible_share = 0.5\n"),
                    replicates=10)
    base = run_file(write("base.toml", '[scenario]\nname = "base"\n'), replicates=10)
    induced_whole, induced_half = (run.births.sum() - base.births.sum() for run in (whole, half))
    assert induced_whole > 0 and 0.3 < induced_half / induced_whole < 0.7


@pytest.mark.parametrize(("setting", "expected"), [
    ('hukou = "any"', 1.0),  # every birth
    ('hukou = "city"', 0.6),  # city-hukou families: the eligibility share below
    ('hukou = "any"\nin_city_hospital = true', 0.8),  # births in the city's hospitals
    ('hukou = "any"\neligible_share = 0.25', 0.25),
])
def test_who_qualifies_scales_the_claimants(write, setting, expected) -> None:
    """20,000 first births in 2026 in 东宝区, 1 yuan each, take-up 1: the yuan are the claimants."""
    from tests.conftest import override_rows

    write("births.csv", override_rows({(2026, "dongbao", 1): [20000 // 12] * 12}, range(2022, 2036)))
    body = grant("g", take_up=1.0, amount=1).replace('every = "once"', 'every = "once"') + setting + "\n"
    path = write("s.toml", '[scenario]\nname = "who"\n[demography]\nbirths_override = "births.csv"\n'
                 "[eligibility]\ncity_hukou_share = 0.6\nin_city_hospital_share = 0.8\n" + body)
    result = run_file(path, replicates=20)
    paid = sum(value for (year, _), value in line_by_year_payer(result, "g").items() if year == 2026)
    assert paid == pytest.approx(expected * 12 * (20000 // 12), rel=0.02)


def test_a_measure_built_in_python_validates_as_its_kind(write) -> None:
    """A notebook may put a measure's model (not its table) in a scenario: its `kind` picks the schema."""
    from model.lines.cash_benefit import CashBenefitMeasure
    from model.scenario import Scenario

    loaded = load_scenario(write("one.toml", '[scenario]\nname = "one"\n' + grant("g")))
    measure = loaded.scenario.measures["g"]
    tree = {**loaded.scenario.model_dump(), "measures": {"g": measure, "h": measure.model_copy(update={"name_zh": "另一"})}}
    again = Scenario.model_validate(tree)
    assert isinstance(again.measures["h"], CashBenefitMeasure)
    assert again.measures["h"].name_zh == "另一"


def test_a_cash_benefit_is_birth_linked_spending_and_moves_births(write) -> None:
    """A package's cash benefit is spending that follows births (its yuan count in the deadweight's
    birth-linked spending) and a benefit a family weighs (the fertility response reads it)."""
    import numpy as np

    from model.lines import lines_of

    base = '[scenario]\nname = "linked"\n[behaviour]\nfertility_response = 0.05\n'
    plain = run_file(write("plain.toml", base), replicates=4)
    granted = run_file(write("granted.toml", base + grant("g", amount=20000, take_up=1.0)), replicates=4)
    i = granted.line_ids.index("g")
    measure_yuan = granted.accrual[:, :, i].sum(axis=-1)  # [rep, budget year]
    assert measure_yuan.sum() > 0.2 * plain.impact["birth_linked_spending"].sum()
    linked_without = granted.impact["birth_linked_spending"] - measure_yuan
    assert np.allclose(linked_without.sum(), plain.impact["birth_linked_spending"].sum(), rtol=0.05)
    assert granted.impact["induced_births"].sum() > plain.impact["induced_births"].sum()
    assert new_money_of(granted, "g") is True
    assert lines_of(granted.loaded.scenario.measures)["g"].new_money is True  # new unless marked otherwise


def new_money_of(result, line_id: str) -> bool:
    from model.lines import line_tables, money_groups

    groups = money_groups(result.line_ids, line_tables(result.loaded.scenario.model_dump(mode="json")))
    return line_id in groups["new_measures"]


def test_a_cash_benefit_marked_continuing_is_shown_apart(write) -> None:
    from model.lines import lines_of

    loaded = load_scenario(write("c.toml", '[scenario]\nname = "c"\n' + grant("g") + "new_money = false\n"))
    assert lines_of(loaded.scenario.measures)["g"].new_money is False
    result = run_file(write("c2.toml", '[scenario]\nname = "c"\n' + grant("g") + "new_money = false\n"), replicates=2)
    assert new_money_of(result, "g") is False


def _benefit_per_birth(write, body: str):
    from model.lines import lines_of
    from model.pipeline import prepare
    from model.pipeline.block import block_entitlements

    prepared = prepare(load_scenario(write("b.toml", '[scenario]\nname = "b"\n' + body), replicates=2))
    ctx = block_entitlements(prepared, 0, 2).context
    return lines_of(ctx.scenario.measures)["g"].benefit_per_birth(ctx, ctx.scenario.measures["g"])


def test_a_grant_s_worth_per_birth_is_its_amount_times_who_qualifies_and_claims(write) -> None:
    """A one-off 1,000 at birth for first births; 80% of births meet its conditions and half of those
    claim: a first birth is worth 400 to its family, later births nothing. Indexed at 10% a year from
    2025, a first birth of 2030 is worth 400 × 1.1⁵."""
    import numpy as np

    conditions = 'eligible_share = 0.8\nhukou = "any"\nin_city_hospital = false\n'
    plain = _benefit_per_birth(write, grant("g", take_up=0.5) + conditions)
    assert plain[:, 2030 - 2022, 0] == pytest.approx(np.array([[400.0, 0.0, 0.0]]))
    indexed = _benefit_per_birth(write, grant("g", take_up=0.5) + conditions
                                 + '[indexation]\nlines = ["g"]\ncpi = 0.1\nfrom_year = 2025\n')
    assert indexed[:, 2030 - 2022, 0, 0] == pytest.approx([400.0 * 1.1 ** 5])
    second = _benefit_per_birth(write, grant("g", take_up=0.5, orders="2") + conditions)
    assert second[:, 2030 - 2022, 0] == pytest.approx(np.array([[0.0, 400.0, 0.0]]))


def test_a_payment_at_an_age_is_worth_it_times_the_chance_of_living_to_it(write) -> None:
    """1,000 at the first birthday is worth 1,000 × the chance of living to it; a monthly payment to
    age 18 is worth 216 payments, each discounted by survival to its month."""
    from model.lines.cash_benefit import survival

    at_one = grant("g", take_up=1.0).replace("from_age = 0", "from_age = 1")
    worth = _benefit_per_birth(write, at_one)
    monthly = grant("g", take_up=1.0).replace('every = "once", from_age = 0', 'every = "month", from_age = 0, '
                                                                            "to_age = 18")
    to_adulthood = _benefit_per_birth(write, monthly)
    q = _q_young(write)  # the base data's child deaths, as the run reads them
    assert worth[:, 2030 - 2022, 0, 0] == pytest.approx([1000 * survival(q, 13)[12]])
    assert to_adulthood[:, 2030 - 2022, 0, 0] == pytest.approx([1000 * survival(q, 216).sum()])
    assert survival(q, 13)[12] < 1


def _q_young(write):
    from model.pipeline import prepare

    return prepare(load_scenario(write("q.toml", '[scenario]\nname = "q"\n'), replicates=1)).base.q_young


MONTHLY = 'schedule = [{ orders = [1], every = "month", from_age = 0, to_age = 1, amount = 100 }]\n'


@pytest.mark.parametrize(("births_from", "extra", "problem"), [
    ("2022-03-01", "", None),  # the base year: simulated
    ("2035-12-01", "", None),  # the last year of the run
    ("2025-01-01", MONTHLY + 'national = { "1" = "on_top" }\n', None),  # on top needs no national line
    ("2021-12-31", "", ("measures.g.births_from", "2021-12-31 is before the base year 2022: births are simulated "
                        "from the base year on, so earlier children cannot be paid; start on or after 2022-01-01")),
    ("2025-01-01", MONTHLY + 'national = { "1" = "top_up" }\n', (
        "measures.g.national", "top_up and higher_of need [lines.national_childcare_subsidy] enabled = true (the city "
                               "pays the difference to what that line pays); price it too")),
])
def test_a_grant_s_dates_and_netting_are_checked_before_any_work(write, births_from, extra, problem) -> None:
    from model.pipeline import prepare

    measure = grant("g", births_from=births_from)
    if extra:  # a monthly schedule instead of the one-off
        measure = "\n".join(line for line in measure.splitlines() if not line.startswith("schedule")) + "\n" + extra
    loaded = load_scenario(write("c.toml", '[scenario]\nname = "c"\n' + measure))
    if problem is None:
        prepare(loaded)
        return
    with pytest.raises(InputError) as caught:
        prepare(loaded)
    assert (caught.value.field, caught.value.message) == problem


def _births_by_mother_age(cells: dict[tuple[int, str, int], int]) -> str:
    """A births override with the mother's age: every area and year 2022-2036 zero (mothers of 30)
    except the January births of the (year, area, mother's age) cells given, all first births."""
    from tests.default_city import AREAS

    rows = ["year,area,birth_order,month,mother_age,births"]
    for year in range(2022, 2037):
        for area in AREAS:
            for order in (1, 2, 3):
                rows += [f"{year},{area},{order},{month},30,0" for month in range(1, 13)]
    rows += [f"{year},{area},1,1,{age},{count}" for (year, area, age), count in cells.items()]
    return "\n".join(rows) + "\n"


MOTHERS_UNDER_35 = """
[measures.young_mothers]
kind = "cash_benefit"
enabled = true
take_up = 1.0
hukou = "any"
name_zh = "适龄生育奖励"
name_en = "grant to mothers under 35"
clause = "test"
source = "a test"
births_from = "2025-01-01"
mother_age = [15, 34]
schedule = [{ orders = [1], every = "once", amount = 1000 }]
"""


def test_a_mothers_age_condition_pays_only_the_births_of_mothers_of_those_ages(write) -> None:
    """In 京山市 (a county: it pays all), 10 first births to mothers of 25 in 2025 are paid 1,000 each,
    30 to mothers of 37 in 2026 nothing, 7 to mothers of 32 in 2028 (the group 30-34) 7,000; in 2027 100
    births in 东宝区, half to mothers of 22, half to mothers of 40, are paid for the first half on average
    (each birth qualifies with the year's share of mothers under 35 there, 0.5: 50,000 ± 1,000 × 5 a
    replicate). A second grant for mothers of 20-44 pays all of 2026 and 2027, 5 births to mothers of
    17 in 2029 nothing and 4 to mothers of 42 in 2030 4,000."""
    write("births.csv", _births_by_mother_age({(2025, "jingshan", 25): 10, (2026, "jingshan", 37): 30,
                                               (2027, "dongbao", 22): 50, (2027, "dongbao", 40): 50,
                                               (2028, "jingshan", 32): 7, (2029, "jingshan", 17): 5,
                                               (2030, "jingshan", 42): 4}))
    from_twenty = MOTHERS_UNDER_35.replace("young_mothers", "from_twenty").replace("[15, 34]", "[20, 44]")
    path = write("s.toml", '[scenario]\nname = "mothers"\n[demography]\nbirths_override = "births.csv"\n'
                           + MOTHERS_UNDER_35 + from_twenty)
    result = run_file(path, replicates=40)
    cost = line_by_year_payer(result, "young_mothers")
    assert cost[(2025, "jingshan")] == pytest.approx(10_000, abs=1e-6)
    assert cost[(2026, "jingshan")] == pytest.approx(0, abs=1e-6)
    assert cost[(2028, "jingshan")] == pytest.approx(7_000, abs=1e-6)
    older = line_by_year_payer(result, "from_twenty")
    for year, yuan in ((2025, 10_000), (2026, 30_000), (2028, 7_000), (2029, 0), (2030, 4_000)):
        assert older[(year, "jingshan")] == pytest.approx(yuan, abs=1e-6), year
    assert older[(2027, "city")] + older[(2027, "dongbao")] == pytest.approx(100_000, abs=1e-6)
    paid_2027 = cost[(2027, "city")] + cost[(2027, "dongbao")]
    assert paid_2027 == pytest.approx(50_000, abs=4 * 5_000 / 40 ** 0.5)
    without = run_file(write("t.toml", '[scenario]\nname = "any age"\n[demography]\nbirths_override = "births.csv"\n'
                                       + MOTHERS_UNDER_35.replace("mother_age = [15, 34]\n", "")), replicates=4)
    assert line_by_year_payer(without, "young_mothers")[(2026, "jingshan")] == pytest.approx(30_000, abs=1e-6)


def test_what_a_birth_is_worth_counts_the_base_years_share_of_mothers_of_those_ages(write) -> None:
    """Before any birth is simulated the fertility response values a birth at the share of the base
    year's expected births of its order (women by age × the fertility table's pattern) whose mothers
    are of the measure's ages: here 1,000 × that share for a first birth of 2025, and the share of
    every age is 1."""
    import numpy as np

    from model.lines import lines_of
    from model.lines.cash_benefit import expected_mothers_in_ages
    from tests.lines.test_claims_of_each_line import _entitlements

    drawn = _entitlements(write("s.toml", '[scenario]\nname = "worth"\n' + MOTHERS_UNDER_35))
    ctx, measure = drawn.context, drawn.realised.measures["young_mothers"]
    worth = lines_of(drawn.realised.measures)["young_mothers"].benefit_per_birth(ctx, measure)
    women, shape = ctx.base.women.sum(axis=0), ctx.base.fertility_shape
    share = (women[15:35] * shape[15:35, 0]).sum() / (women * shape[:, 0]).sum()
    assert 0.5 < share < 1
    assert worth[0, list(ctx.calendar.years).index(2025), 0, 0] == pytest.approx(1000 * share, rel=1e-12)
    np.testing.assert_allclose(expected_mothers_in_ages(ctx, (15, 49)), 1.0)
    third_and_later = shape[:, 2] + shape[:, 3]
    assert expected_mothers_in_ages(ctx, (15, 34))[2] == pytest.approx(
        (women[15:35] * third_and_later[15:35]).sum() / (women * third_and_later).sum(), rel=1e-12)


def test_the_shares_of_mothers_ages_are_zero_without_births_and_whole_with_one() -> None:
    """Where there is no birth of an order the share is 0 (not a division by zero); one birth inside the
    ages is a share of 1, however few the births; the base year's expected shares likewise, even when
    the expected births are a fraction of one."""
    from types import SimpleNamespace

    import numpy as np

    from model.lines.cash_benefit import expected_mothers_in_ages, mothers_in_ages

    by_age = np.zeros((1, 2, 1, 3, 7), dtype=np.int64)  # [rep, year, area, order, age group]
    by_age[0, 0, 0, 0, 1] = 1  # one first birth, mother 20-24, in the first year
    by_age[0, 1, 0, 1, 5] = 3  # three second births, mothers 40-44, in the second year
    shares = mothers_in_ages(SimpleNamespace(demography=SimpleNamespace(births_by_age=by_age)), (15, 34))
    assert shares.shape == (1, 24, 1, 3)
    np.testing.assert_array_equal(shares[0, :12, 0], np.repeat([[1.0, 0.0, 0.0]], 12, axis=0))
    np.testing.assert_array_equal(shares[0, 12:, 0], np.zeros((12, 3)))
    women = np.zeros((1, 50))
    women[0, 20:40] = 0.01  # expected births far below one
    shape = np.zeros((50, 4))
    shape[20:40, 0] = 0.5  # first births at 20-39; none of the second order, third births at 38-39
    shape[38:40, 2] = 0.5
    expected = expected_mothers_in_ages(SimpleNamespace(base=SimpleNamespace(women=women, fertility_shape=shape)),
                                        (15, 34))
    np.testing.assert_allclose(expected, [0.75, 0.0, 0.0], rtol=1e-12)


@pytest.mark.parametrize("ages", ["[15, 35]", "[16, 34]", "[35, 34]", "[20, 54]"])
def test_a_mothers_age_off_the_five_year_groups_is_refused_with_what_is_allowed(write, ages) -> None:
    path = write("s.toml", '[scenario]\nname = "ages"\n' + MOTHERS_UNDER_35.replace("[15, 34]", ages))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.field == "measures.young_mothers.mother_age"
    assert f"{ages.replace(' ', ' ')} is not whole five-year groups of the mother's age" in caught.value.message
    assert "the first age must be 15, 20, …, 45, the last 19, 24, …, 49" in caught.value.message


def test_the_measures_age_groups_are_the_engines() -> None:
    from model.engine import AGE_GROUP_LABELS
    from model.lines.cash_benefit import FIRST_MOTHER_AGE, GROUP_YEARS, LAST_MOTHER_AGE

    assert AGE_GROUP_LABELS[0] == f"{FIRST_MOTHER_AGE}-{FIRST_MOTHER_AGE + GROUP_YEARS - 1}"
    assert AGE_GROUP_LABELS[-1].endswith(f"-{LAST_MOTHER_AGE}")
    assert len(AGE_GROUP_LABELS) == (LAST_MOTHER_AGE + 1 - FIRST_MOTHER_AGE) // GROUP_YEARS
