"""The one place Markdown becomes HTML: Python-Markdown, then nh3 with an explicit allow-list.

Lessons are written by instructors, whose accounts can be stolen, so nothing they write is trusted:
raw HTML passes through Python-Markdown and is then cut down to the tags, attributes and URL
schemes listed here.
"""

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown as md
import nh3
from markupsafe import escape, Markup

from courseware import caching, i18n

# Bump when the rendering below changes, so cached HTML is rebuilt.
RENDERER_VERSION = "3"

EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "admonition", "def_list", "sane_lists"]
EXTENSION_CONFIGS = {"toc": {"toc_depth": "2-3", "permalink": False}}

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Where a lesson may link to another lesson of its course: "03-speak-early.md" or its .en twin.
LESSON_LINK = re.compile(
    r"^(?:\./)?\d\d-(?P<slug>[a-z0-9][a-z0-9-]*)(?:\.en)?\.md(?P<anchor>#[\w-]*)?$"
)
URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
MEDIA_PATH = re.compile(r"^(?:\./)?media/(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)$")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: str


def content_key(text: str) -> str:
    """The cache key of a text: its hash together with the renderer's version."""
    return hashlib.sha256(f"{RENDERER_VERSION}\0{text}".encode()).hexdigest()


def _attribute_filter(media_url: str | None, base: str = ""):
    """`base` goes before the links to sibling lessons and media, which are otherwise relative to
    the lesson's own page (an editor's preview is on another page)."""

    def keep(tag, attribute, value):
        if attribute in ("href", "src"):
            # A browser ignores spaces and control characters inside a scheme ("java script:");
            # refuse any URL whose scheme, so read, is not allowed.
            scheme = URL_SCHEME.match(re.sub(r"[\x00-\x20]", "", value).lower())
            if scheme and scheme.group(1) not in URL_SCHEMES:
                return None
        if tag == "img" and attribute == "src":
            match = MEDIA_PATH.match(value)
            if media_url is None:
                return value if value.lower().startswith("https://") else None
            # In a lesson, images come only from the course's own media folder.
            return f"{base}{media_url}/{match['name']}" if match else None
        if tag == "a" and attribute == "href":
            match = LESSON_LINK.match(value)
            if match:
                return base + match["slug"] + (match["anchor"] or "")
        return value

    return keep


# Elements removed together with everything inside them (the rest lose only their tags).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "math", "svg"}


def render_markdown(
    text: str, media_url: str | None = None, base: str = "", english: bool = False
) -> Rendered:
    """Render Markdown to sanitised HTML and a sanitised table of contents.

    In an `english` text each run of Chinese is marked lang="zh-CN".

    With `media_url` (a lesson's), images must be `media/NAME` and are served from there; links
    to sibling lesson files become links to those lessons.
    """
    converter = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = converter.convert(text or "")
    clean = dict(
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attribute_filter=_attribute_filter(media_url, base),
        link_rel="noopener noreferrer",
    )
    html, toc = _scrollable_tables(nh3.clean(html, **clean)), nh3.clean(converter.toc, **clean)
    if english:
        html, toc = i18n.mark_chinese(html), i18n.mark_chinese(toc)
    return Rendered(html=html, toc=toc)


def _scrollable_tables(html: str) -> str:
    """Put each table in a box that scrolls sideways by itself, so a wide table does not widen a
    phone's page; the box takes keyboard focus, so it scrolls without a mouse too. Runs on the
    sanitiser's output, whose tables carry no attributes."""
    return html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>').replace(
        "</table>", "</table></div>"
    )


@caching.memoize("question_html", max_size=4096)
def render_text(source: str, fmt: str) -> Markup:
    """A short text (question, briefing) as safe HTML: Markdown and HTML through the one sanitiser,
    plain text escaped, a paragraph with line breaks."""
    if fmt in ("markdown", "html"):
        return Markup(render_markdown(source).html)
    return (
        Markup("<p>")
        + Markup("<br>").join(escape(line) for line in source.split("\n"))
        + Markup("</p>")
    )


def init_app(app) -> None:
    """Give i18n.html() this module's renderer."""
    i18n.set_text_renderer(app, render_text)


@caching.memoize("rendered_markdown", max_size=512)
def render_cached(text: str, media_url: str | None = None, base: str = "") -> Rendered:
    """Render once per process for the same text (previews, pages without a stored revision)."""
    return render_markdown(text, media_url, base)


# --- what the sanitiser removes, said to the author -------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One kind of thing the sanitiser takes out of a text, so the author can be told why.

    kind: "element" (removed with its content), "tag" (the tag goes, its text stays),
    "attribute", "link" (an address with a scheme not allowed; the link text stays), "image" (not
    from the course's media), "missing" (an image of media/ the course does not have)."""

    kind: str
    tag: str
    what: str = ""
    count: int = 1


# Attributes Python-Markdown itself writes that the sanitiser drops: not the author's doing.
_GENERATED = {("th", "style"), ("td", "style")}


class _Finder(HTMLParser):
    def __init__(self, media_url, media_names):
        super().__init__(convert_charrefs=True)
        self.keep = _attribute_filter(media_url)
        self.media_names = media_names
        self.found: dict[tuple[str, str, str], int] = {}
        self.inside_dropped: list[str] = []

    def note(self, kind, tag, what=""):
        key = (kind, tag, what[:80])
        self.found[key] = self.found.get(key, 0) + 1

    def handle_starttag(self, tag, attrs):
        if self.inside_dropped:
            if tag == self.inside_dropped[-1]:
                self.inside_dropped.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.note("element", tag)
            self.inside_dropped.append(tag)
            return
        if tag not in TAGS:
            self.note("tag", tag)
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                if (tag, name) not in _GENERATED:
                    self.note("attribute", tag, name)
            elif name in ("href", "src") and self.keep(tag, name, value or "") is None:
                self.note("image" if tag == "img" else "link", tag, value or "")
            elif tag == "img" and name == "src" and self.media_names is not None:
                match = MEDIA_PATH.match(value or "")
                if match and match["name"] not in self.media_names:
                    self.note("missing", tag, value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.inside_dropped and self.inside_dropped[-1] == tag:
            self.inside_dropped.pop()

    def handle_endtag(self, tag):
        if self.inside_dropped and tag == self.inside_dropped[-1]:
            self.inside_dropped.pop()


# What the sanitiser takes out of a text, by the text, media URL and media names (rule 1 of
# courseware/caching.py: the text is the key): the lesson editor shows it on every opening, and
# finding it renders the whole text once more.
_REMOVALS = caching.Cache("removals", max_size=256)


def removals(text: str, media_url: str | None = None, media_names=None) -> list[Removal]:
    """What render_markdown(text, media_url) takes out of the text, each kind once with a count.

    With `media_names` (the names in the course's media), images the course does not have are
    named too: they are kept, but would show as broken."""
    names = frozenset(media_names) if media_names is not None else None
    key = (text or "", media_url, names)
    return list(_REMOVALS.get_or_build(key, lambda: tuple(_removals(text, media_url, names))))


def _removals(text: str, media_url: str | None, media_names) -> list[Removal]:
    html = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS).convert(
        text or ""
    )
    finder = _Finder(media_url, media_names)
    finder.feed(html)
    finder.close()
    return [Removal(kind, tag, what, count) for (kind, tag, what), count in finder.found.items()]
