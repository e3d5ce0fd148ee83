"""The layout: dependencies run one way, downwards, and no module imports itself in a circle.

Each module of `model` belongs to one layer (README, "Architecture"); it may import modules of
its own layer or of layers below, never above, whether at the top of the file or inside a
function. Imports under `if TYPE_CHECKING:` name types for annotations only (a line's functions
take a Scenario): they run no code and are not dependencies. The top-level import graph has no cycle.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model"

LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"errors", "files", "units", "kinds", "version", "city", "malloc_tuning", "worker_lifetime", "rng",
              "kernels", "uncertainty"}),
    ("numbers", {"yearpath", "bounded_numbers", "input_tables", "realise", "sections", "sampling_compiled",
                 "sampling"}),
    # each line module declares its own scenario table: the scenario's schema gathers them
    ("lines", {"lines"}),
    ("scenario", {"scenario"}),
    ("inputs", {"inputs", "overrides", "calibration", "run_calendar", "provenance"}),
    ("engine", {"engine_kernels", "engine", "disbursement", "behaviour", "memory"}),
    ("pipeline", {"pipeline"}),
    ("outputs", {"result_tables", "run_folder", "summary", "compare", "mtfp", "rerun", "sweep", "reference", "readings",
                 "report"}),
    ("interface", {"cli", "__main__", "explore", ""}),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(module: str) -> bool:
    path = PACKAGE.parent / module.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a `from … import` names, relative imports (`from . import x`) resolved."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    return {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
            and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            for statement in node.body for inner in ast.walk(statement)}


def _imports(tree: ast.Module, top_level_only: bool, package: str) -> set[str]:
    skip = _type_checking_only(tree)
    nodes = [node for node in (tree.body if top_level_only else ast.walk(tree)) if id(node) not in skip]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and _absolute(node, package).split(".")[0] == "model":
            module = _absolute(node, package)
            submodules = {f"{module}.{alias.name}" for alias in node.names}
            found |= {m for m in submodules if _exists(m)} or {module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "model"}
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("model")):
            found.add(str(node.args[0].value))  # importlib.import_module("model.…")
    return found


@cache
def _graph(top_level_only: bool) -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = _imports(ast.parse(path.read_text(encoding="utf-8")), top_level_only, package) - {module}
    return graph


def _layer(module: str) -> int:
    name = module.removeprefix("model").removeprefix(".").split(".")[0]
    for index, (_, members) in enumerate(LAYERS):
        if name in members:
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and to the README's architecture")


def test_every_module_has_a_layer():
    for module in _graph(top_level_only=False):
        _layer(module)


@pytest.mark.parametrize("module", sorted(_graph(top_level_only=False)))
def test_imports_run_downwards(module):
    upward = [(dependency, LAYERS[_layer(dependency)][0]) for dependency in _graph(top_level_only=False)[module]
              if _layer(dependency) > _layer(module)]
    assert not upward, f"{module} ({LAYERS[_layer(module)][0]}) imports from above: {upward}"


def test_no_circular_import():
    graph = _graph(top_level_only=True)
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for dependency in sorted(graph.get(module, ())):
            if state.get(dependency) == "open":
                cycle = path[path.index(dependency):] + [dependency] if dependency in path else [module, dependency]
                raise AssertionError("circular import: " + " → ".join(cycle))
            if dependency not in state:
                visit(dependency, [*path, dependency])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


PIPELINE_STAGES = ["prepare", "accounts", "impact", "block", "claims_pilot", "run_result", "runner"]


def test_pipeline_stages_import_only_the_stages_before_them():
    graph = _graph(top_level_only=False)
    stages = {f"model.pipeline.{name}": index for index, name in enumerate(PIPELINE_STAGES)}
    assert set(stages) == {m for m in graph if m.startswith("model.pipeline.")}, "a stage is missing from the list"
    for stage, index in stages.items():
        later = [dep for dep in graph[stage] if stages.get(dep, -1) > index]
        assert not later, f"{stage} imports a later stage: {later}"
