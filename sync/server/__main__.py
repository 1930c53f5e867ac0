"""``python -m sync.server [--host H] [--port P]`` serves the town center;
``python -m sync.server enroll-code --station-code CODE --name 名称 [--town N]`` prints a one-time code (for town N of
a county deployment, see ``list-towns``);
``python -m sync.server revoke --station-id ID [--reason 原因]`` stops a station;
``python -m sync.server import-file PATH`` imports a station's USB transfer file (idempotent);
``python -m sync.server export-file --station-id ID [--after N] --out PATH`` writes center events for a station;
``python -m sync.server verify-chains`` re-verifies every stored chain (exit 2 when a row was edited or removed);
``python -m sync.server clean-blobs`` drops scan uploads left unfinished past ``DAIBANTONG_INCOMPLETE_BLOB_HOURS``;
``python -m sync.server publish-release FILE --version X.Y.Z --platform windows|linux-deb [--notes 说明]`` publishes a
station release, signed with the center's key (``services.releases``); ``list-releases`` lists them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode
from sync.protocol.transfer import TransferFormatError, key_fingerprint, public_key_hex, read_file

from . import logs
from .core.config import Settings
from .core.db import make_engine, make_sessionmaker
from .core.migrate import upgrade_head
from .core.models import DEFAULT_TOWN_ID
from .core.signing import center_key, signing_key_path
from .services.audit import verify_all
from .services.blobs import drop_stale_uploads
from .services.enrollment import issue_code, revoke_station
from .services.errors import ServiceError
from .services.releases import list_releases, publish_release
from .services.towns import town_lines
from .services.transfer import export_center_file, import_station_file
from .serving import serve
from .web import staff_cli

log = logging.getLogger("sync.server")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync.server", description="代办通镇中心服务端")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--workers", type=int, default=1, help="服务进程数（多核服务器可设为CPU核数）")
    sub = parser.add_subparsers(dest="command")
    code = sub.add_parser("enroll-code", help="为代办站签发一次性登记码")
    code.add_argument("--station-code", required=True)
    code.add_argument("--name", required=True)
    code.add_argument(
        "--town", type=int, default=DEFAULT_TOWN_ID, help="所属镇的编号（见 list-towns；只有一个镇时不用填）"
    )
    revoke = sub.add_parser("revoke", help="停用代办站")
    revoke.add_argument("--station-id", required=True)
    revoke.add_argument("--reason", default="")
    imp = sub.add_parser("import-file", help="导入代办站的U盘传输文件")
    imp.add_argument("path", type=Path)
    exp = sub.add_parser("export-file", help="为代办站导出镇中心记录（U盘传输）")
    exp.add_argument("--station-id", required=True)
    exp.add_argument("--after", type=int, default=0)
    exp.add_argument("--out", type=Path, required=True)
    exp.add_argument("--with-release", default=None, metavar="PLATFORM", help="同时带上该平台的最新代办站版本")
    sub.add_parser("verify-chains", help="核验所有代办站记录的校验链（发现被修改或删除的记录）")
    sub.add_parser("clean-blobs", help="删除超过期限仍未上传完成的附件（DAIBANTONG_INCOMPLETE_BLOB_HOURS）")
    release = sub.add_parser("publish-release", help="发布代办站新版本（Windows 安装程序或 Linux 安装包）")
    release.add_argument("path", type=Path)
    release.add_argument("--version", required=True, help="版本号，如 1.3.0")
    release.add_argument("--platform", required=True, help="windows 或 linux-deb")
    release.add_argument("--notes", default="", help="更新说明（代办员可见）")
    sub.add_parser("list-releases", help="列出已发布的代办站版本")
    sub.add_parser("list-towns", help="列出本部署的各镇（编号、名称、代办站数、账号数）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["create-staff"]:  # staff accounts: see sync.server.web.staff_cli
        return staff_cli.main(argv[1:])
    if argv[:1] == ["reset-password"]:
        return staff_cli.reset_main(argv[1:])
    args = _parser().parse_args(argv)
    log_config = logs.configure(args.log_level)
    settings = Settings.from_env()
    if args.command is None:
        return serve(settings, args.host, args.port, args.workers, args.log_level, log_config)
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        sessions = make_sessionmaker(engine, settings.clock)
        with sessions() as session, session.begin():
            if args.command == "enroll-code":
                code = issue_code(
                    session, args.station_code, args.name, valid_days=settings.enrollment_code_days, town_id=args.town
                )
                sys.stdout.write(code + "\n")
            elif args.command == "revoke":
                revoke_station(session, args.station_id, args.reason)
                log.info("已停用代办站 %s", args.station_id)
            elif args.command == "import-file":
                result = import_station_file(session, read_file(args.path), settings.blob_limits)
                sys.stdout.write(
                    f"已导入：新增{result.accepted}条，重复{result.duplicates}条，附件{result.blobs}个，"
                    f"已确认至第{result.acked_seq}号\n"
                )
                for note in result.refused:
                    sys.stdout.write(f"拒收第{note.seq}号记录：{note.message}\n")
                if result.pending_fingerprint:
                    sys.stdout.write(
                        f"文件带来该代办站的签名密钥，待主任确认：指纹 {result.pending_fingerprint}\n"
                        "请在“代办站”页与代办员电话核对其“代办站设置”中显示的指纹后确认\n"
                    )
            elif args.command == "verify-chains":
                return _verify_chains(session)
            elif args.command == "publish-release":
                _publish(session, settings, args)
            elif args.command == "list-releases":
                for release in list_releases(session):
                    sys.stdout.write(
                        f"{release.platform}\t{release.version}\t{release.size_text}\t{release.published_at}\t"
                        f"{release.sha256}\n"
                    )
            elif args.command == "list-towns":
                for town in town_lines(session):
                    sys.stdout.write(f"{town.id}\t{town.name}\t代办站{town.stations}个\t账号{town.staff}个\n")
            elif args.command == "clean-blobs":
                dropped = drop_stale_uploads(session, settings.blob_limits)
                sys.stdout.write(f"已删除未完成的附件上传{dropped}个\n")
            else:
                key = center_key(signing_key_path(settings))
                written = export_center_file(
                    session, args.station_id, key, args.after, release_platform=args.with_release
                )
                args.out.write_bytes(written)
                log.info("已导出到 %s", args.out)
                sys.stdout.write(
                    f"镇中心签名密钥指纹 {key_fingerprint(public_key_hex(key))}\n"
                    "（代办站导入后在“代办站设置”中核对此指纹：请电话读给代办员，不要随U盘带去）\n"
                )
    except (ServiceError, TransferFormatError) as exc:
        log.error("%s", exc.message)
        return 1
    except OSError as exc:
        log.error("无法读写文件：%s", exc)
        return 1
    finally:
        engine.dispose()
    return 0


def _publish(session: Session, settings: Settings, args: argparse.Namespace) -> None:
    if not args.path.is_file():
        raise ServiceError(ErrorCode.NOT_FOUND, f"找不到安装文件 {args.path}")
    key = center_key(signing_key_path(settings))
    release = publish_release(session, key, args.path, args.version, args.platform, args.notes)
    sys.stdout.write(
        f"已发布{release.platform_name} {release.version}（{release.size_text}，SHA-256 {release.sha256}），"
        "代办站下次同步时会收到\n"
    )


def _verify_chains(session: Session) -> int:
    reports = verify_all(session)
    for report in reports:
        status = "正常" if report.ok else "；".join(report.problems)
        sys.stdout.write(f"{report.station_code}\t{report.events}条\t镇中心{report.center_events}条\t{status}\n")
    return 0 if all(r.ok for r in reports) else 2


if __name__ == "__main__":
    sys.exit(main())
