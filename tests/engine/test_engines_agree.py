"""The cohort engine and the person-level reference engine agree in distribution.

On one small area (屈家岭管理区, about 19,000 women; the other areas emptied), the same
inputs run through both engines with independent random numbers. Births by order and year
and each line's cost must agree: means within 3 standard errors of their difference,
standard deviations within 20%.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.engine import simulate_block
from model.inputs import split_of
from model.lines import LINES
from model.lines.base import LineContext, ParameterContext
from model.pipeline import prepare
from model.pipeline.block import block_inputs
from model.realise import per_replicate, realise
from model.rng import Streams
from model.scenario import load_scenario
from tests.default_city import AREA_INDEX
from tests.person_engine import simulate_people

REPLICATES = 200
AREA = AREA_INDEX["qujialing"]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    path = tmp_path_factory.mktemp("engines") / "s.toml"
    every_line = "".join(f"[lines.{line.id}]\nenabled = true\n" for line in LINES)
    path.write_text('[scenario]\nname = "engines"\nend_year = 2030\n' + every_line, encoding="utf-8")
    prepared = prepare(load_scenario(path, replicates=REPLICATES))
    calendar = prepared.calendar
    streams = Streams(7, 0)
    realised = realise(prepared.scenario, streams, REPLICATES)
    area_share = prepared.base.unit_share_of_area[None] * split_of(realised, lambda share: per_replicate(share, 1))
    params = ParameterContext(realised, prepared.base, calendar, REPLICATES, area_share, prepared.source_file)
    inputs = block_inputs(prepared, realised, params, REPLICATES)
    women = inputs.women.copy()
    women[:, [a for a in range(women.shape[1]) if a != AREA]] = 0  # one small area
    inputs = type(inputs)(**{**inputs.__dict__, "women": women})
    cohort = simulate_block(inputs, calendar, streams, REPLICATES)
    people = simulate_people(inputs, calendar, REPLICATES, seed=11)
    costs = {}
    for name, demography, line_streams in (("cohort", cohort, Streams(7, 1)), ("people", people, Streams(8, 1))):
        context = LineContext(realised, prepared.base, calendar, REPLICATES, area_share, prepared.source_file,
                              demography=demography, streams=line_streams)
        costs[name] = {line.id: calendar.by_year(line.accrual(context, getattr(realised.lines, line.id)).yuan)[..., AREA]
                       for line in LINES}
    return cohort, people, costs, calendar


def _agree(a: np.ndarray, b: np.ndarray, what: str) -> None:
    """a, b: [replicate] samples of one quantity from each engine."""
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(a.mean() - b.mean()) <= 3 * se + 1e-9, f"{what}: means {a.mean():.2f} vs {b.mean():.2f} (SE {se:.2f})"
    if a.std() > 0 or b.std() > 0:
        assert b.std() == pytest.approx(a.std(), rel=0.2), f"{what}: SD {a.std():.2f} vs {b.std():.2f}"


def test_births_by_order_and_year_agree(both):
    cohort, people, _, calendar = both
    a = calendar.by_year(cohort.births.sum(axis=(2, 4)))  # [rep, year, transition]
    b = calendar.by_year(people.births.sum(axis=(2, 4)))
    for year in range(calendar.n_years):
        for order, transitions in ((1, [0]), (2, [1]), (3, [2, 3])):
            _agree(a[:, year, transitions].sum(axis=1), b[:, year, transitions].sum(axis=1),
                   f"births of order {order} in {calendar.years[year]}")
    assert a[:, 0].sum(axis=1).mean() > 200  # a real area, not an empty one


def test_induced_births_agree(both):
    cohort, people, _, calendar = both
    a = calendar.by_year(cohort.induced.sum(axis=(2, 3, 4))).sum(axis=1)
    b = calendar.by_year(people.induced.sum(axis=(2, 3, 4))).sum(axis=1)
    _agree(a, b, "induced births")
    assert a.mean() > 0


@pytest.mark.parametrize("line", [line.id for line in LINES])
def test_each_line_costs_the_same(both, line):
    _, _, costs, calendar = both
    budget = slice(calendar.start_year - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    _agree(costs["cohort"][line][:, budget].sum(axis=1), costs["people"][line][:, budget].sum(axis=1), line)
