"""`expert-guide new`: a working project with the sample data of one rule profile (新建项目)."""
from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from .forge import write_workflows

SAMPLES = ("chongqing-2002", "beijing-2014")

GITIGNORE = ("# 生成的网站与指南（由 expert-guide build / pdf 写出）\nsite/\nsite-intranet/\nguide.pdf\nguide-intranet.pdf\n"
             "# ci/publish.sh 的输出与代码质量报告\nout/\ngl-code-quality-report.json\n")


class NewProjectError(Exception):
    """The project was not created; nothing was written."""


def new_project(target: Path | str, profile: str = "chongqing-2002") -> Path:
    """Copy the sample project of ``profile`` (data/ and content/) into ``target``, which must be new or empty."""
    if profile not in SAMPLES:
        raise NewProjectError(f"没有规则配置“{profile}”：可选 {'、'.join(SAMPLES)}")
    target = Path(target)
    if target.is_symlink():
        raise NewProjectError(f"{target} 是符号链接：新项目只写入新的或空的普通目录")
    if target.exists() and not target.is_dir():
        raise NewProjectError(f"{target} 已是一个文件：新项目只写入新的或空的目录")
    if target.exists() and any(target.iterdir()):
        raise NewProjectError(f"{target} 已存在且不是空目录：新项目只写入新的或空的目录")
    outer = _enclosing_project(target)
    if outer is not None:
        raise NewProjectError(f"{target} 位于另一个项目 {outer} 之中：请在项目之外新建")
    sample = resources.files("generator") / "samples" / profile
    with resources.as_file(sample) as source:
        target.mkdir(parents=True, exist_ok=True)
        for name in ("data", "content"):
            shutil.copytree(Path(source) / name, target / name)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    _link_schemas(target)
    write_workflows(target)
    return target


def _link_schemas(target: Path) -> None:
    """schemas/ beside data/, and a first line in each data file that points editors at its schema."""
    from .schema import write_schemas

    names = {p.stem for p in write_schemas(target / "schemas")}
    for path in sorted((target / "data").glob("*.yaml")):
        if path.stem in names:
            text = path.read_text(encoding="utf-8")
            if not text.startswith("# yaml-language-server:"):
                path.write_text(f"# yaml-language-server: $schema=../schemas/{path.stem}.json\n{text}", encoding="utf-8")


def _enclosing_project(target: Path) -> Path | None:
    """The nearest folder above ``target`` that is a project (has data/ beside content/ or mkdocs.yml)."""
    for folder in Path(target).resolve().parents:
        if (folder / "data").is_dir() and ((folder / "content").is_dir() or (folder / "mkdocs.yml").is_file()):
            return folder
    return None
