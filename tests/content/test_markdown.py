"""The one Markdown renderer against the XSS corpus and the features lessons use."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from courseware.content.markdown import render_markdown

CORPUS = json.loads((Path(__file__).parents[1] / "data" / "markdown_xss.json").read_text("utf-8"))
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "poster",
    "background",
    "srcset",
}


class Elements(HTMLParser):
    """Collect every element and attribute of an HTML fragment, with entities decoded."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.urls = set(), set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag.lower())
        for name, value in attrs:
            self.attributes.add(name.lower())
            if name.lower() in URL_ATTRIBUTES and value:
                # Browsers drop tabs and newlines inside URLs, so the check does too.
                self.urls.append(value.translate({9: None, 10: None, 13: None}).lower())


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_xss_corpus(case):
    html = render_markdown(case["input"]).html
    found = Elements(html)
    for token in case["must_not_contain"]:
        if token.startswith("<"):
            assert token[1:].lower() not in found.tags, html
        elif token.endswith("="):
            assert token[:-1].lower() not in found.attributes, html
        else:
            assert not any(token.lower() in url for url in found.urls), html
    for token in case.get("must_contain") or []:
        assert token in html


def test_lesson_features_survive_sanitising():
    text = """
## 一、背景

| 年份 | 用户 |
|---|---|
| 2011 | 近两亿 |

!!! note "要点"
    早讲话、会讲话、讲实话。

术语
:   定义

脚注[^1]

[^1]: 《人民日报》2011年8月30日。
"""
    rendered = render_markdown(text)
    found = Elements(rendered.html)
    assert {"table", "h2", "dl", "dd", "sup"} <= found.tags
    assert 'class="admonition note"' in rendered.html
    assert 'href="#' in rendered.toc and "一、背景" in rendered.toc


def test_in_a_lesson_images_come_only_from_the_course_media_folder():
    text = "![a](media/chart.png) ![b](https://example.org/b.png) ![c](media/../secret.png)"
    html = render_markdown(text, media_url="/courses/c/media").html
    assert 'src="/courses/c/media/chart.png"' in html
    assert "example.org" not in html and "secret" not in html


def test_links_to_sibling_lesson_files_become_lesson_links():
    html = render_markdown("[下一课](03-speak-early.md) [en](03-speak-early.en.md#case)").html
    assert 'href="speak-early"' in html and 'href="speak-early#case"' in html


def test_what_the_sanitiser_removes_is_named_kind_by_kind():
    from courseware.content.markdown import removals

    text = (
        "正文<script>alert(1)</script><iframe src=x><b>里</b></iframe>\n\n"
        '![外](https://evil.example/x.png) [坏](javascript:alert(1)) <span onclick="x">字</span>'
        " <font>旧</font> ![有](media/a.png) ![无](media/b.png) <script>again()</script>\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n"
    )
    found = {(r.kind, r.tag, r.what): r.count for r in removals(text, "media", {"a.png"})}
    assert found == {
        ("element", "script", ""): 2,
        ("element", "iframe", ""): 1,
        ("image", "img", "https://evil.example/x.png"): 1,
        ("link", "a", "javascript:alert(1)"): 1,
        ("attribute", "span", "onclick"): 1,
        ("tag", "font", ""): 1,
        ("missing", "img", "media/b.png"): 1,
    }
    assert (
        removals("**粗体** [链接](https://example.org) ![图](media/a.png)", "media", {"a.png"})
        == ()
    )
