"""Which town-center addresses a station may talk to: ``https://``, or plain ``http://`` only when allowed.

The station's token, its enrollment code and the people's personal data travel on this connection, so
an ``http://`` address is refused unless the operator ticked 允许使用不加密的 http 地址 for it (a town
center on the township's own network with no certificate). Loopback addresses (127.0.0.0/8, ::1,
``localhost``) need no allowance: nothing leaves the PC (a center on the same machine, tests).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .errors import InsecureAddress

ALLOW_HTTP_LABEL = "允许使用不加密的 http 地址（仅限镇内局域网）"


def is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_unencrypted(url: str) -> bool:
    """True for an ``http://`` address that leaves this PC (loopback does not)."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() == "http" and not is_loopback(parts.hostname or "")


def check_center_url(url: str, *, allow_http: bool) -> None:
    """Refuse an unencrypted address that the operator did not allow (``InsecureAddress``, in Chinese)."""
    if is_unencrypted(url) and not allow_http:
        raise InsecureAddress(
            "镇中心服务器地址应以 https:// 开头（加密连接）。如镇中心只在镇内局域网提供 http 地址，"
            f"请在“连接镇中心”中勾选“{ALLOW_HTTP_LABEL}”"
        )
