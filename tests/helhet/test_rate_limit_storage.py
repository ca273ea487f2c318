"""Rate limits count once for the whole app: Helhet refuses to serve from several processes while
each would count on its own (memory://), and serves with Redis or from one process."""

import contextlib
import os
import subprocess
import sys
import time
import uuid

import pytest
import requests

from helhet import ratelimits
from helhet.extensions import db
from tests.collector.serving import Server, free_port, start_gunicorn
from tests.conftest import make_app, sqlite_url

LIMITS_ON = "WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = True\n"
REDIS_URL = "redis://127.0.0.1:6379/15"


@contextlib.contextmanager
def gunicorn(app, tmp_path, workers: int, settings: str = "", extra_args: tuple[str, ...] = ()):
    """A gunicorn serving the test's database; always stopped
    (and its workers with it) at the end.
    """
    db.session.remove()
    server = start_gunicorn(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "instance",
        workers=workers,
        settings=LIMITS_ON + settings,
        deadline=60.0,
        extra_args=extra_args,
    )
    try:
        yield server
    finally:
        server.stop()
        server.kill()  # the whole process group, whatever is left of it


def refusal_of(
    app, tmp_path, workers: int, settings: str = "", extra_args: tuple[str, ...] = ()
) -> str:
    """What gunicorn printed when it refused to start (the test fails if it served instead)."""
    with (
        pytest.raises(RuntimeError, match="gunicorn exited") as refused,
        gunicorn(app, tmp_path, workers, settings, extra_args),
    ):
        pass
    return str(refused.value)


def require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")


@pytest.mark.slow
def test_gunicorn_with_two_workers_refuses_to_start_on_memory_storage(app, tmp_path):
    message = refusal_of(app, tmp_path, workers=2)
    assert "2 gunicorn workers" in message
    assert "RATELIMIT_STORAGE_URI=redis://" in message


@pytest.mark.slow
def test_gunicorn_with_preload_and_two_workers_refuses_to_start_on_memory_storage(app, tmp_path):
    message = refusal_of(app, tmp_path, workers=2, extra_args=("--preload",))
    assert "RATELIMIT_STORAGE_URI=redis://" in message


@pytest.mark.slow
def test_gunicorn_with_two_workers_serves_when_the_limits_are_kept_in_redis(app, tmp_path):
    require_redis()
    settings = (
        f"RATELIMIT_STORAGE_URI = {REDIS_URL!r}\nRATELIMIT_KEY_PREFIX = 'test-{uuid.uuid4().hex}'\n"
    )
    with gunicorn(app, tmp_path, workers=2, settings=settings) as server:
        assert requests.get(f"{server.url}/health", timeout=10).json() == {"status": "ok"}


@pytest.mark.slow
def test_gunicorn_with_one_worker_serves_on_memory_storage(app, tmp_path):
    with gunicorn(app, tmp_path, workers=1) as server:
        assert requests.get(f"{server.url}/health", timeout=10).json() == {"status": "ok"}


@pytest.mark.slow
def test_helhet_run_serves_on_memory_storage(app, tmp_path):
    db.session.remove()
    port = free_port()
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(LIMITS_ON)
    log = instance / "run.log"
    env = {
        **os.environ,
        "HELHET_INSTANCE_PATH": str(instance),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "run-test-secret",
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "helhet", "run", "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        status = None
        stop_at = time.monotonic() + 60
        while status is None and time.monotonic() < stop_at and process.poll() is None:
            with contextlib.suppress(requests.RequestException):
                status = requests.get(f"{server.url}/health", timeout=5).status_code
            time.sleep(0.05)  # polling a starting server, with a deadline
        assert status == 200, log.read_text(errors="replace")[-2000:]
    finally:
        server.stop()
        server.kill()


def test_a_server_that_says_several_processes_serve_the_app_is_refused_on_memory_storage(tmp_path):
    app = make_app(sqlite_url(tmp_path), RATELIMIT_ENABLED=True)
    with (
        app.app_context(),
        pytest.raises(ratelimits.SharedStorageRequired, match="RATELIMIT_STORAGE_URI=redis://"),
    ):
        app.test_client().get("/health", environ_overrides={"wsgi.multiprocess": True})


def test_a_server_that_says_several_processes_serve_the_app_is_served_when_the_limits_are_off(
    tmp_path,
):
    app = make_app(sqlite_url(tmp_path), RATELIMIT_ENABLED=False)
    with app.app_context():
        response = app.test_client().get("/health", environ_overrides={"wsgi.multiprocess": True})
    assert response.status_code == 200
