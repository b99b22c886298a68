"""`expert-guide new`: a working project with the sample data of one rule profile (新建项目)."""
from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

SAMPLES = ("chongqing-2002", "beijing-2014")

GITIGNORE = "# 生成的网站与指南（由 expert-guide build / pdf 写出）\nsite/\nsite-intranet/\nguide.pdf\nguide-intranet.pdf\n"


class NewProjectError(Exception):
    """The project was not created; nothing was written."""


def new_project(target: Path | str, profile: str = "chongqing-2002") -> Path:
    """Copy the sample project of ``profile`` (data/ and content/) into ``target``, which must be new or empty."""
    if profile not in SAMPLES:
        raise NewProjectError(f"没有规则配置“{profile}”：可选 {'、'.join(SAMPLES)}")
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NewProjectError(f"{target} 已存在且不是空目录：新项目只写入新的或空的目录")
    sample = resources.files("generator") / "samples" / profile
    with resources.as_file(sample) as source:
        target.mkdir(parents=True, exist_ok=True)
        for name in ("data", "content"):
            shutil.copytree(Path(source) / name, target / name)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return target
