"""The run, as a pipeline of small stages; each imports only the stages before it in this list
(tests/test_architecture.py checks it):

    prepare        scenario + base data → checked inputs, calibration, the run's lines and payers
    accounts       one block's entitlements → payer split, cash through the claims profile,
                   payables; the one place that knows which kinds add up
    impact         one block's induced births and the spending on them (deadweight)
    block          one block of replicates: parameters drawn → demography (model.engine) → every
                   line's entitlements (model.lines) → accounts and impact
    claims_pilot   the claims process (simpy) once per scenario, on a fixed pilot block
    run_result     the run's result, with the labels the outputs need
    runner         every block, on this process and a pool of workers → RunResult
"""

from model.pipeline.prepare import Prepared, prepare
from model.pipeline.run_result import RunResult
from model.pipeline.runner import run

__all__ = ["Prepared", "RunResult", "prepare", "run"]
