"""The learner's certificate page and PDF: the owner's and administrators', nobody else's."""

import re

import pytest
import segno

from courseware.accounts.models import Role
from tests.conftest import Auth


def test_the_owner_sees_a_printable_certificate(client, auth, certified):
    auth.login("zhangwei77")
    response = client.get(f"/certificates/{certified.certificate_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for fact in (
        "张伟",
        "浙江省 / 杭州市",
        "测试课程",
        "Test course",
        "Credit hours",
        "Certificate of completion",
    ):
        assert fact in page
    assert re.search(r"<dd>\s*2\s*</dd>", page)  # 学时, without a needless ".0"
    assert f"/certificates/{certified.certificate_id}.pdf" in page
    # The CSP forbids inline style: the page carries none, the QR code included.
    assert "style=" not in page


def test_the_qr_code_encodes_the_verification_address(client, auth, certified):
    auth.login("zhangwei77")
    page = client.get(f"/certificates/{certified.certificate_id}").get_data(as_text=True)
    url = f"http://localhost/verify/{certified.code}"
    assert f'href="{url}"' in page
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    # The same URL through segno draws the same modules.
    expected = segno.make(url, error="m").svg_inline(scale=4, omitsize=True, lineclass=None)
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    assert f'd="{path}"' in expected
    other = segno.make(f"http://localhost/verify/{certified.code[::-1]}", error="m").svg_inline(
        scale=4
    )
    assert f'd="{path}"' not in other


def test_the_pdf_downloads_for_the_owner(client, auth, certified):
    auth.login("zhangwei77")
    response = client.get(f"/certificates/{certified.certificate_id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert (
        response.headers["Content-Disposition"]
        == f"attachment; filename=certificate-{certified.code}.pdf"
    )
    assert b"STSong-Light" not in response.data  # the reader's font cannot draw every name
    assert b"/Count 1" in response.data  # one A4 page
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.data


@pytest.mark.parametrize("path", ["/certificates/{id}", "/certificates/{id}.pdf"])
def test_another_learner_gets_404(client, make_user, certified, path):
    make_user(username="lisi")
    Auth(client).login("lisi")
    assert client.get(path.format(id=certified.certificate_id)).status_code == 404
    assert client.get(path.format(id=certified.certificate_id + 100)).status_code == 404


@pytest.mark.parametrize("path", ["/certificates/{id}", "/certificates/{id}.pdf"])
def test_an_administrator_may_open_it(client, admin, certified, path):
    assert client.get(path.format(id=certified.certificate_id)).status_code == 200


def test_an_instructor_may_not(client, make_user, certified):
    make_user(Role.INSTRUCTOR, username="teacher")
    Auth(client).login("teacher")
    assert client.get(f"/certificates/{certified.certificate_id}").status_code == 404


def test_my_learning_my_certificates_and_the_course_page_link_to_it(client, auth, certified):
    auth.login("zhangwei77")
    link = f'href="/certificates/{certified.certificate_id}"'
    for path in ("/my-learning", "/certificates", "/courses/test-course"):
        page = client.get(path).get_data(as_text=True)
        assert link in page, path
    assert "Your certificate" in client.get("/courses/test-course").get_data(as_text=True)
    # The page title holds only text (it once held a stray copy of the quiz results).
    title = re.search(
        r"<title>(.*?)</title>", client.get("/my-learning").get_data(as_text=True), re.S
    ).group(1)
    assert "<" not in title


def test_without_certificates_my_learning_says_nothing_of_them(
    client, make_user, lessons_dir, sync
):
    sync()
    make_user(username="new", locale="en")
    Auth(client).login("new")
    assert "/certificates/" not in client.get("/my-learning").get_data(as_text=True)
    page = client.get("/certificates").get_data(as_text=True)
    assert "You will receive a certificate for each course you complete." in page
