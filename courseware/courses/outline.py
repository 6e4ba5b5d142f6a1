"""A course's outline (大纲): its items — lessons, quizzes, exercises — in the order learners meet
them, as a list of [kind, slug] pairs. Plain functions over that list, and a registry through
which the domains that own quizzes and exercises name their items.

Every change returns a new list; the caller stores it (courses.authoring keeps a revision).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from courseware import caching
from courseware.courses.models import kept_content

ITEM_KINDS = ("lesson", "quiz", "exercise")
TITLES = "courseware.outline_titles"
DRAFTS = "courseware.outline_drafts"
TAKEN_OUT = "courseware.outline_taken_out"


class OutlineError(ValueError):
    """An outline change that cannot be made: the item is not there, or the order is not one."""


def _pair(item) -> list:
    kind, slug = item
    return [kind, slug]


def index_of(items: list, kind: str, slug: str) -> int:
    """Where an item is in the outline; OutlineError when it is not there."""
    for index, (item_kind, item_slug) in enumerate(items):
        if item_kind == kind and item_slug == slug:
            return index
    raise OutlineError(f"{kind} {slug} is not in the outline")


def move(items: list, kind: str, slug: str, steps: int) -> list:
    """Move one item up (negative steps) or down; at either end it stays where it is."""
    index = index_of(items, kind, slug)
    result = [_pair(i) for i in items]
    item = result.pop(index)
    target = max(0, min(len(result), index + steps))
    result.insert(target, item)
    return result


def insert(items: list, kind: str, slug: str, after: tuple[str, str] | None = None) -> list:
    """Put a new item after another (None: at the start); an item already there moves."""
    result = [_pair(i) for i in items if tuple(i) != (kind, slug)]
    position = 0 if after is None else index_of(result, *after) + 1
    result.insert(position, [kind, slug])
    return result


def append(items: list, kind: str, slug: str) -> list:
    """Put an item at the end of the outline (where it is, if it is there already)."""
    if any(tuple(i) == (kind, slug) for i in items):
        return [_pair(i) for i in items]
    return [_pair(i) for i in items] + [[kind, slug]]


def remove(items: list, kind: str, slug: str) -> list:
    """The outline without one item."""
    index_of(items, kind, slug)
    return [_pair(i) for i in items if tuple(i) != (kind, slug)]


def reorder(items: list, order: list[tuple[str, str]]) -> list:
    """The same items in a new order (what a drag and drop sends): every item exactly once."""
    current = [tuple(i) for i in items]
    wanted = [tuple(i) for i in order]
    if sorted(current) != sorted(wanted) or len(set(wanted)) != len(wanted):
        raise OutlineError("the new order must list every item of the outline once")
    return [list(i) for i in wanted]


def item_key(kind: str, slug: str) -> str:
    """An item as one form value, "lesson:speak-early"."""
    return f"{kind}:{slug}"


def parse_item_key(value: str) -> tuple[str, str] | None:
    """The item a form value names, or None when it names none."""
    kind, _, slug = (value or "").partition(":")
    return (kind, slug) if kind in ITEM_KINDS and slug else None


# --- what the other domains' items are called -------------------------------------------------


def register_titles(app, kind: str, titles: Callable[[int], dict[str, dict]]) -> None:
    """Let a domain name its items: `titles(course_id)` gives {slug: {"zh": …, "en": …}}.

    Quizzes and exercises sit beside lessons and above courses; this is how the outline editor
    shows them by name without importing them."""
    app.extensions.setdefault(TITLES, {})[kind] = titles


_TITLES = caching.Cache("course_item_titles", max_size=256)


def item_titles(course) -> dict[tuple[str, str], dict]:
    """Every registered kind's items of a course, by (kind, slug), read once per version of the
    course (kept_content: the quizzes and exercises they come from bump it when they change)."""

    def read() -> dict[tuple[str, str], dict]:
        found = {}
        for kind, titles in current_app.extensions.get(TITLES, {}).items():
            for slug, title in titles(course.id).items():
                found[(kind, slug)] = title
        return found

    return kept_content(_TITLES, course, read)


def register_drafts(app, kind: str, drafts: Callable[[int], set[str]]) -> None:
    """Let a domain say which of its items in a course's outline are drafts never published
    (`drafts(course_id)` gives their slugs): learners' pages and exported files leave them out."""
    app.extensions.setdefault(DRAFTS, {})[kind] = drafts


def draft_items(course_id: int) -> set[tuple[str, str]]:
    """Every registered kind's unpublished items of a course, as (kind, slug)."""
    return {
        (kind, slug)
        for kind, drafts in current_app.extensions.get(DRAFTS, {}).items()
        for slug in drafts(course_id)
    }


def register_taken_out(app, kind: str, taken_out: Callable) -> None:
    """Let a domain list its items taken out of a course, for the outline's page to offer putting
    them back: `taken_out(course)` gives dicts with kind, slug, title and put_back (a URL)."""
    app.extensions.setdefault(TAKEN_OUT, {})[kind] = taken_out


def taken_out_items(course) -> list[dict]:
    """Every registered kind's items taken out of a course."""
    return [
        item
        for taken_out in current_app.extensions.get(TAKEN_OUT, {}).values()
        for item in taken_out(course)
    ]
