"""An error names the file where the bad value sits, also when a child scenario inherits it, and
months are read as written (mutation testing found these unchecked; issue 18)."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import load_scenario, lookup, origin_file
from tests.conftest import BASELINE, cli


def _parent_and_child(write, parent_body: str):
    write("parent.toml", f'[scenario]\nname = "parent"\nextends = "{BASELINE}"\n{parent_body}')
    return write("child.toml", '[scenario]\nname = "child"\nextends = "parent.toml"\n')


def test_a_wrong_form_inherited_from_a_parent_names_the_parent(write):
    """A year path where only a number or a distribution is allowed."""
    child = _parent_and_child(write, "[lines.nipt]\npregnancies_per_birth = { values = { 2025 = 1.1 } }\n")
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert caught.value.file.endswith("parent.toml")
    assert caught.value.field == "lines.nipt.pregnancies_per_birth"


def test_a_bad_item_of_an_inherited_list_names_the_parent(write):
    """The error's place is an item of the list (continuation.1), which has no origin of its own:
    the file is the one that set the list."""
    child = _parent_and_child(write, "[lines.art_subsidy]\ncontinuation = [0.35, 1.5]\n")
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert caught.value.file.endswith("parent.toml"), caught.value.describe()


def test_a_check_after_loading_names_the_file_that_set_the_value(write):
    """prepare's checks name the key's file (LoadedScenario.file_of), here a trend set in the parent."""
    child = _parent_and_child(write, "[demography]\nfertility_trend = 0.5\n")
    result = cli("validate", child)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "parent.toml: demography.fertility_trend:" in text and "child.toml" not in text


def test_a_month_may_be_given_as_a_year_and_a_bad_month_is_refused(write):
    year = write("year.toml", f'[scenario]\nname = "y"\nextends = "{BASELINE}"\npolicy_start = 2024\n')
    assert load_scenario(year).scenario.scenario.policy_start == "2024-01"
    bad = write("bad.toml", f'[scenario]\nname = "b"\nextends = "{BASELINE}"\npolicy_start = "2023-13"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(bad)
    assert caught.value.field == "scenario.policy_start" and "YYYY-MM" in caught.value.message


def test_a_measure_s_bad_kind_in_a_parent_names_the_parent(write):
    child = _parent_and_child(write, '[measures.m]\nkind = "grant"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert caught.value.file.endswith("parent.toml")
    assert (caught.value.field, caught.value.message) == ("measures.m.kind",
                                                          "unknown kind 'grant'; kinds are cash_benefit, unit_cost, home_purchase, capped_reimbursement, per_person_scheme")


def test_file_of_names_the_file_that_set_a_key_or_its_table(write):
    child = _parent_and_child(write, "[lines.nipt]\nprice = 900\n")
    loaded = load_scenario(child)
    assert loaded.file_of("lines.nipt.price").endswith("parent.toml")
    assert loaded.file_of("scenario.name").endswith("child.toml")


def test_origin_file_walks_up_to_the_nearest_table_that_has_a_file():
    origin = {"lines": "defaults.toml", "lines.nipt.price": "parent.toml"}
    assert origin_file(origin, "lines.nipt.price", "child.toml") == "parent.toml"
    assert origin_file(origin, "lines.nipt.take_up", "child.toml") == "defaults.toml"
    assert origin_file(origin, "behaviour.x", "child.toml") == "child.toml"


def test_lookup_finds_a_dotted_key_or_says_it_is_not_there():
    tree = {"lines": {"nipt": {"price": 900, "empty": None}}}
    assert lookup(tree, "lines.nipt.price") == (True, 900)
    assert lookup(tree, "lines.nipt.empty") == (True, None)
    assert lookup(tree, "lines.nipt") == (True, {"price": 900, "empty": None})
    assert lookup(tree, "lines.nipt.take_up") == (False, None)
    assert lookup(tree, "lines.nipt.price.x") == (False, None)  # below a value, not a table
    assert lookup(tree, "lines.art") == (False, None)


def test_an_extends_cycle_is_told_with_its_files_in_order(write):
    first = write("a.toml", '[scenario]\nname = "a"\nextends = "b.toml"\n')
    second = write("b.toml", '[scenario]\nname = "b"\nextends = "a.toml"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(first)
    assert (caught.value.file, caught.value.field, caught.value.message) == (
        str(first), "scenario.extends", f"extends forms a cycle: {first} → {second} → {first}")


@pytest.mark.parametrize(("body", "field", "message"), [
    ('[scenario]\nname = "x"\nextends = 3\n', "scenario.extends", "expected a file name (string)"),
    ('[scenario]\nname = "x"\ncity = 3\n', "scenario.city", "expected the city's folder (a string)"),
    ("scenario = 3\n", "scenario", "expected a table [scenario] with keys, got int"),
])
def test_a_scenario_table_or_its_links_written_wrong(write, body, field, message):
    path = write("s.toml", body)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert (caught.value.file, caught.value.field, caught.value.message) == (str(path), field, message)


def test_a_key_missing_from_a_year_path_a_child_replaced_names_the_child(write):
    """The parent's year path had `after`; the child's replacement lacks it: the child is to blame,
    not the parent whose path is gone."""
    parent = write("parent.toml", '[scenario]\nname = "parent"\n[lines.nipt]\nprice = { values = { 2025 = 800 }, '
                                  'after = "hold" }\n')
    child = write("child.toml", f'[scenario]\nname = "child"\nextends = "{parent.name}"\n[lines.nipt]\n'
                                "price = { values = { 2025 = 900 } }\n")
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert (caught.value.file, caught.value.field, caught.value.message) == (
        str(child), "lines.nipt.price.after", "required key is missing")


def test_a_missing_parent_is_told_by_the_child_that_names_it(write):
    child = write("child.toml", '[scenario]\nname = "child"\nextends = "nowhere.toml"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert (caught.value.file, caught.value.field) == (str(child), "scenario.extends")
    assert caught.value.message == f"parent scenario not found: {child.parent / 'nowhere.toml'}"


def test_a_value_from_the_command_line_is_blamed_on_the_command_line(write):
    path = write("s.toml", '[scenario]\nname = "x"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(path, replicates=0)
    assert (caught.value.file, caught.value.field) == ("command line (--replicates)", "scenario.replicates")


def test_a_loaded_child_keeps_its_chain_in_files_not_in_extends(write):
    """The chain is resolved once: the merged scenario (what a run folder records and a rerun reads)
    names no parent, whose path is relative to a folder the rerun may not be in."""
    child = _parent_and_child(write, "")
    loaded = load_scenario(child)
    assert loaded.scenario.scenario.extends is None and "extends" not in loaded.tree["scenario"]
    assert [path.name for path in loaded.files[:2]] == ["child.toml", "parent.toml"]


def test_a_scenario_file_that_is_missing_a_folder_or_not_text_is_named(write, tmp_path):
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path / "missing.toml")
    assert (caught.value.file, caught.value.message) == (str(tmp_path / "missing.toml"), "scenario file not found")
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path)
    assert caught.value.message == "scenario file expected, but this is a folder; give a regular file"
    garbled = tmp_path / "garbled.toml"
    garbled.write_bytes(b"\xff\xfe\xfa\xfb" * 50)
    with pytest.raises(InputError) as caught:
        load_scenario(garbled)
    assert caught.value.file == str(garbled)
