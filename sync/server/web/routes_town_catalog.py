"""本镇事项: a town's own 事项 in a county deployment, kept by the town's director beside the county's list.

The page shows the county's 事项清单 read-only and the town's own 事项, kept like the county's list: Excel out and
in, or one 事项 at a time on the county's form (新增, 编辑; 删除 straight to the preview). Every change ends on the
same preview as the county's (``catalog_preview.html``), whose 确认发布 posts here. A code the county's list
already uses is refused, the codes listed, nothing published (``sync.domain.catalog``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from sync.domain.catalog import Catalog, town_extension_collisions

from ..api.deps import SessionDep
from ..services.catalog_admin import (
    current_extension,
    extension_refusal,
    next_town_version,
    publish_town_catalog,
    town_history,
)
from ..services.catalog_xlsx import (
    CatalogImportError,
    RowProblem,
    catalog_workbook,
    template_workbook,
)
from ..services.reference_docs import current_document
from ..services.staff import audit
from ..services.towns import town_names
from .deps import PREFIX, TownPublisherDep, TownPublisherPostDep, WebError, client_ip, render
from .refusals import PageRefusal, refusal_shown
from .route_class import WebRoute
from .routes_catalog import (
    ItemPage,
    ItemPostDep,
    edited_list,
    item_form,
    item_page_of,
    preview_page,
    read_upload,
    xlsx_download,
)

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
PAGE = "/town-catalog"
TOWN_ITEMS = ItemPage(
    PAGE + "/item",
    PAGE,
    "本镇事项",
    "本镇事项的编码不能与县级事项清单重复；保存后先核对差异，确认发布后本镇各代办站下次同步时收到。",
)


def _page(
    request: Request, session: SessionDep, town_id: int, message: str = "", status: int = 200, done: str = ""
) -> Response:
    with session.begin():
        county = current_document(session, "catalog")
        own = current_extension(session, town_id)
        town = town_names(session).get(town_id, "")
        history = town_history(session, town_id)
    shadowed = set(town_extension_collisions(county, own))
    return render(
        request,
        "town_catalog.html",
        status,
        town=town,
        county_version=county.get("version", ""),
        county_items=Catalog.from_dict(county).items,
        own_version=own.get("version", ""),
        own_items=Catalog.from_dict(own).items,
        shadowed=shadowed,
        history=history,
        message=message,
        done=done,
    )


@router.get(PAGE, summary="本镇事项：县级事项清单之外本镇自有的事项（镇中心主任）")
def town_catalog_page(
    request: Request, session: SessionDep, user: TownPublisherDep, done: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    assert user.town_id is not None
    return _page(request, session, user.town_id, done=done)


@router.post(PAGE, summary="发布本镇事项（镇中心主任）")
def publish_town_items(
    request: Request,
    session: SessionDep,
    user: TownPublisherPostDep,
    document: Annotated[str, Form(max_length=2_000_000)] = "",
) -> Response:
    town_id = user.town_id
    assert town_id is not None
    refused = refusal_shown(lambda exc: _page(request, session, town_id, exc.message, 422))
    with refused, session.begin():
        row, sent = publish_town_catalog(session, town_id, document, f"{user.name}（镇中心主任）")
        audit(session, user.username, "发布本镇事项", f"版本{row.version}", f"发往{sent}个代办站", client_ip(request))
    return RedirectResponse(f"{PREFIX}{PAGE}?done={row.version}", status_code=303)


@router.get(PAGE + "/export.xlsx", summary="导出本镇事项（Excel，镇中心主任）", response_class=Response)
def export_town_items(request: Request, session: SessionDep, user: TownPublisherDep) -> Response:
    assert user.town_id is not None
    with session.begin():
        own = current_extension(session, user.town_id)
        audit(session, user.username, "导出本镇事项", f"版本{own.get('version', '')}", ip=client_ip(request))
    return xlsx_download(catalog_workbook(own), f"本镇事项-{own.get('version', '') or '未发布'}.xlsx")


@router.get(PAGE + "/template.xlsx", summary="下载本镇事项Excel模板（镇中心主任）", response_class=Response)
def town_items_template(user: TownPublisherDep) -> Response:
    return xlsx_download(template_workbook(), "本镇事项模板.xlsx")


def _preview(
    request: Request,
    session: SessionDep,
    town_id: int,
    document: dict[str, Any] | None,
    problems: list[RowProblem] | None = None,
    source: str = "",
    status: int = 200,
) -> Response:
    with session.begin():
        published = current_extension(session, town_id)
    return preview_page(request, published, document, problems, source, status, title="核对本镇事项", action=PAGE)


@router.post(PAGE + "/import", summary="导入Excel本镇事项并核对差异（镇中心主任）")
async def import_town_items(
    request: Request,
    session: SessionDep,
    user: TownPublisherPostDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    town_id = user.town_id
    assert town_id is not None

    def next_version() -> str:
        with session.begin():
            return version.strip() or next_town_version(session, town_id)

    name = file.filename or "Excel文件"
    try:
        document = await read_upload(file, next_version)
    except CatalogImportError as exc:
        return _preview(request, session, town_id, None, exc.problems, name, 422)
    with session.begin():
        refusal = extension_refusal(session, document)
    if refusal:
        return _preview(request, session, town_id, None, [RowProblem("事项", 0, refusal)], name, 422)
    return _preview(request, session, town_id, document, source=name)


@router.get(PAGE + "/item", summary="新增或编辑一个本镇事项（镇中心主任）")
def town_item_page(
    request: Request, session: SessionDep, user: TownPublisherDep, code: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    town_id = user.town_id
    assert town_id is not None
    with session.begin():
        own = current_extension(session, town_id)
        version = next_town_version(session, town_id)
    return item_page_of(request, TOWN_ITEMS, own, code, version)


@router.post(PAGE + "/item", summary="保存一个本镇事项并核对差异（镇中心主任）")
def save_town_item(request: Request, session: SessionDep, user: TownPublisherPostDep, posted: ItemPostDep) -> Response:
    """One of the town's own 事项 added or changed in a new version of them, then the preview; the form again with
    the Chinese message when the 事项 is not valid or its code is the county's (nothing stored before 确认发布)."""
    town_id = user.town_id
    assert town_id is not None
    with session.begin():
        own = current_extension(session, town_id)
        version = posted.version.strip() or next_town_version(session, town_id)
    candidate, item = edited_list(request, TOWN_ITEMS, posted, own, version)
    with session.begin():
        refusal = extension_refusal(session, candidate)
        county = town_extension_collisions(current_document(session, "catalog"), {"items": [item]})
    if refusal:  # its own code the county's, or another of the town's 事项 the county has taken since
        form = {**item, "original_code": posted.original_code}
        raise PageRefusal(item_form(request, TOWN_ITEMS, form, version, refusal, 422, "code" if county else ""))
    return _preview(request, session, town_id, candidate, source=f"事项“{item['name']}”")


@router.get(PAGE + "/item/remove", summary="删除一个本镇事项：核对差异（镇中心主任）")
def remove_town_item(
    request: Request, session: SessionDep, user: TownPublisherDep, code: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    """The town's own 事项 without the one ``code`` names, as the preview whose 确认发布 publishes them (nothing is
    stored before); 404 when the town has no such 事项."""
    town_id = user.town_id
    assert town_id is not None
    with session.begin():
        own = current_extension(session, town_id)
        version = next_town_version(session, town_id)
    gone = next((i for i in own.get("items", []) if i.get("code") == code), None) if code else None
    if gone is None:
        raise WebError(404, TOWN_ITEMS.missing)
    candidate = {**own, "version": version, "items": [i for i in own.get("items", []) if i is not gone]}
    source = f"删除事项“{gone.get('name', '')}”"
    with session.begin():
        refusal = extension_refusal(session, candidate)
    if refusal:  # another of the town's 事项 has a code the county has taken since: that one is to change first
        raise WebError(422, refusal)
    return _preview(request, session, town_id, candidate, source=source)
