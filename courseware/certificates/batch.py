"""A whole class's certificates in one PDF, drawn by the job queue's worker, one page each, its
progress written to the job's row and its file kept in the database, so that every app server can
report it and send it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from courseware import jobs
from courseware.accounts.models import Cohort, cohort_member
from courseware.certificates.models import Certificate
from courseware.db import db
from courseware.i18n import force_locale
from courseware.jobs import FileJob, set_state
from courseware.progress.models import CourseAssignment

KIND = "class_certificates"


class ClassCertificatesJob(FileJob, db.Model):
    """One PDF of a class's certificates, written in the background."""

    __tablename__ = "class_certificates_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    # The worker has no request: the language the pages are printed in and the address the QR
    # codes point at are those of the request that started the job.
    locale: Mapped[str] = mapped_column(sa.String(16))
    base_url: Mapped[str] = mapped_column(sa.String(255))

    @property
    def filename(self) -> str:
        return f"class-{self.cohort_id}-certificates-{self.id}.pdf"


def of_class(cohort: Cohort) -> sa.Select:
    """The valid certificates the class's members hold for the courses assigned to the class (for
    any course when the class has none assigned, as its grid shows every course then), by name."""
    query = (
        sa.select(Certificate)
        .join(cohort_member, cohort_member.c.user_id == Certificate.user_id)
        .where(cohort_member.c.cohort_id == cohort.id, Certificate.revoked_at.is_(None))
    )
    assigned = sa.select(CourseAssignment.course_id).where(CourseAssignment.cohort_id == cohort.id)
    if db.session.scalar(sa.select(sa.exists(assigned))):
        query = query.where(Certificate.course_id.in_(assigned))
    return query.order_by(Certificate.name, Certificate.course_id, Certificate.id)


def count_of_class(cohort: Cohort) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(of_class(cohort).subquery()))


def write_pdf(job_id: int) -> None:
    """Draw every certificate on a page of its own into a temporary file, then keep it in the
    database with the job done. A worker that stops half-way leaves nothing behind."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from courseware.certificates import pdf, qr

    job = db.session.get(ClassCertificatesJob, job_id)
    cohort = db.session.get(Cohort, job.cohort_id)
    ids = db.session.scalars(of_class(cohort).with_only_columns(Certificate.id)).all()
    set_state(ClassCertificatesJob, job_id, done=0, total=len(ids))
    name = job.filename
    app = current_app._get_current_object()
    with tempfile.TemporaryDirectory(prefix="certificates-") as folder:
        target = Path(folder) / name
        with (
            force_locale(job.locale),
            app.test_request_context("/", base_url=job.base_url),
        ):
            sheet = canvas.Canvas(str(target), pagesize=A4, pageCompression=1)
            sheet.setTitle(_("Certificates of %(name)s", name=cohort.name))
            sheet.setAuthor(_("Courseware"))
            for done, certificate_id in enumerate(ids, start=1):
                certificate = db.session.get(Certificate, certificate_id)
                pdf.draw_page(sheet, certificate, qr.verify_url(certificate.code))
                set_state(ClassCertificatesJob, job_id, done=done)
            sheet.save()
        jobs.finish_with_file(ClassCertificatesJob, job_id, target, name)


def start(job: ClassCertificatesJob) -> None:
    """Send a committed, queued job to the worker."""
    jobs.send(KIND, job.id)
