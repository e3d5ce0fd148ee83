"""A city is a folder of data (issue 13): its city.toml names the areas, payers and plan, and no
code under model/ names a city, an area or a figure of the default city."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from model.city import DEFAULT_CITY_DIR, default_city, load_city
from model.errors import InputError
from model.run_folder import load_run
from tests.conftest import REPO, cli, run_file

# New ids and names for the default city's areas: the same data under other names.
RENAMED = {"dongbao": "east", "duodao": "south", "zhanghe": "lake", "jingshan": "hills", "zhongxiang": "river",
           "shayang": "sands", "qujialing": "farms"}


NAMES = {"荆门高新区·掇刀区": "南区", "东宝区": "东区", "漳河新区": "湖区", "京山市": "山市", "钟祥市": "河市", "沙洋县": "沙县",
         "屈家岭管理区": "农场区", "屈家岭": "农场", "东宝": "东", "漳河": "湖", "京山": "山", "荆门": "试验",
         "湖北": "某省", "Jingmen": "Testville", "jingmen": "testville", "Hubei": "Someprovince"}


def renamed_city(folder: Path) -> Path:
    """The default city copied to `folder` with every area id and every name changed (in all its
    files: the same data under other names)."""
    shutil.copytree(DEFAULT_CITY_DIR, folder, ignore=shutil.ignore_patterns("raw", "__pycache__"))
    for path in [*folder.glob("*.csv"), *folder.glob("*.toml")]:
        text = path.read_text(encoding="utf-8")
        for old, new in RENAMED.items():
            text = re.sub(rf"\b{old}\b", new, text)
        for old, new in NAMES.items():
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return folder


def city_scenario(write, file: str, name: str, folder: Path, body: str = "") -> Path:
    """A scenario file of the city in `folder` (`body`: more of the scenario)."""
    return write(file, f'[scenario]\nname = "{name}"\ncity = "{folder.as_posix()}"\n{body}')


def test_the_default_city_is_read_from_its_city_toml() -> None:
    city = default_city()
    assert (city.folder / "city.toml").is_file()
    assert city.payers[0] == "city" and city.payers[1:] == city.areas
    assert set(city.districts) | set(city.counties) == set(city.areas)
    # every census unit has exactly one area that takes what the others' shares leave
    rests = {rest for _, rest in city.share_parameters.values()}
    assert len(rests) == len(city.share_parameters)


def test_a_renamed_city_gives_the_same_money_under_its_own_ids_and_names(tmp_path, write) -> None:
    folder = renamed_city(tmp_path / "testville")
    scenario = city_scenario(write, "testville.toml", "testville", folder)
    defaults = write("defaults.toml", """
        [scenario]
        name = "the default city's defaults"
        """)
    ours, base = run_file(scenario, replicates=20), run_file(defaults, replicates=20)
    assert ours.payer_ids == ("city", *RENAMED.values())
    # the same data under other names gives the same yuan, payer by payer
    np.testing.assert_array_equal(ours.accrual, base.accrual)
    out = tmp_path / "run"
    result = cli("run", scenario, "--out", out, "--replicates", "20")
    assert result.exit_code == 0, result.output
    assert "东区 east" in result.output and "东宝" not in result.output
    run = load_run(out)
    assert run.city.name("zh") == "试验市"
    assert set(run.budget.payer) == {"city", *RENAMED.values(), "all"}
    assert set(run.births.area) == set(RENAMED.values())


def test_a_renamed_citys_report_speaks_of_that_city(tmp_path, write) -> None:
    folder = renamed_city(tmp_path / "testville")
    scenario = city_scenario(write, "testville.toml", "testville", folder)
    out = tmp_path / "run"
    assert cli("run", scenario, "--out", out, "--replicates", "10").exit_code == 0
    result = cli("report", out)
    assert result.exit_code == 0, result.output
    from docx import Document
    from openpyxl import load_workbook

    document = Document(str(out / "appendix.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    workbook = load_workbook(out / "appendix.xlsx")
    text += "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row)
    assert "试验市" in text and "东区" in text
    for name in ("荆门", "东宝", "漳河", "屈家岭", "湖北"):  # the code adds no name of the default city
        assert name not in text, name


@pytest.mark.parametrize(("change", "field", "message"), [
    (('id = "dongbao"', 'id = "duodao"'), "areas", "area id 'duodao' is given twice"),
    (('id = "dongbao"', 'id = "city"'), "areas", "reserved"),
    (('share_parameter = "zhanghe_share_of_dongbao_unit"\n', ""), "areas", "census unit 'dongbao_unit'"),
    (('level = "district"', 'level = "town"', 1), "areas.0.level", "'district' or 'county'"),
    (('name_en = "Jingmen City"', 'name_en = "Jingmen City"\nmayor = "x"'), "city.mayor", "Extra inputs"),
])
def test_a_bad_city_toml_is_refused_naming_the_file_and_field(tmp_path, write, change, field, message) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(DEFAULT_CITY_DIR, folder, ignore=shutil.ignore_patterns("raw", "__pycache__"))
    city = folder / "city.toml"
    old, new, *count = change
    text = city.read_text(encoding="utf-8")
    assert old in text
    city.write_text(text.replace(old, new, *count), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_city(folder)
    assert error.value.file == str(city.resolve()) and error.value.field == field
    assert message in error.value.message
    scenario = city_scenario(write, "s.toml", "bad city", folder)
    out = tmp_path / "out"
    result = cli("run", scenario, "--out", out)
    assert result.exit_code == 2 and "city.toml" in result.output and not out.exists()


@pytest.mark.parametrize("what", ["missing", "file", "no_city_toml"])
def test_a_city_folder_that_is_not_one_is_refused(tmp_path, write, what) -> None:
    folder = tmp_path / "city"
    if what == "file":
        folder.write_text("not a folder")
    elif what == "no_city_toml":
        folder.mkdir()
    scenario = city_scenario(write, "s.toml", "no city", folder)
    out = tmp_path / "out"
    result = cli("run", scenario, "--out", out)
    assert result.exit_code == 2, result.output
    assert {"missing": "city folder not found", "file": "city folder expected",
            "no_city_toml": "city.toml"}[what] in result.output
    assert not out.exists()


def test_a_scenario_naming_an_area_the_city_does_not_have_is_refused(tmp_path, write) -> None:
    folder = renamed_city(tmp_path / "testville")
    scenario = city_scenario(write, "s.toml", "old ids", folder, "[lines.nipt.city_share]\ndongbao = 0.5\n")
    result = cli("run", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "lines.nipt.city_share: unknown area 'dongbao'" in result.output and "east" in result.output


def _code_files() -> list[Path]:
    return sorted(path for path in (REPO / "model").rglob("*.py") if "data" not in path.relative_to(REPO).parts)


def test_no_code_under_model_names_the_default_city_its_areas_or_its_figures() -> None:
    """The city is data: its names, area ids and figures appear in model/data only."""
    city = default_city()
    spec = city.spec
    names = {city.id, spec.city.name_zh, spec.city.short_zh, spec.city.name_en, spec.city.short_en,
             spec.city.province_zh, spec.city.province_en.split()[0], *(area.id for area in spec.areas),
             *(area.name_zh for area in spec.areas), *(area.name_en.split()[0] for area in spec.areas),
             *(area.census_unit for area in spec.areas)}
    base_births = round(sum(float(row.split(",")[2]) for row in
                            (city.folder / "base_year_births.csv").read_text().splitlines()[1:]))
    figures = {f"{base_births}", f"{base_births:,}", f"{base_births:_}"}
    found = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        for needle in names | figures:
            if re.search(rf"(?<![\w.]){re.escape(needle)}(?![\w])", text, flags=re.IGNORECASE):
                found.append(f"{path.relative_to(REPO)}: {needle}")
    assert not found, found
    assert len(_code_files()) > 50  # the search looked at the code


def test_a_citys_defaults_may_name_its_own_tables_and_are_named_in_errors(tmp_path, write) -> None:
    """A city's defaults.toml may name a table of its folder ([data] births_history = "…"): it is
    read from the city's folder, not the scenario's. A value the scenario does not set comes from
    the city's defaults.toml, and an error in it names that file."""
    from model.scenario import load_scenario

    city = shutil.copytree(DEFAULT_CITY_DIR, tmp_path / "city", ignore=shutil.ignore_patterns("raw", "__pycache__"))
    shutil.copy(city / "births_history.csv", city / "own_history.csv")
    defaults = city / "defaults.toml"
    defaults.write_text(defaults.read_text(encoding="utf-8") + '\n[data]\nbirths_history = "own_history.csv"\n',
                        encoding="utf-8")
    path = write("s.toml", f'[scenario]\nname = "own tables"\ncity = "{city.as_posix()}"\n')
    loaded = load_scenario(path)
    assert loaded.scenario.data.births_history == str((city / "own_history.csv").resolve())
    assert loaded.origin["lines.nipt.price"] == str(defaults)
    text = defaults.read_text(encoding="utf-8")
    defaults.write_text(re.sub(r"(?m)^months_before_birth = \d+", "months_before_birth = 12", text), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert (caught.value.file, caught.value.field) == (str(defaults), "lines.nipt.months_before_birth")
