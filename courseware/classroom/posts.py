"""Questions (提问) and short comments (弹幕) from the room.

A learner in the room sends one; nothing reaches the projector or the classmates until the
instructor approves it, unless the instructor turned moderation off for the session. A post that
contains a word of the sensitive-word list (wordlist.py) waits for review all the same, marked
with the words. Classmates upvote questions, once each. A learner may post anonymously: the
classmates and the projector see no name, the instructor always does. Every post, decision, vote
and change of moderation is in the audit log. The caller commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from courseware.accounts.audit import record
from courseware.accounts.models import cohort_member, User
from courseware.classroom import wordlist
from courseware.classroom.models import ClassSession, PostStatus, RoomPost, RoomVote
from courseware.classroom.sessions import ClassroomError, is_member, is_present, source_of
from courseware.db import built_once, db

log = logging.getLogger(__name__)

KINDS = ("question", "comment")
# A bullet comment crosses the projector in one line; a question may say a little more.
MAX_CHARS = {"question": 300, "comment": 50}
# A learner's own posts shown on their phone, newest first.
MINE = 20
# Marks a post held because the word list could not be read.
UNREADABLE = "*"


def held_words(text: str) -> list[str]:
    """The listed words the text contains; if the list cannot be read, hold the post anyway."""
    try:
        return wordlist.matches(text)
    except wordlist.WordListUnreadable as error:
        log.error("%s", error)
        return [UNREADABLE]


def send(
    session: ClassSession, user_id: int, kind: str, text: str, anonymous: bool, now: dt.datetime
) -> RoomPost:
    """A learner in the room sends a question or a comment: approved at once only when moderation
    is off and no listed word is in it."""
    if kind not in KINDS:
        raise ClassroomError("kind")
    if not session.is_open:
        raise ClassroomError("closed")
    if not is_present(session.id, user_id):
        raise ClassroomError("not_present")
    text = " ".join((text or "").split())
    if not text:
        raise ClassroomError("empty")
    if len(text) > MAX_CHARS[kind]:
        raise ClassroomError("too_long", limit=MAX_CHARS[kind])
    again = db.session.scalar(
        sa.select(RoomPost).where(
            RoomPost.session_id == session.id,
            RoomPost.user_id == user_id,
            RoomPost.kind == kind,
            RoomPost.text == text,
        )
    )
    if again is not None:
        # Sent before: a phone resending what it kept offline must not post it twice.
        return again
    words = held_words(text)
    waits = session.moderate_posts or bool(words)
    post = RoomPost(
        session_id=session.id,
        user_id=user_id,
        kind=kind,
        text=text,
        anonymous=anonymous,
        status=PostStatus.PENDING if waits else PostStatus.APPROVED,
        held_words=words,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    record(
        "classroom.post",
        source_of(session),
        {
            "post": post.id,
            "user": user_id,
            "kind": kind,
            "anonymous": anonymous,
            "held": words,
            "status": post.status.value,
            "text": text,
        },
    )
    return post


def decide(post: RoomPost, approve: bool, by: User, now: dt.datetime) -> None:
    """The instructor lets a post through to the room, or keeps it back; a decision may be changed."""
    post.status = PostStatus.APPROVED if approve else PostStatus.REJECTED
    post.decided_by_id, post.decided_at = by.id, now
    db.session.flush()
    record(
        "classroom.post_decide",
        f"class_session:{post.session_id}",
        {"post": post.id, "user": post.user_id, "decision": post.status.value},
    )


def set_moderation(session: ClassSession, on: bool) -> None:
    session.moderate_posts = on
    db.session.flush()
    record("classroom.moderation", source_of(session), {"on": on})


def vote(post: RoomPost, user_id: int, now: dt.datetime) -> RoomVote:
    """A learner of the class upvotes an approved question, once."""
    session = db.session.get(ClassSession, post.session_id)
    if post.kind != "question" or post.status != PostStatus.APPROVED:
        raise ClassroomError("not_votable")
    if not is_member(session, user_id):
        raise ClassroomError("not_member")
    row = RoomVote(post_id=post.id, user_id=user_id, voted_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise ClassroomError("voted") from None
    record("classroom.vote", source_of(session), {"post": post.id, "user": user_id})
    return row


# --- what each reader sees --------------------------------------------------------------------


@dataclass
class Shown:
    """A post with its author as the reader may see them, and its votes."""

    post: RoomPost
    author: User
    votes: int
    voted: bool = False  # the reader upvoted it

    def author_for(self, instructor: bool) -> str | None:
        """The author's name, or None (shown as "anonymous") to classmates and the projector."""
        if self.post.anonymous and not instructor:
            return None
        return self.author.name


def _shown(rows, voter_id: int | None = None) -> list[Shown]:
    posts = list(rows)
    if not posts:
        return []
    ids = [p.id for p in posts]
    counts = dict(
        db.session.execute(
            sa.select(RoomVote.post_id, sa.func.count(RoomVote.id))
            .where(RoomVote.post_id.in_(ids))
            .group_by(RoomVote.post_id)
        ).all()
    )
    mine = set()
    if voter_id is not None:
        mine = set(
            db.session.scalars(
                sa.select(RoomVote.post_id).where(
                    RoomVote.post_id.in_(ids), RoomVote.user_id == voter_id
                )
            )
        )
    users = {
        u.id: u
        for u in db.session.scalars(sa.select(User).where(User.id.in_({p.user_id for p in posts})))
    }
    return [Shown(p, users[p.user_id], counts.get(p.id, 0), p.id in mine) for p in posts]


@built_once
def _approved_questions():
    return sa.select(RoomPost).where(
        RoomPost.session_id == sa.bindparam("session_id"),
        RoomPost.kind == "question",
        RoomPost.status == PostStatus.APPROVED,
    )


def approved_questions(session: ClassSession, voter_id: int | None = None) -> list[Shown]:
    """The questions the room may see, most upvoted first, then the oldest."""
    shown = _shown(db.session.scalars(_approved_questions(), {"session_id": session.id}), voter_id)
    return sorted(shown, key=lambda s: (-s.votes, s.post.id))


@built_once
def _room_posts():
    user_id = sa.bindparam("user_id")
    seen = sa.or_(
        sa.and_(RoomPost.kind == "question", RoomPost.status == PostStatus.APPROVED),
        RoomPost.user_id == user_id,
    )
    return (
        sa.select(ClassSession.id, RoomPost)
        .join(
            cohort_member,
            sa.and_(
                cohort_member.c.cohort_id == ClassSession.cohort_id,
                cohort_member.c.user_id == user_id,
            ),
        )
        .outerjoin(RoomPost, sa.and_(RoomPost.session_id == ClassSession.id, seen))
        .where(ClassSession.id == sa.bindparam("session_id"))
    )


def for_learner(session_id: int, user_id: int) -> tuple[list[Shown], list[RoomPost]] | None:
    """What a learner's phone shows of the room's posts, read with one statement: the approved
    questions as approved_questions() orders them and the learner's own posts as mine(); None
    when they are not a learner of the session's class."""
    rows = db.session.execute(_room_posts(), {"session_id": session_id, "user_id": user_id}).all()
    if not rows:
        return None
    found = [post for _, post in rows if post is not None]
    questions = _shown(
        (p for p in found if p.kind == "question" and p.status == PostStatus.APPROVED), user_id
    )
    own = sorted((p for p in found if p.user_id == user_id), key=lambda p: -p.id)[:MINE]
    return sorted(questions, key=lambda s: (-s.votes, s.post.id)), own


def pending(session: ClassSession) -> list[Shown]:
    """What waits for the instructor, held posts first, then the oldest."""
    shown = _shown(
        db.session.scalars(
            sa.select(RoomPost)
            .where(RoomPost.session_id == session.id, RoomPost.status == PostStatus.PENDING)
            .order_by(RoomPost.id)
        )
    )
    return sorted(shown, key=lambda s: (not s.post.held_words, s.post.id))


def decided(session: ClassSession, limit: int = 30) -> list[Shown]:
    """The latest decided and let-through posts, for the instructor, newest first."""
    return _shown(
        db.session.scalars(
            sa.select(RoomPost)
            .where(RoomPost.session_id == session.id, RoomPost.status != PostStatus.PENDING)
            .order_by(RoomPost.id.desc())
            .limit(limit)
        )
    )


@built_once
def _mine():
    return (
        sa.select(RoomPost)
        .where(
            RoomPost.session_id == sa.bindparam("session_id"),
            RoomPost.user_id == sa.bindparam("user_id"),
        )
        .order_by(RoomPost.id.desc())
        .limit(MINE)
    )


def mine(session: ClassSession, user_id: int) -> list[RoomPost]:
    """A learner's own posts, newest first, with where each stands."""
    return list(db.session.scalars(_mine(), {"session_id": session.id, "user_id": user_id}))


def bullets(session: ClassSession, since: dt.datetime, limit: int = 20) -> list[Shown]:
    """Comments let through to the room since `since`, oldest first, for the projector to scroll
    across; the projector skips those it has shown (a comment approved late still comes)."""
    reached = sa.func.coalesce(RoomPost.decided_at, RoomPost.created_at)
    rows = list(
        db.session.scalars(
            sa.select(RoomPost)
            .where(
                RoomPost.session_id == session.id,
                RoomPost.kind == "comment",
                RoomPost.status == PostStatus.APPROVED,
                reached >= since,
            )
            .order_by(reached.desc(), RoomPost.id.desc())
            .limit(limit)
        )
    )
    return _shown(reversed(rows))
