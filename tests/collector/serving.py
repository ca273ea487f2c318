"""Running the app as a real server process (gunicorn) for tests that need one."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the whole server (master and workers),
        as a crash or power cut of the process would.
        """
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()


def start_gunicorn(
    database_url: str,
    instance: Path,
    workers: int = 2,
    settings: str = "",
    deadline: float = 30.0,
    extra_args: tuple[str, ...] = (),
) -> Server:
    """Serve `helhet:create_app()` on a free port; returns once /health answers."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(settings)
    port = free_port()
    env = {
        **os.environ,
        "HELHET_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "server-test-secret",
    }
    log = instance / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "2",
                *extra_args,
                "helhet:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    stop_at = time.monotonic() + deadline
    while time.monotonic() < stop_at:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-4000:]}")
        try:
            if requests.get(f"{server.url}/health", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.05)  # polling a starting server, with a deadline
    server.kill()
    raise RuntimeError(
        f"gunicorn did not answer /health in time: {log.read_text(errors='replace')[-2000:]}"
    )
