"""A course's question categories as people read them: a tree of names, never the raw key.

A category's key is what quizzes draw by: a bank file's `category:` ("final-equal-dialogue") or
a GIFT file's `$CATEGORY:` path ("$course$/top/政务微博/基础"). Moodle's context prefix
("$course$", "$system$"…) and its root "top" name no place a teacher knows, so they are left out;
the path's other parts are the tree's levels. A bank may give a category a name in Chinese and
English (`name:` in its file), shown instead of the key's last part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from courseware.db import db
from courseware.i18n import text
from courseware.quizzes.models import QuestionCategory

MOODLE_ROOT = "top"


def _is_context(part: str) -> bool:
    return len(part) > 2 and part.startswith("$") and part.endswith("$")


def segments(path: str) -> list[tuple[str, str]]:
    """The levels of a category as (key of that level, its last part), without Moodle's prefix."""
    parts = [p.strip() for p in (path or "").split("/")]
    levels = []
    for i, part in enumerate(parts):
        if not part or (i == 0 and _is_context(part)):
            continue
        if part == MOODLE_ROOT and not levels and (i == 0 or _is_context(parts[0])):
            continue
        levels.append(("/".join(parts[: i + 1]), part))
    return levels


def names_of(course_id: int) -> dict[str, dict]:
    """The names the course's banks give their categories, by key."""
    return dict(
        db.session.execute(
            sa.select(QuestionCategory.path, QuestionCategory.name).where(
                QuestionCategory.course_id == course_id
            )
        ).all()
    )


def level_name(key: str, part: str, names: dict[str, dict]) -> str:
    name = names.get(key)
    return text(name) if name and any(name.values()) else part


def label(path: str, names: dict[str, dict]) -> str:
    """A category as a reader sees it: its levels' names joined by ›; "" for none."""
    levels = segments(path)
    if not levels:
        return ""
    if path in names and any(names[path].values()):
        # A bank's own name for the category stands for the whole path.
        return text(names[path])
    return " › ".join(level_name(key, part, names) for key, part in levels)


@dataclass
class Node:
    """One level of the tree: the categories under it and how many questions each holds."""

    key: str
    name: str
    count: int = 0  # questions here and below
    # The exact category keys at this node (usually one), to filter by.
    paths: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def tree(counts: dict[str, int], names: dict[str, dict]) -> list[Node]:
    """The categories (with their question counts) as a tree sorted by name."""
    roots: list[Node] = []
    index: dict[str, Node] = {}
    for path, count in counts.items():
        levels = segments(path) or [(path, path)]
        siblings = roots
        for depth, (key, part) in enumerate(levels):
            node = index.get(key)
            if node is None:
                whole = depth == len(levels) - 1 and path in names
                name = label(path, names) if whole else level_name(key, part, names)
                node = index[key] = Node(key, name)
                siblings.append(node)
            node.count += count
            siblings = node.children
        index[levels[-1][0]].paths.append(path)

    def sort(nodes: list[Node]) -> None:
        nodes.sort(key=lambda n: n.name)
        for node in nodes:
            sort(node.children)

    sort(roots)
    return roots


def node_keys(paths) -> set[str]:
    """Every level of the tree the categories `paths` make: what may be given a name."""
    keys = set()
    for path in paths:
        if path:  # questions of a quiz file have no category to name
            keys |= {key for key, _ in segments(path)} or {path}
    return keys


def rename(course_id: int, key: str, name: dict[str, str]) -> dict | None:
    """Give a level of the course's category tree a name in Chinese and English, or (both empty)
    take its name away so that it is shown by its key again; return the name it had. Quizzes
    still draw by the key, which never changes. The caller audits and commits."""
    category = db.session.scalar(
        sa.select(QuestionCategory).where(
            QuestionCategory.course_id == course_id, QuestionCategory.path == key
        )
    )
    before = dict(category.name) if category is not None else None
    cleaned = {lang: (name.get(lang) or "").strip() for lang in ("zh", "en")}
    if not any(cleaned.values()):
        if category is not None:
            db.session.delete(category)
    elif category is None:
        db.session.add(QuestionCategory(course_id=course_id, path=key, name=cleaned))
    else:
        category.name = cleaned
    db.session.flush()
    return before


def under(node_key: str, path: str) -> bool:
    """The category `path` is the tree node `node_key` or below it."""
    keys = [key for key, _ in segments(path)] or [path]
    return node_key in keys
