"""Push bodies on the wire: content codings and chain-head compaction, in one place.

Codings (HTTP ``Content-Encoding`` of ``POST /sync/push``):

* ``dbt-zdict-2`` (``DICT_V2``): raw deflate (RFC 1951, level 9) primed with the
  preset dictionary ``push_dictionary_v2.DICTIONARY``; the body is a compact batch
  with compact signature references (both below). What a current client sends.
* ``dbt-zdict-1`` (``DICT_V1``): the same with ``push_dictionary_v1.DICTIONARY``
  (the JSON skeleton of a synthetic typical case: keys, event types, usual Chinese
  terms) and chain-head compaction only. Sent to a center that offers no v2.
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

Compact signature references (``dbt-zdict-2``): a signed event (``case.registered``
with its 委托书, ``case.handover``, ``case.give_feedback``) moves its references out
of the payload into the event's ``signed`` list. A reference whose ink is in the
payload's ``signature_data`` carries that ink (``ink``, without the signer and role
it repeats) instead of ``signature_sha256`` (the ink's ``content_hash``), and one
whose ``content_sha256`` is the hash of what the payload says was signed leaves it
out. ``PushEvent.to_event`` restores the payload with ``restore_signed`` before
anything is hashed, so a wrong restoration is a broken chain head (422
``chain_broken``). The encoder uses the compact form of an event only when
restoring it gives back exactly the original event; otherwise the event goes as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from sync.domain.custody import HandoverItem, handover_content
from sync.domain.entrustment import registration_content
from sync.domain.errors import ChainBroken, ValidationError
from sync.domain.events import Event, canonical_json
from sync.domain.feedback import clean_comments, clean_dimensions, feedback_content, validate_rating
from sync.domain.signing import content_hash

from .push_dictionary_v1 import DICTIONARY as _DICTIONARY_V1
from .push_dictionary_v2 import DICTIONARY as _DICTIONARY_V2

GZIP = "gzip"
IDENTITY = "identity"
DICT_V1 = "dbt-zdict-1"
DICT_V2 = "dbt-zdict-2"

#: What a center accepts, best first (``HandshakeReply.push_encodings``, ``Accept-Encoding`` of a 415).
PUSH_ENCODINGS: tuple[str, ...] = (DICT_V2, DICT_V1, GZIP)
#: Codings whose bodies are compact batches.
COMPACT_ENCODINGS = frozenset({DICT_V1, DICT_V2})
#: Compact codings whose batches also compact signature references (``signed``, below).
SIGNED_ENCODINGS = frozenset({DICT_V2})

#: SHA-256 of each shipped dictionary: an edited file must not silently change a coding.
DICTIONARY_SHA256 = {
    DICT_V1: "624f07b7ce4ca607472327f912fb528b41d1fb79e55d8e9b29149316b0dfa3c7",
    DICT_V2: "023c2eb74ab943e7abbf8516ea6e95e58f3680dc36a571c206a1dae2f213178b",
}
_DICTIONARIES = {DICT_V1: _DICTIONARY_V1.encode("utf-8"), DICT_V2: _DICTIONARY_V2.encode("utf-8")}


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
    if coding in _DICTIONARIES:
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
    if coding in _DICTIONARIES:
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


def compact_events(events: Sequence[Event], *, signed: bool = False) -> list[dict[str, Any]]:
    """The events as a compact batch: ``prev_hash`` only on the first, ``hash`` only on the last;
    with ``signed``, signature references compacted too (``compact_signed``) where that round-trips."""
    out = []
    last = len(events) - 1
    for n, event in enumerate(events):
        data = event.to_dict()
        if signed:
            data = compact_signed(data)
        if n > 0:
            del data["prev_hash"]
        if n < last:
            del data["hash"]
        out.append(data)
    return out


def push_body(batch_id: str, station_id: str, events: Sequence[Event], *, compact: bool, signed: bool = False) -> bytes:
    items = compact_events(events, signed=signed) if compact else [e.to_dict() for e in events]
    body = {"batch_id": batch_id, "station_id": station_id, "events": items}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_push(batch_id: str, station_id: str, events: Sequence[Event], coding: str = PUSH_ENCODINGS[0]) -> bytes:
    """The bytes the client sends for one batch with ``coding`` (compact when the coding says so)."""
    body = push_body(
        batch_id, station_id, events, compact=coding in COMPACT_ENCODINGS, signed=coding in SIGNED_ENCODINGS
    )
    return encode(body, coding)


# --- compact signature references (dbt-zdict-2) -----------------------------------------------------------------


def _handover_signed(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What a handover's signatures sign (``custody.parse_handover``); ValidationError when unreadable."""
    items = payload.get("items")
    if not isinstance(items, list):
        raise ValidationError("items", "")
    parsed = [HandoverItem.from_dict(i) for i in items]
    return handover_content(
        str(payload.get("case_id", "")),
        str(payload.get("from", "")),
        str(payload.get("to", "")),
        parsed,
        str(payload.get("note", "")),
    )


def _feedback_signed(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What the feedback form's signature signs (``feedback.parse_feedback``)."""
    confirmed = payload.get("result_confirmed")
    if not isinstance(confirmed, bool):
        raise ValidationError("result_confirmed", "")
    comments = payload.get("comments") or {}
    if not isinstance(comments, Mapping):
        raise ValidationError("comments", "")
    rating = validate_rating(payload.get("rating"))
    dimensions = clean_dimensions(payload.get("dimensions"))
    return feedback_content(str(payload.get("case_id", "")), confirmed, rating, clean_comments(comments), dimensions)


#: Event types whose signature references can be compacted: the payload key of the references (a list,
#: or one reference for the feedback form) and the content they sign, computed from the payload as the
#: fold does (``entrustment.check_registration``, ``custody.parse_handover``, ``feedback.parse_feedback``).
_SIGNED_EVENTS: dict[str, tuple[str, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
    "case.registered": ("signatures", registration_content),
    "case.handover": ("signatures", _handover_signed),
    "case.give_feedback": ("signature", _feedback_signed),
}
_REF_KEYS = frozenset({"signer", "role", "signature_sha256", "content_sha256"})
#: Fields of the ink that repeat its reference's (left out when equal).
_INK_SHARED = ("signer", "role")


def _signed_content_sha256(kind: str, payload: Mapping[str, Any]) -> str | None:
    """The hash of what the event's signatures sign, or None when the payload does not give it."""
    try:
        return content_hash(_SIGNED_EVENTS[kind][1](payload))
    except (ValidationError, KeyError, TypeError, ValueError, AttributeError):
        return None


def _pack_signed(kind: str, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """``payload`` without its references and the references compacted, or None (nothing to compact)."""
    key = _SIGNED_EVENTS[kind][0]
    raw = payload.get(key)
    refs = raw if isinstance(raw, list) and key == "signatures" else [raw] if key == "signature" else None
    if not refs or any(not isinstance(r, Mapping) or not set(r) <= _REF_KEYS for r in refs):
        return None
    content_sha256 = _signed_content_sha256(kind, payload)
    stored = payload.get("signature_data")
    inks = dict(stored) if isinstance(stored, Mapping) else {}
    moved = False
    entries = []
    for ref in refs:
        entry: dict[str, Any] = dict(cast(Mapping[str, Any], ref))  # checked above
        if content_sha256 is not None and entry.get("content_sha256") == content_sha256:
            del entry["content_sha256"]
        digest = entry.get("signature_sha256")
        ink = inks.get(digest) if isinstance(digest, str) else None
        if isinstance(ink, Mapping) and content_hash(ink) == digest:
            del inks[digest], entry["signature_sha256"]
            entry["ink"] = {k: v for k, v in ink.items() if not (k in _INK_SHARED and entry.get(k) == v)}
            moved = True
        entries.append(entry)
    rest = {k: v for k, v in payload.items() if k != key}
    if moved:
        if inks:
            rest["signature_data"] = inks
        else:
            del rest["signature_data"]
    return rest, entries


def restore_signed(kind: str, payload: Mapping[str, Any], signed: Sequence[Any], seq: int = 0) -> dict[str, Any]:
    """The original payload of an event whose references came compacted (``signed``); ChainBroken when
    they cannot be restored. What comes back is hashed as sent: any difference breaks the chain head."""
    broken = ChainBroken(f"第{seq}号记录的签名记录无法还原，请重新上传")
    spec = _SIGNED_EVENTS.get(kind)
    if spec is None or spec[0] in payload or not signed or (spec[0] == "signature" and len(signed) != 1):
        raise broken
    key = spec[0]
    inks: dict[str, Any] = {}
    refs: list[dict[str, Any]] = []
    content_sha256: str | None = None
    for entry in signed:
        if not isinstance(entry, Mapping) or not set(entry) <= _REF_KEYS | {"ink"}:
            raise broken
        ref = {k: v for k, v in entry.items() if k != "ink"}
        if "ink" in entry:
            ink = entry["ink"]
            if "signature_sha256" in entry or not isinstance(ink, Mapping):
                raise broken
            ink = {k: ref[k] for k in _INK_SHARED if k in ref and k not in ink} | dict(ink)
            ref["signature_sha256"] = digest = content_hash(ink)
            if digest in inks:
                raise broken
            inks[digest] = ink
        if "content_sha256" not in ref:
            content_sha256 = content_sha256 or _signed_content_sha256(kind, payload)
            if content_sha256 is None:
                raise broken
            ref["content_sha256"] = content_sha256
        refs.append(ref)
    out = dict(payload)
    if inks:
        kept = payload.get("signature_data", {})
        if not isinstance(kept, Mapping) or set(kept) & set(inks):
            raise broken
        out["signature_data"] = {**kept, **inks}
    out[key] = refs if key == "signatures" else refs[0]
    return out


def compact_signed(data: dict[str, Any]) -> dict[str, Any]:
    """An event's dict with its signature references compacted: a reference whose ink is in the payload
    carries that ink (``ink``, without the signer and role it repeats) instead of ``signature_sha256`` and
    the ``signature_data`` entry; one whose ``content_sha256`` is the hash of the content the payload
    gives leaves it out. The references move to the event's ``signed`` list (one for a feedback form).

    Safe by construction: the result is used only when ``restore_signed`` of it, after a JSON round
    trip, gives back exactly the original event (same canonical JSON); otherwise (unknown event type,
    unusual payload, older format) the event goes as it is.
    """
    kind = data.get("type")
    payload = data.get("payload")
    if kind not in _SIGNED_EVENTS or not isinstance(payload, Mapping):
        return data
    packed = _pack_signed(str(kind), payload)
    if packed is None:
        return data
    candidate = data | {"payload": packed[0], "signed": packed[1]}
    try:
        wire = json.loads(json.dumps(candidate, ensure_ascii=False))
        signed = wire.pop("signed")
        wire["payload"] = restore_signed(wire["type"], wire["payload"], signed)
        same = canonical_json(wire) == canonical_json(data)
    except (ChainBroken, TypeError, ValueError):
        return data
    return candidate if same else data


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
