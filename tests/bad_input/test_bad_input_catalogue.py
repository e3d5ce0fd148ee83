"""The catalogue of bad input: each case refused in one `error:` line (exit 2) before any work,
leaving no output folder; --debug shows the traceback; Excel's encodings are read when unambiguous."""

from __future__ import annotations

import pytest

from tests.conftest import cli

OVERRIDE_OK = "year,area,birth_order,births\n2025,dongbao,1,500\n2025,dongbao,2,400\n2025,dongbao,3,60\n"

# (scenario text, extra files, words the one-line message must contain)
CATALOGUE = {
    "malformed TOML": ('[scenario\nname = "x"\n', {}, ["s.toml", "not valid TOML"]),
    "unknown key": ('[scenario]\nname = "x"\n[lines.nipt]\nprise = 3\n', {}, ["lines.nipt.prise", "did you mean 'price'"]),
    "wrong type": ('[scenario]\nname = "x"\nreplicates = "many"\n', {}, ["scenario.replicates", "valid integer"]),
    "share above 1": ('[scenario]\nname = "x"\n[eligibility]\ncity_hukou_share = 1.2\n', {},
                      ["eligibility.city_hukou_share", "less than or equal to 1"]),
    "negative amount": ('[scenario]\nname = "x"\n[lines.housing_subsidy]\namount_second_child = -1\n', {},
                        ["amount_second_child", "greater than or equal to 0"]),
    "end before start": ('[scenario]\nname = "x"\nend_year = 2024\n', {}, ["scenario.end_year", "before start_year"]),
    "past the horizon": ('[scenario]\nname = "x"\nend_year = 2060\n', {}, ["scenario.end_year", "2050"]),
    "extends cycle": ('[scenario]\nname = "x"\nextends = "s.toml"\n', {}, ["scenario.extends", "cycle"]),
    "extends missing": ('[scenario]\nname = "x"\nextends = "gone.toml"\n', {}, ["scenario.extends", "not found"]),
    "csv missing column": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                           {"b.csv": "year,area,births\n2025,dongbao,5\n"}, ["b.csv", "'birth_order'", "missing column"]),
    "csv misspelt column": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                            {"b.csv": OVERRIDE_OK.replace("births\n", "birth\n", 1)}, ["b.csv", "did you mean 'births'"]),
    "csv extra column": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                         {"b.csv": OVERRIDE_OK.replace("births\n", "births,note\n", 1).replace("500\n", "500,a\n")
                          .replace("400\n", "400,b\n").replace("60\n", "60,c\n")}, ["b.csv", "'note'", "unknown column"]),
    "csv duplicate rows": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                           {"b.csv": OVERRIDE_OK + "2025,dongbao,3,60\n"}, ["b.csv", "duplicate row"]),
    "csv empty cell": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                       {"b.csv": OVERRIDE_OK.replace(",60", ",")}, ["b.csv", "line 4", "empty value"]),
    "negative births": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                        {"b.csv": OVERRIDE_OK.replace(",60", ",-6")}, ["b.csv", "'births'", "at least 0"]),
    "fractional births": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                          {"b.csv": OVERRIDE_OK.replace(",60", ",6.5")}, ["b.csv", "whole number"]),
    "unknown area": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                     {"b.csv": OVERRIDE_OK.replace("dongbao,3", "wuhan,3")}, ["b.csv", "'wuhan'", "allowed"]),
    "unknown birth order": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                            {"b.csv": OVERRIDE_OK.replace(",3,60", ",4,60")}, ["b.csv", "'birth_order'", "at most 3"]),
    "year outside the run": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                             {"b.csv": OVERRIDE_OK.replace("2025", "2040")}, ["b.csv", "'year'", "2036"]),
    "undecodable file": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "b.csv"\n',
                         {"b.csv": OVERRIDE_OK.encode("utf-8") + "# café\n".encode("latin-1")}, ["b.csv", "encoding"]),
    "too many replicates": ('[scenario]\nname = "x"\nreplicates = 1000000\n', {}, ["scenario.replicates", "GiB"]),
    # a folder or a device where a file belongs (FIFOs, full disks, damaged run folders, --force at the
    # user's folders: tests/bad_input/test_files_and_folders.py; sweeps:
    # tests/bad_input/test_sweeps_under_bad_conditions.py)
    "folder as a table": ('[scenario]\nname = "x"\n[demography]\nbirths_override = "."\n', {},
                          ["births override file expected", "folder"]),
    "device as a table": ('[scenario]\nname = "x"\n[data]\nlife_table = "/dev/zero"\n', {},
                          ["/dev/zero", "device", "regular file"]),
    "award scheme path grows past the maximum": (
        '[scenario]\nname = "x"\n[lines.family_planning_awards]\nenabled = true\n'
        '[lines.family_planning_awards.schemes.rural_reward]\n'
        'annual_amount = { values = { 2025 = 1000 }, before = "hold", after = "grow", growth = 10 }\n', {},
        ["schemes.rural_reward.annual_amount", "leaves the valid range"]),
    "seed beyond 64 bits": ('[scenario]\nname = "x"\nseed = 18446744073709551616\n', {}, ["scenario.seed"]),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_bad_input_catalogue(tmp_path, case):
    text, files, words = CATALOGUE[case]
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", tmp_path / "s.toml", "--out", out)
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert message.startswith("error:") and "Traceback" not in message
    for word in words:
        assert word in message, (case, message)
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "s.toml").write_text('[scenario]\nname = "x"\n[lines.nipt]\nprise = 3\n', encoding="utf-8")
    result = cli("run", tmp_path / "s.toml", "--out", tmp_path / "out", "--debug")
    assert result.exit_code != 0 and result.exception is not None


def test_excel_encodings_accepted_when_unambiguous(tmp_path):
    """UTF-8 with a BOM, and GBK with Chinese text (a note column is refused, so a Chinese
    comment in a scenario file stands in for the GBK case)."""
    (tmp_path / "b.csv").write_bytes("\ufeff".encode() + OVERRIDE_OK.encode("utf-8"))
    scenario = '# 荆门市 测试方案\n[scenario]\nname = "编码"\n[demography]\nbirths_override = "b.csv"\n'
    (tmp_path / "s.toml").write_bytes(scenario.encode("gbk"))
    result = cli("run", tmp_path / "s.toml", "--out", tmp_path / "out", "--replicates", "3", "--quiet")
    assert result.exit_code == 0, result.output
