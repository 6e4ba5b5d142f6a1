"""The rows of a course's outline in its editor and on the authoring index, rendered once per
process and kept.

The rows are the same for every editor in one language: their links, their buttons to move an
item and take it out, and their forms (whose CSRF token each request fills in:
templating.kept_part). Rendering the rows was half the cost of the outline page, whose every row
carries a form, two buttons and several translated labels; the editor's rows are kept as one
part, which a move (a new outline revision) or a new title replaces.
"""

from flask import get_template_attribute
from markupsafe import Markup

from courseware import caching
from courseware.lessons.outline import OutlineRow
from courseware.templating import kept_part

_ROWS = caching.Cache("outline_rows", max_size=4096)


def _item_key(row: OutlineRow, published) -> tuple:
    """What both tables render a row from: the item, its title, whether it is a lesson, and what
    the table shows of its publication (`published`)."""
    return (row.kind, row.slug, tuple(sorted(row.title.items())), row.lesson is not None, published)


def outline_items(course_slug: str, rows: list[OutlineRow], base_id) -> Markup:
    """The outline's rows in its editor, each as author/_outline_row.html renders it, kept whole.

    Kept by everything they are rendered from (rule 1 of courseware/caching.py): the course, each
    item with its title, whether it is a lesson and published (and so which rows are first and
    last), and the outline revision the move buttons are based on."""
    key = (
        "outline_items",
        course_slug,
        base_id,
        *(_item_key(row, bool(row.published_number)) for row in rows),
    )
    macro = get_template_attribute("author/_outline_row.html", "outline_row")
    last = len(rows) - 1
    return kept_part(
        _ROWS,
        key,
        lambda: "".join(
            macro(course_slug, row, base_id, i == 0, i == last) for i, row in enumerate(rows)
        ),
    )


def index_rows(course_slug: str, rows: list[OutlineRow]) -> Markup:
    """A course's rows on the authoring index, as author/_index_row.html renders each, kept whole:
    one lookup for the table instead of one for each row. Kept by what each row is rendered from
    (rule 1): the course, and each item with its title, whether it is a lesson and the number of
    its published revision."""
    key = ("index_rows", course_slug, *(_item_key(row, row.published_number) for row in rows))
    macro = get_template_attribute("author/_index_row.html", "index_row")
    # Each row between the whitespace the template's loop put around it before.
    return kept_part(
        _ROWS, key, lambda: "".join(f"\n{macro(course_slug, row)}\n    " for row in rows)
    )
