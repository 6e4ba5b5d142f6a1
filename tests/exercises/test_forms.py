"""Bad input on the exercise forms is answered beside its field, in the page's language, with what
was typed kept; nothing is stored and nothing fails."""

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.db import db
from courseware.exercises.models import LiveSession, PostReview, RunAction
from tests.conftest import Auth
from tests.exercises.test_runs import act, composer, IDEAL, start_run

ZH, EN = "zh", "en"
CLASS = object()  # stands for the id of the class the test makes


@pytest.fixture
def teacher(app, make_user):
    """Return a function that signs in an instructor speaking the given language."""

    def sign_in(locale):
        make_user(Role.INSTRUCTOR, username=f"teacher-{locale}", locale=locale)
        teach_every_class(app)
        client = app.test_client()
        assert Auth(client).login(f"teacher-{locale}").status_code == 302
        return Auth(client)

    return sign_in


def teach_every_class(app) -> None:
    """Make every instructor a teacher of every class: instructors act only within their own."""
    with app.app_context():
        teachers = db.session.scalars(sa.select(User).where(User.role == Role.INSTRUCTOR)).all()
        for cohort in db.session.scalars(sa.select(Cohort)):
            cohort.instructors = list(teachers)
        db.session.commit()


def a_class(app, make_user, learners=2, members=()) -> int:
    ids = [make_user(Role.LEARNER, username=f"learner-{i}") for i in range(learners)]
    with app.app_context():
        cohort = Cohort(name="2026 春季班")
        cohort.members.extend(db.session.get(User, i) for i in [*ids, *members])
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
    teach_every_class(app)
    return cohort_id


def exercise_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text("SELECT id FROM exercise"))


def lives(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession))


@pytest.mark.parametrize(
    ("locale", "data", "message", "kept"),
    [
        (ZH, {"teams": "2", "speed": "1"}, "请选择班次。", None),
        (EN, {"cohort": "999", "teams": "2", "speed": "1"}, "Choose a class.", None),
        (ZH, {"cohort": CLASS, "teams": "40", "speed": "1"}, "1 到 12 之间的整数", 'value="40"'),
        (EN, {"cohort": CLASS, "teams": "2", "speed": "fast"}, "The speed must be", 'value="fast"'),
        (EN, {"cohort": CLASS, "teams": "two"}, "Teams must be a whole number from 1 to 12.", None),
    ],
)
def test_a_live_run_with_bad_settings_is_refused_beside_the_field(
    app, make_user, exercise_course, teacher, locale, data, message, kept
):
    cohort_id = a_class(app, make_user)
    data = {k: cohort_id if v is CLASS else v for k, v in data.items()}
    refused = teacher(locale).post(f"/teach/exercises/{exercise_id(app)}/live", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert message in page and 'class="field-error"' in page
    if kept:
        assert kept in page
    assert lives(app) == 0


def test_a_live_run_for_a_class_without_learners_is_refused(
    app, make_user, exercise_course, teacher
):
    cohort_id = a_class(app, make_user, learners=0)
    refused = teacher(EN).post(
        f"/teach/exercises/{exercise_id(app)}/live",
        data={"cohort": cohort_id, "teams": "2", "speed": "1"},
    )
    assert refused.status_code == 400 and "That class has no learners." in refused.get_data(
        as_text=True
    )
    assert lives(app) == 0


def a_live_run(app, make_user, auth) -> int:
    created = auth.post(
        f"/teach/exercises/{exercise_id(app)}/live",
        data={"cohort": a_class(app, make_user), "teams": "2", "speed": "1"},
    )
    assert created.status_code == 302
    return int(created.location.rsplit("/", 1)[1])


@pytest.mark.parametrize(
    ("locale", "data", "message"),
    [
        (EN, {"command": "explode"}, "present state."),
        (ZH, {}, "演练当前状态下不能这样操作。"),
        (
            EN,
            {"command": "adhoc", "persona": "nobody", "channel": "post", "text": "假消息"},
            "Choose who the message is from.",
        ),
        (
            ZH,
            {"command": "adhoc", "persona": "netizen", "channel": "fax", "text": "假消息"},
            "请选择消息出现的位置。",
        ),
        (
            ZH,
            {"command": "adhoc", "persona": "netizen", "channel": "post", "text": "长" * 2001},
            "最多 2000 个字。",
        ),
    ],
)
def test_a_bad_live_command_is_refused_with_its_reason(
    app, make_user, exercise_course, teacher, locale, data, message
):
    auth = teacher(locale)
    live_id = a_live_run(app, make_user, auth)
    auth.post(f"/teach/exercises/live/{live_id}/control", data={"command": "start"})
    refused = auth.post(f"/teach/exercises/live/{live_id}/control", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    if data.get("text"):
        assert data["text"] + "</textarea>" in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RunAction)) == 0


@pytest.mark.parametrize(
    ("locale", "score", "message"),
    [
        (ZH, "", "0 到 100"),
        (EN, "120", "A score is a number from 0 to 100."),
        (EN, "-1", "A score is a number from 0 to 100."),
        (ZH, "很好", "0 到 100"),
    ],
)
def test_a_bad_review_score_is_refused_and_kept(
    app, client, auth, make_user, exercise_course, teacher, locale, score, message
):
    player = make_user(Role.LEARNER, username="player")
    a_class(app, make_user, learners=0, members=[player])
    assert auth.login("player").status_code == 302
    run_id = start_run(auth)
    act(client, run_id, kind="post", text=IDEAL)
    with app.app_context():
        action_id = db.session.scalar(sa.select(RunAction.id).where(RunAction.kind == "post"))
    reviewer = teacher(locale)
    refused = reviewer.post(
        f"/teach/exercises/runs/{run_id}/review",
        data={"action": action_id, "score": score, "comment": "语气可以更亲切"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    assert f'value="{score}"' in page and 'value="语气可以更亲切"' in page
    assert f'id="score-{action_id}-error"' in page
    # An action that is not a post of this run is not there to review.
    missing = reviewer.post(
        f"/teach/exercises/runs/{run_id}/review", data={"action": "abc", "score": "50"}
    )
    assert missing.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PostReview)) == 0


@pytest.mark.parametrize(
    ("locale", "message"), [(ZH, "最多 2000 个字。"), (EN, "At most 2000 characters.")]
)
def test_an_over_long_post_is_refused_not_cut(
    app, client, auth, make_user, exercise_course, locale, message
):
    make_user(Role.LEARNER, username="player", locale=locale)
    assert auth.login("player").status_code == 302
    run_id = start_run(auth)
    typed = "长" * 2001
    refused = act(client, run_id, kind="post", text=typed)
    assert refused.status_code == 422
    box = composer(refused.get_data(as_text=True))
    assert message in box and f"{typed}</textarea>" in box
    waited = act(client, run_id, kind="wait", minutes="100000")
    assert waited.status_code == 302
    follow = client.get(waited.location).get_data(as_text=True)
    assert (
        "分钟数应为 0 到 600" if locale == ZH else "Minutes must be a number from 0 to 600."
    ) in (follow)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RunAction)) == 0


def test_the_exercise_page_offers_the_classes_as_they_are_now(
    app, make_user, exercise_course, teacher
):
    """Each exercise's form is kept rendered: a new class, a renamed class and a refused form
    each show at once, and the refused form's values do not stay in the page after it."""
    first = a_class(app, make_user)
    client = teacher(ZH)
    page = client.client.get("/teach/exercises/").get_data(as_text=True)
    assert f'<option value="{first}">2026 春季班</option>' in page
    with app.app_context():
        db.session.get(Cohort, first).name = "2026 秋季班"
        db.session.add(Cohort(name="2027 春季班"))
        db.session.commit()
    teach_every_class(app)
    page = client.client.get("/teach/exercises/").get_data(as_text=True)
    assert "2026 秋季班" in page and "2027 春季班" in page and "2026 春季班" not in page
    refused = client.post(
        f"/teach/exercises/{exercise_id(app)}/live",
        data={"cohort": first, "teams": "40", "speed": "1"},
    )
    assert refused.status_code == 400 and 'value="40"' in refused.get_data(as_text=True)
    page = client.client.get("/teach/exercises/").get_data(as_text=True)
    assert 'value="40"' not in page and 'class="field-error"' not in page
    # Each page's form carries that page's own CSRF token, as its header does.
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert (
        f'action="/teach/exercises/{exercise_id(app)}/live" class="grid">\n    <input type="hidden" name="csrf_token" value="{token}">'
        in page
    )
