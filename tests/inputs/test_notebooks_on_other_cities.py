"""Notebooks 01 (quickstart) and 03 (budget appendix) run on another city's scenario and speak of
it (the suite runs every notebook on the default city; this runs these two on Hohhot)."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO


@pytest.mark.parametrize("name", ["01_quickstart", "03_budget_appendix"])
def test_a_notebook_runs_on_another_city(name, monkeypatch) -> None:
    monkeypatch.setenv("BIRTHBUDGET_NOTEBOOK_SCENARIO", "cities/hohhot.toml")
    monkeypatch.setenv("BIRTHBUDGET_NOTEBOOK_REPLICATES", "10")
    notebook = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False)
    assert "dongbao" not in outputs and "荆门" not in outputs
    if name == "01_quickstart":  # the city, and its package's lines in the budget table
        assert "呼和浩特市" in outputs and "first_child_grant" in outputs
    else:  # the appendix files, and the medium-term plan by the city's payers
        assert "appendix.pdf" in outputs and "xincheng" in outputs
