"""Loading, before a server forks its workers, what every worker would otherwise load for itself.

gunicorn.conf.py preloads the app in the master and calls prepare_to_fork() once it is ready: what
is loaded here lives in pages the workers share (copy-on-write) instead of in each worker's own
memory, and no worker's first requests pay for it. Nothing here opens a database connection that
outlives it, or starts a thread.
"""

import datetime as dt

import sqlalchemy as sa
from flask import Flask
from flask_babel import format_datetime, get_translations

from courseware.i18n import force_locale, parsed_locale


def prepare_to_fork(app: Flask) -> None:
    """Compile the templates and URL rules, set up the mappers, and load each language's
    translations and locale data."""
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    app.url_map.update()
    sa.orm.configure_mappers()
    with app.test_request_context("/"):
        for code in app.config["LANGUAGES"]:
            parsed_locale(code)
            with force_locale(code):
                get_translations()
                format_datetime(dt.datetime(2026, 1, 1), "short")  # the dates' locale data
