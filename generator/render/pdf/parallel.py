"""The 名单's parts typeset side by side, one worker process each, and the guide around them (并行排版).

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
from typing import Any, Callable, Final

from ... import workers
from .errors import PdfError
from .furniture import ROSTER_TITLE, typeset_furniture
from .overlay import lay_over_parts, page_number, placeholder_pages
from .roster import typeset_roster

START_METHOD: Final = "spawn"


def typeset_parts(datas: list[str], font_dirs: list[str], concurrency: int | None = None) -> list[tuple[bytes, int]]:
    """Each part of the 名单 (roster.roster_data's JSON) as a PDF of its own, at most ``concurrency`` at a time
    (default: all at once), in order; no worker outlives this call. ``datas`` is emptied as the workers take
    them (the parent keeps no copy)."""
    count = len(datas)
    jobs = ((datas.pop(0), font_dirs) for _ in range(count))
    # typeset_part is passed, not looked up in the worker: it is pickled by name, like any job
    return run_jobs(typeset_part, jobs, count, concurrency, what="名单")


def typeset_guide(html: str, base_url: str, allowed: list[Path], count: int, parts: list[bytes],
                  font_dirs: list[str]) -> tuple[bytes, int]:
    """The guide with ``count`` placeholder pages, typeset and written in a worker of its own, the parts laid over
    them there: the parent never holds the laid-out guide or pypdf's objects."""
    [result] = run_jobs(guide_with_parts, iter([(html, base_url, [str(p) for p in allowed], count, parts, font_dirs)]),
                        1, 1, what="整本指南")
    return result


def guide_with_parts(job: tuple[str, str, list[str], int, list[bytes], list[str]]) -> tuple[bytes, int]:
    """In the worker: lay out the guide, find its placeholder pages, write it; the header and number of those it
    did not lay out drawn apart (furniture.py); the parts laid over them all."""
    from .fetcher import render  # here: the workers that typeset the 名单's parts do not import WeasyPrint's side

    html, base_url, allowed, count, parts, font_dirs = job
    document = render(html, base_url, [Path(p) for p in allowed])
    laid = placeholder_pages(document, count)
    furnished = count - len(laid)
    number = page_number(document, laid[0]) + 1  # the first page drawn apart: the one after the first laid out
    data = document.write_pdf(pdf_identifier=b"expert-guide", uncompressed_pdf=False)
    total = len(document.pages) + furnished
    del document
    furniture = typeset_furniture(ROSTER_TITLE, number, (laid[0] + 1) % 2 == 0, furnished, font_dirs) \
        if furnished else None
    return lay_over_parts(data, laid, parts, furniture), total


def run_jobs(function: Callable[[Any], Any], jobs: Any, count: int, concurrency: int | None = None, *,
             what: str = "名单") -> list[Any]:
    """``function`` on each of ``count`` jobs (an iterator: a job is made only when its worker starts), each in a
    worker process of its own, at most ``concurrency`` at a time; the results in order. ``what`` is typeset
    (名单, 整本指南), for the messages."""
    context = get_context(START_METHOD)
    limit = max(1, concurrency or count)
    pending = iter(enumerate(jobs))
    left = count
    running: list[tuple[int, Any, Any]] = []  # (part, process, its pipe), oldest first; removed once done
    results: dict[int, Any] = {}
    try:
        while left or running:
            while left and len(running) < limit:
                index, job = next(pending)
                left -= 1
                receive, send = context.Pipe(duplex=False)
                holder = [job]  # emptied once sent (at start): the parent keeps no copy of a job while it runs
                del job
                process = context.Process(target=_work, args=(function, holder, send, os.getpid(), what), daemon=True)
                process.start()
                holder.clear()
                send.close()
                running.append((index, process, receive))
            index, process, receive = running[0]
            try:
                ok, value = receive.recv()
            except EOFError:
                process.join()
                raise PdfError(f"{what}的排版子进程意外退出（退出码 {process.exitcode}），PDF 未生成") from None
            if not ok:
                raise value
            results[index] = value
            running.pop(0)
            process.join()
            receive.close()
        return [results.pop(i) for i in range(count)]
    finally:
        for _index, process, receive in running:  # on failure or Ctrl-C: no worker outlives the build
            if process.is_alive():
                process.kill()
            process.join()
            receive.close()


def typeset_part(job: tuple[str, list[str]]) -> tuple[bytes, int]:
    """One part of the 名单 as its own PDF (pages without header or number), typeset by Typst."""
    data, font_dirs = job
    return typeset_roster(data, font_dirs)


def _work(typeset, holder, send, parent: int, what: str = "名单") -> None:
    """A worker's whole life: start as worker_start says, do its one job, send back the result or the error."""
    worker_start(parent)
    try:
        result = (True, typeset(holder.pop()))
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent, raised there as it was
        result = (False, exc)
    try:
        send.send(result)
    except Exception as exc:  # noqa: BLE001 - an error that does not pickle goes back as one line
        failure = result[1] if not result[0] else exc
        send.send((False, PdfError(f"{what}排版失败（{type(failure).__name__}：{failure}）")))
    send.close()


def worker_start(parent: int) -> None:
    """In each worker: as every worker starts (generator.workers), and as quiet as the parent."""
    workers.worker_start(parent)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # a fresh interpreter: the parent's level is not inherited
