"""A separate, bare Flask application: the baseline every page is measured against.

It carries none of Courseware's middleware (sessions, access checks, CSRF, security headers), so a
ratio against it says what the whole application costs per request, not only the view.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
