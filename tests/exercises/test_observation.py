"""Observers' evaluations of a live run: invitations, notes pinned to injects, P/S/M/U ratings per
capability combined across observers, shown in the after-action report, audited and exported."""

import csv
import io
import json

import openpyxl
import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.db import db
from courseware.exercises import observation
from courseware.exercises.files import parse_scenario
from courseware.exercises.models import CapabilityRating, ObserverNote
from tests.conftest import Auth
from tests.exercises.test_live_classroom import command, live_class, signed_in  # noqa: F401
from tests.exercises.test_runs import act, IDEAL


@pytest.fixture
def observed(app, make_user, live_class):  # noqa: F811
    """The live class with two instructors invited to observe it, and one who is not."""
    for username, name, locale in (
        ("wang", "王老师", None),
        ("zhao", "Zhao", "en"),
        ("qian", "钱老师", None),
    ):
        make_user(Role.INSTRUCTOR, username=username, name=name, locale=locale)
    teacher = Auth(live_class["teacher"])
    base = f"/teach/exercises/live/{live_class['live']}"
    for username in ("wang", "zhao"):
        assert teacher.post(f"{base}/observers", data={"username": username}).status_code == 302
    return {**live_class, "base": base}


def audit(app, action) -> list:
    """The details of the audit entries of one action, oldest first."""
    with app.app_context():
        return [
            json.loads(e.detail)
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def test_only_the_instructor_invites_and_only_instructors_are_invited(app, make_user, observed):
    teacher = observed["teacher"]
    base = observed["base"]
    make_user(username="xue", name="学员")
    for username, message in (
        ("nobody", "没有使用该用户名的在用教师账号。"),
        ("xue", "没有使用该用户名的在用教师账号。"),  # a learner is no observer
        ("wang", "这位教师已经是观察员。"),
        ("teacher", "这位教师正在主持本次演练。"),
        ("", "请输入要邀请的教师的用户名。"),
    ):
        refused = Auth(teacher).post(f"{base}/observers", data={"username": username})
        assert message in teacher.get(refused.location).get_data(as_text=True), username
    assert audit(app, "exercise.observer") == [
        {"invited": "wang"},
        {"invited": "zhao"},
    ]
    # An observer observes, and reads the teams' reports; they do not run the clock.
    wang = signed_in(app, "wang")
    assert wang.get(f"{base}/observe").status_code == 200
    assert wang.get(f"{base}/report").status_code == 200
    assert wang.get(base).status_code == 404
    assert Auth(wang).post(f"{base}/control", data={"command": "start"}).status_code == 404
    assert Auth(wang).post(f"{base}/observers", data={"username": "qian"}).status_code == 404
    qian = signed_in(app, "qian")
    assert qian.get(f"{base}/observe").status_code == 404
    assert Auth(qian).post(f"{base}/notes", data={"text": "x"}).status_code == 404
    page = wang.get("/teach/exercises/").get_data(as_text=True)
    assert f'href="{base}/observe"' in page
    # Removed, the observer is out at once.
    with app.app_context():
        wang_id = db.session.scalar(sa.text("SELECT id FROM \"user\" WHERE username = 'wang'"))
    assert Auth(teacher).post(f"{base}/observers/{wang_id}/remove").status_code == 302
    assert wang.get(f"{base}/observe").status_code == 404
    assert audit(app, "exercise.observer_remove")[0] == {"removed": "wang"}


def test_notes_are_timestamped_pinned_audited_and_deleted_by_their_author(app, observed):
    base = observed["base"]
    wang, zhao = signed_in(app, "wang"), signed_in(app, "zhao")
    command(observed, "start")
    page = wang.get(f"{base}/observe").get_data(as_text=True)
    assert '<option value="i1">0′ · 超市的盐被抢光了！</option>' in page
    saved = Auth(wang).post(
        f"{base}/notes",
        data={"text": "一组先核实再发布，很稳。", "inject": "i1", "team": str(observed["run"])},
    )
    assert saved.status_code == 302
    Auth(zhao).post(f"{base}/notes", data={"text": '=HYPERLINK("x")', "inject": "", "team": ""})
    for data, message in (
        ({"text": "  ", "inject": "", "team": ""}, "Write the note before saving it."),
        ({"text": "x", "inject": "i9", "team": ""}, "Choose an inject from the list."),
        ({"text": "x", "inject": "", "team": "999999"}, "Choose a team from the list."),
    ):
        refused = Auth(zhao).post(f"{base}/notes", data=data)
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    with app.app_context():
        notes = list(db.session.scalars(sa.select(ObserverNote).order_by(ObserverNote.id)))
        assert [(n.inject_id, n.run_id) for n in notes] == [
            ("i1", observed["run"]),
            ("", None),
        ]
        assert all(n.minute >= 0 and n.created_at is not None for n in notes)
        first, second = notes[0].id, notes[1].id
    assert [e["text"] for e in audit(app, "exercise.note")] == [
        "一组先核实再发布，很稳。",
        '=HYPERLINK("x")',
    ]
    # Another observer may not delete it; its author and the instructor may.
    refused = Auth(zhao).post(f"{base}/notes/{first}/delete")
    assert "Only its author or the instructor running the exercise may delete a note." in (
        zhao.get(refused.location).get_data(as_text=True)
    )
    assert Auth(observed["teacher"]).post(f"{base}/notes/{second}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ObserverNote)) == 1
    assert audit(app, "exercise.note_delete")[0]["note"] == second


def test_ratings_combine_across_observers_and_sit_beside_the_scores_in_the_report(app, observed):
    base, run_id = observed["base"], observed["run"]
    wang, zhao = signed_in(app, "wang"), signed_in(app, "zhao")
    teacher = observed["teacher"]
    command(observed, "start")
    anna = signed_in(app, "anna")
    assert act(anna, run_id, kind="post", text=IDEAL).status_code == 302
    url = f"{base}/teams/{run_id}/ratings"
    assert (
        Auth(wang)
        .post(url, data={"rating-public-information": "P", "rating-coordination": "S"})
        .status_code
        == 302
    )
    assert (
        Auth(zhao)
        .post(
            url,
            data={
                "rating-public-information": "M",
                "comment-public-information": "回应晚了",
                "rating-coordination": "S",
            },
        )
        .status_code
        == 302
    )
    # A rating off the scale is refused beside its capability, and nothing is saved.
    refused = Auth(teacher).post(url, data={"rating-public-information": "X"})
    assert refused.status_code == 400
    assert '<small id="rating-' in refused.get_data(as_text=True)
    assert "请选择 P、S、M、U 或“未评分”。" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CapabilityRating)) == 4
        from courseware.exercises.models import ExerciseRun

        combined = {
            c.capability.id: c for c in observation.combined(db.session.get(ExerciseRun, run_id))
        }
    public = combined["public-information"]
    assert (public.mean, public.lowest, public.highest, public.spread, public.count) == (
        3.0,
        "M",
        "P",
        2,
        2,
    )
    assert public.nearest == "S"
    assert (combined["coordination"].mean, combined["coordination"].spread) == (3.0, 0)
    # Changing one's mind is a change, audited with what it was; the same again is none.
    Auth(wang).post(url, data={"rating-public-information": "S", "rating-coordination": "S"})
    Auth(wang).post(url, data={"rating-public-information": "S", "rating-coordination": "S"})
    changes = [e["changes"] for e in audit(app, "exercise.rating")]
    assert changes[-1] == {"public-information": [["P", ""], ["S", ""]]}
    assert len(changes) == 3
    page = wang.get(f"{base}/observe").get_data(as_text=True)
    assert "综合：2.5（M–S），来自 2 位观察员" in page
    # The team's own report shows the combined ratings beside the automatic scores.
    command(observed, "finish")
    report = anna.get(f"/exercises/runs/{run_id}/report").get_data(as_text=True)
    scores_at = report.index("Scores by dimension")
    ratings_at = report.index(f'<h2 id="ratings-{run_id}">Observers\' ratings</h2>')
    plan_at = report.index("Improvement plan")
    assert scores_at < ratings_at < plan_at
    assert "Public information and warning" in report
    # The mean 2.5 lies between M and S: it is shown with the better of the two.
    assert "2.5 (S: performed with some challenges)" in report
    assert "M–S" in report and "回应晚了" in report
    live = teacher.get(f"{base}/report").get_data(as_text=True)
    assert "观察员评分" in live and "公共信息与预警" in live


def test_notes_and_ratings_export_neutralised(app, observed):
    base, run_id = observed["base"], observed["run"]
    wang = signed_in(app, "wang")
    command(observed, "start")
    Auth(wang).post(f"{base}/notes", data={"text": "=1+1", "inject": "i1", "team": ""})
    Auth(wang).post(
        f"{base}/teams/{run_id}/ratings",
        data={"rating-coordination": "U", "comment-coordination": "@SUM(A1)"},
    )
    text = wang.get(f"{base}/evaluations.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "类型",
        "小组",
        "分钟",
        "事件",
        "能力项",
        "评分",
        "记录或评语",
        "观察员",
        "记录时间",
    ]
    assert rows[1][:2] == ["观察记录", "所有小组"] and rows[1][6] == "'=1+1"
    assert rows[1][3].startswith("0′ 超市的盐被抢光了")
    assert rows[2][:2] == ["评分", "第 1 组"] and rows[2][4:7] == ["运行协调", "U", "'@SUM(A1)"]
    workbook = openpyxl.load_workbook(io.BytesIO(wang.get(f"{base}/evaluations.xlsx").data))
    assert workbook.sheetnames == ["观察记录", "评分"]
    assert workbook["观察记录"]["G2"].value == "'=1+1"
    assert workbook["评分"]["G2"].value == "'@SUM(A1)"
    assert wang.get(f"{base}/evaluations.pdf").status_code == 404


@pytest.mark.parametrize(
    ("capabilities", "message"),
    [
        (
            "capabilities:\n- id: x\n  name: {zh: 甲}\n",
            "a capability needs a list of critical tasks",
        ),
        ("capabilities:\n- id: x\n  tasks: [{zh: 任务}]\n", "a text is a string or a mapping"),
        ("capabilities:\n- name: {zh: 甲}\n  tasks: [任务]\n", "a capability needs an id"),
    ],
)
def test_a_capability_needs_an_id_a_name_and_critical_tasks(capabilities, message):
    from tests.exercises.conftest import DRILL

    source = DRILL.read_text("utf-8")
    start = source.index("capabilities:")
    end = source.index("debrief:")
    scenario, problems = parse_scenario(
        source[:start] + capabilities + source[end:], "drill.yaml", "drill"
    )
    assert scenario is None and any(message in p.message for p in problems), problems
