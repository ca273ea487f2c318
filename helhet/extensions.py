"""Flask extensions, unbound; create_app() binds them."""

import enum
import sqlite3

from flask import session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

from helhet.config import REPO_ROOT
from helhet.privacy import client_key

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every `Mapped[SomeEnum]` column stores the members' values ("admin", "draft") in a
    # VARCHAR(20): no database enum types, so a new member needs no migration. (The map is given
    # to the registry: Flask-SQLAlchemy subclasses this base, which a per-base map does not allow.)
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            enum.Enum: Enum(
                enum.Enum,
                native_enum=False,
                length=20,
                values_callable=lambda e: [m.value for m in e],
            ),
        },
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()


class SignInManager(LoginManager):
    """Flask-Login, with session protection only where someone is signed in.

    Flask-Login's "strong" protection also runs for anonymous visitors who have a session (every
    respondent does: it holds their draft token), and then rewrites their session and deletes a
    remember-me cookie on every page. Helhet has no remember-me cookies, so without a signed-in
    user there is nothing to protect.
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = SignInManager()
limiter = Limiter(key_func=lambda: client_key(), default_limits=[])  # a hash, never the address


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, let readers run beside the one writer,
    wait instead of failing.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(
            "PRAGMA synchronous=NORMAL"
        )  # WAL + NORMAL: commits survive a killed process
        cursor.execute("PRAGMA busy_timeout=10000")
        # Anonymity (collector/mixing.py): deleted rows (sent drafts, mixed responses) are zeroed
        # in the file, and the WAL is cut back to nothing whenever a checkpoint restarts it.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_size_limit=0")
        cursor.close()
