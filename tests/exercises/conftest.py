"""The test course with the drill exercise, synced into the database."""
import shutil
from pathlib import Path

import pytest

DRILL = Path(__file__).resolve().parents[1] / "data" / "exercises" / "drill.yaml"


@pytest.fixture
def exercise_course(app, lessons_dir, sync, tmp_path):
    folder = tmp_path / "exercises" / "test-course"
    folder.mkdir(parents=True)
    shutil.copy(DRILL, folder / "drill.yaml")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(course_yaml.read_text("utf-8").replace("  - lesson: second\n", "  - lesson: second\n  - exercise: drill\n"), "utf-8")
    report = sync()
    assert "exercise drill: added" in report.changes
    return folder
