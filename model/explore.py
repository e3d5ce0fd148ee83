"""A scenario explored by changing a few values: each run answers at once.

    explorer = model.Explorer("scenarios/baseline.toml", replicates=200)
    result = explorer.run({"lines.third_child_allowance.monthly_amount": 600,
                           "behaviour.fertility_response": 0.0})

`run(changes)` gives the RunResult that `model.run` gives for a scenario file extending this one
and setting those keys (the same merge: a table's keys one by one, a number, distribution or
year path whole), identical to the bit. Changes are made to the explorer's scenario each time,
never to the previous run's. The speed comes from model.pipeline.runner.Session: worker
processes kept between runs, the prepared data sent to them once, and the claims queue's
profiles reused when its inputs are the same (see Session for what is reused and why it is safe).
Close the explorer (or use it in a `with` block) to stop its workers; they also stop with the
Python process.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import InputError
from model.scenario import LoadedScenario, _merge, _resolve_paths, _validate, load_scenario

if TYPE_CHECKING:  # the pipeline loads when the first explorer is made: `import model` stays quick
    from model.pipeline import RunResult
    from model.pipeline.runner import Session

CHANGES = "explorer changes"  # where a changed value came from, as error messages and manifests name it


def with_changes(loaded: LoadedScenario, changes: Mapping[str, Any] | None) -> LoadedScenario:
    """The scenario with `changes` (dotted key → value) set as a child scenario file would set
    them; file paths are taken relative to the current folder. Bad values raise InputError."""
    if not changes:
        return loaded
    layer: dict[str, Any] = {}
    for dotted, value in changes.items():
        parts = dotted.split(".")
        if not all(parts) or dotted == "scenario.extends":
            raise InputError(CHANGES, dotted, "not a key that can be changed (see docs/scenario-reference.md)")
        node = layer
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise InputError(CHANGES, dotted, "sets a key inside a value that another change sets whole")
        if parts[-1] in node:
            raise InputError(CHANGES, dotted, "set twice, or inside a table another change sets")
        node[parts[-1]] = copy.deepcopy(value)
    tree, origin = copy.deepcopy(loaded.tree), dict(loaded.origin)
    _resolve_paths(layer, Path.cwd())
    _merge(tree, layer, origin, CHANGES)
    return LoadedScenario(scenario=_validate(tree, origin, CHANGES), files=loaded.files, origin=origin, tree=tree)


class Explorer:
    """A scenario and the worker processes that re-run it with changes.

    `scenario`: a scenario file or a loaded scenario; `replicates`, `seed`: as `load_scenario`
    takes them (None: the scenario's own); `workers`: processes (None: one per core).
    """

    def __init__(self, scenario: str | Path | LoadedScenario, replicates: int | None = 200,
                 seed: int | None = None, workers: int | None = None) -> None:
        from model.pipeline.runner import Session

        if isinstance(scenario, LoadedScenario):
            changes = {key: value for key, value in (("scenario.replicates", replicates), ("scenario.seed", seed))
                       if value is not None}
            self.loaded = with_changes(scenario, changes)
        else:
            self.loaded = load_scenario(scenario, replicates=replicates, seed=seed)
        self.session: Session = Session(workers)
        self._finalizer = weakref.finalize(self, self.session.close)  # workers stop with the explorer

    def scenario(self, changes: Mapping[str, Any] | None = None) -> LoadedScenario:
        """The loaded scenario a run with `changes` runs."""
        return with_changes(self.loaded, changes)

    def run(self, changes: Mapping[str, Any] | None = None,
            progress: Callable[[int, int], None] | None = None) -> RunResult:
        """Run the scenario with `changes` (dotted key → value), e.g.
        {"lines.housing_subsidy.amount_second_child": 30000}."""
        return self.session.run(self.scenario(changes), progress=progress)

    @property
    def stats(self) -> dict[str, int]:
        """What the runs so far reused: prepared data, claims profiles, workers started."""
        return dict(self.session.stats)

    def close(self) -> None:
        """Stop the worker processes (a later run starts them again)."""
        self.session.close()

    def __enter__(self) -> Explorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
