"""事项清单 the way a director keeps it: Excel out and in, a form per 事项, and the difference before publishing.

Every way of changing the list ends on the same preview (``catalog_preview.html``): the new version's
difference from the published one, or every problem by sheet and row; 确认发布 then posts the
document to the publish route, which validates it once more, broadcasts it and audits it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from sync.domain.catalog import Catalog
from sync.domain.errors import DomainError
from sync.domain.model import CaseType

from ..api.deps import SessionDep
from ..services.catalog_admin import towns_overridden
from ..services.catalog_xlsx import (
    CASE_TYPES,
    CatalogImportError,
    RowProblem,
    catalog_diff,
    catalog_workbook,
    read_catalog_workbook,
    template_workbook,
)
from ..services.reference_docs import current_document, next_version
from ..services.staff import audit
from .deps import PublisherDep, PublisherPostDep, WebError, client_ip, render
from .refusals import PageRefusal
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: An uploaded 事项清单: real ones are tens of KB.
MAX_UPLOAD = 5 * 1024 * 1024
#: Empty material rows offered under a matter's own on its form.
BLANK_MATERIALS = 3
#: Material rows one form may post (a ``list`` form field's ``max_length`` counts its values, not their length).
MAX_MATERIAL_ROWS = 60
#: The longest material name and 获取方式, as the form's inputs allow.
MATERIAL_NAME_MAX, MATERIAL_HOW_MAX = 200, 400


def xlsx_download(data: bytes, name: str) -> Response:
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


async def read_upload(file: UploadFile, version: Callable[[], str]) -> dict[str, Any]:
    """The uploaded 事项清单 as a document of ``version()`` (asked only of a file small enough to be one);
    ``CatalogImportError`` lists what makes it none, its size included (the county's list and a town's own)."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise CatalogImportError([RowProblem("文件", 0, f"文件超过{MAX_UPLOAD // 1024 // 1024}MB，不是一份事项清单")])
    return read_catalog_workbook(data, version())


@router.get("/catalog/export.xlsx", summary="导出当前事项清单（Excel，主任）", response_class=Response)
def export_catalog(request: Request, session: SessionDep, user: PublisherDep) -> Response:
    with session.begin():
        document = current_document(session, "catalog")
        audit(session, user.username, "导出事项清单", f"版本{document.get('version', '')}", ip=client_ip(request))
    return xlsx_download(catalog_workbook(document), f"事项清单-{document.get('version', '')}.xlsx")


@router.get("/catalog/template.xlsx", summary="下载事项清单Excel模板（主任）", response_class=Response)
def catalog_template(user: PublisherDep) -> Response:
    return xlsx_download(template_workbook(), "事项清单模板.xlsx")


def _preview(
    request: Request,
    session: SessionDep,
    document: dict[str, Any] | None,
    problems: list[RowProblem] | None = None,
    source: str = "",
    status: int = 200,
) -> Response:
    with session.begin():
        published = current_document(session, "catalog")
        overridden = towns_overridden(session, document) if document else []
    return preview_page(request, published, document, problems, source, status, overridden=overridden)


def preview_page(
    request: Request,
    published: dict[str, Any],
    document: dict[str, Any] | None,
    problems: list[RowProblem] | None,
    source: str,
    status: int,
    **context: object,
) -> Response:
    """The page every change of a list ends on (the county's 事项清单 or a town's own): ``document``'s
    difference from ``published`` to confirm, or the ``problems`` to fix."""
    return render(
        request,
        "catalog_preview.html",
        status,
        document=json.dumps(document, ensure_ascii=False) if document else "",
        version=(document or {}).get("version", ""),
        count=len((document or {}).get("items", [])),
        published_version=published.get("version", "") or "（尚未发布）",
        changes=catalog_diff(published, document) if document else [],
        problems=problems or [],
        source=source,
        **context,
    )


@router.post("/catalog/import", summary="导入Excel事项清单并核对差异（主任）")
async def import_catalog(
    request: Request,
    session: SessionDep,
    user: PublisherPostDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    name = file.filename or "Excel文件"
    try:
        document = await read_upload(file, lambda: version.strip() or _next(session))
    except CatalogImportError as exc:
        return _preview(request, session, None, exc.problems, name, 422)
    return _preview(request, session, document, source=name)


def _next(session: SessionDep) -> str:
    with session.begin():
        return next_version(session, "catalog")


@dataclass(frozen=True)
class ItemPage:
    """Whose list a matter's form edits: where it posts, where 返回 leads, what the list is called."""

    action: str
    back: str
    noun: str = "事项"
    hint: str = ""

    @property
    def missing(self) -> str:
        return f"{'事项清单' if self.noun == '事项' else self.noun}中没有这个事项"


COUNTY_ITEMS = ItemPage("/catalog/item", "/publish/catalog")


@dataclass(frozen=True)
class ItemPost:
    """A matter's form as posted (every field a text, bounded; checked by ``edited_list``)."""

    original_code: str
    version: str
    code: str
    name: str
    department: str
    case_type: str
    promised_days: str
    fee: str
    legal_basis: str
    conditions: str
    notice: str
    notice_basis: str
    remedy: str
    material_name: list[str]
    material_original: list[str]
    material_copies: list[str]
    material_required: list[str]
    material_how: list[str]


def item_post(
    original_code: Annotated[str, Form(max_length=40)] = "",
    version: Annotated[str, Form(max_length=40)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    department: Annotated[str, Form(max_length=100)] = "",
    case_type: Annotated[str, Form(max_length=20)] = CaseType.PROMISED.value,
    promised_days: Annotated[str, Form(max_length=5)] = "",
    fee: Annotated[str, Form(max_length=200)] = "免费",
    legal_basis: Annotated[str, Form(max_length=4000)] = "",
    conditions: Annotated[str, Form(max_length=4000)] = "",
    notice: Annotated[str, Form(max_length=4000)] = "",
    notice_basis: Annotated[str, Form(max_length=400)] = "",
    remedy: Annotated[str, Form(max_length=4000)] = "",
    material_name: Annotated[list[str] | None, Form(max_length=MAX_MATERIAL_ROWS)] = None,
    material_original: Annotated[list[str] | None, Form(max_length=MAX_MATERIAL_ROWS)] = None,
    material_copies: Annotated[list[str] | None, Form(max_length=MAX_MATERIAL_ROWS)] = None,
    material_required: Annotated[list[str] | None, Form(max_length=MAX_MATERIAL_ROWS)] = None,
    material_how: Annotated[list[str] | None, Form(max_length=MAX_MATERIAL_ROWS)] = None,
) -> ItemPost:
    """The fields of a matter's form, the county's list and a town's own alike."""
    return ItemPost(
        original_code=original_code,
        version=version,
        code=code,
        name=name,
        department=department,
        case_type=case_type,
        promised_days=promised_days,
        fee=fee,
        legal_basis=legal_basis,
        conditions=conditions,
        notice=notice,
        notice_basis=notice_basis,
        remedy=remedy,
        material_name=material_name or [],
        material_original=material_original or [],
        material_copies=material_copies or [],
        material_required=material_required or [],
        material_how=material_how or [],
    )


ItemPostDep = Annotated[ItemPost, Depends(item_post)]


def item_form(
    request: Request,
    page: ItemPage,
    item: dict[str, Any],
    version: str,
    message: str = "",
    status: int = 200,
    field: str = "",
) -> Response:
    """The form of one matter; ``message`` is shown next to ``field`` (an input's name, ``material_copies:N``
    for the Nth material row) when the problem is in one field, else above the form."""
    materials = list(item.get("materials") or []) + [{} for _ in range(BLANK_MATERIALS)]
    return render(
        request,
        "catalog_item.html",
        status,
        item=item,
        materials=materials,
        case_types=CASE_TYPES,
        version=version,
        message=message,
        field=field,
        page=page,
    )


def item_page_of(request: Request, page: ItemPage, document: dict[str, Any], code: str, version: str) -> Response:
    """The form of the matter ``code`` of ``document`` (an empty one to add a matter when ``code`` is empty);
    404 when the list has no such matter."""
    new = {"case_type": CaseType.PROMISED.value}  # as a posted matter without a type is taken
    item = next((i for i in document.get("items", []) if i.get("code") == code), None) if code else new
    if item is None:
        raise WebError(404, page.missing)
    return item_form(request, page, {**item, "original_code": code}, version)


@router.get("/catalog/item", summary="编辑一个事项（主任）")
def item_page(
    request: Request, session: SessionDep, user: PublisherDep, code: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    with session.begin():
        document = current_document(session, "catalog")
        version = next_version(session, "catalog")
    return item_page_of(request, COUNTY_ITEMS, document, code, version)


@router.post("/catalog/item", summary="保存一个事项并核对差异（主任）")
def save_item(request: Request, session: SessionDep, user: PublisherPostDep, posted: ItemPostDep) -> Response:
    """One matter added or changed (or renamed: ``original_code``) in a new version of the list, then the
    preview; the form comes back with a Chinese message when the matter is not valid."""
    with session.begin():
        document = current_document(session, "catalog")
        version = posted.version.strip() or next_version(session, "catalog")
    candidate, item = edited_list(request, COUNTY_ITEMS, posted, document, version)
    return _preview(request, session, candidate, source=f"事项“{item['name']}”")


def edited_list(
    request: Request, page: ItemPage, posted: ItemPost, document: dict[str, Any], version: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``document`` as version ``version`` with the posted matter added, changed or renamed (``original_code``),
    and that matter; when the matter is not valid, the form again with the Chinese message (``PageRefusal``)."""

    def refused(form: dict[str, Any], message: str, field: str = "") -> PageRefusal:
        return PageRefusal(item_form(request, page, form, version, message, 422, field))

    def column(values: list[str], n: int, default: str) -> str:
        return values[n] if n < len(values) else default

    materials: list[dict[str, Any]] = []
    bad_copies: tuple[int, str] | None = None
    for n, material in enumerate(posted.material_name):
        if not material.strip():
            continue
        if len(material) > MATERIAL_NAME_MAX or len(column(posted.material_how, n, "")) > MATERIAL_HOW_MAX:
            raise WebError(422, f"材料名称不能超过{MATERIAL_NAME_MAX}字，获取方式不能超过{MATERIAL_HOW_MAX}字")
        typed = column(posted.material_copies, n, "1")
        copies = _int(typed, 0)
        if copies < 1 and bad_copies is None:
            bad_copies = (len(materials), column(posted.material_copies, n, ""))  # its row on the form shown again
        materials.append(
            {
                "name": material.strip(),
                "original": column(posted.material_original, n, "原件") == "原件",
                "copies": copies if copies >= 1 else column(posted.material_copies, n, ""),
                "required": column(posted.material_required, n, "是") == "是",
                "how_to_obtain": column(posted.material_how, n, "").strip(),
            }
        )
    days = _int(posted.promised_days, -1)
    item: dict[str, Any] = {
        "code": posted.code.strip(),
        "name": posted.name.strip(),
        "department": posted.department.strip(),
        "case_type": posted.case_type if posted.case_type in CASE_TYPES.values() else CaseType.PROMISED.value,
        "promised_days": days,
        "fee": posted.fee.strip() or "免费",
        "legal_basis": posted.legal_basis.strip(),
        "conditions": posted.conditions.strip(),
        "notice": posted.notice.strip(),
        "notice_basis": posted.notice_basis.strip(),
        "remedy": posted.remedy.strip(),
        "materials": materials,
    }
    original_code = posted.original_code
    form = {**item, "original_code": original_code}
    required = (("code", "事项编码"), ("name", "事项名称"), ("department", "承办部门"))
    missing = [(key, label) for key, label in required if not item[key]]
    if missing:
        raise refused(form, "请填写：" + "、".join(label for _key, label in missing), missing[0][0])
    if days < 0:
        form["promised_days"] = posted.promised_days  # shown as typed, next to its message
        raise refused(form, "承诺时限应为工作日数（即办件填0）", "promised_days")
    if bad_copies is not None:
        row, typed = bad_copies[0], bad_copies[1].strip()
        message = f"份数应为不小于1的整数（现为“{typed}”）" if typed else "请填写份数（不小于1的整数）"
        raise refused(form, message, f"material_copies:{row}")
    published = list(document.get("items", []))
    if original_code and not any(i.get("code") == original_code for i in published):
        raise WebError(404, page.missing)  # edited while someone removed it, or never there
    if item["code"] != original_code and any(i.get("code") == item["code"] for i in published):
        raise refused(form, f"事项编码“{item['code']}”已被其他事项使用", "code")
    items = [i for i in published if i.get("code") not in (original_code, item["code"])]
    position = next((n for n, i in enumerate(published) if i.get("code") == original_code), None)
    items.insert(position if position is not None else len(items), item)
    candidate = {**document, "version": version, "items": items}
    try:
        Catalog.from_dict(candidate)
    except DomainError as exc:
        raise refused(form, exc.message) from None
    return candidate, item


def _int(text: str, default: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return default
