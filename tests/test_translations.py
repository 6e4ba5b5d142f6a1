"""The Chinese catalog: every message once, every message translated, placeholders kept."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "courseware/translations/zh/LC_MESSAGES/messages.po"


def entries() -> list[tuple[int, str, str]]:
    """(line, msgid, msgstr) of each live entry; obsolete (#~) ones and plurals' forms aside."""
    found, lines = [], CATALOG.read_text("utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("msgid "):
            start, msgid, i = i + 1, [lines[i][6:]], i + 1
            while i < len(lines) and lines[i].startswith('"'):
                msgid.append(lines[i])
                i += 1
            msgstr = []
            if i < len(lines) and lines[i].startswith(("msgstr ", "msgid_plural ")):
                if lines[i].startswith("msgid_plural "):
                    while i < len(lines) and not lines[i].startswith("msgstr[0] "):
                        i += 1
                    msgstr, i = [lines[i][10:]], i + 1
                else:
                    msgstr, i = [lines[i][7:]], i + 1
                while i < len(lines) and lines[i].startswith('"'):
                    msgstr.append(lines[i])
                    i += 1
            join = lambda parts: "".join(p.strip()[1:-1] for p in parts)  # noqa: E731
            found.append((start, join(msgid), join(msgstr)))
        else:
            i += 1
    return found


def test_every_message_is_defined_once():
    seen = {}
    for line, msgid, _msgstr in entries():
        assert msgid not in seen, f"messages.po:{line}: {msgid!r} again (first at {seen[msgid]})"
        seen[msgid] = line


def test_every_message_is_translated_with_its_placeholders():
    for line, msgid, msgstr in entries():
        if not msgid:
            continue  # the header
        assert msgstr, f"messages.po:{line}: {msgid!r} has no translation"
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgstr)) == wanted, f"messages.po:{line}"


def test_force_locale_changes_the_language_of_templates_after_the_first_render(app):
    """A job or request that renders in one language, then mails or exports in another."""
    from flask import render_template_string

    from courseware.i18n import force_locale, html_lang, language

    def courses() -> str:
        said = render_template_string("{{ _('Courses') }}|{{ gettext('Courses') }}")
        # The language bilingual content is shown in follows too.
        assert (language(), html_lang()) == (("en", "en") if said[0] == "C" else ("zh", "zh-CN"))
        return said

    with app.app_context():
        said = []
        for code in ("en", "zh_CN", "en"):
            with force_locale(code):
                said.append(courses())
        assert said == ["Courses|Courses", "课程|课程", "Courses|Courses"]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert courses() == "课程|课程"
        with force_locale("en"):
            assert courses() == "Courses|Courses"
        assert courses() == "课程|课程"  # the request's own language again
