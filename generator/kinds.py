"""Field kinds: how each kind of value is written, and how it can reappear in an output (字段类型).

One place per kind: load/shape.py checks values against these patterns, schema.py puts the same
patterns in the JSON Schema, and the leak audit looks for every written form (AUDIT_FORMS).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{1,22}[0-9](转[0-9]{1,6})?")
# An address as long as mail can carry (RFC 5321 4.5.3.1): at most 64 characters before the @, labels of at most 63
# and 254 in all; the pages are laid out for the longest (tests/test_layouts.py).
EMAIL = re.compile(r"(?=.{3,254}$)(?=[^@]{1,64}@)[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63})+")
INT = re.compile(r"-?[0-9]{1,9}")
URL = re.compile(r"(https://[^\s<>\"'`]+|mailto:[^\s<>\"'`]+|tel:\+?[0-9\-]+)")
# A government website's numbers: 政府网站标识码 (10 digits, a department's site bm + 8 digits), ICP 备案号
# (渝ICP备05001520号-1) and 公安机关备案号 (渝公网安备 50010502000001号, 14 digits). Both filings start with the
# abbreviation of one of the 31 province-level divisions of the mainland that file them.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SITE_CODE = re.compile(r"[0-9]{10}|bm[0-9]{8}")
ICP = re.compile(f"[{PROVINCES}]ICP[备证][0-9]{{6,10}}号(-[0-9]{{1,3}})?")
POLICE_RECORD = re.compile(f"[{PROVINCES}]公网安备 ?[0-9]{{14}}号")
# A 文号 writes its year in 六角括号 (GB/T 9704-2012, 7.2.4): 渝人发〔2002〕110号. A year between any other
# pair of brackets — [ ] 【 】 （ ） ( ) ［ ］ ﹝ ﹞ 〖 〗 { } < > 《 》, or 〔 with another closing one — is a
# warning (E114): the value is still the document's number, only its punctuation is wrong.
_YEAR = re.compile(r"(?=(\S)[ \u3000]*((?:1[89]|20)[0-9]{2})[ \u3000]*(\S))")
_OPENING, _CLOSING = "<﹤＜", ">﹥＞"  # angle brackets are maths signs (Sm) in Unicode, not punctuation


def wrong_year_brackets(text: str) -> str | None:
    """The year of a 文号 with the brackets around it ("[2002]") when they are not 〔〕; None when right or absent."""
    for m in _YEAR.finditer(text):
        before, year, after = m.groups()
        opening = unicodedata.category(before) == "Ps" or before in _OPENING
        closing = unicodedata.category(after) == "Pe" or after in _CLOSING
        if opening and closing and (before, after) != ("〔", "〕"):
            return before + year + after
    return None


# The written form of the kinds checked by one pattern, with an example for the message.
FORMATS = {
    "phone": (PHONE, "023-69077236、13912345678 或 +86 139 1234 5678"),
    "email": (EMAIL, "expert@example.gov.cn（@ 之前至多 64 个字符，全长至多 254 个）"),
    "url": (URL, "https://… 、mailto:… 或 tel:…（只允许这三种）"),
    "int": (INT, "整数，如 3"),
    "site_code": (SITE_CODE, "10 位数字，如 5000000001（部门网站如 bm50000001）"),
    "icp": (ICP, "渝ICP备05001520号 或 渝ICP备05001520号-1（以省级行政区的简称开头）"),
    "police_record": (POLICE_RECORD, "渝公网安备 50010502000001号（以省级行政区的简称开头，14 位数字）"),
}


def schema_fragment(spec: Any) -> dict[str, Any]:
    """The JSON Schema of one scalar field, with the same patterns as load/shape.py."""
    kind = spec.kind
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "enum":
        return {"enum": list(spec.choices)}
    if kind == "date":
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
    if kind == "month":
        return {"type": "string", "pattern": f"^{MONTH.pattern}$"}
    if kind in ("id", "ref"):
        out: dict[str, Any] = {"type": "string", "pattern": f"^{ID.pattern}$"}
        if kind == "ref":
            out["description"] = f"{spec.ref} 中的编号"
        return out
    if kind == "phone":  # an unquoted number is read as a number by editors, as text by us
        return {"type": ["string", "integer"], "pattern": f"^{FORMATS['phone'][0].pattern}$"}
    if kind == "int":
        low, high = spec.bounds
        return {"type": ["integer", "string"], "pattern": f"^{FORMATS['int'][0].pattern}$", "minimum": low,
                "maximum": high}
    if kind in ("email", "url", "icp", "police_record"):
        return {"type": "string", "pattern": f"^{FORMATS[kind][0].pattern}$"}
    if kind == "site_code":  # ten digits: an editor reading YAML 1.2 sees a number
        return {"type": ["string", "integer"], "pattern": f"^({SITE_CODE.pattern})$"}
    # Text is read as written; an editor reading YAML 1.2 sees a digits-only value as a number.
    return {"type": ["string", "number"], "minLength": 1}


def _date_forms(day: Any) -> tuple[str, ...]:
    return (day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month:02d}.{day.day:02d}",
            f"{day.year}/{day.month}/{day.day}")


def _month_forms(month: str) -> tuple[str, ...]:
    year, number = month[:4], int(month[5:])
    return (month, f"{year}年{number}月", f"{year}.{number:02d}")


# How a value of each kind can appear in an output, for the leak audit: every written form.
# Enums and booleans have none: a value from a short fixed list (男, 正高级, true) says nothing about
# anybody; what a flag decides (whether an expert is shown) is audited through the expert's other
# fields, and tests/test_exposure.py proves no non-public field of any kind reaches a public page.
# Ids and references are record keys, not personal data.
AUDIT_FORMS: dict[str, Any] = {
    "text": lambda v: (v,), "multiline": lambda v: (v,), "phone": lambda v: (v,), "email": lambda v: (v,),
    "url": lambda v: (v,), "site_code": lambda v: (v,), "icp": lambda v: (v,), "police_record": lambda v: (v,),
    "doc_number": lambda v: (v,), "date": _date_forms, "month": _month_forms,
    "enum": lambda v: (), "bool": lambda v: (), "int": lambda v: (), "id": lambda v: (), "ref": lambda v: (),
}
