"""What a reader sees: courses, their lessons and the text in the reader's language."""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, url_for
from markupsafe import Markup

from courseware import caching
from courseware.content.markdown import render_cached
from courseware.courses.models import Course, kept_content
from courseware.db import built_once, db
from courseware.i18n import language, marked, text
from courseware.lessons.models import Lesson, LessonRevision
from courseware.lessons.revisions import ensure_rendered, MEDIA_URL


def readable_lessons(course: Course) -> list[Lesson]:
    """Lessons a learner can open: those of the outline that are published, in its order.

    The catalogue's count, the course page, progress and completion all take their lessons from
    here, so they never disagree with the outline."""
    by_slug = {
        lesson.slug: lesson
        for lesson in course.lessons
        if lesson.archived_at is None and lesson.published_revision_id
    }
    return [by_slug[slug] for kind, slug in course.items if kind == "lesson" and slug in by_slug]


@dataclass(frozen=True)
class LessonKey:
    """Just enough to find a lesson page in the cache, with the reader's place in it: one small
    query per view."""

    lesson_id: int
    revision_id: int
    minutes: int
    course_version: dt.datetime
    position: float  # where the reader was on the page (0–1)
    status: str | None  # the reader's progress status, None before their first visit


@dataclass(frozen=True)
class LessonPage:
    """What a lesson page shows every reader in one language, rendered once and kept."""

    title: str
    top_html: Markup  # breadcrumb, header, objectives, contents and text
    bottom_html: Markup  # previous/next


# Lesson pages by (revision, language, course version), per process: a page view then reads no
# lesson text and renders no Markdown. The course version changes whenever any lesson of the
# course is published, moved or archived, so neighbours' titles are never stale.
_PAGES = caching.Cache("lesson_pages", max_size=256)


def lesson_page(key: LessonKey) -> LessonPage:
    """The shared part of a lesson page, from the cache or built once."""
    cache_key = (key.revision_id, language(), key.course_version)
    return _PAGES.get_or_build(cache_key, lambda: _build_page(key))


def _build_page(key: LessonKey) -> LessonPage:
    lesson = db.session.get(Lesson, key.lesson_id)
    revision = db.session.get(LessonRevision, key.revision_id)
    if ensure_rendered(revision):  # the renderer changed since this revision was stored
        db.session.commit()
    links = lesson_links(lesson.course)
    index = next((i for i, link in enumerate(links) if link.slug == lesson.slug), None)
    context = dict(
        course_slug=lesson.course.slug,
        lesson_slug=lesson.slug,
        course_title=text(lesson.course.title),
        view=lesson_view(revision),
        check_count=len(revision.checks or []),
        check_tries=revision.check_tries or 0,
        previous=links[index - 1] if index else None,
        next=links[index + 1] if index is not None and index + 1 < len(links) else None,
    )
    return LessonPage(
        title=context["view"].title,
        top_html=Markup(render_template("lessons/_lesson_top.html", **context)),
        bottom_html=Markup(render_template("lessons/_lesson_bottom.html", **context)),
    )


@dataclass(frozen=True)
class LessonView:
    """A revision as shown to one reader."""

    title: str
    objectives: list
    html: str
    toc: str
    minutes: int
    language: str
    fallback: bool  # English was asked for but the lesson has no translation


def lesson_view(revision: LessonRevision) -> LessonView:
    wanted = language()
    if wanted == "en" and revision.has_english():
        return LessonView(
            revision.title_en,
            revision.objectives_en or [],
            revision.html_en or "",
            revision.toc_en or "",
            revision.minutes,
            "en",
            False,
        )
    return LessonView(
        revision.title_zh,
        revision.objectives_zh,
        revision.html_zh,
        revision.toc_zh,
        revision.minutes,
        "zh",
        wanted == "en",
    )


def lesson_title(revision: LessonRevision) -> str:
    return revision.title_en if language() == "en" and revision.title_en else revision.title_zh


def title_lang(title_en: str | None) -> str | None:
    """lang="zh-CN" for a lesson title shown in Chinese on an English page (no English title)."""
    return "zh-CN" if language() == "en" and not title_en else None


def lesson_title_html(revision: LessonRevision) -> Markup:
    """The lesson's title for an element's content, marked as Chinese where it stands in for English."""
    return marked(lesson_title(revision), title_lang(revision.title_en))


@dataclass(frozen=True)
class LessonLink:
    slug: str
    title: str
    lang: str | None = None  # set when the title is not in the page's language


def lesson_links(course: Course) -> list[LessonLink]:
    """The course's readable lessons as (slug, title) in the outline's order, read in one query
    without their text."""
    rows = db.session.execute(
        sa.select(Lesson.slug, LessonRevision.title_zh, LessonRevision.title_en)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .where(Lesson.course_id == course.id, Lesson.archived_at.is_(None))
    )
    english = language() == "en"
    titles = {
        slug: ((title_en if english and title_en else title_zh), title_lang(title_en))
        for slug, title_zh, title_en in rows
    }
    return [
        LessonLink(slug, titles[slug][0], titles[slug][1])
        for kind, slug in course.items
        if kind == "lesson" and slug in titles
    ]


@dataclass(frozen=True)
class LessonRow:
    """A readable lesson as a course page lists it: no text, only what the row shows."""

    id: int
    slug: str
    title: str
    lang: str | None  # set when the title is not in the page's language
    minutes: int

    @property
    def title_html(self) -> Markup:
        return marked(self.title, self.lang)


@built_once
def _lesson_rows():
    return (
        sa.select(
            Lesson.id,
            Lesson.slug,
            LessonRevision.title_zh,
            LessonRevision.title_en,
            LessonRevision.minutes,
        )
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .where(Lesson.course_id == sa.bindparam("course_id"), Lesson.archived_at.is_(None))
    )


# The readable lessons' short columns by course version (courses/models.py), per process: a
# course's pages list them on every view, and they change only with the course's version.
_COURSE_LESSONS = caching.Cache("course_lessons", max_size=256)


def lesson_rows(course: Course) -> list[LessonRow]:
    """The lessons readable_lessons() gives, in the same order, read in one query without their
    text (the course page's list)."""
    rows = kept_content(
        _COURSE_LESSONS,
        course,
        lambda: tuple(
            tuple(row) for row in db.session.execute(_lesson_rows(), {"course_id": course.id})
        ),
    )
    english = language() == "en"
    by_slug = {
        slug: LessonRow(
            lesson_id,
            slug,
            title_en if english and title_en else title_zh,
            title_lang(title_en),
            minutes,
        )
        for lesson_id, slug, title_zh, title_en, minutes in rows
    }
    return [by_slug[slug] for kind, slug in course.items if kind == "lesson" and slug in by_slug]


@dataclass(frozen=True)
class PageView:
    """One of the course's own pages (intro, guide) as shown to one reader."""

    html: str
    toc: str
    language: str
    fallback: bool  # English was asked for but the page has no translation


def course_page_view(course: Course, name: str) -> PageView | None:
    """The course's page `name` in the reader's language, rendered like a lesson (its images from
    the course's media, its links to lesson files made links to the lessons); None if it has none.
    Rendered once per process for the same text."""
    page = course.content.pages.get(name)
    if not page or not page.get("zh"):
        return None
    wanted = language()
    shown = "en" if wanted == "en" and page.get("en") else "zh"
    rendered = render_cached(
        page[shown], MEDIA_URL, url_for("lessons.course", course_slug=course.slug) + "/"
    )
    return PageView(rendered.html, rendered.toc, shown, wanted != shown)
