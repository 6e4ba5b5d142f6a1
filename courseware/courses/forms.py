"""The course editor's forms: a course's settings, a change to its outline, an image for its media."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from courseware.content.files import SLUG
from courseware.courses.authoring import CourseFields
from courseware.courses.models import Course
from courseware.courses.outline import parse_item_key
from courseware.db import db
from courseware.formfields import DecimalField

# Words that name pages under /author/ and /courses/ rather than a course.
RESERVED_COURSE_SLUGS = {"courses", "new", "media", "preview", "static"}
MAX_HOURS = 1000


class CourseForm(FlaskForm):
    """A course's settings; the short name is asked only when the course is created."""

    title_zh = StringField(
        _l("Title (Chinese)"),
        validators=[
            DataRequired(message=_l("Give the course a Chinese title.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    title_en = StringField(
        _l("Title (English)"),
        validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    summary_zh = TextAreaField(
        _l("Summary (Chinese)"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    summary_en = TextAreaField(
        _l("Summary (English)"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    audience_zh = StringField(
        _l("Audience (Chinese)"),
        validators=[Optional(), Length(max=300, message=_l("At most %(max)d characters."))],
    )
    audience_en = StringField(
        _l("Audience (English)"),
        validators=[Optional(), Length(max=300, message=_l("At most %(max)d characters."))],
    )
    credit_hours = DecimalField(
        _l("Credit hours (学时) credited on completion"),
        validators=[InputRequired(message=_l("Give the course's credit hours (学时)."))],
    )
    credit_from_minutes = BooleanField(
        _l("Derive the credit hours (学时) from the lessons' minutes, by the organisation's rule")
    )
    cover = FileField(_l("Cover image (optional; PNG, JPEG, GIF or WebP, at most 5 MB)"))
    remove_cover = BooleanField(_l("Remove the cover image"))
    note = StringField(
        _l("What changed (optional)"),
        validators=[Optional(), Length(max=255, message=_l("At most %(max)d characters."))],
    )
    base_revision_id = HiddenField()
    submit = SubmitField(_l("Save the course"))

    def validate_credit_hours(self, field):
        # One message says what is wanted, in place of WTForms' own "not a valid float".
        field.errors[:] = []
        if field.data is None or not 0 < field.data <= MAX_HOURS:
            raise ValidationError(
                _l(
                    "Credit hours (学时) must be a number above 0 and at most %(max)d.",
                    max=MAX_HOURS,
                )
            )

    def validate_title_en(self, field):
        if (field.data or "").strip() and not (self.title_zh.data or "").strip():
            raise ValidationError(_l("An English title translates the Chinese one: give both."))

    def fields(self, cover: str | None) -> CourseFields:
        """The settings as typed, with the cover the course is to have."""

        def pair(key):
            return {lang: (self[f"{key}_{lang}"].data or "").strip() for lang in ("zh", "en")}

        return CourseFields(
            title=pair("title"),
            summary=pair("summary"),
            audience=pair("audience"),
            credit_hours=float(self.credit_hours.data),
            cover=cover,
        )

    def fill_from(self, course: Course) -> None:
        """Put a course's settings into the form."""
        for key in ("title", "summary", "audience"):
            for lang in ("zh", "en"):
                self[f"{key}_{lang}"].data = (getattr(course, key) or {}).get(lang, "")
        self.credit_hours.data = course.credit_hours
        self.credit_from_minutes.data = bool(course.credit_from_minutes)

    def fill_from_settings(self, settings: dict) -> None:
        """Put a revision's settings into the form (the other editor's, after a conflict)."""
        for key in ("title", "summary", "audience"):
            for lang in ("zh", "en"):
                self[f"{key}_{lang}"].data = (settings.get(key) or {}).get(lang, "")
        self.credit_hours.data = settings.get("credit_hours")


class NewCourseForm(CourseForm):
    slug = StringField(
        _l("Short name in the address (lowercase letters, digits, hyphens)"),
        validators=[
            DataRequired(message=_l("Give the course a short name, such as microblogs-2026.")),
            Length(max=64, message=_l("At most %(max)d characters.")),
        ],
    )
    submit = SubmitField(_l("Create the course"))

    def validate_slug(self, field):
        field.data = field.data.strip().lower()
        if not SLUG.match(field.data) or field.data in RESERVED_COURSE_SLUGS:
            raise ValidationError(
                _l("Use lowercase letters, digits and hyphens, such as microblogs-2026.")
            )
        if db.session.scalar(sa.select(Course.id).where(Course.slug == field.data)):
            raise ValidationError(
                _l("There is already a course with that short name (perhaps archived).")
            )


class OutlineForm(FlaskForm):
    """One change to the outline: an item moved up or down (a button, so it works by keyboard and
    without script), or the whole new order (sent by dragging)."""

    item = HiddenField()
    direction = SelectField(choices=["up", "down"], validate_choice=False)
    order = HiddenField()
    base_revision_id = HiddenField()

    def validate_item(self, field):
        if not self.order.data and parse_item_key(field.data) is None:
            raise ValidationError(_l("Choose an item of the outline to move."))

    def validate_direction(self, field):
        if not self.order.data and field.data not in ("up", "down"):
            raise ValidationError(_l("Move an item up or down."))

    def new_order(self) -> list[tuple[str, str]] | None:
        """The order sent by a drag, or None when a button sent a move."""
        if not self.order.data:
            return None
        keys = [parse_item_key(k) for k in re.split(r"[,\s]+", self.order.data.strip()) if k]
        if any(k is None for k in keys):
            raise ValidationError(_l("The new order names an item the outline does not have."))
        return keys


class ImageForm(FlaskForm):
    """An image uploaded into a course's media."""

    image = FileField(
        _l("Image (PNG, JPEG, GIF or WebP, at most 5 MB)"),
        validators=[],
    )
    alt = StringField(
        _l("What the image shows (for readers who cannot see it)"),
        validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Upload"))
