"""Repository-wide pytest settings: notebooks run with few replicates in the test suite, and under
mutation testing the tests of the mutated module's area run first."""

import os

import pytest

os.environ.setdefault("BIRTHBUDGET_NOTEBOOK_REPLICATES", "20")

# mutmut judges a mutant by the first failing test (it runs pytest with -x), so running the tests
# closest to the mutated code first only makes a killed mutant's run shorter: the verdict is the same.
AREA_TESTS = (("model.lines.", "tests/lines/"), ("model.scenario.", "tests/scenario/"),
              ("model.bounded_numbers.", "tests/scenario/"), ("model.pipeline.", "tests/pipeline/"),
              ("model.disbursement.", "tests/pipeline/"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    first = next((folder for prefix, folder in AREA_TESTS if mutant.startswith(prefix)), None)
    if first is not None:
        items.sort(key=lambda item: not item.nodeid.startswith(first))  # stable: file order kept within
