"""No printed line holds one Chinese character alone: hostile lengths, in paragraphs and in the 名单, on both paths."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import EPOCH, TODAY, synthetic_project
from test_pdf import lone_characters, text

from generator.build import build_pdf
from generator.render.pdf import write

pytestmark = pytest.mark.slow

BASE = "专家联系服务制度的内容包括政策联系服务机构名称职能以及联系方式使每位专家都能与联系领导保持畅通联系得到及时服务"
# Employer names of 12 to 34 characters: the 工作单位 column holds 11 a line, so 12, 23 and 34 ended on one.
EMPLOYERS = [BASE[:n - 2] + "中心" for n in (12, 23, 34, 13, 24)]  # bench/synth.py makes 5 employers
# Paragraphs from one character short of a line to three over, at one and at two lines (36 a line, 34 after
# the indent); some end in punctuation, in bold, in a link, in Latin letters or in digits.
PARAGRAPHS = [BASE[:n] + "。" for n in range(32, 40)] + [BASE[:n] for n in range(68, 74)] + [
    BASE[:34] + "**联系**。", BASE[:33] + "**联系领导**", BASE[:34] + "[通知全文](https://example.gov.cn/a)。",
    BASE[:35] + "ABC", BASE[:35] + "2026", BASE[:33] + "“服务”。",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = synthetic_project(tmp_path_factory.mktemp("lines") / "project", 800, lambda n: EMPLOYERS[n % len(EMPLOYERS)])
    (root / "content" / "index.md").write_text("# 首页\n\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["one document", "parallel parts"])
def pdf(request, hostile, tmp_path_factory) -> Path:
    if request.param == "parallel parts" and (os.cpu_count() or 1) < 2:
        pytest.skip("the 名单 is typeset in parts only on 2+ cores")
    old_min, old_epoch = write.PARALLEL_MIN, os.environ.get("SOURCE_DATE_EPOCH")
    write.PARALLEL_MIN = 10**9 if request.param == "one document" else 1
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return build_pdf(hostile, out=tmp_path_factory.mktemp("lines-pdf") / "guide.pdf", today=TODAY).path
    finally:
        write.PARALLEL_MIN = old_min
        if old_epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old_epoch


def test_no_line_holds_one_character_alone(pdf):
    body = text(pdf)
    assert all(name[:8] in body for name in EMPLOYERS), "every employer is printed"
    assert lone_characters(pdf) == []


def test_the_text_is_as_written(pdf):
    """Nothing is added or lost: each paragraph reads whole (pdftotext), with no stray character."""
    flat = re.sub(r"\s+", "", text(pdf))
    for paragraph in PARAGRAPHS:
        assert re.sub(r"\*\*|\[|\]\([^)]*\)", "", paragraph) in flat, paragraph
    assert not re.search(r"[\u200b-\u200f\u2060\ufeff\ufffd]", text(pdf))
