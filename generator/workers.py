"""Worker processes: how each one starts (子进程).

Large jobs run in processes of their own (spawned: a fresh interpreter, nothing shared by accident),
so that no process holds more than its part: the 名单 typeset in parts, a large PDF read by pypdf. Jobs
that need what the build already holds (the audit's values, the half of a collection to parse) are forked
(``Forked``)."""
from __future__ import annotations

import os
from typing import Any, Callable


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


def give_back_memory() -> None:
    """Hand the heap freed so far back to the system (glibc's malloc_trim): CPython keeps freed memory for later, so a
    build that has let go of one profile's pages would otherwise still hold them while the next is made and audited
    (at 200,000 experts: 2.06 → 1.41 GB during the intranet's audit)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


class WorkerDied(Exception):
    """A forked process ended without answering (killed, out of memory)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


class Forked:
    """``function(*args)`` in a forked process (not a daemon: it may start processes of its own), its result
    sent back through a pipe. Forked, so that what the parent holds (a million values to look for, a project
    read) is shared, not copied or rebuilt; the objects that exist at the fork are frozen for the collector,
    so that the child does not write to (and so copy) the parent's memory by merely looking at it. It dies
    with the parent (worker_start); ``result`` raises WorkerDied if it ends without answering."""

    def __init__(self, function: Callable[..., Any], args: tuple) -> None:
        import gc
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        gc.freeze()
        try:
            self.process = context.Process(target=_forked, args=(function, args, send, os.getpid()))
            self.process.start()
        finally:
            gc.unfreeze()
        send.close()

    def ready(self) -> bool:
        """True once the result is being sent, or the process has ended (result then does not wait); False once
        the result was taken or the process stopped (nothing more comes)."""
        try:
            return self.receive.poll()
        except (OSError, ValueError):  # closed
            return False

    def result(self) -> Any:
        try:
            return self.receive.recv()
        except (EOFError, OSError):  # ended before its result, or in the middle of sending it (killed, out of memory)
            self.process.join()
            raise WorkerDied(self.process.exitcode) from None
        finally:
            self.stop()

    def stop(self) -> None:
        """No process outlives its use (an interrupted wait, or a caller that gave up before waiting)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receive.close()


def _forked(function: Callable[..., Any], args: tuple, send: Any, parent: int) -> None:
    worker_start(parent)
    send.send(function(*args))
    send.close()
