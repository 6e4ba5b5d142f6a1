"""Checking course files: every problem named as path:line: message."""

from pathlib import Path

import pytest

from courseware.content.files import check_yaml_renderings, load_courses
from tests.conftest import COURSE_YAML, lesson_text

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def write_course(root: Path, files: dict) -> Path:
    course = root / "lessons" / "c"
    course.mkdir(parents=True)
    base = {
        "course.yaml": COURSE_YAML,
        "01-first.md": lesson_text("第一课", "正文"),
        "02-second.md": lesson_text("第二课", "正文"),
    }
    base.update(files)
    for name, text in base.items():
        if text is not None:
            (course / name).write_text(text, "utf-8")
    return course


def problems_for(tmp_path, files):
    write_course(tmp_path, files)
    courses, problems = load_courses(tmp_path / "lessons")
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"01-first.md": "---\ntitle: [第一课\nminutes: 5\n---\n正文\n"},
            "lessons/c/01-first.md:3: bad YAML",
        ),
        (
            {"01-first.md": "---\nminutes: 5\n---\n正文\n"},
            "lessons/c/01-first.md:2: a title is required",
        ),
        (
            {"01-first.md": "---\ntitle: 一\nminutes: 五\n---\n正文\n"},
            "lessons/c/01-first.md:3: minutes must be a whole number",
        ),
        (
            {"02-second.en.md": "---\ntitle: Two\n---\n\n"},
            "lessons/c/02-second.en.md:4: the lesson has no text",
        ),
        (
            {"01-first.md": "正文，没有前言\n"},
            "lessons/c/01-first.md:1: the file must start with YAML front matter",
        ),
        (
            {"course.yaml": COURSE_YAML.replace("- lesson: second", "- lesson: third")},
            "lessons/c/course.yaml:10: unknown item lesson: third",
        ),
        (
            {"course.yaml": COURSE_YAML.replace("- lesson: second", "- video: second")},
            "lessons/c/course.yaml:10: unknown item video: second",
        ),
        (
            {"course.yaml": COURSE_YAML.replace("credit_hours: 2", "credit_hours: [2")},
            "lessons/c/course.yaml:",
        ),
        (
            {"course.yaml": COURSE_YAML.replace("  zh: 测试课程\n", "")},
            "lessons/c/course.yaml:1: title needs a Chinese text",
        ),
        (
            {"03-first.md": lesson_text("重复", "正文")},
            "lessons/c/03-first.md:1: duplicate lesson slug first",
        ),
        (
            {"02-second.md": lesson_text("第二课", "第一行\n\n见[不存在](05-nowhere.md)。")},
            "lessons/c/02-second.md:10: broken link to 05-nowhere.md",
        ),
        (
            {"02-second.md": lesson_text("第二课", "![图](media/chart.png)")},
            "lessons/c/02-second.md:8: missing image media/chart.png",
        ),
        (
            {"02-second.en.md": lesson_text("Two", "Text", minutes=3)},
            "lessons/c/02-second.en.md:3: minutes belong in the original",
        ),
        (
            {"03-orphan.en.md": lesson_text("Orphan", "Text", minutes=None)},
            "lessons/c/03-orphan.en.md:1: an English translation without its Chinese original",
        ),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, files, expected):
    found = problems_for(tmp_path, files)
    assert any(p.startswith(expected) for p in found), found


def test_a_clean_course_has_no_problems(tmp_path):
    assert problems_for(tmp_path, {}) == []


def test_the_course_in_the_repository_passes_and_is_fully_translated():
    def quiz_file_exists(kind, course, slug):
        folder = "quizzes" if kind == "quiz" else "exercises"
        return (REPO_LESSONS.parent / folder / course / f"{slug}.yaml").exists()

    courses, problems = load_courses(REPO_LESSONS, quiz_file_exists)
    assert [str(p) for p in problems] == []
    course = next(c for c in courses if c.slug == "microblogging-and-leadership")
    assert len(course.lessons) >= 8
    assert all(lesson.en is not None for lesson in course.lessons)
    assert all(
        "人民日报" in lesson.zh.body and "People's Daily" in lesson.en.body
        for lesson in course.lessons
    )


def test_cli_check_exits_non_zero_with_path_and_line(app, runner, tmp_path):
    write_course(tmp_path, {"01-first.md": "---\nminutes: 5\n---\n正文\n"})
    app.config["LESSONS_DIR"] = str(tmp_path / "lessons")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code != 0
    assert "lessons/c/01-first.md:2: a title is required" in result.output


GLOSSARY_YAML = """\
terms:
  - zh: 同学们
    en: students
    avoid: [classmates]
  - zh: 网友
    en: internet users
"""


def test_course_pages_and_glossary_are_read_beside_the_lessons(tmp_path):
    write_course(
        tmp_path,
        {
            "intro.md": "### 依据\n\n正文。\n",
            "intro.en.md": "### Sources\n\nText.\n",
            "guide.md": "## 教学目的\n\n见[第一课](01-first.md)。\n",
            "glossary.yaml": GLOSSARY_YAML,
        },
    )
    courses, problems = load_courses(tmp_path / "lessons")
    assert problems == []
    (course,) = courses
    assert [lesson.slug for lesson in course.lessons] == ["first", "second"]
    assert course.pages == {
        "intro": {"zh": "### 依据\n\n正文。\n", "en": "### Sources\n\nText.\n"},
        "guide": {"zh": "## 教学目的\n\n见[第一课](01-first.md)。\n", "en": ""},
    }
    assert [(t["zh"], t["en"], t["avoid"]) for t in course.glossary] == [
        ("同学们", "students", ["classmates"]),
        ("网友", "internet users", []),
    ]
    assert course.settings()["pages"] == course.pages


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"guide.en.md": "## Aims\n"},
            "lessons/c/guide.en.md:1: an English guide page without guide.md",
        ),
        ({"intro.md": "---\ntitle: x\n---\n正文\n"}, "lessons/c/intro.md:1: a course page has no"),
        ({"guide.md": "第一行\n\n![图](media/none.png)\n"}, "lessons/c/guide.md:3: missing image"),
        (
            {"glossary.yaml": GLOSSARY_YAML + "  - zh: 网友\n    en: netizens\n"},
            "lessons/c/glossary.yaml:7: 网友 is in the glossary twice (also line 5)",
        ),
        (
            {"glossary.yaml": "terms:\n  - zh: 学时\n"},
            "lessons/c/glossary.yaml:2: a term needs its Chinese (zh) and its English (en)",
        ),
        (
            {
                "glossary.yaml": GLOSSARY_YAML,
                "02-second.en.md": lesson_text("Two", "Text\n\nHe calls them Classmates.", None),
            },
            "lessons/c/02-second.en.md:9: 'Classmates': the glossary renders 同学们 as 'students'",
        ),
        (
            {
                "glossary.yaml": GLOSSARY_YAML,
                "course.yaml": COURSE_YAML.replace("en: For tests.", "en: For classmates."),
            },
            "lessons/c/course.yaml:6: 'classmates': the glossary renders 同学们",
        ),
        (
            {
                "glossary.yaml": GLOSSARY_YAML,
                "intro.md": "正文\n",
                "intro.en.md": "Dear classmates\n",
            },
            "lessons/c/intro.en.md:1: 'classmates': the glossary renders 同学们",
        ),
    ],
)
def test_each_page_and_glossary_problem_names_file_and_line(tmp_path, files, expected):
    found = problems_for(tmp_path, files)
    assert any(p.startswith(expected) for p in found), found


# --- the glossary's renderings in quizzes, banks and scenarios ---------------------------------

TERMS = [
    {"zh": "网友", "en": "internet users", "avoid": ["netizens", "netizen"]},
    {"zh": "同学们", "en": "students", "avoid": ["classmates"]},
]
NETIZENS = "the glossary renders 网友 as 'internet users'"


def test_an_avoided_rendering_in_a_quiz_text_is_named_by_file_and_line():
    quiz = """\
title: {zh: 小测, en: "Check: netizens"}
questions:
  - id: c-one
    type: single
    text:
      zh: 蔡奇怎样称呼网友？
      en: How does Cai Qi address the netizens?
    options:
      - text: {zh: 同学们, en: Classmates}
        correct: true
    explanation:
      zh: 见第四课。
      en: |
        He answers them as students.

        A netizen calls him Uncle Cai.
"""
    found = [str(p) for p in check_yaml_renderings(quiz, "quizzes/c/check.yaml", TERMS)]
    assert found == [
        f"quizzes/c/check.yaml:1: 'netizens': {NETIZENS}",
        f"quizzes/c/check.yaml:7: 'netizens': {NETIZENS}",
        "quizzes/c/check.yaml:9: 'Classmates': the glossary renders 同学们 as 'students'",
        f"quizzes/c/check.yaml:16: 'netizen': {NETIZENS}",
    ]


def test_identifiers_keyword_lists_answers_and_chinese_are_not_checked():
    scenario = """\
# netizens: a comment is not a text
personas:
  - id: reporter-netizen
    kind: netizen
    name: {zh: 老陈, en: Lao Chen}
injects:
  - id: netizens-ask
    persona: reporter-netizen
    text: {zh: 网友（netizens）问, en: Is there salt?}
facts:
  - id: reserves
    keywords: {zh: [储备充足], en: [netizens say, classmates]}
questions:
  - id: f-classmates
    type: fill
    answers: [同学们, classmates]
"""
    assert check_yaml_renderings(scenario, "exercises/c/drill.yaml", TERMS) == []


def test_a_text_over_several_lines_is_named_at_the_line_of_the_word():
    text = "text:\n  en: What the\n    classmates\n    say and what\n    the net\n    izens say\n"
    found = [str(p) for p in check_yaml_renderings(text, "q.yaml", TERMS)]
    # YAML folds the lines with spaces: "net izens" is no word, and "class mates" would be none.
    assert found == ["q.yaml:3: 'classmates': the glossary renders 同学们 as 'students'"]
    quoted = 'text:\n  en: "Dear \\\n    classmates"\n'
    assert [p.line for p in check_yaml_renderings(quoted, "q.yaml", TERMS)] == [3]


def test_a_phrase_yaml_folds_across_lines_is_named_at_the_first_line_of_its_text():
    terms = [
        {
            "zh": "请省领导关注",
            "en": "provincial leaders, please look into it",
            "avoid": ["Please ask the provincial leaders"],
        }
    ]
    text = "items:\n  - zh: 请省领导关注。\n    en: They wrote “Please ask\n      the provincial leaders to look into it.”\n"
    assert [str(p) for p in check_yaml_renderings(text, "q.yaml", terms)] == [
        "q.yaml:3: 'Please ask the provincial leaders': the glossary renders 请省领导关注 as "
        "'provincial leaders, please look into it'"
    ]


def test_content_check_names_avoided_renderings_in_quizzes_banks_and_scenarios(
    app, runner, lessons_dir, tmp_path
):
    (lessons_dir / "glossary.yaml").write_text(
        GLOSSARY_YAML.replace(
            "    en: internet users\n", "    en: internet users\n    avoid: [netizens, netizen]\n"
        ),
        "utf-8",
    )
    quizzes = tmp_path / "quizzes" / "test-course"
    (quizzes / "banks").mkdir(parents=True)
    (quizzes / "check.yaml").write_text(
        """\
title: {zh: 小测, en: Check}
questions:
  - id: netizen-names
    type: truefalse
    text:
      zh: 网友称蔡奇为“蔡叔”。
      en: Netizens call Cai Qi “Uncle Cai”.
    answer: true
""",
        "utf-8",
    )
    (quizzes / "banks" / "final.yaml").write_text(
        """\
category: final
questions:
  - id: f-students
    type: truefalse
    text: {zh: 蔡奇称网友为“同学们”。, en: Cai Qi calls internet users “classmates”.}
    answer: true
""",
        "utf-8",
    )
    exercises = tmp_path / "exercises" / "test-course"
    exercises.mkdir(parents=True)
    drill = (Path(__file__).resolve().parents[1] / "data" / "exercises" / "drill.yaml").read_text(
        "utf-8"
    )
    assert "    kind: netizen\n" in drill and "    persona: netizen\n" in drill
    (exercises / "drill.yaml").write_text(
        drill.replace("en: Xiao Wang}", "en: Xiao Wang the netizen}"), "utf-8"
    )
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code != 0
    found = [line for line in result.output.splitlines() if "the glossary renders" in line]
    assert found == [
        f"exercises/test-course/drill.yaml:34: 'netizen': {NETIZENS}",
        "quizzes/test-course/banks/final.yaml:5: 'classmates': the glossary renders 同学们 as 'students'",
        f"quizzes/test-course/check.yaml:7: 'Netizens': {NETIZENS}",
    ]
