"""Interface language: the user's choice, then the browser's, then Simplified Chinese."""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import flask_babel
from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import escape, Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from courseware import caching
from courseware.db import db

COOKIE = "locale"
ONE_YEAR = 365 * 24 * 3600

babel = Babel()


# Parsed locales by code, shared by every request of the process: Babel would otherwise parse the
# code again on each one.
_LOCALES = caching.Cache("locales", max_size=64)


def parsed_locale(code: str) -> Locale:
    """The Babel locale for a code such as zh_CN, parsed once per process."""
    return _LOCALES.get_or_build(code, lambda: Locale.parse(code))


def select_locale() -> Locale | None:
    """Pick the language for this request."""
    code = _locale_code()
    return parsed_locale(code) if code else None


def _locale_code() -> str | None:
    """The user's language, then the cookie's, then the browser's; the terminal's outside a request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Command-line tools speak the terminal's language.
        return "en" if os.environ.get("LANG", "").startswith("en") else None
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.cookies.get(COOKIE) in languages:
        return request.cookies[COOKIE]
    return (
        _browser_locale(request.headers.get("Accept-Language", ""), tuple(languages))
        or (current_app.config["BABEL_DEFAULT_LOCALE"])
    )


# The language chosen for each Accept-Language header, per process: a class's browsers send a few
# distinct headers, and parsing one costs more than the rest of choosing the language. Browsers
# send a few dozen characters; a longer header is parsed each time rather than kept.
_BROWSER_LOCALES = caching.Cache("browser_locales", max_size=1024)
_KEPT_HEADER_LENGTH = 200


def _browser_locale(header: str, languages: tuple[str, ...]) -> str | None:
    """Of `languages`, the best match for an Accept-Language header, as Werkzeug picks it."""

    def choose() -> str | None:
        return parse_accept_header(header, LanguageAccept).best_match(languages)

    if len(header) > _KEPT_HEADER_LENGTH:
        return choose()
    return _BROWSER_LOCALES.get_or_build((header, languages), choose)


def remember_locale(response, locale: str) -> None:
    """Store a chosen language in a cookie and, for a signed-in user, on the account."""
    if locale not in current_app.config["LANGUAGES"]:
        return
    response.set_cookie(COOKIE, locale, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()


def current_locale() -> Locale | None:
    """flask_babel.get_locale(), read straight from where flask_babel keeps it for the context
    once chosen (force_locale sets it there too). A page asks for its language dozens of times,
    and get_locale() looks the context up three times each: a tenth of a small page's time."""
    if has_app_context():
        chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
        if chosen is not None:
            return chosen
    return get_locale()


def html_lang() -> str:
    """The BCP 47 tag for <html lang>: zh-CN or en."""
    locale = current_locale()
    return "zh-CN" if locale.language == "zh" else locale.language


def language() -> str:
    """The reader's language for bilingual content: "en" or "zh"."""
    return "en" if current_locale().language == "en" else "zh"


def text(pair: dict) -> str:
    """A {"zh", "en"} text in the reader's language, falling back to Chinese."""
    return text_in(pair, language())


def text_in(pair: dict, lang: str) -> str:
    """A {"zh", "en"} text in `lang`, falling back to Chinese."""
    return (pair or {}).get(lang) or (pair or {}).get("zh", "")


# A run of Chinese: a Han character, then Han characters, CJK punctuation and full-width forms.
_CHINESE_RUN = re.compile(
    "[\u3400-\u9fff\U00020000-\U0002ffff][\u3000-\u303f\u3400-\u9fff\uff00-\uffef\U00020000-\U0002ffff]*"
)
_TAG = re.compile(r"(<[^>]*>)")


def mark_chinese(html: str) -> str:
    """In English HTML, put each run of Chinese in <span lang="zh-CN">, so that a screen reader
    reads it in Chinese (WCAG 3.1.2, language of parts). Only text between tags changes."""
    if not _CHINESE_RUN.search(html):
        return html
    return "".join(
        part
        if part.startswith("<")
        else _CHINESE_RUN.sub(lambda m: f'<span lang="zh-CN">{m.group(0)}</span>', part)
        for part in _TAG.split(html)
    )


def chinese_marked(value) -> Markup:
    """A template's |zh: the value escaped and, on an English page, its Chinese runs marked (names
    of things that have no English one, such as 早讲话 in "Speak early (早讲话)")."""
    escaped = escape(value)
    return Markup(mark_chinese(str(escaped))) if language() == "en" else escaped


def fallback_lang(pair: dict) -> str | None:
    """The language tag of text(pair) when it is not the page's language: "zh-CN" for a Chinese text
    shown in an English page because the English one is missing; None otherwise."""
    pair = pair or {}
    if language() == "en" and not pair.get("en") and pair.get("zh"):
        return "zh-CN"
    return None


def marked(value: str, lang: str | None) -> Markup:
    """An element's content, in a <span lang> when its language is not the page's, so that a screen
    reader reads it with the right voice (WCAG 3.1.2, language of parts)."""
    if not lang:
        return escape(value)
    return Markup('<span lang="%s">%s</span>') % (lang, value)


def ltext(pair: dict) -> Markup:
    """text(pair) for an element's content (never an attribute): a Chinese text shown for want of an
    English one carries lang="zh-CN"."""
    return marked(text(pair), fallback_lang(pair))


# The key under app.extensions of the function that turns a text in a format ("markdown", "html",
# "plain") into safe HTML. The content package owns the one sanitiser and registers it there:
# this module sits below content and cannot import it.
TEXT_RENDERER = "courseware.text_renderer"


def set_text_renderer(app, render: Callable[[str, str], Markup]) -> None:
    """Make `render(source, fmt)` the renderer html() uses."""
    app.extensions[TEXT_RENDERER] = render


def html(pair: dict, fmt: str = "markdown") -> Markup:
    """A {"zh", "en"} text in the reader's language as sanitised HTML."""
    source = text(pair)
    if not source:
        return Markup("")
    rendered = current_app.extensions[TEXT_RENDERER](source, fmt)
    lang = fallback_lang(pair)
    if lang:
        return Markup('<div lang="%s">%s</div>') % (lang, rendered)
    return Markup(mark_chinese(rendered)) if language() == "en" else rendered


def request_translations():
    """The catalog for this request, looked up once: a page makes dozens of gettext calls.
    (force_locale below sets it aside while another language is in force.)"""
    translations = g.get("translations")
    if translations is None:
        translations = g.translations = get_translations()
    return translations


@contextmanager
def force_locale(code: str) -> Iterator[None]:
    """flask_babel.force_locale, which every module uses instead: a mail, an export or a PDF in
    its reader's language while the request or job speaks another. The catalogue kept for the
    request (request_translations) is set aside inside and put back after; otherwise templates
    would go on speaking the first language they were rendered in."""
    kept = g.pop("translations", None)
    try:
        with flask_babel.force_locale(code):
            yield
    finally:
        g.pop("translations", None)
        if kept is not None:
            g.translations = kept


@pass_eval_context
def translate(eval_ctx, message: str, **variables) -> str:
    """A template's _(): Jinja's new-style gettext, in one call where Jinja's alias makes three.

    As in Jinja, the translation is trusted markup in an autoescaped template, and it is always a
    format string, so variables are escaped and "%%" is a percent sign.
    """
    text = request_translations().ugettext(message)
    if eval_ctx.autoescape:
        text = Markup(text)
    if not variables and "%" not in text:
        return text  # what formatting would give, without its cost (a page makes dozens of calls)
    return text % variables


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = translate
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["text"] = text
    app.jinja_env.globals["ltext"] = ltext
    app.jinja_env.filters["zh"] = chinese_marked
    app.jinja_env.globals["fallback_lang"] = fallback_lang
    app.jinja_env.globals["html"] = html
