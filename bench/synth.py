"""Generate a synthetic project of N experts (leaders and pairings in proportion), valid under the rules.

    python bench/synth.py N OUT_DIR

Every name and number is invented from a seeded generator; the same N gives the same files.
"""
from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞云辉建国志宏海波宁坤堃喆珺赟镕晨阳"
FIELDS = ["材料科学", "镁合金", "心血管内科", "机械工程", "临床医学", "农业经济", "软件工程", "土木工程", "化学工程",
          "生物医药", "电子信息", "环境工程", "水利工程", "中医药", "汽车工程", "金融学", "教育学", "数学"]
SYSTEMS = ["教育", "卫生", "科技", "工业", "农业"]
REGIONS = ["渝中区", "沙坪坝区", "九龙坡区", "江北区", "南岸区", "北碚区", "渝北区", "巴南区"]
CATEGORIES = [("academician", "两院院士", "key"), ("outstanding-national", "全国杰出专业技术人才", "key"),
              ("bqw", "百千万人才工程一二层次人选", "key"), ("young-contribution", "有突出贡献的中青年专家", "key"),
              ("special-allowance", "享受政府特殊津贴专家", "key"), ("academic-leader", "重庆市学术技术带头人", "general"),
              ("returnee", "高层次留学人才", "general"), ("postdoc", "优秀博士后研究人员", "general")]


def generate(n: int, out: Path, seed: int = 2002) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "data" / "experts").mkdir(parents=True)
    (out / "content" / "policies").mkdir(parents=True)
    for policy in (ROOT / "content" / "policies").glob("*.md"):
        shutil.copy(policy, out / "content" / "policies" / policy.name)
    w = lambda rel, text: (out / rel).write_text(text, encoding="utf-8")  # noqa: E731
    w("data/site.yaml", "org: 合成测试人事局\ntitle: 专家服务指南\nedition: 基准\npublished: 2026-10-01\n"
                        "rules_profile: chongqing-2002\nhotlines:\n  - label: 热线\n    phone: 023-69077236\n"
                        "email: bench@example.gov.cn\naddress: 合成路 1 号\nsponsor: 合成测试人事局\n")
    w("data/categories.yaml", "".join(
        f"- id: {cid}\n  name: {name}\n  scope: {scope}\n  basis: {{policy: cq-2002-110, clause: 第二条}}\n"
        for cid, name, scope in CATEGORIES))
    employers = max(5, n // 200)
    units = ["- id: bureau\n  name: 人事局\n  kind: bureau\n  system: 人事\n  region: 全市\n"]
    units += [f"- id: dept-{i}\n  name: 市{s}主管部门\n  kind: department\n  system: {s}\n  region: 全市\n"
              for i, s in enumerate(SYSTEMS)]
    units += [f"- id: dist-{i}\n  name: {r}\n  kind: district\n  region: {r}\n" for i, r in enumerate(REGIONS)]
    emp = [(f"emp-{i}", SYSTEMS[i % len(SYSTEMS)], REGIONS[i % len(REGIONS)]) for i in range(employers)]
    units += [f"- id: {e}\n  name: 合成单位{i}\n  kind: employer\n  system: {s}\n  region: {r}\n"
              for i, (e, s, r) in enumerate(emp)]
    w("data/units.yaml", "".join(units))

    experts_by_file: dict[str, list[str]] = {}
    academicians, by_system, by_region = [], {s: [] for s in SYSTEMS}, {r: [] for r in REGIONS}
    for k in range(n):
        eid = f"e{k:06d}"
        unit, system, region = emp[k % employers]
        cats = rng.sample(CATEGORIES, rng.choice((0, 1, 1, 2)))
        if k % 50 == 0:
            cats = [CATEGORIES[0]]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        text = (f"- id: {eid}\n  name: {name}\n  gender: {rng.choice('男女')}\n  birth: {rng.randint(1945, 1990)}-0{rng.randint(1, 9)}\n"
                f"  employer: {unit}\n  system: {system}\n  region: {region}\n  title_rank: {rng.choice(['正高级', '副高级'])}\n"
                f"  degree: {rng.choice(['博士', '硕士', '博士'])}\n  field: {rng.choice(FIELDS)}\n"
                f"  categories: [{', '.join(c[0] for c in cats)}]\n  status: active\n"
                f"  confidential: {'true' if k % 97 == 0 else 'false'}\n  public_consent: {'false' if k % 31 == 0 else 'true'}\n"
                f"  contact: {{phone: 023-6{k % 10000000:07d}, mobile: 0139{k:08d}, email: e{k}@example.com, address: 合成路 {k} 号}}\n"
                f"  id_number: 000000{rng.randint(1950, 1990)}0101{k % 10000:04d}\n  reviewed: 2026-0{rng.randint(1, 9)}-01\n")
        experts_by_file.setdefault(unit, []).append(text)
        if cats and cats[0][0] == "academician":
            academicians.append(eid)
        elif cats:
            by_system[system].append(eid)
        by_region[region].append(eid)
    for unit, texts in experts_by_file.items():
        w(f"data/experts/{unit}.yaml", "".join(texts))

    leaders, pairings = [], []
    taken: set[str] = set()

    def pair(lid: str, pool: list[str], count: int) -> None:
        for eid in pool:
            if count == 0:
                return
            if eid in taken:
                continue
            taken.add(eid)
            pairings.append(f"- id: p{len(pairings):06d}\n  leader: {lid}\n  expert: {eid}\n  start: 2025-07-01\n"
                            f"  end: 2027-06-30\n  consent: {{leader: 2025-06-01, expert: 2025-06-02}}\n")
            count -= 1

    target_leaders = max(10, n // 10)
    tiers = [("bureau", "bureau", academicians)]
    tiers += [("department", f"dept-{i}", by_system[s]) for i, s in enumerate(SYSTEMS)]
    tiers += [("district", f"dist-{i}", by_region[r]) for i, r in enumerate(REGIONS)]
    per_unit: dict[str, int] = {}
    for k in range(target_leaders):
        tier, unit, pool = tiers[k % len(tiers)] if k >= len(tiers) else tiers[k]
        lid = f"l{k:05d}"
        first = unit not in per_unit
        per_unit[unit] = per_unit.get(unit, 0) + 1
        before = len(pairings)
        pair(lid, pool, 2 + k % 2)
        if len(pairings) - before < 2 and tier != "district":
            del pairings[before:]
            continue
        leaders.append(f"- id: {lid}\n  name: 领导{k}\n  post: {'局长' if tier == 'bureau' else '副职'}\n  unit: {unit}\n"
                       f"  tier: {tier}\n  responsible: {'true' if first else 'false'}\n"
                       f"  contact: {{phone: 023-6{k:07d}, email: l{k}@example.gov.cn}}\n")
    w("data/leaders.yaml", "".join(leaders))
    w("data/pairings.yaml", "".join(pairings))
    w("data/institutions.yaml", "".join(
        f"- id: inst-{i}\n  name: 服务机构{i}\n  functions: [受理申请, 协调服务]\n  address: 合成路 {i} 号\n"
        f"  phone: 023-6900{i:04d}\n  hours: 工作日 9:00—17:00\n" for i in range(10)))
    w("data/services.yaml", "".join(
        f"- id: svc-{i}\n  name: 服务事项{i}\n  summary: 说明{i}\n  eligibility: 在册专家\n  materials: [申请表]\n"
        f"  institution: inst-{i % 10}\n  process: [申请, 办理]\n  time_limit: 15个工作日\n  fee: 免费\n" for i in range(12)))


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
