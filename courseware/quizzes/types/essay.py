"""A written answer an instructor grades, with a guide only the grader sees."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes.gift_syntax import general_feedback
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, MANUAL, QuestionType
from courseware.quizzes.types.editing import GUIDE
from courseware.quizzes.yaml_parts import is_empty, text_to_yaml

# --- GIFT ---------------------------------------------------------------------------------


def write_essay(question: Question) -> str:
    return "{" + general_feedback(question, indent="") + "}"


# --- the type -----------------------------------------------------------------------------


class Essay(QuestionType):
    name = "essay"
    label = _l("essay")
    yaml_fields = frozenset({"answer_guide"})
    manual = True
    template = "quizzes/types/essay.html"
    editor_parts = (GUIDE,)
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.guide = reader.text(
            data.get("answer_guide"), key + ("answer_guide",), required=False
        )

    def write_yaml(self, question: Question) -> dict:
        return {} if is_empty(question.guide) else {"answer_guide": text_to_yaml(question.guide)}

    def read_gift(self, block, question: Question, answers) -> None:
        """`{}`: nothing to read; GIFT has no grader guide."""

    def gift_unsupported(self, question: Question) -> str | None:
        return None

    def write_gift(self, question: Question) -> str:
        return write_essay(question)

    def grade(self, question: Question, response) -> Grade:
        return MANUAL


TYPE = Essay()
