"""Fuzzing the loaders: any text ends in a valid scenario or table, or in the one clear error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.city import default_city
from model.errors import InputError
from model.overrides import read_births_override
from model.scenario import load_scenario

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KEYS = ["name", "start_year", "end_year", "replicates", "seed", "take_up", "price", "extends", "dist", "values",
        "policy_start", "monthly_amount", "city_hukou_share", "birth_orders", "after"]
VALUES = ["1", "-1", "0.5", "2e9", '"x"', "[1, 2]", "{ dist = \"beta\" }", "true", "inf", "nan", '"2023-13"',
          "{ values = { 2025 = 1 } }", '"../x.toml"', "''"]
TABLES = ["[scenario]", "[lines.nipt]", "[lines.third_child_allowance]", "[demography]", "[eligibility]",
          "[lines]", "[[scenario]]", "[behaviour]", "[disbursement.nipt]", "[nope]"]


@st.composite
def toml_like(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(draw(st.sampled_from(TABLES)))
        elif kind == 3:
            lines.append(draw(st.text(max_size=30)))
        else:
            lines.append(f"{draw(st.sampled_from(KEYS))} = {draw(st.sampled_from(VALUES))}")
    return "\n".join(lines) + "\n"


def _only_clear_errors(call) -> None:
    try:
        call()
    except InputError as error:
        assert error.message and "Traceback" not in error.message


@SETTINGS
@given(st.one_of(toml_like(), st.text(max_size=200), st.binary(max_size=200)))
def test_scenario_loader_never_crashes(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    _only_clear_errors(lambda: load_scenario(path))


@st.composite
def csv_like(draw) -> str:
    header = draw(st.sampled_from(["year,area,birth_order,births", "year,area,birth_order,births,month",
                                   "year,area,births", "year;area;birth_order;births", ""]))
    cells = st.sampled_from(["2025", "2040", "dongbao", "wuhan", "1", "3", "4", "-5", "6.5", "", "nan", "13", '"a,b"'])
    rows = [",".join(draw(st.lists(cells, min_size=0, max_size=6))) for _ in range(draw(st.integers(0, 6)))]
    return "\n".join([header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n"]))


@SETTINGS
@given(st.one_of(csv_like(), st.text(max_size=200), st.binary(max_size=200)))
def test_csv_loader_never_crashes(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "b.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    _only_clear_errors(lambda: read_births_override(path, 2022, 2035, default_city().areas))
