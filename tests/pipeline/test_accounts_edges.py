"""Accounts at their edges: a run with no line priced, the accrual basis unchanged whether cash
timing runs or not, and a line whose own payer rule differs from the city's."""

from __future__ import annotations

import numpy as np

from model.lines import LINES
from model.pipeline.accounts import fixed_payer_matrix, payer_matrix
from model.scenario import load_scenario
from tests.conftest import BASELINE, run_file

ALL_OFF = "".join(f"[lines.{line.id}]\nenabled = false\n" for line in LINES)


def test_a_run_without_lines_has_empty_accounts(write):
    for disbursement in ("true", "false"):
        path = write("s.toml", f'[scenario]\nname = "none"\n{ALL_OFF}[disbursement]\nenabled = {disbursement}\n')
        result = run_file(path, replicates=2)
        assert result.accrual.shape == (2, 11, 0, 8)
        if disbursement == "true":
            assert result.cash.shape == (2, 11, 0, 8) and result.payables.shape == (2, 12, 0, 8)
        else:
            assert result.cash is None and result.payables is None


def test_accrual_does_not_depend_on_cash_timing(write):
    path = write("s.toml", f'[scenario]\nname = "no cash"\nextends = "{BASELINE}"\n[disbursement]\nenabled = false\n')
    with_cash, without = run_file(BASELINE, replicates=4), run_file(path, replicates=4)
    assert without.cash is None
    assert without.line_ids == with_cash.line_ids and len(without.line_ids) == 6
    np.testing.assert_array_equal(without.accrual, with_cash.accrual)


def test_payer_matrices(write):
    loaded = load_scenario(write("s.toml", '[scenario]\nname = "rule"\n[lines.nipt]\ncity_share = '
                                 '{ dongbao = 1.0, duodao = 0.5, zhanghe = 0.5, jingshan = 0.2, zhongxiang = 0.0, '
                                 'shayang = 0.0, qujialing = 0.0 }\n'))
    payers = ("city", "dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang", "shayang", "qujialing")
    own = payer_matrix(loaded.scenario, loaded.scenario.lines.nipt, payers)
    np.testing.assert_allclose(own[:, 0], [1.0, 0.5, 0.5, 0.2, 0, 0, 0])
    np.testing.assert_allclose(own[:, 1:], np.diag([0.0, 0.5, 0.5, 0.8, 1, 1, 1]))
    default = payer_matrix(loaded.scenario, loaded.scenario.lines.art_subsidy, payers)
    np.testing.assert_allclose(default[:, 0], [0.5, 0.5, 0.5, 0, 0, 0, 0])
    np.testing.assert_allclose(fixed_payer_matrix("city", payers)[:, 0], 1.0)
    np.testing.assert_allclose(fixed_payer_matrix("area", payers), np.eye(7, 8, k=1))
