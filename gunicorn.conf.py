"""Settings gunicorn reads from the folder it starts in (`make run`, the benchmarks)."""

import gc

import gunicorn.http.wsgi

# Name no server software in the Server header: a name and version tell an attacker what to try.
# gunicorn has no setting for it; its responses read this module attribute.
gunicorn.http.wsgi.SERVER = "-"

# The sync worker, fitted to phones on a classroom's Wi-Fi: courseware/serving.py says why.
worker_class = "courseware.serving.Worker"

# Load the app once in the master and fork the workers from it: the modules, the app and its
# templates are then pages the workers share (copy-on-write) instead of each holding its own copy.
preload_app = True


def when_ready(server):
    """Load in the master what every worker would otherwise load for itself (templates, URL
    rules, translations), so the workers share it too."""
    app = server.app.wsgi()
    if getattr(app, "import_name", None) == "courseware":
        from courseware.preload import prepare_to_fork

        prepare_to_fork(app)


def pre_fork(server, worker):
    """Move everything the master has loaded out of the garbage collector's sight before a worker
    is forked: a collection writes to every object it visits, which would copy the shared pages
    into each worker."""
    gc.freeze()


def post_fork(server, worker):
    """Drop database connections the master may have opened while loading the app: a connection
    must never be shared by two processes. (Connections are made on first use, so there are
    usually none; the job queue is also made on first use, in the worker.)"""
    app = server.app.wsgi()
    database = getattr(app, "extensions", {}).get("sqlalchemy")
    if database is not None:
        with app.app_context():
            for engine in database.engines.values():
                engine.dispose(close=False)


def post_worker_init(worker):
    """Collect garbage less often in a worker that has loaded the app.

    The modules, templates and caches loaded so far live as long as the worker, so gc.freeze() takes
    them out of every later collection; and a request creates thousands of short-lived objects
    (database rows, template output), so with the default threshold of 700 allocations a single
    attempt page set off several collections."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
