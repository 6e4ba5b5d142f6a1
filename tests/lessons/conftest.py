"""A small course written into a temporary lessons folder, and helpers to sync it."""
import textwrap

import pytest

from courseware.content.cli import check_all
from courseware.db import db
from courseware.lessons.sync import sync_courses

COURSE_YAML = """\
title:
  zh: 测试课程
  en: Test course
summary:
  zh: 用于测试。
  en: For tests.
credit_hours: 2
items:
  - lesson: first
  - lesson: second
completion:
  lessons: all
"""


def lesson_text(title, body, minutes=10, objectives=("目标一",)):
    front = f"title: {title}\n"
    if minutes is not None:
        front += f"minutes: {minutes}\n"
    if objectives:
        front += "objectives:\n" + "".join(f"  - {o}\n" for o in objectives)
    return f"---\n{front}---\n\n{textwrap.dedent(body).strip()}\n"


@pytest.fixture
def lessons_dir(app, tmp_path):
    """A lessons folder with one course of two lessons (the first translated); the app reads it."""
    root = tmp_path / "lessons"
    course = root / "test-course"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE_YAML, "utf-8")
    (course / "01-first.md").write_text(
        lesson_text("第一课", "## 导语\n\n第一课正文。\n\n## 讨论\n\n见[第二课](02-second.md)。"), "utf-8")
    (course / "01-first.en.md").write_text(
        lesson_text("Lesson one", "## Introduction\n\nThe first lesson.", minutes=None, objectives=("Goal one",)), "utf-8")
    (course / "02-second.md").write_text(lesson_text("第二课", "第二课正文。", minutes=4), "utf-8")
    app.config["LESSONS_DIR"] = str(root)
    return course


@pytest.fixture
def sync(app):
    """Check and sync the lessons folder; return the report."""

    def run(take_files=False):
        with app.app_context():
            courses, problems = check_all()
            assert problems == []
            report = sync_courses(courses, take_files=take_files)
            db.session.commit()
            return report

    return run
