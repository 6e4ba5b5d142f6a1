"""The question bank's forms: what the bank page shows, and what every question form carries
besides the question's own fields (which the type's parts describe, see editor.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length, Optional, ValidationError

from courseware.quizzes.bank_queries import BankFilter

NAME_LENGTH = 100  # characters of a category's name in each language


class BankFilterForm(FlaskForm):
    """The bank page's search, from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Find"), validators=[Optional(), Length(max=200)])
    type = StringField(_l("Type"))
    category = StringField(_l("Category"))
    lesson = StringField(_l("Lesson"))
    archived = BooleanField(_l("Archived questions"))

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(types)

    def validate_type(self, field):
        if field.data and field.data not in self.types:
            raise ValidationError(_l("There is no such question type; all types are shown."))

    @property
    def filter(self) -> BankFilter:
        return BankFilter(
            words=(self.q.data or "")[:200] if not self.q.errors else "",
            type=self.type.data if self.type.data in self.types else "",
            category=self.category.data or "",
            lesson=self.lesson.data or "",
            archived=bool(self.archived.data),
        )


class QuestionMetaForm(FlaskForm):
    """The CSRF token, the version the form was loaded from, and a note for the history."""

    version = HiddenField()
    note = StringField(_l("Note for the history (optional)"), validators=[Length(max=200)])


class CategoryNameForm(FlaskForm):
    """A category's name in Chinese and English; both empty shows it by its key again."""

    key = HiddenField()
    name_zh = StringField(
        _l("Category name (Chinese)"),
        validators=[Length(max=NAME_LENGTH, message=_l("At most %(max)d characters."))],
    )
    name_en = StringField(
        _l("Category name (English)"),
        validators=[Length(max=NAME_LENGTH, message=_l("At most %(max)d characters."))],
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = set(keys)

    def validate_key(self, field):
        if field.data not in self.keys:
            raise ValidationError(_l("This bank has no such category; choose one in the tree."))

    @property
    def name(self) -> dict[str, str]:
        return {"zh": self.name_zh.data or "", "en": self.name_en.data or ""}
