"""Outside training from units' sheets: bad rows named by row and column, all rows or none, the
queue of unmatched rows (match, discard), and re-importing the same file changes nothing."""

import io

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.db import db
from courseware.progress.models import CreditEntry, TrainingImport, UnmatchedTraining
from tests.conftest import Auth

HEADER = "工号,姓名,培训类别,开始日期,结束日期,学时,天数,主办单位,证明材料,培训名称\n"
GOOD = (
    HEADER
    + "A001,张三,脱产培训,2026-03-02,2026-03-04,,2.5,省委党校,结业证书 17,中青班\n"
    + "A002,李四,中心组学习,2026-04-10,,2,,市委,会议记录,理论学习\n"
    + "Z999,王五,专题班,2026-05-06,,8,,省委组织部,通知,专题班\n"
)


def admin(app, make_user, locale="en", **fields) -> Auth:
    make_user(Role.ADMIN, username="boss", locale=locale, **fields)
    client = app.test_client()
    assert Auth(client).login("boss").status_code == 302
    return Auth(client)


def upload(auth: Auth, text: str, name: str = "sheet.csv"):
    return auth.post(
        "/admin/credits/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def import_sheet(auth: Auth, text: str) -> int:
    sent = upload(auth, text)
    assert sent.status_code == 302
    import_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert auth.post(f"/admin/credits/import/{import_id}/apply").status_code == 302
    return import_id


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(CreditEntry.id))),
            db.session.scalar(sa.select(sa.func.count(UnmatchedTraining.id))),
        )


@pytest.fixture
def cadres(make_user):
    return {
        "A001": make_user(username="zhang", employee_no="A001", rank_level="township"),
        "A002": make_user(username="li", employee_no="A002"),
        "other": make_user(username="wang"),
    }


def test_a_sheet_credits_matched_rows_and_queues_the_rest(app, make_user, cadres):
    auth = admin(app, make_user)
    sent = upload(auth, GOOD)
    preview = auth.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "To credit: 2; to the queue of unmatched rows: 1" in preview
    assert counts(app) == (0, 0)  # the preview changes nothing
    import_sheet_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert auth.post(f"/admin/credits/import/{import_sheet_id}/apply").status_code == 302
    with app.app_context():
        entries = {
            e.user_id: e
            for e in db.session.scalars(sa.select(CreditEntry).order_by(CreditEntry.id))
        }
        assert entries[cadres["A001"]].hours == 15  # 2.5 days by the day rules
        assert entries[cadres["A001"]].training_kind == "full_time"
        assert entries[cadres["A002"]].training_kind == "group_study"
        queued = db.session.scalar(sa.select(UnmatchedTraining))
        assert (queued.key_value, queued.row, queued.status) == ("Z999", 4, "open")
        batch = db.session.get(TrainingImport, import_sheet_id)
        assert (batch.credited, batch.queued, batch.already, batch.content) == (2, 1, 0, None)
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"training_import.apply", "credit.external"} <= actions


def test_reimporting_the_same_file_changes_nothing(app, make_user, cadres):
    auth = admin(app, make_user)
    import_sheet(auth, GOOD)
    assert counts(app) == (2, 1)
    # The same rows again, in another order and with a blank line: all recognised.
    lines = GOOD.splitlines()
    again = "\n".join([lines[0], lines[3], "", lines[2], lines[1]]) + "\n"
    second = import_sheet(auth, again)
    assert counts(app) == (2, 1)
    with app.app_context():
        batch = db.session.get(TrainingImport, second)
        assert (batch.credited, batch.queued, batch.already) == (0, 0, 3)


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_applied(app, make_user, cadres):
    auth = admin(app, make_user)
    text = (
        GOOD
        + "A001,张三,旅游,2026-03-02,,2,,x,y,z\n"
        + "A002,李四,授课,2026-13-01,,2,,x,y,z\n"
        + "A002,李四,授课,2026-03-01,,2,1,x,y,z\n"
        + ",无名,其他,2026-03-01,,2,,x,y,z\n"
    )
    sent = upload(auth, text)
    page = auth.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "row 5, column C (培训类别)" in page
    assert "row 6, column D (开始日期)" in page and "Dates are written as 2026-12-01." in page
    assert "row 7, column F (学时)" in page and "not both" in page
    assert "row 8, column A (工号)" in page
    import_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert auth.post(f"/admin/credits/import/{import_id}/apply").status_code == 302
    assert counts(app) == (0, 0)
    with app.app_context():
        assert db.session.get(TrainingImport, import_id).status == "preview"


def test_a_missing_column_is_named_in_chinese(app, make_user, cadres):
    auth = admin(app, make_user, locale="zh")
    sent = upload(auth, "姓名,培训类别,开始日期,学时,培训名称\n张三,授课,2026-03-01,2,讲课\n")
    page = auth.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "缺少“工号”列。" in page


def test_the_queue_matches_a_row_to_an_account_or_discards_it(app, make_user, cadres):
    auth = admin(app, make_user)
    text = GOOD + "Z998,赵六,其他,2026-06-01,,1,,x,y,自学\n"
    import_sheet(auth, text)
    with app.app_context():
        rows = {r.key_value: r.id for r in db.session.scalars(sa.select(UnmatchedTraining))}
    page = auth.client.get("/admin/credits/unmatched").get_data(as_text=True)
    assert "Z999" in page and "Z998" in page
    refused = auth.post(
        f"/admin/credits/unmatched/{rows['Z999']}/match", data={"username": "nobody"}
    )
    assert refused.status_code == 400 and 'id="username-' in refused.get_data(as_text=True)
    assert (
        auth.post(
            f"/admin/credits/unmatched/{rows['Z999']}/match", data={"username": "wang"}
        ).status_code
        == 302
    )
    refused = auth.post(f"/admin/credits/unmatched/{rows['Z998']}/discard", data={"reason": " "})
    assert refused.status_code == 400
    assert (
        auth.post(
            f"/admin/credits/unmatched/{rows['Z998']}/discard", data={"reason": "非本单位人员"}
        ).status_code
        == 302
    )
    with app.app_context():
        matched = db.session.get(UnmatchedTraining, rows["Z999"])
        entry = db.session.get(CreditEntry, matched.entry_id)
        assert (matched.status, entry.user_id, entry.hours) == ("matched", cadres["other"], 8)
        discarded = db.session.get(UnmatchedTraining, rows["Z998"])
        assert (discarded.status, discarded.reason) == ("discarded", "非本单位人员")
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"training_import.match", "training_import.discard"} <= actions
    page = auth.client.get("/admin/credits/unmatched").get_data(as_text=True)
    assert "Z999" not in page and "Z998" not in page
    # Neither the matched nor the discarded row comes back when the sheet is imported again.
    before = counts(app)
    import_sheet(auth, text)
    assert counts(app) == before


def test_a_unit_admin_queues_other_units_cadres(app, make_user, make_unit):
    mine = make_unit("省委组织部")
    other = make_unit("省财政厅")
    make_user(username="zhang", employee_no="A001", unit_id=mine)
    make_user(username="li", employee_no="A002", unit_id=other)
    auth = admin(app, make_user, admin_unit_id=mine)
    import_sheet(auth, GOOD)
    assert counts(app) == (1, 2)
    with app.app_context():
        queued = set(db.session.scalars(sa.select(UnmatchedTraining.key_value)))
        assert queued == {"A002", "Z999"}
        row_id = db.session.scalar(
            sa.select(UnmatchedTraining.id).where(UnmatchedTraining.key_value == "A002")
        )
    # Matching it to another unit's cadre is refused as if there were no such account.
    refused = auth.post(f"/admin/credits/unmatched/{row_id}/match", data={"username": "li"})
    assert refused.status_code == 400
    # Another administrator's import is not theirs to see.
    make_user(Role.ADMIN, username="other-admin", admin_unit_id=other)
    client = app.test_client()
    Auth(client).login("other-admin")
    assert client.get("/admin/credits/unmatched").status_code == 200
    assert (
        Auth(client)
        .post(f"/admin/credits/unmatched/{row_id}/discard", data={"reason": "x"})
        .status_code
        == 404
    )


def test_the_key_is_a_setting(app, make_user, cadres):
    app.config["IMPORT_TRAINING_KEY"] = "username"
    try:
        auth = admin(app, make_user)
        import_sheet(auth, "用户名,培训类别,开始日期,学时,培训名称\nZHANG,授课,2026-03-01,2,讲课\n")
    finally:
        app.config["IMPORT_TRAINING_KEY"] = "employee_no"
    with app.app_context():
        entry = db.session.scalar(sa.select(CreditEntry))
        assert (entry.user_id, entry.training_kind) == (cadres["A001"], "teaching")


def test_an_xlsx_sheet_with_dates_and_numbers_as_cells(app, make_user, cadres):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "培训类别", "开始日期", "学时", "培训名称"])
    sheet.append(["A001", "专题班", dt.datetime(2026, 3, 2), 4, "专题研讨"])
    sheet.append(["A002", "授课", "2026/3/5", 2.5, "讲授党课"])
    buffer = io.BytesIO()
    book.save(buffer)
    auth = admin(app, make_user)
    sent = auth.post(
        "/admin/credits/import",
        data={"file": (io.BytesIO(buffer.getvalue()), "sheet.xlsx")},
        content_type="multipart/form-data",
    )
    import_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert auth.post(f"/admin/credits/import/{import_id}/apply").status_code == 302
    with app.app_context():
        hours = {
            e.user_id: (e.hours, e.earned_on, e.training_kind)
            for e in db.session.scalars(sa.select(CreditEntry))
        }
        assert hours == {
            cadres["A001"]: (4, dt.date(2026, 3, 2), "topic_class"),
            cadres["A002"]: (2.5, dt.date(2026, 3, 5), "teaching"),
        }
        assert "training_import.upload" in set(db.session.scalars(sa.select(AuditEvent.action)))
