import hashlib
import math
import re

from sqlalchemy import select

from collector import codes
from collector.models import Invitation
from helhet.extensions import db
from tests.collector import factories


def test_a_code_has_ten_characters_from_an_alphabet_without_look_alikes():
    code = codes.generate()
    assert len(code) == 10
    assert set(code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)


def test_a_code_carries_at_least_40_bits_of_randomness():
    assert codes.BITS >= 40
    assert math.isclose(codes.BITS, 10 * math.log2(31))


def test_a_code_is_shown_as_two_groups_of_five():
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", codes.display(codes.generate()))


def test_typing_a_code_ignores_case_spaces_and_hyphens():
    code = "K7MQ2XH9TD"
    for typed in ("k7mq2-xh9td", " K7MQ2 XH9TD ", "k7mq2–xh9td", "K7M Q2X H9T D"):
        assert codes.normalise(typed) == code


def test_text_that_cannot_be_a_code_normalises_to_none():
    for typed in (
        "",
        None,
        "K7MQ2-XH9T",
        "K7MQ2-XH9TDD",
        "K7MQ2-XH9T0",
        "O1IL2-XH9TD",
        "K7MQ2/XH9TD",
    ):
        assert codes.normalise(typed) is None


def test_many_codes_are_distinct():
    batch = codes.generate_many(2000)
    assert len(set(batch)) == 2000


def test_the_hash_is_the_sha256_of_the_normalised_code():
    assert codes.code_hash("K7MQ2XH9TD") == hashlib.sha256(b"K7MQ2XH9TD").hexdigest()


def test_the_draft_token_of_a_code_is_not_its_hash():
    assert codes.draft_token("K7MQ2XH9TD") != codes.code_hash("K7MQ2XH9TD")
    assert codes.token_hash(codes.draft_token("K7MQ2XH9TD")) != codes.code_hash("K7MQ2XH9TD")


def test_the_database_keeps_only_hashes_of_issued_codes(app, tree):
    questionnaire = factories.make_questionnaire()
    campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]])
    issued = factories.make_codes(campaign, tree["4601-helse-hjemme"], 5)
    stored = set(db.session.scalars(select(Invitation.code_hash)))
    assert stored == {codes.code_hash(c) for c in issued}
    assert not stored & set(issued)
