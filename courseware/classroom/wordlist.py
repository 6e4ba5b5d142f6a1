"""The sensitive-word list (敏感词): a plain text file an organisation edits, read again whenever
it changes. A question or comment from the room that contains a word of it is held for review."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from flask import current_app

SHIPPED = Path(__file__).with_name("sensitive_words.txt")
# (path, modification time) → words; the file is small and read again only when it changes.
_LOADED: dict[tuple[str, float], list[str]] = {}


def fold(value: str) -> str:
    """Full-width forms folded, case ignored, spaces dropped: "Ｆ U c k" matches "fuck"."""
    folded = unicodedata.normalize("NFKC", value or "").casefold()
    return "".join(folded.split())


def list_path() -> Path:
    """The file the setting names, else the instance's own list, else the shipped one."""
    configured = current_app.config.get("CLASSROOM_SENSITIVE_WORDS_FILE")
    if configured:
        return Path(configured)
    own = Path(current_app.instance_path) / "sensitive_words.txt"
    return own if own.exists() else SHIPPED


def parse(text: str) -> list[str]:
    """The words of a list: one a line, blank lines and "#" comments left out."""
    words = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word and fold(word):
            words.append(word)
    return words


class WordListUnreadable(OSError):
    """The list's file is missing or unreadable: posts are held rather than let through."""


def words() -> list[str]:
    path = list_path()
    try:
        key = (str(path), path.stat().st_mtime)
        if key not in _LOADED:
            loaded = parse(path.read_text("utf-8-sig"))
            _LOADED.clear()
            _LOADED[key] = loaded
    except (OSError, UnicodeDecodeError) as error:
        raise WordListUnreadable(
            f"{path}: the sensitive-word list cannot be read ({error})"
        ) from None
    return _LOADED[key]


def matches(text: str, listed: list[str] | None = None) -> list[str]:
    """The listed words the text contains, in the list's order."""
    folded = fold(text)
    return [word for word in (words() if listed is None else listed) if fold(word) in folded]
