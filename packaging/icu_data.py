"""A smaller ICU data library for the Linux bundle (issue 18): `trimmed_icu_data(library, workdir)`.

PySide6's Qt Core is linked against its own ICU 73, whose data library (libicudata.so.73, 31 MB) holds every
locale, converter, break rule and unit name of CLDR. Qt asks ICU for little (qtbase `QT_CONFIG(icu)`):
collation (QCollator, which Qt's file dialog sorts file names with), converters for non-Unicode encodings
(QStringConverter/QStringDecoder), time-zone display names, locale-aware case mapping (compiled into
libicuuc, no data item). Locale data, number formats and text boundaries are Qt's own, and Gui, Widgets,
Pdf and Multimedia do not link ICU at all. So this keeps the items those calls read for Chinese and for the
root and English fallbacks, and drops the rest (other languages' names, currencies, units, break iterators,
transliterators, spelled-out numbers, IBM and Mac code pages).

The ICU data is one "common data" package (`CmnD`: a header, a table of contents of item names sorted as
bytes, 16-byte-aligned items) exported as the symbol `icudt73_dat`. The package is rebuilt with the kept
items and assembled into a new shared library of the same SONAME with binutils' `as` and `ld` (PyInstaller
needs binutils on Linux anyway). `packaging/check_bundle.py` checks that Qt gives the same answers with the
trimmed library as with the full one.
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

#: Item names (after the `icudt73l/` prefix) to keep; regular expressions matched against the whole name.
KEEP = [
    # locale tree: what resource-bundle fallback reads for zh, en and root, and its shared pools and index
    r"(root|pool|res_index|likelySubtags|supplementalData|metadata|keyTypeData|grammaticalFeatures)\.res",
    r"numberingSystems\.res",  # the localized GMT format of a time zone's short name (GMT+8)
    r"(zh|en)(_[A-Za-z0-9_]+)?\.res",
    # collation (QCollator, QFileSystemModel's sort): the root collation, the Chinese tailorings (pinyin, stroke)
    r"coll/(root|pool|res_index|ucadata)\.(res|icu)",
    r"coll/(zh|en)(_[A-Za-z0-9_]+)?\.res",
    # converters (QStringConverter): the alias table and the Chinese encodings (GB18030; GBK = windows-936 on
    # its base ibm-1386; GB2312 = ibm-1383; Big5 = windows-950 on its base ibm-1373; Big5-HKSCS = ibm-1375; ISO-IR-165);
    # UTF-* and Latin-1 need no data. Japanese, Korean, IBM and Mac code pages go.
    r"cnvalias\.icu",
    r"(gb18030|windows-936-2000|ibm-1386_P100-2001|ibm-1383_P110-1999)\.cnv",
    r"(windows-950-2000|ibm-1373_P100-2002|ibm-950_P110-1999|ibm-1375_P100-2008|ibm-5471_P100-2006|iso-ir-165)\.cnv",
    # time zones (QTimeZone display names)
    r"(zoneinfo64|metaZones|timezoneTypes|windowsZones)\.res",
    r"zone/(root|pool|res_index|tzdbNames)\.res",
    r"zone/(zh|en)(_[A-Za-z0-9_]+)?\.res",
    # normalization and properties ICU loads on demand (small)
    r"(nfkc|nfkc_cf|uts46)\.nrm",
    r"(ulayout|uemoji)\.icu",
]
_KEEP = re.compile("|".join(f"(?:{k})" for k in KEEP))
SYMBOL = re.compile(r"^icudt(\d+)_dat$")


def _exported_data(library: Path) -> tuple[str, bytes]:
    """The data symbol's name and bytes, read from the library through its section table."""
    symbols = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True).stdout
    for line in symbols.splitlines():
        fields = line.split()
        if fields and SYMBOL.match(fields[-1]):
            name, address, size = fields[-1], int(fields[0], 16), int(fields[-2], 16)
            break
    else:
        raise ValueError(f"{library}: no icudt*_dat symbol")
    sections = subprocess.run(["objdump", "-h", str(library)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[0].isdigit():
            section_size, vma, file_offset = int(fields[2], 16), int(fields[3], 16), int(fields[5], 16)
            if vma <= address and address + size <= vma + section_size:
                with library.open("rb") as f:
                    f.seek(file_offset + address - vma)
                    return name, f.read(size)
    raise ValueError(f"{library}: {name} lies in no section")


def _items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, data) items in table-of-contents order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = package[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        name = toc[name_offset : toc.index(b"\0", name_offset)].decode("ascii")
        items.append((name, toc[data_offset:end]))
    return package[:header_size], items


def _package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A common data package of the items (names kept in the original, sorted, order)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    first_data = -(-(toc_size + len(names)) // 16) * 16
    name_offsets, data_offsets = [], []
    offset_name, offset_data = toc_size, first_data
    for name, data in items:
        name_offsets.append(offset_name)
        data_offsets.append(offset_data)
        offset_name += len(name) + 1
        offset_data += -(-len(data) // 16) * 16
    toc = struct.pack("<I", len(items)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True)
    )
    body = bytearray(toc + names)
    body += b"\0" * (first_data - len(body))
    for _, data in items:
        body += data + b"\0" * (-len(data) % 16)
    return header + bytes(body)


def kept(name: str) -> bool:
    """Whether an item (`icudt73l/coll/zh.res`) stays in the trimmed package."""
    return bool(_KEEP.fullmatch(name.split("/", 1)[1]))


def trimmed_icu_data(library: Path, workdir: Path) -> Path:
    """Build `workdir/<library name>`: the same SONAME and data symbol, only the kept items."""
    symbol, package = _exported_data(library)
    header, items = _items(package)
    small = _package(header, [(name, data) for name, data in items if kept(name)])
    workdir.mkdir(parents=True, exist_ok=True)
    dat = workdir / f"{symbol}.bin"
    dat.write_bytes(small)
    source = workdir / f"{symbol}.s"
    source.write_text(
        "\t.section .rodata\n\t.balign 16\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n{symbol}:\n"
        f'\t.incbin "{dat.name}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    obj = workdir / f"{symbol}.o"
    subprocess.run(["as", "-o", str(obj), str(source)], cwd=workdir, check=True)
    out = workdir / library.name
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", str(out), str(obj)], check=True)
    return out
