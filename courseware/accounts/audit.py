"""Append entries to the audit log (审计日志)."""

import json

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courseware.accounts.models import AuditEvent, User
from courseware.db import db
from courseware.netutil import client_ip

# How each action reads in the audit log; unknown actions show their code. Every code passed to
# record() needs a line here (tests/accounts/test_audit_labels.py reads the sources to check).
ACTION_LABELS = {
    "login.success": _l("Signed in"),
    "login.failure": _l("Failed sign-in"),
    "login.throttled": _l("Sign-in refused: too many failures"),
    "login.deactivated": _l("Sign-in refused: account deactivated"),
    "login.address_unlocked": _l("Lock on a network address lifted"),
    "logout": _l("Signed out"),
    "password.change": _l("Changed own password"),
    "password.wrong_current": _l("Wrong current password"),
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.role": _l("Role changed"),
    "user.activate": _l("Account reactivated"),
    "user.deactivate": _l("Account deactivated"),
    "user.reset_password": _l("Password reset"),
    "user.unlock": _l("Failed sign-ins cleared"),
    "users.initial_passwords": _l(
        "Initial passwords issued to accounts never signed in (spreadsheet)"
    ),
    "unit.create": _l("Unit created"),
    "unit.update": _l("Unit edited"),
    "unit.delete": _l("Unit deleted"),
    "class.create": _l("Class created"),
    "class.update": _l("Class edited"),
    "class.add_members": _l("Learners added to a class"),
    "class.remove_member": _l("Learner removed from a class"),
    "class.assign": _l("Course assigned to a class"),
    "class.unassign": _l("Course assignment withdrawn from a class"),
    "course.completion": _l("Completion rule changed"),
    "course.editors": _l("Course editors changed"),
    "credit.course": _l("Credit hours credited for a completed course"),
    "credit.external": _l("Credit hours entered for training elsewhere"),
    "credit.reverse": _l("Credit-hour entry reversed"),
    "credit.in_person": _l("Credit hours credited for in-person training in a class session"),
    "course.credit_rule": _l("How a course's completion is credited changed"),
    "training_import.upload": _l("Sheet of outside training uploaded for checking"),
    "training_import.apply": _l("Sheet of outside training imported"),
    "training_import.match": _l("Imported training row matched to an account and credited"),
    "training_import.discard": _l("Imported training row discarded"),
    "classroom.open": _l("Class session opened"),
    "classroom.live_quiz_start": _l("Live quiz started"),
    "classroom.live_question_push": _l("Live quiz question shown"),
    "classroom.live_question_close": _l("Live quiz question closed"),
    "classroom.live_quiz_finish": _l("Live quiz finished"),
    "classroom.live_quiz_attempts": _l("Live quiz recorded as quiz attempts"),
    "classroom.post": _l("Question or comment sent in class"),
    "classroom.post_decide": _l("Question or comment approved or refused"),
    "classroom.moderation": _l("Moderation of class questions changed"),
    "classroom.vote": _l("Class question upvoted"),
    "classroom.close": _l("Class session closed and its credit hours credited"),
    "classroom.correct": _l("Attendance at a class session corrected"),
    "classroom.leave_request": _l("Leave requested from a class session"),
    "classroom.leave_decide": _l("Leave request decided"),
    "classroom.roll_call": _l("Learner called at random in a class session"),
    "classroom.reverse_credit": _l("Credit hours of a class session reversed"),
    "quota.update": _l("Credit-hour quota changed"),
    "report.export": _l("Report exported"),
    "report.download": _l("Report export downloaded"),
    "roster.import": _l("Roster imported"),
    "lesson.draft": _l("Lesson draft saved"),
    "lesson.publish": _l("Lesson published"),
    "lesson.revert": _l("Lesson reverted"),
    "lesson.conflict": _l("Lesson save refused (edit conflict)"),
    "lesson.archive": _l("Lesson taken out of its course"),
    "lesson.restore": _l("Lesson put back in its course"),
    "course.create": _l("Course created"),
    "course.update": _l("Course settings changed"),
    "course.outline": _l("Course outline changed"),
    "course.conflict": _l("Course save refused (edit conflict)"),
    "course.publish": _l("Course published in the catalogue"),
    "course.unpublish": _l("Course taken out of the catalogue"),
    "course.archive": _l("Course archived"),
    "course.restore": _l("Course restored"),
    "course.media": _l("Image uploaded into a course's media"),
    "course.media_delete": _l("Image deleted from a course's media"),
    "quiz.create": _l("Quiz created"),
    "quiz.save": _l("Quiz saved"),
    "quiz.publish": _l("Quiz version published"),
    "quiz.conflict": _l("Quiz save refused (edit conflict)"),
    "bank.category.name": _l("Question category named"),
    "quiz.archive": _l("Quiz taken out of its course"),
    "quiz.restore": _l("Quiz put back in its course"),
    "quiz.revert": _l("Quiz reverted to an earlier version"),
    "scenario.draft": _l("Scenario draft saved"),
    "scenario.publish": _l("Scenario published"),
    "scenario.copy": _l("Scenario started from another"),
    "scenario.conflict": _l("Scenario save refused (edit conflict)"),
    "quiz.grade": _l("Quiz answer graded"),
    "quiz.override": _l("Quiz override set"),
    "quiz.regrade": _l("Quiz regraded"),
    "quiz.import": _l("Questions imported"),
    "exercise.live": _l("Live exercise prepared"),
    "exercise.review": _l("Exercise post scored"),
    "exercise.observer": _l("Observer invited to a live exercise"),
    "exercise.observer_remove": _l("Observer removed from a live exercise"),
    "exercise.note": _l("Observer's note on a live exercise"),
    "exercise.note_delete": _l("Observer's note deleted"),
    "exercise.rating": _l("Team rated on the exercise's capabilities"),
    "exercise.timeline": _l("Exercise timeline imported"),
    "api.token_create": _l("API token created"),
    "api.token_revoke": _l("API token revoked"),
    "api.call": _l("API call"),
    "api.forbidden": _l("API call refused: token lacks the scope"),
    "api.revoked": _l("API call refused: token revoked"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.issue_missing": _l("Missing certificates issued"),
    "certificate.design": _l("Certificates' design changed"),
    "certificate.class_pdf": _l("Certificates of a class put in one PDF"),
    "certificate.class_pdf_download": _l("Certificates of a class downloaded as one PDF"),
    "record.export_pdf": _l("A cadre's training record downloaded (PDF)"),
    "record.export_xlsx": _l("A cadre's training record downloaded (XLSX)"),
    "record.export_unit": _l("A unit's training records downloaded (XLSX)"),
    "record.export_unit_started": _l("A unit's training records workbook started"),
    "record.export_cli": _l("A cadre's training record exported on the command line"),
    "notification.remind_class": _l("Overdue learners of a class reminded"),
    "notification.remind_unit": _l("Overdue learners of a unit reminded"),
    "account.email_reminders": _l("Email reminders turned on or off"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label else action


def record(
    action: str, target: str = "", detail=None, actor: User | None = None, ip: str | None = None
) -> AuditEvent:
    """Add an audit entry to the current transaction; the caller commits with its own change.

    The actor defaults to the signed-in user, the address to the request's (work done in the
    background passes the one it was started from); `detail` may be a string or anything JSON
    can hold.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if detail is None:
        detail = ""
    elif not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else "",
        action=action,
        target=target[:255],
        detail=detail,
        ip=ip if ip is not None else (client_ip() if has_request_context() else ""),
    )
    db.session.add(event)
    return event
