"""Push body codings and chain-head compaction (``sync.protocol.encoding``), without a server of ours."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bench.sync_dictionary import TARGET, TARGETS, build, module_text
from sync.client.client import SyncClient
from sync.domain.errors import ChainBroken
from sync.domain.events import Event
from sync.protocol import encoding
from sync.protocol.models import PushBatch
from sync.protocol.push_dictionary_v1 import DICTIONARY
from sync.protocol.push_dictionary_v2 import DICTIONARY as DICTIONARY_V2
from tests.sync.fake_center import JsonCenter, serving

from .factories import Chain, tampered


def _chain(cases: int = 2) -> list[Event]:
    chain = Chain("station-1")
    for n in range(1, cases + 1):
        chain.new_case(n)
    return chain.events


def _received(body: bytes, coding: str) -> list[Event]:
    """What the center makes of a body: decode, validate, expand."""
    batch = PushBatch.model_validate_json(encoding.decode(body, coding, 10_000_000))
    return encoding.expand_chain(e.to_event() for e in batch.events)


def test_dictionary_is_reproducible_and_checksummed() -> None:
    assert build(1) == DICTIONARY, "the v1 dictionary is frozen: a new sample makes push_dictionary_v2"
    assert TARGET.read_text(encoding="utf-8") == module_text(DICTIONARY)
    assert encoding.dictionary(encoding.DICT_V1) == DICTIONARY.encode("utf-8")
    for personal in ("11010519491231002X", "13800138000"):
        assert personal not in DICTIONARY


def test_dictionary_v2_is_reproducible_and_checksummed() -> None:
    assert build(2) == DICTIONARY_V2, "the v2 dictionary is frozen: a new sample makes push_dictionary_v3"
    assert TARGETS[2].read_text(encoding="utf-8") == module_text(DICTIONARY_V2, 2)
    assert encoding.dictionary(encoding.DICT_V2) == DICTIONARY_V2.encode("utf-8")
    assert encoding.PUSH_ENCODINGS == (encoding.DICT_V2, encoding.DICT_V1, encoding.GZIP)
    for personal in ("11010519491231002X", "13800138000"):
        assert personal not in DICTIONARY_V2


@pytest.mark.parametrize("coding", [encoding.DICT_V2, encoding.DICT_V1, encoding.GZIP, encoding.IDENTITY])
def test_every_coding_round_trips_to_the_full_events(coding: str) -> None:
    events = _chain()
    body = encoding.encode_push("b-1", "station-1", events, coding)
    assert _received(body, coding) == events
    assert [e.hash for e in _received(body, coding)] == [e.hash for e in events]


def test_compact_batch_carries_the_first_link_and_the_head_only() -> None:
    events = _chain()
    items = encoding.compact_events(events)
    assert "prev_hash" in items[0] and all("prev_hash" not in i for i in items[1:])
    assert "hash" in items[-1] and all("hash" not in i for i in items[:-1])
    assert items[-1]["hash"] == events[-1].hash
    assert encoding.compact_events(events[:1]) == [events[0].to_dict()]


def test_dictionary_coding_is_smaller_than_gzip() -> None:
    events = _chain(1)
    dict_size = len(encoding.encode_push("b", "station-1", events, encoding.DICT_V1))
    gzip_size = len(encoding.encode_push("b", "station-1", events, encoding.GZIP))
    assert dict_size < gzip_size * 0.85


def test_tampered_content_anywhere_breaks_the_declared_head() -> None:
    events = _chain()
    for n in range(len(events)):
        changed = list(events)
        changed[n] = tampered(events[n], actor="王五")  # old hash kept, but compaction drops it
        body = encoding.encode_push("b", "station-1", changed, encoding.DICT_V1)
        with pytest.raises(ChainBroken) as caught:
            _received(body, encoding.DICT_V1)
        assert "篡改" in caught.value.message


def test_a_forged_head_hash_is_refused() -> None:
    events = _chain()
    events[-1] = replace(events[-1], hash="f" * 64)
    with pytest.raises(ChainBroken):
        _received(encoding.encode_push("b", "station-1", events, encoding.DICT_V1), encoding.DICT_V1)


def test_a_batch_without_its_head_or_first_link_is_refused() -> None:
    items = encoding.compact_events(_chain())
    del items[-1]["hash"]
    headless = PushBatch.model_validate({"batch_id": "b", "station_id": "s", "events": items})
    with pytest.raises(ChainBroken, match="缺少校验值"):
        encoding.expand_chain(e.to_event() for e in headless.events)
    items = encoding.compact_events(_chain())
    del items[0]["prev_hash"]
    unlinked = PushBatch.model_validate({"batch_id": "b", "station_id": "s", "events": items})
    with pytest.raises(ChainBroken, match="前一记录"):
        encoding.expand_chain(e.to_event() for e in unlinked.events)


def test_full_events_keep_their_declared_hashes() -> None:
    """An older client's full batch: a wrong middle hash stays for verify_chain to refuse."""
    events = _chain()
    events[1] = replace(events[1], hash="e" * 64)
    expanded = _received(encoding.encode_push("b", "station-1", events, encoding.GZIP), encoding.GZIP)
    assert expanded[1].hash == "e" * 64


def test_decoding_is_bounded_and_reports_damage_in_chinese() -> None:
    bomb = encoding.encode(b"[" + b" " * 5_000_000 + b"]", encoding.DICT_V1)
    assert len(bomb) < 20_000
    with pytest.raises(encoding.BodyTooLarge):
        encoding.decode(bomb, encoding.DICT_V1, 1_000_000)
    for coding in (encoding.DICT_V1, encoding.GZIP):
        with pytest.raises(encoding.BodyDamaged) as caught:
            encoding.decode(b"not compressed", coding, 1000)
        assert "损坏" in caught.value.message
    whole = encoding.encode(b'{"a": 1}' * 100, encoding.DICT_V1)
    with pytest.raises(encoding.BodyDamaged, match="不完整"):
        encoding.decode(whole[: len(whole) // 2], encoding.DICT_V1, 1000)
    with pytest.raises(encoding.UnsupportedEncoding) as unknown:
        encoding.decode(b"x", "br", 1000)
    assert "不支持" in unknown.value.message
    with pytest.raises(encoding.UnsupportedEncoding):
        encoding.parse_coding("gzip, dbt-zdict-1")
    assert encoding.parse_coding(None) == encoding.IDENTITY
    assert encoding.parse_coding(" GZIP ") == encoding.GZIP


def test_dictionary_coding_is_raw_deflate_with_the_shared_dictionary() -> None:
    """Any zlib (another language, a debugging tool) can read it with the dictionary file."""
    body = encoding.encode_push("b", "station-1", _chain(1), encoding.DICT_V1)
    inflater = zlib.decompressobj(-15, zdict=DICTIONARY.encode("utf-8"))
    assert json.loads(inflater.decompress(body))["batch_id"] == "b"


class _OldCenter(JsonCenter):
    """A center older than protocol 1.1: inflates gzip only and reads anything else as JSON."""

    codings: list[str]

    def do_POST(self) -> None:
        coding = self.headers.get("Content-Encoding", "")
        data = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.endswith("/sync/handshake"):
            self._answer(200, {"accepted": True, "server_version": "0.9", "protocol_version": "1.0"})
            return
        self.codings.append(coding)
        try:
            body = json.loads(gzip.decompress(data) if coding == "gzip" else data)
            events = body["events"]
            assert all("hash" in e and "prev_hash" in e for e in events)
            status, reply = 200, {"batch_id": body["batch_id"], "acked_seq": events[-1]["seq"], "accepted": len(events)}
        except ValueError:
            status, reply = 422, {"code": "invalid_request", "message": "请求内容不是有效的 JSON 数据"}
        self._answer(status, reply)


@pytest.fixture
def old_center() -> Iterator[tuple[str, list[str]]]:
    with serving(_OldCenter) as center:
        yield center


def test_client_falls_back_to_gzip_with_an_older_center_once(old_center: tuple[str, list[str]]) -> None:
    url, codings = old_center
    events = _chain()
    client = SyncClient(url, token="t")
    assert client.push_encoding == encoding.DICT_V2
    assert client.push(events[:3]).acked_seq == 3
    assert codings == [encoding.DICT_V2, encoding.GZIP]
    assert client.push(events[3:]).acked_seq == 6
    assert SyncClient(url, token="t").push(events[3:]).acked_seq == 6  # learned for this center
    assert codings == [encoding.DICT_V2, encoding.GZIP, encoding.GZIP, encoding.GZIP]


def test_a_handshake_with_an_older_center_picks_gzip_before_any_push(old_center: tuple[str, list[str]]) -> None:
    url, codings = old_center
    client = SyncClient(url + "/", token="t")
    assert client.handshake("station-1").push_encodings == []
    assert client.push_encoding == encoding.GZIP
    assert client.push(_chain(1)).acked_seq == 3
    assert codings == [encoding.GZIP]
