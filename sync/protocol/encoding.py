"""Push bodies on the wire: content codings and chain-head compaction, in one place.

Codings (HTTP ``Content-Encoding`` of ``POST /sync/push``):

* ``dbt-zdict-1`` (``DICT_V1``): raw deflate (RFC 1951, level 9) primed with the
  preset dictionary ``push_dictionary_v1.DICTIONARY`` (the JSON skeleton of a
  synthetic typical case: keys, event types, usual Chinese terms). The body is a
  *compact* batch (below). What a current client sends.
* ``gzip``: what older clients send, full events; still accepted.
* none (``identity``): plain JSON, for tools and tests.

The center states what it accepts in ``HandshakeReply.push_encodings`` and, when
refusing a coding, answers 415 ``unsupported_encoding`` with an
``Accept-Encoding`` header (RFC 7694); the client then falls back to ``gzip``.

Chain-head compaction: in a compact batch an event's ``hash`` is left out except
on the batch's last event (the chain head), and ``prev_hash`` except on the
first: both follow from the content (``Event.compute_hash``) and from the event
before. The receiver rebuilds them with ``expand_chain`` and refuses the batch
(``ChainBroken``) when the recomputed head differs from the declared one, so a
change to any event of the batch is caught as before. The center stores full
events. Events that do carry their hashes (older clients) are checked as they
come. USB transfer files keep full events (their own zip, signed manifest and
checksums; a few hundred bytes do not matter on a USB stick).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sync.domain.errors import ChainBroken
from sync.domain.events import Event

from .push_dictionary_v1 import DICTIONARY as _DICTIONARY_V1

GZIP = "gzip"
IDENTITY = "identity"
DICT_V1 = "dbt-zdict-1"

#: What a center accepts, best first (``HandshakeReply.push_encodings``, ``Accept-Encoding`` of a 415).
PUSH_ENCODINGS: tuple[str, ...] = (DICT_V1, GZIP)
#: Codings whose bodies are compact batches.
COMPACT_ENCODINGS = frozenset({DICT_V1})

#: SHA-256 of each shipped dictionary: an edited file must not silently change a coding.
DICTIONARY_SHA256 = {DICT_V1: "624f07b7ce4ca607472327f912fb528b41d1fb79e55d8e9b29149316b0dfa3c7"}
_DICTIONARIES = {DICT_V1: _DICTIONARY_V1.encode("utf-8")}


class BodyError(Exception):
    """A body that cannot be decoded; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedEncoding(BodyError):
    pass


class BodyDamaged(BodyError):
    pass


class BodyTooLarge(BodyError):
    pass


def dictionary(coding: str) -> bytes:
    data = _DICTIONARIES[coding]
    if hashlib.sha256(data).hexdigest() != DICTIONARY_SHA256[coding]:  # pragma: no cover - a packaging error
        raise RuntimeError(f"preset dictionary of {coding} does not match its checksum")
    return data


def parse_coding(header: str | None) -> str:
    """The one coding named by a ``Content-Encoding`` header (``identity`` when absent)."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    if not codings:
        return IDENTITY
    if len(codings) > 1:
        raise UnsupportedEncoding("上传的数据使用了多重压缩，镇中心无法识别")
    return codings[0]


def encode(data: bytes, coding: str) -> bytes:
    if coding == DICT_V1:
        deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, dictionary(coding))
        return deflater.compress(data) + deflater.flush()
    if coding == GZIP:
        return gzip.compress(data, 6)
    if coding == IDENTITY:
        return data
    raise UnsupportedEncoding(f"不支持的数据压缩方式“{coding}”")


def decode(data: bytes, coding: str, limit: int) -> bytes:
    """Inflate at most ``limit`` bytes (a small bomb cannot blow up); BodyError for anything wrong."""
    if coding == IDENTITY:
        return data
    if coding == DICT_V1:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS, dictionary(coding))
    elif coding in (GZIP, "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    else:
        raise UnsupportedEncoding(
            f"镇中心不支持本机使用的数据压缩方式（{coding[:40]}），请升级代办通或联系镇中心升级服务器"
        )
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BodyDamaged("上传的数据已损坏（无法解压），请重新上传") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise BodyTooLarge("上传的数据过大，请分批上传")
    if not inflater.eof:
        raise BodyDamaged("上传的数据不完整（无法解压），请重新上传")
    return out


# --- compact batches --------------------------------------------------------------------------------------------


def compact_events(events: Sequence[Event]) -> list[dict[str, Any]]:
    """The events as a compact batch: ``prev_hash`` only on the first, ``hash`` only on the last."""
    out = []
    last = len(events) - 1
    for n, event in enumerate(events):
        data = event.to_dict()
        if n > 0:
            del data["prev_hash"]
        if n < last:
            del data["hash"]
        out.append(data)
    return out


def push_body(batch_id: str, station_id: str, events: Sequence[Event], *, compact: bool) -> bytes:
    items = compact_events(events) if compact else [e.to_dict() for e in events]
    body = {"batch_id": batch_id, "station_id": station_id, "events": items}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_push(batch_id: str, station_id: str, events: Sequence[Event], coding: str = DICT_V1) -> bytes:
    """The bytes the client sends for one batch with ``coding`` (compact when the coding says so)."""
    return encode(push_body(batch_id, station_id, events, compact=coding in COMPACT_ENCODINGS), coding)


def expand_chain(events: Iterable[Event]) -> list[Event]:
    """Full events from a (possibly) compact batch, in wire order.

    An event read from a compact batch has ``prev_hash``/``hash`` empty where they
    were left out. A missing ``prev_hash`` is the recomputed hash of the event
    before; a missing ``hash`` is recomputed from the content. The last event must
    declare its hash, and the recomputed one must equal it: ChainBroken otherwise.
    Declared hashes of other events (full batches) are kept, for ``verify_chain``.
    """
    out: list[Event] = []
    previous: str | None = None
    declared = ""
    for event in events:
        declared = event.hash
        if not event.prev_hash:
            if previous is None:
                raise ChainBroken("本批第一条记录缺少前一记录的校验值")
            event = replace(event, prev_hash=previous)
        previous = event.compute_hash()
        out.append(event if event.hash else replace(event, hash=previous))
    if out:
        if not declared:
            raise ChainBroken("本批最后一条记录缺少校验值")
        if declared != previous:
            raise ChainBroken(f"第{out[-1].seq}号记录的校验值与本批记录的内容不符，记录可能被篡改")
    return out
