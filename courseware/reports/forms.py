"""Forms for the completion reports: the filters in the query string, and the detailed export."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from courseware.accounts.models import Unit
from courseware.db import db
from courseware.formfields import row_id
from courseware.reports import queries

EXPORT_FORMATS = ("csv", "xlsx")


class ReportFilterForm(FlaskForm):
    """How to group, which unit, which days; read from the query string, so no CSRF token.

    The dates are read as text, so that a date that cannot be read is named in the message."""

    class Meta:
        csrf = False

    by = SelectField(_l("By"), default="unit", validate_choice=False)
    unit = StringField(_l("Unit (with its sub-units)"))
    start = StringField(_l("From"), name="from")
    end = StringField(_l("To"), name="to")

    def validate_by(self, field):
        if field.data not in queries.GROUPINGS:
            raise ValidationError(_l("Choose unit, class or course."))

    def validate_unit(self, field):
        if field.data and not (row_id(field.data) and db.session.get(Unit, row_id(field.data))):
            raise ValidationError(_l("Choose a unit."))

    def validate_start(self, field):
        _day(field)

    def validate_end(self, field):
        if _day(field) and self.start_day and self.end_day < self.start_day:
            raise ValidationError(_l("The start of the range comes after its end."))

    @property
    def start_day(self) -> dt.date | None:
        return _read_day(self.start.data)

    @property
    def end_day(self) -> dt.date | None:
        return _read_day(self.end.data)

    def filters(self) -> queries.Filters:
        """The filters that could be read."""
        return queries.Filters(
            by=self.by.data if self.by.data in queries.GROUPINGS else "unit",
            start=self.start_day,
            end=self.end_day,
            unit_id=row_id(self.unit.data) if not self.unit.errors else None,
        )


def _read_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _day(field) -> dt.date | None:
    """The field's date; a field that is filled in but cannot be read is named with what it holds."""
    value = (field.data or "").strip()
    if not value:
        return None
    day = _read_day(value)
    if day is None:
        raise ValidationError(
            _l(
                "%(field)s: %(value)s is not a date such as 2026-12-01.",
                field=field.name,
                value=value,
            )
        )
    return day


class ExportForm(FlaskForm):
    """The file format of the detailed export."""

    format = SelectField(_l("Format"), choices=list(EXPORT_FORMATS), validate_choice=False)

    def validate_format(self, field):
        if field.data not in EXPORT_FORMATS:
            raise ValidationError(_l("Choose CSV or XLSX."))
