"""Training records (个人培训档案): the page, the PDF and the workbooks say what the ledger holds —
courses, class sessions and outside training, by kind, per year and per five years, against the
quota — and only to the learner, their units' administrators and their classes' instructors."""

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.accounts.audit import AuditEvent
from courseware.accounts.models import Role, User
from courseware.db import db
from courseware.progress import ledger
from courseware.reports import record_jobs
from courseware.timeutil import utcnow
from tests.certificates.conftest import complete_course  # noqa: F401
from tests.conftest import Auth, csrf_token
from tests.pdfread import embedded_fonts, pdf_lines

YEAR = utcnow().year


@pytest.fixture
def cadres(app, make_user, make_unit, make_class, complete_course):  # noqa: F811
    """In Hangzhou, 𠮷祥 (township band: 90 学时 a year) has completed the test course (2 学时),
    attended a class session (3) and trained elsewhere this year (6) and three years ago (4); 䶮 of
    the same unit has nothing yet. Their class's instructor and unit administrator, and another
    city's, look on."""
    hz = make_unit("浙江省", "杭州市")
    xh = make_unit("浙江省", "杭州市", "西湖区")
    nb = make_unit("浙江省", "宁波市")
    ids = {"hz": hz, "nb": nb}
    ids["rare"] = make_user(
        username="rare1", name="𠮷祥", unit_id=xh, rank_level="township", locale="en"
    )
    ids["ext_a"] = make_user(username="rare2", name="䶮", unit_id=xh, locale="en")
    ids["teacher"] = make_user(Role.INSTRUCTOR, username="teacher", locale="en")
    ids["other_teacher"] = make_user(Role.INSTRUCTOR, username="other_teacher")
    ids["hzadmin"] = make_user(
        Role.ADMIN, username="hzadmin", admin_unit_id=hz, unit_id=hz, locale="en"
    )
    ids["nbadmin"] = make_user(Role.ADMIN, username="nbadmin", admin_unit_id=nb, unit_id=nb)
    make_class([ids["teacher"]], [ids["rare"]], name="杭州班", unit_id=hz)
    complete_course(ids["rare"])
    with app.app_context():
        admin = db.session.get(User, ids["hzadmin"])
        rare = db.session.get(User, ids["rare"])
        today = utcnow().date()
        ledger.add_in_person(rare.id, 3, today, "应急管理专题班", "class_session:1", None)
        ledger.add_external(rare, 6, today, "=中心组学习", admin, today)
        ledger.add_external(rare, 4, dt.date(YEAR - 3, 5, 1), "脱产培训", admin, today)
        ledger.add_external(rare, 7, dt.date(YEAR - 5, 5, 1), "too long ago", admin, today)
        db.session.commit()
    return ids


def signed_in(app, username):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def test_the_learner_sees_their_record_by_kind_with_what_is_missing(app, cadres):
    client = signed_in(app, "rare1")
    assert "/my-learning/record" in client.get("/my-learning").get_data(as_text=True)
    page = client.get("/my-learning/record").get_data(as_text=True)
    for fact in ("𠮷祥", "浙江省 / 杭州市 / 西湖区", "测试课程", "应急管理专题班", "脱产培训"):
        assert fact in page
    assert "too long ago" not in page  # before the five years
    # This year: online 2 (elective: no class assigns the course), in-person 3, outside 6 = 11 of
    # the 90 required, 79 missing.
    year_row = page.split('<tr class="record-period">')[1]
    cells = [c.split("<")[0] for c in year_row.split("<td>")[1:]]
    assert cells == ["2", "0", "2", "3", "6", "11", "90", ""]
    assert '<mark class="status overdue">79</mark>' in year_row
    # The five years: 4 more outside, no five-year quota for this band.
    long_row = page.split('<tr class="record-period">')[2]
    assert f'<th scope="row">{YEAR - 4}–{YEAR}</th>' in long_row
    assert [c.split("<")[0] for c in long_row.split("<td>")[1:7]] == [
        "2",
        "0",
        "2",
        "3",
        "10",
        "15",
    ]
    assert 'and as elective (<span lang="zh-CN">选修</span>) otherwise' in page
    # An earlier year is chosen by the year field; a bad one is named and this year shown.
    earlier = client.get(f"/my-learning/record?year={YEAR - 3}").get_data(as_text=True)
    assert "脱产培训" in earlier.split("<h2>")[2] and "测试课程" not in earlier.split("<h2>")[2]
    bad = client.get("/my-learning/record?year=1800").get_data(as_text=True)
    assert "year: enter a year from 2000" in bad and 'aria-invalid="true"' in bad
    assert client.get("/my-learning/record.pdf?year=abc").status_code == 400


def test_the_pdf_reads_back_with_every_character_of_the_name(app, cadres):
    client = signed_in(app, "rare1")
    response = client.get("/my-learning/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.data  # A4
    lines = pdf_lines(response.data)
    assert "Training record of 𠮷祥" in lines
    assert "Username: rare1 · Unit: 浙江省 / 杭州市 / 西湖区" in lines
    assert "Quota: 90 credit hours in 1 year." in lines
    text = "\n".join(lines)
    for fact in ("测试课程", "应急管理专题班", "=中心组学习", "脱产培训", "79"):
        assert fact in text
    assert embedded_fonts(response.data)["HanaMinA"] is True
    assert "STSong-Light" not in embedded_fonts(response.data)


def test_the_workbook_holds_the_summary_and_every_entry_neutralised(app, cadres):
    client = signed_in(app, "rare1")
    response = client.get("/my-learning/record.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0][:5] == ("Username", "Name", "Unit", "Rank band", "Period")
    assert summary[1] == (
        "rare1",
        "𠮷祥",
        "浙江省 / 杭州市 / 西湖区",
        "township",
        str(YEAR),
        2,
        0,
        2,
        3,
        6,
        11,
        90,
        79,
    )
    assert summary[2][4:11] == (f"{YEAR - 4}–{YEAR}", 2, 0, 2, 3, 10, 15)
    entries = list(book["Entries"].iter_rows(values_only=True))
    titles = {row[2]: row for row in entries[1:]}
    assert set(titles) == {"测试课程", "应急管理专题班", "'=中心组学习", "脱产培训"}
    assert titles["测试课程"][1] == "Online courses" and titles["测试课程"][3] == 2
    assert titles["应急管理专题班"][1] == "In-person training"
    assert titles["脱产培训"][0] == dt.datetime(YEAR - 3, 5, 1)


def test_a_reversed_entry_counts_against_its_kind(app, cadres):
    with app.app_context():
        entry = db.session.scalar(
            sa.select(ledger.CreditEntry).where(ledger.CreditEntry.kind == "in_person")
        )
        ledger.reverse(entry, "未到场", db.session.get(User, cadres["hzadmin"]), utcnow().date())
        db.session.commit()
    page = signed_in(app, "rare1").get("/my-learning/record").get_data(as_text=True)
    year_row = page.split('<tr class="record-period">')[1]
    assert [c.split("<")[0] for c in year_row.split("<td>")[1:7]] == ["2", "0", "2", "0", "6", "8"]
    assert "In-person training (reversal)" in page


def test_who_may_see_a_cadres_record(app, cadres):
    path = f"/records/users/{cadres['rare']}"
    for username in ("hzadmin", "teacher"):
        client = signed_in(app, username)
        assert "𠮷祥" in client.get(path).get_data(as_text=True), username
        assert client.get(path + ".pdf").status_code == 200
        assert client.get(path + ".xlsx").status_code == 200
    for username in ("nbadmin", "other_teacher"):
        client = signed_in(app, username)
        for suffix in ("", ".pdf", ".xlsx"):
            assert client.get(path + suffix).status_code == 404, (username, suffix)
    assert signed_in(app, "rare2").get(path).status_code == 403
    # The teacher teaches 𠮷祥's class, not 䶮: found by username only where they may look.
    teacher = signed_in(app, "teacher")
    assert f"/records/users/{cadres['rare']}" in teacher.get("/records?q=rare1").get_data(
        as_text=True
    )
    assert "No account with the username rare2" in teacher.get("/records?q=rare2").get_data(
        as_text=True
    )
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("record.export_pdf") == 2 and actions.count("record.export_xlsx") == 2


def test_a_units_records_as_one_workbook(app, cadres):
    hzadmin = signed_in(app, "hzadmin")
    year_now = utcnow().year
    page = hzadmin.get("/records").get_data(as_text=True)
    assert f"/records/units/{cadres['hz']}/exports?year={year_now}" in page
    started = hzadmin.post(
        f"/records/units/{cadres['hz']}/exports?year={YEAR}", data=_csrf(hzadmin)
    )
    assert started.status_code == 302
    status = started.location
    job_id = int(status.rsplit("/", 1)[1])
    waiting = hzadmin.get(status, headers={"HX-Request": "true"})
    assert "data-hx-get" in waiting.get_data(as_text=True)  # queued: the page keeps asking
    assert hzadmin.get(f"{status}/download").status_code == 404  # nothing to send yet

    assert jobs.run(app, record_jobs.KIND, job_id)  # what the worker does with the message

    ready = hzadmin.get(status).get_data(as_text=True)
    assert "data-hx-get" not in ready and f"{status}/download" in ready
    response = hzadmin.get(f"{status}/download")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    summary = list(book["Summary"].iter_rows(values_only=True))[1:]
    assert [(row[0], row[1], row[4], row[10]) for row in summary] == [
        ("rare1", "𠮷祥", str(YEAR), 11),
        ("rare1", "𠮷祥", f"{YEAR - 4}–{YEAR}", 15),
        ("rare2", "䶮", str(YEAR), 0),
        ("rare2", "䶮", f"{YEAR - 4}–{YEAR}", 0),
    ]
    assert len(list(book["Entries"].iter_rows())) == 1 + 4
    with app.app_context():
        job = db.session.get(record_jobs.UnitRecordsJob, job_id)
        assert (job.done, job.total, job.year) == (2, 2, YEAR)
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert "record.export_unit_started" in actions and "record.export_unit" in actions
    nbadmin = signed_in(app, "nbadmin")
    assert (
        nbadmin.post(f"/records/units/{cadres['hz']}/exports", data=_csrf(nbadmin)).status_code
        == 404
    )
    assert nbadmin.get(status).status_code == 404
    assert nbadmin.get(f"{status}/download").status_code == 404
    teacher = signed_in(app, "teacher")
    assert teacher.get(f"{status}/download").status_code == 403
    bad = hzadmin.post(f"/records/units/{cadres['hz']}/exports?year=1900", data=_csrf(hzadmin))
    assert bad.status_code == 400 and "year" in bad.get_data(as_text=True)


def _csrf(client) -> dict:
    return {"csrf_token": csrf_token(client, "/")}


def test_the_command_line_writes_the_record(app, runner, cadres, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the terminal's language
    out = tmp_path / "record.pdf"
    result = runner.invoke(args=["records", "export", "rare1", "--format", "pdf", str(out)])
    assert result.exit_code == 0, result.output
    assert "Training record of 𠮷祥" in pdf_lines(out.read_bytes())
    out = tmp_path / "record.xlsx"
    result = runner.invoke(
        args=["records", "export", "RARE1", "--year", str(YEAR - 3), "--format", "xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = list(openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True))
    assert summary[1][4:11] == (str(YEAR - 3), 0, 0, 0, 0, 4, 4)
    missing = runner.invoke(args=["records", "export", "nobody", "--format", "pdf", str(out)])
    assert missing.exit_code == 2 and "no account with the username nobody" in missing.output
    future = runner.invoke(
        args=["records", "export", "rare1", "--year", str(YEAR + 1), "--format", "pdf", str(out)]
    )
    assert future.exit_code == 2 and "has not begun yet" in future.output


def test_a_chinese_reader_gets_the_record_in_chinese(app, cadres):
    with app.app_context():
        db.session.get(User, cadres["ext_a"]).locale = "zh"
        db.session.commit()
    client = signed_in(app, "rare2")
    assert "分类学时" in client.get("/my-learning/record").get_data(as_text=True)
    response = client.get("/my-learning/record.pdf")
    lines = pdf_lines(response.data)
    assert "䶮的培训档案" in lines
    assert "在线课程如被干部所在班次列为必修，计为必修学时，否则计为选修学时。" in "".join(lines)
    assert embedded_fonts(response.data)["HanaMinA"] is True


def test_online_hours_of_a_course_a_class_requires_count_as_required(app, cadres):
    """Once the cadre's class assigns the course as required (必修), its hours move from elective
    to required, on the page, in the workbook and in the PDF."""
    from courseware.accounts.models import Cohort
    from courseware.courses.models import Course
    from courseware.progress.models import CourseAssignment

    with app.app_context():
        cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "杭州班"))
        course = db.session.scalar(sa.select(Course))
        today = utcnow().date()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort.id,
                course_id=course.id,
                starts_on=today,
                due_on=today,
                requirement="required",
            )
        )
        db.session.commit()
    client = signed_in(app, "rare1")
    page = client.get("/my-learning/record").get_data(as_text=True)
    year_row = page.split('<tr class="record-period">')[1]
    assert [c.split("<")[0] for c in year_row.split("<td>")[1:4]] == ["2", "2", "0"]
    assert 'Online courses · required (<span lang="zh-CN">必修</span>)' in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/my-learning/record.xlsx").data))
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0][5:8] == (
        "Online courses",
        "of which required (必修)",
        "of which elective (选修)",
    )
    assert summary[1][5:8] == (2, 2, 0)
    text = "\n".join(pdf_lines(client.get("/my-learning/record.pdf").data))
    assert text.count("of which") == 2  # the required and elective columns of the summary
