"""The 名单's parts typeset side by side, one worker process each (并行排版).

Workers are started with ``spawn`` (a fresh interpreter, never a fork of a parent that may run
threads, as under ``mkdocs serve``): a job is plain strings, a result PDF bytes and a page count.
One process per part rather than a Pool: a worker that dies (killed, or failing to start) is an
error here, where a Pool would start another in its place and wait for ever.
"""
from __future__ import annotations

import logging
import os
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Final

from .errors import PdfError
from .fetcher import render

START_METHOD: Final = "spawn"


def typeset_parts(htmls: list[str], base_url: str, allowed: list[Path], concurrency: int | None = None
                  ) -> list[tuple[bytes, int]]:
    """Each HTML as a PDF of its own, at most ``concurrency`` at a time (default: all at once), in order;
    no worker outlives this call."""
    context = get_context(START_METHOD)
    limit = max(1, concurrency or len(htmls))
    pending = list(enumerate(htmls))
    running: list[tuple[int, Any, Any]] = []  # (part, process, its pipe), oldest first; removed once done
    results: dict[int, tuple[bytes, int]] = {}
    try:
        while pending or running:
            while pending and len(running) < limit:
                index, html = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                job = (html, base_url, [str(p) for p in allowed])
                # typeset_part is passed, not looked up in the worker: it is pickled by name, like any job
                process = context.Process(target=_work, args=(typeset_part, job, send, os.getpid()), daemon=True)
                process.start()
                send.close()
                running.append((index, process, receive))
            index, process, receive = running[0]
            try:
                ok, value = receive.recv()
            except EOFError:
                process.join()
                raise PdfError(f"名单的排版子进程意外退出（退出码 {process.exitcode}），PDF 未生成") from None
            if not ok:
                raise value
            results[index] = value
            running.pop(0)
            process.join()
            receive.close()
        return [results[i] for i in range(len(htmls))]
    finally:
        for _index, process, receive in running:  # on failure or Ctrl-C: no worker outlives the build
            if process.is_alive():
                process.kill()
            process.join()
            receive.close()


def typeset_part(job: tuple[str, str, list[str]]) -> tuple[bytes, int]:
    """One part of the 名单 as its own PDF (pages without header or number)."""
    html, base_url, allowed = job
    document = render(html, base_url, [Path(p) for p in allowed])
    return document.write_pdf(pdf_identifier=b"expert-guide-part"), len(document.pages)


def _work(typeset, job, send, parent: int) -> None:
    """A worker's whole life: start as worker_start says, typeset one part, send back the PDF or the error."""
    worker_start(parent)
    try:
        result = (True, typeset(job))
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent, raised there as it was
        result = (False, exc)
    try:
        send.send(result)
    except Exception as exc:  # noqa: BLE001 - an error that does not pickle goes back as one line
        failure = result[1] if not result[0] else exc
        send.send((False, PdfError(f"名单排版失败（{type(failure).__name__}：{failure}）")))
    send.close()


def worker_start(parent: int) -> None:
    """In each worker: die with the parent, leave Ctrl-C to it, and stay as quiet as the parent."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed with the parent
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # a fresh interpreter: the parent's level is not inherited
