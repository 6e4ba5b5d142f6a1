"""The scenario editor shows `content check`'s problems in the page's language: every message the
scenario checker can write is translated, and a message no pattern knows is still shown, marked
as English."""

import ast
from pathlib import Path

import pytest

from courseware.content.files import Problem
from courseware.exercises import authoring, check_messages
from courseware.exercises.files import parse_scenario
from tests.exercises.conftest import DRILL
from tests.exercises.test_scenario_authoring import editor, save  # noqa: F401

FILES = Path(check_messages.__file__).with_name("files.py")
# Values for the parts of the checker's f-strings, as a file would give them.
SAMPLES = {"label": "calibration post 1 (超市的盐…)", "lang": "en"}


def checker_messages() -> list[str]:
    """Every message files.py writes with problem() or Problem(), its parts filled in."""

    def filled(node, source):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp):  # "… one of: " + ", ".join(…)
            return filled(node.left, source) + "passes, facts"
        if not isinstance(node, ast.JoinedStr):
            return None
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(value.value)
                continue
            expression = ast.get_source_segment(source, value.value)
            sample = SAMPLES.get(expression, "a, b" if "join" in expression else "1")
            parts.append(repr(sample) if value.conversion == ord("r") else sample)
        return "".join(parts)

    source = FILES.read_text("utf-8")
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        if isinstance(call.func, ast.Attribute) and call.func.attr == "problem":
            argument = call.args[1] if len(call.args) > 1 else None
        elif isinstance(call.func, ast.Name) and call.func.id == "Problem":
            argument = call.args[2] if len(call.args) > 2 else None
        else:
            continue
        message = filled(argument, source) if argument is not None else None
        if message is not None:
            found.append(message)
    # The messages fact_ids() is given by its callers.
    for name in ("reveals", "before", "stated", "briefing_reveals"):
        found.append(f"{name} must list fact ids")
    return found


def test_every_message_of_the_scenario_checker_is_translated(app):
    messages = checker_messages()
    assert len(messages) > 60  # the checker was read, not an empty file
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        untranslated = [m for m in messages if not check_messages.say(m)[1]]
    assert untranslated == []


@pytest.mark.parametrize(
    ("message", "chinese", "english"),
    [
        (
            "the English handle @小王 has Chinese characters: write it in English, such as "
            "@JiangchengXiaoWang",
            "英文账号名 @小王 含有汉字",
            "The English handle @小王 has Chinese characters",
        ),
        (
            "reach 5000 is more than the population (1000)",
            "传播人数 5000 超过了总人口（1000）。",
            "The reach 5000 is more than the population (1000).",
        ),
        ("goto must name a branch", "goto 须写明一个分支。", "goto must name a branch."),
        (
            "a pass condition has one of: called, answered, stated, false_statements",
            "每个通过条件只能有以下之一",
            "A pass condition has exactly one of",
        ),
        ("on_time must be true or false", "on_time 须为 true 或 false。", "must be true or false."),
        ("the file must be saved as UTF-8", "文件须以 UTF-8 编码保存。", "saved as UTF-8."),
        (
            "a verdict names at least one of: facts, passes",
            "判定（verdict）至少要写明以下之一：facts, passes。",
            "A verdict names at least one of: facts, passes.",
        ),
    ],
)
def test_a_message_is_said_in_both_languages(app, message, chinese, english):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        said, known = check_messages.say(message)
        assert known and chinese in said
    with app.test_request_context(headers={"Accept-Language": "en"}):
        said, known = check_messages.say(message)
        assert known and english in said


def broken_drill() -> str:
    """The drill with several slips an author makes, each found by the checker."""
    text = DRILL.read_text("utf-8")
    text = text.replace('handle: "@reporter"', 'handle: {zh: "@记者", en: "@记者"}', 1)
    text = text.replace("effects: {trust: 5, reach: -20}", "effects: [trust, 5]", 1)
    text = text.replace("    reach: 1000\n", "    reach: 99999999\n", 1)
    return text


def test_the_problems_of_a_broken_scenario_are_all_shown_in_chinese(app):
    _scenario, problems = parse_scenario(broken_drill(), "exercises/c/drill.yaml", "drill")
    assert len(problems) >= 2
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        shown = check_messages.shown(problems)
    assert all(p.translated for p in shown), [p.message for p in shown if not p.translated]
    assert any("英文账号名 @记者 含有汉字" in p.message for p in shown)


def test_an_unknown_message_is_shown_as_written_marked_english(app, editor, monkeypatch):
    checked = authoring.check_text

    def with_an_unknown_problem(text, course_slug, slug):
        _scenario, problems = checked(text, course_slug, slug)
        unknown = Problem("exercises/test-course/drill.yaml", 2, "a check nobody has translated")
        known = Problem("exercises/test-course/drill.yaml", 3, "goto must name a branch")
        return None, [*problems, unknown, known]

    monkeypatch.setattr(authoring, "check_text", with_an_unknown_problem)
    page = save(editor, DRILL.read_text("utf-8"), "check").get_data(as_text=True)
    assert '<span lang="en">a check nobody has translated</span>' in page
    assert "<span>goto 须写明一个分支。</span>" in page
