"""Numbers read the way people type them, and the attempt page flags what is not a number."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.quizzes.grading import grade_response
from courseware.quizzes.numbers import parse_number, read_number
from courseware.quizzes.questions import Number, Question, text


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("689", 689),
        ("６８９", 689),
        ("6.89e2", 689),
        ("1,000", 1000),
        ("1，000", 1000),
        ("12,345,678.5", 12345678.5),
        ("689,4", 689.4),  # a decimal comma, as before
        ("1 000", 1000),
        ("六百八十九", 689),
        ("一千零二十", 1020),
        ("两万", 20000),
        ("十五", 15),
        ("一百零五", 105),
        ("三百五", 350),
        ("一万五", 15000),
        ("一亿二千万", 120_000_000),
        ("〇", 0),
        ("二〇二六", 2026),
        ("三点五", 3.5),
        ("负三点五", -3.5),
        ("3万", 30000),
        ("1.5亿", 150_000_000),
    ],
)
def test_numbers_as_people_type_them(typed, expected):
    assert parse_number(typed) == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["abc", "", "nan", "inf", "1,00,0", "六百百", "点五点", "1e400"])
def test_text_that_is_no_number(typed):
    assert parse_number(typed) is None


def test_a_unit_is_read_only_when_the_question_allows_it():
    assert read_number("689个", ["个", "人"]).value == 689
    assert read_number("689 个", ["个"]).value == 689
    assert read_number("六百八十九人", ["个", "人"]).value == 689
    refused = read_number("689个")
    assert refused.value is None and refused.problem == "unit" and refused.unit == "个"
    assert read_number("很多", ["个"]).problem == "not_a_number"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_any_integer_with_thousands_separators_reads_back(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:,}".replace(",", "，")) == n


DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """A number below a hundred million in Chinese numerals, as it is written out in full."""

    def section(k: int) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit = k // size % 10
            if digit:
                out += ("零" if zero and out else "") + DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out

    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if not high:
        return section(low)
    joiner = "零" if low and low < 1000 else ""
    return section(high) + "万" + joiner + section(low) if low else section(high) + "万"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_any_number_written_in_chinese_numerals_reads_back(n):
    assert parse_number(chinese(n)) == n


def test_a_numerical_question_grades_what_people_type():
    q = Question(
        type="numerical", name="q", text=text("题"), numbers=[Number(689, 0)], units=["个"]
    )
    for typed in ("689个", "689 个", "６８９", "6.89e2", "六百八十九", "六百八十九个"):
        assert grade_response(q, typed).state == "correct", typed
    assert grade_response(q, "689人").state == "wrong"
    thousand = Question(type="numerical", name="t", text=text("题"), numbers=[Number(1000, 0)])
    assert grade_response(thousand, "1,000").state == "correct"
    assert grade_response(thousand, "1，000").state == "correct"
