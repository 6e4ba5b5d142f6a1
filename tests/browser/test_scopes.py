"""A unit administrator reading Chinese and an instructor reading English each see only their own."""

import pytest

from courseware.accounts.models import Role
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def two_cities(make_unit, make_user, make_class):
    hz = make_unit("浙江省", "杭州市")
    nb = make_unit("浙江省", "宁波市")
    make_user(Role.ADMIN, username="hzadmin", name="杭州管理员", unit_id=hz, admin_unit_id=hz)
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="Teacher Li", locale="en")
    other = make_user(Role.INSTRUCTOR, username="other", name="Teacher Zhou")
    hz_learner = make_user(username="hzlearner", name="杭州学员", unit_id=hz)
    nb_learner = make_user(username="nblearner", name="宁波学员", unit_id=nb)
    mine = make_class([teacher], [hz_learner], name="杭州班", unit_id=hz)
    theirs = make_class([other], [nb_learner], name="宁波班", unit_id=nb)
    return {"mine": mine, "theirs": theirs}


def test_a_unit_administrator_sees_only_their_units(live_server, page, two_cities):
    sign_in(page, live_server, "hzadmin")
    page.goto(f"{live_server}/admin/users")
    users = page.locator("main").inner_text()
    assert "杭州学员" in users and "宁波学员" not in users
    page.goto(f"{live_server}/admin/classes")
    classes = page.locator("main table").inner_text()
    assert "杭州班" in classes and "宁波班" not in classes
    page.goto(f"{live_server}/reports/")
    options = page.locator("select[name=unit] option").all_inner_texts()
    assert options == ["全部单位", "浙江省 / 杭州市"]
    assert page.console_errors == []
    response = page.goto(f"{live_server}/admin/classes/{two_cities['theirs']}")
    assert response.status == 404
    screenshot(page, "unit-admin-refused")


def test_an_instructor_sees_only_the_classes_they_teach(live_server, browser, two_cities):
    context = browser.new_context(locale="en-GB", viewport={"width": 1000, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, "teacher")
    page.goto(f"{live_server}/classes")
    assert page.locator("h1").inner_text() == "Classes"
    listed = page.locator("main").inner_text()
    assert "杭州班" in listed and "宁波班" not in listed
    response = page.goto(f"{live_server}/teach/classes/{two_cities['theirs']}/progress")
    assert response.status == 404
    assert "There is no such page." in page.locator("main").inner_text()
    response = page.goto(f"{live_server}/classes/{two_cities['mine']}")
    assert response.status == 200 and "杭州学员" in page.locator("main").inner_text()
    context.close()
