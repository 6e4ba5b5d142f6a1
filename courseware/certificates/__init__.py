"""Certificates: issued on completing a course, printable, verifiable by code, revocable."""

from courseware import jobs, signals
from courseware.certificates import batch, issue, records


def init_app(app) -> None:
    """Issue a certificate for every completed course; let any page show a learner's certificates."""
    signals.course_completed.connect(issue.on_course_completed)
    app.jinja_env.globals["certificate_for"] = records.for_course
    app.jinja_env.globals["certificates_of"] = records.of_user
    app.jinja_env.globals["display_code"] = records.display_code
    jobs.register(app, batch.KIND, model=batch.ClassCertificatesJob, work=batch.write_pdf)
