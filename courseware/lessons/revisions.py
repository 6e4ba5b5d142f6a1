"""Make lesson revisions and keep their rendered HTML current."""

import sqlalchemy as sa

from courseware.content.checks import check_names
from courseware.content.files import LessonSource, LessonText
from courseware.content.markdown import content_key, render_markdown
from courseware.db import built_once, db
from courseware.lessons.models import Lesson, LessonRevision, RevisionStatus
from courseware.timeutil import utcnow

# Lesson pages live at /courses/<course>/<lesson>, so media/NAME resolves to the course's media.
MEDIA_URL = "media"


def source_of(revision: LessonRevision, slug: str, number: int) -> LessonSource:
    """The lesson a revision holds, as the file format sees it."""
    en = None
    if revision.title_en:
        en = LessonText(
            revision.title_en, tuple(revision.objectives_en or ()), revision.body_en or ""
        )
    zh = LessonText(revision.title_zh, tuple(revision.objectives_zh), revision.body_zh)
    return LessonSource(
        slug=slug,
        number=number,
        minutes=revision.minutes,
        zh=zh,
        en=en,
        check_tries=revision.check_tries or 0,
    )


def _render_key(revision: LessonRevision) -> str:
    return content_key(f"{revision.body_zh}\0{revision.body_en or ''}")


def render(revision: LessonRevision) -> None:
    """Render both languages and remember for which text and renderer version."""
    zh = render_markdown(revision.body_zh, MEDIA_URL)
    revision.html_zh, revision.toc_zh = zh.html, zh.toc
    if revision.body_en is not None:
        en = render_markdown(revision.body_en, MEDIA_URL, english=True)
        revision.html_en, revision.toc_en = en.html, en.toc
    else:
        revision.html_en = revision.toc_en = None
    revision.render_key = _render_key(revision)


def ensure_rendered(revision: LessonRevision) -> bool:
    """Re-render only when the renderer changed since the HTML was stored; True when it did."""
    if revision.render_key == _render_key(revision):
        return False
    render(revision)
    return True


def add_revision(
    lesson: Lesson,
    source: LessonSource,
    *,
    status: RevisionStatus,
    origin: str,
    author=None,
    base: LessonRevision | None = None,
    note: str = "",
) -> LessonRevision:
    """Store a new revision of a lesson; publishing makes it the one learners read."""
    number = (
        db.session.scalar(
            sa.select(sa.func.max(LessonRevision.number)).where(
                LessonRevision.lesson_id == lesson.id
            )
        )
        or 0
    ) + 1
    revision = LessonRevision(
        lesson=lesson,
        number=number,
        status=status,
        source=origin,
        minutes=source.minutes,
        title_zh=source.zh.title,
        objectives_zh=list(source.zh.objectives),
        body_zh=source.zh.body,
        title_en=source.en.title if source.en else None,
        objectives_en=list(source.en.objectives) if source.en else None,
        body_en=source.en.body if source.en else None,
        content_hash=source.content_hash,
        checks=check_names(source.zh.body),
        check_tries=source.check_tries,
        author=author,
        base_revision_id=base.id if base else None,
        note=note[:255],
    )
    render(revision)
    db.session.add(revision)
    db.session.flush()
    if status == RevisionStatus.PUBLISHED:
        set_published(lesson, revision)
    return revision


def set_published(lesson: Lesson, revision: LessonRevision) -> None:
    """Make a revision the one learners read, and mark the course changed for page caches."""
    revision.status = RevisionStatus.PUBLISHED
    lesson.published = revision
    course_changed(lesson.course)


def course_changed(course) -> None:
    """Record that what a course shows has changed (its lesson pages key their caches on this)."""
    course.updated_at = utcnow()


def lock(lesson: Lesson) -> None:
    """Hold the lesson's row until the transaction ends, so that two saves of it are made one
    after the other and the second sees the first.

    An update that changes nothing does it on both databases: PostgreSQL locks the row, and
    SQLite takes its one write lock before anything is read (a read first would pin a snapshot
    that a later write could not upgrade once the other save had committed)."""
    db.session.execute(sa.update(Lesson).where(Lesson.id == lesson.id).values(id=Lesson.id))


def latest_revision(lesson: Lesson) -> LessonRevision | None:
    """The newest draft or published revision: the base for the next edit.

    Conflict copies are kept for the record but are nobody's base.
    """
    return db.session.scalar(_latest_revision(), {"lesson_id": lesson.id})


@built_once
def _latest_revision():
    return (
        sa.select(LessonRevision)
        .where(
            LessonRevision.lesson_id == sa.bindparam("lesson_id"),
            LessonRevision.status != RevisionStatus.CONFLICT,
        )
        .order_by(LessonRevision.number.desc())
        .limit(1)
    )
