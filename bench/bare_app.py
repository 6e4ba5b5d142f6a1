"""The application with one extra route that returns a fixed string: the benchmark's baseline."""

from courseware import create_app
from courseware.access import public


def bare():
    return "ok"


app = create_app()
app.add_url_rule("/bench/bare", "bench_bare", public(bare))
