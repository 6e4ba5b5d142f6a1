"""Questions and bullet comments from the room (提问/弹幕): moderation on by default, the
sensitive-word list holding posts for review, one upvote each, anonymity towards classmates but
never towards the instructor, and the audit log."""

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from courseware.accounts.models import AuditEvent, User
from courseware.classroom import codes, posts, sessions, wordlist
from courseware.classroom.models import ClassSession, RoomPost, RoomVote
from courseware.db import db
from courseware.timeutil import utcnow
from tests.classroom.conftest import T0
from tests.conftest import Auth

S = dt.timedelta(seconds=1)


def _present(room, at=T0):
    session = db.session.get(ClassSession, room.session)
    for learner in room.learners:
        sessions.check_in(session, learner, codes.current_code(session.secret, at), at)
    return session


def test_posts_wait_for_the_instructor_by_default(app, room):
    with app.app_context():
        session = _present(room)
        assert session.moderate_posts is True
        question = posts.send(session, room.learners[0], "question", "  能否举个例子？ ", False, T0)
        assert question.status == "pending" and question.text == "能否举个例子？"
        assert posts.approved_questions(session) == []
        assert posts.bullets(session, T0 - S) == []
        posts.decide(question, True, db.session.get(User, room.teacher), T0 + S)
        assert [s.post.id for s in posts.approved_questions(session)] == [question.id]
        comment = posts.send(session, room.learners[1], "comment", "讲得好", False, T0 + 2 * S)
        posts.decide(comment, True, db.session.get(User, room.teacher), T0 + 3 * S)
        assert [s.post.text for s in posts.bullets(session, T0)] == ["讲得好"]
        db.session.commit()


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("comment", "这" * 51, "too_long"),
        ("question", "   ", "empty"),
        ("note", "你好", "kind"),
    ],
)
def test_bad_posts_are_refused_with_a_reason(app, room, kind, text, code):
    with app.app_context():
        session = _present(room)
        with pytest.raises(sessions.ClassroomError) as refused:
            posts.send(session, room.learners[0], kind, text, False, T0)
        assert refused.value.code == code
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(RoomPost.id))) == 0


def test_only_learners_in_the_room_post(app, room):
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        with pytest.raises(sessions.ClassroomError) as absent:
            posts.send(session, room.learners[0], "question", "为什么？", False, T0)
        assert absent.value.code == "not_present"


def test_the_word_list_holds_a_post_even_without_moderation(app, room, tmp_path):
    with app.app_context():
        session = _present(room)
        posts.set_moderation(session, False)
        plain = posts.send(session, room.learners[0], "comment", "很有收获", False, T0)
        assert plain.status == "approved" and plain.held_words == []
        held = posts.send(session, room.learners[1], "comment", "ＦＵ ＣＫ 这也太长了", False, T0)
        assert held.status == "pending" and held.held_words == ["fuck"]
        # An organisation's own list, named by the setting, replaces the shipped one.
        own = tmp_path / "words.txt"
        own.write_text("# 本单位敏感词\n拖堂\n\n", "utf-8")
        app.config["CLASSROOM_SENSITIVE_WORDS_FILE"] = str(own)
        assert wordlist.words() == ["拖堂"]
        again = posts.send(session, room.learners[2], "question", "老师会不会拖 堂？", False, T0)
        assert again.status == "pending" and again.held_words == ["拖堂"]
        # A list that cannot be read holds every post rather than let one through.
        app.config["CLASSROOM_SENSITIVE_WORDS_FILE"] = str(tmp_path / "missing.txt")
        blind = posts.send(session, room.learners[0], "comment", "好", False, T0)
        assert blind.status == "pending" and blind.held_words == [posts.UNREADABLE]
        pending = posts.pending(session)
        assert [s.post.id for s in pending][:3] == [held.id, again.id, blind.id]
        db.session.commit()


def test_a_learner_upvotes_a_question_once(app, room):
    with app.app_context():
        session = _present(room)
        teacher = db.session.get(User, room.teacher)
        question = posts.send(session, room.learners[0], "question", "为什么？", False, T0)
        with pytest.raises(sessions.ClassroomError) as early:
            posts.vote(question, room.learners[1], T0)
        assert early.value.code == "not_votable"
        posts.decide(question, True, teacher, T0)
        posts.vote(question, room.learners[1], T0)
        with pytest.raises(sessions.ClassroomError) as twice:
            posts.vote(question, room.learners[1], T0 + S)
        assert twice.value.code == "voted"
        posts.vote(question, room.learners[2], T0)
        shown = posts.approved_questions(session, room.learners[1])
        assert (shown[0].votes, shown[0].voted) == (2, True)
        db.session.commit()
        # The database itself refuses a second vote.
        db.session.add(RoomVote(post_id=question.id, user_id=room.learners[1]))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_most_upvoted_question_comes_first(app, room):
    with app.app_context():
        session = _present(room)
        posts.set_moderation(session, False)
        first = posts.send(session, room.learners[0], "question", "第一个", False, T0)
        second = posts.send(session, room.learners[1], "question", "第二个", False, T0)
        posts.vote(second, room.learners[0], T0)
        assert [s.post.id for s in posts.approved_questions(session)] == [second.id, first.id]


def _signed_in(app, username):
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def test_anonymous_to_classmates_and_the_projector_never_to_the_instructor(app, room):
    with app.app_context():
        _present(room, utcnow())
        db.session.commit()
    author = _signed_in(app, "cadre1")
    sent = author.post(
        f"/room/{room.session}/posts",
        data={"kind": "question", "text": "考核怎么算？", "anonymous": "y"},
    )
    assert sent.status_code == 302
    teacher = _signed_in(app, "teacher")
    waiting = teacher.client.get(f"/teach/sessions/{room.session}/live").get_data(as_text=True)
    assert "考核怎么算？" in waiting and "张三" in waiting and "对同学匿名" in waiting
    with app.app_context():
        post_id = db.session.scalar(sa.select(RoomPost.id))
    teacher.post(
        f"/teach/sessions/{room.session}/posts/{post_id}/decide", data={"decision": "approve"}
    )
    teacher.post(f"/teach/sessions/{room.session}/posts/show")
    classmate = _signed_in(app, "cadre2")
    listed = classmate.client.get(f"/room/{room.session}/questions").get_data(as_text=True)
    assert "考核怎么算？" in listed and "张三" not in listed and "匿名" in listed
    page = classmate.client.get(f"/room/{room.session}").get_data(as_text=True)
    assert "考核怎么算？" in page and "张三" not in page
    projector = teacher.client.get(f"/teach/sessions/{room.session}/projector/board")
    shown = projector.get_data(as_text=True)
    assert "考核怎么算？" in shown and "张三" not in shown
    # The classmate upvotes once; a second click is refused and counts nothing.
    voted = classmate.post(
        f"/room/{room.session}/posts/{post_id}/vote", headers={"HX-Request": "true"}
    )
    assert 'data-votes="1"' in voted.get_data(as_text=True)
    again = classmate.post(
        f"/room/{room.session}/posts/{post_id}/vote", headers={"HX-Request": "true"}
    )
    assert "已经给这个提问点过赞" in again.get_data(as_text=True)
    approved = teacher.client.get(f"/teach/sessions/{room.session}/live").get_data(as_text=True)
    assert "张三" in approved and 'data-votes="1"' in approved
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RoomVote.id))) == 1


def test_comments_reach_the_projector_only_when_approved(app, room):
    with app.app_context():
        _present(room, utcnow())
        db.session.commit()
    _signed_in(app, "cadre1").post(
        f"/room/{room.session}/posts", data={"kind": "comment", "text": "点赞👍"}
    )
    teacher = _signed_in(app, "teacher")
    url = f"/teach/sessions/{room.session}/projector/bullets"
    assert teacher.client.get(url).get_json() == []
    with app.app_context():
        post_id = db.session.scalar(sa.select(RoomPost.id))
    teacher.post(
        f"/teach/sessions/{room.session}/posts/{post_id}/decide", data={"decision": "approve"}
    )
    assert teacher.client.get(url).get_json() == [{"id": post_id, "text": "点赞👍"}]
    # A learner cannot reach the instructor's side.
    assert _signed_in(app, "cadre2").client.get(url).status_code == 403


def test_every_step_is_audited_with_the_real_author(app, room):
    with app.app_context():
        session = _present(room)
        teacher = db.session.get(User, room.teacher)
        posts.set_moderation(session, True)
        post = posts.send(session, room.learners[0], "question", "为什么？", True, T0)
        posts.decide(post, True, teacher, T0)
        posts.vote(post, room.learners[1], T0)
        db.session.commit()
        post_id = post.id
        events = {
            e.action: json.loads(e.detail)
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action.like("classroom.%"))
            )
        }
    assert events["classroom.post"]["user"] == room.learners[0]
    assert events["classroom.post"]["anonymous"] is True
    assert events["classroom.post_decide"]["decision"] == "approved"
    assert events["classroom.vote"] == {"post": post_id, "user": room.learners[1]}
    assert events["classroom.moderation"] == {"on": True}
