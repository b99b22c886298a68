"""load → validate → render → publish: the whole build, for `expert-guide build` (构建与发布)."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Literal

from .audit import Apart, Auditor, Hit, audit, audit_apart, forbidden_values
from .exposure import forget, remembering
from .changes import Changes
from .check import CheckResult, check
from .clock import reference_day
from .diff import EditionInvalid, ReadEdition, changes_between, read_edition
from .fields import Profile
from .load.project import Progress
from .engine import EngineError, run_engine, strict_hint
from .paths import GUIDE_PDF
from .render.pdf import PdfError, write_pdf
from .exposure import ForbiddenSet
from .project import Project
from .render.collation import Syllables, read_names, remember_syllables
from .render.tree import DocsTree, build_tree, write_tree
from .render.view import SiteView, build_view
from .provenance import EditionError, build_clock, edition_name
from .workers import give_back_memory
from .publish import (DEFAULT_PDF, DEFAULT_SITE, PROFILE_NAMES, STAGING_MARKER, Publication, PublishedThenInterrupted,
                      PublishError, after_swaps, distinct_outputs, guard_file, guard_folder, swap_together)


class BuildError(Exception):
    """The build stopped; the published output is as it was."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    out: Path


@dataclass(frozen=True)
class _Prepared:
    out: Path
    result: CheckResult
    view: SiteView
    tree: DocsTree
    forbidden: ForbiddenSet | None  # None: an Auditor process works it out and audits


def _named(result: CheckResult, edition: str | None) -> CheckResult:
    """The checked project with the edition given on the command line (or by a tag) in place of site.yaml's."""
    if edition is None or result.project.site is None:
        return result
    try:
        name = edition_name(edition)
    except EditionError as exc:
        raise BuildError(str(exc)) from None
    site = dataclasses.replace(result.project.site, edition=name)
    return dataclasses.replace(result, project=dataclasses.replace(result.project, site=site))


def _prepare(root: Path, out: Path, profile: Profile, today: date | None, progress: Progress | None, *,
             strict: bool, pdf: bool, edition: str | None, since: str | None = None) -> _Prepared:
    """Guard the output (again under the lock later: this fails fast), check, and render the docs tree."""
    _guard(root, {profile: out})
    today = today or reference_day()
    result = _checked(root, today, progress, strict, edition, sites=True)
    return _render(root, out, result, profile, today, progress, pdf=pdf,
                   old=_previous(since, root, result, today, progress))


def _guard(root: Path, targets: dict[Profile, Path]) -> None:
    try:
        for profile, out in targets.items():
            guard_folder(root, out, profile)
        distinct_outputs(list(targets.values()))
    except PublishError as exc:
        raise BuildError(str(exc)) from None


def _checked(root: Path, today: date, progress: Progress | None, strict: bool, edition: str | None,
             nothing: str = "任何输出", *, sites: bool = False) -> CheckResult:
    """The project checked (``sites``: the names its sites' search reads are read meanwhile, see _NamesRead)."""
    result = check(root, today=today, progress=progress, alongside=_NamesRead() if sites else None)
    if not result.ok(strict=strict):
        raise BuildError(f"数据校验未通过，未生成{nothing}", result)
    return _named(result, edition)


class _NamesRead:
    """The names of every expert and leader read for pinyin search (render.collation.syllables) by the process that
    makes the checks but the leak check, once they are done: at 200,000 experts it finishes 30 s before the leak check
    here, and the public directory (made by a forked process after the check) read them for 13 CPU s while the site
    was made. Only a name the sites show is looked up later; the others are read and kept in memory, never written."""

    def make(self, project: Project) -> dict[str, Syllables]:
        names = [expert.name for expert in project.experts] + [leader.name for leader in project.leaders]
        return read_names([name for name in names if isinstance(name, str)])  # a name missing is reported

    def take(self, made: dict[str, Syllables]) -> None:
        remember_syllables(made)


def _render(root: Path, out: Path, result: CheckResult, profile: Profile, today: date, progress: Progress | None, *,
            pdf: bool, old: ReadEdition | None, audited_apart: bool = False) -> _Prepared:
    """One profile's view and docs tree, and what its audit looks for (``audited_apart``: an Auditor knows)."""
    view = build_view(result.project, profile, today, result.diagnostics, _changes(old, root, result, profile))
    # The public site's directory is made by a forked process meanwhile (200,000 experts: about 10 s sooner). The
    # intranet's workbooks alone (27 CPU s): its pages are made while the public site is audited (both cores are busy),
    # and a third process that also made the directory's index (480 MB) took the build to 4.4 GB.
    apart: bool | Literal["files"] = True if profile == "public" else "files"
    return _Prepared(out, result, view, build_tree(result.project, view, pdf=pdf, apart=apart),
                     None if audited_apart else forbidden_values(result.project, profile, today))


def _previous(since: str | None, root: Path, result: CheckResult, today: date,
              progress: Progress | None) -> ReadEdition | None:
    """The previous edition ``since`` (a folder or a git revision of ``root``), for 本版变化; None without one.

    An edition that cannot be found raises generator.load.edition.EditionError (a usage error); one
    with errors stops the build with its diagnostics, located in that edition.
    """
    if since is None:
        return None
    if progress:
        progress(f"读取上一版 {since}")
    try:
        return read_edition(since, base=root, today=today)
    except EditionInvalid as exc:
        raise BuildError(f"{exc}；未生成任何输出", CheckResult(result.project, exc.diagnostics)) from None


def _changes(old: ReadEdition | None, root: Path, result: CheckResult, profile: Profile) -> Changes | None:
    """本版变化 of this edition against ``old``, as ``profile`` shows it; None without a previous edition."""
    return changes_between(old, ReadEdition(str(root), None, result.project, result), profile) if old else None


def _lay_out(prepared: _Prepared, root: Path, folder: Path, pdf: bool, progress: Progress | None) -> list[str]:
    """The docs tree and, when asked, the printed guide in ``folder``; returns the warnings found on the way."""
    problems = prepared.tree.problems + write_tree(prepared.tree, root, folder)
    if pdf:
        write_pdf(prepared.view, root, folder / "docs" / GUIDE_PDF, progress=progress)
    return problems


class _Alongside(threading.Thread):
    """``work(stop)`` in a thread, started at once; ``finish`` waits for it (``stop``: asks it to stop first)."""

    def __init__(self, work: Callable[[threading.Event], list[str]]) -> None:
        super().__init__(name="expert-guide-engine", daemon=True)
        self._work = work
        self._stopping = threading.Event()
        self._result: list[str] = []
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._result = self._work(self._stopping)
        except BaseException as exc:  # handed to the caller by finish()
            self._error = exc

    def finish(self, *, stop: bool = False) -> list[str]:
        """The thread's result, or its exception, once it has ended: nothing it writes can follow what the caller
        does next (remove the folders it writes in). A Ctrl-C meanwhile stops it, waits for it, and is raised."""
        interrupted: BaseException | None = None
        if stop:
            self._stopping.set()
        while self.is_alive():
            try:
                self.join(0.2)
            except KeyboardInterrupt as exc:
                interrupted = exc
                self._stopping.set()
        if interrupted is not None:
            raise interrupted
        if self._error is not None:
            raise self._error
        return self._result


def build_site(root: Path | str = ".", *, profile: Profile = "public", out: Path | str | None = None, strict: bool | None = None,
               today: date | None = None, progress: Progress | None = None, pdf: bool = True,
               engine: str = "mkdocs", edition: str | None = None, since: str | None = None) -> BuildResult:
    """load → validate → render (docs tree, PDF) → the engine builds it into staging → audit → publish.

    ``strict`` (default: mkdocs.yml's ``strict``) also stops on warnings: of the check, of broken
    links in content/, and of the engine. ``since`` names the previous edition (a folder or a git
    revision): the site and the guide then have a 本版变化 page, for this profile. ``edition`` names
    this one (else site.yaml's edition).
    """
    root = Path(root).resolve()
    target = Path(os.path.abspath(out)).resolve() if out else root / DEFAULT_SITE[profile]
    return _build(root, {profile: target}, strict, today, progress, pdf, engine, edition, since)[0]


def build_sites(root: Path | str = ".", *, profiles: tuple[Profile, ...] = ("public", "intranet"),
                out: Path | str | None = None, strict: bool | None = None, today: date | None = None,
                progress: Progress | None = None, pdf: bool = True, engine: str = "mkdocs", edition: str | None = None,
                since: str | None = None) -> list[BuildResult]:
    """Every profile's site from one load and check (`expert-guide build --profile all`).

    Each profile is rendered, built and audited into its own staging folder, one after the other (one
    profile's pages are let go before the next is rendered); only when all have passed are they swapped
    into place, together: a leak or an error in one publishes none. ``out`` holds ``public/`` and
    ``intranet/`` (default: the project's site/ and site-intranet/). The rest is as for build_site.
    """
    root = Path(root).resolve()
    if out is not None and Path(os.path.abspath(out)).resolve() in (root, *root.parents):
        raise BuildError(f"输出目录“{out}”是项目目录或其上级目录：两个版本会写入其中的 public/ 与 intranet/，"
                         "请给出一个单独的目录，如 --out out")
    targets = {profile: (Path(os.path.abspath(out)).resolve() / profile if out else root / DEFAULT_SITE[profile])
               for profile in profiles}
    return _build(root, targets, strict, today, progress, pdf, engine, edition, since)


def _build(root: Path, targets: dict[Profile, Path], strict: bool | None, today: date | None,
           progress: Progress | None, pdf: bool, engine: str, edition: str | None, since: str | None) -> list[BuildResult]:
    """Guard, check once, then stage and audit each profile in turn; swap them all in once all have passed."""
    auditors: list[Auditor] = []
    with build_clock(root, progress), remembering(), contextlib.ExitStack() as auditing:
        auditing.callback(_stop_all, auditors)  # none outlives the build
        _guard(root, targets)  # again under the lock later: this fails fast
        day = today or reference_day()
        result = _checked(root, day, progress, bool(strict), edition, sites=True)
        # The audit process, forked now (the public site alone is audited here, with the check's values): it works out
        # what to look for while the sites are rendered, and audits them. The public site's values are the check's
        # own, which it inherits (see remembering).
        if (len(targets) > 1 or "intranet" in targets) and threading.active_count() == 1:  # forking a threaded
            auditors.append(Auditor(result.project, tuple(targets), day))                   # process is unsafe
            forget()  # the Auditor has the public values now: this process lets go of its copy
        old = _previous(since, root, result, day, progress)
        swapped = False
        try:
            with contextlib.ExitStack() as stack:
                publications: list[Publication] = []
                audits: list[Callable[[], None]] = []
                try:
                    for number, (profile, target) in enumerate(targets.items(), 1):
                        publication = stack.enter_context(Publication(root, target, profile, progress=progress))
                        auditor = auditors[0] if auditors else None
                        # the 名单's worker processes of this profile wait for the audits of those before (200,000
                        # experts: the public audit with the intranet's pages and typesetting would pass 4 GB)
                        audits.append(_once(_stage(lambda: _render(root, target, result, profile, day, progress,
                                                                   pdf=pdf, old=old, audited_apart=auditor is not None),
                                                   publication, root, profile, strict, progress, pdf, engine,
                                                   apart=number < len(targets), stack=stack, auditor=auditor,
                                                   before_workers=_waiting(list(audits), progress))))
                        publications.append(publication)
                    for finish in audits:
                        finish()
                except BaseException:
                    _stop_all(auditors)  # before the staging folders are removed: no audit reads one being removed
                    raise
                distinct_outputs([publication.out for publication in publications])  # as locked and guarded
                waited = swap_together(publications)
                swapped = True
                after_swaps(waited)
        except (PdfError, PublishError, EngineError) as exc:
            raise BuildError(str(exc), result) from None
        except KeyboardInterrupt as exc:
            if swapped and not isinstance(exc, PublishedThenInterrupted):  # while the old copies were removed
                raise PublishedThenInterrupted() from None
            raise
    try:
        for target in targets.values():
            (progress or (lambda message: None))(f"已发布到 {target}")
    except OSError:  # the progress cannot be shown (a closed pipe): the outputs are published all the same
        pass
    return [BuildResult(result, target) for target in targets.values()]


def _once(finish: Callable[[], None]) -> Callable[[], None]:
    """``finish`` (an audit's wait) called at most once to the end: an audit waited for early is not waited for again."""
    done: list[bool] = []

    def call() -> None:
        if not done:
            finish()
            done.append(True)
    return call


def _waiting(audits: list[Callable[[], None]], progress: Progress | None) -> Callable[[], None] | None:
    """What waits for ``audits`` (a finding raises LeakError: the build stops there); None when there are none."""
    if not audits:
        return None

    def wait() -> None:
        if progress:
            progress("等待上一个版本的审计完成，再并行排版名单（两者同时进行会占用过多内存）")
        for finish in audits:
            finish()
    return wait


def _stop_all(auditors: list[Auditor]) -> None:
    for auditor in auditors:
        auditor.stop()


def _stage(render: Callable[[], _Prepared], publication: Publication, root: Path, profile: Profile,
           strict: bool | None, progress: Progress | None, pdf: bool, engine: str, *, apart: bool,
           stack: contextlib.ExitStack, auditor: Auditor | None = None,
           before_workers: Callable[[], None] | None = None) -> Callable[[], None]:
    """The site of one profile, rendered and built into its staging folder, whose audit is started; the
    function returned waits for the audit (LeakError on a finding). The caller swaps it in.

    ``apart``: the audit runs in a forked process while the caller goes on (the next profile is made
    meanwhile); ``stack`` stops it if the build gives up first. The pages, the view and the docs tree
    are let go before the audit, which keeps only what it looks for (200,000 experts: the intranet's
    pages are 400 MB)."""
    prepared = render()
    result, forbidden = prepared.result, prepared.forbidden
    strict = bool(result.project.settings.get("strict", True)) if strict is None else strict
    say = progress or (lambda message: None)
    say(f"生成网站（{PROFILE_NAMES[profile]}，{engine}）")
    # beside the output, named and marked as its staging is: a build killed here leaves its docs tree (the
    # intranet's holds phones and ID numbers) for the next build to remove, not in /tmp for good
    with tempfile.TemporaryDirectory(prefix=f".{publication.out.name}-tree.new-{os.getpid()}-",
                                     dir=publication.out.parent) as work:
        (Path(work) / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        problems = _lay_out(prepared, root, Path(work), False, progress)
        view = prepared.view
        del prepared  # the pages are on disk (the intranet's: 400 MB at 200,000 experts)
        # The engine builds the site in a thread while the guide is laid out (by a worker process, this one waiting):
        # the guide is made beside the tree and put in the site once both are done (the pages link it as raw HTML,
        # which the engine does not check). A failure of either stops the build before the audit.
        guide = Path(work) / "guide.pdf"
        engine_runs: list[_Alongside] = []
        guide_done = threading.Event()

        def make_site(stop: threading.Event) -> list[str]:
            """The engine's site; then, if the guide is still being laid out (by one process: 46 s at 200,000
            experts), the audit starts reading the site's files on the other core (Auditor.meanwhile)."""
            made = run_engine(engine, Path(work), publication.staged_output, stop)
            if auditor is not None and not (stop.is_set() or guide_done.is_set()):
                auditor.meanwhile(profile, publication.staged_output)
            return made

        def start_engine() -> None:
            if not engine_runs:
                engine_runs.append(_Alongside(make_site))
        try:
            if pdf:
                write_pdf(view, root, guide, progress=progress, before_workers=before_workers, laying_out=start_engine)
            guide_done.set()
            del view
        except BaseException:
            for running in engine_runs:  # the build stops: the engine is stopped, and done before anything is removed
                with contextlib.suppress(BaseException):
                    running.finish(stop=True)
            raise
        start_engine()  # without a guide: now
        problems += engine_runs[0].finish()
        if pdf:
            (publication.staged_output / GUIDE_PDF).parent.mkdir(parents=True, exist_ok=True)
            os.replace(guide, publication.staged_output / GUIDE_PDF)
    stale = publication.staged_output / "search" / "search_index.json"  # the engine's index: ours is used
    if stale.exists():
        stale.unlink()
    if strict and problems:
        shown = "".join(f"\n  {m}" for m in problems[:20])
        raise BuildError(f"生成时有 {len(problems)} 个警告（strict 模式），未发布：{shown}"
                         + strict_hint(problems), result)
    say(f"审计输出（{PROFILE_NAMES[profile]}）：检查每个文件中是否有不应公开的信息"
        + ("（在另一个进程中，同时生成下一个版本）" if apart else ""))
    give_back_memory()  # the pages and the view are gone: hand their memory back before the audit (or a fork for it)

    def start(staged: Path) -> Callable[[], list[Hit]]:
        if auditor is not None:  # started when the project was checked: it knows what to look for
            return auditor.audit(profile, staged, workers=1 if apart else None)  # apart: the build goes on
        assert forbidden is not None
        if not apart:
            hits = audit(staged, forbidden)
            return lambda: hits
        reader = audit_apart(staged, forbidden)
        if isinstance(reader, Apart):
            stack.callback(reader.stop)
        return reader
    return publication.audit_later(start)


def write_docs_tree(root: Path | str = ".", *, profile: Profile = "public", out: Path | str, today: date | None = None,
                    progress: Progress | None = None, pdf: bool = True, edition: str | None = None,
                    since: str | None = None) -> BuildResult:
    """The docs tree alone (mkdocs.yml, docs/, overrides/), guarded and audited like a site."""
    root = Path(root).resolve()
    with build_clock(root, progress):
        prepared = _prepare(root, Path(os.path.abspath(out)).resolve(), profile, today, progress, strict=False, pdf=pdf,
                            edition=edition, since=since)
        return _write_tree(root, prepared, profile, progress, pdf)


def _write_tree(root: Path, prepared: _Prepared, profile: Profile, progress: Progress | None, pdf: bool) -> BuildResult:
    try:
        with Publication(root, prepared.out, profile, progress=progress) as publication:
            for problem in _lay_out(prepared, root, publication.staged_output, pdf, progress):
                if progress:
                    progress(f"警告：{problem}")
            forbidden = prepared.forbidden
            assert forbidden is not None
            publication.commit(lambda staged: audit(staged, forbidden))
    except (PdfError, PublishError) as exc:
        raise BuildError(str(exc), prepared.result) from None
    return BuildResult(prepared.result, prepared.out)


def build_pdf(root: Path | str = ".", *, profile: Profile = "public", out: Path | str | None = None, strict: bool = False,
              today: date | None = None, progress: Progress | None = None, edition: str | None = None,
              since: str | None = None):
    """Check, then typeset only the guide (default: guide.pdf, or guide-intranet.pdf), audited like the site."""
    root = Path(root).resolve()
    target = Path(os.path.abspath(out)).resolve() if out else root / DEFAULT_PDF[profile]
    with build_clock(root, progress):
        return _build_pdf(root, target, profile, strict, today, progress, edition, since)


def _build_pdf(root: Path, target: Path, profile: Profile, strict: bool, today: date | None,
               progress: Progress | None, edition: str | None, since: str | None):
    try:
        guard_file(root, target, profile)
    except PublishError as exc:
        raise BuildError(str(exc)) from None
    today = today or reference_day()
    result = _checked(root, today, progress, strict, edition, nothing=" PDF")
    # The audit's process, forked once the project is checked: it works out what to look for while the guide is laid
    # out, and never holds the view, as this process never holds the values. In one process, at 47,889 pairings, the
    # values made after the view was let go (whose memory stays taken) and the audit took it to 1.03 GB.
    auditor = Auditor(result.project, (profile,), today) if threading.active_count() == 1 else None  # forking a
    try:                                                                                             # threaded process
        old = _previous(since, root, result, today, progress)                                       # is unsafe
        view = build_view(result.project, profile, today, result.diagnostics, _changes(old, root, result, profile))
        with Publication(root, target, profile, single_file=True, progress=progress) as publication:
            written = write_pdf(view, root, publication.staged_output, progress)
            del view  # without an Auditor, the values are made here after the view is let go: never both at once
            if progress:
                progress("审计 PDF：检查其中是否有不应公开的信息")
            if auditor is not None:
                publication.commit(lambda staged: auditor.audit(profile, staged)())
            else:
                forbidden = forbidden_values(result.project, profile, today)
                publication.commit(lambda staged: audit(staged, forbidden))
    except (PdfError, PublishError) as exc:
        raise BuildError(str(exc), result) from exc
    finally:
        if auditor is not None:
            auditor.stop()
    return dataclasses.replace(written, path=target)
