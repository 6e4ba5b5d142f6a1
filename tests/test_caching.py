"""courseware.caching: bounded caches, entries that expire, one registry that can drop them all."""

import pytest

from courseware import caching

# Every per-process cache the policy (courseware/caching.py, docs/caching.md) describes.
POLICY = {
    "navigation",
    "head_parts",
    "static_urls",
    "urls",
    "signed_csrf",
    "locales",
    "browser_locales",
    "rendered_markdown",
    "sanitiser_reports",
    "question_html",
    "parsed_questions",
    "lesson_pages",
    "session_users",
    "scenarios",
    "course_content",
    "reading_courses",
    "course_page_parts",
    "course_item_lists",
    "question_blocks",
    "outline_rows",
    "editor_fields",
    "exercise_articles",
    "wtforms_translations",
    "role_names",
    "verified_cookies",
    "user_rows",
    "user_filters",
    "course_lessons",
    "course_quizzes",
    "course_exercises",
    "course_item_titles",
    "course_banks",
    "viewer_statements",
}


@pytest.fixture
def clock(monkeypatch):
    """A monotonic clock the test moves by hand."""
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def make_cache():
    made = []

    def make(*args, **kwargs):
        store = caching.Cache(f"test-{len(made)}", *args, **kwargs)
        made.append(store.name)
        return store

    yield make
    for name in made:
        caching._REGISTRY.pop(name, None)


def test_a_full_cache_drops_the_least_recently_used_entry(make_cache):
    store = make_cache(max_size=2)
    store.set("a", 1)
    store.set("b", 2)
    assert store.get("a") == 1  # "a" is now the more recently used
    store.set("c", 3)
    assert "b" not in store and store.get("a") == 1 and store.get("c") == 3 and len(store) == 2


def test_entries_expire_after_their_time_to_live(make_cache, clock):
    store = make_cache(max_size=10, ttl=5)
    store.set("token", "user")
    clock[0] += 4.9
    assert store.get("token") == "user"
    clock[0] += 0.1
    assert store.get("token") is None and store.get("token", "gone") == "gone"
    assert store.get_or_build("token", lambda: "again") == "again"


def test_entries_can_be_dropped_one_by_one_by_a_rule_or_all_at_once(make_cache):
    store = make_cache(max_size=10)
    for i in range(5):
        store.set(i, i * 10)
    assert store.pop(0) == 0 and store.pop(0, "gone") == "gone"
    store.discard_where(lambda key, value: value >= 30)
    assert [store.get(i) for i in range(5)] == [None, 10, 20, None, None]
    caching.clear_all()
    assert len(store) == 0


def test_a_name_is_registered_once(make_cache):
    store = make_cache(max_size=1)
    assert caching.registry()[store.name] is store
    with pytest.raises(ValueError):
        caching.Cache(store.name, max_size=1)


def test_memoize_calls_the_function_once_per_arguments():
    calls = []

    @caching.memoize("test-memoize", max_size=8)
    def double(x, factor=2):
        calls.append(x)
        return x * factor

    try:
        assert [double(2), double(2), double(3), double(2, factor=3)] == [4, 4, 6, 6]
        assert calls == [2, 3, 2]
        double.cache_clear()
        assert double(2) == 4 and calls == [2, 3, 2, 2]
    finally:
        caching._REGISTRY.pop("test-memoize")


def test_every_cache_of_the_policy_is_registered():
    """A cache added without the registry, or dropped from the policy, fails here."""
    import courseware.accounts.sessions  # noqa: F401
    import courseware.admin.users  # noqa: F401
    import courseware.courses.models  # noqa: F401
    import courseware.courses.outline  # noqa: F401
    import courseware.exercises.models  # noqa: F401
    import courseware.exercises.runs  # noqa: F401
    import courseware.exercises.teach_views  # noqa: F401
    import courseware.forms  # noqa: F401
    import courseware.i18n  # noqa: F401
    import courseware.lessons.author_views  # noqa: F401
    import courseware.lessons.outline_parts  # noqa: F401
    import courseware.lessons.reading  # noqa: F401
    import courseware.progress.course_page  # noqa: F401
    import courseware.quizzes.attempts  # noqa: F401
    import courseware.quizzes.display  # noqa: F401
    import courseware.security  # noqa: F401
    import courseware.templating  # noqa: F401

    assert POLICY <= set(caching.registry())
    assert {name for name in caching.registry() if not name.startswith("test-")} == POLICY


def test_pages_and_sessions_fill_the_caches_and_clear_all_empties_them(
    app, client, auth, make_user
):
    make_user(username="reader")
    assert auth.login("reader").status_code == 302
    assert client.get("/").status_code == 200
    filled = {name for name, store in caching.registry().items() if len(store)}
    assert {"navigation", "session_users", "static_urls", "urls"} <= filled
    caching.clear_all()
    assert all(len(store) == 0 for store in caching.registry().values())
    assert client.get("/").status_code == 200  # rebuilt from the database


def test_templates_links_are_the_links_url_for_builds(app):
    from flask import url_for

    from courseware.templating import cached_url_for

    for root in ("", "/training"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for endpoint, values in [
                ("lessons.course", {"course_slug": "weibo"}),
                ("lessons.course", {"course_slug": "weibo", "tab": "a b"}),
                ("main.index", {}),
                ("main.index", {"_anchor": "top"}),
                ("main.index", {"_external": True}),
            ]:
                first = cached_url_for(endpoint, **values)
                assert first == cached_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert cached_url_for("main.index").startswith(root + "/")


def test_role_names_are_kept_per_language(app):
    """The users list names roles from a kept copy; each language keeps its own."""
    from courseware.templating import role_label

    def names(language):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            return [role_label(role) for role in ("learner", "admin", "learner")]

    assert names("zh-CN") == ["学员", "管理员", "学员"]
    assert names("en") == ["Learner", "Administrator", "Learner"]
    assert names("zh-CN") == ["学员", "管理员", "学员"]


def test_the_browser_language_kept_per_header_is_the_one_werkzeug_picks(app):
    from courseware import i18n

    headers = {
        "en-US,en;q=0.9": "en",
        "zh-CN,zh;q=0.9,en;q=0.8": "zh_CN",
        "en;q=0.4,zh-CN;q=0.6": "zh_CN",
        "fr": None,
    }
    for _round in range(2):  # the second round reads what the first kept
        for header, expected in headers.items():
            with app.test_request_context("/", headers={"Accept-Language": header}):
                assert i18n._locale_code() == (expected or app.config["BABEL_DEFAULT_LOCALE"])
    kept = caching.registry()["browser_locales"]
    assert len(kept) == len(headers)
    long_header = "en;q=0.9," + ",".join(f"x-{n}" for n in range(60))
    with app.test_request_context("/", headers={"Accept-Language": long_header}):
        assert i18n._locale_code() == "en"
    assert len(kept) == len(headers)  # a header longer than browsers send is not kept
