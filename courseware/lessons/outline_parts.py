"""The rows of a course's outline in its editor and on the authoring index, rendered once per
process and kept.

A row is the same for every editor in one language: its links, its buttons to move it and take it
out, and their forms (whose CSRF token each request fills in: templating.kept_part). Rendering the
rows was half the cost of the outline page, whose every row carries a form, two buttons and
several translated labels.
"""

from flask import get_template_attribute
from markupsafe import Markup

from courseware import caching
from courseware.lessons.outline import OutlineRow
from courseware.templating import kept_part

_ROWS = caching.Cache("outline_rows", max_size=4096)


def _kept_row(macro_name: str, course_slug: str, row: OutlineRow, *args, shown=()) -> Markup:
    """A row as the macro `macro_name` of author/_<macro_name>.html renders it from the course,
    the row and `args`, kept by the course, the item, its title, whether it is a lesson, `shown`
    (what else of the row the macro shows) and `args`."""
    key = (
        macro_name,
        course_slug,
        row.kind,
        row.slug,
        tuple(sorted(row.title.items())),
        row.lesson is not None,
        *shown,
        *args,
    )
    macro = get_template_attribute(f"author/_{macro_name}.html", macro_name)
    return kept_part(_ROWS, key, lambda: macro(course_slug, row, *args))


def outline_row(course_slug: str, row: OutlineRow, base_id, first: bool, last: bool) -> Markup:
    """One row of the outline as author/_outline_row.html renders it.

    Kept by everything it is rendered from (rule 1 of courseware/caching.py): the course, the
    item and its title, whether it is a lesson and published, the outline revision its move
    buttons are based on, and whether it is first or last."""
    return _kept_row(
        "outline_row", course_slug, row, base_id, first, last, shown=(bool(row.published_number),)
    )


def index_row(course_slug: str, row: OutlineRow) -> Markup:
    """One row of a course's table on the authoring index, as author/_index_row.html renders it.

    Kept by everything it is rendered from (rule 1): the course, the item and its title, whether
    it is a lesson, and the number of its published revision."""
    return _kept_row("index_row", course_slug, row, shown=(row.published_number,))
