"""Rate limits count in one place for every process that serves the app.

Flask-Limiter's default storage, ``memory://``, counts inside each process. Under gunicorn with
``-w 4`` every client would get four times every limit (and a different count depending on which
worker happens to answer). So Helhet refuses to serve from more than one process on ``memory://``
and says what to do: ``RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379``, a store every process shares.

How Helhet knows that more than one process serves it
    gunicorn: ``create_app()`` runs inside gunicorn's application loader, in each worker as it boots
    (or once in the master with ``--preload``), so gunicorn's own configuration of the running
    server is on the call stack. Its ``workers`` is the number of worker processes with ``-w``,
    ``WEB_CONCURRENCY``, ``GUNICORN_CMD_ARGS`` and config files already merged. The app then
    refuses to be created: the worker fails to boot and gunicorn stops ("Worker failed to boot",
    exit status 3) before any request is served; with ``--preload`` gunicorn prints the message
    and exits with status 1.
    Any other WSGI server: the WSGI environ's ``wsgi.multiprocess`` says whether other processes
    serve the same app (gunicorn sets it to ``workers > 1``; uWSGI and mod_wsgi set it too). Every
    request that says so is refused (500, with the same message in the log).
    ``helhet run`` / ``flask run`` (one process: the reloader's watcher serves nothing), the test
    client, and gunicorn with ``-w 1`` (with any number of threads) are one process, and keep
    ``memory://``.

Not seen: workers added later with ``SIGTTIN``, and several machines each serving with ``-w 1``
behind one load balancer. Use Redis there too (README, Production).
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from flask import Flask, request

from helhet.extensions import limiter


class SharedStorageRequired(RuntimeError):
    """More than one process serves the app, and each would count rate limits on its own."""


def init_app(app: Flask) -> None:
    """Bind the limiter; refuse if its counts would be split between several processes."""
    if counts_per_process(app):
        workers = gunicorn_workers()
        if workers is not None and workers > 1:
            raise SharedStorageRequired(refusal(f"{workers} gunicorn workers serve this app"))
        app.before_request(_refuse_multiprocess_server)
    limiter.init_app(app)


def counts_per_process(app: Flask) -> bool:
    """True if rate limits are on and kept in this process's memory."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return False
    return urlsplit(app.config.get("RATELIMIT_STORAGE_URI") or "memory://").scheme == "memory"


def refusal(who: str) -> str:
    return (
        "Rate limits are kept in memory (RATELIMIT_STORAGE_URI=memory://), separately in every"
        f" process, but {who}: each client would get every limit once per process. Set"
        " RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (a Redis server every process reaches), or"
        " serve with one process (gunicorn -w 1)."
    )


def gunicorn_workers() -> int | None:
    """The number of worker processes of the gunicorn that is loading this app,
    or None outside gunicorn.

    gunicorn's arbiter, its workers and its application loader each hold the server's
    configuration as `cfg`; one of them is on the stack whenever gunicorn creates the app.
    """
    config_module = sys.modules.get("gunicorn.config")
    if config_module is None:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if "self" in frame.f_code.co_varnames[:1]:
            cfg = getattr(frame.f_locals.get("self"), "cfg", None)
            if isinstance(cfg, config_module.Config):
                return int(cfg.workers)
        frame = frame.f_back
    return None


def _refuse_multiprocess_server() -> None:
    if request.environ.get("wsgi.multiprocess"):
        server = request.environ.get("SERVER_SOFTWARE") or "the WSGI server"
        raise SharedStorageRequired(
            refusal(f"{server} serves this app from several processes (wsgi.multiprocess)")
        )
