"""The command line's malloc setting (model/malloc_tuning.py)."""

from __future__ import annotations

import os
import platform
import sys

from model.malloc_tuning import keep_freed_memory


def test_allocator_setting_takes_effect_on_glibc_and_reaches_new_processes():
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is on_glibc
    if on_glibc:  # processes started afresh (not forked) read the same setting from the environment
        assert int(os.environ["MALLOC_MMAP_THRESHOLD_"]) >= 32 << 20
        assert int(os.environ["MALLOC_TRIM_THRESHOLD_"]) == 1 << 30
