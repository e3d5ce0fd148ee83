"""The run, as a pipeline of small stages; each imports only the stages above it:

    prepare        scenario + base data → checked inputs, calibration, the run's lines and payers
    block          one block of replicates: parameters drawn → demography (model.engine) →
                   every line's entitlements (model.lines)
      accounts     → payer split, cash through the claims profile, payables; which kinds add up
      impact       → induced births, spending on them (deadweight)
    claims_pilot   the claims process (simpy) once per scenario, on a fixed pilot block
    runner         every block, on this process and a pool of workers → RunResult
"""

from model.pipeline.prepare import Prepared, prepare
from model.pipeline.run_result import RunResult
from model.pipeline.runner import run

__all__ = ["Prepared", "RunResult", "prepare", "run"]
