"""The password rule, one for the pages and the command line, as NIST SP 800-63B §5.1.1.2 advises.

At least MIN_LENGTH characters, not only whitespace, not one of the 10,000 most common passwords
(data/common-passwords.txt.gz, see data/README.md; compared without regard to case), and not the
email address or the part of it before the @. No rules about digits or symbols, no expiry.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def problems(password: str, email: str = "") -> list[str]:
    """What is wrong with `password` as the new password of `email`: translated sentences,
    [] if nothing.
    """
    found = []
    if len(password) < MIN_LENGTH:
        found.append(_("The password must have at least %(n)s characters.", n=MIN_LENGTH))
    plain = password.strip().lower()
    if not plain:
        found.append(_("The password cannot be only spaces."))
    elif plain in common_passwords():
        found.append(
            _("This password is among the most used ones and is easy to guess. Choose another.")
        )
    email = email.strip().lower()
    if plain and email and plain in {email, email.partition("@")[0]}:
        found.append(_("The password cannot be the email address or the part of it before @."))
    return found


def hash_method() -> str:
    """The configured werkzeug hash method (scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
