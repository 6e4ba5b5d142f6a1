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
    if rendered for it, whatever the question type, saved answer, language or disabled state."""
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
                    ):
                        for disabled in (False, True):
                            expected = _macro_block(moved, disabled)
                            assert str(display.question_block(moved, disabled)) == expected
                            assert str(display.question_block(moved, disabled)) == expected  # kept
    # One entry for each question, answer, language and state; the moved copies came from them.
    assert len(blocks._entries) == 9 * 2 * 2 * 2
