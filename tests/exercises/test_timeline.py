"""The inject timeline as a spreadsheet: exported and imported again it gives the same scenario and
the same file; edits land in the injects section alone; problems are named by row and column and
change nothing; the command line and the browser (preview, then apply) do the same."""

import base64
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import yaml

from courseware.accounts.models import AuditEvent, Role
from courseware.courses.models import Course, course_editor
from courseware.db import db
from courseware.exercises import timeline
from courseware.exercises.files import load_scenario_file
from courseware.exercises.models import Exercise
from tests.conftest import Auth, csrf_token, make_app
from tests.exercises.conftest import DRILL, REPO


@pytest.fixture(scope="module")
def plain_app():
    """An app for the tests that read and write files only: no database, made once."""
    return make_app("sqlite://")


SHIPPED = sorted((REPO / "exercises" / "microblogging-and-leadership").glob("*.yaml"))
COLUMN = {key: timeline.column_letter(i) for i, key in enumerate(timeline.KEYS)}


def scenario_copy(tmp_path, source: Path) -> Path:
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


def table_of(app, path: Path, fmt: str) -> list[list]:
    """The file's timeline exported and read back, as an import reads a sheet."""
    with app.test_request_context():
        scenario, problems = load_scenario_file(path)
        assert problems == []
        return timeline.read_sheet(timeline.export_bytes(scenario, fmt), f"t.{fmt}")


def plan(app, path: Path, table, locale="zh") -> timeline.Change:
    with app.test_request_context(headers={"Accept-Language": locale}):
        return timeline.plan_import(path.read_text("utf-8"), str(path), path.stem, table)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("source", [*SHIPPED, DRILL], ids=lambda p: p.stem)
def test_an_exported_timeline_imports_as_the_same_scenario_and_file(
    plain_app, tmp_path, source, fmt
):
    path = scenario_copy(tmp_path, source)
    before = path.read_text("utf-8")
    change = plan(plain_app, path, table_of(plain_app, path, fmt))
    assert change.nothing and change.text == before
    with plain_app.app_context():
        original, _ = load_scenario_file(source)
    assert change.scenario.to_dict() == original.to_dict()
    # Rewritten from the sheet, the shipped files come out byte for byte as they are.
    if source in SHIPPED:
        data = yaml.safe_load(before)
        assert (
            timeline.rewritten(before, timeline.merged_injects(change.parsed, data["injects"]))
            == before
        )


def test_every_inject_field_is_in_the_sheet(plain_app, tmp_path):
    path = scenario_copy(tmp_path, SHIPPED[-1])  # the salt panic
    table = table_of(plain_app, path, "xlsx")
    header, rows = table[0], table[1:]
    assert header[:6] == ["事件编号", "分支", "触发条件", "分钟", "渠道", "角色"]
    how = next(r for r in rows if r[0] == "how-to-publish")
    assert how[3:6] == [50, "instruction", "vice-governor"]
    assert how[9:11] == ["decide", 15]
    assert how[13] == "补货的信息怎么发？"
    assert how[15:20] == [
        "live",
        "现在就发：图文直播装车上架，逐市公布到货时间，公布咨询电话",
        "Now: live pictures of loading and shelving, arrival times city by city, and a hotline number",
        "sentiment +10; trust +10; reach -30",
        "live-restock",
    ]
    # The decision's second option has a row of its own, under the inject's.
    second = rows[rows.index(how) + 1]
    assert second[0] == "" and second[15] == "wait" and second[19] == "wait-for-briefing"
    # A text that a spreadsheet would run as a formula is exported behind a quote and read back whole.
    with plain_app.test_request_context():
        data = timeline.export_bytes(load_scenario_file(path)[0], "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cell = next(c for c in workbook.active["G"] if str(c.value).startswith("'@某省发布 现在"))
    assert cell.value.startswith("'@")
    asked = next(r for r in rows if r[0] == "leaders-asked")
    assert asked[6].startswith("@某省发布 现在全省在哄抢食盐")


def test_edits_change_the_injects_section_and_nothing_else(plain_app, tmp_path):
    path = scenario_copy(tmp_path, SHIPPED[-1])
    before = path.read_text("utf-8")
    table = table_of(plain_app, path, "csv")
    header = table[0]
    col = {key: i for i, key in enumerate(timeline.KEYS)}
    rows = table[1:]
    asked = next(r for r in rows if r[0] == "leaders-asked")
    asked[col["minute"]] = "6"
    asked[col["text_en"]] = "@ProvinceInfo Please look into the salt rush."
    asked[col["within"]] = "10"
    # A new inject at the end of the main timeline, and a thank-you in the live branch removed (the
    # journalist's trigger is named by a pass condition, so it stays).
    thanks = next(r for r in rows if r[0] == "live-thanks")
    rows.remove(thanks)
    new = [""] * len(header)
    new[col["id"]], new[col["minute"]], new[col["channel"]] = "evening-check", "200", "comment"
    new[col["persona"]], new[col["text_zh"]], new[col["expects"]] = (
        "resident",
        "晚上还能买到盐吗？",
        "reply",
    )
    new[col["expected_zh"]] = "如实说明补货进展。"
    new[col["within"]] = "30"
    rows.append(new)
    how = next(r for r in rows if r[0] == "how-to-publish")
    how[col["effects"]] = "sentiment +12; trust +10; reach -30"
    change = plan(plain_app, path, [header, *rows])
    assert change.added == ["evening-check"] and change.removed == ["live-thanks"]
    assert sorted(change.changed) == ["how-to-publish", "leaders-asked"]
    # Outside the injects section the file is as it was, comments and all.
    start, end = timeline._injects_section(before)
    new_start, new_end = timeline._injects_section(change.text)
    old_lines, new_lines = before.splitlines(), change.text.splitlines()
    assert old_lines[:start] == new_lines[:new_start]
    assert old_lines[end:] == new_lines[new_end:]
    assert old_lines[0].startswith("# Crisis-response exercise")
    scenario = change.scenario
    asked = scenario.inject("leaders-asked")
    assert (asked.at, asked.within, asked.text["en"]) == (
        6,
        10,
        "@ProvinceInfo Please look into the salt rush.",
    )
    assert asked.text["zh"].startswith("@某省发布 现在全省")
    evening = scenario.inject("evening-check")
    assert (evening.at, evening.channel, evening.expects, evening.within) == (
        200,
        "comment",
        "reply",
        30,
    )
    assert scenario.inject("how-to-publish").decision.options[0].effects == {
        "sentiment": 12.0,
        "trust": 10.0,
        "reach": -30.0,
    }
    # The new file exports and imports again unchanged.
    path.write_text(change.text, "utf-8")
    again = plan(plain_app, path, table_of(plain_app, path, "xlsx"))
    assert again.nothing and again.text == change.text


@pytest.mark.parametrize(
    ("edit", "row", "column", "message"),
    [
        (lambda t: t[1].__setitem__(4, "tweet"), 2, "channel", "须为以下之一：post, comment"),
        (lambda t: t[2].__setitem__(5, "nobody"), 3, "persona", "演练中没有角色 nobody"),
        (lambda t: t[3].__setitem__(3, "soon"), 4, "minute", "须填写 0 到 240 之间的整数"),
        (lambda t: t[3].__setitem__(3, 999), 4, "minute", "须填写 0 到 240 之间的整数"),
        (lambda t: t[5].__setitem__(8, "price, gold"), 6, "reveals", "演练中没有事实 gold"),
        (lambda t: t[1].__setitem__(6, ""), 2, "text_zh", "缺少中文内容"),
        (
            lambda t: t[2].__setitem__(0, "first-alarm"),
            3,
            "id",
            "编号 first-alarm 重复使用（另见第 2 行）",
        ),
        (lambda t: t[2].__setitem__(0, "Bad Id"), 3, "id", "请使用小写字母、数字和连字符"),
        (lambda t: t[1].__setitem__(9, "tweet"), 2, "expects", "须为以下之一：post, reply"),
        (lambda t: t[1].__setitem__(10, "-5"), 2, "within", "须填写 0 到 240 之间的整数"),
        (lambda t: t[7].__setitem__(18, "happiness +5"), 8, "effects", "影响请写成"),
        (lambda t: t[7].__setitem__(9, "post"), 8, "expects", "带决策或选项的事件"),
        (lambda t: t[8].__setitem__(15, ""), 9, "option", "请使用小写字母"),
        (lambda t: t[8].__setitem__(16, ""), 9, "option_zh", "缺少选项的中文内容"),
        (lambda t: t[2].__setitem__(0, ""), 3, "id", "每个事件都需要编号"),
    ],
)
def test_problems_are_named_by_row_and_column_and_change_nothing(
    plain_app, tmp_path, edit, row, column, message
):
    path = scenario_copy(tmp_path, SHIPPED[-1])
    before = path.read_bytes()
    table = table_of(plain_app, path, "csv")
    assert table[7][0] == "how-to-publish" and table[8][0] == ""  # the rows the cases edit
    edit(table)
    with pytest.raises(timeline.TimelineError) as refused:
        plan(plain_app, path, table)
    with plain_app.test_request_context(headers={"Accept-Language": "zh"}):
        said = [str(p) for p in refused.value.problems]
    where = f"第 {row} 行，{COLUMN[column]} 列（"
    assert any(s.startswith(where) and message in s for s in said), said
    assert path.read_bytes() == before


def test_a_branch_no_option_reaches_is_told_at_its_row(plain_app, tmp_path):
    path = scenario_copy(tmp_path, SHIPPED[-1])
    table = table_of(plain_app, path, "csv")
    thanks = next(i for i, r in enumerate(table) if r[0] == "live-thanks")
    table[thanks][1] = "nowhere"
    with pytest.raises(timeline.TimelineError) as refused:
        plan(plain_app, path, table, locale="en")
    with plain_app.test_request_context(headers={"Accept-Language": "en"}):
        said = [str(p) for p in refused.value.problems]
    assert (
        f"row {thanks + 1}: branch nowhere is never reached: no decision option goes there" in said
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (lambda h: h.__setitem__(4, "渠道?"), "第 1 行：E 列：无法识别的列“渠道?”"),
        (lambda h: h.__setitem__(4, ""), "缺少“渠道”列"),
        (
            lambda h: h.__setitem__(1, "minute"),
            "第 1 行，D 列（分钟）：这一列重复出现（另见 B 列）",
        ),
    ],
)
def test_the_header_is_read_in_either_language_and_checked(plain_app, tmp_path, header, message):
    path = scenario_copy(tmp_path, SHIPPED[-1])
    table = table_of(plain_app, path, "csv")
    # English headers are read as well as Chinese ones.
    with plain_app.test_request_context(headers={"Accept-Language": "en"}):
        english = timeline.read_sheet(
            timeline.export_bytes(load_scenario_file(path)[0], "csv"), "t.csv"
        )
    assert english[0][0] == "inject id"
    assert plan(plain_app, path, english).nothing
    header(table[0])
    with pytest.raises(timeline.TimelineError) as refused:
        plan(plain_app, path, table)
    with plain_app.test_request_context(headers={"Accept-Language": "zh"}):
        said = " ".join(str(p) for p in refused.value.problems)
    assert said.startswith("第 1 行") and message in said


def test_files_that_are_no_sheet_are_refused(plain_app):
    with plain_app.test_request_context(headers={"Accept-Language": "en"}):
        for data, name, message in (
            (b"not a zip", "t.xlsx", "The file is not an XLSX workbook."),
            (b"\xff\xfe\x00bad", "t.csv", None),
            (b"x", "t.txt", "Choose an .xlsx or .csv file."),
            (b"", "t.csv", "The sheet is empty."),
        ):
            try:
                rows = timeline.read_sheet(data, name)
                timeline.parse_rows(rows, load_scenario_file(DRILL)[0])
            except timeline.TimelineError as error:
                if message:
                    assert message in str(error)
            else:
                raise AssertionError(name)


def test_a_gb18030_csv_from_excel_is_read(plain_app, tmp_path):
    path = scenario_copy(tmp_path, SHIPPED[-1])
    with plain_app.test_request_context():
        text = timeline.export_bytes(load_scenario_file(path)[0], "csv").decode("utf-8-sig")
    table = timeline.read_sheet(text.encode("gb18030"), "t.csv")
    assert plan(plain_app, path, table).nothing


def test_the_command_line_exports_and_imports(
    app, runner, tmp_path, salt_panic_course, monkeypatch
):
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the command line speaks the terminal's language
    sheet = tmp_path / "timeline.xlsx"
    scenario_file = salt_panic_course / "salt-panic.yaml"
    before = scenario_file.read_text("utf-8")
    result = runner.invoke(args=["exercise", "timeline", "export", "salt-panic", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "Wrote 26 injects" in result.output
    result = runner.invoke(
        args=["exercise", "timeline", "import", "test-course/salt-panic", str(sheet)]
    )
    assert result.exit_code == 0 and "the timeline is unchanged" in result.output
    assert scenario_file.read_text("utf-8") == before
    # An edit is written into the file; a bad sheet changes nothing.
    workbook = openpyxl.load_workbook(sheet)
    sheet_rows = workbook.active
    assert sheet_rows["A3"].value == "leaders-asked"
    sheet_rows["D3"] = 7
    workbook.save(sheet)
    result = runner.invoke(args=["exercise", "timeline", "import", str(scenario_file), str(sheet)])
    assert result.exit_code == 0, result.output
    assert "0 injects added, 1 changed, 0 removed" in result.output
    assert "  at: 7\n  channel: mention\n  persona: reporter-netizen" in scenario_file.read_text(
        "utf-8"
    )
    edited = scenario_file.read_text("utf-8")
    sheet_rows["E3"] = "tweet"
    sheet_rows["F4"] = "nobody"
    workbook.save(sheet)
    result = runner.invoke(args=["exercise", "timeline", "import", "salt-panic", str(sheet)])
    assert result.exit_code != 0
    assert f"{sheet}: row 3, column E (channel): must be one of:" in result.output
    assert f"{sheet}: row 4, column F (persona): no persona nobody" in result.output
    assert "2 problems in" in result.output and "nothing was changed" in result.output
    assert scenario_file.read_text("utf-8") == edited
    for args, message in (
        (["export", "no-such", str(sheet)], "no scenario 'no-such'"),
        (["export", "salt-panic", str(tmp_path / "t.txt")], "must end in .xlsx or .csv"),
    ):
        result = runner.invoke(args=["exercise", "timeline", *args])
        assert result.exit_code != 0 and message in result.output


@pytest.fixture
def editor(app, make_user, salt_panic_course):
    """An instructor who edits the test course, signed in, reading Chinese."""
    editor_id = make_user(Role.INSTRUCTOR, username="editor")
    make_user(Role.INSTRUCTOR, username="reader")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.execute(course_editor.insert().values(course_id=course.id, user_id=editor_id))
        db.session.commit()
        exercise_id = db.session.scalar(sa.select(Exercise.id).where(Exercise.slug == "salt-panic"))
    client = app.test_client()
    assert Auth(client).login("editor").status_code == 302
    return client, exercise_id, salt_panic_course / "salt-panic.yaml"


def test_an_editor_previews_then_applies_a_timeline_in_the_browser(app, editor):
    client, exercise_id, scenario_file = editor
    url = f"/teach/exercises/{exercise_id}/timeline"
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}.xlsx"' in page and 'type="file"' in page
    assert f"/teach/exercises/{exercise_id}/timeline" in client.get("/teach/exercises/").get_data(
        as_text=True
    )
    sheet = client.get(f"{url}.csv")
    assert sheet.headers["Content-Disposition"] == "attachment; filename=salt-panic-timeline.csv"
    text = sheet.get_data(as_text=True)
    edited = text.replace("leaders-asked,,,5,", "leaders-asked,,,8,")
    assert edited != text

    def upload(data: bytes, name="timeline.csv"):
        return client.post(
            url,
            data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    preview = upload(edited.encode("utf-8"))
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "新增事件：0；修改：1；删除：0。" in page and "<mark>修改</mark>" in page
    assert "  at: 5\n" in scenario_file.read_text("utf-8")  # a preview writes nothing
    content = re.search(r'name="content" value="([^"]+)"', page).group(1)
    base = re.search(r'name="base" value="([^"]+)"', page).group(1)
    assert base64.b64decode(content) == edited.encode("utf-8")

    applied = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "filename": "timeline.csv",
            "content": content,
            "base": base,
        },
    )
    assert applied.status_code == 302
    assert "时间表已应用。新增事件：0；修改：1；删除：0。" in client.get(applied.location).get_data(
        as_text=True
    )
    assert "  at: 8\n  channel: mention\n" in scenario_file.read_text("utf-8")
    with app.app_context():
        exercise = db.session.get(Exercise, exercise_id)
        assert exercise.scenario.inject("leaders-asked").at == 8
        entry = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "exercise.timeline")
        )
        assert json.loads(entry.detail)["changed"] == ["leaders-asked"]
    # Applying a preview made before the file changed is refused.
    stale = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "filename": "timeline.csv",
            "content": content,
            "base": base,
        },
    )
    assert stale.status_code == 409
    assert "预览之后演练已被修改，请重新上传表格。" in stale.get_data(as_text=True)

    # A bad sheet is answered with every problem by row and column, and nothing changes.
    before = scenario_file.read_bytes()
    bad = upload(edited.replace(",mention,reporter-netizen,", ",tweet,reporter-netizen,").encode())
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "未做任何修改：timeline.csv 中有 1 个问题" in page
    assert "第 3 行，E 列（渠道）：须为以下之一" in page
    assert scenario_file.read_bytes() == before
    for data, name, message in (
        (b"x", "timeline.txt", "请选择 .xlsx 或 .csv 文件。"),
        (b"x" * (1024 * 1024 + 1), "timeline.csv", "文件超过 1 MB。"),
    ):
        refused = upload(data, name)
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)


def test_only_the_courses_editors_see_the_timeline(app, editor):
    _client, exercise_id, _file = editor
    reader = app.test_client()
    assert Auth(reader).login("reader").status_code == 302
    assert reader.get(f"/teach/exercises/{exercise_id}/timeline").status_code == 404
    assert reader.get(f"/teach/exercises/{exercise_id}/timeline.xlsx").status_code == 404
    assert "timeline" not in reader.get("/teach/exercises/").get_data(as_text=True)
