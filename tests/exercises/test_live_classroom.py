"""A live class on the server: a pause refuses every action, learners join with the projector's
code, a team's spokesperson publishes what teammates propose, and every team post names its author."""

import re

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.db import db
from courseware.exercises import engine, projection
from courseware.exercises.models import (
    DraftStatus,
    ExerciseRun,
    LiveSession,
    RunAction,
    RunDraft,
)
from tests.conftest import Auth
from tests.exercises.test_runs import act, IDEAL, stored_actions


@pytest.fixture
def live_class(app, make_user, exercise_course):
    """A class of three learners (one reading English) with its instructor, and a live run of the
    drill in one team, not started; a learner of another class."""
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    learners = [
        make_user(username="anna", name="Anna", locale="en"),
        make_user(username="bo", name="薄"),
        make_user(username="chen", name="陈"),
    ]
    make_user(username="outsider", name="外班学员")
    with app.app_context():
        cohort = Cohort(name="2026 春季班", instructors=[db.session.get(User, teacher)])
        db.session.add(cohort)
        cohort.members.extend(db.session.get(User, i) for i in learners)
        db.session.commit()
        cohort_id = cohort.id
        exercise_id = db.session.scalar(sa.text("SELECT id FROM exercise"))
    client = app.test_client()
    assert Auth(client).login("teacher").status_code == 302
    created = Auth(client).post(
        f"/teach/exercises/{exercise_id}/live",
        data={"cohort": cohort_id, "teams": "1", "speed": "1"},
    )
    assert created.status_code == 302
    live_id = int(created.location.rsplit("/", 1)[1])
    with app.app_context():
        run_id = db.session.scalar(sa.select(ExerciseRun.id).where(ExerciseRun.live_id == live_id))
    return {"teacher": client, "live": live_id, "run": run_id, "learners": learners}


def signed_in(app, username):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def command(live_class, name):
    response = Auth(live_class["teacher"]).post(
        f"/teach/exercises/live/{live_class['live']}/control", data={"command": name}
    )
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("anna", "The instructor has paused the exercise: wait until it resumes."),
        ("bo", "教师已暂停演练，请等待继续。"),
    ],
)
def test_a_paused_run_refuses_every_action_in_the_readers_language(
    app, live_class, username, message
):
    learner = signed_in(app, username)
    run_id = live_class["run"]
    command(live_class, "start")
    assert act(learner, run_id, kind="call", target="salt-co").status_code == 302
    command(live_class, "pause")
    refused = act(learner, run_id, kind="post", text=IDEAL)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    # The text stays in its box, the reason beside it, and the board says the run is paused.
    assert f'<p id="post-error" class="field-error" role="alert">{message}</p>' in page
    assert f">\n{IDEAL}</textarea>" in page
    assert 'role="status"' in page.split('id="board"', 1)[1]
    for data in (
        {"kind": "reply", "target": "i1", "text": IDEAL},
        {"kind": "call", "target": "salt-co"},
        {"kind": "decide", "target": "i3", "option": "press"},
        {"kind": "wait", "minutes": "10"},
    ):
        response = act(learner, run_id, **data)
        assert response.status_code in (302, 422)
        shown = response.get_data(as_text=True)
        if response.status_code == 302:
            shown = learner.get(response.location).get_data(as_text=True)
        assert message in shown, data
    assert stored_actions(app) == ["call"]
    # Once resumed, the same post is taken.
    command(live_class, "resume")
    assert act(learner, run_id, kind="post", text=IDEAL).status_code == 302
    assert stored_actions(app) == ["call", "post"]


def test_the_pause_is_checked_by_the_server_not_only_the_page(app, live_class):
    """The check is in runs.act, whatever sends the action."""
    from courseware.exercises import runs
    from courseware.timeutil import utcnow

    command(live_class, "start")
    command(live_class, "pause")
    with app.app_context():
        run = db.session.get(ExerciseRun, live_class["run"])
        with pytest.raises(engine.ActionError) as refused:
            runs.act(run, live_class["learners"][0], engine.Action("post", text=IDEAL), utcnow())
        assert refused.value.code == "live_paused"


def test_learners_join_with_the_code_on_the_projector(app, make_user, live_class):
    teacher = live_class["teacher"]
    projector = teacher.get(f"/teach/exercises/live/{live_class['live']}/projector/full")
    with app.app_context():
        live = db.session.get(LiveSession, live_class["live"])
        code = live.join_code
        # A learner added to the class after the teams were dealt is in no team yet.
        late = make_user(username="late", name="迟到")
        cohort = db.session.scalar(sa.select(Cohort))
        cohort.members.append(db.session.get(User, late))
        db.session.commit()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)
    page = projector.get_data(as_text=True)
    assert f'data-code="{code}"' in page
    # The code is typed as people type it: small letters, a space, a dash.
    typed = f"{code[:3].lower()} -{code[3:]}"
    bo = signed_in(app, "bo")
    joined = Auth(bo).post("/exercises/live/join", data={"code": typed})
    assert joined.status_code == 302 and joined.location.endswith(
        f"/exercises/runs/{live_class['run']}"
    )
    newcomer = signed_in(app, "late")
    joined = Auth(newcomer).post("/exercises/live/join", data={"code": code})
    assert joined.status_code == 302
    with app.app_context():
        assert late in db.session.get(ExerciseRun, live_class["run"]).members
    assert newcomer.get(joined.location).status_code == 200

    outsider = signed_in(app, "outsider")
    refused = Auth(outsider).post("/exercises/live/join", data={"code": code})
    assert refused.status_code == 400
    assert "这次现场演练属于其他班次，请向教师确认。" in refused.get_data(as_text=True)
    anna = signed_in(app, "anna")
    for wrong, message in (
        ("ZZZZZZ", "No live exercise has that code: check it against the projector."),
        ("", "Type the code shown on the projector."),
    ):
        refused = Auth(anna).post("/exercises/live/join", data={"code": wrong})
        assert refused.status_code == 400
        page = refused.get_data(as_text=True)
        assert message in page and 'aria-invalid="true"' in page
    command(live_class, "finish")
    refused = Auth(bo).post("/exercises/live/join", data={"code": code})
    assert refused.status_code == 400


def test_a_spokesperson_publishes_what_teammates_propose(app, live_class):
    anna, bo, chen = (signed_in(app, name) for name in ("anna", "bo", "chen"))
    anna_id, bo_id, chen_id = live_class["learners"]
    run_id = live_class["run"]
    command(live_class, "start")
    # With no spokesperson anyone posts, and the post names who wrote it.
    assert act(chen, run_id, kind="post", text="我们理解大家的担心，正在核实。").status_code == 302
    feed = bo.get(f"/exercises/runs/{run_id}/feed").get_data(as_text=True)
    assert "· 发布人：陈</span>" in feed

    def name(client, who):
        return Auth(client).post(
            f"/exercises/runs/{run_id}/spokesperson",
            data={"spokesperson": str(who) if who else ""},
        )

    assert name(anna, bo_id).status_code == 302
    assert name(anna, 999_999).status_code == 302  # not a member: refused, nothing changes
    with app.app_context():
        assert db.session.get(ExerciseRun, run_id).spokesperson_id == bo_id
    page = anna.get(f"/exercises/runs/{run_id}").get_data(as_text=True)
    # The refusal of a name that is no member of the team is said on the next page.
    assert "Choose a member of the team." in page
    assert "Propose a post to 薄, your team's spokesperson" in page
    assert f'action="/exercises/runs/{run_id}/drafts"' in page

    # A teammate's post sent straight to the run is refused, with the reason in the page's language.
    refused = act(anna, run_id, kind="post", text=IDEAL)
    assert refused.status_code == 422
    assert "Your team&#39;s spokesperson publishes for the team" in refused.get_data(as_text=True)

    proposed = Auth(anna).post(
        f"/exercises/runs/{run_id}/drafts", data={"kind": "post", "text": "全省食盐储备充足。"}
    )
    assert proposed.status_code == 302
    empty = Auth(chen).post(f"/exercises/runs/{run_id}/drafts", data={"kind": "post", "text": " "})
    assert empty.status_code == 422 and "请先输入内容再发布。" in empty.get_data(as_text=True)
    Auth(chen).post(
        f"/exercises/runs/{run_id}/drafts",
        data={"kind": "reply", "target": "i1", "text": "谢谢提醒，我们正在核实。"},
    )
    with app.app_context():
        drafts = list(db.session.scalars(sa.select(RunDraft).order_by(RunDraft.id)))
        first, reply = drafts[0].id, drafts[1].id
    board = bo.get(f"/exercises/runs/{run_id}/feed").get_data(as_text=True)
    assert f'id="draft-{first}" data-hx-preserve' in board and "全省食盐储备充足。" in board
    # Only the spokesperson publishes; the teammate may withdraw their own proposal.
    wrong = Auth(chen).post(f"/exercises/runs/{run_id}/drafts/{first}/publish", data={"text": "x"})
    assert wrong.status_code == 302
    assert "只有本组发言人可以发布提议。" in chen.get(wrong.location).get_data(as_text=True)

    # A pause refuses the spokesperson's publication too, and keeps the edit with the proposal.
    command(live_class, "pause")
    edited = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射。我们将持续通报。"
    paused = Auth(bo).post(
        f"/exercises/runs/{run_id}/drafts/{first}/publish", data={"text": edited}
    )
    assert "教师已暂停演练，请等待继续。" in bo.get(paused.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RunDraft, first).text == edited
        assert db.session.get(RunDraft, first).status == DraftStatus.PROPOSED
    command(live_class, "resume")
    published = Auth(bo).post(
        f"/exercises/runs/{run_id}/drafts/{first}/publish", data={"text": edited}
    )
    assert published.status_code == 302
    Auth(chen).post(f"/exercises/runs/{run_id}/drafts/{reply}/discard")
    with app.app_context():
        action = db.session.scalar(
            sa.select(RunAction).where(RunAction.kind == "post").order_by(RunAction.id.desc())
        )
        assert action.user_id == bo_id and action.payload["drafted_by"] == anna_id
        assert action.payload["text"] == edited
        assert db.session.get(RunDraft, first).action_id == action.id
        assert db.session.get(RunDraft, reply).status == DraftStatus.DISCARDED
    feed = anna.get(f"/exercises/runs/{run_id}/feed").get_data(as_text=True)
    assert f'by 薄, proposed by Anna</span></p>\n        <p><span lang="zh-CN">{edited}' in feed
    assert "Proposals for the spokesperson" not in feed  # none waits any more
    projector = live_class["teacher"].get(
        f"/teach/exercises/live/{live_class['live']}/projector/board"
    )
    assert "· 薄</span> " + edited in projector.get_data(as_text=True)

    # Back to no spokesperson: everyone posts again.
    assert name(chen, None).status_code == 302
    assert act(anna, run_id, kind="post", text=IDEAL).status_code == 302


def test_the_projector_draws_every_team_on_one_scale():
    states = [engine.State(), engine.State(), engine.State()]
    states[0].reach, states[1].reach, states[2].reach = {"r": 6_300}, {"r": 50_000_000}, {"r": 1}
    states[0].sentiment, states[1].sentiment = 150, -3
    scale = projection.team_scale(states)
    assert (scale.low, scale.high) == (1, 100_000_000)
    reach = [bar["reach"] for bar in scale.bars]
    assert reach[2] == 0 and 0 < reach[0] < reach[1] <= 100
    # The same reach is drawn the same length, whichever team has it: one scale for all.
    twin = engine.State()
    twin.reach = {"a": 3_000, "b": 3_300}
    again = projection.team_scale([states[0], states[1], twin])
    assert again.bars[0]["reach"] == again.bars[2]["reach"]
    assert [bar["sentiment"] for bar in scale.bars][:2] == [100.0, 0.0]
    assert [t for t, _at in scale.tick_positions] == [10**p for p in range(9)]


def test_the_large_type_projector_has_no_site_menu(app, live_class):
    teacher = live_class["teacher"]
    page = teacher.get(f"/teach/exercises/live/{live_class['live']}/projector/full").get_data(
        as_text=True
    )
    assert "<nav" not in page and 'class="projector-full"' in page
    assert "首个事件将在教师开始演练后出现。" in page
    command(live_class, "start")
    board = teacher.get(
        f"/teach/exercises/live/{live_class['live']}/projector/full/board"
    ).get_data(as_text=True)
    assert "超市的盐被抢光了！" in board and "第 1 组" in board
    assert re.search(r'<rect class="pf-bar-fill" x="0" y="0" width="[\d.]+" height="10">', board)
