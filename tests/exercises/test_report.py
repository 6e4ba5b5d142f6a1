"""The after-action report shows what the scoring now weighs, in zh and en: whether the run passed
and which pass condition failed, the posts that stated what the trainee did not yet know, the
decisions' points and the outcome; a live class's teams are drawn on one scale."""

import re

import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.db import db
from courseware.exercises.models import ExerciseRun
from tests.conftest import Auth, csrf_token
from tests.exercises.test_runs import act, IDEAL, start_run

SLOGAN = "已部署，盐会有的！请大家放心，将及时发布后续。"


def play_the_slogan(app, client, username):
    """The slogan post with no call, then the choice to wait for the press conference."""
    assert Auth(client).login(username).status_code == 302
    run_id = start_run(Auth(client), "salt-panic")
    assert act(client, run_id, kind="post", text=SLOGAN).status_code == 302  # minute 10
    assert act(client, run_id, kind="wait", minutes="40").status_code == 302  # minute 50
    assert (
        act(client, run_id, kind="decide", target="how-to-publish", option="wait").status_code
        == 302
    )
    finished = client.post(
        f"/exercises/runs/{run_id}/finish",
        data={"csrf_token": csrf_token(client, f"/exercises/runs/{run_id}")},
    )
    return run_id, client.get(finished.location).get_data(as_text=True)


def squeeze(page: str) -> str:
    return re.sub(r"\s+", " ", page)


def test_the_report_says_why_the_slogan_post_does_not_pass(app, make_user, salt_panic_course):
    make_user(username="reader", locale="en")
    make_user(username="duzhe", locale="zh")
    run_id, en = play_the_slogan(app, app.test_client(), "reader")
    _, zh = play_the_slogan(app, app.test_client(), "duzhe")
    en, zh = squeeze(en), squeeze(zh)
    with app.app_context():
        run = db.session.get(ExerciseRun, run_id)
        assert run.passed is False and run.score < 60

    assert "Not passed: the total is below 60, and not every pass condition was met." in en
    assert "未通过：总分不到 60 分，也没有做到全部通过条件。" in zh
    # Each pass condition, met or not, and why.
    assert (
        "<strong>Not met:</strong> Called the salt company before giving stock and restocking "
        'figures or times — <span class="muted">You did not call Provincial salt company.</span>'
    ) in en
    assert (
        "<strong>未做到:</strong> 公布库存和补货的具体数字、时间前，先致电省盐业公司核实 — "
        '<span class="muted">你没有致电省盐业公司。</span>'
    ) in zh
    # The post, and why its words did not count.
    assert "Claims checked against what you knew" in en and "对照你当时掌握的情况核查的说法" in zh
    assert (
        "States a fact before you had learned it, so it did not count: The province has ample "
        "salt reserves"
    ) in en
    assert "(you learn it from a call to Provincial salt company)" in en
    assert "在得知之前就说出了这一事实，因此不算数：全省食盐储备充足" in zh
    assert "（可从致电省盐业公司得知）" in zh
    assert SLOGAN in en and SLOGAN in zh
    # The outcome dimension and the decision's points on the total.
    assert 'Outcome (<span lang="zh-CN">结果</span>)' in en and '<th scope="row">结果</th>' in zh
    assert re.search(
        r'<tr class="decision-points"><th scope="row">Decision</th><td>—</td><td>-5</td><td>Wait for tomorrow',
        en,
    )
    assert re.search(r'<th scope="row">决策</th><td>—</td><td>-5</td><td>等明天上午新闻发布会', zh)
    responses = re.search(r"Of (\d+) messages that needed an answer: (\d+) answered on time", en)
    # On time: the post after the first alarm, and the decision; nothing else was answered.
    assert responses and responses.group(2) == "2"
    assert f"需要回应的 {responses.group(1)} 条消息中：按时回应 2 条" in zh
    assert "Think again about these choices, which cost points" in en
    assert "请重新思考这些扣分的决策" in zh


def test_the_instructor_review_shows_the_engines_notes(
    app, make_user, make_class, salt_panic_course
):
    learner = make_user(Role.LEARNER, username="learner-a", locale="zh")
    teacher = make_user(Role.INSTRUCTOR, username="teacher-en", locale="en")
    make_class([teacher], [learner])
    client = app.test_client()
    run_id, _ = play_the_slogan(app, client, "learner-a")
    reviewer = app.test_client()
    assert Auth(reviewer).login("teacher-en").status_code == 302
    page = squeeze(reviewer.get(f"/teach/exercises/runs/{run_id}/review").get_data(as_text=True))
    assert "not passed" in page
    assert '<ul class="questioned"><li>States a fact before you had learned it' in page


def test_a_live_classs_teams_are_drawn_on_one_scale(app, make_user, exercise_course):
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher-a")
    learners = [make_user(Role.LEARNER, username=f"learner-{c}") for c in "ab"]
    with app.app_context():
        cohort = Cohort(name="2026 春季班", instructors=[db.session.get(User, teacher_id)])
        db.session.add(cohort)
        cohort.members.extend(db.session.get(User, i) for i in learners)
        db.session.commit()
        cohort_id = cohort.id
        exercise_id = db.session.scalar(sa.text("SELECT id FROM exercise"))
    teacher = app.test_client()
    assert Auth(teacher).login("teacher-a").status_code == 302
    created = Auth(teacher).post(
        f"/teach/exercises/{exercise_id}/live",
        data={"cohort": cohort_id, "teams": "2", "speed": "1"},
    )
    live_id = int(created.location.rsplit("/", 1)[1])

    def command(name):
        return Auth(teacher).post(
            f"/teach/exercises/live/{live_id}/control", data={"command": name}
        )

    command("start")
    first = app.test_client()
    assert Auth(first).login("learner-a").status_code == 302
    run_id = int(
        re.search(
            r"/exercises/runs/(\d+)", first.get("/exercises/live").get_data(as_text=True)
        ).group(1)
    )
    act(
        first, run_id, kind="post", text=IDEAL
    )  # this team counters the rumour; the other is silent
    command("finish")
    page = teacher.get(f"/teach/exercises/live/{live_id}/report").get_data(as_text=True)
    tops = re.findall(r"rumour reach \(log scale, top ([\d,]+)\)", page) or re.findall(
        r"谣言传播人数（对数刻度，最高 ([\d,]+)）", page
    )
    assert len(tops) == 2 and tops[0] == tops[1], tops
    with app.app_context():
        runs = db.session.scalars(
            sa.select(ExerciseRun).where(ExerciseRun.live_id == live_id)
        ).all()
        population = runs[0].exercise.scenario.population
    assert int(tops[0].replace(",", "")) <= population
