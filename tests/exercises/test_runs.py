"""Self-paced and live runs through the routes, reviews and the after-action report."""

import re

import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Cohort, Role, User
from courseware.db import db
from courseware.exercises import engine
from courseware.exercises.models import ExerciseRun, LiveSession, LiveStatus, RunAction
from tests.conftest import Auth, csrf_token

IDEAL = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射，请勿抢购。我们将持续通报。"


def start_run(auth, slug="drill"):
    response = auth.post(f"/exercises/test-course/{slug}/start")
    assert response.status_code == 302
    return int(re.search(r"/exercises/runs/(\d+)$", response.location).group(1))


def act(client, run_id, **data):
    data.setdefault("csrf_token", csrf_token(client, f"/exercises/runs/{run_id}"))
    return client.post(f"/exercises/runs/{run_id}/act", data=data)


def test_a_decision_with_no_option_chosen_is_answered_in_the_pages_language(
    app, client, auth, make_user, exercise_course
):
    """The decision form leaves the check to the server, not to the browser's own bubble, which
    speaks the browser's language rather than the page's."""
    make_user(Role.LEARNER, username="learner-a")
    assert auth.login("learner-a").status_code == 302
    run_id = start_run(auth)
    assert act(client, run_id, kind="wait", minutes="40").status_code == 302
    page = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    assert re.search(r'<form [^>]*id="decide-i3"[^>]*novalidate', page)
    unchosen = act(client, run_id, kind="decide", target="i3")
    assert unchosen.status_code == 302 and "请选择一个选项。" in client.get(
        unchosen.location
    ).get_data(as_text=True)
    with app.app_context():
        assert [a.kind for a in db.session.scalars(sa.select(RunAction))] == ["wait"]


def test_a_self_paced_run_from_briefing_to_report(app, client, auth, make_user, exercise_course):
    make_user(Role.LEARNER, username="learner-a")
    assert auth.login("learner-a").status_code == 302
    intro = client.get("/exercises/test-course/drill").get_data(as_text=True)
    assert "有传言说盐要断供。" in intro
    run_id = start_run(auth)
    assert start_run(auth) == run_id  # an open run is continued, not duplicated
    page = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    assert "超市的盐被抢光了！" in page and "省盐业公司" in page

    assert act(client, run_id, kind="call", target="salt-co").status_code == 302
    assert act(client, run_id, kind="post", text=IDEAL).status_code == 302
    # The leader's question comes at minute 40: deciding before it is refused with a message.
    bad = act(client, run_id, kind="decide", target="i3", option="press")
    assert bad.status_code == 302
    assert "这个决定现在还不能作出。" in client.get(bad.location).get_data(as_text=True)
    with app.app_context():
        kinds = [a.kind for a in db.session.scalars(sa.select(RunAction).order_by(RunAction.id))]
    assert kinds == ["call", "post"]  # the refused decision was not stored

    empty = act(client, run_id, kind="post", text="   ")
    assert empty.status_code == 422
    assert (
        '<p id="post-error" class="field-error" role="alert">请先输入内容再发布。</p>'
        in empty.get_data(as_text=True)
    )
    # A reload shows the post: it was on the server before the page showed it.
    page = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    assert IDEAL in page and "储备充足，价格稳定。" in page

    done = client.post(
        f"/exercises/runs/{run_id}/finish",
        data={"csrf_token": csrf_token(client, f"/exercises/runs/{run_id}")},
    )
    assert done.status_code == 302 and done.location.endswith(f"/exercises/runs/{run_id}/report")
    report = client.get(done.location).get_data(as_text=True)
    assert "<svg" in report and "polyline" in report and "复盘。" in report
    with app.app_context():
        run = db.session.get(ExerciseRun, run_id)
        assert run.status == "finished" and run.score is not None and run.score > 60
    csv = client.get(f"/exercises/runs/{run_id}/report.csv")
    assert csv.status_code == 200 and IDEAL in csv.get_data(as_text=True)
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    # After the end nothing more can be done.
    act(client, run_id, kind="post", text=IDEAL)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RunAction)) == 2
    course = client.get("/courses/test-course").get_data(as_text=True)
    assert "/exercises/test-course/drill" in course


def test_runs_are_private_and_review_is_for_instructors(
    app, client, auth, make_user, make_class, exercise_course
):
    learner_id = make_user(Role.LEARNER, username="learner-a")
    assert auth.login("learner-a").status_code == 302
    run_id = start_run(auth)
    act(client, run_id, kind="post", text="无可奉告。")
    other = app.test_client()
    make_user(Role.LEARNER, username="learner-b")
    assert Auth(other).login("learner-b").status_code == 302
    assert other.get(f"/exercises/runs/{run_id}").status_code == 404
    assert other.get(f"/exercises/runs/{run_id}/report").status_code == 404
    assert act(other, run_id, kind="post", text=IDEAL).status_code == 404
    assert other.get(f"/teach/exercises/runs/{run_id}/review").status_code == 403

    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher-a")], [learner_id])
    assert Auth(teacher).login("teacher-a").status_code == 302
    page = teacher.get(f"/teach/exercises/runs/{run_id}/review").get_data(as_text=True)
    assert "无可奉告。" in page
    with app.app_context():
        action_id = db.session.scalar(sa.select(RunAction.id).where(RunAction.kind == "post"))
    wrong = Auth(teacher).post(
        f"/teach/exercises/runs/{run_id}/review",
        data={"action": action_id, "score": "120"},
        follow_redirects=True,
    )
    assert "0 到 100" in wrong.get_data(as_text=True)
    Auth(teacher).post(
        f"/teach/exercises/runs/{run_id}/review",
        data={"action": action_id, "score": "70", "comment": "态度生硬"},
    )
    report = client.get(f"/exercises/runs/{run_id}/report").get_data(as_text=True)
    assert "态度生硬" in report
    with app.app_context():
        assert (
            db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exercise.review"))
            is not None
        )


def test_a_live_class_follows_the_instructor(app, make_user, exercise_course):
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
    assert created.status_code == 302
    live_id = int(created.location.rsplit("/", 1)[1])
    clients = []
    for username in ("learner-a", "learner-b"):
        c = app.test_client()
        assert Auth(c).login(username).status_code == 302
        clients.append(c)
    team_runs = []
    for c in clients:
        page = c.get("/exercises/live").get_data(as_text=True)
        team_runs.append(int(re.search(r"/exercises/runs/(\d+)", page).group(1)))
    assert len(set(team_runs)) == 2
    # Before the start nobody can post.
    act(clients[0], team_runs[0], kind="post", text=IDEAL)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RunAction)) == 0

    def command(name, **data):
        return Auth(teacher).post(
            f"/teach/exercises/live/{live_id}/control", data={"command": name, **data}
        )

    command("start")
    for c, run_id in zip(clients, team_runs):
        assert "超市的盐被抢光了！" in c.get(f"/exercises/runs/{run_id}/feed").get_data(
            as_text=True
        )
    command("next")
    command("adhoc", persona="journalist", channel="news", text="现场记者：超市已补货。")
    # The instructor's buttons store kinds of the table that are not the trainees'.
    stored = set(stored_actions(app))
    assert stored == {"publish_next", "adhoc"} and stored <= set(engine.ACTION_KINDS)
    assert not stored & set(engine.trainee_actions())
    for c, run_id in zip(clients, team_runs):
        board = c.get(f"/exercises/runs/{run_id}/feed").get_data(as_text=True)
        assert "碘盐能防辐射吗？" in board and "现场记者：超市已补货。" in board
    act(clients[0], team_runs[0], kind="post", text=IDEAL)
    projector = teacher.get(f"/teach/exercises/live/{live_id}/projector/board").get_data(
        as_text=True
    )
    assert IDEAL in projector and "超市的盐被抢光了！" in projector
    command("pause")
    with app.app_context():
        assert db.session.get(LiveSession, live_id).status == "paused"
    command("finish")
    with app.app_context():
        runs = db.session.scalars(
            sa.select(ExerciseRun).where(ExerciseRun.live_id == live_id)
        ).all()
        assert all(r.status == "finished" and r.score is not None for r in runs)
        assert runs[0].score > runs[1].score  # the team that posted did better than the silent one
        # The statuses are enum members in the code and the same plain strings in the database.
        assert db.session.get(LiveSession, live_id).status is LiveStatus.FINISHED
        assert db.session.execute(sa.text("SELECT status FROM exercise_live")).all() == [
            ("finished",)
        ]
        assert db.session.execute(sa.text("SELECT DISTINCT status FROM exercise_run")).all() == [
            ("finished",)
        ]
    assert teacher.get(f"/teach/exercises/live/{live_id}/report").status_code == 200
    # A post sent after the end comes back in its box, and the page no longer polls: the next poll
    # would send it on to the report, taking the text with it.
    late = act(clients[0], team_runs[0], kind="post", text=IDEAL)
    assert late.status_code == 422
    page = late.get_data(as_text=True)
    assert (
        f">\n{IDEAL}</textarea>" in page
        and "本次演练已经结束。" in page
        and "data-hx-trigger" not in page
    )


def stored_actions(app) -> list[str]:
    with app.app_context():
        return [a.kind for a in db.session.scalars(sa.select(RunAction).order_by(RunAction.id))]


def composer(page: str) -> str:
    """The post box's form on an exercise page, from its tag."""
    return (
        "<form" + page.split('id="compose-title"', 1)[1].split("<form", 1)[1].split("</form>", 1)[0]
    )


def reply_box(page: str, inject: str) -> str:
    return page.split(f'<details id="reply-{inject}"', 1)[1].split("</details>", 1)[0]


def test_an_empty_post_is_answered_beside_the_box_in_the_pages_language(
    app, client, auth, make_user, exercise_course
):
    make_user(username="reader", locale="en")
    assert auth.login("reader").status_code == 302
    run_id = start_run(auth)
    page = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    # The browser's own bubble would speak the browser's language: the server answers instead.
    assert "novalidate" in composer(page).split(">", 1)[0]
    assert "novalidate" in reply_box(page, "i1").split("<form", 1)[1].split(">", 1)[0]

    for blank in ("", "  \n\u3000 "):
        refused = act(client, run_id, kind="post", text=blank)
        assert refused.status_code == 422
        box = composer(refused.get_data(as_text=True))
        assert (
            '<p id="post-error" class="field-error" role="alert">Write something before posting.</p>'
            in box
        )
        assert re.search(
            r'<textarea id="post-text"[^>]*aria-describedby="post-error post-count post-over"[^>]*aria-invalid="true"',
            box,
        )
    # An empty reply is answered in its own box, opened.
    refused = act(client, run_id, kind="reply", target="i1", text=" ")
    assert refused.status_code == 422
    box = reply_box(refused.get_data(as_text=True), "i1")
    assert box.startswith(" data-hx-preserve open>")
    assert (
        '<p id="reply-error-i1" class="field-error" role="alert">Write something before posting.</p>'
        in box
    )
    assert "Write something before posting." not in composer(refused.get_data(as_text=True))
    assert stored_actions(app) == []  # nothing half-way


def test_a_refused_post_keeps_what_was_typed(app, client, auth, make_user, exercise_course):
    make_user(username="reader", locale="en")
    assert auth.login("reader").status_code == 302
    run_id = start_run(auth)
    # A reply to a message that has not come yet goes back into the post box, as typed.
    typed = "\nThanks for asking: <b>iodised salt</b> does not protect.  "
    refused = act(client, run_id, kind="reply", target="i2", text=typed)
    assert refused.status_code == 422
    box = composer(refused.get_data(as_text=True))
    assert "That message cannot be answered." in box
    # The newline after the tag is dropped by the parser, so the text's own first newline survives.
    assert (
        ">\n\nThanks for asking: &lt;b&gt;iodised salt&lt;/b&gt; does not protect.  </textarea>"
        in box
    )
    client.post(
        f"/exercises/runs/{run_id}/finish",
        data={"csrf_token": csrf_token(client, f"/exercises/runs/{run_id}")},
    )
    long_post = "We understand. " * 20
    refused = act(client, run_id, kind="post", text=long_post)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "This exercise has ended." in composer(
        page
    ) and f">\n{long_post}</textarea>" in composer(page)
    assert stored_actions(app) == []


def test_the_over_length_warning_is_ready_in_the_pages_language(
    client, auth, make_user, exercise_course
):
    make_user(username="reader", locale="en")
    assert auth.login("reader").status_code == 302
    run_id = start_run(auth)
    box = composer(client.get(f"/exercises/runs/{run_id}").get_data(as_text=True))
    assert (
        '<p id="post-over" class="field-error" aria-live="polite" data-message="Longer than 140 characters: '
        'a microblog this long is cut off or loses readers."></p>'
    ) in box
    assert 'aria-describedby="post-count post-over"' in box


def test_accounts_show_their_handles_in_the_readers_language(app, make_user, salt_panic_course):
    """The salt panic as shipped: every account on the timeline under its handle in the reader's language."""
    pages = {}
    for username, locale in (("reader", "en"), ("duzhe", "zh")):
        make_user(username=username, locale=locale)
        client = app.test_client()
        assert Auth(client).login(username).status_code == 302
        run_id = start_run(Auth(client), "salt-panic")
        assert act(client, run_id, kind="wait", minutes="30").status_code == 302
        pages[locale] = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
        finished = client.post(
            f"/exercises/runs/{run_id}/finish",
            data={"csrf_token": csrf_token(client, f"/exercises/runs/{run_id}")},
        )
        pages[locale + "-report"] = client.get(finished.location).get_data(as_text=True)
    english = {
        "@JiangchengXiaoWang": "Xiao Wang, a Jiangcheng resident",
        "@OldChenSays": "Lao Chen, a public-spirited internet user",
        "@ViceGovernor": "The vice governor in charge",
        "@ContrarianBro": "A contrarian internet user",
        "@ProvinceNews": "Provincial news site",
    }
    chinese = {
        "@江城小王": "江城市民小王",
        "@老陈说事": "热心网友老陈",
        "@某省副省长": "分管副省长",
        "@较真哥": "爱较真的网友",
        "@某省新闻网": "省新闻网",
    }
    for handles, page in ((english, pages["en"]), (chinese, pages["zh"])):
        for handle, name in handles.items():
            assert f'<strong>{name}</strong> <span class="muted">{handle} · ' in page
    assert "@ProvinceInfo" in pages["en"] and "@某省发布" in pages["zh"]
    for page in (pages["en"], pages["en-report"]):
        assert not re.search(r"@[\u3400-\u9fff]", page)
    for page in (pages["zh"], pages["zh-report"]):
        assert "@JiangchengXiaoWang" not in page and "@ProvinceInfo" not in page


def test_the_report_file_neutralises_posts_and_speaks_the_readers_language(
    app, client, auth, make_user, make_class, exercise_course
):
    """A post that looks like a formula is text in the report's CSV; its columns are headed in the
    language of whoever downloads it."""
    import csv
    import io
    import json
    from pathlib import Path

    case = next(
        c
        for c in json.loads((Path(__file__).parents[1] / "data" / "csv_injection.json").read_text())
        if c["id"] == "csvinj-008"
    )
    learner_id = make_user(Role.LEARNER, username="learner-a")
    assert auth.login("learner-a").status_code == 302
    run_id = start_run(auth)
    assert act(client, run_id, kind="post", text=case["input"]).status_code == 302

    def rows(reader):
        text = reader.get(f"/exercises/runs/{run_id}/report.csv").get_data(as_text=True)
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:], newline="")))

    zh = rows(client)
    assert zh[0] == ["分钟", "类型", "发布者", "内容", "“会讲话”得分"]
    assert case["neutralised_cell"] in {row[3] for row in zh if len(row) > 3}
    assert ["维度", "权重", "成绩"] in zh and ["改进计划"] in zh
    english = app.test_client()
    # An instructor of the learner's class: instructors read their own learners' reports only.
    make_class([make_user(Role.INSTRUCTOR, username="teacher-en", locale="en")], [learner_id])
    assert Auth(english).login("teacher-en").status_code == 302
    en = rows(english)
    assert en[0] == ["minute", "kind", "who", "content", "well score"]
    assert ["dimension", "weight", "score"] in en and ["improvement plan"] in en
    assert not any(cell.startswith("=") for row in en for cell in row)


def test_the_kinds_the_pages_send_are_the_trainees_kinds_in_the_table(
    app, client, auth, make_user, exercise_course
):
    """Every kind of action the play page offers is a registered trainee kind, and the server
    takes no other: a learner cannot send an instructor's kind."""
    make_user(Role.LEARNER, username="learner-a")
    assert auth.login("learner-a").status_code == 302
    run_id = start_run(auth)
    assert act(client, run_id, kind="wait", minutes="40").status_code == 302  # a decision is due
    page = client.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    offered = set(re.findall(r'name="kind" value="([^"]+)"', page))
    assert offered == set(engine.trainee_actions())
    assert offered <= set(engine.ACTION_KINDS)
    for kind in ("publish_next", "adhoc", "dance"):
        refused = act(client, run_id, kind=kind, text="现场记者：超市已补货。")
        assert refused.status_code == 302
        assert "此处不能进行该操作。" in client.get(refused.location).get_data(as_text=True)
    assert stored_actions(app) == ["wait"]
