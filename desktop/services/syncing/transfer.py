"""USB transfer for weeks without a link: export unsent records, import the center's decisions.

The file is signed with the station's credential and, once the center knows keys, with the
station's own signing key (``signing_keys``), and checked part by part (``sync.protocol.transfer``);
the center imports it through the same idempotent path as a push, so carrying a file twice is
harmless. Exporting
does not mark anything as sent: only the center's word (a later online sync)
moves the outbox on. The export is recorded as an ``audit.export`` event (who, when, how many
cases, the file name), which itself travels with the next sync or transfer file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from desktop.store import event_log
from sync.client.transfer import export_unsent, load_file, read_center_transfer
from sync.domain.errors import DomainError

from ..casework.attachments import blob_bytes, blobs_named
from ..casework.records import Changed
from ..context import ServiceContext
from ..safety import credential_store
from ..safety.audit import ExportRecord, append_export, write_atomically
from ..station import require_station
from . import signing_keys, updates
from .center_sync import apply_center_events, center_head
from .sync_state import acked_seq, state_row

log = logging.getLogger(__name__)


def _token(ctx: ServiceContext, station_id: str) -> str:
    """The credential that signs the file (``PasswordNeeded`` while it is kept locked on this PC)."""
    token = credential_store.load_token(ctx, station_id)
    if not token:
        raise DomainError("本站尚未在镇中心登记，无法生成签名的传输文件。请先联网“连接镇中心”一次")
    return token


def export_to_file(ctx: ServiceContext, path: Path) -> Changed:
    """Write every unacknowledged event (and the scans they name) to one signed file.

    The export's own ``audit.export`` record is appended in the same transaction and travels in the
    file, so a USB round trip leaves nothing of it unsent. The file is written before the commit: a
    failed write records nothing, and a failed commit removes the file.
    """
    station = require_station(ctx)
    token = _token(ctx, station.station_id)
    private_key = signing_keys.export_key(ctx)  # made (and stored) on first need: before the export's transaction
    with ctx.db.reading() as session:
        if next(event_log.iter_events(session, acked_seq(session)), None) is None:
            raise DomainError("没有需要导出的记录，所有记录都已同步到镇中心")
    written = False
    try:
        with ctx.db.transaction() as session:
            acked = state_row(session).acked_seq
            unsent = list(event_log.iter_events(session, acked))
            cases = len({str(e.payload["case_id"]) for e in unsent if e.payload.get("case_id")})
            record = ExportRecord("usb_transfer", f"未同步记录{len(unsent)}条", cases)
            append_export(ctx, session, record, path)
            session.flush()
            events = list(event_log.iter_events(session, acked))
            blobs = {sha: blob_bytes(ctx, sha) for sha in blobs_named(events)}
            data = export_unsent(
                station_id=station.station_id,
                token=token,
                events=events,
                blobs=blobs,
                created_at=ctx.clock.stamp(),
                private_key=private_key,
            )
            write_atomically(path, data)
            written = True
    except BaseException:
        if written:
            path.unlink(missing_ok=True)  # an export that cannot be recorded does not happen
        raise
    return Changed(message=f"已导出 {len(events)} 条记录到 {path.name}，请交镇中心导入")


def import_from_file(ctx: ServiceContext, path: Path) -> Changed:
    """Apply the center's decisions from a file it exported for this station, and keep what it says of the keys
    (``signing_keys.note_center_file``: a center that reads keys is answered with signed exports)."""
    station = require_station(ctx)
    try:
        data = load_file(path)
    except OSError as exc:
        raise DomainError(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from None
    after, after_hash = center_head(ctx)
    read = read_center_transfer(
        data,
        station_id=station.station_id,
        token=_token(ctx, station.station_id),
        after=after,
        after_hash=after_hash,
        center_key=signing_keys.import_key(ctx),
    )
    case_ids, applied, conflicts = apply_center_events(ctx, read.events)
    signing_keys.note_center_file(ctx, read)
    message = f"已导入镇中心 {applied} 条记录" if applied else "文件中没有新的记录（可能已经导入过）"
    if conflicts:
        message += f"；其中 {conflicts} 条与本站记录冲突，请人工处理"
    if read.release is not None:  # a station release: verified like one the sync brings (``updates``)
        message += "；" + _take_release(ctx, read.release)
    return Changed(case_ids=tuple(dict.fromkeys(case_ids)), message=message)


def _take_release(ctx: ServiceContext, release: tuple[bytes, bytes]) -> str:
    """What became of the release a return file carried, in Chinese (the records were imported either way)."""
    try:
        signed = json.loads(release[0])
        return updates.take_file(ctx, signed, release[1]) or "文件中的新版本不比本机的新，未保存"
    except ValueError:
        return "文件中的新版本说明无法识别，未保存"
    except DomainError as exc:
        log.warning("station release in a return file refused: %s", exc.message)
        return exc.message
    except OSError as exc:
        return f"文件中的新版本未能保存（{exc.strerror or exc}）"
