"""A test course with one quiz holding a question of every type, synced into the database."""

import pytest

QUIZ_YAML = """\
title: {zh: 小测, en: Check}
time_limit: 0
attempts: 2
pass_mark: 50
shuffle_options: true
review: immediately
questions:
  - id: pick-one
    type: single
    text: {zh: 哪一项正确？, en: "Which is right?"}
    options:
      - text: {zh: 对的, en: Right}
        correct: true
      - text: {zh: 错的, en: Wrong}
        feedback: {zh: 不对。, en: Not so.}
    explanation: {zh: 见第一课。, en: See lesson 1.}
  - id: pick-two
    type: multiple
    text: 选两项
    options:
      - {text: 甲, correct: true}
      - {text: 乙, correct: true}
      - {text: 丙, weight: -50}
  - id: yes-no
    type: truefalse
    text: 政务微博要讲实话。
    answer: true
  - id: typed
    type: short
    text: 写出 abc1
    answers: [abc1]
  - id: number
    type: numerical
    text: 多少？
    answer: 689
    tolerance: 1
  - id: pairs
    type: matching
    text: 配对
    pairs:
      - {left: 一, right: one}
      - {left: 二, right: two}
    distractors: [three]
  - id: order
    type: ordering
    text: 排序
    items: [第一, 第二, 第三]
  - id: blank
    type: fill
    text: 早讲话、会讲话、{blank}。
    answers: [讲实话]
  - id: think
    type: essay
    text: 谈谈你的看法。
    answer_guide: 言之有理即可。
"""

# Positions follow the file; every response right.
RIGHT = {
    "a0": "0",
    "a1": ["0", "1"],
    "a2": "true",
    "a3": "ＡＢＣ１",
    "a4": "689.5",
    "a5-0": "0",
    "a5-1": "1",
    "a6-0": "1",
    "a6-1": "2",
    "a6-2": "3",
    "a7": " 讲实话 ",
    "a8": "言之有理。",
}


@pytest.fixture
def quiz_course(app, lessons_dir, sync, tmp_path):
    """Add quiz `check` to the test course and sync; return the quizzes folder of the course."""
    folder = tmp_path / "quizzes" / "test-course"
    folder.mkdir(parents=True)
    (folder / "check.yaml").write_text(QUIZ_YAML, "utf-8")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n"
        ),
        "utf-8",
    )
    report = sync()
    assert "quiz check: added" in report.changes
    return folder
