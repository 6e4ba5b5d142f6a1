"""The parts of a course page that are the same for every reader in one language: the heading,
the links to the course's own pages, and each item's link with its title. They are rendered once
per process and kept; a request renders only the reader's standing around them (status badges,
best scores, where to go on).

Each part is kept under the values it is rendered from (rule 1 of courseware/caching.py: the text
is the key), with the interface language and the script root, so a changed title, a new lesson or
another language makes a new key.
"""

from flask import get_template_attribute, render_template
from markupsafe import Markup

from courseware import caching
from courseware.courses.models import Course
from courseware.lessons.reading import LessonRow
from courseware.progress import ledger
from courseware.templating import kept_part

PARTS = "lessons/_course_parts.html"
_PARTS = caching.Cache("course_page_parts", max_size=4096)


def _pair(value: dict | None) -> tuple:
    """A {"zh", "en"} text as part of a key."""
    return tuple(sorted((value or {}).items()))


class Parts:
    """The kept parts of one request's course page (the template calls these)."""

    def _part(self, key: tuple, macro: str, *args) -> Markup:
        return kept_part(_PARTS, (macro, *key), lambda: get_template_attribute(PARTS, macro)(*args))

    def head(self, course: Course) -> Markup:
        """Breadcrumb, title, summary, credit hours and audience."""
        # The 学时 shown are those a completion earns (derived from the minutes for a course that
        # takes them so), and they are part of the key: a changed rule or lesson makes a new part.
        hours = ledger.course_credit(course)
        key = (_pair(course.title), _pair(course.summary), _pair(course.audience))
        return self._part((*key, hours), "head", course, hours)

    def links(self, course: Course) -> Markup:
        """The links to the course's introduction and, if it has one, its glossary."""
        has_glossary = bool(course.content.glossary)
        return self._part((course.slug, has_glossary), "links", course.slug, has_glossary)

    def badge(self, status: str | None) -> Markup:
        """A reader's status in an item: done, not passed, in progress or not started."""
        return self._part((status,), "badge", status)

    def lesson_link(self, course_slug: str, lesson: LessonRow) -> Markup:
        return self._part((course_slug, lesson), "lesson_link", course_slug, lesson)

    def quiz_link(self, course_slug: str, slug: str, title: dict) -> Markup:
        return self._part((course_slug, slug, _pair(title)), "quiz_link", course_slug, slug, title)

    def exercise_link(self, course_slug: str, slug: str, title: dict) -> Markup:
        key = (course_slug, slug, _pair(title))
        return self._part(key, "exercise_link", course_slug, slug, title)


def glossary_body(course: Course) -> Markup:
    """The glossary page's content: the terms of the course in Chinese and English. Kept by the
    course's settings hash, the fingerprint of its settings with the glossary (as the glossary
    itself is, in Course.content), and its slug and title."""

    def build() -> Markup:
        return Markup(
            render_template(
                "lessons/_glossary_body.html", course=course, terms=course.content.glossary
            )
        )

    if not course.settings_hash:
        return build()
    key = ("glossary", course.id, course.slug, course.settings_hash, _pair(course.title))
    return kept_part(_PARTS, key, build)
