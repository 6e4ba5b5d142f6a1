"""Forms: typing a code to verify, searching certificates, revoking one."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from courseware.certificates.operations import MAX_REASON
from courseware.certificates.records import MAX_TYPED_CODE


class VerifyForm(FlaskForm):
    """The public code form; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Verification code"), validators=[DataRequired(), Length(max=MAX_TYPED_CODE)]
    )
    submit = SubmitField(_l("Verify"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Username or verification code"), validators=[Optional(), Length(max=MAX_TYPED_CODE)]
    )
    submit = SubmitField(_l("Search"))


class RevokeForm(FlaskForm):
    reason = StringField(
        _l("Reason for revoking"), validators=[DataRequired(), Length(max=MAX_REASON)]
    )
    reverse_credit = BooleanField(_l("Also reverse the credit hours the course credited"))
    submit = SubmitField(_l("Revoke"))


class DesignForm(FlaskForm):
    """The organisation's name, the signature line (each in both languages) and the seal."""

    organisation_zh = StringField(_l("Organisation's name (Chinese)"), validators=[Length(max=200)])
    organisation_en = StringField(_l("Organisation's name (English)"), validators=[Length(max=200)])
    signature_zh = StringField(_l("Signature line (Chinese)"), validators=[Length(max=200)])
    signature_en = StringField(_l("Signature line (English)"), validators=[Length(max=200)])
    seal = FileField(_l("Seal (PNG with a transparent background)"))
    remove_seal = BooleanField(_l("Remove the seal"))
    submit = SubmitField(_l("Save the design"))
