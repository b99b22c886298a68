"""mkdocs.yml is input too: checked against an allow-list before MkDocs loads it (网站配置检查).

MkDocs reads mkdocs.yml with PyYAML's full loader, which runs any `!!python/…` tag, follows
`INHERIT:` to other files, runs `hooks:`, imports any Markdown extension or theme folder named, and
prints fields such as `copyright` into every page unescaped. So the file is only composed into
nodes here (nothing is constructed, nothing runs) and checked against what this project needs:

- only the keys in KEYS, each with a value of the kind it expects; `INHERIT`, `hooks`, `copyright`
  with markup, scripts from other sites and any other key are located errors (E501–E505);
- tags only where MkDocs needs them: `!ENV` on `site_dir` and the plugin's `profile`, and the
  heading-slug functions named in SLUGIFY;
- `docs_dir` is `content`, `theme.custom_dir` is `theme/overrides`;
- Markdown extensions from MARKDOWN_EXTENSIONS only (pymdownx.snippets would include any file);
- plugins: `search` and `expert-guide` (last, with `profile` as its only option), so nothing writes
  into the site after it has been audited.

`expert-guide` checks it before MkDocs sees it; plain `mkdocs build` loads it itself, so run
`expert-guide check` (or the pre-commit hook) on a project you did not write.
"""
from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any, Callable

import yaml

from ..diagnostics import Diagnostics, Location
from ..paths import THEME_DIR
from .files import present, read_bytes
from .yamlio import decode_text, too_deep

PYTHON_NAME = "tag:yaml.org,2002:python/name:"
SLUGIFY = ("markdown.extensions.toc.slugify_unicode", "markdown.extensions.toc.slugify")
STANDARD = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:float")
MARKDOWN_EXTENSIONS = ("toc", "attr_list", "md_in_html", "tables", "def_list", "footnotes", "abbr", "admonition",
                       "sane_lists", "smarty", "pymdownx.details", "pymdownx.superfences", "pymdownx.tilde",
                       "pymdownx.caret", "pymdownx.mark")
PLAIN = re.compile(r"[^<>&\"'`\x00-\x1f]*")  # text Material prints without escaping
LOCAL = re.compile(r"(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|\\)[^\s\\]+")  # a path inside the site, no scheme, no //

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader


DEFAULT_CONFIG = THEME_DIR / "mkdocs.yml"  # the settings of a project without its own mkdocs.yml


class _SettingsLoader(_Loader):
    """Reads a mkdocs.yml that check_config accepted: !ENV is resolved, a slugify name stays its name."""


def _env(loader: Any, node: Any) -> Any:
    items = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
    for name in items[:-1] if len(items) > 1 else items:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return items[-1] if len(items) > 1 else None


_SettingsLoader.add_constructor("!ENV", _env)
_SettingsLoader.add_multi_constructor(PYTHON_NAME, lambda loader, suffix, node: suffix)


def read_settings(root: Path) -> dict[str, Any]:
    """The settings of the project's mkdocs.yml (or the built-in one) as plain values; call after check_config."""
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8-sig") if present(path) and path.is_file() else \
        DEFAULT_CONFIG.read_text(encoding="utf-8")
    settings = yaml.load(text, Loader=_SettingsLoader)
    return settings if isinstance(settings, dict) else {}


def markdown_extensions(settings: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions content is rendered with: the site, the printed guide and `check` use this one list.

    Those of the project's mkdocs.yml (allow-listed by check_config), with toc giving heading ids only.
    """
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for entry in settings.get("markdown_extensions") or ():
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, None))
        names.append(name)
        configs[name] = dict(options or {})
    if "toc" not in names:
        names.append("toc")
    toc = configs.setdefault("toc", {})
    slugify = toc.get("slugify", SLUGIFY[0])
    if isinstance(slugify, str) and slugify in SLUGIFY:
        module, _, function = slugify.rpartition(".")
        toc["slugify"] = getattr(importlib.import_module(module), function)
    else:
        toc.pop("slugify", None)
    toc["permalink"] = False  # the engine adds the permalinks to the headings written as Markdown
    for key in list(toc):
        if key not in ("slugify", "permalink", "separator", "toc_depth"):
            toc.pop(key)
    return names, configs


def check_config(root: Path, diags: Diagnostics) -> None:
    path = root / "mkdocs.yml"
    if not present(path):
        return  # the generator's own configuration is used
    rel = "mkdocs.yml"
    data = read_bytes(root, path, rel, diags)
    text = decode_text(data, rel, diags) if data is not None else None
    if text is None:
        return
    if not _shallow(text, rel, diags):
        return
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Location(rel, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0)
        if too_deep(exc.problem):
            diags.error(where, "E009", f"mkdocs.yml 嵌套层级过深（超过 {MAX_DEPTH} 层）")
        else:
            diags.error(where, "E005", f"mkdocs.yml 语法错误：{exc.problem}")
        return
    except yaml.YAMLError as exc:
        diags.error(Location(rel), "E005", f"mkdocs.yml 无法读取：{exc}")
        return
    if not isinstance(node, yaml.MappingNode):
        diags.error(Location(rel, 1, 1), "E103", "mkdocs.yml 应为“键: 值”形式的映射")
        return
    _tags(node, rel, diags, 0)
    _Checker(root, rel, diags).mapping(node)


def _shallow(text: str, rel: str, diags: Diagnostics) -> bool:
    """Read the events first: no anchor or alias (a few lines can expand to billions of nodes), and no
    nesting deeper than MAX_DEPTH (which would crash the C composer) — before any tree is built."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                diags.error(Location(rel, event.start_mark.line + 1, event.start_mark.column + 1), "E007",
                            "mkdocs.yml 中不允许使用锚点或别名（&a、*a）")
                return False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    diags.error(Location(rel, event.start_mark.line + 1, event.start_mark.column + 1), "E009",
                                f"mkdocs.yml 嵌套层级过深（超过 {MAX_DEPTH} 层）")
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Location(rel, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0)
        if too_deep(exc.problem):
            diags.error(where, "E009", f"mkdocs.yml 嵌套层级过深（超过 {MAX_DEPTH} 层）")
        else:
            diags.error(where, "E005", f"mkdocs.yml 语法错误：{exc.problem}")
        return False
    return True


MAX_DEPTH = 24


def _at(rel: str, node: Any) -> Location:
    return Location(rel, node.start_mark.line + 1, node.start_mark.column + 1)


def _tags(node: Any, rel: str, diags: Diagnostics, depth: int) -> bool:
    """Every tag in the tree is one the project needs; False after reporting one that is not."""
    ok = True
    tag = node.tag
    if tag not in STANDARD and tag != "!ENV" and tag not in (PYTHON_NAME + name for name in SLUGIFY):
        diags.error(_at(rel, node), "E501", f"mkdocs.yml 中不允许标签“{tag}”：MkDocs 会执行或展开它",
                    hint=f"只允许 site_dir 和插件 profile 上的 !ENV，以及 !!python/name:{SLUGIFY[0]}")
        ok = False
    if depth > 50:
        diags.error(_at(rel, node), "E009", "mkdocs.yml 嵌套层级过深")
        return False
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            ok = _tags(key, rel, diags, depth + 1) and ok
            ok = _tags(value, rel, diags, depth + 1) and ok
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            ok = _tags(item, rel, diags, depth + 1) and ok
    return ok


def _scalar(node: Any) -> str | None:
    """The text of an untagged scalar (an !ENV value is not a literal and is refused where a literal is needed)."""
    if isinstance(node, yaml.ScalarNode) and node.tag in STANDARD:
        return node.value
    return None


class _Checker:
    """Walks mkdocs.yml against KEYS; every departure is one located error."""

    def __init__(self, root: Path, rel: str, diags: Diagnostics) -> None:
        self.root, self.rel, self.diags = root, rel, diags

    def error(self, node: Any, code: str, message: str, hint: str = "") -> None:
        self.diags.error(_at(self.rel, node), code, message, hint=hint)

    def mapping(self, node: Any) -> None:
        keys = {}
        for key, value in node.value:
            name = _scalar(key)
            keys[name] = value
            rule = KEYS.get(name or "")
            if name == "hooks":
                self.error(key, "E502", "mkdocs.yml 中不允许 hooks：MkDocs 会运行其中列出的 Python 文件",
                           hint="删除 hooks；本系统需要的处理都在 expert-guide 插件中")
            elif name == "INHERIT":
                self.error(key, "E505", "mkdocs.yml 中不允许 INHERIT：被继承的文件不经检查就会被 MkDocs 读取",
                           hint="把需要的设置直接写在 mkdocs.yml 中")
            elif rule is None:
                self.error(key, "E505", f"mkdocs.yml 中不允许设置“{name}”", hint="允许的设置：" + "、".join(KEYS))
            else:
                rule(self, value)
        if "plugins" not in keys:
            self.error(node, "E503", "mkdocs.yml 中没有启用 expert-guide 插件：网站将没有任何数据页面，也不会做发布前的校验和审计",
                       hint="在 plugins: 下加入“- search”和“- expert-guide”（参见本系统自带的 mkdocs.yml）")

    # -- the rules of the keys --
    def text(self, node: Any) -> None:
        value = _scalar(node)
        if value is None or not PLAIN.fullmatch(value):
            self.error(node, "E505", "这一设置只能是不含 < > & 引号的文字：Material 会把它原样写进每个页面")

    def flag(self, node: Any) -> None:
        if _scalar(node) not in ("true", "false"):
            self.error(node, "E505", "这一设置只能是 true 或 false")

    def env_or_text(self, node: Any) -> None:
        if node.tag == "!ENV":
            return
        self.text(node)

    def https(self, node: Any) -> None:
        value = _scalar(node)
        if value is None or not re.fullmatch(r"https://[A-Za-z0-9.\-]+(:\d+)?(/[A-Za-z0-9._~/\-]*)?", value):
            self.error(node, "E505", "site_url 只能是 https:// 开头的网址（不含引号、尖括号）")

    def docs_dir(self, node: Any) -> None:
        if _scalar(node) != "content":
            self.error(node, "E504", "mkdocs.yml 的 docs_dir 只能是 content（项目中的文稿目录）",
                       hint="文稿放在 content/ 中；不会读取或发布项目之外的文件")

    def theme(self, node: Any) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "E505", "theme 应为映射")
            return
        for key, value in node.value:
            name = _scalar(key)
            if name == "name":
                if _scalar(value) != "material":
                    self.error(value, "E505", "theme.name 只能是 material")
            elif name == "custom_dir":
                if _scalar(value) != "theme/overrides":
                    self.error(value, "E504", "theme.custom_dir 只能是 theme/overrides：模板目录中的文件会被当作代码执行",
                               hint="不能指向 content/、data/ 或项目之外")
            elif name == "language":
                self.text(value)
            elif name == "font":
                if _scalar(value) != "false":
                    self.error(value, "E505", "theme.font 只能是 false：网页不从外部取字体，字体名也会原样写进页面")
            elif name in ("favicon", "logo"):
                self.asset(value)
            elif name in ("features", "palette", "icon"):
                self.plain_tree(value)
            else:
                self.error(key, "E505", f"theme 中不允许设置“{name}”")

    def plain_tree(self, node: Any) -> None:
        """Nested settings whose leaves are plain text (palette colours, feature names)."""
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                self.plain_tree(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.plain_tree(item)
        else:
            self.text(node)

    def asset(self, item: Any) -> None:
        """A file of the theme's own (theme/overrides/assets/…, or the built-in theme's): never content/, never another site."""
        value = _scalar(item)
        inside = False
        if value and LOCAL.fullmatch(value) and value.startswith("assets/"):
            for base in (self.root / "theme" / "overrides", THEME_DIR / "overrides"):
                path = (base / value).resolve()
                inside = inside or path.is_relative_to((base / "assets").resolve())
        if not inside:
            self.error(item, "E505", "只能引用 theme/overrides/assets/ 中的文件（如 assets/stylesheets/x.css），"
                                     "不能引用 content/ 中的文件或其他网站的脚本、样式、图片")

    def local_files(self, node: Any) -> None:
        for item in node.value if isinstance(node, yaml.SequenceNode) else [node]:
            self.asset(item)

    def extra(self, node: Any) -> None:
        """Material reads extra: for links, analytics and social icons: only `generator: false` is needed."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "E505", "extra 应为映射")
            return
        for key, value in node.value:
            if _scalar(key) != "generator":
                self.error(key, "E505", f"extra 中不允许设置“{_scalar(key)}”（链接、统计代码、社交图标会写进每个页面）",
                           hint="只允许 generator: false")
            else:
                self.flag(value)

    def extensions(self, node: Any) -> None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "E505", "markdown_extensions 应为列表")
            return
        for item in node.value:
            name = _scalar(item) if isinstance(item, yaml.ScalarNode) else \
                _scalar(item.value[0][0]) if isinstance(item, yaml.MappingNode) and item.value else None
            if name not in MARKDOWN_EXTENSIONS:
                self.error(item, "E505", f"不允许的 Markdown 扩展“{name}”",
                           hint="允许：" + "、".join(MARKDOWN_EXTENSIONS))

    def plugins(self, node: Any) -> None:
        names = []
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        for item in items:
            if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                key, options = item.value[0]
                name = _scalar(key)
                if name == "expert-guide" and isinstance(options, yaml.MappingNode):
                    for option, value in options.value:
                        if _scalar(option) != "profile":
                            self.error(option, "E505", f"expert-guide 插件只接受 profile 选项，不接受“{_scalar(option)}”")
                        elif value.tag != "!ENV" and _scalar(value) not in ("public", "intranet"):
                            self.error(value, "E505", "profile 只能是 public 或 intranet")
                elif options.tag != "tag:yaml.org,2002:null" or name != "search":
                    self.error(item, "E505", f"插件“{name}”不能带选项")
            else:
                name = _scalar(item)
            if name not in ("search", "expert-guide"):
                self.error(item, "E505", f"不允许的插件“{name}”：发布的每个文件都须经过 expert-guide 的审计")
            names.append(name)
        if "expert-guide" not in names:
            self.error(node, "E503", "mkdocs.yml 中没有启用 expert-guide 插件：网站将没有任何数据页面，也不会做发布前的校验和审计",
                       hint="在 plugins: 下加入“- expert-guide”（参见本系统自带的 mkdocs.yml）")
        elif names[-1] != "expert-guide":
            self.error(node, "E505", "expert-guide 必须是最后一个插件：排在它后面的插件会在审计之后写入网站")

    def doc_patterns(self, node: Any) -> None:
        value = _scalar(node)
        if value is None or any(line.strip().startswith("!") for line in value.splitlines()):
            self.error(node, "E505", "不能用“!”重新纳入被排除的文件（如以“.”开头的文件），它们不经检查")

    def anything_plain(self, node: Any) -> None:
        self.plain_tree(node)


KEYS: dict[str, Callable[[_Checker, Any], None]] = {
    "site_name": _Checker.text, "site_description": _Checker.text, "site_author": _Checker.text,
    "copyright": _Checker.text, "site_url": _Checker.https, "docs_dir": _Checker.docs_dir,
    "site_dir": _Checker.env_or_text, "use_directory_urls": _Checker.flag, "strict": _Checker.flag,
    "theme": _Checker.theme, "extra": _Checker.extra, "extra_css": _Checker.local_files,
    "extra_javascript": _Checker.local_files, "markdown_extensions": _Checker.extensions,
    "plugins": _Checker.plugins, "exclude_docs": _Checker.doc_patterns, "not_in_nav": _Checker.doc_patterns,
    "validation": _Checker.anything_plain, "nav": _Checker.anything_plain,
}
