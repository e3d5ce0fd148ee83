"""Random streams keyed by what they draw for, not by the order of the draws.

Replicates run in fixed blocks of BLOCK_SIZE. Each (block, event, year) gets its own
stream, `SeedSequence(seed, spawn_key=(block, event, year))`, and a block's draws fill its
replicates in order, so replicate r sees the same numbers whether the run has 20 or 10,000
replicates, one process or several (a block is never split across processes). Two
scenarios with the same seed share every stream they both use (common random numbers):
changing an amount or a take-up never moves the demographic draws.

Rule: one stream, one draw call. A second call on the same generator would start where
the first ended, which depends on how many replicates the block holds, so every call site
asks for its own key (tests/pipeline/test_determinism.py, test_results_do_not_depend_on_processes_or_on_the_replicate_count, enforces it).
"""

from __future__ import annotations

import zlib

import numpy as np

BLOCK_SIZE = 50  # part of the reproducibility contract: changing it changes the draws


def block_bounds(replicates: int) -> list[tuple[int, int]]:
    """(first, stop) replicate indices of every block."""
    return [(start, min(start + BLOCK_SIZE, replicates)) for start in range(0, replicates, BLOCK_SIZE)]


class Streams:
    """Random generators for one block of replicates."""

    def __init__(self, seed: int, block: int, prefix: str = "") -> None:
        self.seed = seed
        self.block = block
        self.prefix = prefix  # a second, independent set of streams (e.g. "induced:")

    def __call__(self, event: str, year: int = 0) -> np.random.Generator:
        key = (self.block, zlib.crc32((self.prefix + event).encode("utf-8")), year)
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key)))
