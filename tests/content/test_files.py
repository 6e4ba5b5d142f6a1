"""Checking course files: every problem named as path:line: message."""

from pathlib import Path

import pytest

from courseware.content.files import load_courses
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
