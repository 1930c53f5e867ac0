"""Hostile USB transfer files, made byte by byte: zips with duplicate or escaping names, zip bombs whose
directory lies about their size, manifests of any shape. Shared by the probe run (``bench.bench_hostile``) and
the tests of the transfer format (``tests/sync/test_transfer_hostile.py``), so that both send the same files.
"""

from __future__ import annotations

import io
import json
import struct
import warnings
import zipfile
from collections.abc import Mapping
from functools import cache

from sync.protocol import transfer

MB = 1024 * 1024
#: When the files say they were made: the stations' day of the bench and test chains (10:00 in Beijing).
MADE_AT = "2026-11-23T10:00:00+08:00"


def zip_of(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``members`` in order; duplicate names are kept (on purpose)."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(out, "w", compression=compression) as archive:
            for name, content in members:
                archive.writestr(name, content)
    return out.getvalue()


def manifest(
    station_id: str, direction: str, sizes: Mapping[str, tuple[int, str]], change: Mapping[str, object] | None = None
) -> bytes:
    """A transfer manifest naming ``sizes`` (path → size, sha256), any key replaced by ``change``."""
    made: dict[str, object] = {
        "format": transfer.FORMAT,
        "version": transfer.VERSION,
        "transfer_id": "hostile",
        "direction": direction,
        "station_id": station_id,
        "created_at": MADE_AT,
        "events": {"count": 0, "first_seq": None, "last_seq": None},
        "parts": [{"path": p, "size": size, "sha256": sha} for p, (size, sha) in sizes.items()],
    }
    made.update(change or {})
    return json.dumps(made, ensure_ascii=False).encode("utf-8")


@cache
def bomb_member(inflated: int) -> bytes:
    """A zip of ``events.jsonl``: ``inflated`` bytes of zeros, deflated (1 GiB is about 1 MB)."""
    out = io.BytesIO()
    zeros = bytes(MB)
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("events.jsonl", "w", force_zip64=False) as member,
    ):
        for _ in range(inflated // MB):
            member.write(zeros)
    return out.getvalue()


def merge_zips(first: bytes, second: bytes) -> bytes:
    """One zip with the members of both, copied raw (the second's compressed stream is not re-made)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        fp = target.fp
        assert fp is not None  # a ZipFile open for writing holds its file
        for data in (first, second):
            source = zipfile.ZipFile(io.BytesIO(data))
            for info in source.infolist():
                raw = data[info.header_offset :]
                name_len, extra_len = struct.unpack("<HH", raw[26:30])
                start = 30 + name_len + extra_len
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.CRC, copy.compress_size, copy.file_size = info.CRC, info.compress_size, info.file_size
                copy.header_offset = fp.tell()
                fp.write(copy.FileHeader(False))
                fp.write(raw[start : start + info.compress_size])
                target.filelist.append(copy)
                target.NameToInfo[copy.filename] = copy
                target.start_dir = fp.tell()
    return out.getvalue()


def patch_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size in the central directory set to ``size``."""
    buf = bytearray(data)
    at = struct.unpack("<I", data[-6:-2])[0]
    while buf[at : at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", buf[at + 28 : at + 34])
        if buf[at + 46 : at + 46 + name_len].decode() == name:
            buf[at + 24 : at + 28] = struct.pack("<I", size)
        at += 46 + name_len + extra_len + comment_len
    return bytes(buf)


def zip_bomb(signed: list[tuple[str, bytes]], inflated: int, *, declared: int | None) -> bytes:
    """The ``signed`` manifest's members (stored) and an ``inflated``-byte events member; ``declared``: the size
    the zip's directory claims instead (a lie, as the manifest should too), None for the honest size."""
    merged = merge_zips(zip_of(signed, zipfile.ZIP_STORED), bomb_member(inflated))
    return merged if declared is None else patch_size(merged, "events.jsonl", declared)
