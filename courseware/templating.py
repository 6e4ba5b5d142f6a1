"""Helpers available in every template."""

import secrets
from collections.abc import Callable

from flask import current_app, g, has_request_context, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape, Markup

from courseware import caching
from courseware.i18n import html_lang
from courseware.roles import Role

ROLE_LABELS = {
    Role.LEARNER.value: _l("Learner"),
    Role.INSTRUCTOR.value: _l("Instructor"),
    Role.ADMIN.value: _l("Administrator"),
}


# Role names by role and language, per process (rule 2 of caching.py: the catalogues are part of
# the deployment): the users list names a role on every row, and each lazy string looks its
# catalogue up again.
_ROLE_NAMES = caching.Cache("role_names", max_size=16)


def role_label(role: str) -> str:
    """The role's name in the user's language."""
    return _ROLE_NAMES.get_or_build((role, html_lang()), lambda: str(ROLE_LABELS.get(role, role)))


def dict_without_page(args: dict) -> dict:
    """Query arguments without `page`, for pagination links that keep the filters."""
    return {k: v for k, v in args.items() if k != "page"}


def hours(value) -> str:
    """Credit hours without a needless ".0": 8 and 1.5."""
    return f"{value:g}"


# The header differs only by user and language, apart from the CSRF token and the page to return
# to after a language switch; it is rendered once per user and language in each process, with
# these marks (unguessable, so no user's name can contain them) filled in on every request.
_CSRF_MARK = f"csrf-{secrets.token_hex(8)}"
_NEXT_MARK = f"next-{secrets.token_hex(8)}"
_COUNT_MARK = f"count-{secrets.token_hex(8)}"
_NAME_MARK = f"name-{secrets.token_hex(8)}"
_NAV_CACHE = caching.Cache("navigation", max_size=4096)
HEADER_COUNT = "courseware.header_count"


def register_header_count(app, count) -> None:
    """Show count(user) unread notifications in the header: read on every request, never cached,
    so a notice written by another worker or the job queue shows on the next page."""
    app.extensions[HEADER_COUNT] = count


def header_count() -> str:
    """The unread-notifications badge for the signed-in user, or nothing when there are none."""
    count = current_app.extensions.get(HEADER_COUNT)
    unread = count(current_user) if count and current_user.is_authenticated else 0
    if not unread:
        return ""
    label = ngettext("%(num)d unread notification", "%(num)d unread notifications", unread)
    return f'<mark class="badge" aria-hidden="true">{unread}</mark><span class="visually-hidden">{escape(label)}</span>'


# Static URLs by script root and file name, per process: they change only with a deployment, and
# url_for costs more than the rest of the page head.
_STATIC_URLS = caching.Cache("static_urls", max_size=4096)


def static_url(filename: str) -> str:
    """The URL of a file under /static, as url_for("static", filename=...) gives it."""
    return _STATIC_URLS.get_or_build(
        (request.script_root, filename), lambda: url_for("static", filename=filename)
    )


# Links by endpoint and values, per process: a list with a few buttons per row calls url_for
# hundreds of times, and building a URL costs more than the rest of the row. A link depends only
# on the endpoint, its values and the script root (no rule of this app reads anything else).
_URLS = caching.Cache("urls", max_size=8192)


def cached_url_for(endpoint: str, **values) -> str:
    """Templates' url_for(): the same URL, built once per process for the same endpoint and
    values. Relative endpoints and url_for's own options (_external, _anchor…) are built as usual."""
    if endpoint.startswith(".") or not has_request_context() or any(k[0] == "_" for k in values):
        return url_for(endpoint, **values)
    try:
        # The value's type too: True and 1 are equal keys but different URLs.
        key = (request.script_root, endpoint, *((k, type(v), v) for k, v in sorted(values.items())))
        hash(key)
    except TypeError:  # a list of values, for instance
        return url_for(endpoint, **values)
    return _URLS.get_or_build(key, lambda: url_for(endpoint, **values))


# Signed CSRF tokens by session secret, reused for a minute in each process, since signing is the
# dearest part of the page head. The secret in the session stays the same either way; a reused
# token only carries a signing time up to a minute older, so it expires that much sooner.
CSRF_REUSE_SECONDS = 60
_signed_csrf = caching.Cache("signed_csrf", max_size=4096, ttl=CSRF_REUSE_SECONDS)


def csrf_token() -> str:
    """This request's signed CSRF token, as flask_wtf's generate_csrf() gives it (or, while a kept
    part is rendered, the mark that stands for it: see kept_part)."""
    if g.get("csrf_as_mark"):
        return _CSRF_MARK
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    token = g.get(field)
    if token is not None:  # a page's every form after the first: already signed for this request
        return token
    secret = session.get(field)
    if secret is None:
        return generate_csrf()  # the session has no secret yet: this makes one
    key = (current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, field, secret)
    token = _signed_csrf.get(key)
    if token is not None:
        setattr(g, field, token)  # so forms and generate_csrf() use the same token
        return token
    token = generate_csrf()
    _signed_csrf.set(key, token)
    return token


def kept_part(
    cache: caching.Cache,
    key: tuple,
    render: Callable[..., str],
    forms: tuple | Callable[[], tuple] = (),
) -> Markup:
    """HTML that is the same for every user in one language, rendered once per process by
    render() and kept in `cache` under `key` with the script root and the language: the key must
    hold everything else the HTML is rendered from (rule 1 of caching.py).

    A part may hold forms: it is rendered with a mark where a CSRF token goes, and each request
    fills in its own token. `forms` are the Flask-WTF forms render() shows whole (hidden_tag()):
    each signed its token when it was built, so while the part is rendered their CSRF fields
    show the mark too. `forms` may instead be a function that builds them, and render() then
    takes them as its arguments: a request that finds the part kept builds no form (a form of a
    dozen fields costs as much as a query)."""

    def build() -> Markup:
        shown = forms() if callable(forms) else forms
        g.csrf_as_mark = True
        fields = [form.csrf_token for form in shown]
        tokens = [field.current_token for field in fields]
        for field in fields:
            field.current_token = _CSRF_MARK
        try:
            return Markup(render(*shown) if callable(forms) else render())
        finally:
            g.csrf_as_mark = False
            for field, token in zip(fields, tokens, strict=True):
                field.current_token = token

    where = g.get("kept_part_where")
    if where is None:  # a page may show dozens of parts: the script root and language once
        where = g.kept_part_where = (request.script_root, html_lang())
    html = cache.get_or_build((*where, *key), build)
    # Markup.replace escapes the token it puts in.
    return html.replace(_CSRF_MARK, csrf_token()) if _CSRF_MARK in html else html


# The parts of every page's head around its title (base.html), by part, script root and language:
# a dozen calls of the template (the language, the static files' URLs, the app's name) the same on
# every page. Filled in per request: the CSRF token (kept_part).
_HEAD_PARTS = caching.Cache("head_parts", max_size=64)
_HEAD_PART_TEMPLATES = {"opening": "_page_opening.html", "rest": "_page_head_rest.html"}


def head_part(part: str) -> Markup:
    """The page's opening up to its <title> ("opening"), or what follows the title up to the
    page's own additions to the head ("rest")."""
    return kept_part(_HEAD_PARTS, (part,), lambda: render_template(_HEAD_PART_TEMPLATES[part]))


def navigation() -> Markup:
    """The page header: links for the user's role, their name, sign-out and the language switch.

    Kept per role, demo or not, and language, with marks where the user's name, the CSRF token,
    the page to come back to and the unread count go: a class's learners share one header, so the
    first page each of them opens (the attempt page, when a whole class starts a quiz) does not
    render it anew."""
    language = html_lang()
    signed_in = current_user.is_authenticated
    if signed_in:
        key = (True, current_user.role, current_user.is_demo, language)
    else:
        key = (False, language)
    html = _NAV_CACHE.get_or_build(
        key,
        lambda: render_template(
            "_nav.html",
            csrf_mark=_CSRF_MARK,
            next_mark=_NEXT_MARK,
            count_mark=_COUNT_MARK,
            name_mark=_NAME_MARK,
        ),
    )
    back = request.full_path if request.method == "GET" else url_for("main.index")
    html = (
        html.replace(_CSRF_MARK, str(escape(csrf_token())))
        .replace(_NEXT_MARK, str(escape(back)))
        .replace(_COUNT_MARK, header_count())
    )
    if signed_in:
        html = html.replace(_NAME_MARK, str(escape(current_user.name)))
    return Markup(html)


def init_app(app):
    # Replaces flask_wtf's csrf_token() (a global and a context processor) in templates.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["head_part"] = head_part
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["dict_without_page"] = dict_without_page
    app.jinja_env.filters["hours"] = hours
