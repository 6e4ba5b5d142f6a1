"""The question types, by name: a registry in the shape of CTFd's challenge classes, with a module
per type as Moodle keeps a folder per type (question/type/<name>/).

Adding a type means writing a QuestionType subclass (types/base.py), its template macro
(templates/quizzes/types/<name>.html) and registering it; nothing else names a type.
"""

from __future__ import annotations

from courseware.quizzes.types import (
    description,
    essay,
    fill,
    matching,
    multiple,
    numerical,
    ordering,
    short,
    single,
    truefalse,
)
from courseware.quizzes.types.base import QuestionType

REGISTRY: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> QuestionType:
    """Make a type known by its name to the readers, attempts, grading, pages and analysis."""
    if not kind.name or kind.name in REGISTRY:
        raise ValueError(f"a question type needs a name of its own, not {kind.name!r}")
    REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)


def question_type(name: str) -> QuestionType | None:
    """The registered type of this name, or None."""
    return REGISTRY.get(name)


def registered_names() -> list[str]:
    return list(REGISTRY)


def typed_names() -> list[str]:
    """Types whose typed answers a computer compares, which instructors may want to look at again."""
    return [name for name, kind in REGISTRY.items() if kind.typed]


for _module in (
    single,
    multiple,
    truefalse,
    short,
    numerical,
    matching,
    ordering,
    fill,
    essay,
    description,
):
    register(_module.TYPE)
