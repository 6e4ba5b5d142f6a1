"""Settings gunicorn reads from the folder it starts in (`make run`, the benchmarks)."""
import gc

import gunicorn.http.wsgi

# Name no server software in the Server header: a name and version tell an attacker what to try.
# gunicorn has no setting for it; its responses read this module attribute.
gunicorn.http.wsgi.SERVER = "-"


def post_worker_init(worker):
    """Collect garbage less often in a worker that has loaded the app.

    The modules, templates and caches loaded so far live as long as the worker, so gc.freeze() takes
    them out of every later collection; and a request creates thousands of short-lived objects
    (database rows, template output), so with the default threshold of 700 allocations a single
    attempt page set off several collections."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
