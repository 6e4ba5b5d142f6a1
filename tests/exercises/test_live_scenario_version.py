"""A live class is run and reported with the scenario its teams were started on: publishing a
newer version of the scenario while the class plays changes neither the instructor's control
page, the projector, the observers' page nor the class report."""

import sqlalchemy as sa

from courseware.db import db
from courseware.exercises import versions
from courseware.exercises.models import Exercise, ExerciseRun
from courseware.exercises.scenario import Scenario
from tests.exercises.test_live_classroom import command, live_class  # noqa: F401

NEW_TITLE = "换了标题的新版本"


def publish_a_newer_scenario(app) -> str:
    """Replace the drill's scenario (as publishing in the editor or a sync does); return the
    former title."""
    with app.app_context():
        exercise = db.session.scalar(sa.select(Exercise))
        old_title = exercise.scenario.title["zh"]
        data = exercise.scenario.to_dict()
        data["title"] = {"zh": NEW_TITLE, "en": "A newer version"}
        data["personas"][0]["name"] = {"zh": "新版里的网友", "en": "A newer persona"}
        assert versions.replace_scenario(exercise, Scenario.from_dict(data))
        db.session.commit()
        run = db.session.scalar(sa.select(ExerciseRun))
        assert run.scenario_hash is not None and run.scenario_hash != exercise.content_hash
    return old_title


def test_the_live_pages_and_report_keep_the_teams_scenario(app, live_class):
    command(live_class, "start")
    old_title = publish_a_newer_scenario(app)
    teacher = live_class["teacher"]
    live = live_class["live"]
    for path in (
        f"/teach/exercises/live/{live}",
        f"/teach/exercises/live/{live}/board",
        f"/teach/exercises/live/{live}/projector",
        f"/teach/exercises/live/{live}/projector/full",
        f"/teach/exercises/live/{live}/report",
        f"/teach/exercises/live/{live}/observe",
    ):
        response = teacher.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert NEW_TITLE not in page and "新版里的网友" not in page, path
        if not path.endswith("/board"):
            assert old_title in page, path
    control = teacher.get(f"/teach/exercises/live/{live}").get_data(as_text=True)
    assert "新版里的网友" not in control
    pdf = teacher.get(f"/teach/exercises/live/{live}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # The clock keeps the teams' scenario: the instructor's commands still work.
    command(live_class, "pause")
