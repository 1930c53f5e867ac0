from __future__ import annotations

from pathlib import Path

from desktop.store.db import Database, current_revision, head_revision, migrate


def test_upgrade_from_0001_fills_the_search_column(tmp_path: Path) -> None:
    db = Database(tmp_path)
    migrate(db.engine, "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO cases (case_id, case_no, kind, case_type, state, applicant_name, id_number, phone, "
            "item_name, registered_at, due_on, last_seq, data) VALUES ('c1', 'CS01-20261123-0001', 'agency', "
            "'promised', 'accepted', '王秀英', '11010519491231002X', '13800138000', '低保申请', "
            "'2026-11-23T01:00:00', NULL, 2, '{}')"
        )
    migrate(db.engine, "0004")
    with db.engine.connect() as conn:
        text = conn.exec_driver_sql("SELECT search_text FROM cases").scalar()
    assert text.split("\x1f") == ["王秀英", "CS01-20261123-0001", "13800138000", "11010519491231002X", "低保申请"]
    db.migrate()  # 0005: the numbers leave the search column (masked there, sealed elsewhere)
    assert current_revision(db.engine) == head_revision() == "0007"
    with db.engine.connect() as conn:
        text = conn.exec_driver_sql("SELECT search_text FROM cases").scalar()
    assert text.split("\x1f") == ["王秀英", "CS01-20261123-0001", "138****8000", "110105********002X", "低保申请"]
    db.close()
