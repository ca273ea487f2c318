"""Reads of the collector: drafts for the answering pages, rounds and counts for administrators.

Administrators see counts only (population, responses, response rate, codes issued and used),
never answers: results are the analysis and scorecard pages' job, with their suppression rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from collector import codes
from collector.clock import OSLO, to_local, today, utcnow
from collector.models import (
    Campaign,
    CampaignState,
    CampaignUnit,
    Draft,
    Invitation,
    InvitationStatus,
    Response,
    ResponseSource,
    ResponseState,
)
from helhet.extensions import db
from helhet.models import OrgUnit, UnitPopulation
from surveys.models import Questionnaire

# --- answering --------------------------------------------------------------------------------


@dataclass
class DraftRef:
    """A draft and what the answering pages need of its round, read in one query."""

    id: int
    campaign_id: int
    unit_id: int
    invitation_id: int | None
    answers: dict
    opens_at: datetime
    closes_at: datetime
    questionnaire_id: int
    published_at: datetime | None
    min_group: int  # also the size of the batches responses are mixed in (collector/mixing.py)


# The answering path's statements are built once (they run for every page a respondent sends),
# of the tables rather than the mapped classes: they read columns, never objects, so they take
# SQLAlchemy Core's shorter way through session.execute.
_draft, _campaign = Draft.__table__, Campaign.__table__
_questionnaire, _invitation = Questionnaire.__table__, Invitation.__table__
DRAFT_BY_TOKEN = (
    select(
        _draft.c.id,
        _draft.c.campaign_id,
        _draft.c.unit_id,
        _draft.c.invitation_id,
        _draft.c.answers,
        _campaign.c.opens_at,
        _campaign.c.closes_at,
        _campaign.c.questionnaire_id,
        _questionnaire.c.published_at,
        _campaign.c.min_group,
    )
    .join(_campaign, _campaign.c.id == _draft.c.campaign_id)
    .join(_questionnaire, _questionnaire.c.id == _campaign.c.questionnaire_id)
    .where(_draft.c.token_hash == bindparam("token_hash"))
)
INVITATION_BY_HASH = (
    select(
        _invitation.c.id,
        _invitation.c.status,
        _invitation.c.unit_id,
        _campaign.c.id.label("campaign_id"),
        _campaign.c.opens_at,
        _campaign.c.closes_at,
    )
    .join(_campaign, _campaign.c.id == _invitation.c.campaign_id)
    .where(_invitation.c.code_hash == bindparam("code_hash"))
)


def read_only_request() -> None:
    """This request only reads (an answering page shown, the review): its statements run without
    a transaction, each on its own consistent snapshot, which saves a BEGIN and a ROLLBACK round
    trip on every page. Call it before the request's first statement. The connection is back in
    transactions when it returns to the pool (SQLAlchemy resets the isolation level). A session
    that is already in a transaction (a test's, holding the app context) reads inside it."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def draft_ref(token: str | None) -> DraftRef | None:
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = db.session.execute(DRAFT_BY_TOKEN, {"token_hash": codes.token_hash(token)}).first()
    if row is None:
        return None
    return DraftRef(
        row.id,
        row.campaign_id,
        row.unit_id,
        row.invitation_id,
        dict(row.answers or {}),
        row.opens_at,
        row.closes_at,
        row.questionnaire_id,
        row.published_at,
        row.min_group,
    )


@dataclass(frozen=True)
class FoundInvitation:
    invitation_id: int
    status: InvitationStatus
    unit_id: int
    campaign_id: int
    opens_at: datetime
    closes_at: datetime


def invitation_for_code(code: str) -> FoundInvitation | None:
    """The invitation of a normalised code, with its round's times (one indexed lookup)."""
    row = db.session.execute(INVITATION_BY_HASH, {"code_hash": codes.code_hash(code)}).first()
    if row is None:
        return None
    return FoundInvitation(
        row.id,
        InvitationStatus(row.status),
        row.unit_id,
        row.campaign_id,
        row.opens_at,
        row.closes_at,
    )


def link(link_token: str) -> CampaignUnit | None:
    """The round unit of an open link, if the round has open links switched on."""
    if not link_token or len(link_token) > 64:
        return None
    found = db.session.scalar(
        select(CampaignUnit)
        .where(CampaignUnit.link_token == link_token)
        .options(selectinload(CampaignUnit.campaign), selectinload(CampaignUnit.unit))
    )
    if found is None or not found.campaign.open_link:
        return None
    return found


def population_of(campaign_id: int, unit_id: int) -> int | None:
    """The unit's headcount for the round's period, if known."""
    return db.session.scalar(
        select(UnitPopulation.count)
        .join(Campaign, Campaign.period == UnitPopulation.period)
        .where(Campaign.id == campaign_id, UnitPopulation.unit_id == unit_id)
    )


def response_count(campaign_id: int, unit_id: int) -> int:
    """All responses of one unit in a round: received, released and held."""
    return db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.campaign_id == campaign_id, Response.unit_id == unit_id)
    )


# --- administration ---------------------------------------------------------------------------


def campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    state: CampaignState
    units: int
    responses: int


def campaign_list() -> list[CampaignSummary]:
    """Every round, newest first, with its state and number of responses."""
    now = utcnow()
    counts = dict(
        db.session.execute(
            select(Response.campaign_id, func.count())
            .where(Response.state != ResponseState.HELD)
            .group_by(Response.campaign_id)
        ).all()
    )
    campaigns = db.session.scalars(
        select(Campaign)
        .options(selectinload(Campaign.units), selectinload(Campaign.questionnaire))
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    )
    return [CampaignSummary(c, c.state(now), len(c.units), counts.get(c.id, 0)) for c in campaigns]


# Spike rule (shown to administrators on the round page; see docs/collector.md):
SPIKE_FACTOR = 3  # open-link answers today above 3 x the unit's average per day so far ...
SPIKE_MINIMUM = 10  # ... and above 10; or more answers in total than people in the unit.


@dataclass(frozen=True)
class Spike:
    """Why a unit's open-link answers look unusual. `kind` is "over_population" or "today"."""

    kind: str
    today: int
    average: float | None
    total: int
    population: int | None


def spike(
    daily: dict[date, int], total: int, population: int | None, opened_on: date, on: date
) -> Spike | None:
    """Apply the spike rule to one unit.

    daily       open-link answers per day (Europe/Oslo dates) for the unit in this round
    total       all answers of the unit (open link, codes and paper)
    population  the unit's headcount for the round's period, if known
    opened_on   the local date the round opened; `on` is today

    A spike is (1) more answers in total than people in the unit, or (2) from the round's second
    day on, more open-link answers today than SPIKE_FACTOR times the unit's average per day on
    the previous days of the round, and more than SPIKE_MINIMUM.
    """
    answered_today = daily.get(on, 0)
    if population is not None and population > 0 and total > population:
        return Spike("over_population", answered_today, None, total, population)
    previous_days = (on - opened_on).days
    if previous_days < 1:
        return None
    before = sum(n for day, n in daily.items() if opened_on <= day < on)
    average = before / previous_days
    if answered_today > SPIKE_MINIMUM and answered_today > SPIKE_FACTOR * average:
        return Spike("today", answered_today, average, total, population)
    return None


@dataclass
class UnitProgress:
    link: CampaignUnit
    population: int | None
    responses: int = 0
    web: int = 0
    open_link: int = 0
    paper: int = 0
    codes_issued: int = 0
    codes_started: int = 0
    codes_used: int = 0
    held: dict[str, int] = field(default_factory=dict)  # held open-link responses by reason
    spike: Spike | None = None

    @property
    def unit(self) -> OrgUnit:
        return self.link.unit

    @property
    def rate(self) -> float | None:
        """Responses per person in the unit (0..1, may exceed 1 if the headcount is too low)."""
        if not self.population:
            return None
        return self.responses / self.population


@dataclass
class Progress:
    campaign: Campaign
    state: CampaignState
    units: list[UnitProgress] = field(default_factory=list)

    @property
    def population(self) -> int | None:
        known = [u.population for u in self.units if u.population is not None]
        return sum(known) if known else None

    @property
    def responses(self) -> int:
        return sum(u.responses for u in self.units)

    @property
    def rate(self) -> float | None:
        population = sum(u.population or 0 for u in self.units if u.population)
        answered = sum(u.responses for u in self.units if u.population)
        return answered / population if population else None

    @property
    def codes_issued(self) -> int:
        return sum(u.codes_issued for u in self.units)

    @property
    def codes_used(self) -> int:
        return sum(u.codes_used for u in self.units)

    @property
    def held(self) -> int:
        return sum(sum(u.held.values()) for u in self.units)

    @property
    def spikes(self) -> list[UnitProgress]:
        return [u for u in self.units if u.spike is not None]


def progress(campaign: Campaign, on: date | None = None) -> Progress:
    """Counts per unit of a round: population, responses (by source), codes, and spike notes."""
    on = on or today()
    result = Progress(campaign, campaign.state())
    links = sorted(campaign.units, key=lambda cu: cu.unit.name)
    unit_ids = [cu.unit_id for cu in links]
    populations = dict(
        db.session.execute(
            select(UnitPopulation.unit_id, UnitPopulation.count).where(
                UnitPopulation.unit_id.in_(unit_ids), UnitPopulation.period == campaign.period
            )
        ).all()
    )
    rows = {cu.unit_id: UnitProgress(cu, populations.get(cu.unit_id)) for cu in links}
    daily: dict[int, dict[date, int]] = {}
    for unit_id, source, day, state, reason, count in db.session.execute(
        select(
            Response.unit_id,
            Response.source,
            Response.submitted_on,
            Response.state,
            Response.held_reason,
            func.count(),
        )
        .where(Response.campaign_id == campaign.id)
        .group_by(
            Response.unit_id,
            Response.source,
            Response.submitted_on,
            Response.state,
            Response.held_reason,
        )
    ):
        row = rows.get(unit_id)
        if row is None:
            continue
        if ResponseState(state) == ResponseState.HELD:
            row.held[reason] = row.held.get(reason, 0) + count
            continue
        row.responses += count
        source = ResponseSource(source)
        if source == ResponseSource.OPEN_LINK:
            row.open_link += count
            daily.setdefault(unit_id, {})[day] = daily.get(unit_id, {}).get(day, 0) + count
        elif source == ResponseSource.PAPER:
            row.paper += count
        else:
            row.web += count
    for unit_id, status, count in db.session.execute(
        select(Invitation.unit_id, Invitation.status, func.count())
        .where(Invitation.campaign_id == campaign.id)
        .group_by(Invitation.unit_id, Invitation.status)
    ):
        row = rows.get(unit_id)
        if row is None:
            continue
        row.codes_issued += count
        status = InvitationStatus(status)
        if status == InvitationStatus.COMPLETED:
            row.codes_used += count
        elif status == InvitationStatus.IN_PROGRESS:
            row.codes_started += count
    opened_on = to_local(campaign.opens_at).date()
    for unit_id, row in rows.items():
        if campaign.open_link and result.state == CampaignState.OPEN:
            row.spike = spike(daily.get(unit_id, {}), row.responses, row.population, opened_on, on)
    result.units = list(rows.values())
    return result


def status_dict(campaign: Campaign) -> dict:
    """The round's counts as JSON-ready data (for `helhet campaign status ID --format json`)."""
    report = progress(campaign)
    return {
        "id": campaign.id,
        "name": campaign.name,
        "questionnaire": {
            "key": campaign.questionnaire.key,
            "version": campaign.questionnaire.version,
        },
        "state": report.state.value,
        "sealed": campaign.sealed_at is not None,
        "opens_at": to_local(campaign.opens_at).replace(tzinfo=OSLO).isoformat(timespec="minutes"),
        "closes_at": to_local(campaign.closes_at)
        .replace(tzinfo=OSLO)
        .isoformat(timespec="minutes"),
        "period": campaign.period,
        "min_group": campaign.min_group,
        "population": report.population,
        "responses": report.responses,
        "response_rate": _rounded(report.rate),
        "held": report.held,
        "units": [
            {
                "code": u.unit.code,
                "name": u.unit.name,
                "population": u.population,
                "responses": u.responses,
                "response_rate": _rounded(u.rate),
                "responses_by_source": {"web": u.web, "open_link": u.open_link, "paper": u.paper},
                "codes": {
                    "issued": u.codes_issued,
                    "in_progress": u.codes_started,
                    "used": u.codes_used,
                },
                "held": dict(sorted(u.held.items())),
                "spike": None
                if u.spike is None
                else {"kind": u.spike.kind, "today": u.spike.today},
            }
            for u in report.units
        ],
    }


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def idle_cutoff(days: int) -> datetime:
    return utcnow() - timedelta(days=days)
