"""Worker processes that never outlive the run that started them.

A run killed from outside (SIGTERM from `timeout` or a scheduler, SIGKILL from the out-of-memory
killer) would otherwise leave its pool's workers blocked on a pipe nobody reads, each holding
hundreds of MB. On Linux each worker asks the kernel to kill it when its parent dies; the
command line turns SIGTERM into the same orderly stop as Ctrl-C.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from types import FrameType

PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent exits; True where it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def start_worker() -> None:
    """In a pool worker, first thing: die with the parent, and take SIGTERM by default. The parent's
    SIGTERM handler (stop_on_sigterm) is inherited through fork; in a worker it would turn the pool's
    own shutdown signal into a KeyboardInterrupt that the worker survives, blocked on a pipe."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()


def stop_on_sigterm() -> None:
    """SIGTERM stops the command as Ctrl-C does: the pool is shut down and nothing is written."""
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
