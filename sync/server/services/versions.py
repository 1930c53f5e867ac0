"""Protocol version negotiation ("major.minor")."""

from __future__ import annotations

from sync.protocol.models import PROTOCOL_VERSION


def _parse(version: str) -> tuple[int, int] | None:
    parts = version.strip().split(".")
    try:
        major = int(parts[0])
        minor = int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None
    return major, minor


def check_protocol(client_version: str, minimum: str) -> str | None:
    """None when the client may talk to us, else the Chinese reason to show the clerk."""
    client = _parse(client_version)
    ours = _parse(PROTOCOL_VERSION)
    least = _parse(minimum) or ours
    if client is None or ours is None or least is None:
        return f"无法识别客户端的通信协议版本“{client_version}”，请升级代办通"
    if client[0] > ours[0]:
        return f"镇中心服务器版本较旧（通信协议 {PROTOCOL_VERSION}），暂不能同步，请联系镇中心升级服务器"
    if client[0] != ours[0] or client < least:
        return (
            f"代办通版本过旧（通信协议 {client_version}，镇中心要求 {minimum} 及以上），"
            "请升级代办通后再同步；未同步的数据仍保存在本机，不会丢失"
        )
    return None
