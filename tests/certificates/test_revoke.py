"""Administrators revoke a certificate with a reason; it stays listed, and shows as revoked everywhere."""

import json

import sqlalchemy as sa

from courseware.accounts.audit import action_label
from courseware.accounts.models import AuditEvent, Role
from courseware.certificates.models import Certificate
from courseware.db import db
from tests.conftest import Auth

EN = {"Accept-Language": "en"}


def revocations(app):
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoke")
        ).all()


def certificate(app, certificate_id):
    with app.app_context():
        return db.session.get(Certificate, certificate_id)


def sign_in_admin(app, client, make_user):
    make_user(Role.ADMIN, username="boss", name="管理员", locale="en")
    assert Auth(client).login("boss").status_code == 302
    return Auth(client)


def test_a_learner_cannot_revoke(app, client, auth, certified):
    auth.login("zhangwei77")
    response = auth.post(
        f"/admin/certificates/{certified.certificate_id}/revoke", data={"reason": "mine"}
    )
    assert response.status_code == 403
    assert certificate(app, certified.certificate_id).valid


def test_a_reason_is_required(app, client, make_user, certified):
    admin = sign_in_admin(app, client, make_user)
    for reason in ("", "   "):
        response = admin.post(
            f"/admin/certificates/{certified.certificate_id}/revoke", data={"reason": reason}
        )
        assert response.status_code == 302
        assert "Give a reason" in client.get(response.location).get_data(as_text=True)
    assert certificate(app, certified.certificate_id).valid
    assert revocations(app) == []


def test_revoking_is_audited_and_shows_everywhere(app, client, make_user, certified):
    admin = sign_in_admin(app, client, make_user)
    response = admin.post(
        f"/admin/certificates/{certified.certificate_id}/revoke",
        data={"reason": "考试作弊，经核实"},
    )
    assert response.status_code == 302
    revoked = certificate(app, certified.certificate_id)
    assert revoked.revoked_at is not None and revoked.revoked_reason == "考试作弊，经核实"
    [event] = revocations(app)
    assert event.actor_username == "boss" and event.target == certified.code
    assert json.loads(event.detail)["reason"] == "考试作弊，经核实"
    assert action_label("certificate.revoke") == "Certificate revoked"

    # Still listed, as revoked, with its reason, for administrators.
    page = client.get("/admin/certificates").get_data(as_text=True)
    assert "张伟" in page and "revoked on" in page and "考试作弊" in page

    # Revoking twice changes nothing.
    admin.post(f"/admin/certificates/{certified.certificate_id}/revoke", data={"reason": "again"})
    assert len(revocations(app)) == 1
    assert certificate(app, certified.certificate_id).revoked_reason == "考试作弊，经核实"

    # The public page says revoked, with the date but not the reason.
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{certified.code}", headers=EN).get_data(as_text=True)
    assert "no longer valid" in page and "This certificate is valid." not in page
    assert "考试作弊" not in page

    # The owner sees it revoked on the certificate, the lists and the course page; the PDF says so too.
    owner = app.test_client()
    Auth(owner).login("zhangwei77")
    page = owner.get(f"/certificates/{certified.certificate_id}").get_data(as_text=True)
    assert "This certificate was revoked on" in page and "certificate revoked" in page
    assert "考试作弊" not in page
    for path in ("/certificates", "/my-learning", "/courses/test-course"):
        assert "status-revoked" in owner.get(path).get_data(as_text=True), path
    assert owner.get(f"/certificates/{certified.certificate_id}.pdf").data.startswith(b"%PDF")


def test_search_by_username_or_code(app, client, make_user, certified, complete_course):
    other = complete_course(make_user(username="lisi", name="李四"))
    sign_in_admin(app, client, make_user)
    page = client.get("/admin/certificates").get_data(as_text=True)
    assert "张伟" in page and "李四" in page
    page = client.get("/admin/certificates", query_string={"q": "ZhangWei77"}).get_data(
        as_text=True
    )
    assert "张伟" in page and "李四" not in page
    typed = "-".join(other.code[i : i + 4] for i in range(0, 12, 4)).lower()
    page = client.get("/admin/certificates", query_string={"q": typed}).get_data(as_text=True)
    assert "李四" in page and "张伟" not in page
    page = client.get("/admin/certificates", query_string={"q": "nobody"}).get_data(as_text=True)
    assert "No certificates found." in page
    assert 'href="/admin/certificates"' in client.get("/admin/").get_data(as_text=True)


def ledger_of(app, user_id):
    from courseware.progress.models import CreditEntry

    with app.app_context():
        return [
            (e.kind, e.hours, e.note)
            for e in db.session.scalars(
                sa.select(CreditEntry)
                .where(CreditEntry.user_id == user_id)
                .order_by(CreditEntry.id)
            )
        ]


def test_revoking_may_take_back_the_courses_credit(
    app, client, make_user, certified, complete_course
):
    admin = sign_in_admin(app, client, make_user)
    [(kind, hours, _)] = ledger_of(app, certified.user_id)
    assert kind == "course" and hours > 0

    # Left unticked, the ledger keeps the hours.
    other = complete_course(make_user(username="lisi", name="李四"))
    admin.post(
        f"/admin/certificates/{other.certificate_id}/revoke", data={"reason": "证书信息有误"}
    )
    assert [k for k, _, _ in ledger_of(app, other.user_id)] == ["course"]

    response = admin.post(
        f"/admin/certificates/{certified.certificate_id}/revoke",
        data={"reason": "考试作弊，经核实", "reverse_credit": "y"},
    )
    page = client.get(response.location).get_data(as_text=True)
    assert f"{hours:g} credit hours were taken back" in page
    assert ledger_of(app, certified.user_id) == [
        ("course", hours, ledger_of(app, certified.user_id)[0][2]),
        ("reversal", -hours, "考试作弊，经核实"),
    ]
    [event] = [e for e in revocations(app) if e.target == certified.code]
    assert json.loads(event.detail)["reverse_credit"] is True


def test_credit_reversed_already_is_not_reversed_twice(app, client, make_user, certified):
    from courseware.accounts.models import User
    from courseware.progress import ledger
    from courseware.progress.models import CreditEntry
    from courseware.timeutil import utcnow

    admin = sign_in_admin(app, client, make_user)
    with app.app_context():
        entry = db.session.scalar(
            sa.select(CreditEntry).where(CreditEntry.user_id == certified.user_id)
        )
        boss = db.session.scalar(sa.select(User).where(User.username == "boss"))
        ledger.reverse(entry, "重复登记", boss, utcnow().date())
        db.session.commit()
    response = admin.post(
        f"/admin/certificates/{certified.certificate_id}/revoke",
        data={"reason": "考试作弊", "reverse_credit": "y"},
    )
    assert "had been reversed already" in client.get(response.location).get_data(as_text=True)
    assert [k for k, _, _ in ledger_of(app, certified.user_id)] == ["course", "reversal"]
    assert not certificate(app, certified.certificate_id).valid
