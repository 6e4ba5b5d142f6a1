"""The lesson editor's forms: the lesson, its live preview, and comparing two revisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from courseware.content.checks import MAX_TRIES
from courseware.content.files import (
    LessonSource,
    LessonText,
    normalise_body,
    RESERVED_SLUGS,
    SLUG,
)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


class LessonForm(FlaskForm):
    title_zh = StringField(
        _l("Title (Chinese)"),
        validators=[
            DataRequired(message=_l("Give the lesson a Chinese title.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    minutes = IntegerField(
        _l("Estimated minutes"),
        validators=[
            InputRequired(message=_l("Say how many minutes the lesson takes.")),
            NumberRange(
                min=1, max=600, message=_l("Minutes must be a whole number from 1 to 600.")
            ),
        ],
    )
    check_tries = IntegerField(
        _l("Tries for each question inside the lesson (0: answering is enough)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_TRIES,
                message=_l("Tries must be a whole number from 0 to %(max)d."),
            ),
        ],
    )
    objectives_zh = TextAreaField(
        _l("Learning objectives (Chinese), one per line"), validators=[Optional()]
    )
    body_zh = TextAreaField(
        _l("Lesson text (Chinese, Markdown)"),
        validators=[
            DataRequired(message=_l("The lesson needs a Chinese text.")),
            Length(max=200_000, message=_l("At most %(max)d characters.")),
        ],
    )
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    objectives_en = TextAreaField(
        _l("Learning objectives (English), one per line"), validators=[Optional()]
    )
    body_en = TextAreaField(
        _l("Lesson text (English, Markdown)"), validators=[Optional(), Length(max=200_000)]
    )
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=255)])
    base_revision_id = HiddenField()
    save_draft = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Publish"))

    # Each check sits on the field that is filled in: an empty Optional() field skips its validators.
    def validate_body_en(self, field):
        if (field.data or "").strip() and not (self.title_en.data or "").strip():
            raise ValidationError(_l("An English text needs an English title."))

    def validate_title_en(self, field):
        if (field.data or "").strip() and not (self.body_en.data or "").strip():
            raise ValidationError(
                _l("An English title needs an English text; leave both empty for no translation.")
            )

    def to_source(self, slug: str, number: int) -> LessonSource:
        """The lesson as typed, in the same shape as a lesson read from files."""
        en = None
        if (self.title_en.data or "").strip():
            en = LessonText(
                self.title_en.data.strip(),
                _lines(self.objectives_en.data),
                normalise_body(self.body_en.data or ""),
            )
        zh = LessonText(
            self.title_zh.data.strip(),
            _lines(self.objectives_zh.data),
            normalise_body(self.body_zh.data),
        )
        return LessonSource(
            slug=slug,
            number=number,
            minutes=self.minutes.data,
            zh=zh,
            en=en,
            check_tries=self.check_tries.data or 0,
        )

    def fill_from(self, revision) -> None:
        """Put a revision's text into the form."""
        self.title_zh.data = revision.title_zh
        self.minutes.data = revision.minutes
        self.check_tries.data = revision.check_tries or 0
        self.objectives_zh.data = "\n".join(revision.objectives_zh)
        self.body_zh.data = revision.body_zh
        self.title_en.data = revision.title_en or ""
        self.objectives_en.data = "\n".join(revision.objectives_en or [])
        self.body_en.data = revision.body_en or ""


class NewLessonForm(LessonForm):
    slug = StringField(
        _l("Short name in the address (lowercase letters, digits, hyphens)"),
        validators=[
            DataRequired(message=_l("Give the lesson a short name, such as speak-early.")),
            Length(max=64, message=_l("At most %(max)d characters.")),
        ],
    )
    # "end", "start" or "after:KIND:SLUG"; the choices are the course's outline.
    position = SelectField(
        _l("Where in the course"),
        default="end",
        validate_choice=False,
    )

    def validate_position(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose where the lesson goes in the course's outline."))

    def validate_slug(self, field):
        field.data = field.data.strip().lower()
        # The files' own rule, so that what is written here can be exported and synced back.
        if not SLUG.match(field.data) or field.data in RESERVED_SLUGS:
            raise ValidationError(
                _l("Use lowercase letters, digits and hyphens, such as speak-early.")
            )


MAX_BODY = 200_000


class PreviewForm(FlaskForm):
    """The text the editor shows rendered as learners will see it, in one of the two languages."""

    lang = SelectField(choices=["zh", "en"], default="zh", validate_choice=False)
    body_zh = TextAreaField(validators=[Length(max=MAX_BODY)])
    body_en = TextAreaField(validators=[Length(max=MAX_BODY)])

    def validate_lang(self, field):
        if field.data not in ("zh", "en"):
            raise ValidationError(_l("Choose Chinese or English."))

    def body(self) -> str:
        return self[f"body_{self.lang.data}"].data or ""


class DiffForm(FlaskForm):
    """Two revisions of a lesson to compare; read from the query string."""

    class Meta:
        csrf = False

    a = IntegerField(validators=[InputRequired()])
    b = IntegerField(validators=[InputRequired()])
