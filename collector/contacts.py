"""Contact lists: e-mail addresses and phone numbers read from an uploaded file, checked row by
row, each given its own invitation code.

Why the code is not stored, and how reminders repeat it
    A reminder should carry the same code and personal link as the invitation. The database keeps
    only ``sha256(code)`` (collector/codes.py), so the contact row keeps a random `code_seed`
    instead, and the code is *derived*: ``HMAC-SHA256(key, seed)`` mapped onto the code alphabet,
    where ``key = SHA-256("helhet-contact-codes:" + SECRET_KEY)``. Nothing stored is the code or an
    encryption of it; the seed alone gives nothing without SECRET_KEY, so a copy of the database
    (a backup) cannot be used to answer in someone's place. The code is checked against the
    invitation's hash before it is sent.

    Rotating SECRET_KEY while a round runs: codes already sent keep working (the invitation's hash
    is of the code, not of the key), but Helhet can no longer derive them, so invitations still
    waiting to be sent and every later reminder of those contacts are reported as "code lost" and
    not sent. Rotate between rounds, or accept that reminders stop for the running ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from collector import codes
from collector.models import ContactChannel
from helhet.config import RESPONDENT_LANGUAGES
from helhet.problems import Problem
from helhet.tabular import ImportFailed, Table, read_csv, read_xlsx

MAX_FILE_BYTES = 5 * 1024 * 1024
COLUMN = {ContactChannel.EMAIL: "email", ContactChannel.SMS: "phone"}


# --- the code of a contact --------------------------------------------------------------------


def new_seed() -> str:
    return secrets.token_hex(16)


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"])
    return hashlib.sha256(("helhet-contact-codes:" + secret).encode()).digest()


def code_for(seed: str) -> str:
    """The contact's code (normalised), derived from its seed and SECRET_KEY."""
    key, alphabet = _key(), codes.ALPHABET
    limit = 256 - 256 % len(alphabet)  # rejection sampling: every letter equally likely
    chars: list[str] = []
    counter = 0
    while len(chars) < codes.LENGTH:
        block = hmac.new(key, f"{seed}:{counter}".encode(), hashlib.sha256).digest()
        chars.extend(alphabet[b % len(alphabet)] for b in block if b < limit)
        counter += 1
    return "".join(chars[: codes.LENGTH])


# --- addresses and numbers --------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-().\u00a0]")
E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def normalise_phone(text: str) -> str:
    """A phone number in E.164 (+4791234567), or ValueError with a translated message.

    Eight digits alone are a Norwegian number; 0047 and +47 are the same. A Norwegian number
    must be a mobile number (starting with 4 or 9) to receive text messages.
    """
    cleaned = _PHONE_SEPARATORS.sub("", text)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if re.fullmatch(r"[0-9]{8}", cleaned):
        cleaned = "+47" + cleaned
    if cleaned.startswith("+47"):
        if not re.fullmatch(r"\+47[0-9]{8}", cleaned):
            raise ValueError(_("A Norwegian number has 8 digits after +47."))
        if cleaned[3] not in "49":
            raise ValueError(
                _("Text messages need a mobile number (Norwegian ones start with 4 or 9).")
            )
        return cleaned
    if not E164.fullmatch(cleaned):
        raise ValueError(
            _(
                "Write the number with 8 digits (Norwegian) or with + and the country code, for"
                " example +4791234567."
            )
        )
    return cleaned


def normalise_email(text: str) -> str:
    """The address as it is stored and compared (domain in lower case), or ValueError."""
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(_("This is not an e-mail address.")) from None
    if not checked.ascii_email:  # the mail would go to a mangled address (no SMTPUTF8 here)
        raise ValueError(
            _("Helhet cannot send to an address with letters such as æ, ø or å before the @.")
        )
    return checked.normalized


@dataclass(frozen=True)
class Row:
    line: int
    address: str
    language: str


def read_table(file_name: str, content: bytes, channel: ContactChannel) -> Table:
    column = COLUMN[channel]
    if len(content) > MAX_FILE_BYTES:
        raise ImportFailed(
            [Problem(_("The file is larger than %(n)s MB.", n=MAX_FILE_BYTES // (1024 * 1024)))]
        )
    if (file_name or "").lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return read_xlsx(content, [column], ["language"])
    return read_csv(content, [column], ["language"])


def parse(file_name: str, content: bytes, channel: ContactChannel, taken: set[str]) -> list[Row]:
    """The file's rows, checked: raises ImportFailed naming every wrong row (a bad address or
    number, one that is twice in the file or already has an invitation in the round (`taken`),
    an unknown language, an empty file)."""
    table = read_table(file_name, content, channel)
    column = COLUMN[channel]
    problems: list[Problem] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        raw = cells.get(column, "")
        language = (cells.get("language", "") or "nb").strip().lower()
        if not raw and not cells.get("language", ""):
            continue  # an empty row
        address = None
        if not raw:
            problems.append(table.problem(_("The address is missing."), line, column))
        else:
            try:
                address = (
                    normalise_email(raw)
                    if channel == ContactChannel.EMAIL
                    else normalise_phone(raw)
                )
            except ValueError as error:
                problems.append(table.problem(str(error), line, column))
        if language not in RESPONDENT_LANGUAGES:
            problems.append(
                table.problem(
                    _(
                        "Unknown language %(language)s: write one of %(known)s.",
                        language=language,
                        known=", ".join(RESPONDENT_LANGUAGES),
                    ),
                    line,
                    "language",
                )
            )
        if address is None:
            continue
        key = address.casefold()
        if key in seen:
            problems.append(
                table.problem(
                    _("%(address)s is also on line %(line)s.", address=address, line=seen[key]),
                    line,
                    column,
                )
            )
            continue
        seen[key] = line
        if key in taken:
            problems.append(
                table.problem(
                    _("%(address)s already has an invitation in this round.", address=address),
                    line,
                    column,
                )
            )
            continue
        rows.append(Row(line, address, language))
    if not rows and not problems:
        problems.append(Problem(_("The file has no addresses.")))
    if problems:
        raise ImportFailed(problems)
    return rows
