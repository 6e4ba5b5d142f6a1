"""The page header: one kept copy per role and language, each reader's own name and token in it."""

import re

import sqlalchemy as sa

from courseware.accounts.models import User
from courseware.db import db
from courseware.roles import Role
from tests.conftest import Auth

NAME = re.compile(r'class="user-name"[^>]*>([^<]*)</a>')
TOKEN = re.compile(r'<header.*?name="csrf_token" value="([^"]+)"', re.S)


def signed_in(app, username):
    helper = Auth(app.test_client())
    assert helper.login(username).status_code == 302
    return helper.client


def header_of(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return page.split("<header", 1)[1].split("</header>", 1)[0], page


def test_learners_share_the_header_but_each_sees_their_own_name_and_token(app, make_user):
    make_user(username="zhang", name="张伟")
    make_user(username="li", name='李<b>娜</b> & "Co"')
    make_user(Role.INSTRUCTOR, username="wang", name="王老师")
    zhang, li, wang = (signed_in(app, name) for name in ("zhang", "li", "wang"))

    assert NAME.search(header_of(zhang)[1]).group(1) == "张伟"
    _, page = header_of(li)
    # The name is escaped where it is filled in: no markup of a name reaches the page.
    assert NAME.search(page).group(1) == "李&lt;b&gt;娜&lt;/b&gt; &amp; &#34;Co&#34;"
    assert "<b>娜</b>" not in page
    tokens = [TOKEN.search(header_of(client)[1]).group(1) for client in (zhang, li)]
    assert tokens[0] != tokens[1]
    # An instructor's header has an instructor's links; a learner's has none of them.
    assert "/author/" in header_of(wang)[0] and "/author/" not in header_of(zhang)[0]
    assert NAME.search(header_of(wang)[1]).group(1) == "王老师"


def test_a_new_name_and_a_new_role_show_on_the_next_page(app, make_user):
    user_id = make_user(username="zhang", name="张伟")
    client = signed_in(app, "zhang")
    assert "/author/" not in header_of(client)[0]
    with app.app_context():
        db.session.execute(
            sa.update(User)
            .where(User.id == user_id)
            .values(name="张伟明", role=Role.INSTRUCTOR.value)
        )
        db.session.commit()
    header, page = header_of(client)
    assert NAME.search(page).group(1) == "张伟明" and "/author/" in header
