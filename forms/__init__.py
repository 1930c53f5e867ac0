"""The printed forms: plain data in (``forms.data``), PDF bytes out; ReportLab only, no Qt, no DB.

One module per form, each with ``render(record) -> bytes``:

=====================  ==================================  =========================
module                 form                                record
=====================  ==================================  =========================
``entrustment``        《代办服务委托书》                    ``Entrustment``
``intake``             《帮办代办受理单》                    ``IntakeSlip``
``handover``           材料交接单 / 材料签收单 (4 directions)  ``Handover``
``one_time_notice``    《一次性告知书》 / 《补正材料通知书》    ``OneTimeNotice``
``acceptance``         《承诺件受理通知》（受理回执）          ``AcceptanceNotice``
``extension``          《延期办理告知书》 (two copies)         ``ExtensionNotice``
``return_notice``      《退回件通知书》                      ``ReturnNotice``
``refusal_record``     《否定报备登记表》                    ``RefusalRecord``
``suspension``         《代办服务中止单》                    ``SuspensionNotice``
``resumption``         《续办委托书》                        ``ResumptionEntrustment``
``closure``            《代办服务办结（终止）单》              ``Closure`` (``ClosureOutcome``)
``withdrawal``         《撤回确认书》                        ``WithdrawalConfirmation``
``feedback``           《服务意见反馈表》                    ``Feedback``
``rating_followup``    《差评回访整改反馈单》                  ``RatingFollowUp``
``ledger``             代办台账 (+ ``to_xlsx``)              ``Ledger``
``archive_list``       档案移交清单 (+ ``to_xlsx``)          ``ArchiveList``
``archive_register``   《档案查阅（复制）登记表》 (landscape)     ``ArchiveConsultRegister``
``review``             考核统计表 (town center, with chart)   ``ReviewReport``
``visit_receipt``      收件回执 / 退件清单 (town center)       ``VisitReceipt``
=====================  ==================================  =========================

``layout`` (tables, header, signature blocks), ``text`` (styles, wrapping, dates), ``page`` (A4,
margins, footer, build) and ``widgets`` (QR, signature lines, check boxes) hold what the forms
share; ``fonts`` registers the embedded CJK
fonts from ``resources/fonts``; ``demo`` and ``demo_steps`` have fixed demo records (``python -m forms demo OUTDIR``).
Rendering is thread-safe (builds are serialised) and deterministic: same record, same bytes.
Input that cannot be printed (a damaged signature image) raises ``forms.errors.FormDataError``
whose ``message`` is Chinese text for the clerk.
"""
