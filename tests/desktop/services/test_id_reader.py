"""The 身份证 reader adapter against the ZKIDROnline simulator, over real HTTP."""

from __future__ import annotations

import socket
import unicodedata
from pathlib import Path

import pytest

from desktop.services.casework.id_reader import (
    DEFAULT_URL,
    NoCard,
    ReaderMissing,
    ReadFailed,
    ZkIdrOnlineReader,
    parse_response,
    reader_url,
    set_reader_url,
)
from tests.id_reader_simulator import running


def test_a_card_is_read_whole_with_a_name_beyond_the_bmp() -> None:
    with running("card") as (sim, url):
        card = ZkIdrOnlineReader(url).read_card(timeout=5)
    assert card.name == "王𠮷"
    assert len(card.name) == 2 and ord(card.name[1]) == 0x20BB7  # one code point, not a surrogate pair
    assert card.id_number == "14010519900101018X"  # the x upper-cased, as when typed
    assert card.address == "山西省太原市小店区北格镇张花村3组12号"
    assert (card.gender, card.nation, card.birth) == ("男", "汉", "1990-01-01")
    assert (card.issuer, card.valid_from, card.valid_to) == ("太原市公安局小店分局", "20150101", "20350101")
    assert card.photo == b"\x89PNG\r\n\x1a\n"
    (query,) = sim.requests
    assert query["OP-DEV"] == ["1"] and query["CMD-URL"] == ["4"] and query["REPEAT"] == ["1"]


def test_a_decomposed_name_is_stored_in_nfc() -> None:
    with running("card") as (sim, url):
        sim.card["Name"] = unicodedata.normalize("NFD", "阿依古丽・买买提é")
        card = ZkIdrOnlineReader(url).read_card(timeout=5)
    assert card.name == "阿依古丽·买买提é"
    assert unicodedata.is_normalized("NFC", card.name)


def test_no_reader_on_the_service() -> None:
    with running("no_reader") as (_sim, url), pytest.raises(ReaderMissing) as caught:
        ZkIdrOnlineReader(url).read_card(timeout=5)
    assert caught.value.message == "未检测到读卡器，请检查USB连接"


def test_no_service_listening_means_no_reader() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ReaderMissing):
        ZkIdrOnlineReader(f"http://127.0.0.1:{port}/ZKIDROnline").read_card(timeout=5)


def test_no_card_on_the_reader() -> None:
    with running("no_card") as (_sim, url), pytest.raises(NoCard) as caught:
        ZkIdrOnlineReader(url).read_card(timeout=5)
    assert caught.value.message == "请将身份证放在读卡区"


def test_a_service_still_waiting_for_a_card_at_the_timeout() -> None:
    with running("silent") as (_sim, url), pytest.raises(NoCard):
        ZkIdrOnlineReader(url).read_card(timeout=0.2)  # the simulator never answers: any timeout expires


def test_a_garbled_answer() -> None:
    with running("garbled") as (_sim, url), pytest.raises(ReadFailed) as caught:
        ZkIdrOnlineReader(url).read_card(timeout=5)
    assert caught.value.message == "读卡失败，请重新放置身份证"


@pytest.mark.parametrize(
    "field, value",
    [("Name", "王\x00吉"), ("Name", "王\ue000"), ("Name", ""), ("IDNumber", "1401051990"), ("Address", "")],
)
def test_a_garbled_field_is_a_failed_read_not_a_wrong_form(field: str, value: str) -> None:
    with running("card") as (sim, url):
        sim.card[field] = value
        with pytest.raises(ReadFailed):
            ZkIdrOnlineReader(url).read_card(timeout=5)


@pytest.mark.parametrize("body", [b"[]", b'{"ret": 0}', b'{"ret": 0, "Certificate": "x"}', b'{"data": "?"}'])
def test_answers_of_the_wrong_shape(body: bytes) -> None:
    with pytest.raises(ReadFailed):
        parse_response(body)


def test_a_bad_photo_does_not_spoil_the_card() -> None:
    with running("card") as (sim, url):
        sim.card["Base64Photo"] = "***"
        card = ZkIdrOnlineReader(url).read_card(timeout=5)
    assert card.photo is None and card.name == "王𠮷"


def test_the_address_setting_defaults_to_the_vendor_port(tmp_path: Path) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from desktop.store.models import Base

    engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        assert reader_url(session) == DEFAULT_URL == "http://127.0.0.1:24010/ZKIDROnline"
        set_reader_url(session, "http://127.0.0.1:24011/ZKIDROnline")
    with Session(engine) as session:
        assert reader_url(session) == "http://127.0.0.1:24011/ZKIDROnline"
    engine.dispose()
