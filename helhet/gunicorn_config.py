"""gunicorn's settings and hooks for `helhet serve` (`gunicorn -c python:helhet.gunicorn_config`).

The command line of `helhet serve` (helhet/serve.py) gives bind, workers and timeouts; this module
gives what a command line cannot: logging as JSON lines, no access log, no header trust of
gunicorn's own, and the bookkeeping of the multiprocess metrics (helhet/metrics.py):

- on_starting (the master, before any worker): empty PROMETHEUS_MULTIPROC_DIR of the files a
  previous run left, so counters start at zero with the server;
- child_exit (the master, each time a worker ends, killed or not): mark the worker dead, so the
  live gauges (requests in progress) stop counting it;
- on_exit (the master, when the server stops): remove the folder `helhet serve` made for the
  metrics when PROMETHEUS_MULTIPROC_DIR was not set (a folder set by the operator is left).

Running gunicorn by hand with this module works too; set PROMETHEUS_MULTIPROC_DIR first.
"""

from __future__ import annotations

import glob
import os
import shutil

accesslog = None  # no access log: addresses and paths with tokens; see helhet/logging_json.py
secure_scheme_headers: dict = {}  # the app's ProxyFix (PROXY_FIX) decides what to believe
# gunicorn >= 25's control socket (~/.gunicorn/gunicorn.ctl) is shared by every server of a user
# and can add workers behind the refusals of `helhet serve`: off (older versions ignore the name)
control_socket_disable = True

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "helhet.logging_json.JsonFormatter"}},
    "filters": {"scrub": {"()": "helhet.logging_json.ScrubServerRecords"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["scrub"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        "helhet": {"level": "INFO", "handlers": [], "propagate": True},
    },
}


def _metrics_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def on_starting(server) -> None:
    directory = _metrics_dir()
    if directory:
        os.makedirs(directory, exist_ok=True)
        for leftover in glob.glob(os.path.join(directory, "*.db")):
            os.remove(leftover)


def child_exit(server, worker) -> None:
    if _metrics_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    directory = _metrics_dir()
    if directory and os.environ.get("HELHET_OWN_METRICS_DIR") == directory:
        shutil.rmtree(directory, ignore_errors=True)
