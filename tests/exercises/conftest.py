"""The test course with the drill exercise (or the first course's salt panic), synced into the database."""

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DRILL = REPO / "tests" / "data" / "exercises" / "drill.yaml"
SALT_PANIC = REPO / "exercises" / "microblogging-and-leadership" / "salt-panic.yaml"


def add_exercise(lessons_dir, tmp_path, sync, source: Path) -> Path:
    """Put a scenario file into the test course's exercises folder, list it in course.yaml and sync."""
    folder = tmp_path / "exercises" / "test-course"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / source.name)
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", f"  - lesson: second\n  - exercise: {source.stem}\n"
        ),
        "utf-8",
    )
    assert f"exercise {source.stem}: added" in sync().changes
    return folder


@pytest.fixture
def exercise_course(app, lessons_dir, sync, tmp_path):
    return add_exercise(lessons_dir, tmp_path, sync, DRILL)


@pytest.fixture
def salt_panic_course(app, lessons_dir, sync, tmp_path):
    """The test course with the salt panic exercise as the first course ships it."""
    return add_exercise(lessons_dir, tmp_path, sync, SALT_PANIC)
