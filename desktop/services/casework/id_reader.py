"""The second-generation 身份证 reader at the window: one interface, a backend per vendor interface.

``IdReader.read_card(timeout)`` answers a ``CardData`` or raises one of three ``IdReaderError``
subclasses, each with the Chinese message the clerk sees. It blocks (network, USB): call it off
the GUI thread (``desktop.ui.tasks.run_task``). Manual entry stays available whatever happens here.

Backend: ``ZkIdrOnlineReader`` speaks the local HTTP service that ZKTeco (中控智慧) ships with its
ID readers for browsers, "ZKIDROnline", as published in
https://blog.csdn.net/chw0629/article/details/111185423 ("调用本地读取证件的服务"):
``GET http://127.0.0.1:24010/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4&REPEAT=1&common=1&random=<n>``
answering JSON whose ``ret`` is 0 on success, and otherwise carries the service's error text in
``data``. The success payload's ``Certificate`` object (``Name``, ``Sex``, ``Nation``, ``Birthday``,
``Address``, ``IDNumber``, ``IDIssued``, ``IssuedData``, ``ValidDate``, ``Base64Photo``) is taken
from the vendor's browser demo as remembered, not from a document at hand: that page shows only the
envelope, so check these names against the vendor's manual or a real service before relying on them.
Tested against ``tests/id_reader_simulator.py`` only, never a physical reader.

The chip stores UCS-2; the service hands UTF-8 JSON, so a name with a character beyond the BMP
(王𠮷) arrives whole and is kept whole: the name goes through the same rules as a typed one
(``sync.domain.text.clean_name``: NFC, no controls, private use or surrogates).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from desktop.services.context import ServiceContext
from desktop.store import settings
from sync.domain.errors import DomainError, ValidationError
from sync.domain.text import bad_char, clean_name, clean_text
from sync.domain.validation import normalize_id_number

#: The ZKIDROnline service's standard address (its installer's default port).
DEFAULT_URL = "http://127.0.0.1:24010/ZKIDROnline"
SETTING_KEY = "id_reader"
DEFAULT_TIMEOUT = 5.0

_ID_SHAPE = re.compile(r"\d{17}[\dX]")
#: Words of the service's error text that point at the device rather than the card.
_DEVICE_WORDS = ("设备", "读卡器", "阅读器", "端口", "device", "port")
_CARD_WORDS = ("找卡", "无卡", "放卡", "选卡", "卡片", "card")


class IdReaderError(DomainError):
    """The reader could not give a card; ``message`` says what the clerk should do."""


class ReaderMissing(IdReaderError):
    def __init__(self) -> None:
        super().__init__("未检测到读卡器，请检查USB连接")


class NoCard(IdReaderError):
    def __init__(self) -> None:
        super().__init__("请将身份证放在读卡区")


class ReadFailed(IdReaderError):
    def __init__(self) -> None:
        super().__init__("读卡失败，请重新放置身份证")


@dataclass(frozen=True)
class CardData:
    """What the card says, cleaned by the same rules as typed text; dates as the card prints them."""

    name: str
    id_number: str
    address: str
    gender: str = ""
    nation: str = ""
    birth: str = ""
    issuer: str = ""
    valid_from: str = ""
    valid_to: str = ""
    photo: bytes | None = None


class IdReader(Protocol):
    def read_card(self, timeout: float = DEFAULT_TIMEOUT) -> CardData:
        """The card on the reader now, or an ``IdReaderError``. Blocks: never on the GUI thread."""
        ...


class ZkIdrOnlineReader:
    """The ZKIDROnline local HTTP service (see the module docstring for the document followed)."""

    def __init__(self, base_url: str = DEFAULT_URL) -> None:
        self.base_url = base_url.rstrip("/")
        self._serial = 0

    def read_card(self, timeout: float = DEFAULT_TIMEOUT) -> CardData:
        self._serial += 1  # the service's "random" parameter: defeats a browser cache, harmless here
        query = urllib.parse.urlencode({"OP-DEV": 1, "CMD-URL": 4, "REPEAT": 1, "common": 1, "random": self._serial})
        url = f"{self.base_url}/ScanReadIdCardInfo?{query}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                body = response.read(1_000_000)
        except TimeoutError as exc:
            raise NoCard() from exc  # the service waits for a card and none came
        except urllib.error.HTTPError as exc:
            raise ReadFailed() from exc
        except (urllib.error.URLError, ConnectionError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise NoCard() from exc
            raise ReaderMissing() from exc  # no service listening: the reader's software is not running
        return parse_response(body)


def parse_response(body: bytes) -> CardData:
    """One ZKIDROnline answer as a ``CardData``, or the ``IdReaderError`` it means."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReadFailed() from exc
    if not isinstance(answer, dict):
        raise ReadFailed()
    ret = answer.get("ret")
    if ret != 0:
        text = str(answer.get("data", "")).lower()
        if any(word in text for word in _DEVICE_WORDS):
            raise ReaderMissing()
        if any(word in text for word in _CARD_WORDS):
            raise NoCard()
        raise ReadFailed()
    cert = answer.get("Certificate")
    if not isinstance(cert, dict):
        raise ReadFailed()
    return _card(cert)


def _text(cert: dict[str, object], key: str) -> str:
    value = cert.get(key, "")
    return value if isinstance(value, str) else ""


def _card(cert: dict[str, object]) -> CardData:
    try:
        name = clean_name(_text(cert, "Name"))
        address = clean_text(_text(cert, "Address"), field="address", label="住址", limit=200, required=True)
        extras = {
            field: clean_text(_text(cert, key), field=field, label=field, limit=100)
            for field, key in (
                ("gender", "Sex"),
                ("nation", "Nation"),
                ("birth", "Birthday"),
                ("issuer", "IDIssued"),
                ("valid_from", "IssuedData"),
                ("valid_to", "ValidDate"),
            )
        }
    except ValidationError as exc:
        raise ReadFailed() from exc  # a garbled field: the chip was read badly
    id_number = normalize_id_number(_text(cert, "IDNumber").strip())
    if not _ID_SHAPE.fullmatch(id_number):
        raise ReadFailed()
    return CardData(name=name, id_number=id_number, address=address, photo=_photo(cert), **extras)


def _photo(cert: dict[str, object]) -> bytes | None:
    raw = _text(cert, "Base64Photo")
    if not raw:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None  # the photo is a bonus: a bad one does not spoil the text


def reader_url(session: Session) -> str:
    """The reader service's address kept in the station's settings, or the vendor's standard one."""
    data = settings.get(session, SETTING_KEY) or {}
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else DEFAULT_URL


def set_reader_url(session: Session, url: str) -> None:
    """Keep another address for the reader service (a reader on another port)."""
    settings.put(session, SETTING_KEY, {"url": url.strip() or DEFAULT_URL})


def station_reader_url(ctx: ServiceContext) -> str:
    with ctx.db.reading() as session:
        return reader_url(session)


def save_station_reader_url(ctx: ServiceContext, url: str) -> str:
    """Keep the reader service's address (``http://host:port/ZKIDROnline``), or raise ValidationError."""
    text = url.strip() or DEFAULT_URL
    parts = urllib.parse.urlsplit(text)
    if parts.scheme != "http" or not parts.hostname or bad_char(text) is not None:
        raise ValidationError("id_reader_url", "读卡器地址应形如 http://127.0.0.1:24010/ZKIDROnline")
    with ctx.db.transaction() as session:
        set_reader_url(session, text)
    return text


def read_station_card(ctx: ServiceContext, timeout: float = DEFAULT_TIMEOUT) -> CardData:
    """The card on the station's reader, at the address in its settings. Blocks: not on the GUI thread."""
    with ctx.db.reading() as session:
        url = reader_url(session)
    return ZkIdrOnlineReader(url).read_card(timeout)
