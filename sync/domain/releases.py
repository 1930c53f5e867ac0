"""Station releases (updates the town center publishes to its stations): versions, platforms, limits.

A version is ``X.Y.Z`` (three non-negative integers, no leading zeros, no suffix), compared number by
number (``1.10.0`` is newer than ``1.9.3``). The same rules on the center (what it may publish) and the
station (whether what it is offered is newer than itself).
"""

from __future__ import annotations

import re

from .errors import DomainError

#: The packages a release can be: the per-user Windows installer (Inno Setup) and the 信创 Linux ``.deb``.
PLATFORMS = {"windows": "Windows 安装程序", "linux-deb": "Linux 安装包（.deb）"}
#: The largest release file accepted (the station bundle is ~150 MB; room for growth, bounded).
MAX_RELEASE_BYTES = 400 * 1024 * 1024
#: The longest release notes (说明) kept.
MAX_NOTES_CHARS = 2000

_VERSION = re.compile(r"^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$")


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.10.2"`` as ``(1, 10, 2)``; a clear message for anything else."""
    match = _VERSION.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise DomainError(f"版本号“{str(text)[:40]}”格式不正确，应为“主版本.次版本.修订号”，例如 1.3.0")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def version_key(text: str) -> str:
    """A string that sorts as the version does (for an index): ``000001.000010.000002``."""
    return ".".join(f"{part:06d}" for part in parse_version(text))


def is_newer(candidate: str, current: str) -> bool:
    """Whether ``candidate`` is a newer version than ``current``; False when either is not ``X.Y.Z``."""
    try:
        return parse_version(candidate) > parse_version(current)
    except DomainError:
        return False


def check_platform(platform: str) -> str:
    if platform not in PLATFORMS:
        names = "、".join(PLATFORMS)
        raise DomainError(f"平台“{str(platform)[:40]}”不正确，应为 {names} 之一")
    return platform


def check_notes(notes: str) -> str:
    notes = notes.strip()
    if len(notes) > MAX_NOTES_CHARS:
        raise DomainError(f"更新说明过长（最多{MAX_NOTES_CHARS}字）")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in notes):
        raise DomainError("更新说明含有不可见的控制字符，请删去后再发布")
    return notes


def size_text(size: int) -> str:
    return f"{size / 1024**2:.1f}MB"
