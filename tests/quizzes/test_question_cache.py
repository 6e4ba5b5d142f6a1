"""Parsed questions come from the process's cache, and are loaded when it does not hold them."""

import pytest
import sqlalchemy as sa

from courseware import caching
from courseware.db import db


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
