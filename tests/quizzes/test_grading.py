"""Grading of every question type, without a database."""

import pytest

from courseware.quizzes.analysis import correlation
from courseware.quizzes.grading import grade_response, parse_number
from courseware.quizzes.questions import normalise_answer, Number, Option, Pair, Question, text


def choice(*weights, kind="single"):
    return Question(
        type=kind,
        name="q",
        text=text("题"),
        options=[Option(text(f"选项{i}"), w) for i, w in enumerate(weights)],
    )


def test_single_choice_with_partial_credit():
    q = choice(1.0, 0.5, 0.0)
    assert grade_response(q, 0).fraction == 1.0 and grade_response(q, 0).state == "correct"
    assert grade_response(q, 1).state == "partial" and grade_response(q, 1).fraction == 0.5
    assert grade_response(q, 2).state == "wrong"
    assert grade_response(q, None).state == "unanswered"
    assert grade_response(q, 7).state == "unanswered"  # not an option: nothing chosen


def test_multiple_response_adds_weights_and_never_goes_below_zero():
    q = choice(0.5, 0.5, -1.0, 0.0, kind="multiple")
    assert grade_response(q, [0, 1]).fraction == 1.0
    assert grade_response(q, [0]).fraction == 0.5
    assert grade_response(q, [0, 1, 2]).fraction == 0.0
    assert grade_response(q, [2]).fraction == 0.0
    assert grade_response(q, [0, 3]).fraction == 0.5


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("abc1", 1.0),
        ("ＡＢＣ１", 1.0),
        ("  ABC1 ", 1.0),
        ("abc 1", 0.0),
        ("abd1", 0.0),
        ("second", 0.5),
        ("SECOND", 0.5),
    ],
)
def test_short_answer_ignores_case_space_and_width(typed, expected):
    q = Question(
        type="short",
        name="q",
        text=text("题"),
        options=[Option(text("abc1"), 1.0), Option(text("第二", "second"), 0.5)],
    )
    assert grade_response(q, typed).fraction == expected


def test_normalise_answer_folds_width_and_case():
    assert normalise_answer("ＡＢＣ１") == normalise_answer("abc1") == "abc1"
    assert normalise_answer(" 讲  实话 ") == "讲 实话"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("689", 1.0),
        ("688.5", 1.0),
        ("690", 1.0),
        ("690.5", 0.0),
        ("６８９", 1.0),
        ("689,4", 1.0),
        ("700", 0.5),
        ("abc", 0.0),
    ],
)
def test_numerical_tolerance_and_alternatives(typed, expected):
    q = Question(
        type="numerical",
        name="q",
        text=text("题"),
        numbers=[Number(689, 1, 1.0), Number(700, 0, 0.5)],
    )
    assert grade_response(q, typed).fraction == expected


def test_parse_number_refuses_what_is_not_a_number():
    assert parse_number("1e3") == 1000 and parse_number("nan") is None and parse_number("") is None


def test_truefalse():
    q = Question(type="truefalse", name="q", text=text("题"), answer=False)
    assert grade_response(q, False).state == "correct"
    assert grade_response(q, True).state == "wrong"
    assert grade_response(q, "false").state == "unanswered"


def test_matching_counts_each_pair_and_ignores_distractors():
    q = Question(
        type="matching",
        name="q",
        text=text("题"),
        pairs=[
            Pair(text("一"), text("one")),
            Pair(text("二"), text("two")),
            Pair(text("三"), text("three")),
            Pair(text(), text("four")),
        ],
    )
    assert grade_response(q, [0, 1, 2]).fraction == 1.0
    assert grade_response(q, [0, 2, 1]).fraction == round(1 / 3, 7)
    assert grade_response(q, [3, 3, 3]).fraction == 0.0
    assert grade_response(q, [None, None, None]).state == "unanswered"


def test_ordering_gives_credit_per_item_in_place():
    q = Question(
        type="ordering",
        name="q",
        text=text("题"),
        items=[text("甲"), text("乙"), text("丙"), text("丁")],
    )
    assert grade_response(q, [1, 2, 3, 4]).fraction == 1.0
    assert grade_response(q, [2, 1, 3, 4]).fraction == 0.5
    assert grade_response(q, [1, 1, 1, 1]).fraction == 0.25


def test_fill_typed_and_chosen():
    typed = Question(
        type="fill",
        name="q",
        text=text("早讲话、会讲话、{blank}。"),
        options=[Option(text("讲实话", "speak truthfully"), 1.0)],
    )
    assert grade_response(typed, " 讲实话").fraction == 1.0
    assert grade_response(typed, "Speak Truthfully").fraction == 1.0
    chosen = Question(
        type="fill",
        name="q",
        text=text("{blank}"),
        fill_choices=True,
        options=[Option(text("甲"), 0.0), Option(text("乙"), 1.0)],
    )
    assert grade_response(chosen, 1).fraction == 1.0 and grade_response(chosen, 0).fraction == 0.0


def test_essay_waits_for_an_instructor_unless_blank():
    q = Question(type="essay", name="q", text=text("题"))
    assert (
        grade_response(q, "我的看法").state == "manual"
        and grade_response(q, "我的看法").fraction is None
    )
    assert grade_response(q, "  ").state == "unanswered"


def test_correlation_on_a_known_data_set():
    assert correlation([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(0.98995, abs=1e-4)
    assert (
        correlation([1, 1, 1], [0.1, 0.5, 0.9]) is None
    )  # everyone right: no discrimination to speak of
    assert correlation([1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0]) == pytest.approx(-1.0)
