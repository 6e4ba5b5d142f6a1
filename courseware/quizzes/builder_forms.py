"""The quiz builder's forms. They only collect what is typed: whether it makes a valid quiz is
decided by the quiz files' reader (building.check_quiz), and its problems are put by their fields
(builder_messages)."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from courseware.content.files import RESERVED_SLUGS, SLUG
from courseware.quizzes.building import layout_of, QuizFields

# Empty draw rows shown below those in use, for adding categories.
SPARE_DRAWS = 2


def local_input(value: str | None, zone) -> str:
    """A stored time (naive UTC, ISO) as a datetime-local input shows it, in the site's zone."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M")


class DrawRow(Form):
    """One random draw: how many questions from which category."""

    category = SelectField(_l("Category"), validate_choice=False, default="")
    count = StringField(_l("Number of questions"), default="")


class QuestionPicker(SelectMultipleField):
    """The course's questions as checkboxes; which exist is for the quiz reader to judge."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass


class QuizForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    description_zh = TextAreaField(
        _l("Description (Chinese)"), validators=[Optional(), Length(max=4000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=4000)]
    )
    opens = StringField(
        _l("Opens at (Beijing time)"), default="", render_kw={"type": "datetime-local"}
    )
    closes = StringField(
        _l("Closes at (Beijing time)"), default="", render_kw={"type": "datetime-local"}
    )
    time_limit = StringField(
        _l("Time limit in minutes (0: none)"), default="0", render_kw={"inputmode": "numeric"}
    )
    attempts = StringField(
        _l("Attempts allowed (0: unlimited)"), default="0", render_kw={"inputmode": "numeric"}
    )
    pass_mark = StringField(_l("Pass mark (%)"), default="60", render_kw={"inputmode": "decimal"})
    shuffle_questions = BooleanField(_l("Shuffle the questions"), default=False)
    shuffle_options = BooleanField(_l("Shuffle each question's options"), default=True)
    review = SelectField(
        _l("When learners see the right answers"),
        choices=[
            SelectChoice("immediately", _l("As soon as they hand in")),
            SelectChoice("after_close", _l("After the quiz closes")),
            SelectChoice("never", _l("Never")),
        ],
        validate_choice=False,
    )
    grade = SelectField(
        _l("Which attempt counts"),
        choices=[
            SelectChoice("best", _l("The best attempt")),
            SelectChoice("last", _l("The last attempt")),
        ],
        validate_choice=False,
    )
    classroom_only = BooleanField(
        _l("Only during a class session of the quiz's class"), default=False
    )
    networks = TextAreaField(
        _l("Only from these networks (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2, "spellcheck": "false", "autocapitalize": "off"},
    )
    questions = QuestionPicker(_l("Fixed questions (every learner gets them)"), choices=[])
    draws = FieldList(FormField(DrawRow), min_entries=1 + SPARE_DRAWS)
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=255)])
    base_version_id = HiddenField()
    layout = HiddenField()
    save = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Save and publish"))

    def fields(self) -> QuizFields:
        """What was typed, for building.check_quiz."""
        return QuizFields(
            title={"zh": self.title_zh.data or "", "en": self.title_en.data or ""},
            description={
                "zh": self.description_zh.data or "",
                "en": self.description_en.data or "",
            },
            opens=self.opens.data or "",
            closes=self.closes.data or "",
            time_limit=self.time_limit.data or "",
            attempts=self.attempts.data or "",
            pass_mark=self.pass_mark.data or "",
            shuffle_questions=bool(self.shuffle_questions.data),
            shuffle_options=bool(self.shuffle_options.data),
            review=self.review.data,
            grade=self.grade.data,
            classroom_only=bool(self.classroom_only.data),
            networks=self.networks.data or "",
            questions=list(self.questions.data or []),
            draws=[(row.category.data or "", row.count.data or "") for row in self.draws],
            layout=self.layout.data or "",
        )

    def fill_from(self, version, zone) -> None:
        """Put a version of the quiz into the form."""
        settings = version.settings
        self.title_zh.data = version.title.get("zh", "")
        self.title_en.data = version.title.get("en", "")
        self.description_zh.data = version.description.get("zh", "")
        self.description_en.data = version.description.get("en", "")
        self.opens.data = local_input(settings.get("opens"), zone)
        self.closes.data = local_input(settings.get("closes"), zone)
        for name in ("time_limit", "attempts", "pass_mark"):
            value = settings.get(name, 0)
            getattr(self, name).data = f"{value:g}" if isinstance(value, float) else str(value)
        self.shuffle_questions.data = bool(settings.get("shuffle_questions"))
        self.shuffle_options.data = bool(settings.get("shuffle_options", True))
        self.review.data = settings.get("review", "immediately")
        self.grade.data = settings.get("grade", "best")
        self.classroom_only.data = bool(settings.get("classroom_only"))
        self.networks.data = "\n".join(settings.get("networks") or [])
        self.questions.data = [s["question"] for s in version.slots if "question" in s]
        self.layout.data = layout_of(version.slots)
        draws = [s for s in version.slots if "draw" in s]
        while len(self.draws) < len(draws) + SPARE_DRAWS:
            self.draws.append_entry()
        for row, slot in zip(self.draws, draws):
            row.category.data = slot["category"]
            row.count.data = str(slot["draw"])

    def move(self, request: str) -> str | None:
        """Move a fixed question ("q:ID:up") or a draw ("d:ROW:down") one place, as the ↑ and ↓
        buttons ask when the page has no script; return where it went and which way ("d:1:down"),
        for the focus to stay on that button, or None when nothing moved."""
        kind, _, rest = (request or "").partition(":")
        key, _, direction = rest.rpartition(":")
        step = {"up": -1, "down": 1}.get(direction)
        if step is None:
            return None
        if kind == "q":
            chosen = list(self.questions.data or [])
            if key not in chosen or not 0 <= chosen.index(key) + step < len(chosen):
                return None
            here = chosen.index(key)
            chosen[here], chosen[here + step] = chosen[here + step], chosen[here]
            self.questions.data = chosen
            return f"q:{key}:{direction}"
        if kind == "d" and key.isdigit() and 0 <= int(key) + step < len(self.draws) > int(key):
            here, there = self.draws[int(key)], self.draws[int(key) + step]
            for name in ("category", "count"):
                first, second = here[name], there[name]
                first.data, second.data = second.data, first.data
            return f"d:{int(key) + step}:{direction}"
        return None

    def set_choices(self, questions, categories) -> None:
        """The course's questions to pick and its categories to draw from (shown by name)."""
        self.questions.choices = [(q.name, q.name) for q in questions]
        choices = [("", _l("(no draw)"))] + [
            (category, f"{name} ({count})") for category, name, count in categories
        ]
        for row in self.draws:
            row.category.choices = list(choices)
            # A category the bank no longer has stays choosable, so the reader names it.
            if row.category.data and row.category.data not in {c for c, _n in choices}:
                row.category.choices.append((row.category.data, row.category.data))


class NewQuizForm(QuizForm):
    slug = StringField(
        _l("Short name in the address (lowercase letters, digits, hyphens)"),
        validators=[
            DataRequired(message=_l("Give the quiz a short name, such as final-check.")),
            Length(max=64, message=_l("At most %(max)d characters.")),
        ],
    )
    # "end", "start" or "after:KIND:SLUG"; the choices are the course's outline.
    position = SelectField(_l("Where in the course"), default="end", validate_choice=False)

    def validate_position(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose where the quiz goes in the course's outline."))

    def validate_slug(self, field):
        field.data = field.data.strip().lower()
        if not SLUG.match(field.data) or field.data in RESERVED_SLUGS:
            raise ValidationError(
                _l("Use lowercase letters, digits and hyphens, such as final-check.")
            )
