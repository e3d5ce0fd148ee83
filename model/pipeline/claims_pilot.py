"""The claims pilot: the claims process (simpy) run once per scenario on the expected claims
of a fixed pilot block; its approval timing is applied to every replicate's cash."""

from __future__ import annotations

import numpy as np

from model.disbursement import approval_profile
from model.pipeline.block import BlockEntitlements, block_entitlements
from model.pipeline.prepare import Prepared

PILOT_REPLICATES = 20  # fixed: the expected claims need a few replicates, not the run's


def approval_profiles(prepared: Prepared, block_zero: BlockEntitlements | None = None) -> dict[str, np.ndarray]:
    """Run the claims process (simpy) on the expected claims of a fixed pilot block.

    The pilot is the first PILOT_REPLICATES replicates of block 0 whatever the run's size, so
    the profiles, and every cash figure, do not depend on --replicates or --workers. When block 0
    is drawn anyway with at least that many replicates, its first ones are the pilot (a
    replicate's draws do not depend on how many the block holds), and nothing is drawn twice.
    """
    if block_zero is None or len(block_zero.demography.births) < PILOT_REPLICATES:
        block_zero = block_entitlements(prepared, 0, PILOT_REPLICATES)
    timing, queued = prepared.scenario.disbursement, {line.id for line in prepared.lines if line.cash is None}
    return {line_id: np.stack([approval_profile(entitlement.claims[:PILOT_REPLICATES, :, a].mean(axis=0),
                                                timing.of(line_id, prepared.scenario))
                               for a in range(entitlement.claims.shape[-1])])
            for line_id, entitlement in block_zero.entitlements.items() if line_id in queued}


