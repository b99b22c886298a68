"""Every diagnostic code, once: its severity, its stage and what it means (诊断代码表).

Call sites still write the code as a literal (``diags.error(loc, "E013", …)``, a rule's ``CODE``);
tests/test_codes.py reads every literal in generator/ and fails when one is missing here, one here is
never issued, or one is issued with a severity or from a stage this table does not list.
README.md's tables of codes are generated from this table (``make docs``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .diagnostics import Severity

Stage = Literal["load", "validate", "rules"]

# The stage is the package that issues the code: generator/load/, generator/validate/, generator/rules/.
STAGE_NAMES: dict[str, str] = {"load": "读取", "validate": "校验", "rules": "联系规则"}
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severities: tuple[Severity, ...]  # every severity it may be issued with
    stages: tuple[Stage, ...]
    title: str  # what it means, in Chinese
    detail: str = ""  # rules: what the rule requires

    @property
    def severity_name(self) -> str:
        return "或".join(SEVERITY_NAMES[s] for s in self.severities)

    @property
    def stage_name(self) -> str:
        return "、".join(STAGE_NAMES[s] for s in self.stages)


_E: tuple[Severity, ...] = ("error",)
_W: tuple[Severity, ...] = ("warning",)
_EW: tuple[Severity, ...] = ("error", "warning")  # rules: the profile chooses, or the finding fixes it
_L: tuple[Stage, ...] = ("load",)
_V: tuple[Stage, ...] = ("validate",)
_LV: tuple[Stage, ...] = ("load", "validate")
_R: tuple[Stage, ...] = ("rules",)

_TABLE: tuple[Code, ...] = (
    Code("E001", _E, _L, "文件中有 NUL 空字节"),
    Code("E002", _E, _L, "文件不是有效的 UTF-8"),
    Code("E003", _E, _L, "缩进中有制表符"),
    Code("E004", _E, _L, "文件为空或只有注释"),
    Code("E005", _E, _L, "YAML 语法错误"),
    Code("E006", _E, _L, "一个文件中有多个 YAML 文档"),
    Code("E007", _E, _L, "使用了锚点或别名（`&a`、`*a`）"),
    Code("E008", _E, _L, "使用了标签（如 `!!python/object`）"),
    Code("E009", _E, _L, "嵌套层级过深"),
    Code("E010", _E, _L, "键不是简单文字"),
    Code("E011", _E, _L, "使用了合并键 `<<`"),
    Code("E012", _E, _L, "键重复"),
    Code("E013", _E, _L, "缺少数据目录或数据文件"),
    Code("E014", _E, _L, "政策文件缺少前置元数据"),
    Code("E015", _E, _LV, "不是普通文件：目录、管道（FIFO）、设备，或无法读取"),
    Code("E016", _E, _L, "符号链接指向项目之外，或是目录的符号链接（不跟随、不读取）"),
    Code("E017", _E, _L, "文件名不是有效的 UTF-8"),
    Code("E018", _E, _L, "`content/` 中不允许的文件类型（允许的类型见“不泄露、不丢失”）"),
    Code("E019", _E, _L, "`content/` 中的文件与系统生成的页面或文件重名（如 `policies/index.md`、`experts/…`）"),
    Code("E020", _E, _L, "文件过大（超过 256 MB）"),
    Code("E021", _E, _L, "`data/` 中的 YAML 文件不会被读取：文件名或位置不对（如 `experts.yml`、`data/calendar/2027.yml`、子目录中的文件）"),
    Code("E022", _W, _L, "`data/` 中有不是数据文件的文件或目录（说明、备份、表格），不会被读取"),
    Code("E101", _E, _L, "未知字段（拼错的字段名，如 `confidental`）"),
    Code("E102", _E, _L, "缺少必填字段或值为空（必填的列表为空列表）"),
    Code("E103", _E, _L, "类型不对（应为文字、列表或映射）"),
    Code("E104", _E, _L, "布尔值不是不加引号的 `true`/`false`"),
    Code("E105", _E, _L, "日期格式不对或日期不存在（如 `2024-02-30`）"),
    Code("E106", _E, _L, "不是允许的取值"),
    Code("E107", _E, _L, "格式不正确（编号、电话、邮箱、网址、整数、网站标识码、备案号）"),
    Code("E108", _E, _L, "值后的 ` #…` 会被当作注释丢掉"),
    Code("E109", _E, _L, "含有从右到左覆盖、零宽字符等不可见字符"),
    Code("E110", _E, _L, "含有换行或控制字符"),
    Code("E111", _E, _L, "值跨了多行，换行会被悄悄变成空格"),
    Code("E112", _E, _L, "引号内的值首尾有空白"),
    Code("E113", _E, _L, "超出允许范围（日期在 1900–2100 年之间；人数、年限、天数有上下限）"),
    Code("E114", _W, _L, "文号中的年份没有用六角括号〔〕（如写成 [2002]、【2002】、（2002））"),
    Code("E115", _E, _L, "列表中同一项写了两次（如联系活动的 `experts: [e1, e1]`、专家的 `categories`）"),
    Code("E116", _E, _L, "文字超过 32,767 个字符：Excel 一个单元格放不下，登记表无法原样导出、导入"),
    Code("E201", _E, _L, "编号重复（包括分散在多个文件中）"),
    Code("E202", _E, _V, "引用的编号不存在"),
    Code("E203", _E, _V, "引用写法不规范（应写编号本身）"),
    Code("E301", _E, _V, "调动或退出的专家缺少状态日期"),
    Code("E302", _E, _V, "退出的专家缺少退出原因"),
    Code("E303", _E, _V, "日期先后矛盾（结束早于开始等）"),
    Code("E304", _W, _V, "已结束的联系缺少结束原因"),
    # -- 专家动态（experts.yaml 的 events，generator/validate/events.py） --
    Code("E305", _E, _V, "专家动态的日期晚于检查日期（只登记已经发生的事）"),
    Code("E306", _E, _V, "工作调动（`transfer`）没有写调入的单位、系统或地区（`employer`、`system`、`region` 至少一项）"),
    Code("E307", _E, _V, "工作调动以外的动态写了 `employer`、`system` 或 `region`"),
    Code("E308", _W, _V, "记录未随调动更新：最近一次调动的调入单位、系统或地区与专家记录中的不同"),
    Code("E309", _W, _V, "调入单位没有登记系统（或地区），调动记录也没有写：无法判断是否调离了联系领导的系统（或地区）"),
    # -- 专家动态 end --
    Code("E401", _E, _V, "不公开的专家的姓名、任何人的非公开电话、邮箱、身份证号，或 8 个字以上的非公开说明"
                         "（备注、地址、退出原因等），出现在 `content/` 的文件、文件名或公开字段中"),
    Code("E403", _E, _V, "`content/` 中的文件已加密、损坏或解压后过大，无法核查"),
    Code("E406", _E, _V, "印刷的文稿（首页、致专家的信、政策文件）引用了印刷版不允许的链接或资源：其他协议、"
                         "`content/` 之外的文件、不存在的图片"),
    Code("E407", _W, _V, "可能印入指南的字段或印刷的文稿中有印刷字体（Noto Serif/Sans CJK SC）没有字形的字符"
                         "（如 𪚥、表情符号）：生成 PDF 会停止，网站不受影响"),
    Code("E408", _W, _V, "单位名称超过 120 个字：印刷的领导联系专家名单每页重复的表头可能放不下（约 150 字以上时生成 PDF 会停止），"
                         "网站不受影响"),
    Code("E501", _E, _L, "`mkdocs.yml` 中有不允许的标签（只允许 `!ENV`、`!relative` 和标题锚点的 slugify 函数）"),
    Code("E502", _E, _L, "`mkdocs.yml` 中有 `hooks`（MkDocs 会运行其中的 Python 文件）"),
    Code("E503", _E, _L, "`mkdocs.yml` 没有启用 `expert-guide` 插件"),
    Code("E504", _E, _L, "`mkdocs.yml` 的 `docs_dir` 不是 `content`，或 `theme.custom_dir` 不是 `theme/overrides`"),
    Code("E505", _E, _L, "`mkdocs.yml` 中有不允许的设置：`INHERIT`、未列出的键、含标记的文字、外站脚本、"
                         "不在允许列表中的 Markdown 扩展或插件、`expert-guide` 不是最后一个插件、用“!”重新纳入被排除的文件"),
    Code("E601", _E, _L, "`data/calendar/` 中的文件名不是年份（应为 `YYYY.yaml`，如 `2027.yaml`）"),
    Code("E602", _E, _L, "节假日安排中的日期不在文件名所写的年份"),
    Code("E603", _E, _L, "同一日期既写为放假日（`holidays`）又写为调休上班日（`workdays`）"),
    Code("E604", _W, _L, "调休上班日是周一至周五（本来就是工作日，多半写错了日期）"),
    Code("E605", _E, _V, "诉求的承办单位（`handler`）须写 `unit`（单位）或 `institution`（服务机构）中的一个"),
    Code("E606", _W, _V, "已反馈（有 `answered`）的诉求没有写处理情况或结果（`result`）"),
    Code("E607", _W, _V, "11 月 1 日起仍有未办结的诉求，而下一年的放假与调休安排尚未登记（chinese-calendar 与 `data/calendar/` 都没有）"),
    Code("E608", _E, _V, "联系活动没有写 `unit`（组织单位）或 `leader`（参加的联系领导）中的任何一个：不知道是谁与专家的联系"),
    Code("E609", _E, _V, "联系活动的日期晚于检查的日期：活动记录只登记已经举行的活动"),
    Code("E610", _E, _V, "诉求的收到日期、反馈日期或专家的核对日期晚于检查的日期：预先写上的日期会让诉求算作已反馈、让信息核对暂停检查"),
    Code("E611", _W, _V, "诉求的到期日取决于今年或更早一年的放假安排，而这一年的安排没有登记（早于 2004 年的多半是年份写错）：到期日一直是“暂定”，不会算作逾期"),
    # ---- Excel: a returned 登记表 (expert-guide xlsx import), located at its cell, e.g. 登记表.xlsx!登记表!E7 ----
    Code("E701", _E, _L, "不是可以导入的 Excel 工作簿（改了扩展名的文本、PDF、其他压缩包），或文件已损坏"),
    Code("E702", _E, _L, "工作簿已加密（设置了打开密码）"),
    Code("E703", _E, _L, "工作簿过大：文件或解压后的内容超过 64 MB，或部件过多（防止压缩炸弹）"),
    Code("E704", _E, _L, "缺少“登记表”工作表，或它被隐藏了"),
    Code("E705", _W, _L, "“登记表”以外的工作表（隐藏的，或另加的如“登记表(2)”）没有读取"),
    Code("E706", _E, _L, "表头：找不到表头行、不认识的列名、列重复或缺少“专家姓名”列"),
    Code("E707", _E, _L, "行数超过上限（10 万行）"),
    Code("E708", _W, _L, "单元格是公式：不计算，读取 Excel 保存的结果"),
    Code("E709", _E, _L, "数据区有合并单元格"),
    Code("E710", _E, _L, "电话或身份证号已被 Excel 改成数字（开头的 0 丢失、小数点或科学计数法如 1.1E+17）"),
    Code("E711", _E, _L, "单元格的类型不对（文字列中的日期或小数）或是错误值（如 #N/A）"),
    Code("E712", _E, _L, "单位、联系领导或专家类别不是已登记的，或对应不止一个"),
    Code("E713", _E, _L, "同一专家或同一条联系在不同行中填得不一致"),
    Code("E714", _E, _L, "无法确定是哪位专家或哪条联系（同名专家、缺少姓名或联系领导）"),
    Code("E715", _W, _L, "登记表改动了已登记专家的姓名或出生年月，或新登记的专家与已登记的同名、同单位（多半是同一位专家）"),
    Code("E716", _E, _L, "登记表取消了专家的涉密标记，或新登记的专家与涉密专家同名、同单位（取消涉密须在 `data/` 中直接修改并经审核）"),
    Code("E717", _W, _L, "登记表写明已登记的专家同意公开：导入后专家出现在公开版"),
    Code("E718", _E, _L, "登记表改了已有联系的专家或联系领导（联系的双方不能改：结束原联系，另建新联系）"),
    Code("E719", _E, _L, "导入要改写的数据文件是符号链接（导入不改写链接，也不改写它指向的文件）"),
    Code("R201", _EW, _R, "领导联系专家人数",
         "每位领导在联系的专家数在其层级的范围内；超过上限为错误，少于下限为警告"),
    Code("R202", _EW, _R, "各层级领导的联系对象",
         "局领导只联系指定类别的专家；部门领导只联系本系统专家；区县领导只联系本地区、属于联系对象类别"
         "或职称、学位符合要求的专家"),
    Code("R203", _EW, _R, "被联系专家属于联系对象", "每位被联系的专家至少属于一个有效的联系对象类别"),
    Code("R204", _EW, _R, "联系须经领导和专家双方同意", "双方同意日期都已登记，且不晚于开始日期"),
    Code("R205", _EW, _R, "对口联系期限", "期限超过一般年限（“一般为 2 年”）为警告；期满仍在联系为错误；将在规定天数内期满为警告"),
    Code("R206", _EW, _R, "续联与重叠", "续联注明所续联系、不早于其期满开始；同一对领导与专家的联系不重叠"),
    Code("R207", _EW, _R, "专家调动与退出",
         "已退出专家没有在联系记录；调动后（`status: transferred`，或联系开始之后的工作调动动态）"
         "不再与原地区的区县领导、原系统的部门领导联系"),
    Code("R208", _EW, _R, "重点联系专家全覆盖", "每位重点联系范围的在册专家都有在联系的领导"),
    Code("R209", _EW, _R, "每单位一名责任领导", "有联系领导的单位有且只有一名责任领导"),
    Code("R210", _W, _R, "意见反馈办理时限",
         "专家反映的问题属个人困难的，在规定的工作日内反馈处理情况或结果；属意见建议的，在规定的月数内送达。"
         "到期未反馈、反馈晚于到期日都是警告（不妨碍发布，`--strict` 时失败）；到期日暂定（所跨年份的节假日安排未公布）时不算逾期"),
    Code("R211", _W, _R, "专家信息定期核对",
         "在册专家的信息（联系方式、工作单位、职务等）上次核对（`reviewed`）距今不超过规定月数；未写核对日期的不检查"),
    Code("R212", _W, _R, "每年至少召开一次座谈会",
         "有在联系专家的领导的单位，每年至少登记一次座谈会（`kind: symposium`，`unit` 为该单位，或没写 `unit` 而 `leader` "
         "属于该单位）；从每年的规定日期起检查当年，没有为警告"),
    Code("R213", _W, _R, "联系流于形式",
         "在联系的每对领导与专家，最近一次联系活动（该领导本人参加，或该领导的单位组织、专家在 `experts` 中）距今不超过规定月数；"
         "没有记录的，从联系开始（续联从最初的联系开始）算起。超过为警告"),
)

CODES: dict[str, Code] = {c.code: c for c in _TABLE}


def describe(code: str) -> Code:
    """The entry of ``code``; KeyError for a code that is not in the table."""
    return CODES[code]


def rule_label(code: str) -> str:
    """A rule's code and title, as rule parameters are labelled: "R205 对口联系期限"."""
    return f"{code} {CODES[code].title}"


__all__ = ["CODES", "Code", "STAGE_NAMES", "SEVERITY_NAMES", "describe", "rule_label"]
