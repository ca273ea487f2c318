"""The example nginx and systemd files in docs/deploy are valid as written and agree with
`helhet serve`: nginx's `nginx -t` accepts the site (Debian's nginx is installed when the test runs
as root and it is missing), systemd-analyze accepts the unit, and both name the same address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helhet import serve as serve_module
from helhet.config import REPO_ROOT

DEPLOY = REPO_ROOT / "docs" / "deploy"
NGINX_SITE = DEPLOY / "nginx.conf"
UNIT = DEPLOY / "helhet.service"


def _apt_install(package: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]
    if subprocess.run(install, env=env, capture_output=True, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(install, env=env, capture_output=True, timeout=600, check=True)


def nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip(
            "nginx is missing and this test is not root to install it (apt-get install nginx)"
        )
    _apt_install("nginx")
    return shutil.which("nginx") or "/usr/sbin/nginx"


def one_line(text: str, directive: str) -> str:
    (line,) = [line for line in text.splitlines() if line.strip().startswith(f"{directive} ")]
    return line


def test_nginx_accepts_the_example_site(tmp_path):
    binary = nginx()
    site = NGINX_SITE.read_text()
    # Only what belongs to one machine is replaced: the certificate and the error log's place.
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=svar.kommune.no",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    for directive, path in [
        ("ssl_certificate", tmp_path / "cert.pem"),
        ("ssl_certificate_key", tmp_path / "key.pem"),
        ("error_log", f"{tmp_path / 'helhet-error.log'} crit"),
    ]:
        site = site.replace(one_line(site, directive), f"    {directive} {path};")
    (tmp_path / "helhet.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        "http {\n"
        f"    client_body_temp_path {tmp_path / 'body'};\n"
        f"    proxy_temp_path {tmp_path / 'proxy'};\n"
        f"    include {tmp_path / 'helhet.conf'};\n"
        "}\n"
    )
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_passes_the_headers_the_app_trusts_and_keeps_no_access_log():
    site = NGINX_SITE.read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site  # set, not appended
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Request-ID $request_id;" in site
    # both servers, and the personal links (/k/<code>) in a location of their own
    assert re.findall(r"^\s*access_log (\S+);", site, re.M) == ["off", "off", "off"]
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", site)[1])
    assert read_timeout > serve_module.TIMEOUT


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_systemd_accepts_the_example_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing (Debian's systemd package has it)")
    helhet = Path(sys.executable).parent / "helhet"
    if not helhet.exists():
        pytest.skip(f"{helhet} is missing (pip install -e .)")
    (exec_start,) = unit_settings()["ExecStart"]
    unit = UNIT.read_text().replace(exec_start.split()[0], str(helhet))
    (tmp_path / "helhet.service").write_text(unit)
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "helhet.service")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "helhet.service:" not in result.stderr, result.stderr


def test_the_unit_serves_where_nginx_sends_and_waits_for_the_graceful_stop():
    settings = unit_settings()
    (exec_start,) = settings["ExecStart"]
    assert exec_start.split()[1:3] == ["serve", "--bind"]
    bind = exec_start.split()[3]
    assert f"server {bind};" in NGINX_SITE.read_text()
    assert "PROMETHEUS_MULTIPROC_DIR=/run/helhet/metrics" in settings["Environment"]
    assert settings["RuntimeDirectory"] == ["helhet"]
    assert int(settings["TimeoutStopSec"][0]) > serve_module.GRACEFUL_TIMEOUT
