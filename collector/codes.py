"""Invitation codes: generating, normalising and hashing them.

A code is 10 characters from a 31-letter alphabet without the look-alikes 0/O, 1/I/L (and so
without any pair a person could mistype for another), shown as two groups of five: ``K7MQ2-XH9TD``.
Entry is forgiving: case does not matter and spaces, hyphens and dashes are ignored.

Why this format
    10 characters from 31 give 31**10 ≈ 8.2e14 ≈ 2**49.5 codes, drawn with `secrets` (a CSPRNG):
    at least 40 bits, as the issue asks, while short enough to type from a paper letter. With
    10,000 codes issued, a guess hits one with probability ≈ 1.2e-11, and code entry is
    rate-limited per client, so guessing online is hopeless.

Why a plain SHA-256, unsalted and unpeppered
    The database keeps only ``sha256(normalised code)``. The hash must be deterministic so that
    a code typed by a respondent is found with one indexed lookup (``code_hash`` is unique); a
    per-code salt would make that a scan. A slow password hash (scrypt, argon2) protects
    *low-entropy, human-chosen* secrets against offline guessing; these codes are random and
    ~49.5 bits strong, and what an attacker who stole the database could win by brute-forcing
    them is small: a code is never linked to the response it produced, so cracking a code
    reveals no answers; it only lets someone answer in the place of a person who has not yet
    done so (and the administrator can see and void such rounds). A pepper (HMAC with the app's
    secret key) would tie every issued code to that key, so rotating the key would silently
    invalidate all letters already sent. SHA-256 is therefore enough and keeps lookups cheap.

Drafts
    A respondent with a code may stop and resume later, from any device, with the same code. The
    draft's token is derived from the code (``draft_token``) with a different prefix than the
    code hash, so the draft row never stores the code's own hash; the database stores only
    ``sha256(token)``, like for open-link drafts, whose token is random and lives in the
    browser session.
"""

from __future__ import annotations

import hashlib
import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
GROUP = 5
BITS = LENGTH * math.log2(len(ALPHABET))  # ≈ 49.5

_IGNORED = str.maketrans("", "", " \t\r\n-\u2010\u2011\u2012\u2013\u2014\u2212\u00a0_.")
_ALLOWED = frozenset(ALPHABET)


def generate() -> str:
    """A new random code, normalised (10 characters, no separator)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def generate_many(count: int) -> list[str]:
    """`count` distinct new codes (normalised)."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(generate())
    return list(codes)


def normalise(text: str | None) -> str | None:
    """The code as stored and hashed (upper case, no separators), or None if it cannot be a code."""
    if not text:
        return None
    cleaned = text.translate(_IGNORED).upper()
    if len(cleaned) != LENGTH or not set(cleaned) <= _ALLOWED:
        return None
    return cleaned


def display(code: str) -> str:
    """A normalised code as people read it: two groups of five, ``K7MQ2-XH9TD``."""
    return f"{code[:GROUP]}-{code[GROUP:]}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_hash(code: str) -> str:
    """What the database keeps for a normalised code (see the module docstring for why)."""
    return sha256(code)


def draft_token(code: str) -> str:
    """The draft token a normalised code resumes (kept in the session; its hash is stored)."""
    return sha256("helhet-draft:" + code)


def new_link_token() -> str:
    """A random draft token for an open-link respondent (kept in the browser session)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return sha256(token)


def new_link_path_token() -> str:
    """The unguessable part of a unit's open link (/s/<token>)."""
    return secrets.token_urlsafe(12)


def personal_link(answer_address: str, code: str) -> str:
    """The personal link of a normalised code beside the answering address: …/svar -> …/k/<code>
    (collector/routes.py personal_link). The code alphabet needs no escaping in a URL."""
    base = answer_address.rstrip("/")
    if base.endswith("/svar"):
        base = base[: -len("/svar")]
    return f"{base}/k/{code}"
