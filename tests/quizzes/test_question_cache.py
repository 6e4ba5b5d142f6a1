"""Parsed questions come from the process's cache, and are loaded when it does not hold them;
question blocks are kept, and read as if rendered for each attempt."""

from dataclasses import replace

import pytest
import sqlalchemy as sa
from flask import render_template_string

from courseware import caching
from courseware.accounts.models import Role
from courseware.db import db
from courseware.quizzes import display
from courseware.quizzes.models import Answer
from courseware.quizzes.types import question_type
from tests.conftest import csrf_token
from tests.quizzes.conftest import RIGHT
from tests.quizzes.test_attempts import save, start


def test_a_parsed_question_missing_from_the_cache_is_loaded(app, quiz_course):
    from courseware.quizzes.models import parsed_question, QuestionRecord

    with app.app_context():
        record = db.session.scalars(sa.select(QuestionRecord)).first()
        caching.registry()["parsed_questions"].clear()
        question = parsed_question(record.content_hash)
        assert question.content_hash == record.content_hash
        assert parsed_question(record.content_hash) is question  # kept from now on
        with pytest.raises(LookupError):
            parsed_question("0" * 64)


def _macro_block(q, disabled):
    """The block as the macro renders it, uncached."""
    return render_template_string(
        '{% from "quizzes/_question.html" import question_block with context %}'
        "{{ question_block(q, disabled) }}",
        q=q,
        disabled=disabled,
        html=display.html,
    )


def test_a_kept_question_block_is_the_macros_own_at_every_position_and_answer(
    app, client, auth, make_user, quiz_course
):
    """Blocks are kept with marks for the position and number: each attempt's copy must read as
    if rendered for it, whatever the question type, saved answer, language, disabled state or
    order of its choices. A type whose choices sit in slots keeps one block for every order."""
    make_user(Role.LEARNER, username="learner-a")
    auth.login("learner-a")
    attempt_id = start(auth)
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")
    blocks = caching.registry()["question_blocks"]
    blocks.clear()
    for answers in ({}, RIGHT):
        if answers:
            assert save(client, attempt_id, 1, answers, token).status_code == 200
        for locale in ("zh", "en"):
            with app.test_request_context(headers={"Accept-Language": locale}):
                app.preprocess_request()
                rows = db.session.scalars(
                    sa.select(Answer)
                    .where(Answer.attempt_id == attempt_id)
                    .order_by(Answer.position)
                ).all()
                shown = display.shown_questions(rows)
                assert len({q.kind for q in shown}) == 9
                for q in shown:
                    for moved in (
                        q,
                        replace(
                            q,
                            position=q.position + 7,
                            number=(q.number or 0) + 3 if q.number else None,
                        ),
                        replace(q, order=q.order[::-1]),
                        replace(q, order=q.order[1:] + q.order[:1]),
                    ):
                        for disabled in (False, True):
                            expected = _macro_block(moved, disabled)
                            assert str(display.question_block(moved, disabled)) == expected
                            assert str(display.question_block(moved, disabled)) == expected  # kept
    # One entry for each question, answer, language and state, and for each other order of a type
    # whose choices are not in slots; the moved and slotted reordered copies came from them.
    orders = {
        q.kind: len({tuple(q.order), tuple(q.order[::-1]), tuple(q.order[1:] + q.order[:1])})
        for q in shown
    }
    slotted = {q.kind for q in shown if question_type(q.kind).slots_choices(q.question)}
    assert {"single", "multiple", "ordering", "matching"} <= slotted
    assert all(orders[kind] >= 2 for kind in ("single", "multiple", "ordering", "matching"))
    others = sum(count - 1 for kind, count in orders.items() if kind not in slotted)
    assert len(blocks._entries) == (9 + others) * 2 * 2 * 2


def test_a_start_draws_from_the_bank_as_it_is_now(app, quiz_course):
    """The bank a start draws from is kept per course version: a question archived, or moved to
    another category in the bank editor (one UPDATE, not the ORM), is not drawn by the next start."""
    from types import SimpleNamespace

    from courseware.quizzes import editor
    from courseware.quizzes.attempts import build_layout
    from courseware.quizzes.models import QuestionRecord, Quiz
    from courseware.quizzes.types import question_type

    def drawn(quiz, category) -> set[str]:
        plan = SimpleNamespace(slots=[{"draw": 100, "category": category}], settings={})
        return {record.name for record, _ in build_layout(quiz, 1, plan)}

    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        records = db.session.scalars(
            sa.select(QuestionRecord).where(QuestionRecord.course_id == quiz.course_id)
        ).all()
        scored = [r for r in records if question_type(r.type).scored]
        category = scored[0].category
        pool = {r.name for r in scored if r.category == category}
        assert len(pool) >= 3 and drawn(quiz, category) == pool
        first, second = sorted(pool)[:2]

        by_name = {r.name: r for r in records}
        assert editor.set_archived(quiz.course, by_name[first], True, user_id=None)
        db.session.commit()
        assert drawn(quiz, category) == pool - {first}

        record = by_name[second]
        moved = record.question
        moved.category = "elsewhere"
        saved = editor.save_question(quiz.course, record, moved, record.content_hash, None)
        assert not saved.conflict
        db.session.commit()
        assert drawn(quiz, category) == pool - {first, second}
        assert drawn(quiz, "elsewhere") == {second}


def test_a_matching_question_whose_right_texts_repeat_keeps_a_block_per_order():
    """A right-hand text shown twice is offered once, as the first in the attempt's order: the
    choice then depends on its place, so such a question's block is kept per order."""
    from courseware.quizzes.questions import Pair, Question
    from courseware.quizzes.types import question_type

    def matching(rights):
        pairs = [Pair({"zh": f"左{i}", "en": f"left {i}"}, right) for i, right in enumerate(rights)]
        return Question(type="matching", name="m", text={"zh": "配对"}, pairs=pairs)

    kind = question_type("matching")
    assert kind.slots_choices(matching([{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}]))
    # The same in English only, or in Chinese where English falls back to it.
    assert not kind.slots_choices(matching([{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "A"}]))
    assert not kind.slots_choices(matching([{"zh": "甲"}, {"zh": "甲", "en": "A"}]))
