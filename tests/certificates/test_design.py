"""The certificates' design: the organisation's name, the signature line (in both languages) and
the seal, set by an administrator of every unit and printed on every certificate."""

import io

import sqlalchemy as sa

from courseware.accounts.audit import AuditEvent
from courseware.accounts.models import Role
from courseware.certificates.models import CertificateDesign
from courseware.db import db
from tests.conftest import Auth, csrf_token
from tests.courses.conftest import jpeg, png
from tests.pdfread import pdf_lines

DESIGN = "/admin/certificates/design"


def post_design(client, seal=None, filename="seal.png", **fields):
    data = {
        "csrf_token": csrf_token(client, DESIGN),
        "organisation_zh": "中共浙江省委组织部",
        "organisation_en": "Organisation Department of Zhejiang",
        "signature_zh": "培训处（签章）",
        "signature_en": "Training Office (seal)",
        **fields,
    }
    if seal is not None:
        data["seal"] = (io.BytesIO(seal), filename)
    return client.post(DESIGN, data=data, content_type="multipart/form-data")


def count_images(data: bytes) -> int:
    return data.count(b"/Subtype /Image")


def test_the_design_prints_on_the_certificate_in_the_readers_language(
    app, client, admin, certified
):
    response = post_design(client, seal=png(200, 200))
    assert response.status_code == 302
    page = client.get(DESIGN).get_data(as_text=True)
    assert 'value="中共浙江省委组织部"' in page and "/admin/certificates/design/seal.png" in page
    assert client.get(f"{DESIGN}/seal.png").mimetype == "image/png"

    learner = app.test_client()
    Auth(learner).login("zhangwei77")  # reads in English
    english = learner.get(f"/certificates/{certified.certificate_id}.pdf").data
    lines = pdf_lines(english)
    assert "Organisation Department of Zhejiang" in lines
    assert "Training Office (seal)" in lines
    assert count_images(english) == 1

    # In Chinese, and the Chinese when no English is given.
    post_design(client, organisation_en="", signature_en="")
    with app.app_context():
        db.session.execute(sa.text("UPDATE \"user\" SET locale = 'zh'"))
        db.session.commit()
    chinese = pdf_lines(learner.get(f"/certificates/{certified.certificate_id}.pdf").data)
    assert "中共浙江省委组织部" in chinese and "培训处（签章）" in chinese
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("certificate.design") == 2


def test_the_seal_is_kept_until_removed(app, client, admin, certified):
    post_design(client, seal=png(100, 100))
    post_design(client)  # no new file: the seal stays
    with app.app_context():
        assert db.session.get(CertificateDesign, 1).seal_png is not None
    post_design(client, remove_seal="y")
    with app.app_context():
        assert db.session.get(CertificateDesign, 1).seal_png is None
    data = client.get(f"/certificates/{certified.certificate_id}.pdf").data
    assert count_images(data) == 0 and "培训处（签章）" in pdf_lines(
        data
    )  # the administrator reads Chinese


def test_a_seal_that_is_not_a_png_is_named_and_nothing_changes(app, client, admin):
    post_design(client, seal=png(100, 100))
    refused = post_design(client, seal=jpeg(), filename="seal.jpg", organisation_zh="改了")
    assert refused.status_code == 400
    assert "“seal.jpg”不是 PNG 图片" in refused.get_data(
        as_text=True
    )  # the administrator reads Chinese
    fake = post_design(client, seal=b"<svg/>", filename="seal.png", organisation_zh="改了")
    assert fake.status_code == 400 and "seal.png" in fake.get_data(as_text=True)
    big = post_design(client, seal=png(2100, 10), organisation_zh="改了")
    assert "边长超过 2000 像素" in big.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(CertificateDesign, 1)
        assert stored.organisation["zh"] == "中共浙江省委组织部"


def test_only_an_administrator_of_every_unit_sets_it(app, client, make_user, make_unit):
    unit = make_unit("浙江省", "杭州市")
    make_user(Role.ADMIN, username="hzadmin", unit_id=unit, admin_unit_id=unit)
    Auth(client).login("hzadmin")
    assert client.get(DESIGN).status_code == 403
    assert client.get(f"{DESIGN}/seal.png").status_code == 403
    make_user(username="reader")
    other = app.test_client()
    Auth(other).login("reader")
    assert other.get(DESIGN).status_code == 403
