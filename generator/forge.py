"""CI for a data repository: the publish script and the GitHub and GitLab workflows that run it (持续集成).

Both forges run the same shell script, ``ci/publish.sh``; the workflow files only install the tool
(from the package index, pinned to the version that wrote them, cached) and call the script, so what
CI does can be run and tested on any machine. `expert-guide new` writes these files into every new
project; `expert-guide workflows DIR` writes them into an existing one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

# (file in the project, template in generator/ci/, executable)
FILES = (
    (".github/workflows/publish.yml", "publish.yml", False),
    (".gitlab-ci.yml", "gitlab-ci.yml", False),
    ("ci/publish.sh", "publish.sh", True),
    ("ci/requirements.txt", "requirements.txt", False),
)


class WorkflowError(Exception):
    """Nothing was written; the message is for the user."""


@dataclass(frozen=True)
class Written:
    paths: tuple[Path, ...]


def tool_version() -> str:
    try:
        return metadata.version("expert-guide")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0.1.0"


def template(name: str) -> str:
    """A CI file as this version of the tool writes it."""
    text = (resources.files("generator") / "ci" / name).read_text(encoding="utf-8")
    return text.replace("{version}", tool_version())


def write_workflows(project: Path | str) -> Written:
    """Write every CI file into ``project``; refuse, writing nothing, if any of them is there already."""
    root = Path(project)
    if root.is_symlink() or not root.is_dir():
        raise WorkflowError(f"{root} 不是目录：请给出项目目录（含 data/ 的目录）")
    if not (root / "data").is_dir():
        raise WorkflowError(f"{root} 中没有 data/：请给出项目目录")
    targets = [root / rel for rel, _name, _x in FILES]
    present = [rel for rel, _name, _x in FILES if os.path.lexists(root / rel)]
    if present:
        raise WorkflowError(f"已有 {'、'.join(present)}：未写入任何文件（要换成新版本，请先删除或改名这些文件）")
    for rel, _name, _x in FILES:
        parent = root
        for part in Path(rel).parts[:-1]:
            parent = parent / part
            if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
                raise WorkflowError(f"{parent} 是符号链接或文件：未写入任何文件")
    made: list[Path] = []  # files and folders this call created, to take back if a later one cannot be written
    try:
        for (rel, name, executable), path in zip(FILES, targets):
            for folder in reversed(path.parents):
                if folder.is_relative_to(root) and folder != root and not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            with open(path, "x", encoding="utf-8") as handle:  # never over a file that appeared meanwhile
                made.append(path)
                handle.write(template(name))
            if executable:
                path.chmod(0o755)
    except OSError as exc:
        for done in reversed(made):
            try:
                done.rmdir() if done.is_dir() and not done.is_symlink() else done.unlink()
            except OSError:
                pass
        raise WorkflowError(f"无法写入 {exc.filename or root}（{exc.strerror}）：未写入任何文件") from None
    return Written(tuple(targets))
