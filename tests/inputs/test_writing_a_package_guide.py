"""The worked example of docs/writing-a-package.md runs as written: its package, in a copy of the
default city, priced by `birthbudget run` (so the guide cannot drift from the code)."""

from __future__ import annotations

import re
import shutil

import pandas as pd

from model.city import DEFAULT_CITY_DIR
from tests.conftest import REPO, cli

GUIDE = REPO / "docs" / "writing-a-package.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def test_the_guides_worked_example_runs(tmp_path) -> None:
    city = tmp_path / "cities" / "mycity"
    shutil.copytree(DEFAULT_CITY_DIR, city, ignore=shutil.ignore_patterns("raw", "__pycache__"))
    text = (city / "city.toml").read_text(encoding="utf-8")
    text = text.replace('id = "jingmen"', 'id = "mycity"').replace('name_zh = "荆门市"', 'name_zh = "某某市"')
    text = text.replace("荆门市优化生育政策促进人口长期均衡发展实施方案", "某某市关于优化生育政策的若干措施")
    (city / "city.toml").write_text(text, encoding="utf-8")
    [package] = [block for block in _blocks("toml") if "[measures.first_child_grant]" in block]
    defaults = (city / "defaults.toml").read_text(encoding="utf-8").replace('policy_start = "2023-01"',
                                                                             'policy_start = "2025-03"')
    (city / "defaults.toml").write_text(defaults + "\n" + package, encoding="utf-8")
    [scenario] = [block for block in _blocks("bash") if "scenarios/mycity.toml" in block and "cat >" in block]
    body = re.search(r"<<'EOF'\n(.*?)EOF", scenario, flags=re.S).group(1)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mycity.toml").write_text(body, encoding="utf-8")
    out = tmp_path / "reports" / "mycity"
    result = cli("run", tmp_path / "scenarios" / "mycity.toml", "--out", out, "--replicates", "20")
    assert result.exit_code == 0, result.output
    for name in ("一孩一次性育儿补贴 first_child_grant", "二孩、三孩育儿补贴 growth_allowance",
                 "结婚登记购房券 marriage_voucher"):
        assert name in result.output
    budget = pd.read_csv(out / "budget.csv")
    cost = budget[(budget.basis == "accrual") & (budget.payer == "all")].set_index(["line", "year"])["mean"]
    assert cost.loc[("first_child_grant", 2026)] > 0 and cost.loc[("growth_allowance", 2035)] > 0
    # the voucher: 6,000 couples × 15% × 60,000 a year at the central values, give or take the draws
    assert 0.5 * 54e6 < cost.loc[("marriage_voucher", 2030)] < 1.5 * 54e6
    # the guide's example of a refused mistake is the model's message
    broken = (tmp_path / "scenarios" / "broken.toml")
    broken.write_text(body + '\n[measures.growth_allowance]\nschedule = [{ orders = [2], every = "year", '
                      'from_age = 0, amount = 10000 }]\n', encoding="utf-8")
    refused = cli("run", broken, "--out", tmp_path / "no")
    assert refused.exit_code == 2
    assert ("measures.growth_allowance.schedule.0.to_age: payments every year need an end age above from_age (0)"
            in refused.output.replace("\n", ""))
