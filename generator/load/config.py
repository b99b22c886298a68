"""mkdocs.yml is input too: checked before MkDocs loads it (网站配置检查).

MkDocs reads mkdocs.yml with PyYAML's full loader, which runs any `!!python/…` tag it finds. Here
the file is only composed into nodes (nothing is constructed, nothing runs) and checked: the tags
the project needs pass (`!ENV`, `!relative`, and the heading-slug functions named in SLUGIFY); any
other tag, a `hooks:` entry (Python files MkDocs would run), content or templates outside the
project, or a configuration without the expert-guide plugin is a located error. `expert-guide`
checks it before MkDocs sees it; plain `mkdocs build` loads it itself, so run `expert-guide check`
(or the pre-commit hook) on files you did not write.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostics, Location
from .files import present, read_bytes
from .yamlio import decode_text

ALLOWED_TAGS = ("!ENV", "!relative")
PYTHON_NAME = "tag:yaml.org,2002:python/name:"
SLUGIFY = ("markdown.extensions.toc.slugify_unicode", "markdown.extensions.toc.slugify", "pymdownx.slugs.slugify")
STANDARD = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:timestamp")

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def check_config(root: Path, diags: Diagnostics) -> None:
    path = root / "mkdocs.yml"
    if not present(path):
        return  # the generator's own configuration is used
    rel = "mkdocs.yml"
    data = read_bytes(root, path, rel, diags)
    text = decode_text(data, rel, diags) if data is not None else None
    if text is None:
        return
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        diags.error(Location(rel, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0), "E005",
                    f"mkdocs.yml 语法错误：{exc.problem}")
        return
    except yaml.YAMLError as exc:
        diags.error(Location(rel), "E005", f"mkdocs.yml 无法读取：{exc}")
        return
    if not isinstance(node, yaml.MappingNode):
        diags.error(Location(rel, 1, 1), "E103", "mkdocs.yml 应为“键: 值”形式的映射")
        return
    ok = _tags(node, rel, diags, 0)
    top = {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}
    if "hooks" in top:
        diags.error(_at(rel, top["hooks"]), "E502", "mkdocs.yml 中不允许 hooks：MkDocs 会运行其中列出的 Python 文件",
                    hint="删除 hooks；本系统需要的处理都在 expert-guide 插件中")
    for key, expected in (("docs_dir", "content"),):
        value = top.get(key)
        if isinstance(value, yaml.ScalarNode) and value.tag in STANDARD and _outside(root, value.value, expected):
            diags.error(_at(rel, value), "E504", f"mkdocs.yml 的 {key} 应为 {expected}（项目中的文稿目录）",
                        hint="文稿放在 content/ 中；不会读取或发布项目之外的文件")
    theme = top.get("theme")
    if isinstance(theme, yaml.MappingNode):
        for key, value in theme.value:
            if key.value == "custom_dir" and isinstance(value, yaml.ScalarNode) and value.tag in STANDARD \
                    and not (root / value.value).resolve().is_relative_to(root):
                diags.error(_at(rel, value), "E504", "mkdocs.yml 的 theme.custom_dir 指向项目之外")
    if ok and not _has_plugin(top.get("plugins")):
        where = _at(rel, top["plugins"]) if "plugins" in top else Location(rel, 1, 1)
        diags.error(where, "E503", "mkdocs.yml 中没有启用 expert-guide 插件：网站将没有任何数据页面，也不会做发布前的校验和审计",
                    hint="在 plugins: 下加入“- expert-guide”（参见本系统自带的 mkdocs.yml）")


def _at(rel: str, node: Any) -> Location:
    return Location(rel, node.start_mark.line + 1, node.start_mark.column + 1)


def _outside(root: Path, value: str, expected: str) -> bool:
    return (root / value).resolve() != (root / expected).resolve()


def _tags(node: Any, rel: str, diags: Diagnostics, depth: int) -> bool:
    """Every tag in the tree is one the project needs; False after reporting one that is not."""
    ok = True
    tag = node.tag
    if tag not in STANDARD and tag not in ALLOWED_TAGS and tag not in (PYTHON_NAME + name for name in SLUGIFY):
        diags.error(_at(rel, node), "E501", f"mkdocs.yml 中不允许标签“{tag}”：MkDocs 会执行它",
                    hint=f"只允许 !ENV、!relative 和 !!python/name:{SLUGIFY[0]}")
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


def _has_plugin(plugins: Any) -> bool:
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode) and item.value == "expert-guide":
                return True
            if isinstance(item, yaml.MappingNode) and any(k.value == "expert-guide" for k, _v in item.value):
                return True
    if isinstance(plugins, yaml.MappingNode):
        return any(k.value == "expert-guide" for k, _v in plugins.value)
    return False
