"""The budget appendix as documents: appendix.docx and appendix.pdf, one content model rendered twice.

The Word file opens and its tables equal the run's CSVs (÷ 10,000, two decimals), every chart
has a numbered caption, the title page names the scenario, seed and replicates, pages are
numbered; the PDF holds the same sections, captions and figures; a failure writes nothing.
"""

from __future__ import annotations

import re
import shutil

import docx
import pandas as pd
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.table import Table as WordTable

from model.lines import LINE_IDS
from model.report import build
from model.report.appendix_pdf import missing_characters
from model.report.labels import line_name
from tests.conftest import REPO, cli
from tests.default_city import CITY, PAYERS

SECTIONS_ZH = ("一、编制说明", "二、附表", "三、图", "四、资料来源")
SECTIONS_EN = ("1. Notes on the estimates", "2. Tables", "3. Charts", "4. Sources")


def wan(yuan: float) -> str:
    return f"{yuan / 10_000:,.2f}"


def _run(tmp_path_factory, scenario: str, *report_args: str):
    out = tmp_path_factory.mktemp("appendix") / scenario
    result = cli("run", REPO / "scenarios" / f"{scenario}.toml", "--out", out, "--replicates", "20", "--quiet")
    assert result.exit_code == 0, result.output
    result = cli("report", out, *report_args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return _run(tmp_path_factory, "baseline")


@pytest.fixture(scope="module")
def full_plan_en(tmp_path_factory):
    return _run(tmp_path_factory, "full_plan", "--lang", "en")


def captioned_tables(document) -> dict[str, WordTable]:
    """Each Word table under the caption just before it (表N … / Table N. …)."""
    tables, caption = {}, None
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = docx.text.paragraph.Paragraph(element, document._body)
            if paragraph.style.name == "Caption":
                caption = paragraph.text
        elif element.tag == qn("w:tbl") and caption is not None:
            tables[caption] = WordTable(element, document._body)
            caption = None
    return tables


def table_titled(tables: dict[str, WordTable], title: str) -> WordTable:
    found = [table for caption, table in tables.items() if caption.endswith(title)]
    assert len(found) == 1, (title, list(tables))
    return found[0]


def cells(table: WordTable) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def check_year_table(rows: list[list[str]], frame: pd.DataFrame, key_of_label: dict[str, tuple[str, str]],
                     years: list[int], with_total: bool = True) -> int:
    """Every row whose label is known equals the CSV cell by cell (and its period total the
    sum of its years); returns the number of cells checked."""
    assert rows[0][1:1 + len(years)] == [str(y) for y in years]
    checked = 0
    for row in rows[1:]:
        if row[0] not in key_of_label:
            continue
        line, payer = key_of_label[row[0]]
        values = [float(frame.loc[(line, payer, year)]) for year in years]
        assert row[1:1 + len(years)] == [wan(v) for v in values], row[0]
        if with_total:
            assert row[1 + len(years)] == wan(sum(values)), row[0]
        checked += len(years)
    return checked


def test_docx_tables_equal_the_csvs(baseline):
    document = docx.Document(str(baseline / "appendix.docx"))  # opens: python-docx reads it back
    tables = captioned_tables(document)
    budget = pd.read_csv(baseline / "budget.csv")
    accrual = budget[budget.basis == "accrual"].set_index(["line", "payer", "year"])["mean"]
    cash = budget[budget.basis == "cash"].set_index(["line", "payer", "year"])["mean"]
    years = sorted(int(y) for y in budget.year.unique())
    lines = [line for line in LINE_IDS if line in set(budget.line)]

    by_line = cells(table_titled(tables, "各项目年度支出（权责发生制）"))
    labels = {line_name(line, "zh"): (line, "all") for line in lines} | {"合计": ("all", "all")}
    assert [row[0] for row in by_line[1:1 + len(labels)]] == list(labels)  # every line, then the total
    assert check_year_table(by_line, accrual, labels, years) == len(labels) * len(years)
    p95 = budget[(budget.basis == "accrual") & (budget.line == "all") & (budget.payer == "all")].set_index("year")["p95"]
    assert by_line[-1][1:1 + len(years)] == [wan(p95.loc[y]) for y in years]  # the total's 95% quantile

    by_payer = cells(table_titled(tables, "分承担主体年度支出（权责发生制）"))
    payers = {CITY.payer_name(payer, "zh"): ("all", payer) for payer in PAYERS} | {"合计": ("all", "all")}
    assert check_year_table(by_payer, accrual, payers, years) == len(payers) * len(years)

    assert check_year_table(cells(table_titled(tables, "分承担主体年度现金支出（收付实现制）")), cash, payers,
                            years) == len(payers) * len(years)
    payables = pd.read_csv(baseline / "payables.csv").set_index(["line", "payer", "year"])["mean"]
    payable_rows = cells(table_titled(tables, "年末应付未付款（已发生、尚未拨付）"))
    assert payable_rows[0][1] == f"{years[0] - 1}年末"
    for row in payable_rows[1:]:
        _, payer = payers[row[0]]
        assert row[1:] == [wan(payables.loc[("all", payer, year)]) for year in range(years[0] - 1, years[-1] + 1)]

    plan = cells(table_titled(tables, f"中期财政规划：{years[1]}–{years[3]}年现金支出（收付实现制，分承担主体）"))
    for row in plan[1:]:
        _, payer = payers[row[0]]
        assert row[1] == wan(payables.loc[("all", payer, years[0])])  # carried in from the year before
        values = [cash.loc[("all", payer, year)] for year in years[1:4]]
        assert row[2:5] == [wan(v) for v in values] and row[5] == wan(sum(values))

    period = cells(table_titled(tables, f"{years[0]}–{years[-1]}年各项目支出合计及5–95%区间（权责发生制）"))
    for row in period[1:]:
        line, _ = labels[row[0]]
        assert row[1] == wan(sum(accrual.loc[(line, "all", y)] for y in years))
    money = [table for caption, table in tables.items() if "万元" in caption or int(caption[1:].split()[0]) >= 4]
    assert len(money) == 6
    for table in money:  # the money tables: two decimals wherever a number stands
        for row in cells(table)[1:]:
            for text in row[1:]:
                assert not re.fullmatch(r"-?[\d,]+\.\d+", text) or re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", text)


def test_docx_layout(baseline):
    document = docx.Document(str(baseline / "appendix.docx"))
    # A4, page numbers in the footer (a PAGE field), the title page without one
    for section in document.sections:
        assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}
        footer = section.footer
        assert "PAGE" in "".join(footer._element.xpath(".//w:instrText/text()"))
    assert document.sections[0].different_first_page_header_footer
    assert not any(s.different_first_page_header_footer for s in document.sections[1:])
    assert any(s.orientation == 1 for s in document.sections)  # the wide tables in landscape
    # header rows repeat on every page
    for table in document.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), cells(table)[0]
    # Chinese text names its East Asian font: 宋体 for the body, 黑体 for headings
    fonts = {name: document.styles[name].element.xpath("./w:rPr/w:rFonts")[0] for name in ("Normal", "Heading 1")}
    assert fonts["Normal"].get(qn("w:eastAsia")) == "宋体" and fonts["Normal"].get(qn("w:ascii")) == "Times New Roman"
    assert fonts["Heading 1"].get(qn("w:eastAsia")) == "黑体" and fonts["Heading 1"].get(qn("w:eastAsiaTheme")) is None


def test_title_page_and_sections(baseline):
    document = docx.Document(str(baseline / "appendix.docx"))
    title_page = []
    for paragraph in document.paragraphs:
        title_page.append(paragraph.text)
        if paragraph._p.xpath("./w:pPr/w:sectPr"):  # the end of the title page's section
            break
    text = "\n".join(title_page)
    manifest = pd.read_json(baseline / "manifest.json", typ="series")
    assert "测算方案：baseline" in text and f"随机种子：{manifest['seed']}" in text and "模拟次数：20次" in text
    assert "荆门市优化生育政策促进人口长期均衡发展实施方案" in text and "运行日期：" in text and "birthbudget" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTIONS_ZH)
    body = "\n".join(p.text for p in document.paragraphs)
    # what is off in this run, the method's key words, the data counted, the sources numbered
    assert "未启用" in body and "国家育儿补贴" in body and "50%" in body and "权责发生制" in body
    status = pd.read_csv(REPO / "model" / "data" / "sources.csv").status.value_counts()
    assert f"读取{status['read']}项" in body and f"推算{status['derived']}项" in body
    assert f"假设{status['assumption']}项" in body
    assert "[1] 荆门市人民政府" in body and "[2]" in body


def test_every_chart_has_a_numbered_caption(baseline):
    document = docx.Document(str(baseline / "appendix.docx"))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("图")]
    charts = sorted(path.stem for path in (baseline / "charts").glob("*.png"))
    assert len(document.inline_shapes) == len(charts) == len(captions) == 5
    assert [int(re.match(r"图(\d+) ", c).group(1)) for c in captions] == [1, 2, 3, 4, 5]
    tables = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("表")]
    assert [int(re.match(r"表(\d+) ", c).group(1)) for c in tables] == list(range(1, len(tables) + 1))


def test_pdf_has_the_same_content(baseline):
    reader = pypdf.PdfReader(str(baseline / "appendix.pdf"))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", "", "".join(pages))
    for title in SECTIONS_ZH:
        assert title in text
    document = docx.Document(str(baseline / "appendix.docx"))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for caption in captions:  # the Word file's captions, in the PDF
        assert re.sub(r"\s+", "", caption) in text, caption
    budget = pd.read_csv(baseline / "budget.csv")
    total = budget[(budget.basis == "accrual") & (budget.line == "all") & (budget.payer == "all")]
    assert wan(total["mean"].iloc[0]) in text and wan(total["mean"].sum()) in text  # a table figure
    assert "第2页" in re.sub(r"\s+", "", pages[1]) and "第" not in pages[0]  # numbered, the title page apart
    images = sum(len(page.images) for page in reader.pages)
    assert images == 5


def test_english_full_plan(full_plan_en):
    out = full_plan_en
    assert (out / "appendix_en.docx").is_file() and (out / "appendix_en.pdf").is_file()
    document = docx.Document(str(out / "appendix_en.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS_EN)
    figures = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Figure")]
    assert [int(re.match(r"Figure (\d+)\. ", c).group(1)) for c in figures] == list(range(1, len(figures) + 1))
    tables = captioned_tables(document)
    budget = pd.read_csv(out / "budget.csv")
    accrual = budget[budget.basis == "accrual"].set_index(["line", "payer", "year"])["mean"]
    years = sorted(int(y) for y in budget.year.unique())
    # revenue forgone and memo items: a table of their own, never in a total
    other = cells(table_titled(tables, "Revenue forgone and memo items (never in a total)"))
    names = {line_name(line, "en"): line for line in ("iit_deduction_revenue", "housing_fund_limit")}
    payers = {CITY.payer_name(p, "en"): p for p in set(budget.payer) - {"all"}} | {"subtotal": "all"}
    for row in other[1:]:
        line, payer = names[row[0]], payers[row[1]]
        values = [accrual.loc[(line, payer, y)] for y in years]
        assert row[2:] == [*(wan(v) for v in values), wan(sum(values))]
    by_line = cells(table_titled(tables, "Annual cost by line (accrual basis)"))
    assert not {line_name(line, "en") for line in names.values()} & {row[0] for row in by_line}
    # co-funded lines: the total says so, and Jingmen's own part is the sum of its payers
    by_payer = cells(table_titled(tables, "Annual cost by payer (accrual basis)"))
    local = next(row for row in by_payer if row[0] == "of which Jingmen's own budgets")
    for i, year in enumerate(years):
        assert local[1 + i] == wan(sum(accrual.loc[("all", p, year)] for p in PAYERS))
    assert any(row[0] == "Total (incl. central and province)" for row in by_payer)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(out / "appendix_en.pdf")).pages)
    assert "Figure 1." in text and "Table 10." in text and "Page 2" in text


def test_a_failure_writes_nothing(tmp_path, monkeypatch, baseline):
    run = tmp_path / "run"
    shutil.copytree(baseline, run)
    for name in ("charts", "appendix.docx", "appendix.pdf", "appendix.xlsx"):
        path = run / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    before = {path.relative_to(run): path.stat().st_mtime_ns for path in run.rglob("*")}
    ledger = (run / ".birthbudget-files").read_text()

    def broken(document, path):
        path.write_bytes(b"half a document")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "write_pdf", broken)
    result = cli("report", run)
    assert result.exit_code == 2 and "nothing was changed" in result.output
    assert {path.relative_to(run): path.stat().st_mtime_ns for path in run.rglob("*")} == before
    assert (run / ".birthbudget-files").read_text() == ledger

    def bug(document, path):
        raise RuntimeError("a bug in the Word writer")

    monkeypatch.setattr(build, "write_docx", bug)
    with pytest.raises(RuntimeError):
        build.build_report(run)
    assert {path.relative_to(run): path.stat().st_mtime_ns for path in run.rglob("*")} == before


def test_a_missing_glyph_is_named():
    assert missing_characters("荆门市 三孩育儿补贴 万元 ☃") == ["☃"]
