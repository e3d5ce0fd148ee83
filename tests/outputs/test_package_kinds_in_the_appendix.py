"""Every generic kind of a package's measure runs, reports and is described in the appendix in
its own terms (issue 13): a home-purchase subsidy by its window, homes and amounts, a capped
reimbursement by its cases, spending and cap, a per-person scheme by its roll, entrants and amount, a cash benefit's condition on the mother's age."""

from __future__ import annotations

import docx

from tests.conftest import REPO, cli

PACKAGE = f"""
[scenario]
name = "every kind"
extends = "{(REPO / 'scenarios' / 'baseline.toml').as_posix()}"

[measures.care]
kind = "capped_reimbursement"
enabled = true
take_up = 0.8
name_zh = "生育医疗费用补助"
name_en = "fertility care reimbursement"
clause = "第3条"
source = "test"
basis = "yearly_count"
yearly_count = 300
cases_per_unit = 1.0
out_of_pocket_mean = 6000
out_of_pocket_cv = 0.5
cap_per_household = 10000
continuation = [0.4, 0.2]

[measures.home]
kind = "home_purchase"
enabled = true
name_zh = "县城购房补贴"
name_en = "county home subsidy"
clause = "第4条"
source = "test"
take_up = 0.9
births_from = "2025-07-01"
amount_second_child = 30000
amount_third_child = 50000
purchase_probability = 0.2
purchase_profile = [0.5, 0.5]
home_areas = ["jingshan", "zhongxiang"]

[measures.young_mothers]
kind = "cash_benefit"
enabled = true
name_zh = "适龄生育奖励"
name_en = "grant to mothers under 35"
clause = "第6条"
source = "test"
take_up = 0.9
births_from = "2025-01-01"
mother_age = [15, 34]
schedule = [{{ orders = [1], every = "once", amount = 2000 }}]

[measures.elderly_award]
kind = "per_person_scheme"
enabled = true
name_zh = "独生子女父母年老奖励"
name_en = "elderly only-child parents' award"
clause = "第5条"
source = "test"
take_up = 1.0
base_recipients = "none"
entry_age = 60
annual_amount = 1200
entrants_per_year = 500
"""


def test_each_kind_is_priced_and_described_in_the_appendix(tmp_path, write) -> None:
    out = tmp_path / "run"
    result = cli("run", write("s.toml", PACKAGE), "--out", out, "--replicates", "20", "--quiet")
    assert result.exit_code == 0, result.output
    result = cli("report", out)
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out / "appendix.docx")).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(str(out / "appendix.docx")).tables for r in t.rows for c in r.cells)
    described = text + cells
    assert "2025-07-01起出生的二孩、三孩家庭 × 购房概率0.2 × 享受率；在京山市、钟祥市购房，二孩家庭30,000元、三孩家庭50,000元，一次性" in described
    assert "年度人数（300） × 每单位1户 × 享受率；每户每年自付均值6,000元，按实报销，每户累计不超过10,000元（最多3年）" in described
    assert "受助人数 × 享受率 × 每人每年1,200元；基年无受助人，每年新增500人（60岁进入），逐年增龄并按生命表死亡" in described
    assert "2025-01-01起出生、母亲生育时15至34岁的子女 × 享受率 ×（一孩0岁时一次性2000元），死亡即停" in described
    for name in ("县城购房补贴", "生育医疗费用补助", "独生子女父母年老奖励", "适龄生育奖励"):
        assert name in described
