"""The leak audit: no value the profile must not show is anywhere in the output (泄露审计).

What is forbidden comes from generator.exposure (the field declarations alone); how a file is read
comes from generator.extract (every encoding and container). Every file of the output is read, and
a file that cannot be read through is itself a finding. Numbers are matched by their digits too,
whatever separators surround them.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from . import exposure
from .exposure import Forbidden, ForbiddenSet, Matcher, fold, fold_again, project_prose
from .extract import Unreadable, channels, reading_output
from .fields import Profile
from .project import Project
from .workers import Forked, WorkerDied


@dataclass(frozen=True)
class Hit:
    path: str
    channel: str
    forbidden: Forbidden

    def text(self) -> str:
        if self.channel == UNREADABLE:
            return f"{self.path}：{self.forbidden.source}"
        return (f"{self.path}（{self.channel}）：出现了不应公开的值 {self.forbidden.masked}，"
                f"来自 {self.forbidden.source}")


UNREADABLE = "无法读取"


def forbidden_values(project: Project, profile: Profile, today: Any = None) -> ForbiddenSet:
    """What ``profile`` must never show (generator.exposure), read against the project's own prose."""
    return exposure.forbidden_values(project, profile, today, prose=project_prose(project))


# ---- reading every channel ----

# An output of this many bytes or more is read by several processes at once (one per core, at most PARALLEL_MAX):
# at 200,000 experts the intranet site is 436 MB and its audit two minutes on one core.
PARALLEL_BYTES = 64 * 1024 * 1024
PARALLEL_MAX = 4


def audit(site: Path, forbidden: Iterable[Forbidden], *, workers: int | None = None,
          read: dict[Path, tuple[bytes, list[Hit]]] | None = None) -> list[Hit]:
    """Every place in ``site`` where a forbidden value can be read (one pass per text, all values at once).

    A file that cannot be read through (encrypted, a zip bomb, damaged) is itself a finding: what
    cannot be checked is not published. A large output is read by ``workers`` processes (default:
    one per core from PARALLEL_BYTES on), each file whole by one of them; the findings are the same,
    in the same order. ``read``: files already read (read_meanwhile), whose findings stand if their
    bytes are the same.
    """
    matcher = Matcher(forbidden)
    if not matcher:
        return []
    paths = _files(site)
    known = {path: read[path][1] for path in paths if read and path in read and _digest(path) == read[path][0]}
    todo = [path for path in paths if path not in known]
    sizes = [path.stat().st_size for path in todo]
    if workers is None:
        workers = min(len(os.sched_getaffinity(0)), PARALLEL_MAX) if sum(sizes) >= PARALLEL_BYTES else 1
    if workers > 1 and len(todo) > 1 and threading.active_count() == 1:  # forking a threaded process is unsafe
        matcher.set.fast()  # made once, shared by the workers
        try:
            found = _in_workers(matcher, site, todo, sizes, workers)
        except _Died as died:
            return died.hits
    else:
        found = [_audit_file(matcher, site, path) for path in todo]
    known.update(zip(todo, found))
    return [hit for path in paths for hit in known[path]]


def _files(site: Path) -> list[Path]:
    return [path for path in sorted(site.rglob("*")) if not path.is_symlink() and path.is_file()]


def _digest(path: Path) -> bytes:
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "blake2b").digest()


# A file of this size or less is read while the output is being finished (read_meanwhile): the reading stops between
# two files when asked, so the one being read, a second or two at most, is all the audit of the whole waits for.
MEANWHILE_BYTES = 4 * 1024 * 1024


def read_meanwhile(site: Path, matcher: Matcher, asked: Callable[[], bool]) -> dict[Path, tuple[bytes, list[Hit]]]:
    """The files of ``site`` up to MEANWHILE_BYTES read one by one, the smallest first, until ``asked()`` is true:
    each one's digest and findings, for audit(read=…), which reads again only what is new or changed.

    For the time the build has a core to spare: the site is made and the guide is laid out by one process
    (200,000 experts: 46 s). A file that goes away meanwhile is left for the audit of the whole."""
    read: dict[Path, tuple[bytes, list[Hit]]] = {}
    try:
        small = sorted((size, path) for path in _files(site) if (size := path.stat().st_size) <= MEANWHILE_BYTES)
    except OSError:
        return read
    for _size, path in small:
        if asked():
            break
        try:
            digest = _digest(path)
            hits = _audit_file(matcher, site, path)
            if _digest(path) == digest:  # not changed while it was read (else it is read again with the whole)
                read[path] = (digest, hits)
        except OSError:
            pass
    return read


def _audit_file(matcher: Matcher, site: Path, path: Path) -> list[Hit]:
    rel = path.relative_to(site).as_posix()
    hits: list[Hit] = []
    found: set[str] = set()

    def by_digits(channel: str, *texts: str) -> None:
        for folded in dict.fromkeys(texts):
            for finding in matcher.search(folded, values=False):
                if finding.forbidden.value not in found:
                    found.add(finding.forbidden.value)
                    hits.append(Hit(rel, f"{channel}（按数字）", finding.forbidden))

    # the channel read, its text as written and its most decoded text, folded (variants come in that order):
    # numbers are searched in both ("<138 0501 7419>" is a tag to the decoded text), values in every variant; a
    # variant is folded and searched only from where it differs from the one before (fold_again, search_after)
    current, first, last, before = "", "", "", ""
    try:
        with reading_output():  # the build's own files: a 200,000-expert 名单 workbook is over 64 MB unzipped
            for channel, text in channels(path):
                if channel != current:  # the channel before is done: its numbers, then let it go
                    by_digits(current, first, last)
                    current, first, shared = channel, fold(text), 0
                    folded = first
                else:  # folded once, searched for values now, for digits when the channel is done
                    folded, shared = fold_again(before, last, text)
                before, last = text, folded
                for finding in matcher.search_after(folded, shared):
                    if finding.forbidden.value not in found:
                        found.add(finding.forbidden.value)
                        hits.append(Hit(rel, channel, finding.forbidden))
            by_digits(current, first, last)
    except Unreadable as exc:
        hits.append(Hit(rel, UNREADABLE, Forbidden("—", f"{exc}：无法核查其中是否有个人信息，不能发布")))
    return hits


# ---- in several processes ----

_SHARED: dict[str, Any] = {}  # what forked workers read: set before the fork, never sent


def _in_workers(matcher: Matcher, site: Path, paths: list[Path], sizes: list[int], workers: int) -> list[list[Hit]]:
    """Each file audited by one of ``workers`` forked processes, which take the next file (the largest
    first) from a shared counter; the findings in file order.

    Forked, so that the matcher (a million values at 200,000 experts) is shared, not copied or rebuilt. Not
    a multiprocessing Pool: its workers are daemons, which may not start the process that reads a large PDF
    with pypdf. A worker that dies is itself a finding (raised as _Died)."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    _SHARED.update(matcher=matcher, site=site, paths=paths, order=sorted(range(len(paths)), key=lambda i: -sizes[i]),
                   next=context.Value("i", 0))
    try:
        readers = [_Forked(_audit_share, ()) for _ in range(workers)]
    finally:
        _SHARED.clear()
    done: dict[int, list[Hit]] = {}
    waiting = {reader.receive: reader for reader in readers}
    try:
        while waiting:  # whichever answers or dies first: one that died holding the counter must not hang the rest
            for ready in wait(list(waiting)):
                got = waiting.pop(ready).result()  # type: ignore[call-overload]
                if isinstance(got, list):  # the process died: its finding, and the others are stopped
                    raise _Died(got)
                done.update(got)
    finally:
        for reader in readers:
            reader.stop()
    return [done[i] for i in range(len(paths))]


def _audit_share() -> dict[int, list[Hit]]:
    order, counter = _SHARED["order"], _SHARED["next"]
    out: dict[int, list[Hit]] = {}
    while True:
        with counter.get_lock():
            taken = counter.value
            counter.value += 1
        if taken >= len(order):
            return out
        index = order[taken]
        out[index] = _audit_file(_SHARED["matcher"], _SHARED["site"], _SHARED["paths"][index])


class _Died(Exception):
    """A worker of _in_workers died: its finding is the audit's."""

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__()
        self.hits = hits


class _Forked(Forked):
    """An audit process (workers.Forked): one that dies is reported as a finding by ``result``, so that what was
    not read through is not published."""

    def result(self) -> Any:
        try:
            return super().result()
        except WorkerDied as exc:
            return _died(exc.exitcode)


def _died(exitcode: int | None) -> list[Hit]:
    """The finding of an audit process that ended without answering: what was not read through is not published."""
    return [Hit(".", UNREADABLE, Forbidden("—", f"审计子进程意外退出（退出码 {exitcode}）："
                                                "无法核查输出中是否有个人信息，不能发布"))]


def audit_apart(site: Path, forbidden: ForbiddenSet) -> "Apart | Callable[[], list[Hit]]":
    """The audit of ``site`` started in a forked process while the build goes on (build --profile all: the
    public site is read while the intranet one is made); call what is returned to wait for the findings.

    A worker that dies is itself a finding: what was not read through is not published. Where forking is
    not safe (threads), the audit runs here and now."""
    if threading.active_count() > 1:
        hits = audit(site, forbidden)
        return lambda: hits
    return Apart(site, forbidden)


class Apart(_Forked):
    """One whole audit in a forked process (audit_apart)."""

    def __init__(self, site: Path, forbidden: ForbiddenSet) -> None:
        super().__init__(_audit_apart, (site, forbidden))

    def __call__(self) -> list[Hit]:
        found: list[Hit] = self.result()
        return found


def _audit_apart(site: Path, forbidden: ForbiddenSet) -> list[Hit]:
    return audit(site, forbidden, workers=1)


class Auditor(Forked):
    """The audits of a build's profiles in one process, forked once the project is checked (build --profile all, or
    the intranet alone): it works out what each profile must not show — the public site's values are the check's
    own, inherited (see exposure.remembering); the intranet's take 25 s at 200,000 experts — while the build renders
    on the other core, then audits each site it is sent (``audit``), in the order sent.

    One process for both sites: forked early, it shares the project with the build and stays small (a process forked
    from the build after the public site is made held 1.4 GB by the time the intranet was rendered). A process that
    dies is a finding, as for every audit process; ``stop`` ends it."""

    def __init__(self, project: Project, profiles: tuple[Profile, ...], today: Any) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        asked, self._ask = context.Pipe(duplex=False)
        self._answers, answer = context.Pipe(duplex=False)
        super().__init__(_audit_when_asked, (project, profiles, today, asked, self._ask, answer, self._answers))
        asked.close()
        answer.close()
        self._sending = threading.Lock()

    def meanwhile(self, profile: Profile, site: Path) -> None:
        """Start reading the files ``site`` holds so far, while the build finishes it (read_meanwhile); the next
        request stops it, and ``audit`` of the same site reads again only what is new or changed. Any thread may
        send it."""
        self._send(("meanwhile", profile, site, None))

    def audit(self, profile: Profile, site: Path, *, workers: int | None = None) -> Callable[[], list[Hit]]:
        """Send ``site`` to be audited for ``profile`` (``workers``: as for audit()); what is returned waits for the
        findings. Sites are audited, and their findings waited for, in the order sent."""
        self._send(("audit", profile, site, workers))
        return self._findings

    def _send(self, request: tuple) -> None:
        with self._sending:
            try:
                self._ask.send(request)
            except OSError:  # the process is gone: its death is reported by the wait
                pass

    def _findings(self) -> list[Hit]:
        try:
            found: list[Hit] = self._answers.recv()
            return found
        except (EOFError, OSError):
            self.stop()
            return _died(self.process.exitcode)

    def stop(self) -> None:
        for end in (self._ask, self._answers):
            if not end.closed:
                end.close()
        super().stop()


def _audit_when_asked(project: Project, profiles: tuple[Profile, ...], today: Any, asked: Any, ask: Any, answer: Any,
                      answers: Any) -> None:
    ask.close()  # the parent's ends, inherited: closed here so that the parent's close ends the wait below
    answers.close()
    values = {profile: forbidden_values(project, profile, today) for profile in profiles}  # public first: inherited
    read: dict[Path, tuple[bytes, list[Hit]]] = {}
    while True:
        try:
            kind, profile, site, workers = asked.recv()
        except EOFError:  # every site was sent, or the build gave up
            return
        if kind == "meanwhile":
            if profile in values:  # not yet audited (always, as the build sends them)
                read = read_meanwhile(site, Matcher(values[profile]), asked.poll)
            continue
        forbidden = values.pop(profile)  # let go once read: the next site's are kept only
        answer.send(audit(site, forbidden, workers=workers, read=read))
        read = {}
        del forbidden
