"""新建委托: the clerk records an entrustment with the villager sitting there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.records import CaseDraft, Changed
from sync.domain.catalog import Catalog
from sync.domain.errors import ValidationError
from sync.domain.model import SPECIAL_GROUP_LABELS, SPECIAL_GROUPS, CaseKind

from .errors import show_error, user_message
from .materials_table import MaterialsTable
from .tasks import run_task


class NewCaseDialog(QDialog):
    """Collects a ``CaseDraft``; saving runs ``save(draft)`` off the GUI thread."""

    case_saved = Signal(object)  # Changed

    def __init__(self, catalog: Catalog, save: Callable[[CaseDraft], Changed], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建代办委托")
        self.resize(760, 640)
        self._catalog = catalog
        self._save = save

        self.kind_group = QButtonGroup(self)
        kind_row = QHBoxLayout()
        for kind in CaseKind:
            button = QRadioButton(kind.label)
            button.setProperty("kind", kind.value)
            self.kind_group.addButton(button)
            kind_row.addWidget(button)
            if kind is CaseKind.AGENCY:
                button.setChecked(True)
        kind_row.addStretch()

        self.item_combo = QComboBox()
        self.item_combo.setEditable(True)
        self.item_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.item_combo.addItem("（请选择办理事项）", "")
        for item in catalog.items:
            self.item_combo.addItem(f"{item.name}（{item.department}）", item.code)
        self.item_combo.currentIndexChanged.connect(self._item_changed)
        self.item_info = QLabel()
        self.item_info.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(18)
        self.id_edit.setPlaceholderText("18位居民身份证号码")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("手机号或座机（区号-号码）")
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("村民小组、门牌号")
        groups_row = QHBoxLayout()
        self.group_boxes: dict[str, QCheckBox] = {}
        for group in SPECIAL_GROUPS:
            box = QCheckBox(SPECIAL_GROUP_LABELS[group])
            self.group_boxes[group] = box
            groups_row.addWidget(box)
        groups_row.addStretch()

        applicant = QGroupBox("委托人（申请人）")
        form = QFormLayout(applicant)
        form.addRow("姓名", self.name_edit)
        form.addRow("身份证号码", self.id_edit)
        form.addRow("联系电话", self.phone_edit)
        form.addRow("住址", self.address_edit)
        form.addRow("特殊群体", groups_row)

        self.materials = MaterialsTable()
        add_button = QPushButton("添加其他材料")
        add_button.clicked.connect(lambda: self.materials.add_row())
        all_button = QPushButton("全部已提交")
        all_button.clicked.connect(lambda: self.materials.set_all_present(True))
        materials_box = QGroupBox("材料清单（当场核对，勾选已提交的材料）")
        materials_layout = QVBoxLayout(materials_box)
        materials_layout.addWidget(self.materials)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add_button)
        buttons_row.addWidget(all_button)
        buttons_row.addStretch()
        materials_layout.addLayout(buttons_row)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存并登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("服务方式", kind_row)
        top.addRow("办理事项", self.item_combo)
        top.addRow("", self.item_info)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(applicant)
        layout.addWidget(materials_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._fields: dict[str, QWidget] = {
            "name": self.name_edit,
            "id_number": self.id_edit,
            "phone": self.phone_edit,
            "address": self.address_edit,
            "item_code": self.item_combo,
            "materials": self.materials,
        }

    # --- reading the form ---
    def select_item(self, code: str) -> None:
        index = self.item_combo.findData(code)
        self.item_combo.setCurrentIndex(index)

    def _item_changed(self, _index: int) -> None:
        code = self.item_combo.currentData()
        if not code:
            self.materials.setRowCount(0)
            self.item_info.clear()
            return
        item = self._catalog.get(code)
        days = "即时办结" if item.promised_days == 0 else f"承诺{item.promised_days}个工作日内办结"
        self.item_info.setText(f"{item.case_type.label}，{days}；收费：{item.fee}")
        self.materials.load(item.materials)

    def draft(self) -> CaseDraft:
        checked = self.kind_group.checkedButton()
        return CaseDraft(
            kind=str(checked.property("kind")) if checked else "",
            item_code=str(self.item_combo.currentData() or ""),
            applicant_name=self.name_edit.text(),
            id_number=self.id_edit.text(),
            phone=self.phone_edit.text(),
            address=self.address_edit.text(),
            special_groups=tuple(g for g, box in self.group_boxes.items() if box.isChecked()),
            materials=self.materials.materials(),
        )

    # --- saving ---
    def submit(self) -> None:
        self._clear_error()
        draft = self.draft()
        self.save_button.setEnabled(False)
        run_task(lambda: self._save(draft), self._on_saved, self._on_failed)

    def _on_saved(self, changed: Changed) -> None:
        self.save_button.setEnabled(True)
        self.case_saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_field_error(exc.field, user_message(exc))
        else:
            show_error(self, exc)

    def _show_field_error(self, field: str, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        widget = self._fields.get(field)
        if widget is not None:
            widget.setStyleSheet("border: 2px solid #c62828;")
            widget.setFocus()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        for widget in self._fields.values():
            widget.setStyleSheet("")
