"""Screenshots of the main screens for docs/: ``python -m desktop.ui.screenshots OUTDIR``.

Run under Xvfb (``xvfb-run -a``) or offscreen; a throw-away station is filled
with demo cases first.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.records import CaseDraft, MaterialDraft
from desktop.services.station import setup_station

from .application import make_application
from .facade import StationFacade
from .main_window import MainWindow

DEMO_PEOPLE = (
    ("王秀英", "11010519491231002X", "13800138000", "MZ004"),
    ("赵德明", "44030819900101123" + "9", "13912345678", "CL001"),
    ("钱桂兰", "32010620001231567" + "6", "0571-88886666", "HJ001"),
    ("孙建国", "51010219850612003" + "8", "13700001111", "MZ001"),
)


def seed(ctx: ServiceContext) -> None:
    setup_station(ctx, code="QH01", name="青禾村政务服务代办站", village="青禾村", town="青禾镇", clerk="李代办")
    from sync.domain.validation import id_check_char

    for i, (name, id_number, phone, code) in enumerate(DEMO_PEOPLE):
        id_number = id_number[:17] + id_check_char(id_number[:17])
        item = ctx.catalog.get(code)
        materials = tuple(MaterialDraft(m.name, m.original, m.copies, m.required, True) for m in item.materials)
        if i == 2:
            materials = tuple(replace(m, present=False) if m.required else m for m in materials[:2]) + materials[2:]
        register_case(ctx, CaseDraft("agency", code, name, id_number, phone, "青禾村二组", (), materials))


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext.open(Path(tmp), today=lambda: date(2026, 11, 23))
        seed(ctx)
        window = MainWindow(StationFacade(ctx))
        window.show()
        while window.model.rowCount() == 0:
            app.processEvents()
        _save(window, out / "main_window.png")
        dialog = window.new_case()
        dialog.select_item("MZ004")
        dialog.name_edit.setText("周玉梅")
        dialog.id_edit.setText("110105194912310021")
        dialog.phone_edit.setText("13800138000")
        dialog.materials.set_present(0, True)
        dialog._show_field_error("id_number", "身份证号码校验位不正确，请核对后重新输入")
        _save(dialog, out / "new_case_dialog.png")
        dialog.close()
        window.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
