"""本镇信息: what the town center publishes about itself for the paper its stations print.

The center's name and address, its 咨询电话 and 监督电话, and the public address under which a case
can be looked up by its number (what the QR code on every case form holds). Published by the
中心主任 as a ``town.published`` center event (see ``reference``), it reaches every station by sync
and at enrollment. Until it is published a station prints its own town's default name, no phones,
and QR codes that hold the case number alone (no link that leads nowhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .text import clean_text

MAX_NAME = 60
MAX_ADDRESS = 120
MAX_URL = 200
#: A Chinese landline or mobile number as printed: digits with spaces, hyphens, brackets or a "转".
_PHONE = re.compile(r"^[0-9０-９][0-9０-９ \-()（）转]{4,30}$")
_URL = re.compile(r"^https://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~\-/%]*)?$")

FIELD_LABELS = {
    "center_name": "中心名称",
    "center_address": "中心地址",
    "consult_phone": "咨询电话",
    "supervise_phone": "监督电话",
    "case_url_base": "办件查询地址",
}


@dataclass(frozen=True)
class TownInfo:
    center_name: str = ""
    center_address: str = ""
    consult_phone: str = ""
    supervise_phone: str = ""
    #: https://…/ : the QR code of a case holds this followed by the case number.
    case_url_base: str = ""
    published_at: str = ""
    published_by: str = ""

    @property
    def is_default(self) -> bool:
        return not self.published_at

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TownInfo:
        values: dict[str, str] = {}
        for key, label in FIELD_LABELS.items():
            raw = data.get(key, "")
            if not isinstance(raw, str):
                raise ValidationError(key, f"{label}应为文字")
            limit = MAX_URL if key == "case_url_base" else MAX_ADDRESS if key == "center_address" else MAX_NAME
            values[key] = clean_text(raw, field=key, label=label, limit=limit)
        if not values["center_name"]:
            raise ValidationError("center_name", "请填写中心名称，例如“青溪镇为民服务中心”")
        for key in ("consult_phone", "supervise_phone"):
            if values[key] and not _PHONE.match(values[key]):
                raise ValidationError(key, f"{FIELD_LABELS[key]}格式不正确，例如 0571-88612312")
        url = values["case_url_base"]
        if url:
            if not _URL.match(url):
                raise ValidationError(
                    "case_url_base", "办件查询地址应以 https:// 开头，例如 https://wmfw.qingxi.gov.cn/case/"
                )
            if not url.endswith(("/", "=")):
                url += "/"
        return cls(
            center_name=values["center_name"],
            center_address=values["center_address"],
            consult_phone=values["consult_phone"],
            supervise_phone=values["supervise_phone"],
            case_url_base=url,
            published_at=str(data.get("published_at", "")),
            published_by=str(data.get("published_by", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "center_name": self.center_name,
            "center_address": self.center_address,
            "consult_phone": self.consult_phone,
            "supervise_phone": self.supervise_phone,
            "case_url_base": self.case_url_base,
            "published_at": self.published_at,
            "published_by": self.published_by,
        }
