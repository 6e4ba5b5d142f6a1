"""Roster import: encodings, row-level problems, all-or-nothing commits, idempotence, refusals."""

import codecs
import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook, Workbook

from courseware.accounts import roster
from courseware.accounts.models import AuditEvent, Role, RosterUpload, User
from courseware.db import db
from tests.conftest import Auth

HEADER = ["姓名", "用户名", "单位", "职务", "职级", "手机"]
ROWS = [
    ["张𠮷", "zj001", "省委组织部", "科长", "乡科级", "13800138000"],
    ["王䶮", "zj002", "浙江省/省委组织部/干部教育处", "副处长", "县处级", "+86 139-0013-9000"],
    ["=1+2", "zj003", "", "科员", "", ""],
]


def csv_bytes(rows, encoding="utf-8", bom=False, header=HEADER):
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def units(make_unit):
    make_unit("浙江省", "省委组织部", "干部教育处")


def plan(app, filename, content):
    with app.test_request_context():
        return roster.plan_import(roster.read_table(filename, content))


def run_import(app, filename, content):
    with app.test_request_context():
        p = roster.plan_import(roster.read_table(filename, content))
        assert p.ok, [(x.place(), x.message) for x in p.problems]
        result = roster.apply_plan(p, filename)
        db.session.commit()
        return len(result.created), len(result.updated), len(p.unchanged)


def users_by_name(app):
    with app.app_context():
        return {u.username: u for u in db.session.scalars(sa.select(User))}


@pytest.mark.parametrize(
    "filename, content",
    [
        ("roster.csv", csv_bytes(ROWS)),
        ("roster.csv", csv_bytes(ROWS, bom=True)),
        ("roster.csv", csv_bytes(ROWS, encoding="gb18030")),
        ("roster.xlsx", xlsx_bytes(ROWS)),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "xlsx"],
)
def test_import_in_every_encoding(app, units, filename, content):
    assert run_import(app, filename, content) == (3, 0, 0)
    users = users_by_name(app)
    assert users["zj001"].name == "张𠮷"
    assert users["zj002"].name == "王䶮"
    assert users["zj002"].phone == "13900139000"
    assert users["zj002"].rank_level == "county"
    assert users["zj001"].must_change_password
    # A formula-looking cell is kept as the text it is, never evaluated.
    assert users["zj003"].name == "=1+2"


def test_phone_typed_as_a_number_in_excel(app, units):
    content = xlsx_bytes([["李四", 10086, "省委组织部", "科员", "", 13800138000]])
    run_import(app, "r.xlsx", content)
    assert users_by_name(app)["10086"].phone == "13800138000"


BAD_ROWS = [
    (["", "a1", "", "", "", ""], "第 2 行，A (姓名) 列", "此单元格为空"),
    (["甲", "", "", "", "", ""], "第 2 行，B (用户名) 列", "此单元格为空"),
    (["甲", "a1", "财政部", "", "", ""], "第 2 行，C (单位) 列", "没有名为“财政部”的单位"),
    (["甲", "a1", "", "", "", "1380013800"], "第 2 行，F (手机) 列", "不是 11 位手机号码"),
    (["甲" * 65, "a1", "", "", "", ""], "第 2 行，A (姓名) 列", "过长：65 个字符，最多 64 个"),
    (["甲", "a1", "", "", "正部级", ""], "第 2 行，E (职级) 列", "正部级"),
]


@pytest.mark.parametrize("row, place, message", BAD_ROWS)
def test_each_bad_row_is_named_by_row_and_column(app, units, row, place, message):
    p = plan(app, "r.csv", csv_bytes([row]))
    assert not p.ok
    with app.test_request_context():
        found = [(x.place(), x.message) for x in p.problems]
    assert any(pl == place and message in msg for pl, msg in found), found


def test_duplicate_username_inside_the_file(app, units):
    rows = [
        ["甲", "a1", "", "", "", ""],
        ["乙", "b2", "", "", "", ""],
        ["丙", "A1", "", "", "", ""],
    ]
    p = plan(app, "r.csv", csv_bytes(rows))
    with app.test_request_context():
        found = [(x.place(), x.message) for x in p.problems]
    assert found == [("第 4 行，B (用户名) 列", "用户名“a1”在第 2 行重复出现。")]


def test_missing_column(app, units):
    p = plan(app, "r.csv", csv_bytes([["甲", "", ""]], header=["姓名", "单位", "职务"]))
    with app.test_request_context():
        assert [x.message for x in p.problems] == ["缺少“用户名”列。"]


def test_a_file_with_one_bad_row_imports_nothing(app, client, units, admin):
    rows = ROWS + [["坏", "zj004", "不存在的单位", "", "", ""]]
    auth = Auth(client)
    response = auth.post(
        "/admin/import",
        data={"file": (io.BytesIO(csv_bytes(rows)), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = client.get(response.location).get_data(as_text=True)
    assert "第 5 行，C (单位) 列" in preview
    upload_id = int(response.location.rstrip("/").split("/")[-1])
    commit = auth.post(f"/admin/import/{upload_id}/commit")
    assert commit.status_code == 302
    assert set(users_by_name(app)) == {"boss"}


def test_reimporting_the_same_file_changes_nothing(app, units):
    content = csv_bytes(ROWS)
    run_import(app, "r.csv", content)
    before = {n: (u.password_hash, u.name, u.phone) for n, u in users_by_name(app).items()}
    assert run_import(app, "r.csv", content) == (0, 0, 3)
    after = {n: (u.password_hash, u.name, u.phone) for n, u in users_by_name(app).items()}
    assert before == after


def test_an_edited_file_updates_matching_users(app, units):
    run_import(app, "r.csv", csv_bytes(ROWS))
    edited = [list(r) for r in ROWS]
    edited[0][3] = "副处长"
    edited[0][5] = "13700137000"
    assert run_import(app, "r.csv", csv_bytes(edited)) == (0, 1, 2)
    user = users_by_name(app)["zj001"]
    assert (user.position, user.phone) == ("副处长", "13700137000")


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("big.csv", b"a" * (5 * 1024 * 1024 + 1), "文件超过 5 MB"),
        ("fake.xlsx", csv_bytes(ROWS), "不是 Excel 工作簿"),
        ("fake.csv", xlsx_bytes(ROWS), "不是文本文件"),
        ("roster.pdf", b"%PDF-1.4", ".csv"),
        ("binary.csv", b"\xff\xfe\x00\x00garbage", "不是文本文件"),
        ("empty.csv", b"\n\n", "没有"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(app, filename, content, message):
    with app.test_request_context(), pytest.raises(roster.RosterFileError) as error:
        roster.read_table(filename, content)
    assert message in str(error.value)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused(app):
    content = zip_bomb()
    assert len(content) < 1024 * 1024
    with app.test_request_context(), pytest.raises(roster.RosterFileError) as error:
        roster.read_table("bomb.xlsx", content)
    assert "zip" in str(error.value).lower() or "压缩" in str(error.value)


def upload(auth, content, filename="roster.csv"):
    response = auth.post(
        "/admin/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    return int(response.location.rstrip("/").split("/")[-1])


def test_web_import_shows_passwords_until_the_sheet_is_downloaded_once(app, client, units, admin):
    app.config["JOBS_INLINE"] = True
    auth = Auth(client)
    upload_id = upload(auth, xlsx_bytes(ROWS), "roster.xlsx")
    started = auth.post(f"/admin/import/{upload_id}/commit")
    assert started.location.endswith(f"/admin/import/{upload_id}/progress")
    # The import was done before its progress page opened: the page leads on to the result.
    progress = client.get(started.location)
    assert progress.status_code == 302
    assert progress.location.endswith(f"/admin/import/{upload_id}/done")
    page = client.get(f"/admin/import/{upload_id}/done").get_data(as_text=True)
    assert "新建 3 个账号，更新 0 个，0 个无变化。" in page
    passwords = re.findall(r'<td class="secret">([^<]+)</td>', page)
    assert len(passwords) == 3
    # The name is shown as typed, though the sheet holds it neutralised.
    assert "<td>=1+2</td>" in page
    # The shown password works, and its owner must replace it.
    new_user = Auth(app.test_client())
    assert new_user.login("zj001", passwords[0]).status_code == 302
    assert new_user.client.get("/").location.endswith("/password")
    sheet = auth.post(f"/admin/import/{upload_id}/passwords")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[1][1:] == ("zj001", passwords[0])
    # The name "=1+2" is written neutralised, as text.
    assert rows[3][0] == "'=1+2"
    again = auth.post(f"/admin/import/{upload_id}/passwords")
    assert again.status_code == 302
    assert 'class="secret"' not in client.get(f"/admin/import/{upload_id}/done").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(RosterUpload, upload_id).credentials_sheet is None
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
        assert event.actor_username == "boss" and '"created": 3' in event.detail
        creator = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "user.create").limit(1)
        )
        assert creator.actor_username == "boss"
    # Committing again does not import twice.
    again = auth.post(f"/admin/import/{upload_id}/commit")
    assert again.location.endswith(f"/admin/import/{upload_id}/progress")
    assert len(users_by_name(app)) == 4


def test_the_progress_page_shows_rows_done_and_moves_on_when_the_import_is_done(
    app, client, units, admin
):
    auth = Auth(client)
    upload_id = upload(auth, csv_bytes(ROWS))
    with app.app_context():
        row = db.session.get(RosterUpload, upload_id)
        row.status, row.done, row.total = "running", 1, 3
        db.session.commit()
    polled = client.get(f"/admin/import/{upload_id}/progress", headers={"HX-Request": "true"})
    assert (
        'value="1" max="3"' in polled.get_data(as_text=True) and "HX-Redirect" not in polled.headers
    )
    # While it runs, the preview offers no second import.
    assert f"/admin/import/{upload_id}/commit" not in client.get(
        f"/admin/import/{upload_id}"
    ).get_data(as_text=True)
    with app.app_context():
        row = db.session.get(RosterUpload, upload_id)
        row.status, row.done, row.summary = "done", 3, {"created": 3, "updated": 0, "unchanged": 0}
        db.session.commit()
    polled = client.get(f"/admin/import/{upload_id}/progress", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"].endswith(f"/admin/import/{upload_id}/done")


def test_an_import_whose_rows_went_bad_meanwhile_fails_whole_and_can_be_retried(
    app, client, units, admin
):
    from courseware.accounts import import_job
    from courseware.accounts.models import Unit

    auth = Auth(client)
    upload_id = upload(auth, csv_bytes(ROWS))
    with app.test_request_context():
        row = db.session.get(RosterUpload, upload_id)
        assert row.status is None
        row.status = "queued"
        db.session.commit()
        # Between the check and the import, the unit of row 2 is renamed.
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "省委组织部"))
        unit.name = "组织部"
        db.session.commit()
    import_job.run_import(app, upload_id)
    assert set(users_by_name(app)) == {"boss"}
    page = client.get(f"/admin/import/{upload_id}/progress").get_data(as_text=True)
    assert "文件存在问题，未导入任何内容。" in page
    # The preview names the row, and the file may be imported once it is fixed: here, the unit's name.
    assert "第 2 行" in client.get(f"/admin/import/{upload_id}").get_data(as_text=True)
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "组织部"))
        unit.name = "省委组织部"
        db.session.commit()
    app.config["JOBS_INLINE"] = True
    auth.post(f"/admin/import/{upload_id}/commit")
    assert {"zj001", "zj002", "zj003"} <= set(users_by_name(app))


def test_two_commits_at_once_start_one_import(app, units, admin):
    from courseware.accounts import import_job

    app.config["JOBS_INLINE"] = True
    with app.test_request_context():
        row = RosterUpload(
            uploaded_by_id=db.session.scalar(sa.select(User.id)),
            filename="r.csv",
            content=csv_bytes(ROWS),
        )
        db.session.add(row)
        db.session.commit()
        stale = db.session.get(RosterUpload, row.id)
        assert import_job.start(stale, 3) is True
        assert import_job.start(stale, 3) is False
    assert len(users_by_name(app)) == 4


def test_another_administrators_upload_is_not_visible(app, client, units, admin, make_user):
    auth = Auth(client)
    response = auth.post(
        "/admin/import",
        data={"file": (io.BytesIO(csv_bytes(ROWS)), "roster.csv")},
        content_type="multipart/form-data",
    )
    make_user("admin", username="other-admin")
    other = Auth(app.test_client())
    other.login("other-admin")
    assert other.client.get(response.location).status_code == 403


def test_cli_import_reports_problems_and_imports_nothing(app, runner, units, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(ROWS + [["坏", "zj004", "", "", "", "12345"]]))
    result = runner.invoke(args=["user", "import", str(path)], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code != 0
    assert f"{path}: row 5, column F (手机):" in result.output
    assert users_by_name(app) == {}


def test_cli_import_creates_users_and_prints_passwords(app, runner, units, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    result = runner.invoke(args=["user", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^zj001\t\S{12}\t张𠮷$", result.output, re.M)
    assert set(users_by_name(app)) == {"zj001", "zj002", "zj003"}


def test_a_blank_optional_cell_keeps_the_stored_value(app, units):
    run_import(app, "r.csv", csv_bytes(ROWS))
    edited = [list(r) for r in ROWS]
    edited[0][2] = edited[0][5] = ""  # unit and phone left empty
    assert run_import(app, "r.csv", csv_bytes(edited)) == (0, 0, 3)
    user = users_by_name(app)["zj001"]
    assert user.phone == "13800138000" and user.unit_id is not None


def test_usernames_with_spaces_or_markup_are_refused(app, units):
    p = plan(
        app,
        "r.csv",
        csv_bytes([["甲", "wang wu", "", "", "", ""], ["乙", "<b>x</b>", "", "", "", ""]]),
    )
    assert [x.row for x in p.problems] == [2, 3]


def test_an_import_that_breaks_half_way_saves_nothing_and_says_so(
    app, client, units, admin, monkeypatch
):
    """A failure after some accounts were added to the transaction (here, writing the audit entry of
    the import) rolls every one of them back, and the progress page says the import failed."""
    from courseware.accounts import audit, import_job

    auth = Auth(client)
    upload_id = upload(auth, csv_bytes(ROWS))
    with app.app_context():
        db.session.get(RosterUpload, upload_id).status = "queued"
        db.session.commit()
    real_record = audit.record

    def failing_record(action, *args, **kwargs):
        if action == "roster.import":
            raise RuntimeError("disk full")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        import_job.run_import(app, upload_id)
    monkeypatch.undo()
    assert set(users_by_name(app)) == {"boss"}
    with app.app_context():
        row = db.session.get(RosterUpload, upload_id)
        assert (row.status, row.error, row.committed_at) == ("failed", "disk full", None)
    page = client.get(f"/admin/import/{upload_id}/progress").get_data(as_text=True)
    assert "导入失败，未导入任何内容：disk full" in page


@pytest.mark.parametrize(
    "locale, header, title",
    [
        ("zh", ["姓名", "用户名", "初始密码"], "初始密码"),
        ("en", ["Name", "Username", "Initial password"], "Initial passwords"),
    ],
)
def test_the_password_sheet_is_neutralised_and_headed_in_the_readers_language(
    app, locale, header, title
):
    import json
    from pathlib import Path

    from flask_babel import force_locale

    case = next(
        c
        for c in json.loads((Path(__file__).parents[1] / "data" / "csv_injection.json").read_text())
        if c["id"] == "csvinj-008"
    )
    user = User(name=case["input"], username="00123")
    with app.test_request_context(), force_locale(locale):
        sheet = roster.credentials_sheet([(user, "abcDEF23")])
        assert roster.read_credentials_sheet(sheet) == [(case["input"], "00123", "abcDEF23")]
    book = load_workbook(io.BytesIO(sheet))
    rows = list(book.active.iter_rows(values_only=True))
    assert book.sheetnames == [title] and list(rows[0]) == header
    assert list(rows[1]) == [case["neutralised_cell"], "00123", "abcDEF23"]


def test_a_formula_looking_name_is_imported_with_a_warning_in_both_languages(
    app, client, units, admin, make_user
):
    auth = Auth(client)
    upload_id = upload(auth, csv_bytes(ROWS))
    page = client.get(f"/admin/import/{upload_id}").get_data(as_text=True)
    assert (
        "请核对这些单元格" in page and "第 4 行，A (姓名) 列" in page and "“=1+2”以 = 开头" in page
    )
    make_user(Role.ADMIN, username="boss-en", locale="en")
    english = Auth(app.test_client())
    english.login("boss-en")
    other = upload(english, csv_bytes(ROWS))
    page = english.client.get(f"/admin/import/{other}").get_data(as_text=True)
    assert "Check these cells" in page and "as a spreadsheet formula does" in page
    assert 'action="/admin/import/' in page  # a warning does not stop the import


def test_a_large_roster_previews_one_page_at_a_time_with_every_problem_first(
    app, client, units, admin
):
    """5,000 rows, two of them bad: the problems come first and whole; the rows page by 100."""
    rows = [[f"学员{i}", f"u{i:05d}", "省委组织部", "", "", ""] for i in range(5000)]
    rows[1234][1] = "bad name"
    rows[4321][0] = ""
    auth = Auth(client)
    upload_id = upload(auth, csv_bytes(rows))
    first = client.get(f"/admin/import/{upload_id}").get_data(as_text=True)
    assert "第 1236 行" in first and "第 4323 行" in first  # row numbers as the sheet shows them
    assert "第 1 页，共 50 页" in first and first.count("<tr><td>") < 140
    assert "u00000" in first and "u00100" not in first
    last = client.get(f"/admin/import/{upload_id}?page=50").get_data(as_text=True)
    assert "u04999" in last and "u00000" not in last and "第 1236 行" in last
    with app.app_context():
        assert db.session.get(RosterUpload, upload_id).preview["creates"]


def test_a_background_import_is_audited_with_the_address_it_was_started_from(
    app, client, units, admin
):
    from courseware.accounts import import_job

    upload_id = upload(Auth(client), csv_bytes(ROWS))
    with app.app_context():
        row = db.session.get(RosterUpload, upload_id)
        row.status, row.started_from = "queued", "203.0.113.5"
        db.session.commit()
    import_job.run_import(app, upload_id)  # as the worker runs it: no request
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.import"))
        assert (event.actor_username, event.ip) == ("boss", "203.0.113.5")
