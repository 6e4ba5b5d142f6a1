"""The test course with a quiz and an exercise, for completion rules and the class grid."""

import shutil

import pytest

from tests.exercises.conftest import DRILL
from tests.quizzes.conftest import QUIZ_YAML


@pytest.fixture
def full_course(app, lessons_dir, sync, tmp_path):
    """The test course with a quiz and an exercise; completion needs all lessons, the quiz and the exercise."""
    (tmp_path / "quizzes" / "test-course").mkdir(parents=True)
    (tmp_path / "quizzes" / "test-course" / "check.yaml").write_text(
        QUIZ_YAML.replace(
            "    type: essay\n    text: 谈谈你的看法。\n    answer_guide: 言之有理即可。\n",
            "    type: description\n    text: 说明。\n",
        ),
        "utf-8",
    )
    (tmp_path / "exercises" / "test-course").mkdir(parents=True)
    shutil.copy(DRILL, tmp_path / "exercises" / "test-course" / "drill.yaml")
    course_yaml = lessons_dir / "course.yaml"
    text = course_yaml.read_text("utf-8").replace(
        "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n  - exercise: drill\n"
    )
    text = text.replace(
        "completion:\n  lessons: all\n",
        "completion:\n  lessons: all\n  quizzes: [check]\n  exercises: [drill]\n",
    )
    course_yaml.write_text(text, "utf-8")
    sync()
