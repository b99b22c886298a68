"""Worker processes: how each one starts (子进程).

Large jobs run in processes of their own (spawned: a fresh interpreter, nothing shared by accident),
so that no process holds more than its part: the 名单 typeset in parts, a large PDF read by pypdf.
"""
from __future__ import annotations

import os


def worker_start(parent: int) -> None:
    """In each worker: die with the parent, leave Ctrl-C to it."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed with the parent
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
