"""Every in-process cache of the platform, built from one primitive and listed in one registry.

Policy (docs/caching.md says the same at more length):

- Only what can be rebuilt is cached, in the memory of one process: nothing a user typed, and no
  state that must outlive the process or be seen by another worker. The database stays the truth;
  a cache only saves the work of reading or rendering it again.
- Every cache is bounded (`max_size`; the least recently used entry makes room) and named, so
  `registry()` lists them and `clear_all()` drops them all (tests do, between apps).
- An entry is safe with several workers and servers when one of these holds, and each cache
  below says which:
  1. its key names the content (a hash, a revision and a course version, the text itself), so a
     change makes a new key and a stale entry is simply never asked for again;
  2. it depends only on the deployment (static URLs, parsed locales), which restarts the
     processes anyway;
  3. it lives for a short, stated time (`ttl` seconds): another process may serve the old value
     that long, and the cache's docstring says why that is acceptable. Changes made in the same
     process also drop the entry at once.

The caches (name: what, keyed by, how long, how dropped):

- "navigation" (templating.py): the page header's HTML, by role, demo flag and language; kept
  until evicted; a change of role makes a new key (rule 1). The user's name and the unread
  notifications count are not part of it: they are filled in on every request.
- "head_parts" (templating.py): the parts of every page's head around its title (the language,
  the stylesheets and scripts, the app's name), by part, script root and language, with a mark
  for the CSRF token (rule 2).
- "static_urls" (templating.py): url_for("static", ...) by script root and file name (rule 2).
- "signed_csrf" (templating.py): a signed CSRF token by secret key and session secret, 60 s
  (rule 3: a reused token only carries a signing time up to a minute older).
- "locales" (i18n.py): parsed Babel locales by code (rule 2).
- "browser_locales" (i18n.py): the interface language chosen for an Accept-Language header, by
  the header and the languages offered (rule 1: the header is the key).
- "role_names" (templating.py): a role's name by role and language (rule 2).
- "wtforms_translations" (forms.py): WTForms' own message catalogue by locale (rule 2: a file of
  the installed WTForms).
- "rendered_markdown" (content/markdown.py): rendered previews by text, media URL and base
  (rule 1: the text is the key).
- "sanitiser_reports" (content/markdown.py): what the sanitiser removes from a text, by text, media
  URL and the course's media names (rule 1: the text and the names are the key).
- "question_html" (quizzes/display.py): a question text's HTML by text and format (rule 1).
- "outline_rows" (lessons/outline_parts.py): the rows of a course's outline in its editor, kept
  whole, by the course, each item with its title and state, the outline revision, the language
  and the script root, with a mark for the CSRF token (templating.kept_part); and a course's
  table on the authoring index, kept whole, by the course and each item with its title and
  published revision's number (rule 1).
- "editor_fields" (lessons/author_views.py): the lesson editor's fields as they open on a
  revision, by the course, the revision and the names of the course's images, the language and
  the script root, with a mark for the CSRF token (rule 1: a saved revision never changes).
- "exercise_articles" (exercises/teach_views.py): an exercise with its form to prepare a live run
  on the instructors' exercise page, by the exercise, its title and scenario hash, its course,
  whether the reader edits the course, the classes offered, the language and the script root,
  with a mark for the CSRF token (rule 1).
- "question_blocks" (quizzes/display.py): a question's block on the attempt and result pages by
  the question's content hash, option order (for a type whose choices sit in slots, the set of
  choices shown: the attempt's order is applied to the kept block), saved response, points,
  language and script root, with marks where the position and number go (rule 1: everything
  else it shows is in the key).
- "parsed_questions" (quizzes/models.py): parsed questions by content hash (rule 1); a miss is
  loaded from the database.
- "lesson_pages" (lessons/reading.py): a lesson page's shared HTML by revision, language and
  course version (rule 1: publishing, moving or archiving a lesson bumps the course version).
- "reading_courses" (courses/catalogue.py): a course as the reading pages show it (its columns
  but the pages and glossary), by id and version; each request takes a copy into its session
  (rule 1: a change to the course or its content makes a new version).
- "course_content" (courses/models.py): a course's pages and glossary by course id and settings
  hash, the fingerprint of its settings with the pages and glossary (rule 1).
- "course_page_parts" (progress/course_page.py): the parts of a course page and its glossary
  page that every reader in one language sees, by the values they are rendered from (titles,
  minutes, the settings hash for the glossary), the language and the script root (rule 1).
- "course_item_lists" (progress/course_page.py): a course page's list of items as one reader
  stands in them, by every value a row shows (the lesson's row or the item's title, the best
  score, the status), the language and the script root (rule 1); readers who stand alike share
  one.
- "course_item_titles" (courses/outline.py): the titles of a course's quizzes and exercises for
  its outline, by course id and course version (rule 1: writing a quiz or an exercise bumps the
  version; courses/models.py: kept_content).
- "course_banks" (quizzes/attempts.py): a course's question bank as the rows a quiz start draws
  from (id, name, category, type, content hash), by name and by category, by course id and
  course version (rule 1: writing a question bumps the version; courses/models.py: kept_content).
- "scenarios" (exercises/models.py): parsed exercise scenarios by content hash, the hash of the
  stored scenario (rule 1); a miss reads the scenario from the database.
- "session_users" (accounts/sessions.py): the signed-in user by session token, until evicted
  (rule 1: every request reads the session's row and the user's columns with one Core query and
  uses the kept object only when they are equal, so a logout, deactivation, password reset or role
  change on any worker counts from the next request).
- "course_lessons" (lessons/reading.py), "course_quizzes" (quizzes/attempts.py) and
  "course_exercises" (exercises/runs.py): the short columns of a course's readable lessons, its
  published quizzes and its exercises, by course id and course version (rule 1: writing a lesson,
  quiz or exercise makes a new version in the same transaction; courses/models.py).
- "user_rows" (admin/users.py): a row of the users list by every value it shows (id, username,
  name, role, unit path, position, status flags), the language and the script root (rule 1).
- "user_filters" (admin/users.py): the users list's filter form by the values set in it (search
  text, role, the two checkboxes), the language and the script root (rule 1).
- "verified_cookies" (security.py): a session cookie's contents and signing time by the signing
  keys and the cookie's text, kept only after its signature was checked (rule 1: the text is the
  key; its age is checked on every request).
- "viewer_statements" (permissions.py): a staff list's SQL statement narrowed to one viewer, by
  the function that builds it and the viewer's id, role and administered unit (rule 1: those are
  all it is built from; it holds no rows, which are read on every request).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()
_REGISTRY: dict[str, Cache] = {}


class Cache:
    """A bounded, thread-safe mapping whose entries may expire `ttl` seconds after they are set."""

    def __init__(self, name: str, max_size: int, ttl: float | None = None):
        if name in _REGISTRY:
            raise ValueError(f"a cache named {name!r} exists already")
        self.name, self.max_size, self.ttl = name, max_size, ttl
        self._entries: OrderedDict[Hashable, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _REGISTRY[name] = self

    def get(self, key: Hashable, default=None):
        """The value kept for `key`, or `default` when there is none or it has expired."""
        with self._lock:
            entry = self._entries.get(key, _MISSING)
            if entry is _MISSING:
                return default
            expires, value = entry
            if expires is not None and expires <= time.monotonic():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, key: Hashable, value) -> None:
        """Keep `value` for `key`, making room by dropping the least recently used entry."""
        expires = time.monotonic() + self.ttl if self.ttl is not None else None
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_size:
                self._entries.popitem(last=False)

    def get_or_build(self, key: Hashable, build: Callable[[], Any]):
        """The value for `key`, built by `build()` and kept when missing (built outside the lock:
        two threads may both build it, and the second one's is kept)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = build()
            self.set(key, value)
        return value

    def pop(self, key: Hashable, default=None):
        """Drop one entry, if present, and return its value (or `default`)."""
        with self._lock:
            entry = self._entries.pop(key, _MISSING)
        return default if entry is _MISSING else entry[1]

    def discard_where(self, predicate: Callable[[Hashable, Any], bool]) -> None:
        """Drop every entry whose key and value satisfy `predicate(key, value)`."""
        with self._lock:
            for key in [k for k, (_, v) in self._entries.items() if predicate(k, v)]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def __len__(self) -> int:
        return len(self._entries)


def memoize(name: str, max_size: int) -> Callable:
    """Cache a pure function's results by its arguments in a named cache (functools.lru_cache's
    use, registered with the others); the cache is the wrapper's `cache`."""

    def decorate(function):
        store = Cache(name, max_size)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            return store.get_or_build(key, lambda: function(*args, **kwargs))

        wrapper.cache = store
        wrapper.cache_clear = store.clear
        return wrapper

    return decorate


def registry() -> dict[str, Cache]:
    """Every cache by name."""
    return dict(_REGISTRY)


def clear_all() -> None:
    """Drop every entry of every cache (tests, after their database is replaced)."""
    for store in _REGISTRY.values():
        store.clear()
