"""Forms of the live quiz and of the questions and comments from the room."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from courseware.classroom.livequiz import MAX_SECONDS, MIN_SECONDS
from courseware.classroom.posts import MAX_CHARS
from courseware.i18n import text

SECONDS_MESSAGE = _l("Seconds open: from %(min)d to %(max)d.", min=MIN_SECONDS, max=MAX_SECONDS)


class LiveQuizForm(FlaskForm):
    """A live quiz to start: on which course's bank, for how long a question, how it scores."""

    course = SelectField(_l("Questions from the bank of"), coerce=int)
    counts_for = SelectField(_l("Counts as an attempt of"), coerce=int)
    seconds = IntegerField(
        _l("Seconds a question stays open"),
        validators=[
            InputRequired(message=_l("Give the seconds a question stays open.")),
            NumberRange(min=MIN_SECONDS, max=MAX_SECONDS, message=SECONDS_MESSAGE),
        ],
    )
    speed_scoring = BooleanField(_l("Speed scoring: a faster right answer earns more"))
    leaderboard = BooleanField(_l("Show a leaderboard on the projector"))

    def __init__(self, *args, courses=(), quizzes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = [(c.id, text(c.title)) for c in courses]
        # 0: the live quiz counts for no quiz.
        self.counts_for.choices = [(0, _l("none"))] + [
            (q.id, f"{text(q.course.title)} · {text(q.title)}") for q in quizzes
        ]


class PushForm(FlaskForm):
    question = SelectField(_l("Question"), coerce=int)
    seconds = IntegerField(
        _l("Seconds open"),
        validators=[
            Optional(),
            NumberRange(min=MIN_SECONDS, max=MAX_SECONDS, message=SECONDS_MESSAGE),
        ],
    )

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question.choices = [(r.id, question_label(r)) for r in records]


def question_label(record) -> str:
    """A bank question in the push list: its name and the start of its text."""
    words = " ".join(text(record.question.text).split())
    return f"{record.name} · {words[:60]}{'…' if len(words) > 60 else ''}"


class PostForm(FlaskForm):
    """A question or a short comment from the room."""

    kind = RadioField(
        _l("Send as"),
        choices=[
            SelectChoice("question", _l("a question")),
            SelectChoice("comment", _l("a comment on the projector")),
        ],
        default="question",
        validators=[InputRequired(message=_l("Choose a question or a comment."))],
    )
    text = TextAreaField(
        _l("Your question or comment"),
        validators=[
            DataRequired(message=_l("Write something first.")),
            Length(max=MAX_CHARS["question"]),
        ],
    )
    anonymous = BooleanField(_l("Hide my name from classmates (the instructor still sees it)"))


class DecidePostForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=["approve", "reject"],  # the page's two buttons carry the labels
        validators=[InputRequired()],
    )


class ModerationForm(FlaskForm):
    moderation = RadioField(_l("Moderation"), choices=["on", "off"], validators=[InputRequired()])
