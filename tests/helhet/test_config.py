"""Configuration comes from instance/ and the environment, never from the code."""

from __future__ import annotations

import helhet.config


def load_with_instance(monkeypatch, tmp_path, config_text: str | None = None, **env):
    monkeypatch.setattr(helhet.config, "INSTANCE_PATH", tmp_path)
    for name in ("DATABASE_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if config_text is not None:
        (tmp_path / "config.py").write_text(config_text)
    return helhet.config.load()


def test_a_secret_key_is_generated_once_into_the_instance_folder(monkeypatch, tmp_path):
    first = load_with_instance(monkeypatch, tmp_path)["SECRET_KEY"]
    second = load_with_instance(monkeypatch, tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    config = load_with_instance(monkeypatch, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_the_environment_wins_over_instance_config(monkeypatch, tmp_path):
    config = load_with_instance(
        monkeypatch,
        tmp_path,
        'SECRET_KEY = "from-file"\nBABEL_DEFAULT_LOCALE = "nn"\n',
        SECRET_KEY="from-env",
    )
    assert config["SECRET_KEY"] == "from-env"
    assert config["BABEL_DEFAULT_LOCALE"] == "nn"


def test_postgres_urls_use_the_psycopg_driver(monkeypatch, tmp_path):
    config = load_with_instance(monkeypatch, tmp_path, DATABASE_URL="postgres://u@db/helhet")
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/helhet"


def test_boolean_and_integer_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    config = load_with_instance(monkeypatch, tmp_path, SESSION_COOKIE_SECURE="true", PROXY_FIX="1")
    assert config["SESSION_COOKIE_SECURE"] is True and config["PROXY_FIX"] == 1
