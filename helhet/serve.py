"""`helhet serve`: Helhet under gunicorn with production defaults, or a refusal that says why not.

    helhet serve                          # 127.0.0.1:8000, 2 x cores + 1 workers
    helhet serve --bind 127.0.0.1:8001 --workers 4
    helhet serve --dry-run                # check the settings, print the command, start nothing

What it starts: `python -m gunicorn -c python:helhet.gunicorn_config ... "helhet:create_app()"`, in
place of this process (exec: systemd, a container or a supervisor sees gunicorn itself), with

- workers: --workers, else WEB_CONCURRENCY, else 2 x the cores this process may use + 1 (sync
  workers: the proxy in front buffers slow clients);
- --timeout 60 s for a request (a PDF report or an SPSS export of a large round takes seconds),
  --graceful-timeout 30 s to finish the requests under way on a restart, --keep-alive 5 s;
- no access log (it would hold client addresses and paths with link tokens): each request is one
  JSON line in the error stream instead (helhet/logging_json.py), as is everything gunicorn says;
- gunicorn's own handling of X-Forwarded-Proto off: the app trusts PROXY_FIX proxies (werkzeug's
  ProxyFix in create_app), so there is one setting for which proxies are believed;
- PROMETHEUS_MULTIPROC_DIR for the metrics of every worker (a fresh directory unless set).

It refuses to start with settings that are unsafe with real users (each refusal says what to set):

- a SECRET_KEY generated into instance/secret_key with more than one worker: a key made on one
  machine is not the key of the next server, and workers would race to create it;
- rate limits kept in memory (RATELIMIT_STORAGE_URI=memory://) with more than one worker: the
  rule and its message are helhet/ratelimits.py's;
- SESSION_COOKIE_SECURE off while the site is reached over https (PUBLIC_BASE_URL or
  PREFERRED_URL_SCHEME say https): a sign-in cookie must never travel over plain http.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from helhet import ratelimits
from helhet.clitools import fail

DEFAULT_BIND = "127.0.0.1:8000"
TIMEOUT = 60
GRACEFUL_TIMEOUT = 30
KEEP_ALIVE = 5
APP = "helhet:create_app()"
GUNICORN_CONFIG = "python:helhet.gunicorn_config"
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
OWN_MULTIPROC_DIR = "HELHET_OWN_METRICS_DIR"  # the folder serve made; gunicorn_config removes it


def cores() -> int:
    """The CPU cores this process may run on (a container's or a cgroup's share, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """gunicorn's rule of thumb for sync workers: 2 x cores + 1."""
    return 2 * cores() + 1


def over_https(config: Mapping) -> bool:
    return (
        str(config.get("PUBLIC_BASE_URL") or "").lower().startswith("https://")
        or str(config.get("PREFERRED_URL_SCHEME") or "").lower() == "https"
    )


def refusals(app: Flask, workers: int) -> list[str]:
    """What makes these settings unsafe to serve with `workers` processes (empty: none)."""
    config = app.config
    found = []
    if workers > 1 and config.get("SECRET_KEY_GENERATED"):
        found.append(
            "SECRET_KEY is the one generated into instance/secret_key, but"
            f" {workers} processes would serve the app: every server (and every process) must"
            " sign sessions with the same key. Set SECRET_KEY in the environment or in"
            " instance/config.py, the same on every server, e.g. the output of:"
            " python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if workers > 1 and ratelimits.counts_per_process(app):
        found.append(ratelimits.refusal(f"helhet serve would start {workers} gunicorn workers"))
    if over_https(config) and not config.get("SESSION_COOKIE_SECURE"):
        found.append(
            "The site is reached over https (PUBLIC_BASE_URL or PREFERRED_URL_SCHEME), but"
            " SESSION_COOKIE_SECURE is off: a browser could send the sign-in cookie over plain"
            " http. Set SESSION_COOKIE_SECURE=true (and PROXY_FIX to the number of proxies in"
            " front of the app)."
        )
    return found


@dataclass(frozen=True)
class Command:
    argv: list[str]
    env: dict[str, str]


def gunicorn_command(
    bind: str, workers: int, timeout: int, environ: Mapping[str, str] | None = None
) -> Command:
    """The gunicorn command line and environment for these options."""
    env = dict(os.environ if environ is None else environ)
    env.pop("GUNICORN_CMD_ARGS", None)  # the options below are the whole configuration
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        GUNICORN_CONFIG,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        "--keep-alive",
        str(KEEP_ALIVE),
        APP,
    ]
    return Command(argv, env)


@click.command("serve")
@click.option(
    "--bind", "-b", default=DEFAULT_BIND, show_default=True, help="host:port to serve on."
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    envvar="WEB_CONCURRENCY",
    help=f"Worker processes. Default: 2 x cores + 1 (here {default_workers()}).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=TIMEOUT,
    show_default=True,
    help="Seconds a request may take before its worker is restarted.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check the settings and print the command; start nothing."
)
@with_appcontext
def serve(bind: str, workers: int | None, timeout: int, dry_run: bool) -> None:
    """Serve Helhet with gunicorn and production defaults; refuse settings unsafe in production."""
    workers = workers or default_workers()
    problems = refusals(current_app._get_current_object(), workers)
    if problems:
        fail("helhet serve did not start: change the settings above.", problems)
    if os.environ.get("GUNICORN_CMD_ARGS"):
        click.echo("GUNICORN_CMD_ARGS is ignored: helhet serve passes its own options.", err=True)
    command = gunicorn_command(bind, workers, timeout)
    if dry_run:
        metrics_dir = command.env.get(MULTIPROC_DIR) or "(a new temporary directory)"
        click.echo(f"{MULTIPROC_DIR}={shlex.quote(metrics_dir)}")
        click.echo(shlex.join(command.argv))
        return
    if not command.env.get(MULTIPROC_DIR):  # made for this server, removed when it stops
        command.env[MULTIPROC_DIR] = tempfile.mkdtemp(prefix="helhet-metrics-")
        command.env[OWN_MULTIPROC_DIR] = command.env[MULTIPROC_DIR]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(command.argv[0], command.argv, command.env)
