"""A live preview that re-reads only the files that changed and renders only the pages they change (实时预览).

`expert-guide serve` keeps the project in memory: data files by their text (load/cache.py), pages by
what they read (render.tree.PageMemo), MkDocs open on the docs tree (engine.EngineSession). After an
edit the changed page is served first, then the whole project is checked as `check` checks it and the
result is shown on every page (a bar at the top: 校验中 / errors with file and line); the search data
of the directory, the workbooks and the printed guide are made when first asked for. A file that
cannot be read (a YAML error) changes no page: the bar names the error and the last pages stay.

The preview is for the person editing, on this computer: it is served on 127.0.0.1, answers only
requests addressed to this computer by name (a web page elsewhere cannot read it through DNS
rebinding), and is never published: `build` checks, audits and publishes.
"""
from __future__ import annotations

import dataclasses
import gc
import html
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from .clock import reference_day
from .diagnostics import Diagnostic, Diagnostics
from .engine import EngineSession
from .fields import Profile
from .load.cache import LoadCache
from .load.project import load_project
from .project import Project
from .render.pdf import PdfError, write_pdf
from .render.tree import Deferred, DocsTree, PageMemo, build_tree, write_tree
from .render.view import Projections, SiteView, build_view, report_rows
from .validate import validate

Say = Callable[[str], None]
WATCHED = ("data", "content", "theme", "mkdocs.yml")  # what a refresh looks at (by name, size and time)


@dataclass
class Status:
    """What the bar at the top of every preview page says."""

    state: str = "checking"  # checking | ok | invalid (the check found errors) | unreadable (a file could not be read)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    note: str = ""
    problems: list[str] = field(default_factory=list)  # broken links, pages outside the navigation: MkDocs' warnings

    def banner(self, profile: Profile) -> str:
        """The bar's HTML. On the public preview a finding shows its place and code only: a message may name a
        confidential expert, a request or a pairing, which the public site never shows (`check` gives them whole)."""
        errors = [d for d in self.diagnostics if d.severity == "error"]
        warnings = [d for d in self.diagnostics if d.severity == "warning"]
        if self.state == "checking":
            head = "预览：页面已更新，正在校验全部数据……"
        elif self.state == "ok":
            head = f"预览：校验通过（{len(warnings)} 个警告）" if warnings else "预览：校验通过"
        elif self.state == "unreadable":
            head = f"预览：有文件无法读取，页面仍是上次的样子（{len(errors)} 个错误）"
        else:
            head = f"预览：校验未通过，build 不会发布（{len(errors)} 个错误，{len(warnings)} 个警告）"
        shown = (lambda d: d.text()) if profile == "intranet" else (
            lambda d: f"{d.location}: {d.severity} {d.code}（内容见 expert-guide check）")
        items = "".join(f"<li>{html.escape(shown(d))}</li>" for d in (errors + warnings)[:20])
        more = len(errors) + len(warnings) - 20
        if more > 0:
            items += f"<li>…… 另有 {more} 条，见 expert-guide check</li>"
        note = f"<p>{html.escape(self.note)}</p>" if self.note else ""
        if self.problems and profile != "intranet":
            note += f"<p>生成网站时有 {len(self.problems)} 个警告（见 expert-guide build）</p>"
        elif self.problems:
            note += ("<p>生成网站时的警告（mkdocs.yml 中 strict: true 时 build 不会发布）：</p><ul>"
                     + "".join(f"<li>{html.escape(p)}</li>" for p in self.problems[:20]) + "</ul>")
        return f"<strong>{html.escape(head)}</strong>{note}" + (f"<ul>{items}</ul>" if items else "")


@dataclass(frozen=True)
class Refresh:
    """One refresh: what it read and rendered, and how long the changed pages took to be served."""

    changed_files: tuple[str, ...]
    parsed: int  # data files parsed again
    rendered: tuple[str, ...]  # docs paths rendered again
    whole: bool  # the engine built the whole tree again (a page added or removed, a title, the theme)
    seconds: float


class Preview:
    """A project kept in memory and its site in ``site_dir``, kept up to date by ``refresh``."""

    def __init__(self, root: Path | str, profile: Profile = "public", *, today: date | None = None, pdf: bool = True,
                 work: Path | None = None, progress: Say | None = None) -> None:
        self.root = Path(root).resolve()
        self.profile, self.pdf = profile, pdf
        self.today = today or reference_day()
        self.say = progress or (lambda message: None)
        self._own_work = work is None
        self.work = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="expert-guide-preview-"))
        self.folder = self.work / "tree"
        self.cache, self.memo, self.projections = LoadCache(), PageMemo(), Projections()
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.epoch = 0  # the pages changed
        self.status = Status()
        self.status_epoch = 0  # the bar changed
        self.diagnostics: list[Diagnostic] = []
        self.report: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.failed: str | None = None  # why the last refresh could not build the site (a theme's template error)
        self.stale = False  # the last whole build failed: the next refresh builds everything again
        self.tree: DocsTree | None = None
        self.view: SiteView | None = None
        self.project: Project | None = None
        self.engine: EngineSession | None = None
        self.made: set[int] = set()  # deferred groups made since the last change
        self._stamp = self._snapshot()
        self._theme = self._theme_stamp()
        self._attachments: dict[str, tuple[int, ...] | None] = {}
        self._checked: tuple[Project, list[Diagnostic]] | None = None

    @property
    def site_dir(self) -> Path:
        """The site being served (a whole rebuild makes a new folder and swaps to it when it is complete)."""
        return self.engine.site_dir if self.engine is not None else self.work / "site-0"

    # ---- building ----

    def start(self) -> Refresh:
        """The first, whole build; then the check, so that the first pages already show its result."""
        self.say("读取数据（第一次：全部文件）")
        refresh = self.refresh(force=True)
        assert refresh is not None
        self.check()
        return refresh

    def refresh(self, *, force: bool = False) -> Refresh | None:
        """Re-read what changed and render the pages it changes; None when nothing changed.

        The cyclic garbage collector is off meanwhile: a refresh makes hundreds of thousands of objects (the view
        of 20,000 experts), and the collections they set off took a third of it (0.83–1.42 s against 0.53–0.72 s).
        What it kept is frozen at the end; its garbage, and what it replaced, is collected by the check that
        follows (check())."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._refresh(force)
        finally:
            if enabled:
                gc.enable()

    def _refresh(self, force: bool) -> Refresh | None:
        began = time.perf_counter()
        stamp = self._snapshot()
        changed = tuple(sorted(name for name in set(stamp) | set(self._stamp) if stamp.get(name) != self._stamp.get(name)))
        if not changed and not force:
            return None
        self._stamp = stamp
        parsed = self.cache.parsed

        def done(rendered: tuple[str, ...] = (), whole: bool = False) -> Refresh:
            return Refresh(changed, self.cache.parsed - parsed, rendered, whole, time.perf_counter() - began)

        diags = Diagnostics()
        project = load_project(self.root, diags, cache=self.cache)
        if diags.errors:  # a file that cannot be read: the pages stay as they were, the bar says why
            with self.lock:
                self._set_status(Status("unreadable", diags.sorted()))
                self._checked = None
            return done()
        try:
            # the 校验报告 of the last check until this data is checked (report_rows of 13,000 findings: 0.2 s)
            view = dataclasses.replace(build_view(project, self.profile, self.today, projections=self.projections),
                                       report=self.report)
            tree = build_tree(project, view, pdf=self.pdf, memo=self.memo, defer=True)
        except Exception as exc:  # noqa: BLE001 — data the check would refuse; the check says which
            with self.lock:
                self._set_status(Status("invalid", diags.sorted(), f"页面未能更新（{type(exc).__name__}）：请按下列问题修改"))
            self._checked = (project, list(diags))
            self.check()
            return done()
        with self.lock:
            before = self.tree
            try:
                whole = self._apply(tree)
            except Exception as exc:  # noqa: BLE001 — the theme or mkdocs.yml: the next refresh builds everything again
                self.tree, self.stale = before, True  # the pages served are still those of ``before``
                self.failed = f"网站未能生成，页面仍是上次的样子（{type(exc).__name__}：{exc}）"
                self._set_status(Status("invalid", self.status.diagnostics, self.failed, self.problems))
                self.changed.notify_all()
                self._checked = None
                return done(whole=True)
            self.failed = None
            self.project, self.view = project, view
            self.epoch += 1
            self.problems = list(tree.problems) + (self.engine.warnings if self.engine is not None else [])
            self._set_status(Status("checking", self.status.diagnostics, problems=self.problems))
            self.changed.notify_all()
        self._checked = (project, list(diags))
        # What is kept between refreshes (the cache, the memo, MkDocs' pages) is many objects the collector
        # would walk again and again; frozen, a refresh of 20,000 experts stays at its ~0.7 s, not ~0.9 s.
        gc.freeze()
        return done(tuple(self.memo.rendered), whole)

    def check(self) -> None:
        """Validate the project of the last refresh as `check` does; the report page and the bar follow."""
        if self._checked is None:
            return
        project, loaded = self._checked
        self._checked = None
        diags = Diagnostics(list(loaded))
        validate(project, self.today, diags)
        diagnostics = diags.sorted()
        # The page is shown, the bar still says 校验中: now the cycles the refreshes froze and have replaced since are
        # collected (frozen, they never would be: an outside review counted 170 more objects kept per edit of a field,
        # 1,000 per whole rebuild), and what is kept is frozen again. Before the bar says the check is done, so that an
        # edit made then is not held up by it (about 0.4 s at 20,000 experts).
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        with self.lock:
            if diagnostics != self.diagnostics:
                self.diagnostics, self.report = diagnostics, report_rows(diagnostics, self.profile)
                if self.view is not None and project is self.project:  # the 校验报告 page shows them
                    self.view = dataclasses.replace(self.view, report=self.report)
                    self._apply(build_tree(project, self.view, pdf=self.pdf, memo=self.memo, defer=True))
                    self.epoch += 1
            kept = self.status.note if self.status.state == "invalid" and project is not self.project else ""
            state = "invalid" if any(d.severity == "error" for d in diagnostics) or self.failed else "ok"
            self._set_status(Status(state, diagnostics, self.failed or kept, self.problems))
            self.changed.notify_all()

    def settle(self) -> None:
        """Make everything a page may ask for (the tests compare the result with a whole build)."""
        self.check()
        for index in range(len(self._deferred())):
            self._make(index)

    def close(self) -> None:
        if self._own_work:
            shutil.rmtree(self.work, ignore_errors=True)

    def _set_status(self, status: Status) -> None:
        self.status = status
        self.status_epoch += 1

    def _snapshot(self) -> dict[str, tuple[int, ...]]:
        """Every watched file by (size, time, inode): a changed one is read again (by its text, load/cache.py).

        Links are not followed (a folder linked into itself would be walked for ever); the loader reports them."""
        out: dict[str, tuple[int, ...]] = {}
        for name in WATCHED:
            top = self.root / name
            if top.is_symlink() or top.is_file():
                self._stat(top, out)
                continue
            for folder, dirs, files in os.walk(top, followlinks=False):
                base = Path(folder)
                for entry in (*dirs, *files):
                    self._stat(base / entry, out)
        return out

    def _stat(self, path: Path, out: dict[str, tuple[int, ...]]) -> None:
        try:
            st = path.lstat()
        except OSError:
            return
        # the change time too: copying with the old time kept (cp -p, rsync -t) still changes it
        out[path.relative_to(self.root).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    def _apply(self, tree: DocsTree) -> bool:
        """Write what changed into the docs tree and the site; True when the engine built everything again."""
        old, made = self.tree, self._deferred()
        self.tree = tree
        self.made.clear()
        self._forget_deferred(made)
        theme, self._theme = self._theme, self._theme_stamp()
        # the attachments of content/ by the stamps of their files (a path is the same whatever its bytes)
        attachments, self._attachments = self._attachments, {rel: self._stamp.get(f"content/{rel}") for rel in tree.copies}
        whole = (old is None or self.engine is None or set(old.pages) != set(tree.pages) or old.config != tree.config
                 or attachments != self._attachments or set(old.files) != set(tree.files)
                 or theme != self._theme or self.stale)
        if whole:
            self.say("生成全部页面")
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            write_tree(tree, self.root, self.folder)
            if self.engine is None:
                self.engine = EngineSession(self.folder, self.work)
            else:
                self.engine.build()
            self.stale = False
            return True
        assert old is not None
        docs = self.folder / "docs"
        pages = [path for path, text in tree.pages.items() if old.pages.get(path) != text]
        for path in pages:
            (docs / path).write_text(tree.pages[path], encoding="utf-8")
        for path, data in tree.files.items():
            if old.files.get(path) != data:
                (docs / path).write_bytes(data)
                (self.site_dir / path).write_bytes(data)
        if pages:
            assert self.engine is not None
            return self.engine.update(pages)
        return False

    def _theme_stamp(self) -> dict[str, tuple[int, ...]]:
        """The project's theme and mkdocs.yml as last seen: the engine builds everything again when they change."""
        return {k: v for k, v in self._stamp.items() if k.startswith("theme/") or k == "mkdocs.yml"}

    # ---- files made when asked for ----

    def _deferred(self) -> list[Deferred]:
        groups = list(self.tree.deferred) if self.tree is not None else []
        if self.pdf and self.view is not None:
            view, root = self.view, self.root

            def guide() -> dict[str, bytes]:
                with tempfile.TemporaryDirectory(prefix="expert-guide-preview-pdf-") as folder:
                    path = Path(folder) / "guide.pdf"
                    write_pdf(view, root, path)
                    return {"downloads/guide.pdf": path.read_bytes()}

            groups.append(Deferred(("downloads/guide.pdf",), guide))
        return groups

    def _forget_deferred(self, groups: list[Deferred]) -> None:
        """Take away what ``groups`` made from the previous data: it is made again when asked for."""
        for group in groups:
            for cover in group.covers:
                target = self.site_dir / cover
                if cover.endswith("/"):
                    keep = {p for p in (self.tree.files if self.tree else {}) if p.startswith(cover)}
                    if target.is_dir():
                        for path in sorted(target.rglob("*"), reverse=True):
                            rel = path.relative_to(self.site_dir).as_posix()
                            if path.is_file() and rel not in keep:
                                path.unlink()
                elif target.is_file():
                    target.unlink()

    def _make(self, index: int) -> None:
        with self.lock:
            if index in self.made:
                return
            group = self._deferred()[index]
            self.say("生成 " + "、".join(group.covers))
            for path, data in group.make().items():
                target = self.site_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            self.made.add(index)

    def ensure(self, path: str) -> None:
        """Make the deferred file ``path`` (a docs path) if it is one and was not made since the last change."""
        with self.lock:
            for index, group in enumerate(self._deferred()):
                if group.has(path) and index not in self.made:
                    try:
                        self._make(index)
                    except PdfError as exc:
                        self._set_status(Status(self.status.state, self.status.diagnostics, f"PDF 未能生成：{exc}"))
                    return

    # ---- watching ----

    def watch(self, stop: threading.Event, interval: float = 0.1) -> None:
        """Refresh and check whenever a watched file changes, until ``stop`` is set."""
        while not stop.is_set():
            try:
                done = self.refresh()
            except Exception as exc:  # noqa: BLE001 — the preview keeps running; the bar says what happened
                with self.lock:
                    self._set_status(Status("invalid", self.status.diagnostics, f"预览出错（{type(exc).__name__}：{exc}）"))
                    self.changed.notify_all()
                done = None
            if done is not None:
                shown = f"，重绘 {len(done.rendered)} 页" if done.rendered else ""
                self.say(f"已更新（{done.seconds:.2f} 秒）：{'、'.join(done.changed_files[:3])}"
                         f"{' 等' if len(done.changed_files) > 3 else ''}{shown}")
                self.check()
                self.say("校验完成：" + ("通过" if self.status.state == "ok" else "有问题，见页面顶部"))
            stop.wait(interval)


# ---- serving ----

_SCRIPT = """<details id="eg-preview-box" open style="position:fixed;z-index:1000;left:0;right:0;bottom:0;
max-height:30vh;overflow:auto;background:#fffbe6;color:#000;border-top:2px solid #b58900;padding:.2em .8em;
font-size:16px;line-height:1.5"><summary>预览状态（点此收起或展开）</summary><div id="eg-preview" role="status">{banner}</div></details>
<script>(function(){{var e={epoch},s={status};function poll(){{fetch("/.expert-guide/wait?epoch="+e+"&status="+s)
.then(function(r){{return r.json()}}).then(function(d){{if(d.epoch!==e){{location.reload();return}}
s=d.status;document.getElementById("eg-preview").innerHTML=d.banner;poll()}})
.catch(function(){{setTimeout(poll,1000)}})}}poll()}})();</script>"""

LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _handler(preview: Preview, names: tuple[str, ...]) -> type[SimpleHTTPRequestHandler]:
    def _bar() -> str:
        return _SCRIPT.format(banner=preview.status.banner(preview.profile), epoch=preview.epoch,
                              status=preview.status_epoch)

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=os.fspath(preview.site_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the preview prints its own lines
            return

        def _allowed(self) -> bool:
            host = (self.headers.get("Host") or "").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in names:  # DNS rebinding: a page of another site addressing this computer by its own name
                self._message(HTTPStatus.FORBIDDEN, "只回答以本机名称（localhost、127.0.0.1）访问的请求。")
                return False
            return True

        def do_HEAD(self) -> None:  # noqa: N802
            if self._allowed():
                self._serve(head=True)

        def do_GET(self) -> None:  # noqa: N802
            if self._allowed():
                self._serve(head=False)

        def _serve(self, *, head: bool) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/.expert-guide/wait" and not head:
                self._wait(parse_qs(parts.query))
                return
            rel = parts.path.lstrip("/")
            if ".." not in rel.split("/"):
                preview.ensure(rel)
            with preview.lock:
                target = Path(self.translate_path(self.path))
                if target.is_dir():
                    if not parts.path.endswith("/"):  # as a web server does: relative links resolve from the folder
                        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                        self.send_header("Location", parts.path + "/" + (f"?{parts.query}" if parts.query else ""))
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    target = target / "index.html"
                if not target.is_file():
                    self._message(HTTPStatus.NOT_FOUND, "没有这个页面或文件。", head=head)
                    return
                if target.suffix == ".html" and not head:
                    self._page(target)
                    return
            super().do_HEAD() if head else super().do_GET()

        def _message(self, status: HTTPStatus, text: str, *, head: bool = False) -> None:
            """A short Chinese page (with the bar, which says why the site may be missing)."""
            bar = _bar() if status != HTTPStatus.FORBIDDEN else ""
            self._send(status, "text/html", (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{status.value}'
                                             f"</title><body><p>{html.escape(text)}</p>{bar}</body></html>"), head=head)

        def _send(self, status: HTTPStatus, kind: str, text: str, *, head: bool = False) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not head:
                self.wfile.write(data)

        def list_directory(self, path: Any) -> None:  # never a listing of the site's folders
            self._message(HTTPStatus.NOT_FOUND, "没有这个页面或文件。")
            return None

        def _page(self, target: Path) -> None:
            text = target.read_text(encoding="utf-8")
            at = text.rfind("</body>")
            self._send(HTTPStatus.OK, "text/html", text[:at] + _bar() + text[at:] if at >= 0 else text + _bar())

        def _wait(self, query: dict[str, list[str]]) -> None:
            def number(key: str) -> int:
                try:
                    return int(query.get(key, ["-1"])[0])
                except ValueError:
                    return -1

            epoch, status = number("epoch"), number("status")
            with preview.changed:
                preview.changed.wait_for(lambda: preview.epoch != epoch or preview.status_epoch != status, timeout=25)
                answer = {"epoch": preview.epoch, "status": preview.status_epoch, "banner": preview.status.banner(preview.profile)}
            self._send(HTTPStatus.OK, "application/json", json.dumps(answer, ensure_ascii=False))

        def end_headers(self) -> None:  # every answer: a preview's pages change under the browser
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser tab closed while it waited for the next change: nothing to report."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class ServeError(Exception):
    """The preview could not start (the port is taken, the address is not this computer's); in Chinese."""


def serve(root: Path | str, profile: Profile = "public", *, host: str = "127.0.0.1", port: int = 8000,
          pdf: bool = True, today: date | None = None, progress: Say | None = None, announce: Say = print,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None) -> None:
    """Build, serve on ``host``:``port`` and keep the pages up to date until Ctrl-C (or ``stop``)."""
    local = host in ("127.0.0.1", "localhost", "::1")
    names = LOCAL_NAMES if local else (*LOCAL_NAMES, host.lower())
    later = _Later()
    try:  # the port first: a taken port is said at once, not after the whole build
        server = (_Server6 if ":" in host else _Server)((host, port), later)
    except OSError as exc:
        raise ServeError(f"无法在 {host}:{port} 上提供预览（{exc.strerror or exc}）：换一个端口（--port）或地址（--host）") from None
    preview = Preview(root, profile, pdf=pdf, today=today, progress=progress)
    later.handler = _handler(preview, names)
    stop = stop or threading.Event()
    previous = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    if previous is not None:  # `kill` or a closed terminal: the work folder (personal data on the intranet) goes too
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        preview.start()
        if preview.status.state == "unreadable":
            announce("数据无法读取，预览页面显示错误所在：\n" + "\n".join(d.text() for d in preview.status.diagnostics[:20]))
        shown = "localhost" if local else host
        url = f"http://{'[::1]' if host == '::1' else shown}:{server.server_address[1]}/"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        if local:
            announce(f"预览：{url}（只在本机；修改 data/、content/ 后页面自动更新；Ctrl-C 停止）")
        else:
            announce(f"预览：{url}（注意：监听 {host}，同一网络中的其他计算机也能打开"
                     f"{'，内网版含个人信息' if profile == 'intranet' else ''}；只在本机使用请去掉 --host）")
        if ready is not None:
            ready(url)
        try:
            preview.watch(stop)
        finally:
            server.shutdown()
    finally:
        server.server_close()
        preview.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


class _Later:
    """The request handler, known once the preview exists (the port is bound before it is built)."""

    handler: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.handler(*args, **kwargs)
