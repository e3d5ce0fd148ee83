"""Impact: the births the subsidies induce, and the spending on births that would have
happened anyway (deadweight), for one block.

Birth-linked lines are priced a second time on the induced births alone (their own random
streams), so the spending they cause can be told from the spending on all births.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from model.lines import section_of
from model.lines.base import Entitlement, LineContext
from model.pipeline.prepare import Prepared
from model.rng import Streams
from model.scenario import Scenario


def block_impact(prepared: Prepared, realised: Scenario, context: LineContext,
                 entitlements: dict[str, Entitlement], block: int, replicates: int) -> dict[str, np.ndarray]:
    """[rep, budget year] induced births, spending on birth-linked lines, and the part of it on
    induced births."""
    calendar, demography = prepared.calendar, context.demography
    budget = slice(calendar.start_year - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    n_years = len(calendar.budget_years)
    linked_spend, induced_spend = np.zeros((replicates, n_years)), None
    if demography.induced is not None:
        induced_context = replace(context, demography=replace(demography, births=demography.induced),
                                  streams=Streams(prepared.scenario.scenario.seed, block, prefix="induced:"),
                                  induced_only=True)
        induced_spend = np.zeros_like(linked_spend)
    for line in prepared.lines:
        if not line.birth_linked:
            continue
        linked_spend += calendar.by_year(entitlements[line.id].yuan)[:, budget].sum(axis=2)
        if induced_spend is not None:
            induced = line.accrual(induced_context, section_of(realised, line.id)).yuan
            induced_spend += calendar.by_year(induced)[:, budget].sum(axis=2)
    induced_births = (np.zeros((replicates, n_years)) if demography.induced is None
                      else calendar.by_year(demography.induced.sum(axis=(2, 3, 4)))[:, budget].astype(float))
    return {"induced_births": induced_births, "birth_linked_spending": linked_spend,
            "spending_on_induced_births": induced_spend if induced_spend is not None else np.zeros_like(linked_spend)}
