"""Protocol version negotiation ("major.minor", parsed strictly)."""

from __future__ import annotations

import re

from sync.protocol.models import PROTOCOL_VERSION, PROTOCOL_VERSION_PATTERN

_VERSION = re.compile(PROTOCOL_VERSION_PATTERN)


def parse_version(version: str) -> tuple[int, int] | None:
    """``(major, minor)`` of ``MAJOR.MINOR`` in ASCII digits; None for anything else.

    Strict on purpose: ``1.1.1.1.1``, ``1``, `` 1.1``, ``1.1\\n``, ``１.１`` and ``1_0.1`` are not versions
    (``int()`` would have taken several of them).
    """
    if not _VERSION.fullmatch(version):
        return None
    major, minor = version.split(".")
    return int(major), int(minor)


def check_protocol(client_version: str, minimum: str) -> str | None:
    """None when the client may talk to us, else the Chinese reason to show the clerk."""
    client = parse_version(client_version)
    ours = parse_version(PROTOCOL_VERSION)
    least = parse_version(minimum) or ours
    if client is None or ours is None or least is None:
        return f"无法识别客户端的通信协议版本“{client_version[:20]}”，请升级代办通"
    if client[0] > ours[0]:
        return f"镇中心服务器版本较旧（通信协议 {PROTOCOL_VERSION}），暂不能同步，请联系镇中心升级服务器"
    if client[0] != ours[0] or client < least:
        return (
            f"代办通版本过旧（通信协议 {client_version}，镇中心要求 {minimum} 及以上），"
            "请升级代办通后再同步；未同步的数据仍保存在本机，不会丢失"
        )
    return None
