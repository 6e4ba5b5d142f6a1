"""Completion reports: unit roll-up, figures equal to the downloads, neutralised and typed cells,
streamed exports whose memory does not grow with the rows, the command line and the audit log."""

import csv
import datetime as dt
import io
import json
import re
import tracemalloc
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courseware import exports
from courseware.accounts.models import AuditEvent, Cohort, Role, Unit, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.exports import database
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry
from courseware.reports import export, queries
from tests.conftest import Auth

INJECTION = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "csv_injection.json").read_text("utf-8")
)


@pytest.fixture
def organisation(app, make_unit, make_user, lessons_dir, sync):
    """浙江省 > 组织部 > 干部一处 and 浙江省 > 宣传部; four learners; one class assigned the course."""
    sync()
    office = make_unit("浙江省", "组织部", "干部一处")
    dept = make_unit("浙江省", "组织部")
    publicity = make_unit("浙江省", "宣传部")
    people = {
        "a": make_user(username="a", name='=HYPERLINK("x")', unit_id=office, phone="0571123"),
        "b": make_user(username="b", name="乙", unit_id=office),
        "c": make_user(username="c", name="丙", unit_id=dept),
        "d": make_user(username="d", name="丁", unit_id=publicity),
    }
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        cohort = Cohort(name="2026 春季班")
        cohort.members.extend(db.session.get(User, i) for i in people.values())
        db.session.add(cohort)
        db.session.flush()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort.id,
                course_id=course.id,
                starts_on=dt.date(2026, 1, 1),
                due_on=dt.date(2026, 3, 1),
            )
        )
        for key, when, score in [
            ("a", dt.datetime(2026, 2, 10), 90.0),
            ("c", dt.datetime(2026, 5, 3), 70.0),
        ]:
            completion = CourseCompletion(
                user_id=people[key], course_id=course.id, completed_at=when, rule={}, score=score
            )
            db.session.add(completion)
            db.session.flush()
            db.session.add(
                CreditEntry(
                    user_id=people[key],
                    hours=2.0,
                    earned_on=when.date(),
                    kind="course",
                    completion_id=completion.id,
                    course_id=course.id,
                )
            )
        db.session.add(
            CreditEntry(
                user_id=people["b"],
                hours=5.0,
                earned_on=dt.date(2026, 4, 1),
                kind="external",
                note="党校",
            )
        )
        db.session.commit()
    return {
        "units": {
            "office": office,
            "dept": dept,
            "publicity": publicity,
            "province": make_unit("浙江省"),
        },
        "people": people,
    }


def lines_by_label(app, **kwargs):
    with app.app_context():
        return {
            line.label: line
            for line in queries.report(queries.Filters(**kwargs), dt.date(2026, 11, 27))
        }


def test_units_roll_up_their_sub_units(app, organisation):
    lines = lines_by_label(app)
    province, dept, office, publicity = (
        lines["浙江省"],
        lines["浙江省 / 组织部"],
        lines["浙江省 / 组织部 / 干部一处"],
        lines["浙江省 / 宣传部"],
    )
    assert (office.enrolled, office.completed, office.hours, len(office.overdue)) == (2, 1, 7.0, 1)
    assert (dept.enrolled, dept.completed, dept.hours) == (3, 2, 9.0)
    assert (province.enrolled, province.completed, province.rate, province.average_score) == (
        4,
        2,
        50.0,
        80.0,
    )
    assert (
        publicity.enrolled,
        publicity.completed,
        [u.username for u, _, _ in publicity.overdue],
    ) == (1, 0, ["d"])
    # A date range counts only what happened in it.
    spring = lines_by_label(app, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    assert (spring["浙江省"].completed, spring["浙江省"].hours) == (1, 2.0)
    by_course = lines_by_label(app, by="course")
    assert [(line.enrolled, line.completed, line.hours) for line in by_course.values()] == [
        (4, 2, 4.0)
    ]


def test_the_page_and_the_downloads_show_the_same_numbers(app, client, admin, organisation):
    page = client.get("/reports/?by=unit").get_data(as_text=True)
    assert "浙江省 / 组织部 / 干部一处" in page and "50%" in page
    # The unit filter offers every unit by its full name, in order of that name.
    picker = page.split('<select name="unit">', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r'<option value="\d+">([^<]+)</option>', picker)
    assert offered == sorted(offered) and "浙江省 / 组织部 / 干部一处" in offered
    assert offered[0] == "浙江省"
    csv_text = client.get("/reports/summary.csv?by=unit").get_data(as_text=True)
    assert csv_text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert rows[0][0] == "单位" and len(rows[0]) == 7  # headed in the page's language
    lines = lines_by_label(app)
    for row in rows[1:]:
        line = lines[row[0]]
        assert [int(row[1]), int(row[2]), float(row[5]), int(row[6])] == [
            line.enrolled,
            line.completed,
            line.hours,
            len(line.overdue),
        ]
        assert f'<th scope="row">{row[0]}</th><td>{row[1]}</td><td>{row[2]}</td>' in page
    book = load_workbook(io.BytesIO(client.get("/reports/summary.xlsx?by=unit").data))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert [list(v[:3]) for v in values[1:]] == [[r[0], int(r[1]), int(r[2])] for r in rows[1:]]
    assert all(
        isinstance(v, (int, float)) for v in values[1][1:3] + values[1][5:]
    )  # numbers stay numbers
    with app.app_context():
        assert (
            db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.action == "report.export")
            ).all()
            == ["report.export"] * 2
        )


def test_bad_dates_are_named(client, admin, organisation):
    response = client.get("/reports/?from=2026-13-01")
    assert response.status_code == 400 and "2026-13-01" in response.get_data(as_text=True)
    assert client.get("/reports/?from=2026-05-01&to=2026-01-01").status_code == 400


@pytest.mark.parametrize("case", INJECTION, ids=lambda c: c["id"])
def test_every_exported_cell_is_neutralised(case):
    rows = list(
        csv.reader(
            io.StringIO("".join(exports.stream_csv(["name"], [[case["input"]]])).lstrip("\ufeff"))
        )
    )
    assert rows[1][0] == case["neutralised_cell"]
    out = io.BytesIO()
    exports.write_xlsx(
        out, [("s", [("name", "name"), ("username", "username")], [[case["input"], case["input"]]])]
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    # XML turns a raw carriage return into a line feed; the leading quote is what matters.
    expected = ILLEGAL_CHARACTERS_RE.sub("", case["neutralised_cell"]).replace("\r", "\n")
    assert sheet.cell(2, 1).value == expected and sheet.cell(2, 1).data_type == "s"


def test_xlsx_cells_are_typed_and_long_sheets_split():
    out = io.BytesIO()
    when = dt.datetime(2026, 5, 3, 9, 30)
    rows = [["干部一处", "007", "0571123", 2.5, when, dt.date(2026, 5, 3)] for _ in range(5)]
    columns = [
        ("unit", "单位"),
        ("username", "用户名"),
        ("phone", "手机"),
        ("credit_hours", "学时"),
        ("completed_at", "完成时间"),
        ("day", "日期"),
    ]
    exports.write_xlsx(out, [("rows", columns, rows)], max_rows=3)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["rows", "rows (2)", "rows (3)"]
    first = [c for c in next(book["rows"].iter_rows(min_row=2, max_row=2))]
    assert first[1].value == "007" and first[2].value == "0571123"  # identifiers keep their zeros
    assert first[3].value == 2.5 and first[4].value == when and first[4].is_date
    assert sum(s.max_row - 1 for s in book.worksheets) == 5


def peak_memory(rows: int) -> int:
    tracemalloc.start()
    for _ in exports.stream_csv(["a", "b", "c"], (("干部" * 5, i, 1.5) for i in range(rows))):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_streaming_memory_stays_flat_as_rows_grow():
    small, large = peak_memory(20_000), peak_memory(200_000)
    assert large < small * 2  # ten times the rows, not ten times the memory


def test_detail_export_in_the_background_with_progress(app, client, admin, make_user, organisation):
    app.config["JOBS_INLINE"] = True
    response = Auth(client).post("/reports/exports?by=unit", data={"format": "xlsx"})
    assert response.status_code == 302
    status = client.get(response.location).get_data(as_text=True)
    assert "已完成：2 行。" in status
    download = client.get(response.location + "/download")
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (rows[0][0], rows[0][2], rows[0][4]) == ("单位", "姓名", "课程") and len(rows) == 3
    assert rows[1][2] == '\'=HYPERLINK("x")' and rows[1][3] == "0571123"
    other = app.test_client()
    make_user(Role.ADMIN, username="boss2")
    assert Auth(other).login("boss2").status_code == 302
    assert other.get(response.location + "/download").status_code == 404  # an export is its maker's


def test_detail_export_names_units_and_courses_in_full_at_local_time(
    app, client, admin, organisation
):
    """Beijing time as every screen shows it (the offset in the header), the unit's full path and
    the course's title in the reader's language, not its slug."""
    app.config["JOBS_INLINE"] = True
    response = Auth(client).post("/reports/exports?by=unit", data={"format": "csv"})
    rows = list(
        csv.reader(
            io.StringIO(client.get(response.location + "/download").get_data(as_text=True)[1:])
        )
    )
    assert rows[0][5] == "完成时间（Asia/Shanghai, UTC+08:00）"
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["a"][0] == "浙江省 / 组织部 / 干部一处" and by_user["c"][0] == "浙江省 / 组织部"
    assert by_user["a"][5] == "2026-02-10 08:00:00"  # stored 00:00 UTC
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert by_user["a"][4] == course.title["zh"] != course.slug


def test_overdue_sheet_by_course_names_the_course_once(app, client, admin, organisation):
    response = client.get("/reports/summary.xlsx?by=course")
    book = load_workbook(io.BytesIO(response.data))
    header = [cell.value for cell in next(book.worksheets[1].iter_rows(max_row=1))]
    assert header.count("课程") == 1, header
    unit = client.get("/reports/summary.xlsx?by=unit")
    rows = list(load_workbook(io.BytesIO(unit.data)).worksheets[1].iter_rows(values_only=True))
    with app.app_context():
        title = db.session.scalar(sa.select(Course)).title["zh"]
    assert rows[0].count("课程") == 1 and all(row[3] == title for row in rows[1:]) and rows[1:]


def test_command_line_export(app, runner, organisation, tmp_path):
    out = tmp_path / "units.csv"
    result = runner.invoke(args=["report", "export", "--by", "unit", "--format", "csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8").lstrip("\ufeff"))))
    assert (
        rows[0][0] == "单位" and len(rows) == 5
    )  # the terminal (LANG=C) gets the default language
    detail = tmp_path / "all.xlsx"
    result = runner.invoke(
        args=[
            "report",
            "export",
            "--detail",
            "--from",
            "2026-05-01",
            "--format",
            "xlsx",
            str(detail),
        ]
    )
    assert result.exit_code == 0 and "Wrote 1 rows" in result.output
    bad = runner.invoke(
        args=["report", "export", "--from", "2026-05-01", "--to", "2026-01-01", str(out)]
    )
    assert bad.exit_code != 0


@pytest.fixture
def tricky_completions(app, organisation, backend):
    """A completion for a learner per injection case: the case in the name, the phone and a unit's name;
    times with microseconds, a missing score and scores that are and are not whole numbers."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.credit_hours = 1.5
        cases = [
            c["input"] for c in INJECTION if not (backend == "postgresql" and "\0" in c["input"])
        ]
        for i, text in enumerate(cases):
            unit = Unit(
                name=text[:128], parent_id=organisation["units"]["office"] if i % 2 else None
            )
            db.session.add(unit)
            db.session.flush()
            user = User(
                username=f"inj{i:03d}",
                name=text[:64],
                role="learner",
                unit_id=unit.id,
                phone=text[:20],
                password_hash="x",
                must_change_password=False,
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                CourseCompletion(
                    user_id=user.id,
                    course_id=course.id,
                    rule={},
                    completed_at=dt.datetime(2026, 2, 1, 8, 0, 59, 999_999) + dt.timedelta(days=i),
                    score=[None, 80.0, 66.66666666666667, -1.0][i % 4],
                )
            )
        db.session.commit()
    return len(cases)


def python_path_rows(filters) -> list[list[str]]:
    """What the csv module path (stream_csv, a Python call per cell) writes, read back."""
    header = queries.header(queries.detail_columns())
    text = "".join(
        exports.stream_csv(
            header, database.streamed_rows(db.session, queries.detail_query(filters))
        )
    )
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def file_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data[1:], newline="")))


FILTER_CASES = [{}, {"start": dt.date(2026, 2, 5), "end": dt.date(2026, 2, 20)}, {"unit": "office"}]


@pytest.mark.parametrize("case", FILTER_CASES, ids=["all", "dates", "unit"])
def test_detail_csv_equals_the_python_path(app, organisation, tricky_completions, tmp_path, case):
    """write_detail's CSV (SQL-neutralised rows in batches, or COPY on PostgreSQL) reads back as the
    rows the per-cell Python path gives, with every formula neutralised."""
    case = dict(case)
    if case.pop("unit", None):
        case["unit_id"] = organisation["units"]["office"]
    filters = queries.Filters(**case)
    with app.app_context():
        expected = python_path_rows(filters)
        done = []
        count = export.write_detail(filters, "csv", tmp_path / "d.csv", done.append)
        got = file_rows(tmp_path / "d.csv")
    assert got == expected and count == len(expected) - 1 and done[-1] == count
    assert len(expected) > 3 and any(row[2].startswith("'=") for row in got)


def test_copy_csv_gives_the_python_paths_neutralised_rows(
    app, backend, organisation, tricky_completions, tmp_path
):
    """On PostgreSQL the detailed CSV comes from COPY with the neutralisation done in SQL: the same
    neutralised rows as textsafety.neutralise gives, cell for cell. (SQLite has no COPY.)"""
    if backend != "postgresql":
        pytest.skip("COPY exists only on PostgreSQL")
    from courseware.textsafety import neutralise

    with app.app_context():
        for filters in (
            queries.Filters(),
            queries.Filters(start=dt.date(2026, 2, 5), unit_id=organisation["units"]["province"]),
        ):
            expected = python_path_rows(filters)
            header = queries.header(queries.detail_columns())
            count = database.copy_csv(
                db.session.connection(), queries.detail_query(filters), tmp_path / "c.csv", header
            )
            got = file_rows(tmp_path / "c.csv")
            assert got[0] == header and got == expected and count == len(expected) - 1
        rows = {row[1]: row for row in file_rows(tmp_path / "c.csv")[1:]} | {
            row[1]: row for row in python_path_rows(queries.Filters())[1:]
        }
    neutralised = [c for c in INJECTION if "\0" not in c["input"]]
    for i, case in enumerate(neutralised):
        row = rows[f"inj{i:03d}"]
        assert row[2] == neutralise(case["input"][:64]) and row[3] == neutralise(case["input"][:20])
        # The unit's full path: odd cases sit under 干部一处, even ones at the top.
        above = "浙江省 / 组织部 / 干部一处 / " if i % 2 else ""
        assert row[0] == neutralise(above + case["input"][:128])
        # Stored 08:00:59 UTC, written in Beijing time.
        assert row[5] == (dt.datetime(2026, 2, 1, 16, 0, 59) + dt.timedelta(days=i)).isoformat(
            sep=" "
        )
        assert row[6] == ["", "80", "66.66666666666667", "-1"][i % 4] and row[7] == "1.5"


# --- the exports speak the language of whoever asked for them ----------------------------------

DETAIL_EN = [
    "unit",
    "username",
    "name",
    "phone",
    "course",
    "completed at (Asia/Shanghai, UTC+08:00)",
    "score",
    "credit hours (学时)",
]
SUMMARY_EN = [
    "enrolled",
    "completed",
    "completion rate (%)",
    "average score",
    "credit hours (学时) earned",
    "overdue",
]


@pytest.fixture
def english_admin(client, make_user):
    """Sign in as an administrator who reads English."""
    user_id = make_user(Role.ADMIN, username="boss_en", locale="en")
    assert Auth(client).login("boss_en").status_code == 302
    return user_id


def queued_export(app, client, monkeypatch, fmt, **headers):
    """Ask for a detailed export and return its job's id, without running it: the test runs it
    as the background thread does, with no request around it."""
    from courseware.reports import jobs

    started = []
    monkeypatch.setattr(jobs, "start", lambda job: started.append(job.id))
    response = Auth(client).post("/reports/exports?by=unit", data={"format": fmt}, headers=headers)
    assert response.status_code == 302 and len(started) == 1
    return started[0]


def run_queued(app, job_id):
    from courseware.reports import jobs
    from courseware.reports.models import ExportJob

    jobs.run_job(app, job_id)
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job.status == "done", job.error
        return stored_file(app, job)


def stored_file(app, job) -> Path:
    """Write the export's file, kept in the database for every server, where the test can read it."""
    from courseware.jobs import file_chunks

    path = Path(app.config["JOBS_BROKER"][len("sqlite:///") :]).with_name(job.filename)
    path.write_bytes(b"".join(file_chunks(job.file_id)))
    return path


def test_detail_export_is_headed_in_its_makers_language(
    app, client, english_admin, organisation, monkeypatch
):
    """The thread that writes the file has no request: its language is the one the export was asked
    in, not the server's (Chinese here, as a terminal without an English LANG gets)."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    csv_rows = file_rows(run_queued(app, queued_export(app, client, monkeypatch, "csv")))
    assert csv_rows[0] == DETAIL_EN and len(csv_rows) == 3
    assert csv_rows[1][2] == '\'=HYPERLINK("x")'  # cells are still neutralised
    book = load_workbook(run_queued(app, queued_export(app, client, monkeypatch, "xlsx")))
    assert book.sheetnames == ["completions"]
    rows = list(book.active.iter_rows(values_only=True))
    assert (
        list(rows[0]) == DETAIL_EN and rows[1][2] == '\'=HYPERLINK("x")' and rows[1][3] == "0571123"
    )


def test_detail_export_keeps_the_language_of_the_request(
    app, client, admin, organisation, monkeypatch
):
    """An administrator with no language of their own gets the one their browser asked for; a
    Chinese page gives a Chinese header, even on a server whose terminal speaks English."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    job_id = queued_export(app, client, monkeypatch, "csv", **{"Accept-Language": "en"})
    assert file_rows(run_queued(app, job_id))[0] == DETAIL_EN
    job_id = queued_export(app, client, monkeypatch, "csv", **{"Accept-Language": "zh-CN"})
    header = file_rows(run_queued(app, job_id))[0]
    assert (header[0], header[2], header[4]) == ("单位", "姓名", "课程")


def test_summary_exports_are_headed_in_the_readers_language(client, english_admin, organisation):
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/reports/summary.csv?by=unit").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == ["unit"] + SUMMARY_EN
    book = load_workbook(io.BytesIO(client.get("/reports/summary.xlsx?by=class").data))
    assert book.sheetnames == ["summary", "overdue"]
    assert list(next(book["summary"].iter_rows(values_only=True))) == ["class"] + SUMMARY_EN
    assert list(next(book["overdue"].iter_rows(values_only=True))) == [
        "class",
        "username",
        "name",
        "course",
        "due",
    ]


def test_command_line_exports_speak_the_terminals_language(runner, organisation, tmp_path):
    out = tmp_path / "units.csv"
    result = runner.invoke(
        args=["report", "export", "--by", "course", str(out)], env={"LANG": "en_US.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert file_rows(out)[0] == ["course"] + SUMMARY_EN
    result = runner.invoke(
        args=["report", "export", "--detail", str(out)], env={"LANG": "en_US.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert file_rows(out)[0] == DETAIL_EN
    result = runner.invoke(
        args=["report", "export", "--detail", str(out)], env={"LANG": "zh_CN.UTF-8"}
    )
    header = file_rows(out)[0]
    assert result.exit_code == 0 and (header[0], header[2], header[4]) == ("单位", "姓名", "课程")


def test_csv_downloads_name_their_charset_once(app, client, admin, organisation):
    app.config["JOBS_INLINE"] = True
    assert (
        client.get("/reports/summary.csv?by=unit").headers["Content-Type"]
        == "text/csv; charset=utf-8"
    )
    response = Auth(client).post("/reports/exports?by=unit", data={"format": "csv"})
    download = client.get(response.location + "/download")
    assert (
        download.status_code == 200
        and download.headers["Content-Type"] == "text/csv; charset=utf-8"
    )
    assert download.data.startswith("\ufeff".encode())
    xlsx = client.get("/reports/summary.xlsx?by=unit").headers["Content-Type"]
    assert xlsx == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- one summary writer for the page and the command line --------------------------------------


def workbook_rows(data) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_command_lines_workbook_has_the_pages_overdue_sheet(
    runner, client, english_admin, organisation, tmp_path
):
    """The command line and the download write the same sheets, the overdue one included."""
    out = tmp_path / "classes.xlsx"
    result = runner.invoke(
        args=["report", "export", "--by", "class", "--format", "xlsx", str(out)],
        env={"LANG": "en_US.UTF-8"},
    )
    assert result.exit_code == 0, result.output
    cli = workbook_rows(out)
    assert list(cli) == ["summary", "overdue"]
    assert list(cli["overdue"][0]) == ["class", "username", "name", "course", "due"]
    # b and d never completed the course due on 2026-03-01.
    assert sorted(row[1] for row in cli["overdue"][1:]) == ["b", "d"]
    assert cli == workbook_rows(client.get("/reports/summary.xlsx?by=class").data)
    zh = tmp_path / "zh.xlsx"
    runner.invoke(
        args=["report", "export", "--by", "unit", "--format", "xlsx", str(zh)],
        env={"LANG": "zh_CN.UTF-8"},
    )
    assert list(workbook_rows(zh)) == ["汇总", "已逾期"]


FORMULA = next(case for case in INJECTION if case["id"] == "csvinj-008")


def test_every_summary_file_neutralises_a_formula(
    app, runner, client, admin, organisation, tmp_path
):
    """A class and a learner named like a formula: the page's downloads and the command line's
    files hold them neutralised, in the summary and in the overdue sheet."""
    with app.app_context():
        db.session.scalar(sa.select(Cohort)).name = FORMULA["input"]
        db.session.get(User, organisation["people"]["b"]).name = FORMULA["input"]
        db.session.commit()
    expected = FORMULA["neutralised_cell"]
    web_csv = client.get("/reports/summary.csv?by=class").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(web_csv.lstrip("\ufeff"))))[1][0] == expected
    out = tmp_path / "s.csv"
    assert runner.invoke(args=["report", "export", "--by", "class", str(out)]).exit_code == 0
    assert file_rows(out)[1][0] == expected
    xlsx = tmp_path / "s.xlsx"
    runner.invoke(args=["report", "export", "--by", "class", "--format", "xlsx", str(xlsx)])
    for sheets in (
        workbook_rows(xlsx),
        workbook_rows(client.get("/reports/summary.xlsx?by=class").data),
    ):
        summary, overdue = sheets.values()
        assert summary[1][0] == expected
        assert {row[0] for row in overdue[1:]} == {expected}
        assert expected in {row[2] for row in overdue[1:]}
