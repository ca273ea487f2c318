"""Reads for the API: tokens, and what a token's user may read (org units, questionnaires, rounds).

Access follows the pages (helhet.access): administrators read everything, leaders the subtree of
their own org unit, and of rounds only closed ones with a unit in that subtree.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from api.models import ApiToken, token_hash
from collector import queries as collector_queries
from collector.models import Campaign, CampaignState
from helhet import access
from helhet import queries as core_queries
from helhet.edge import first_control
from helhet.extensions import db
from helhet.models import OrgUnit, Role, User
from results import queries as results_queries
from surveys import queries as survey_queries
from surveys.models import Questionnaire

TOKEN = re.compile(r"hlt_[A-Za-z0-9_-]{20,80}", re.ASCII)  # what api.services issues
LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
LONGEST_CODE = 64  # OrgUnit.code


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, those in use first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def active_token(user: User, name: str) -> ApiToken | None:
    return db.session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None)
        )
    ).first()


def token_of(user: User, token_id: int) -> ApiToken | None:
    """The user's own token with this id (None for another user's)."""
    if not 1 <= token_id <= LARGEST_ID:
        return None
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def user_for_secret(secret: str | None) -> User | None:
    """The active user whose token in use this is; None for anything else (no token, a wrong or
    revoked one, or a deactivated user). The session version does not matter."""
    if secret is None or not TOKEN.fullmatch(secret):
        return None
    return db.session.scalars(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_hash(secret),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).first()


def orgunits(reader: User) -> list[OrgUnit]:
    """The org units the reader may read, in tree order."""
    return [unit for unit, _ in core_queries.flattened(access.readable_unit_ids(reader))]


def questionnaires() -> list[Questionnaire]:
    """Every published questionnaire version (what a round can be made of)."""
    return survey_queries.all_published()


def _may_read(reader: User, campaign: Campaign, readable: set[int] | None) -> bool:
    if reader.role == Role.ADMIN:
        return True
    if campaign.state() != CampaignState.CLOSED:
        return False
    return any(cu.unit_id in readable for cu in campaign.units)


def rounds(reader: User) -> list[Campaign]:
    """The rounds the reader may read, newest first: administrators every round, leaders the
    closed rounds with a unit in their subtree."""
    readable = access.readable_unit_ids(reader)
    return [
        summary.campaign
        for summary in collector_queries.campaign_list()
        if _may_read(reader, summary.campaign, readable)
    ]


def round_for(reader: User, round_id: int) -> Campaign | None:
    """The round, if it exists and the reader may read it (None otherwise: the API answers 404 for
    both, so that a leader cannot learn which rounds exist)."""
    if not 1 <= round_id <= LARGEST_ID:
        return None
    campaign = collector_queries.campaign(round_id)
    if campaign is None or not _may_read(reader, campaign, access.readable_unit_ids(reader)):
        return None
    return campaign


def result_units(reader: User, campaign: Campaign) -> list[OrgUnit]:
    """The org units of the round's tree whose results the reader may read."""
    readable = access.readable_unit_ids(reader)
    nodes = results_queries.round_tree(campaign).nodes
    return [unit for unit in nodes if readable is None or unit.id in readable]


def result_unit(reader: User, campaign: Campaign, code: str) -> OrgUnit | None:
    """The org unit `code` of the round's results, if the reader may read it. None for an unknown
    code, a unit outside the round's tree and a unit outside the reader's subtree alike, so that
    the API does not tell which org units exist."""
    if not code or len(code) > LONGEST_CODE or first_control(code):
        return None
    unit = core_queries.unit_by_code(code)
    if unit is None or unit.code not in results_queries.round_tree(campaign):
        return None
    readable = access.readable_unit_ids(reader)
    return unit if readable is None or unit.id in readable else None


def round_unit_codes(reader: User, campaign: Campaign) -> list[str]:
    """Codes of the round's units the reader may read."""
    readable = access.readable_unit_ids(reader)
    return sorted(
        cu.unit.code for cu in campaign.units if readable is None or cu.unit_id in readable
    )
