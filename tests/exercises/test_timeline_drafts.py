"""A timeline spreadsheet is not applied over a newer draft of the scenario: that would publish a
revision past the draft and leave the draft unpublishable. The refusal names the draft, in both
languages; once the draft is published, the sheet applies."""

import io

import sqlalchemy as sa

from courseware.accounts.models import User
from courseware.db import db
from courseware.exercises import authoring
from courseware.exercises.models import Exercise
from tests.conftest import Auth, csrf_token
from tests.exercises.test_scenario_authoring import current_text, save
from tests.exercises.test_timeline import editor  # noqa: F401

EDIT = "/author/test-course/scenarios/salt-panic/edit"


def upload(client, url, data: bytes, name="timeline.csv"):
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_sheet_is_refused_while_a_newer_draft_waits_and_applies_after(app, editor):
    client, exercise_id, scenario_file = editor
    url = f"/teach/exercises/{exercise_id}/timeline"
    sheet = client.get(f"{url}.csv").get_data(as_text=True)
    edited = sheet.replace("leaders-asked,,,5,", "leaders-asked,,,8,").encode("utf-8")
    auth = Auth(client)
    text = current_text(app, "salt-panic")
    drafted = save(auth, text + "# 草稿里的改动\n", "save", path=EDIT, note="还没发布")
    assert drafted.status_code == 302
    with app.app_context():
        exercise = db.session.get(Exercise, exercise_id)
        draft = authoring.newer_draft(exercise)
        assert draft is not None
        number, published = draft.number, exercise.published_revision_id
    before = scenario_file.read_bytes()

    refused = upload(client, url, edited)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert f"该场景有一份比学员所用版本更新的草稿：第 {number} 版" in page
    assert "在场景编辑器中打开这份草稿" in page and f'href="{EDIT}"' in page
    assert scenario_file.read_bytes() == before
    with app.app_context():
        assert db.session.get(Exercise, exercise_id).published_revision_id == published
    # In English, the same refusal.
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "editor"))
        user.locale = "en"
        db.session.commit()
    page = upload(client, url, edited).get_data(as_text=True)
    assert f"The scenario has a draft newer than what learners get: revision {number}" in page

    # Published in the editor, the draft is what learners get; the sheet then applies.
    with app.app_context():
        draft_id = authoring.newer_draft(db.session.get(Exercise, exercise_id)).id
    assert auth.post(f"/author/test-course/scenarios/salt-panic/revisions/{draft_id}/publish")
    with app.app_context():
        assert authoring.newer_draft(db.session.get(Exercise, exercise_id)) is None
    preview = upload(client, url, edited)
    assert preview.status_code == 200
