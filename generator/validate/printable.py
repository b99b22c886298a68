"""What the printed guide may reference, checked by `check` for every printed content file at once (印刷版引用).

The print composer (render/pdf) applies the same policy and stops at the first breach; here every
breach of every file is reported, located, before anything is built. The policy: a printed link is
https:, mailto:, tel:, a same-page anchor or a file under content/; an image or any other embedded
resource is a file under content/ that exists; nothing with another scheme (file:, http:, data:…).
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from urllib.parse import unquote

import markdown

from ..diagnostics import Diagnostics, Location
from ..load.config import markdown_extensions
from ..load.files import split_front_matter
from ..project import Project

PRINT_SCHEMES = ("https:", "mailto:", "tel:")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
SRC = re.compile(r'\ssrc\s*=\s*["\']?([^"\'\s>]*)', re.I)
HREF = re.compile(r'<a\b([^>]*?)\shref="([^"]*)"([^>]*)>')
PRINTED = ("content/index.md", "content/_print/letter.md")  # and every policy in content/policies/


def printed_files(project: Project) -> list[str]:
    files = [rel for rel in PRINTED if (project.root / rel).is_file()]
    return files + [p.at.path for p in project.policies if p.at is not None]


def check_printable(project: Project, diags: Diagnostics) -> None:
    content = (project.root / "content").resolve()
    names, configs = markdown_extensions(project.settings)  # as the site and the printed guide render content
    for rel in printed_files(project):
        path = project.root / rel
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by load
        meta, body = split_front_matter(text)
        text = "\n" * meta.count("\n") + "\n\n" + body if meta or body != text else text  # lines kept in place
        html = markdown.markdown(text, extensions=names, extension_configs=configs)
        folder = path.parent
        for src in SRC.findall(html):
            target = html_lib.unescape(src)
            problem = _resource(target, folder, content)
            if problem:
                diags.error(_where(rel, text, src, target), "E406", f"印刷版{problem}：{target}",
                            hint="图片等资源请放在 content/ 中并用相对路径引用")
        for _before, href, _after in HREF.findall(html):
            target = html_lib.unescape(href)
            problem = _link(target, folder, content)
            if problem:
                diags.error(_where(rel, text, href, target), "E406", f"印刷版{problem}：{target}",
                            hint="印刷版只允许 https:、mailto:、tel: 链接、页内锚点和 content/ 中的文件")


def _resource(target: str, folder: Path, content: Path) -> str | None:
    if not target:
        return "引用了空的资源地址"
    if SCHEME.match(target):
        return "不允许从网络或本机其他位置读取资源"
    path = (folder / unquote(target.split("#")[0].split("?")[0])).resolve()
    if not path.is_relative_to(content):
        return "引用的资源在 content/ 之外"
    if not path.is_file():
        return "引用的资源不存在"
    return None


def _link(target: str, folder: Path, content: Path) -> str | None:
    if target.startswith("#") or target.lower().startswith(PRINT_SCHEMES):
        return None
    if SCHEME.match(target):
        return "不允许这种链接"
    path = (folder / unquote(target.split("#")[0].split("?")[0])).resolve()
    if not path.is_relative_to(content):
        return "的链接指向 content/ 之外"
    return None


def _where(rel: str, text: str, raw: str, target: str) -> Location:
    """The line and column where the reference is written (as written, or as it reads unescaped)."""
    for needle in (raw, target, html_lib.escape(target)):
        at = text.find(needle) if needle else -1
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            return Location(rel, line, at - (text.rfind("\n", 0, at) + 1) + 1)
    return Location(rel, 1, 1)
