"""Questions inside lessons (随堂测验): `!!! check NAME` on a line of its own places the question
NAME of the course's bank at that point of the lesson.

The lesson's shared HTML holds only a placeholder for each check; what one reader has answered is
filled in by a request of its own (courseware/progress/checks.py), so rendered lessons stay the
same for every reader and can be kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markupsafe import escape

# A question's name is up to 80 characters (the bank's column), without spaces at either end.
CHECK_LINE = re.compile(r"^!!!\s+check(?:\s+(?P<name>\S.{0,79}?))?\s*$")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
# The placeholder's class and attribute, which the sanitiser lets through (content/markdown.py).
PLACEHOLDER_CLASS = "lesson-check"
NAME_ATTRIBUTE = "data-check"
# The most tries a lesson may allow for each check (check_tries in its front matter).
MAX_TRIES = 10


@dataclass(frozen=True)
class CheckLine:
    """A check as written: its question's name and its line, counted from the body's first line (0)."""

    offset: int
    name: str


def find_checks(body: str) -> list[CheckLine]:
    """The checks of a lesson's body in order, outside fenced code; a line `!!! check` without a
    name is returned with the name "" so that the check of the files can report it."""
    found, fence = [], None
    for offset, line in enumerate((body or "").split("\n")):
        opening = FENCE.match(line)
        if fence is not None:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening["fence"]
            continue
        match = CHECK_LINE.match(line)
        if match:
            found.append(CheckLine(offset, (match["name"] or "").strip()))
    return found


def check_names(body: str) -> list[str]:
    """The names the body's checks ask for, in order (without the nameless ones)."""
    return [check.name for check in find_checks(body) if check.name]


def placeholder(index: int, name: str) -> str:
    """The HTML that stands for a check in every reader's copy of the lesson."""
    return (
        f'<div class="{PLACEHOLDER_CLASS}" id="check-{index}" '
        f'{NAME_ATTRIBUTE}="{escape(name)}"></div>'
    )


class _CheckPreprocessor(Preprocessor):
    """Replace each check line with its placeholder, held back from Markdown's own parsing.

    Runs after the fenced-code preprocessor, which has already put code blocks aside, and before
    the admonition block parser, which would otherwise take `!!! check` for an admonition."""

    def run(self, lines):
        result, index, fence = [], 0, None
        for line in lines:
            opening = FENCE.match(line)
            if fence is not None:
                if opening and opening["fence"][0] == fence[0]:
                    fence = None
                result.append(line)
                continue
            if opening:
                fence = opening["fence"]
                result.append(line)
                continue
            match = CHECK_LINE.match(line)
            if match and match["name"]:
                index += 1
                stashed = self.md.htmlStash.store(placeholder(index, match["name"].strip()))
                result += ["", stashed, ""]
            else:
                result.append(line)
        return result


class CheckExtension(Extension):
    """Python-Markdown extension for `!!! check NAME`."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_CheckPreprocessor(md), "lesson_checks", 20)
