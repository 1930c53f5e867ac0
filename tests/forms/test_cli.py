"""``python -m forms demo OUTDIR`` writes one file per form, named after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from forms.demo_files import DEMO_FILES, DEMO_XLSX
from tests.forms import pdfcheck

EXPECTED = {
    "代办服务委托书.pdf",
    "帮办代办受理单.pdf",
    "材料交接单.pdf",
    "材料签收单.pdf",
    "代办服务委托书-生僻字.pdf",
    "一次性告知书.pdf",
    "补正材料通知书.pdf",
    "承诺件受理通知.pdf",
    "延期办理告知书.pdf",
    "退回件通知书.pdf",
    "否定报备登记表.pdf",
    "代办服务中止单.pdf",
    "续办委托书.pdf",
    "代办服务办结（终止）单-办结.pdf",
    "代办服务办结（终止）单-终止.pdf",
    "撤回确认书.pdf",
    "服务意见反馈表.pdf",
    "差评回访整改反馈单.pdf",
    "代办台账.pdf",
    "档案移交清单.pdf",
    "档案查阅（复制）登记表.pdf",
    "考核统计表.pdf",
    "收件回执.pdf",
    "退件清单.pdf",
}


def test_demo_writes_every_form(tmp_path: Path) -> None:
    out = tmp_path / "演示"
    result = subprocess.run([sys.executable, "-m", "forms", "demo", str(out)], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert set(DEMO_FILES) == EXPECTED
    assert {p.name for p in out.iterdir()} == EXPECTED | set(DEMO_XLSX)
    for name in EXPECTED:
        pdf = (out / name).read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert Path(name).stem.split("-")[0] in pdfcheck.text(pdf)  # the title is printed
    assert (out / "代办服务委托书.pdf").read_bytes() == DEMO_FILES["代办服务委托书.pdf"]()  # deterministic


def test_usage_error_in_chinese() -> None:
    result = subprocess.run([sys.executable, "-m", "forms"], capture_output=True, check=False)
    assert result.returncode == 2
    assert "用法" in result.stderr.decode()
