"""The forms' shared pieces."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from courseware.forms import _wtforms_html_params, html_params

KEYS = st.sampled_from(
    ["id", "name", "class_", "for_", "data_hx_post", "aria_describedby", "value", "a<b", "x&y"]
)
VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(),
    st.text().map(Markup),
    st.sampled_from(['"quoted"', "<b>", "a & b", Markup('<i class="x">')]),
)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_attributes_render_as_wtforms_renders_them(attributes):
    ours = html_params(**attributes)
    assert isinstance(ours, Markup)
    assert ours == _wtforms_html_params(**attributes)


def test_widgets_render_with_the_faster_attributes(app):
    import wtforms.widgets.core

    assert wtforms.widgets.core.html_params is html_params
    assert wtforms.widgets.core.Input.html_params is html_params


def test_wtforms_messages_speak_each_requests_language_from_the_kept_catalogue(app):
    """WTForms' own messages follow the reader's language, request after request, although its
    catalogues are read from disk once per process."""
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    from courseware import forms

    class Form(FlaskForm):
        class Meta:
            csrf = False

        number = IntegerField()

    def error(language):
        headers = {"Accept-Language": language}
        with app.test_request_context("/", method="POST", data={"number": "x"}, headers=headers):
            form = Form()
            assert not form.validate()
            return form.number.errors[0]

    forms._wtforms_catalog.cache_clear()
    assert error("zh-CN") == "不是有效的整数。"
    assert error("en") == "Not a valid integer value."
    assert error("zh-CN") == "不是有效的整数。"
    assert len(forms._wtforms_catalog.cache) == 2
