"""Writes of the collector: rounds, codes, drafts, responses. Each function does one thing and
flushes; the caller (a route or a command) commits once. What can go wrong is a named exception.

The answering path (`start_with_code`, `start_open_link`, `save_answers`, `submit`) uses a few
core statements instead of ORM objects: it runs for every page a respondent sends, and the
benchmark in bench/submit.py holds it to a budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from analysis.disclosure import MIN_GROUP_FLOOR
from collector import codes, mixing, queries, tallies
from collector.clock import to_local, today, utcnow
from collector.models import (
    Answer,
    Campaign,
    CampaignState,
    CampaignUnit,
    Draft,
    HoldReason,
    Invitation,
    InvitationStatus,
    Response,
    ResponseSource,
    ResponseState,
)
from collector.queries import DraftRef
from collector.survey import Survey, load
from helhet import audit
from helhet.config import RESPONDENT_LANGUAGES
from helhet.extensions import db, limiter
from helhet.i18n import localized
from helhet.models import OrgUnit
from helhet.problems import HelhetError, Problem, ProblemsFound
from helhet.tabular import ImportFailed, read_csv
from surveys import queries as survey_queries
from surveys.labels import LANGUAGE_LABELS
from surveys.models import Questionnaire
from surveys.questiontypes import AnswerError, kind_of

MAX_CODES_PER_BATCH = 20_000


# --- what can go wrong ------------------------------------------------------------------------


class CollectorError(Exception):
    """Base of the answering problems below; each has its own page."""


class UnknownCode(CollectorError):
    """No round has this code (or what was typed cannot be a code)."""


class CodeAlreadyUsed(CollectorError):
    """The code's answers were sent already (maybe a moment ago, from another browser)."""


class AlreadySent(CollectorError):
    """The draft is gone: its answers were sent (double click, another tab) or it was removed."""


@dataclass
class RoundNotOpen(CollectorError):
    """The round is not open now: `state` says whether it is yet to open or has closed."""

    campaign_id: int
    state: CampaignState
    opens_at: datetime
    closes_at: datetime


class RoundNotOpenYet(RoundNotOpen):
    pass


class RoundClosed(RoundNotOpen):
    pass


class IncompleteAnswers(CollectorError, ProblemsFound):
    """Nothing was sent: `problems` (collector.survey.AnswerProblem) says each question that is
    unanswered or whose stored answer does not fit, and its page."""


class CampaignError(HelhetError):
    """A round that cannot be created or changed like that
    (helhet.problems.HelhetError: message, field).
    """


def check_open(
    campaign_id: int, opens_at: datetime, closes_at: datetime, now: datetime | None = None
) -> None:
    """Raise RoundNotOpenYet or RoundClosed unless opens_at <= now < closes_at."""
    now = now or utcnow()
    if now < opens_at:
        raise RoundNotOpenYet(campaign_id, CampaignState.SCHEDULED, opens_at, closes_at)
    if now >= closes_at:
        raise RoundClosed(campaign_id, CampaignState.CLOSED, opens_at, closes_at)


# --- rounds -----------------------------------------------------------------------------------


def create_campaign(
    *,
    name: str,
    questionnaire: Questionnaire,
    units: list[OrgUnit],
    opens_at: datetime,
    closes_at: datetime,
    open_link: bool,
    use_codes: bool,
    min_group: int = 5,
    period: int | None = None,
    required_languages: list[str] | None = None,
) -> Campaign:
    """Create a round for a published questionnaire version and some org units. Flushes.

    Times are naive UTC. `period` (the year whose headcounts give the response rate) defaults to
    the year the round opens. `required_languages` (e.g. ["se"]) are languages the round must
    offer: `missing_languages` says which of them the questionnaire lacks (a warning, not a
    refusal).
    """
    if questionnaire is None or not questionnaire.is_published:
        raise CampaignError(_("Choose a published questionnaire."), "questionnaire")
    if not units:
        raise CampaignError(_("Choose at least one unit."), "units")
    if closes_at <= opens_at:
        raise CampaignError(_("The round must close after it opens."), "closes")
    if closes_at <= utcnow():
        raise CampaignError(_("The closing time has already passed."), "closes")
    if not (open_link or use_codes):
        raise CampaignError(_("Choose open link, invitation codes or both."), "open_link")
    if min_group is None or min_group < MIN_GROUP_FLOOR:
        raise CampaignError(
            _("The minimum group size cannot be below %(n)s.", n=MIN_GROUP_FLOOR), "min_group"
        )
    unknown = sorted(set(required_languages or ()) - set(RESPONDENT_LANGUAGES))
    if unknown:
        raise CampaignError(
            _(
                "Unknown language %(languages)s: choose among %(known)s.",
                languages=", ".join(unknown),
                known=", ".join(RESPONDENT_LANGUAGES),
            ),
            "required_languages",
        )
    name = (name or "").strip()
    if not name:
        name = f"{localized(questionnaire.title, 'nb') or questionnaire.key} {opens_at.year}"
    campaign = Campaign(
        name=name[:200],
        questionnaire=questionnaire,
        period=period or opens_at.year,
        opens_at=opens_at,
        closes_at=closes_at,
        open_link=open_link,
        use_codes=use_codes,
        min_group=min_group,
        required_languages=[
            lang for lang in RESPONDENT_LANGUAGES if lang in set(required_languages or ())
        ]
        or None,
    )
    seen: set[int] = set()
    for unit in units:
        if unit.id not in seen:
            seen.add(unit.id)
            campaign.units.append(CampaignUnit(unit=unit, link_token=codes.new_link_path_token()))
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        "round.created",
        _round_name(campaign),
        units=[cu.unit.code for cu in campaign.units],
        questionnaire=questionnaire.key,
        version=questionnaire.version,
    )
    return campaign


def missing_languages(campaign: Campaign) -> list[str]:
    """The round's required languages that its questionnaire cannot be answered in (every title,
    question and choice needs a text in it: surveys.queries.answer_languages)."""
    required = campaign.required_languages or []
    if not required:
        return []
    offered = survey_queries.answer_languages(campaign.questionnaire)
    return [lang for lang in required if lang not in offered]


def missing_languages_message(missing: list[str]) -> str:
    return _(
        "The round must offer %(languages)s, but the questionnaire has no texts in it. Respondents"
        " cannot choose it until a version with every text translated is published and used.",
        languages=", ".join(f"{LANGUAGE_LABELS[lang]} ({lang})" for lang in missing),
    )


def _round_name(campaign: Campaign) -> str:
    return f"{campaign.name} (#{campaign.id})"


def extend(campaign: Campaign, closes_at: datetime) -> None:
    """Move the closing time later. The questionnaire and units of a round never change."""
    if closes_at <= campaign.closes_at:
        raise CampaignError(
            _(
                "Choose a closing time after the current one; to stop the round now, use «Close"
                " now»."
            ),
            "closes",
        )
    if closes_at <= utcnow():
        raise CampaignError(_("The closing time has already passed."), "closes")
    campaign.closes_at = closes_at
    campaign.sealed_at = None  # it takes answers again; the next close seals it again
    db.session.flush()
    audit.record(
        "round.extended", _round_name(campaign), closes_at=closes_at.isoformat(timespec="minutes")
    )


def close_now(campaign: Campaign) -> int:
    """Close a round now, or finish closing one whose time has run out: seal it
    (collector/mixing.py). Returns how many unfinished open-link drafts were removed. The caller
    commits and then calls `mixing.scrub_storage()`."""
    now = utcnow()
    if campaign.state(now) != CampaignState.CLOSED:
        campaign.closes_at = max(now, campaign.opens_at)
        db.session.flush()
    elif campaign.sealed_at is not None:
        raise CampaignError(_("The round is already closed."), "closes")
    sealed = mixing.seal(campaign)
    audit.record("round.closed", _round_name(campaign), drafts_removed=sealed.drafts_removed)
    return sealed.drafts_removed


def seal_closed_rounds() -> list[tuple[Campaign, mixing.Sealed]]:
    """Seal every round whose closing time has passed and that is not sealed yet (run daily with
    `helhet campaign purge-drafts`). Returns them; the caller commits and scrubs."""
    due = list(
        db.session.scalars(
            select(Campaign).where(Campaign.closes_at <= utcnow(), Campaign.sealed_at.is_(None))
        )
    )
    sealed = []
    for campaign in due:
        result = mixing.seal(campaign)
        audit.record(
            "round.closed",
            _round_name(campaign),
            drafts_removed=result.drafts_removed,
            when_time_ran_out=True,
        )
        sealed.append((campaign, result))
    return sealed


def purge_open_link_drafts(
    campaign_id: int | None = None, idle_before: datetime | None = None
) -> int:
    """Delete open-link drafts nobody can finish: those of closed rounds, and (with
    `idle_before`) those not touched since then. Code drafts stay: the code can still resume
    them if the round is extended. Returns the number removed."""
    now = utcnow()
    closed = select(Campaign.id).where(Campaign.closes_at <= now)
    if campaign_id is not None:
        closed = closed.where(Campaign.id == campaign_id)
    condition = Draft.campaign_id.in_(closed)
    if idle_before is not None:
        condition = condition | (Draft.updated_at < idle_before)
    result = db.session.execute(
        delete(Draft)
        .where(Draft.invitation_id.is_(None), condition)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- codes ------------------------------------------------------------------------------------


def taken_code_hashes(hashes: list[str]) -> set[str]:
    """Those of `hashes` that an invitation already has (any round), asked 500 at a time (well
    below the databases' limits on bound parameters)."""
    taken: set[str] = set()
    for start in range(0, len(hashes), 500):
        taken.update(
            db.session.scalars(
                select(Invitation.code_hash).where(
                    Invitation.code_hash.in_(hashes[start : start + 500])
                )
            )
        )
    return taken


def add_codes(campaign: Campaign, unit: OrgUnit, count: int) -> list[str]:
    """Issue `count` new one-time codes for one unit of a round; returns them (normalised).

    The codes exist in clear only in the returned list: the database keeps their SHA-256, so
    the caller must hand them out (CSV, letters) before the transaction commits.
    """
    if not campaign.use_codes:
        raise CampaignError(_("This round does not use invitation codes."), "count")
    if unit.id not in {cu.unit_id for cu in campaign.units}:
        raise CampaignError(_("%(unit)s is not part of this round.", unit=unit.name), "unit")
    if count < 1 or count > MAX_CODES_PER_BATCH:
        raise CampaignError(
            _("Choose from 1 to %(n)s codes at a time.", n=MAX_CODES_PER_BATCH), "count"
        )
    issued: list[str] = []
    while len(issued) < count:
        candidates = [c for c in codes.generate_many(count - len(issued)) if c not in issued]
        hashes = {codes.code_hash(c): c for c in candidates}
        taken = taken_code_hashes(list(hashes))
        issued.extend(c for h, c in hashes.items() if h not in taken)
    db.session.execute(
        insert(Invitation.__table__),
        [
            {
                "campaign_id": campaign.id,
                "unit_id": unit.id,
                "code_hash": codes.code_hash(c),
                "status": InvitationStatus.UNUSED.value,
            }
            for c in issued
        ],
    )
    audit.record("round.codes_issued", _round_name(campaign), unit=unit.code, count=len(issued))
    return issued


# --- answering --------------------------------------------------------------------------------

# Statements of the answering path, built once; table-level (core) so no ORM objects are made.
_draft, _invitation, _response = Draft.__table__, Invitation.__table__, Response.__table__
SAVE_DRAFT = (
    update(_draft)
    .where(_draft.c.id == bindparam("draft_id"))
    .values(answers=bindparam("answers"), updated_at=bindparam("now"))
)
CLAIM_CODE = (
    update(_invitation)
    .where(
        _invitation.c.id == bindparam("invitation_id"),
        _invitation.c.status != InvitationStatus.COMPLETED.value,
    )
    .values(status=InvitationStatus.COMPLETED.value)
)
MARK_STARTED = (
    update(_invitation)
    .where(
        _invitation.c.id == bindparam("invitation_id"),
        _invitation.c.status == InvitationStatus.UNUSED.value,
    )
    .values(status=InvitationStatus.IN_PROGRESS.value)
)
DELETE_DRAFT = delete(_draft).where(_draft.c.id == bindparam("draft_id"))
INSERT_RESPONSE = insert(_response).returning(_response.c.id)
INSERT_ANSWERS = insert(Answer.__table__)


def _insert_draft_if_missing(values: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: two browsers entering one code at once make one draft."""
    dialect = db.session.get_bind().dialect.name
    table = Draft.__table__
    values = {"answers": {}, "updated_at": utcnow(), **values}
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases are not supported
        statement = insert(table).values(values)
    db.session.execute(statement)


def start_with_code(typed: str) -> str:
    """Resolve a typed code to its round and draft; returns the draft token for the session.

    Raises UnknownCode, CodeAlreadyUsed, RoundNotOpenYet or RoundClosed.
    """
    code = codes.normalise(typed)
    if code is None:
        raise UnknownCode()
    found = queries.invitation_for_code(code)
    if found is None:
        raise UnknownCode()
    if found.status == InvitationStatus.COMPLETED:
        raise CodeAlreadyUsed()
    check_open(found.campaign_id, found.opens_at, found.closes_at)
    token = codes.draft_token(code)
    _insert_draft_if_missing(
        {
            "token_hash": codes.token_hash(token),
            "campaign_id": found.campaign_id,
            "unit_id": found.unit_id,
            "invitation_id": found.invitation_id,
        }
    )
    if found.status == InvitationStatus.UNUSED:
        db.session.execute(MARK_STARTED, {"invitation_id": found.invitation_id})
    return token


def start_open_link(link: CampaignUnit, campaign: Campaign, token: str | None = None) -> str:
    """Start (or, given the token from the browser session, resume) an open-link draft."""
    check_open(campaign.id, campaign.opens_at, campaign.closes_at)
    if token:
        ref = queries.draft_ref(token)
        if (
            ref is not None
            and ref.campaign_id == campaign.id
            and ref.unit_id == link.unit_id
            and ref.invitation_id is None
        ):
            return token
    token = codes.new_link_token()
    _insert_draft_if_missing(
        {
            "token_hash": codes.token_hash(token),
            "campaign_id": campaign.id,
            "unit_id": link.unit_id,
            "invitation_id": None,
        }
    )
    return token


def merged(answers: dict, page_answers: dict) -> dict:
    """A draft's answers with one page's answers laid over them (None removes an answer)."""
    result = dict(answers)
    for key, value in page_answers.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def save_answers(ref: DraftRef, page_answers: dict) -> dict:
    """Keep a page's answers in the draft; returns the draft's answers. Raises AlreadySent if the
    draft was sent (or removed) in the meantime."""
    answers = merged(ref.answers, page_answers)
    if answers == ref.answers:
        return answers
    changed = db.session.execute(
        SAVE_DRAFT, {"draft_id": ref.id, "answers": answers, "now": utcnow()}
    ).rowcount
    if not changed:
        raise AlreadySent()
    ref.answers = answers
    return answers


def submit(ref: DraftRef, survey: Survey, client: str | None = None) -> None:
    """Turn a finished draft into an anonymous response, exactly once.

    In one transaction: claim the code (or, for an open link, the draft itself), insert the
    response with the submission *date* only, insert all answers in one statement, delete the
    draft. The claim is a conditional UPDATE/DELETE whose row count says whether this request
    won: a concurrent or repeated submission finds nothing left to claim. The response is
    RECEIVED and, once its unit has a batch of them, mixed with the others (collector/mixing.py);
    an open-link response may be HELD for an administrator instead (see `hold_reason`; `client`
    is the rate limiter's key of the sender).

    Raises IncompleteAnswers (nothing changed), CodeAlreadyUsed or AlreadySent.
    """
    problems = survey.problems(ref.answers)
    if problems:
        raise IncompleteAnswers(problems)
    if ref.invitation_id is not None:
        if not db.session.execute(CLAIM_CODE, {"invitation_id": ref.invitation_id}).rowcount:
            raise CodeAlreadyUsed()
        source, hold = ResponseSource.WEB, None
    else:
        if not db.session.execute(DELETE_DRAFT, {"draft_id": ref.id}).rowcount:
            raise AlreadySent()
        source = ResponseSource.OPEN_LINK
        hold = hold_reason(ref, client, current_app.config.get("OPEN_LINK_BURST", ""))
    state = ResponseState.HELD if hold else ResponseState.RECEIVED
    response_id = db.session.execute(
        INSERT_RESPONSE,
        {
            "campaign_id": ref.campaign_id,
            "unit_id": ref.unit_id,
            "submitted_on": today(),
            "source": source.value,
            "state": state.value,
            "held_reason": hold.value if hold else None,
        },
    ).scalar_one()
    rows = survey.answer_dicts(ref.answers, response_id)
    if rows:
        db.session.execute(INSERT_ANSWERS, rows)
    if ref.invitation_id is not None:
        db.session.execute(DELETE_DRAFT, {"draft_id": ref.id})
    if state == ResponseState.RECEIVED:
        mixing.release_if_ready(ref.campaign_id, ref.unit_id, ref.min_group)


def hold_reason(ref: DraftRef, client: str | None, burst_limit: str) -> HoldReason | None:
    """Whether an open-link response should be held for an administrator instead of counted.

    Held: when the unit already has as many responses (of every source, held ones too) as
    people, or when the same client (`client` is the rate limiter's keyed hash of the address,
    never stored with the response) has sent more than `burst_limit` (e.g. "3 per minute").
    """
    if ref.invitation_id is not None:
        return None
    population = queries.population_of(ref.campaign_id, ref.unit_id)
    if population and queries.response_count(ref.campaign_id, ref.unit_id) >= population:
        return HoldReason.OVER_POPULATION
    if client and burst_limit and not limiter_hit(burst_limit, "open-link-burst", client):
        return HoldReason.BURST
    return None


def limiter_hit(limit: str, scope: str, client: str) -> bool:
    """Count one hit of `client` against `limit` in the rate limiter's storage (Redis or memory,
    shared like the other limits); False when the limit was already reached. With rate limits
    switched off (RATELIMIT_ENABLED), nothing is counted."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return limiter.limiter.hit(parse(limit), scope, client)


def accept_held(campaign: Campaign, unit_id: int) -> int:
    """Count a unit's held open-link responses after all: they become received and are mixed
    like any other. Returns how many."""
    accepted = (
        db.session.execute(
            update(Response)
            .where(
                Response.campaign_id == campaign.id,
                Response.unit_id == unit_id,
                Response.state == ResponseState.HELD,
            )
            .values(state=ResponseState.RECEIVED, held_reason=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    if campaign.sealed_at is not None or campaign.state() == CampaignState.CLOSED:
        mixing.mix(campaign.id, unit_id, mixing.MIXED)
    else:
        mixing.release_if_ready(campaign.id, unit_id, campaign.min_group)
    audit.record(
        "round.held_accepted",
        _round_name(campaign),
        unit=_unit_code(campaign, unit_id),
        count=accepted,
    )
    return accepted


def _unit_code(campaign: Campaign, unit_id: int) -> str:
    return next((cu.unit.code for cu in campaign.units if cu.unit_id == unit_id), str(unit_id))


def discard_held(campaign: Campaign, unit_id: int) -> int:
    """Delete a unit's held open-link responses and their answers. Returns how many."""
    held = select(Response.id).where(
        Response.campaign_id == campaign.id,
        Response.unit_id == unit_id,
        Response.state == ResponseState.HELD,
    )
    db.session.execute(
        delete(Answer)
        .where(Answer.response_id.in_(held))
        .execution_options(synchronize_session=False)
    )
    discarded = (
        db.session.execute(
            delete(Response)
            .where(Response.id.in_(held))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    audit.record(
        "round.held_discarded",
        _round_name(campaign),
        unit=_unit_code(campaign, unit_id),
        count=discarded,
    )
    return discarded


# --- paper answers ----------------------------------------------------------------------------

BACKGROUND_COLUMNS = ("submitted_on", "age_group", "gender")


def _parse_day(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def import_responses(campaign: Campaign, data: bytes | str) -> int:
    """Store answers typed in from paper forms (or moved from another system); all or nothing.

    One row per respondent: a `unit` column (the org unit code), one column per question key,
    and optionally `submitted_on` (YYYY-MM-DD or DD.MM.YYYY; default today), `age_group` and
    `gender`. Empty cells are unanswered questions; required questions may be left empty on
    paper. Raises ImportFailed listing every wrong cell by line and column. Returns the number
    of responses stored.
    """
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    questions = {q.key.lower(): q for q in survey.questions if q.answerable}
    table = read_csv(data, required=["unit"], optional=[*questions, *BACKGROUND_COLUMNS])
    units = {cu.unit.code: cu.unit_id for cu in campaign.units}
    units_folded = {code.lower(): unit_id for code, unit_id in units.items()}
    problems: list[Problem] = []
    parsed: list[tuple[dict, dict]] = []
    for line, cells in table.rows:
        unit_code = cells["unit"]
        unit_id = units.get(unit_code) or units_folded.get(unit_code.lower())
        if not unit_code:
            problems.append(Problem(_("The unit is missing."), line=line, column="unit"))
        elif unit_id is None:
            problems.append(
                Problem(
                    _(
                        "%(code)s is not a unit of this round (%(codes)s).",
                        code=unit_code,
                        codes=", ".join(sorted(units)),
                    ),
                    line=line,
                    column="unit",
                )
            )
        answers: dict = {}
        written = False
        for column, question in questions.items():
            raw = cells.get(column, "")
            if not raw:
                continue
            written = True
            try:
                value = kind_of(question).parse(question, raw)
            except AnswerError as error:
                problems.append(Problem(str(error), line=line, column=column))
                continue
            if value is not None and value != "" and value != []:
                answers[question.key] = value
        background = {"submitted_on": today(), "age_group": None, "gender": None}
        day = cells.get("submitted_on", "")
        if day:
            try:
                background["submitted_on"] = _parse_day(day)
            except ValueError:
                problems.append(
                    Problem(
                        _("Write the date as YYYY-MM-DD, for example 2026-03-14."),
                        line=line,
                        column="submitted_on",
                    )
                )
            else:
                first, last = (
                    to_local(campaign.opens_at).date(),
                    min(today(), to_local(campaign.closes_at).date()),
                )
                if background["submitted_on"] > today():
                    problems.append(
                        Problem(_("The date is in the future."), line=line, column="submitted_on")
                    )
                elif not first <= background["submitted_on"] <= last:
                    problems.append(
                        Problem(
                            _(
                                "The date is outside the round (%(first)s to %(last)s).",
                                first=first.isoformat(),
                                last=last.isoformat(),
                            ),
                            line=line,
                            column="submitted_on",
                        )
                    )
        for column in ("age_group", "gender"):
            value = cells.get(column, "")
            if len(value) > 20:
                problems.append(
                    Problem(_("Write at most %(n)s characters.", n=20), line=line, column=column)
                )
            background[column] = value or None
        if not written:
            problems.append(Problem(_("The line has no answers."), line=line))
        parsed.append(
            (
                {
                    "campaign_id": campaign.id,
                    "unit_id": unit_id,
                    "source": ResponseSource.PAPER.value,
                    **background,
                },
                answers,
            )
        )
    if not parsed and not problems:
        problems.append(Problem(_("The file has no lines with answers.")))
    if problems:
        raise ImportFailed(problems)
    response = Response.__table__
    ids = (
        db.session.execute(
            insert(response).returning(response.c.id, sort_by_parameter_order=True),
            [row for row, _answers in parsed],
        )
        .scalars()
        .all()
    )
    rows = [
        r
        for response_id, (_row, answers) in zip(ids, parsed, strict=True)
        for r in survey.answer_dicts(answers, response_id)
    ]
    if rows:
        db.session.execute(insert(Answer.__table__), rows)
    tallies.add(  # paper answers are released as they are stored (they never had a code)
        campaign.id,
        tallies.count(
            tallies.TallySpec.of(campaign.questionnaire),
            ((row["unit_id"], survey.answer_dicts(answers, 0)) for row, answers in parsed),
        ),
    )
    audit.record("round.paper_imported", _round_name(campaign), count=len(ids))
    return len(ids)
