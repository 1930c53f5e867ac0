"""Smoke test of an installed app: ``python -m desktop.selftest OUTDIR`` or ``daibantong --self-test OUTDIR``.

Qt-free: creates a temporary station, registers a case through the
services, prints its 委托书 to ``OUTDIR/selftest.pdf``, makes a backup and
verifies it. Exit code 0 when everything worked. The bundle's CI smoke test
runs it from the built executable.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import keyring
from keyring.backends import fail

from desktop.services import accounts
from desktop.services.casework.cases import prepare_registration, register_case
from desktop.services.casework.records import CaseDraft, MaterialDraft, SignatureInput
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import entrustment_pdf
from desktop.services.safety import backup
from desktop.services.station import setup_station
from sync.domain.model import CaseType
from sync.domain.signature import APPLICANT, CLERK, Signature

log = logging.getLogger(__name__)

PDF_NAME = "selftest.pdf"
SELFTEST_PASSWORD = "selftest-only-1"


def _draft(ctx: ServiceContext) -> CaseDraft:
    item = next(i for i in ctx.catalog.items if i.case_type is CaseType.PROMISED and i.promised_days > 0)
    materials = tuple(
        MaterialDraft(name=m.name, original=m.original, copies=m.copies, required=m.required, present=True)
        for m in item.materials
    )
    draft = CaseDraft(
        kind="agency",
        item_code=item.code,
        # 𠮷 (Ext B) and 堃 (GBK) come from HanaMinA, 𫝀 (Ext D) from HanaMinB: both must be in the bundle
        applicant_name="王\U00020bb7堃",
        id_number="11010519491231002X",
        phone="13800138000",
        address="\U0002b740岭村三组12号",
        materials=materials,
    )
    return _signed(ctx, draft)


def _signed(ctx: ServiceContext, draft: CaseDraft) -> CaseDraft:
    """The 委托书 signed by the villager and the clerk with a zigzag of pad ink (printed on the PDF)."""
    content = prepare_registration(ctx, draft).content_sha256
    stroke = [(40.0 + 25 * i, 60.0 + 70 * (i % 2), 30.0 * i) for i in range(12)]
    sigs = []
    for signer, role in ((draft.applicant_name, APPLICANT), ("自检员", CLERK)):
        ink = Signature.from_pad(signer, role, [stroke], captured_at=ctx.clock.stamp())
        sigs.append(SignatureInput(signer, role, ink.digest(), content, ink.to_dict()))
    return replace(draft, signatures=tuple(sigs))


def run(outdir: Path) -> int:
    """Run the self-test; write ``outdir/selftest.pdf``; return the exit code."""
    outdir.mkdir(parents=True, exist_ok=True)
    # The throw-away station leaves nothing in the PC's keyring: its data key is unlocked by its clerk's
    # password, as on a PC without a keyring.
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # keyring's backends have no annotations
    try:
        return _run(outdir)
    finally:
        keyring.set_keyring(previous)


def _run(outdir: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="daibantong-selftest-") as tmp:
        ctx = ServiceContext.open(Path(tmp) / "data")
        try:
            setup_station(
                ctx,
                code="ST01",
                name="自检代办站",
                village="自检村",
                town="自检镇",
                clerk="自检员",
                username="selftest",
                password=SELFTEST_PASSWORD,
            )
            accounts.login(ctx, "selftest", SELFTEST_PASSWORD)
            changed = register_case(ctx, _draft(ctx))
            pdf = entrustment_pdf(ctx, changed.case_ids[0])
            if not pdf.startswith(b"%PDF"):
                log.error("self-test: the 委托书 is not a PDF")
                return 1
            if b"+HanaMinA" not in pdf or b"+HanaMinB" not in pdf:
                log.error("self-test: 𠮷 堃 𫝀 were not drawn from the covering fonts (resources/fonts/HanaMin*.ttf)")
                return 1
            (outdir / PDF_NAME).write_bytes(pdf)
            made = backup.backup_now(ctx)
            verified = backup.verify(made.path)
            if verified.events < 2:
                log.error("self-test: the backup holds %d events", verified.events)
                return 1
        finally:
            ctx.close()
    log.info("self-test passed: %s", outdir / PDF_NAME)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("用法：python -m desktop.selftest 输出文件夹\n")
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return run(Path(args[0]))


if __name__ == "__main__":
    raise SystemExit(main())
