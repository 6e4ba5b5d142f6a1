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
from courseware.progress import ledger, tracking
from courseware.templating import kept_part

PARTS = "lessons/_course_parts.html"
_PARTS = caching.Cache("course_page_parts", max_size=4096)
# Lists of a course's items as readers stand in them: a few kilobytes each and as many as there
# are distinct standings, so fewer are kept than of the small parts above.
_ITEM_LISTS = caching.Cache("course_item_lists", max_size=512)


def _pair(value: dict | None) -> tuple:
    """A {"zh", "en"} text as part of a key."""
    return tuple(sorted((value or {}).items()))


class Parts:
    """The kept parts of one request's course page (the template calls these)."""

    def _part(self, key: tuple, macro: str, *args, cache: caching.Cache = _PARTS) -> Markup:
        return kept_part(cache, (macro, *key), lambda: get_template_attribute(PARTS, macro)(*args))

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

    def item_list(self, course_slug: str, entries: tuple) -> Markup:
        """The list of the course's items with the reader's status in each: kept whole, under
        every value it shows (item_entries), so readers who stand alike share it."""
        key = (course_slug, entries)
        return self._part(key, "item_list", course_slug, entries, cache=_ITEM_LISTS)


def item_entries(items, rows: dict, quizzes: dict, exercises: dict) -> tuple:
    """Each item of a course page's list as the values its row shows: (kind, the lesson's row or
    the slug, the title as a key, the best score in percent or None, the reader's status)."""
    entries = []
    for kind, item in items:
        if kind == "lesson":
            entries.append((kind, item, None, None, tracking.status_of(rows, item.id)))
        elif kind == "exercise" and item in exercises:
            exercise, best, status = exercises[item]
            score = int(round(best.score, 0)) if best else None
            entries.append((kind, item, _pair(exercise.title), score, status))
        elif kind == "quiz" and item in quizzes:
            quiz = quizzes[item]
            counted, score = quiz.counted, None
            if counted:
                score = (
                    int(round(100 * counted.score / counted.max_score, 0))
                    if counted.max_score
                    else 100
                )
            entries.append((kind, item, _pair(quiz.quiz.title), score, quiz.status))
    return tuple(entries)


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
