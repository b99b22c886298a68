"""One invalid fixture per failure mode → the exact diagnostic line it must produce."""
from __future__ import annotations

import pytest

E = "data/experts.yaml"
P = "data/pairings.yaml"
L = "data/leaders.yaml"
Q = "data/requests.yaml"
C = "data/calendar/2027.yaml"
YEAR = "source: https://www.gov.cn/example/2027\n"

# (case id, file, text to replace, replacement, exact first diagnostic line)
CASES = [
    ("duplicate-key", E, "  gender: 男\n  birth: 1950-01\n", "  gender: 男\n  gender: 女\n  birth: 1950-01\n",
     "data/experts.yaml:4:3: error E012 键“gender”重复出现（第一次在第 3 行）。提示：删除其中一个；YAML 只会保留最后一个，另一个会被悄悄丢掉"),
    ("anchor", E, "  field: 材料科学\n", "  field: &f 材料科学\n",
     "data/experts.yaml:10:10: error E007 不允许使用锚点（&f）。提示：请直接写出完整的值；锚点和别名会让数据难以核对"),
    ("alias", E, "  field: 化学\n", "  field: *f\n",
     "data/experts.yaml:26:10: error E007 不允许使用别名（*f）。提示：请直接写出完整的值；锚点和别名会让数据难以核对"),
    ("merge-key", E, "  field: 化学\n", "  <<: {field: 化学}\n",
     "data/experts.yaml:26:3: error E011 不允许使用合并键（<<）。提示：请把要合并的字段逐一写出"),
    ("python-tag", E, "  field: 化学\n", "  field: !!python/object/apply:os.system [touch /tmp/pwned]\n",
     "data/experts.yaml:26:10: error E008 不允许使用标签（tag:yaml.org,2002:python/object/apply:os.system）。提示：删除以“!”开头的标签；需要文字时请用引号"),
    ("tab-indent", E, "  field: 化学\n", "\tfield: 化学\n",
     "data/experts.yaml:26:1: error E003 缩进中有制表符（Tab），YAML 只允许用空格缩进。提示：把编辑器设置为“用空格代替 Tab”，并把这一行的 Tab 换成空格"),
    ("deep-nesting", E, "  field: 化学\n", "  field: " + "[" * 30 + "]" * 30 + "\n",
     "data/experts.yaml:26:32: error E009 嵌套层级过深（超过 24 层）。提示：数据文件只需要两三层嵌套，请检查缩进或多余的括号"),
    ("impossible-date", P, "  start: 2025-07-01\n  end: 2027-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
     "  start: 2024-02-30\n  end: 2027-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
     "data/pairings.yaml:4:10: error E105 “start”（开始日期）“2024-02-30”是不存在的日期。提示：检查月份和日子，如 2 月没有 30 日"),
    ("unknown-key", E, "  confidential: true\n", "  confidental: true\n",
     "data/experts.yaml:45:3: error E102 专家“e4”缺少必填字段“confidential”（涉密）"),
    ("bool-yes", E, "  confidential: true\n", "  confidential: yes\n",
     "data/experts.yaml:57:17: error E104 “confidential”（涉密）只能写 true 或 false，这里是“yes”。提示：yes/no、是/否、0/1 都不被接受，以免含义不明"),
    ("bool-quoted", E, "  confidential: true\n", "  confidential: \"false\"\n",
     "data/experts.yaml:57:17: error E104 “confidential”（涉密）只能写 true 或 false（不要加引号），这里是“false”。提示：yes/no、是/否、0/1 都不被接受，以免含义不明"),
    ("bool-empty", E, "  confidential: true\n", "  confidential:\n",
     "data/experts.yaml:57:16: error E104 “confidential”（涉密）必须明确写 true 或 false，不能留空"),
    ("enum", E, "  title_rank: 副高级\n  degree: 博士\n", "  title_rank: 副高\n  degree: 博士\n",
     "data/experts.yaml:52:15: error E106 “title_rank”（职称级别）“副高”不是允许的取值（正高级、副高级、中级、其他）。提示：是不是“副高级”？"),
    ("trailing-comment", E, "  name: 陈医生\n", "  name: 陈医生 #1\n",
     "data/experts.yaml:32:9: error E108 “name”（姓名）的值“陈医生”后面跟着“#…”，YAML 会把“#”之后当作注释丢掉。提示：如果“#”之后是值的一部分，请给整个值加引号：\"陈医生 #…\"；如果是注释，请移到单独一行"),
    ("missing-required", L, "  post: 副区长\n", "",
     "data/leaders.yaml:14:3: error E102 领导“l-east”缺少必填字段“post”（职务）"),
    ("unknown-ref", P, "  expert: e5\n", "  expert: e9\n",
     "data/pairings.yaml:27:11: error E202 “expert”（联系专家）引用的专家“e9”不存在。提示：请先在 data/experts.yaml 中登记"),
    ("non-canonical-ref", E, "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级",
     "  employer: 测试医院\n  system: 卫生\n  region: 东区\n  title_rank: 正高级",
     "data/experts.yaml:35:13: error E203 “employer”（工作单位）写作“测试医院”，应写单位编号“hospital”。提示：引用必须与编号完全一致"),
    ("non-canonical-case", E, "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级",
     "  employer: hospital-\n  system: 卫生\n  region: 东区\n  title_rank: 正高级",
     "data/experts.yaml:35:13: error E202 “employer”（工作单位）引用的单位“hospital-”不存在。提示：是不是“hospital”？"),
    ("phone-format", L, "  contact: {phone: 023-11111111}\n", "  contact: {phone: 023-1111x111}\n",
     "data/leaders.yaml:7:20: error E107 “phone”（办公电话）“023-1111x111”格式不正确。提示：应如 023-69077236、13912345678 或 +86 139 1234 5678"),
    ("wrong-type", E, "  categories: [academician]\n  status: active\n  confidential: false\n  public_consent: true\n  contact",
     "  categories: academician\n  status: active\n  confidential: false\n  public_consent: true\n  contact",
     "data/experts.yaml:11:15: error E103 “categories”（专家类别）应为列表。提示：写成列表：\n  categories:\n    - …"),
    ("rtl-override", E, "  name: 吴工\n", "  name: 吴\u202e工\n",
     "data/experts.yaml:60:9: error E109 “name”（姓名）中有不可见的控制字符 U+202E（如从右到左覆盖或零宽字符）。提示：这类字符会让文字显示得与实际内容不同；请删除后重新输入"),
    ("empty-file", "data/institutions.yaml", None, "# 暂无\n",
     "data/institutions.yaml:1:1: error E004 文件为空或只有注释。提示：至少要写入一条数据；不需要的文件请删除"),
    ("print-link", "content/_print/letter.md", None, "尊敬的专家：\n\n请见[说明](javascript:alert(1))。\n",
     "content/_print/letter.md:3:8: error E406 印刷版不允许这种链接：javascript:alert(1)。提示：印刷版只允许 https:、mailto:、tel: 链接、页内锚点和 content/ 中的文件"),
    ("print-image-missing", "content/_print/letter.md", None, "尊敬的专家：\n\n![签名](签名.png)\n",
     "content/_print/letter.md:3:7: error E406 印刷版引用的资源不存在：签名.png。提示：图片等资源请放在 content/ 中并用相对路径引用"),
    ("doc-number-ascii-brackets", "content/policies/cq-2002-110.md", 'doc_number: "渝人发〔2002〕110号"', 'doc_number: "渝人发[2002]110号"',
     "content/policies/cq-2002-110.md:3:13: warning E114 “doc_number”（文号）“渝人发[2002]110号”中的年份写作“[2002]”，不是六角括号〔〕。提示：文号中的年份用六角括号〔〕，如 渝人发〔2002〕110号"),
    ("latin1", "data/institutions.yaml", None, "- id: center\n  name: caf\xe9\n".encode("latin-1"),
     "data/institutions.yaml:2:12: error E002 文件不是有效的 UTF-8 编码（字节 e9 0a）。提示：请用编辑器以 UTF-8 编码重新保存（常见原因：以 GBK 或 Latin-1 保存）"),
    ("nul-byte", "data/institutions.yaml", None, b"- id: center\n  name: a\x00b\n",
     "data/institutions.yaml:2:10: error E001 文件中有 NUL 空字节（\\0），这不是文本文件。提示：用文本编辑器另存为 UTF-8 文本"),
    ("not-a-list", "data/institutions.yaml", None, "id: center\n",
     "data/institutions.yaml:1:1: error E103 data/institutions.yaml 应为服务机构的列表（每项以“- ”开头）"),
    ("syntax", E, "  field: 化学\n", "  field: 化学: 有机\n",
     "data/experts.yaml:26:12: error E005 YAML 语法错误：此处不能出现“键: 值”（值中含有“: ”时请给整个值加引号）。提示：检查这一行及上一行的缩进、冒号后的空格和引号是否成对"),
    ("end-before-start", P, "  start: 2025-07-01\n  end: 2027-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
     "  start: 2025-07-01\n  end: 2025-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
     "data/pairings.yaml:5:8: error E303 联系“p1”的结束日期 2025-06-30 不晚于开始日期 2025-07-01"),
    # requests (data/requests.yaml) and the project's own year arrangements (data/calendar/YYYY.yaml)
    ("request-handler-both", Q, "  handler: {institution: center}\n", "  handler: {institution: center, unit: uni}\n",
     "data/requests.yaml:10:12: error E605 诉求“r1”的承办单位同时写了 unit 和 institution，只能写一个。提示：如 handler: {unit: hospital} 或 handler: {institution: center}"),
    ("request-handler-neither", Q, "  handler: {unit: health}\n", "  handler: {}\n",
     "data/requests.yaml:20:12: error E605 诉求“r2”的承办单位没有写 unit（单位）或 institution（服务机构）。提示：如 handler: {unit: hospital} 或 handler: {institution: center}"),
    ("request-handler-unknown", Q, "  handler: {unit: health}\n", "  handler: {unit: helth}\n",
     "data/requests.yaml:20:19: error E202 “unit”（单位）引用的单位“helth”不存在。提示：是不是“health”？"),
    ("request-handler-text", Q, "  handler: {unit: health}\n", "  handler: health\n",
     "data/requests.yaml:20:12: error E103 “handler”（承办单位）应为“键: 值”形式的映射，这里是文字"),
    ("request-kind", Q, "  kind: suggestion\n", "  kind: advice\n",
     "data/requests.yaml:17:9: error E106 “kind”（诉求类型）“advice”不是允许的取值（difficulty、suggestion）"),
    ("request-unknown-key", Q, "  answered: 2026-11-16\n", "  answerd: 2026-11-16\n",
     "data/requests.yaml:21:3: error E101 诉求“r2”中有未知字段“answerd”。提示：是不是“answered”？"),
    ("request-answered-before-received", Q, "  answered: 2026-11-16\n", "  answered: 2026-10-14\n",
     "data/requests.yaml:21:13: error E303 诉求“r2”的反馈日期 2026-10-14 早于收到日期 2026-10-15"),
    ("request-answered-without-result", Q, "  result: 已转有关部门研究，答复意见已送达本人。\n", "",
     "data/requests.yaml:21:13: warning E606 诉求“r2”已于 2026-11-16 反馈，没有写 result（处理情况或结果）。提示：简要写明反馈给专家的处理情况或结果"),
    ("request-received-year-9999", Q, "  received: 2026-10-15\n", "  received: 9999-10-15\n",
     "data/requests.yaml:16:13: error E113 “received”（收到日期）“9999-10-15”超出可用范围（1900–2100 年）"),
    ("request-missing-summary", Q, "  summary: 建议医院科研经费报销简化审批环节。\n", "",
     "data/requests.yaml:14:3: error E102 诉求“r2”缺少必填字段“summary”（内容摘要）"),
    ("calendar-name", "data/calendar/next.yaml", None, YEAR + "holidays: [2027-01-01]\n",
     "data/calendar/next.yaml: error E601 “next.yaml”不是年份文件名，无法知道它是哪一年的安排。提示：每年一个文件，以年份命名，如 data/calendar/2027.yaml"),
    ("calendar-year-9999", "data/calendar/9999.yaml", None, YEAR + "holidays: [2027-01-01]\n",
     "data/calendar/9999.yaml: error E113 年份 9999 超出可用范围（1900–2100 年）"),
    ("calendar-other-year", C, None, YEAR + "holidays:\n  - 2027-01-01\n  - 2026-12-31\n",
     "data/calendar/2027.yaml:4:5: error E602 “holidays”中的 2026-12-31 不在 2027 年（文件 2027.yaml 只写 2027 年的安排）。提示：跨年的假期（如元旦）按日期分别写入各自年份的文件"),
    ("calendar-holiday-and-workday", C, None, YEAR + "holidays: [2027-02-08]\nworkdays: [2027-02-20, 2027-02-08]\n",
     "data/calendar/2027.yaml:3:24: error E603 2027-02-08 既写为放假日（holidays，第 2 行）又写为调休上班日。提示：按通知核对：放假的日子写在 holidays，调休上班的周六、周日写在 workdays"),
    ("calendar-weekday-workday", C, None, YEAR + "holidays: [2027-02-08]\nworkdays: [2027-02-10]\n",
     "data/calendar/2027.yaml:3:12: warning E604 调休上班日 2027-02-10 是星期三，本来就是工作日。提示：调休上班日通常是周六或周日：请按通知核对日期"),
    ("calendar-bad-date", C, None, YEAR + "holidays: [2027-02-30]\n",
     "data/calendar/2027.yaml:2:12: error E105 “holidays”（放假日期）“2027-02-30”是不存在的日期。提示：检查月份和日子，如 2 月没有 30 日"),
    ("calendar-no-source", C, None, "holidays: [2027-01-01]\n",
     "data/calendar/2027.yaml:1:1: error E102 2027.yaml（2027 年节假日安排）缺少必填字段“source”（通知的网址）"),
    # experts' 动态 (events on the expert record; e5 of the sample has five of them, from line 76)
    ("event-unknown-key", E, "      kind: post\n", "      kind: post\n      remark: 副院长\n",
     "data/experts.yaml:86:7: error E101 “events”（动态）中有未知字段“remark”。提示：允许的字段：date、kind、summary、employer、system、region"),
    ("event-kind", E, "      kind: award\n", "      kind: awards\n",
     "data/experts.yaml:82:13: error E106 “kind”（类型）“awards”不是允许的取值（transfer、post、illness、achievement、award）。提示：是不是“award”？"),
    ("event-missing-date", E, "    - date: 2024-12-20\n      kind: award\n", "    - kind: award\n",
     "data/experts.yaml:81:7: error E102 “events”（动态）缺少必填字段“date”（日期）"),
    ("event-missing-summary", E, "      summary: 任测试大学机械工程学院副院长\n", "",
     "data/experts.yaml:84:7: error E102 “events”（动态）缺少必填字段“summary”（内容）"),
    ("event-impossible-date", E, "    - date: 2026-04-15\n", "    - date: 2026-04-31\n",
     "data/experts.yaml:87:13: error E105 “date”（日期）“2026-04-31”是不存在的日期。提示：检查月份和日子，如 2 月没有 30 日"),
    ("event-future", E, "    - date: 2026-04-15\n", "    - date: 2026-12-15\n",
     "data/experts.yaml:87:13: error E305 专家“吴工”的动态日期 2026-12-15 晚于今天（2026-11-22）：只登记已经发生的事。提示：发生后再登记；日期写错时请改正"),
    ("transfer-nowhere", E, "      employer: uni\n", "",
     "data/experts.yaml:78:13: error E306 专家“吴工”的工作调动（2019-09-01）没有写调到哪里。提示：至少写 employer（调入单位）、system（调入系统）、region（调入地区）中的一项；调入单位写单位编号"),
    ("destination-on-award", E, "      kind: award\n", "      kind: award\n      region: 西区\n",
     "data/experts.yaml:83:15: error E307 专家“吴工”的重要奖励写了 region（调入地区）：只有工作调动（`kind: transfer`）写调入的单位、系统、地区。提示：删除这些字段；如果这是一次调动，写 `kind: transfer`"),
    ("record-not-followed", E, "      employer: uni\n", "      employer: hospital\n",
     "data/experts.yaml:80:17: warning E308 专家“吴工”于 2019-09-01 调动，记录未随调动更新：调入的工作单位是“测试医院（hospital）”，记录中仍是“测试大学（uni）”；"
     "调入的系统是“卫生”（按调入单位），记录中仍是“教育”。提示：专家记录写的是现在的情况：把 employer（工作单位）、system（系统）改为调动后的值；如果之后又有调动，请补记那一次；"
     "专家的系统、地区确实与调入单位不同时，在调动记录中写明 system（调入系统）、region（调入地区）"),
    ("record-not-followed-written", E, "      employer: uni\n", "      employer: uni\n      region: 西区\n",
     "data/experts.yaml:81:15: warning E308 专家“吴工”于 2019-09-01 调动，记录未随调动更新：调入的地区是“西区”，记录中仍是“东区”。"
     "提示：专家记录写的是现在的情况：把 region（地区）改为调动后的值；如果之后又有调动，请补记那一次"),
    ("transfer-unknown-unit", E, "      employer: uni\n", "      employer: unii\n",
     "data/experts.yaml:80:17: error E202 “employer”（调入单位）引用的单位“unii”不存在。提示：是不是“uni”？"),
    ("events-not-a-list", E, "  events:\n    - date: 2019-09-01", "  events: 2019-09-01\n  eventz:\n    - date: 2019-09-01",
     "data/experts.yaml:76:11: error E103 “events”（动态）应为列表。提示：写成列表：\n  events:\n    - …"),
    ("event-not-a-mapping", E, "    - date: 2026-05-10\n      kind: illness\n      summary: 因病住院治疗，已出院休养\n", "    - 2026-05-10 住院\n",
     "data/experts.yaml:90:7: error E103 “events”（动态）应为“键: 值”形式的映射，这里是文字"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_failure_mode_produces_exact_diagnostic(project, case):
    _name, rel, old, new, expected = case
    if old is None:
        project.write(rel, new)
    else:
        project.replace(rel, old, new)
    lines = project.lines()
    assert expected in lines, "\n".join(lines)


# The class of a 文号's year brackets: only 六角括号 〔〕 are right; every other pair, and a mixed pair, is E114.
WRONG_YEAR_BRACKETS = ["[2002]", "【2002】", "（2002）", "(2002)", "［2002］", "﹝2002﹞", "〖2002〗", "{2002}", "<2002>",
                       "《2002》", "〔2002]", "[2002〕", "〔2002）", "[ 2002 ]"]


@pytest.mark.parametrize("year", WRONG_YEAR_BRACKETS)
def test_doc_number_year_in_other_brackets_is_a_located_warning(project, year):
    rel = "content/policies/cq-2002-110.md"
    project.replace(rel, 'doc_number: "渝人发〔2002〕110号"', f'doc_number: "渝人发{year}110号"')
    result = project.check()
    found = [d for d in result.diagnostics if d.code == "E114"]
    assert [(d.severity, d.location.path, d.location.line) for d in found] == [("warning", rel, 3)]
    assert found[0].hint == "文号中的年份用六角括号〔〕，如 渝人发〔2002〕110号"
    assert not result.errors  # a warning: the guide is still published


@pytest.mark.parametrize("number", ["渝人发〔2002〕110号", "人发〔2001〕109号", "京政办发〔 2014 〕4号", "渝人发2002年110号",
                                    "国办发〔2017〕47号"])
def test_doc_number_in_hexagonal_brackets_or_without_a_bracketed_year_passes(project, number):
    project.replace("content/policies/cq-2002-110.md", 'doc_number: "渝人发〔2002〕110号"', f'doc_number: "{number}"')
    assert [d for d in project.check().diagnostics if d.code == "E114"] == []


def test_unknown_key_names_the_key_and_suggests(project):
    project.replace(E, "  confidential: true\n", "  confidental: true\n")
    assert ("data/experts.yaml:57:3: error E101 专家“e4”中有未知字段“confidental”。提示：是不是“confidential”？"
            in project.lines())


def test_duplicate_ids_across_two_files(project):
    project.write("data/experts/more.yaml", "- id: e1\n  name: 另一人\n")
    lines = project.lines()
    assert any(line.startswith("data/experts/more.yaml:1:7: error E201 专家编号“e1”重复（首次出现在 data/experts.yaml:1:7）")
               for line in lines), lines


def test_non_canonical_reference_by_name_points_to_id(project):
    project.replace(P, "  leader: l-east\n", "  leader: L-East\n")
    assert ("data/pairings.yaml:26:11: error E203 “leader”（联系领导）写作“L-East”，应写领导编号“l-east”。提示：引用必须与编号完全一致"
            in project.lines())
    project.replace(P, "  leader: L-East\n", "  leader: l_east\n")
    assert ("data/pairings.yaml:26:11: error E203 “leader”（联系领导）写作“l_east”，应写领导编号“l-east”。提示：引用必须与编号完全一致"
            in project.lines())


def test_all_problems_are_collected_not_just_the_first(project):
    project.replace(E, "  gender: 女\n  birth: 1955-02\n", "  gender: 女性\n  birth: 1955-13\n")
    project.replace(P, "  expert: e5\n", "  expert: e9\n")
    codes = [line.split()[2] for line in project.lines()]
    assert codes.count("E106") == 1 and codes.count("E105") == 1 and codes.count("E202") == 1


def test_alias_bomb_is_rejected_at_the_anchor(project):
    bomb = "- id: x\n  name: &a [lol]\n" + "".join(
        f"  f{i}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    project.write("data/institutions.yaml", bomb)
    lines = project.lines()
    assert lines[0].startswith("data/institutions.yaml:2:9: error E007 不允许使用锚点（&a）")


def test_python_tag_does_not_run(project, tmp_path):
    marker = tmp_path / "pwned"
    project.replace(E, "  field: 化学\n", f"  field: !!python/object/apply:os.system [touch {marker}]\n")
    assert any("E008" in line for line in project.lines())
    assert not marker.exists()


def test_missing_data_file(project):
    project.path("data/services.yaml").unlink()
    assert "data/services.yaml: error E013 缺少数据文件 data/services.yaml（服务事项）" in project.lines()


def test_a_weekend_listed_as_a_holiday_is_how_notices_read(project):
    """国庆 2027-10-01 至 07 includes a weekend: listing it is right, not a mistake (chinese-calendar lists it too)."""
    project.write(C, YEAR + "holidays: [2027-10-01, 2027-10-02, 2027-10-03]\nworkdays: [2027-09-26]\n")
    assert project.lines() == []
    assert project.check().project.work_calendar.arrangement(2027).source == "https://www.gov.cn/example/2027"


def test_an_unknown_employer_of_a_transfer_is_reported_once(project):
    """E202 says the unit does not exist; E308 does not add that the record differs from it."""
    project.replace(E, "      employer: uni\n", "      employer: unii\n")
    assert [line.split()[2] for line in project.lines()] == ["E202"]
