"""Plain records handed to the UI: no ORM objects ever leave the services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sync.domain.projection import CaseView


@dataclass(frozen=True)
class StationInfo:
    station_id: str
    code: str
    name: str
    village: str
    town: str
    clerk: str
    #: Account name of the logged-in clerk ("" before accounts existed).
    username: str = ""
    #: The station's own address and phone (代办站设置; optional, "" until given).
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class MaterialDraft:
    name: str
    original: bool = True
    copies: int = 1
    required: bool = True
    present: bool = False


@dataclass(frozen=True)
class CaseDraft:
    """What the clerk typed in the new-entrustment form, not yet validated."""

    kind: str
    item_code: str
    applicant_name: str
    id_number: str
    phone: str
    address: str = ""
    special_groups: tuple[str, ...] = ()
    materials: tuple[MaterialDraft, ...] = field(default_factory=tuple)
    #: 代办/帮办: the 委托人's and the 代办员's signatures over ``prepare_registration``'s content.
    signatures: tuple[SignatureInput, ...] = ()


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list; the 身份证 number is masked."""

    case_id: str
    case_no: str
    applicant_name: str
    id_masked: str
    phone_masked: str
    item_name: str
    kind_label: str
    case_type_label: str
    state: str
    state_label: str
    registered_on: date
    due_on: date | None
    due_label: str
    overdue: bool
    sync_label: str
    due_warning: str = ""
    #: The full phone, only in the home lists the clerk calls from (``home.CALL_LISTS``); else "".
    phone: str = ""


@dataclass(frozen=True)
class Changed:
    """What a use case changed, so views refresh from one signal."""

    case_ids: tuple[str, ...] = ()
    sync: bool = False
    message: str = ""


@dataclass(frozen=True)
class ClerkInfo:
    """A local clerk account (never its password hash)."""

    username: str
    display_name: str
    active: bool
    id_masked: str = ""
    phone_masked: str = ""


@dataclass(frozen=True)
class SignatureInput:
    """A signature captured by the UI for one piece of content.

    ``signature_sha256`` is ``Signature.digest()`` (pad) or the scan's hash;
    ``content_sha256`` is the hash the service showed for signing
    (``SignedContent.content_sha256``). ``data`` (``Signature.to_dict()``), if
    given, is kept in the event so the form can be reprinted with the ink.
    ``scan_image`` is the photo of a paper signature (``data`` of method
    ``scan``, whose ``image_sha256`` names it): the save stores it in the blob
    store and names it in the event's ``payload["blobs"]``, so it prints and
    reaches the town center.
    """

    signer: str
    role: str
    signature_sha256: str
    content_sha256: str
    data: Mapping[str, Any] | None = None
    scan_image: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class StepConfirmation:
    """How the villager confirms a 中止 or a 续办: his signature over the step's content (pad, or a photo
    of a paper signature), or ``on_paper``: he signs the printed 中止单/续办委托书 instead."""

    signature: SignatureInput | None = None
    on_paper: bool = False


@dataclass(frozen=True)
class SignedContent:
    """What is about to be signed and its hash, for the signature step."""

    content: Mapping[str, Any]
    content_sha256: str


@dataclass(frozen=True)
class HandoverItemDraft:
    name: str
    original: bool = True
    copies: int = 1
    pages: int = 0


@dataclass(frozen=True)
class HandoverDraft:
    """A handover before signing: holders are villager / clerk / window / department."""

    from_holder: str
    to_holder: str
    items: tuple[HandoverItemDraft, ...]
    note: str = ""


@dataclass(frozen=True)
class HandoverInput:
    draft: HandoverDraft
    signatures: tuple[SignatureInput, ...]


@dataclass(frozen=True)
class CustodyLine:
    """Where one original of a case is now."""

    material: str
    holder: str
    holder_label: str
    settled: bool
    #: What the town window said about this original (镇窗口已确认收件 … / 镇窗口称未收到原件 …).
    window_word: str = ""
    window_problem: bool = False


@dataclass(frozen=True)
class ReceiptLine:
    """One clerk → window handover and the town window's latest word on it (窗口确认收件)."""

    handed_at: str
    items: str
    #: pending / confirmed / discrepancy / unmatched (``sync.domain.window_receipt``)
    status: str
    sentence: str
    problem: bool
    received_by: str = ""
    received_at: str = ""


@dataclass(frozen=True)
class FeedbackDraft:
    """The 服务意见反馈表 before signing; comments keyed attitude / efficiency / one_time_notice."""

    result_confirmed: bool
    rating: int
    comments: Mapping[str, str] = field(default_factory=dict)
    #: 服务效率 / 服务水平 / 服务态度 rated 1-5 (``sync.domain.feedback.DIMENSIONS``); unrated ones left out.
    dimensions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedbackInput:
    draft: FeedbackDraft
    signature: SignatureInput


@dataclass(frozen=True)
class ReturnInput:
    """退回 with the 否定报备 data (applicant, phone and matter come from the case)."""

    reasons: tuple[str, ...]
    legal_basis: str
    leader_opinion: str
    basic_facts: str = ""


@dataclass(frozen=True)
class AttachmentInfo:
    sha256: str
    filename: str
    size: int
    mime: str
    note: str
    added_at: str
    actor: str


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: who did what when, as a Chinese sentence."""

    at: str
    actor: str
    action: str
    sentence: str
    from_center: bool


@dataclass(frozen=True)
class ActionInfo:
    name: str
    label: str


@dataclass(frozen=True)
class CaseFilter:
    """Case list filters; empty fields do not filter. Dates are registration dates, inclusive."""

    text: str = ""
    name: str = ""
    id_number: str = ""
    phone: str = ""
    case_no: str = ""
    item: str = ""
    state: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 500


@dataclass(frozen=True)
class HomeView:
    """The clerk's day: each list most urgent first (overdue: longest overdue first)."""

    due_today: tuple[CaseSummary, ...]
    due_soon: tuple[CaseSummary, ...]
    overdue: tuple[CaseSummary, ...]
    awaiting_materials: tuple[CaseSummary, ...]
    to_hand_back: tuple[CaseSummary, ...]
    bad_ratings_open: tuple[CaseSummary, ...]
    #: 待送件: accepted at the station, not yet delivered to the town center.
    to_deliver: tuple[CaseSummary, ...] = ()
    #: 待归档: finished, not archived yet.
    to_archive: tuple[CaseSummary, ...] = ()
    #: How many cases each list has in all (the lists hold the first ``limit``).
    totals: Mapping[str, int] = field(default_factory=dict)
    #: The town window's count differs from the clerk's handover (窗口收件有差异).
    receipt_problems: tuple[CaseSummary, ...] = ()
    #: 超期未归档: closed longer than the 保存期限 but not archived (an original is still out).
    retention_overdue: tuple[CaseSummary, ...] = ()


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case page shows. ``view.applicant.id_number`` is masked; the full number only
    through ``audit.reveal_id_number`` (which records the read)."""

    summary: CaseSummary
    view: CaseView
    custody: tuple[CustodyLine, ...]
    history: tuple[HistoryEntry, ...]
    attachments: tuple[AttachmentInfo, ...]
    actions: tuple[ActionInfo, ...]
    rating_label: str
    missing: tuple[str, ...]
    #: The clerk → window handovers and what the window said (窗口确认收件).
    receipts: tuple[ReceiptLine, ...] = ()
