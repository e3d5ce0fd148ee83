"""What `pip install` brings: the model and its command line without Jupyter or Dask, extras for
those, and every dependency bounded above (a fresh install next year gets tested versions)."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[;! ]", requirement, maxsplit=1)[0].lower()


def test_the_core_install_has_no_jupyter_and_no_dask():
    core = {_name(r) for r in PROJECT["dependencies"]}
    assert not core & {"jupyter", "ipykernel", "ipywidgets", "notebook", "dask", "distributed", "pytest"}
    assert {"numpy", "pandas", "matplotlib", "typer", "python-docx", "reportlab"} <= core


def test_extras_for_notebooks_dask_and_development():
    extras = PROJECT["optional-dependencies"]
    assert {_name(r) for r in extras["notebooks"]} >= {"jupyter", "ipykernel", "ipywidgets"}
    assert {_name(r) for r in extras["dask"]} == {"dask"}
    assert "birthbudget[notebooks,dask]" in extras["dev"]  # the README's first command sets up everything


def test_every_dependency_is_bounded_above():
    requirements = [*PROJECT["dependencies"], *(r for extra in PROJECT["optional-dependencies"].values()
                                                for r in extra if not r.startswith("birthbudget"))]
    unbounded = [r for r in requirements if "<" not in r]
    assert not unbounded, unbounded
