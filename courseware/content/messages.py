"""Checkers' messages said in the reader's language.

The readers of course files (GIFT, YAML quizzes, scenarios) write their problems in English, as
`content check` prints them; a page shows each one translated, with its file and line kept. A
MessageTable matches a message against the pattern of each message a reader writes; the pattern's
named groups (identifiers and numbers from the file, left as they are) fill the translation's
placeholders. A message no pattern knows is shown as the reader wrote it.
"""

from __future__ import annotations

import re


class MessageTable:
    """Patterns of a reader's messages, each with its translation (a lazy gettext string, always
    formatted: a percent sign in one is written %%)."""

    def __init__(self, patterns: list[tuple[str, object]]):
        self.patterns = [(re.compile(pattern + r"\Z"), text) for pattern, text in patterns]

    def match(self, message: str) -> tuple[object, dict] | None:
        """The translation that fits the message and the values for its placeholders."""
        for pattern, text in self.patterns:
            found = pattern.match(message)
            if found is not None:
                return text, found.groupdict()
        return None

    def say(self, message: str) -> tuple[str, bool]:
        """The message in the reader's language, and whether a pattern knew it."""
        found = self.match(message)
        if found is None:
            return message, False
        text, values = found
        return str(text) % values, True
