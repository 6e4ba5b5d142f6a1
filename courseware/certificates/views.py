"""Certificates: the learner's list, the printable page and PDF, public verification, revocation and
the design every certificate prints (organisation, signature line, seal)."""

import io

from flask import (
    abort,
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import permissions
from courseware.access import public, roles, signed_in
from courseware.accounts.models import Role, User
from courseware.certificates import (
    design,
    models,  # noqa: F401  (the tables, for migrations)
    operations,
    qr,
    records,
)
from courseware.certificates.forms import DesignForm, RevokeForm, SearchForm, VerifyForm
from courseware.certificates.models import Certificate
from courseware.courses.images import ImageRefused
from courseware.db import db
from courseware.lessons.author_blueprint import refusal_message
from courseware.templating import hours
from courseware.timeutil import utcnow

bp = Blueprint("certificates", __name__)

PER_PAGE = 50


@bp.route("/certificates")
@signed_in
def mine():
    """List the signed-in user's certificates, revoked ones marked."""
    return render_template(
        "certificates/mine.html",
        certificates=records.of_user(current_user.id),
        display_code=records.display_code,
    )


def _visible(certificate_id: int) -> Certificate:
    """The certificate if the reader owns it or administers its holder; 404 otherwise, so ids leak
    nothing."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or (
        certificate.user_id != current_user.id and not _manages_holder(certificate)
    ):
        abort(404)
    return certificate


def _manages_holder(certificate: Certificate) -> bool:
    holder = db.session.get(User, certificate.user_id)
    return permissions.is_admin(current_user) and permissions.manages_user(current_user, holder)


@bp.route("/certificates/<int:certificate_id>")
@signed_in
def show(certificate_id):
    """The certificate as a page that prints on one A4 sheet."""
    certificate = _visible(certificate_id)
    url = qr.verify_url(certificate.code)
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        verify_url=url,
        qr_svg=qr.svg(url, _("QR code for verifying this certificate")),
        display_code=records.display_code,
    )


@bp.route("/certificates/<int:certificate_id>.pdf", endpoint="pdf")
@signed_in
def pdf_download(certificate_id):
    """The certificate as an A4 PDF download."""
    from courseware.certificates import pdf  # ReportLab loads when a PDF is asked for

    certificate = _visible(certificate_id)
    data = pdf.render(certificate, qr.verify_url(certificate.code))
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=pdf.filename(certificate),
    )


@bp.route("/verify")
@bp.route("/verify/<code>")
@public
def verify(code=None):
    """Check a code: anyone may; the answer names the person, course, date and validity, no more."""
    form = VerifyForm(request.args)
    if code is None and "code" in request.args:
        if form.validate() and records.normalise_code(form.code.data):
            return redirect(url_for(".verify", code=records.normalise_code(form.code.data)))
        form.code.errors = [_("Enter the code printed on the certificate.")]
    certificate = records.by_code(code) if code is not None else None
    if code is not None:
        form.code.data = records.display_code(records.normalise_code(code))
    status = 404 if code is not None and certificate is None else 200
    response = current_app.make_response(
        (
            render_template(
                "certificates/verify.html",
                form=form,
                code=code,
                certificate=certificate,
                display_code=records.display_code,
            ),
            status,
        )
    )
    # A verification answer is for the person who asked, not for search engines.
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/admin/certificates")
@roles(Role.ADMIN)
def admin():
    """All certificates, newest first, searchable by username or code."""
    form = SearchForm(request.args)
    form.validate()
    query = form.q.data if not form.q.errors else ""
    stmt = records.search(query).where(
        permissions.managed_user_clause(current_user, Certificate.user_id)
    )
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template(
        "certificates/admin.html",
        form=form,
        page=page,
        display_code=records.display_code,
    )


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["POST"])
@roles(Role.ADMIN)
def revoke(certificate_id):
    """Revoke a certificate, giving a reason; it stays listed as revoked."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not _manages_holder(certificate):
        abort(404)
    form = RevokeForm()
    back = url_for(".admin", q=certificate.code)
    if not form.validate():
        flash(_("Give a reason for revoking the certificate."), "error")
        return redirect(back)
    try:
        reversal = operations.revoke(
            certificate,
            form.reason.data,
            current_user._get_current_object(),
            utcnow(),
            reverse_credit=form.reverse_credit.data,
        )
    except operations.AlreadyRevoked:
        flash(_("That certificate was revoked already."), "error")
        return redirect(back)
    db.session.commit()
    flash(
        _("Certificate %(code)s revoked.", code=records.display_code(certificate.code)), "success"
    )
    if reversal is not None:
        flash(
            ngettext(
                "%(hours)s credit hour was taken back from the learner's ledger.",
                "%(hours)s credit hours were taken back from the learner's ledger.",
                1 if -reversal.hours == 1 else 2,
                hours=hours(-reversal.hours),
            ),
            "success",
        )
    elif form.reverse_credit.data:
        flash(
            _(
                "The credit hours of this course had been reversed already; the ledger is unchanged."
            ),
            "info",
        )
    return redirect(back)


def _seal_refusal(error: ImageRefused) -> str:
    name = error.filename or _("(no name)")
    if error.reason == "not_png":
        return _(
            "“%(name)s” is not a PNG image; save the seal as PNG and upload it again.", name=name
        )
    if error.reason == "seal_too_large":
        return _(
            "“%(name)s” is larger than %(side)d pixels on a side; make it smaller and upload it "
            "again.",
            name=name,
            side=error.params["side"],
        )
    return refusal_message(error)


def _may_design() -> None:
    """The design is the whole organisation's: only administrators of every unit change it."""
    if not permissions.is_province_admin(current_user):
        abort(403)


@bp.route("/admin/certificates/design", methods=["GET", "POST"])
@roles(Role.ADMIN)
def design_edit():
    """The organisation's name, the signature line and the seal every certificate prints."""
    _may_design()
    stored = design.current()
    form = DesignForm()
    if request.method == "GET" and stored is not None:
        form.organisation_zh.data = stored.organisation.get("zh", "")
        form.organisation_en.data = stored.organisation.get("en", "")
        form.signature_zh.data = stored.signature.get("zh", "")
        form.signature_en.data = stored.signature.get("en", "")
    if form.validate_on_submit():
        seal = None
        upload = form.seal.data
        if upload and upload.filename:
            try:
                seal = design.check_seal(upload.read(), upload.filename)
            except ImageRefused as error:
                form.seal.errors = [_seal_refusal(error)]
        if not form.seal.errors:
            design.save(
                {"zh": form.organisation_zh.data, "en": form.organisation_en.data},
                {"zh": form.signature_zh.data, "en": form.signature_en.data},
                seal,
                form.remove_seal.data,
                current_user._get_current_object(),
            )
            db.session.commit()
            flash(_("The certificates' design is saved."), "success")
            return redirect(url_for(".design_edit"))
    return render_template(
        "certificates/design.html",
        form=form,
        has_seal=stored is not None and stored.seal_png is not None,
    ), (400 if form.errors else 200)


@bp.route("/admin/certificates/design/seal.png")
@roles(Role.ADMIN)
def design_seal():
    _may_design()
    stored = design.current()
    if stored is None or stored.seal_png is None:
        abort(404)
    return send_file(io.BytesIO(stored.seal_png), mimetype="image/png")
