"""Completing a course issues exactly one certificate, carrying the facts of the day."""

import sqlalchemy as sa

from courseware.accounts.models import User
from courseware.certificates.issue import CODE_ALPHABET, CODE_LENGTH
from courseware.certificates.models import Certificate
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.completion import check_completion
from courseware.progress.models import CourseCompletion
from courseware.timeutil import utcnow


def test_completion_issues_one_certificate_with_a_snapshot(app, certified):
    with app.app_context():
        certificate = db.session.get(Certificate, certified.certificate_id)
        completion = db.session.scalar(sa.select(CourseCompletion))
        assert certificate.completion_id == completion.id
        assert certificate.user_id == certified.user_id
        assert (certificate.name, certificate.unit) == ("张伟", "浙江省 / 杭州市")
        assert certificate.course_title == {"zh": "测试课程", "en": "Test course"}
        assert certificate.credit_hours == 2.0
        assert certificate.issued_at == completion.completed_at
        assert certificate.valid and certificate.revoked_at is None
        assert len(certificate.code) == CODE_LENGTH and set(certificate.code) <= set(CODE_ALPHABET)

        # Meeting the rule again issues nothing more.
        course = db.session.scalar(sa.select(Course))
        assert check_completion(course.id, certified.user_id, utcnow()) is None
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1

        # What was printed stays printed: renaming the learner or the course changes nothing on it.
        db.session.get(User, certified.user_id).name = "张伟伟"
        course.title = {"zh": "新名字", "en": "New name"}
        db.session.commit()
        db.session.expire_all()
        certificate = db.session.get(Certificate, certified.certificate_id)
        assert (certificate.name, certificate.course_title["zh"]) == ("张伟", "测试课程")


def test_each_learner_gets_their_own_code(app, make_user, certified, complete_course):
    other = complete_course(make_user(username="lisi", name="李四"))
    assert other.code != certified.code
    with app.app_context():
        certificate = db.session.get(Certificate, other.certificate_id)
        assert (certificate.name, certificate.unit) == ("李四", "")


def test_completions_without_a_certificate_get_one_from_the_command(
    app, runner, make_user, certified, complete_course
):
    """Completions recorded before certificates existed: `certificates issue-missing` issues theirs, once."""
    from courseware.accounts.models import AuditEvent

    other = complete_course(make_user(username="lisi", name="李四"))
    with app.app_context():
        for certificate_id in (certified.certificate_id, other.certificate_id):
            db.session.delete(db.session.get(Certificate, certificate_id))
        db.session.commit()
    result = runner.invoke(args=["certificates", "issue-missing"])
    assert result.exit_code == 0, result.output
    assert "Issued 2 certificates." in result.output
    with app.app_context():
        issued = db.session.scalars(sa.select(Certificate).order_by(Certificate.user_id)).all()
        assert [(c.user_id, c.name) for c in issued] == [
            (certified.user_id, "张伟"),
            (other.user_id, "李四"),
        ]
        assert all(c.valid and len(c.code) == 12 for c in issued)
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "certificate.issue_missing")
            )
            == 1
        )
    again = runner.invoke(args=["certificates", "issue-missing"])
    assert again.exit_code == 0 and "Issued 0 certificates." in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 2
