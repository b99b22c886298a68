"""Read data/*.yaml and content/policies/*.md into models (读取项目数据)."""
from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any, Callable

from ..diagnostics import Diagnostics, Location
from ..models import COLLECTION_NAMES, COLLECTIONS, OPTIONAL_COLLECTIONS, Policy, PolicyDoc, Site
from ..fields import At
from ..project import Project
from ..ruleset import RuleSet
from ..workers import Forked, WorkerDied
from .shape import ShapeChecker
from ..paths import reserved
from .cache import LoadCache
from .calendar import load_calendar
from .config import check_config, read_settings
from .files import present, scan_content
from .index import build_index
from .layout import check_layout
from .yamlio import YList, YMap, load_yaml_file, parse_yaml, read_text

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"


Progress = Callable[[str], None]


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def collection_files(root: Path, name: str) -> list[Path]:
    """data/NAME.yaml and data/NAME/*.yaml (large lists split by unit), in a stable order."""
    files = []
    single = root / "data" / f"{name}.yaml"
    if present(single):  # a folder, FIFO or outside link here is reported when it is read
        files.append(single)
    folder = root / "data" / name
    if folder.is_dir() and not folder.is_symlink():
        files.extend(sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(".")))  # ._x.yaml: macOS's
    elif folder.is_symlink():
        files.append(folder)  # reported: a linked folder is not followed
    return files


def load_project(root: Path | str, diags: Diagnostics, progress: Progress | None = None,
                 cache: LoadCache | None = None) -> Project:
    """Read every data and content file; shape errors go to ``diags``, nothing is written.

    With ``cache`` (a preview's), a collection file whose text is unchanged gives its records again unparsed."""
    root = Path(root).resolve()
    checker = ShapeChecker(diags)
    data = root / "data"
    if data.is_symlink():
        diags.error(Location("data"), "E016", "data/ 是符号链接：只读取项目目录中的数据", hint="把数据目录直接放在项目中")
        return Project(root=root, site=None, rules=None)
    if not data.is_dir():
        diags.error(Location(_rel(root, data)), "E013", "找不到数据目录 data/", hint="请在项目根目录运行，或给出项目目录")
        return Project(root=root, site=None, rules=None)

    site = _load_site(root, diags, checker)
    collections: dict[str, list] = {}
    unreadable = set()
    aparts: list[tuple[str, _ReadApart]] = []
    try:
        for name, model in COLLECTIONS.items():
            files = collection_files(root, name)
            if not files and name not in OPTIONAL_COLLECTIONS:
                diags.error(Location(f"data/{name}.yaml"), "E013", f"缺少数据文件 data/{name}.yaml（{COLLECTION_NAMES[name]}）")
            records: list[Any] = []
            collections[name] = records
            here = files
            if cache is None and len(files) >= LOAD_APART and _size(files) >= LOAD_APART_BYTES:  # half read apart
                here, rest = files[:len(files) // 2], files[len(files) // 2:]
                aparts.append((name, _ReadApart(root, rest, model, COLLECTION_NAMES[name])))
                if progress and aparts[-1][1].started:
                    progress(f"读取 {_rel(root, rest[0].parent)} 中的 {len(rest)} 个文件（在另一个进程中）")
            for path in here:
                if progress:
                    progress(f"读取 {_rel(root, path)}")
                if not _load_collection(root, path, _rel(root, path), model, COLLECTION_NAMES[name], records, diags,
                                        cache):
                    unreadable.add(name)
        before = len(diags.errors)
        check_config(root, diags)
        settings = read_settings(root) if len(diags.errors) == before else {}
        content = scan_content(root, diags)
        policies = _load_policies(root, diags, checker)
        rules = _load_rules(root, site, diags, checker)
        calendar = load_calendar(root, diags, checker)
        check_layout(root, diags)
        # the halves read apart are taken last: everything else is read here meanwhile (200,000 experts: the 50,000
        # pairings, 4 s, while the other process is still parsing and sending its half of the experts)
        for name, apart in aparts:
            if not apart.collect(collections[name], diags):
                unreadable.add(name)
    except BaseException:  # nothing read apart outlives a load that stops (its process would wait to be read)
        for _name, apart in aparts:
            apart.stop()
        raise
    read = {name: tuple(records) for name, records in collections.items()}
    index = build_index({**read, "policies": policies}, diags)
    return Project(root=root, site=site, rules=rules, policies=policies, unreadable=frozenset(unreadable),
                   content_files=content, index=index, settings=settings, calendar=calendar,
                   **read)


# A collection of this many files and bytes or more (200,000 experts: 1,000 files, 86 MB, 27 s of parsing) is read
# by two processes; below it the fork and the records' way back cost more than they save (20,000 experts: 9 MB).
LOAD_APART = 64
LOAD_APART_BYTES = 32 * 1024 * 1024


def _size(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:  # reported when it is read
            pass
    return total


class _ReadApart:
    """Files of a collection parsed in a forked process (workers.Forked) while this one parses the others: their
    records and diagnostics come back as they would have been made here (in file order, after this process's).

    Where forking is not safe (threads, one core) or the process does not answer (killed, out of memory),
    the files are simply read here: the result is the same either way."""

    def __init__(self, root: Path, files: list[Path], model: Any, label: str) -> None:
        import os
        import threading

        self.job = (root, files, model, label)
        self.started = threading.active_count() == 1 and len(os.sched_getaffinity(0)) > 1
        self.forked = Forked(_read_apart, self.job) if self.started else None

    def stop(self) -> None:
        if self.forked is not None:
            self.forked.stop()

    def collect(self, records: list, diags: Diagnostics) -> bool:
        """Append the files' records and diagnostics; False when one of the files could not be read at all."""
        try:
            read, found, ok = self.forked.result() if self.forked is not None else _read(*self.job)
        except (WorkerDied, OSError):
            read, found, ok = _read(*self.job)
        records.extend(read)
        diags.extend(found)
        return ok


def _read(root: Path, files: list[Path], model: Any, label: str) -> tuple[list, list, bool]:
    records: list[Any] = []
    diags = Diagnostics()
    ok = True
    for path in files:
        ok = _load_collection(root, path, _rel(root, path), model, label, records, diags, None) and ok
    return records, diags.items, ok


def _read_apart(root: Path, files: list[Path], model: Any, label: str) -> tuple[list, list, bool]:
    """_read in the forked process."""
    return _read(root, files, model, label)


def _load_site(root: Path, diags: Diagnostics, checker: ShapeChecker) -> Site | None:
    path = root / "data" / "site.yaml"
    if not present(path):
        diags.error(Location("data/site.yaml"), "E013", "缺少数据文件 data/site.yaml（发布机关与版次）")
        return None
    raw = load_yaml_file(path, "data/site.yaml", diags, root)
    if raw is None:
        return None
    return checker.record(Site, raw, Location("data/site.yaml", 1, 1), "site.yaml")


def _load_collection(root: Path, path: Path, rel: str, model: Any, label: str, out: list, diags: Diagnostics,
                     cache: LoadCache | None) -> bool:
    """Append the file's records to ``out``; False when the file could not be read at all."""
    text = read_text(path, rel, diags, root)
    if text is None:
        return False

    def parse(out: list, diags: Diagnostics) -> bool:
        checker = ShapeChecker(diags)

        def take(raw: Any, where: Location) -> None:
            ident = raw.get("id") if isinstance(raw, YMap) else None
            what = f"{label}“{ident}”" if isinstance(ident, str) else label
            record = checker.record(model, raw, where, what)
            if record is not None:
                out.append(record)

        parsed = parse_yaml(text, rel, diags, on_item=take)
        if parsed is None:  # items handed over before the error are kept; the rest is unknown
            return False
        if not isinstance(parsed, YList):
            where = parsed.location if isinstance(parsed, YMap) else Location(rel, 1, 1)
            diags.error(where, "E103", f"{rel} 应为{label}的列表（每项以“- ”开头）")
            return False
        return True

    if cache is None:
        return parse(out, diags)
    return cache.collection(rel, model, text, out, diags, parse)


def _load_policies(root: Path, diags: Diagnostics, checker: ShapeChecker) -> tuple[PolicyDoc, ...]:
    folder = root / "content" / "policies"
    docs = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() and not folder.is_symlink() else []:
        rel = _rel(root, path)
        if reserved(_rel(root / "content", path)):
            continue  # policies/index.md is the generated list of policies: E019 from scan_content
        text = read_text(path, rel, diags, root)
        if text is None:
            continue
        lines = text.split("\n")
        if not lines or lines[0].rstrip() != "---":
            diags.error(Location(rel, 1, 1), "E014", "政策文件缺少前置元数据（第一行应为“---”）",
                        hint="在文件开头写出 title、doc_number、issuer、date、status，前后各一行“---”")
            continue
        try:
            close = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
        except StopIteration:
            diags.error(Location(rel, 1, 1), "E014", "前置元数据没有结束的“---”行")
            continue
        raw = parse_yaml("\n".join(lines[1:close]) + "\n", rel, diags, line_offset=1)
        if raw is None:
            continue
        meta = checker.record(Policy, raw, Location(rel, 2, 1), f"政策文件 {path.name} 的元数据")
        ident = checker.scalar(PolicyDoc._specs["id"], path.stem, Location(rel), 0, "文件名")
        body = "\n".join(lines[close + 1:]).strip("\n") + "\n"
        if meta is not None and ident:
            docs.append(PolicyDoc(id=ident, meta=meta, body=body, at=At(rel, 1, 1, None)))
    return tuple(docs)


def _load_rules(root: Path, site: Site | None, diags: Diagnostics, checker: ShapeChecker) -> RuleSet | None:
    """The profile named in site.yaml, with data/rules.yaml's sections replacing its own; None on any error.

    The rules run only on parameters that are themselves valid: an error in the profile or in
    data/rules.yaml is reported and leaves the project without a rule set.
    """
    before = len(diags.errors)
    rules = _merged_rules(root, site, diags, checker)
    return rules if len(diags.errors) == before else None


def _merged_rules(root: Path, site: Site | None, diags: Diagnostics, checker: ShapeChecker) -> RuleSet | None:
    if site is None or site.rules_profile is None:
        return None
    profile_path = PROFILES_DIR / f"{site.rules_profile}.yaml"
    base = load_yaml_file(profile_path, f"<规则配置 {site.rules_profile}>", diags)
    if not isinstance(base, YMap):
        return None
    merged = base
    override_path = root / "data" / "rules.yaml"
    if present(override_path):
        override = load_yaml_file(override_path, "data/rules.yaml", diags, root)
        if override is None:
            return None
        if not isinstance(override, YMap):
            diags.error(Location("data/rules.yaml", 1, 1), "E103", "data/rules.yaml 应为“规则节: 参数”形式的映射")
            return None
        merged = _replace_sections(base, override)
    return checker.record(RuleSet, merged, merged.location, "规则配置")


def load_profile(name: str, diags: Diagnostics) -> RuleSet | None:
    """A built-in rule profile by itself, without any project's data/rules.yaml (README's rule table)."""
    raw = load_yaml_file(PROFILES_DIR / f"{name}.yaml", f"<规则配置 {name}>", diags)
    return ShapeChecker(diags).record(RuleSet, raw, raw.location, "规则配置") if isinstance(raw, YMap) else None


def _replace_sections(base: YMap, override: YMap) -> YMap:
    merged = YMap()
    merged.path, merged.line, merged.col = override.path, override.line, override.col
    merged.pos = array("Q")
    for key in list(base) + [k for k in override if k not in base]:
        source = override if key in override else base
        index = list(source).index(key)
        merged[key] = source[key]
        merged.pos.append(source.pos[2 * index])
        merged.pos.append(source.pos[2 * index + 1])
    return merged


__all__ = ["load_project", "load_profile", "collection_files", "COLLECTION_NAMES"]
