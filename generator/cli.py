"""The thin command line: parse arguments, call the library, turn results into exit codes (命令行)."""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any, NoReturn
from datetime import date
from pathlib import Path

from .clock import ClockError, parse_day
from .diagnostics import FORMATTERS
from .load.edition import EditionError
from .provenance import repository_prefix

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2, in Chinese
        for english, chinese in _ARGPARSE:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


_ARGPARSE = (("the following arguments are required", "缺少参数"), ("unrecognized arguments", "无法识别的参数"),
             ("invalid choice", "不是可选的值"), ("choose from", "可选"), ("expected one argument", "需要一个值"),
             ("argument ", "参数 "), ("ambiguous option", "选项不明确"), ("could match", "可能是"))


class _UsageError(Exception):
    pass


def run_check(root: str | Path, **options: Any) -> Any:
    """generator.check, imported when a command runs: the console script's worker processes (spawned: each runs the
    script again, which imports this module) import no more than they need."""
    from .check import check

    return check(root, **options)


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ClockError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _path(text: str) -> str:
    """An output path as the shell would have meant it: ~ expanded; empty or unexpanded $VAR refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("输出路径不能为空")
    text = os.path.expanduser(text)
    if "$" in text:
        raise argparse.ArgumentTypeError(f"输出路径“{text}”中有未展开的变量（$…）")
    return text


def _project_options(p: argparse.ArgumentParser, *, profile: bool = True, builds: bool = False,
                     all_profiles: bool = False) -> None:
    """The options every command that reads a project shares."""
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    if profile:
        p.add_argument("--profile", choices=("public", "intranet", "all") if all_profiles else ("public", "intranet"),
                       default="public", help="public（公开版，默认）或 intranet（内网版）" + (
                           "；all：两个版本，只读取和校验一次，都审计通过后一起发布" if all_profiles else ""))
    p.add_argument("--strict", action="store_true", help="警告也视为失败")
    default = ("默认 SOURCE_DATE_EPOCH；未设置时，git 仓库中的项目按最后一次提交的日期，使同一提交的构建逐字节相同；否则今天"
               if builds else "默认今天，或 SOURCE_DATE_EPOCH")
    p.add_argument("--today", type=_day, metavar="年-月-日", help=f"按此日期判断期满与在联系（{default}）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度")


def _edition_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--edition", metavar="版次",
                   help="印在封面与首页的版次，代替 site.yaml 的 edition；标签名 edition-2027 写作“2027年版”")


def _since_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", metavar="OLD",
                   help="上一版（目录或 git 版本，如 edition-2026）：加上“本版变化”页面与章节（按所选版本的公开范围）")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="expert-guide", description="专家联系服务制度：校验数据，生成网站与《专家服务指南》。")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="命令")

    p = sub.add_parser("new", help="新建项目：写出所选规则配置的示例数据（data/、content/），可直接 build")
    p.add_argument("dir", type=_path, metavar="DIR", help="新项目的目录（须不存在或为空）")
    p.add_argument("--profile", choices=("chongqing-2002", "beijing-2014"), default="chongqing-2002",
                   help="规则配置：chongqing-2002（渝人发〔2002〕110号，默认）或 beijing-2014（京组发〔2014〕4号）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示下一步的提示")

    p = sub.add_parser("workflows", help="为已有项目写出 CI：ci/publish.sh 与 GitHub、GitLab 的工作流（已有同名文件时不写）")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")

    p = sub.add_parser("check", help="校验 data/ 与 content/，按文件和行号报告问题，不写任何输出")
    _project_options(p, profile=False)
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="输出格式：text（默认）、json、github（GitHub Actions 注释）或 gitlab（GitLab 代码质量报告 JSON）")

    p = sub.add_parser("build", help="校验后生成网站与 PDF（公开版或内网版），审计后原子地替换输出目录")
    _project_options(p, builds=True, all_profiles=True)
    p.add_argument("--out", type=_path, metavar="DIR",
                   help="输出目录（默认 public 为 site/，intranet 为 site-intranet/；all 时为其中的 public/ 与 intranet/）")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF 版指南（只生成网站）")
    p.add_argument("--engine", choices=("mkdocs", "properdocs"), default="mkdocs",
                   help="构建引擎：mkdocs（默认）或 properdocs（MkDocs 的维护分支），结果相同（只有页面中的 generator 标记不同）")
    _edition_option(p)

    p = sub.add_parser("tree", help="校验后只写出文档树（mkdocs.yml、docs/、overrides/），供任何兼容 MkDocs 的工具构建")
    _project_options(p, builds=True)
    p.add_argument("-o", "--out", type=_path, required=True, help="输出目录")
    p.add_argument("--no-pdf", action="store_true", help="文档树中不含 PDF 版指南")
    _edition_option(p)

    p = sub.add_parser("serve", help="本机实时预览：修改 data/、content/ 后只重读改动的文件、只重绘受影响的页面，页面自动刷新，校验结果显示在页面底部")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--profile", choices=("public", "intranet"), default="public",
                   help="public（公开版，默认）或 intranet（内网版）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 为任一空闲端口）")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址（默认 127.0.0.1，只在本机；内网版含个人信息，不要对外开放）")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="按此日期判断期满与在联系（默认今天，或 SOURCE_DATE_EPOCH）")
    p.add_argument("--no-pdf", action="store_true", help="不提供 PDF 版指南（下载页不链接它）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度")

    p = sub.add_parser("pdf", help="校验后只生成《专家服务指南》PDF")
    _project_options(p, builds=True)
    p.add_argument("-o", "--output", type=_path, metavar="FILE", help="输出文件（默认 guide.pdf，内网版 guide-intranet.pdf）")
    _edition_option(p)

    p = sub.add_parser("audit", help="审计已生成的网站：任何不应公开的值出现在任何文件中都报告")
    p.add_argument("site", metavar="SITE_DIR", help="网站目录（如 site/）")
    p.add_argument("--data", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--profile", choices=("public", "intranet"), default="public", help="按哪个版本的公开范围审计（默认 public）")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="按此日期判断在联系（默认今天，或 SOURCE_DATE_EPOCH）")

    p = sub.add_parser("due", help="列出专家反映的问题（诉求）及其到期日：表格、JSON 或 ICS 日历（只在内网使用）")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="按此日期判断逾期（默认今天，或 SOURCE_DATE_EPOCH）")
    p.add_argument("--format", choices=("text", "json", "ics"), default="text",
                   help="输出格式：text（中文表格，默认）、json 或 ics（每个未办结的诉求在到期日一个全天事件）")

    # ---- editions (issue 11 part 7): diff, and --since on build, tree and pdf ----
    p = sub.add_parser("diff", help="比较两个版本（目录或 git 版本）：专家、联系、服务事项与服务机构的变化")
    p.add_argument("old", metavar="OLD", help="上一版：目录，或 git 版本（标签、分支、提交，如 edition-2026、HEAD~3）")
    p.add_argument("new", metavar="NEW", help="本版：目录（如 .）或 git 版本")
    p.add_argument("--profile", choices=("public", "intranet"), default="public",
                   help="public（公开版能看到的变化，默认）或 intranet（内网版：含不公开的专家和字段）")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="输出格式：text（中文，默认）、json（键固定，见 README“版本与变化”）或 markdown")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="校验两个版本所按的日期（默认今天，或 SOURCE_DATE_EPOCH）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度")
    for name in ("build", "tree", "pdf"):
        _since_option(sub.choices[name])

    p = sub.add_parser("schema", help="为每个数据文件生成 JSON Schema（供编辑器自动补全与检查）")
    p.add_argument("--out", type=_path, required=True, metavar="DIR",
                   help="输出目录：新目录，或只含本命令写出的 schema 的目录（本仓库为 generator/schemas）")

    _xlsx_parsers(sub)
    return parser


# ---- expert-guide xlsx (issue 12): the 登记表 in Excel, out and in ----

def _xlsx_parsers(sub: argparse._SubParsersAction) -> None:
    xlsx = sub.add_parser("xlsx", help="用 Excel 收集和报送：登记表模板、导出名单、导入各单位填好的登记表")
    steps = xlsx.add_subparsers(dest="xlsx_command", required=True, parser_class=_Parser, metavar="操作")
    p = steps.add_parser("template", help="写出空白《各级领导联系专家情况登记表》（下拉列表、日期与文本格式、受保护的表头、填表说明）")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--unit", metavar="ID", help="填报单位的编号：填入单位名称，联系领导的下拉列表只列这个单位的领导")
    p.add_argument("-o", "--output", type=_path, required=True, metavar="FILE.xlsx", help="输出文件")
    p.add_argument("--replace", action="store_true", help="输出文件已存在时覆盖它（默认不覆盖：它可能是单位填好的登记表）")
    p = steps.add_parser("import", help="把填好的登记表（.xlsx 或旧版 .xls）并入 data/：先整体校验，通过后才写入；问题按单元格报告")
    p.add_argument("file", metavar="FILE", help="填好的登记表（.xlsx 或 .xls）")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--dry-run", action="store_true", help="只列出将要做的修改（含差异），不写入任何文件")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="按此日期校验（默认今天，或 SOURCE_DATE_EPOCH）")
    p = steps.add_parser("export", help="导出领导联系专家名单（与指南附件一同样的排列）和按公开范围填好的登记表（可再导入）")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="项目目录（默认当前目录）")
    p.add_argument("--profile", choices=("public", "intranet"), default="public",
                   help="public（公开版，默认）或 intranet（内网版：含联系方式）")
    p.add_argument("--today", type=_day, metavar="年-月-日", help="按此日期判断在联系（默认 SOURCE_DATE_EPOCH、最后一次提交的日期或今天）")
    p.add_argument("-o", "--output", type=_path, required=True, metavar="FILE.xlsx", help="输出文件")
    p.add_argument("--replace", action="store_true", help="输出文件已存在时覆盖它（默认不覆盖：它可能是改过的导出或填好的登记表）")


def _cmd_xlsx(args: argparse.Namespace) -> int:
    from .xlsx import XlsxError, import_workbook, write_export, write_template

    root = _folder(args.dir)
    try:
        if args.xlsx_command == "template":
            path = write_template(root, args.output, unit=args.unit, replace=args.replace)
            print(f"已写出登记表模板：{path}", file=sys.stderr)
            return EXIT_OK
        if args.xlsx_command == "export":
            path = write_export(root, args.output, profile=args.profile, today=args.today, replace=args.replace)
            print(f"已导出：{path}", file=sys.stderr)
            return EXIT_OK
        source = Path(args.file)
        if not source.is_file():
            raise _UsageError(f"文件“{args.file}”不存在或不是普通文件")
        result = import_workbook(source, root, dry_run=args.dry_run, today=args.today)
    except XlsxError as exc:
        return _failed(exc, "；data/ 未作任何修改。" if args.xlsx_command == "import" else "")
    if result.diagnostics:
        sys.stdout.write(FORMATTERS["text"](result.diagnostics))
    if not result.ok:
        print("expert-guide: 导入未完成：data/ 未作任何修改。", file=sys.stderr)
        return EXIT_ERRORS
    if not result.changes:
        print("没有变化：登记表与 data/ 一致。", file=sys.stderr)
        return EXIT_OK
    for line in result.changes:
        print(line)
    if result.dry_run:
        sys.stdout.write(result.diff)
        print(f"（试运行）将修改 {len(result.changes)} 处；未写入任何文件。", file=sys.stderr)
    else:
        print(f"已导入 {len(result.changes)} 处修改：" + "、".join(result.written), file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    args = None
    try:
        args = build_parser().parse_args(argv)
        command = {"check": _cmd_check, "new": _cmd_new, "build": _cmd_build, "tree": _cmd_tree, "pdf": _cmd_pdf, "audit": _cmd_audit,
                   "due": _cmd_due, "schema": _cmd_schema, "workflows": _cmd_workflows,
                   "diff": _cmd_diff, "xlsx": _cmd_xlsx, "serve": _cmd_serve}[args.command]
        return command(args)
    except (_UsageError, ClockError, argparse.ArgumentTypeError, EditionError) as exc:
        print(f"expert-guide: 用法错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        from .publish import PublishedThenInterrupted

        if isinstance(exc, PublishedThenInterrupted):
            print("expert-guide: 已中断（Ctrl-C），但新的版本已经发布；旧版本的临时副本由下次构建清除。", file=sys.stderr)
            return EXIT_INTERRUPTED
        untouched = "data/ 未作任何修改" if getattr(args, "xlsx_command", None) == "import" else "已发布的内容保持不变"
        print(f"expert-guide: 已中断（Ctrl-C）；{untouched}。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        from .publish import describe

        print(f"expert-guide: 无法完成：{describe(exc)}；已发布的内容保持不变。", file=sys.stderr)
        return EXIT_ERRORS


def _safe_streams() -> None:
    """Whatever the locale, printing a Chinese message or an odd file name never raises."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):  # pragma: no cover - replaced streams
            pass


def _folder(path: str, what: str = "项目目录") -> Path:
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise _UsageError(f"{what}“{path}”是一个文件，不是目录")
    if not folder.is_dir():
        raise _UsageError(f"{what}“{path}”不存在")
    return folder


def _progress(quiet: bool):
    if quiet:
        return None
    return lambda message: print(f"… {message}", file=sys.stderr, flush=True)


def _cmd_check(args: argparse.Namespace) -> int:
    root = _folder(args.dir)
    result = run_check(root, today=args.today, progress=_progress(args.quiet or args.format != "text"))
    prefix = repository_prefix(root) if args.format in ("github", "gitlab") else ""
    sys.stdout.write(FORMATTERS[args.format](result.diagnostics, root=Path(root), prefix=prefix))
    return EXIT_OK if result.ok(strict=args.strict) else EXIT_ERRORS


def _failed(exc, suffix: str = "") -> int:
    """A stopped build: its diagnostics on stdout, the reason on stderr, exit 1."""
    if exc.result is not None and exc.result.diagnostics:
        sys.stdout.write(FORMATTERS["text"](exc.result.diagnostics))
    print(f"expert-guide: {exc}{suffix}", file=sys.stderr)
    return EXIT_ERRORS


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build_site, build_sites

    root = _folder(args.dir)
    options = dict(out=args.out, strict=args.strict or None, today=args.today, progress=_progress(args.quiet),
                   pdf=not args.no_pdf, engine=args.engine, edition=args.edition, since=args.since)
    try:
        results = (build_sites(root, **options) if args.profile == "all"
                   else [build_site(root, profile=args.profile, **options)])
    except BuildError as exc:
        return _failed(exc, "；已发布的内容保持不变。")
    try:
        if results[0].check.diagnostics:
            sys.stdout.write(FORMATTERS["text"](results[0].check.diagnostics))
            sys.stdout.flush()
        print(f"已生成：{'、'.join(str(result.out) for result in results)}", file=sys.stderr)
    except KeyboardInterrupt:  # published already: say so, not 已发布的内容保持不变
        from .publish import PublishedThenInterrupted

        raise PublishedThenInterrupted() from None
    except OSError as exc:  # stdout closed (| head, a pager that quit): the build itself is published
        from .publish import describe

        print(f"expert-guide: 已生成并发布，但诊断未能全部输出：{describe(exc)}。", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def _cmd_new(args: argparse.Namespace) -> int:
    from .new import NewProjectError, new_project

    try:
        target = new_project(args.dir, args.profile)
    except NewProjectError as exc:
        print(f"expert-guide: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    if args.quiet:
        return EXIT_OK
    shell = shlex.quote(str(target))
    print(f"已新建项目：{target}（规则配置 {args.profile}）。下一步：expert-guide check {shell}，"
          f"然后 expert-guide build {shell}", file=sys.stderr)
    return EXIT_OK


def _cmd_workflows(args: argparse.Namespace) -> int:
    from .forge import WorkflowError, write_workflows

    try:
        written = write_workflows(_folder(args.dir))
    except WorkflowError as exc:
        print(f"expert-guide: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    for path in written.paths:
        print(f"已写出：{path}", file=sys.stderr)
    return EXIT_OK


def _cmd_tree(args: argparse.Namespace) -> int:
    from .build import BuildError, write_docs_tree

    root = _folder(args.dir)
    try:
        result = write_docs_tree(root, profile=args.profile, out=args.out, today=args.today,
                                 progress=_progress(args.quiet), pdf=not args.no_pdf, edition=args.edition, since=args.since)
    except BuildError as exc:
        return _failed(exc)
    config = shlex.quote(str(result.out / "mkdocs.yml"))
    print(f"已写出文档树：{result.out}（用 mkdocs build -f {config} 等构建）", file=sys.stderr)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from .preview import ServeError, serve

    root = _folder(args.dir)
    if not 0 <= args.port <= 65535:
        raise _UsageError(f"端口 {args.port} 不在 0–65535 之间")
    say = _progress(args.quiet) or (lambda message: None)
    try:
        serve(root, args.profile, host=args.host, port=args.port, pdf=not args.no_pdf, today=args.today,
              progress=say, announce=lambda message: print(message, file=sys.stderr, flush=True))
    except ServeError as exc:
        print(f"expert-guide: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("expert-guide: 预览已停止。", file=sys.stderr)
    except OSError as exc:
        from .publish import describe

        print(f"expert-guide: 预览停止：{describe(exc)}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def _cmd_pdf(args: argparse.Namespace) -> int:
    from .build import BuildError, build_pdf

    root = _folder(args.dir)
    try:
        result = build_pdf(root, profile=args.profile, out=args.output, strict=args.strict, today=args.today,
                           progress=_progress(args.quiet), edition=args.edition, since=args.since)
    except BuildError as exc:
        return _failed(exc)
    print(f"已生成：{result.path}（{result.pages} 页）", file=sys.stderr)
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from .audit import audit, forbidden_values
    from .clock import reference_day

    site, root = _folder(args.site, "网站目录"), _folder(args.data)
    result = run_check(root, today=args.today, progress=None)
    if result.errors:
        sys.stdout.write(FORMATTERS["text"](result.diagnostics))
        print("expert-guide: 数据校验未通过，无法确定哪些值不应公开", file=sys.stderr)
        return EXIT_ERRORS
    forbidden = forbidden_values(result.project, args.profile, args.today or reference_day())
    hits = audit(site, forbidden)
    for hit in hits:
        print(hit.text())
    verdict = f"审计未通过：{len(hits)} 处泄露" if hits else "审计通过：0 处泄露"
    print(f"{verdict}（核查 {len(forbidden)} 个不应公开的值）。")
    return EXIT_ERRORS if hits else EXIT_OK


def _cmd_due(args: argparse.Namespace) -> int:
    from .clock import reference_day
    from .due import due_report

    root = _folder(args.dir)
    today = args.today or reference_day()
    result = run_check(root, today=today, progress=None)
    unreadable = [d for d in result.errors if not d.code.startswith("R")]  # a pairing rule's error leaves dates as they are
    if unreadable:
        sys.stdout.write(FORMATTERS["text"](unreadable))
        print("expert-guide: 数据校验未通过，无法可靠地计算到期日", file=sys.stderr)
        return EXIT_ERRORS
    report = due_report(result.project, today, args.format)
    if isinstance(report, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(report)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(report)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema import SchemaError, write_schemas

    try:
        written = write_schemas(Path(args.out))
    except SchemaError as exc:
        print(f"expert-guide: {exc}；未写出任何文件。", file=sys.stderr)
        return EXIT_ERRORS
    for path in written:
        print(path)
    return EXIT_OK


# ---- editions (issue 11 part 7) ----

def _cmd_diff(args: argparse.Namespace) -> int:
    from .clock import reference_day
    from .diff import EditionInvalid, diff_editions, report

    try:
        changes, order = diff_editions(args.old, args.new, base=Path.cwd(), profile=args.profile,
                                       today=args.today or reference_day(),
                                       progress=_progress(args.quiet or args.format != "text"))
    except EditionInvalid as exc:
        sys.stdout.write(FORMATTERS["text"](exc.diagnostics))
        print(f"expert-guide: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    sys.stdout.write(report(changes, args.format, order))
    return EXIT_OK
