"""Invitations and reminders by e-mail and text message (SMS), each with its own code and
personal link (/k/<code>).

- `import_contacts` reads a contact list for one unit of a round, all or nothing, and gives each
  address or number a new invitation (code) of its own.
- `send_invitations` sends every invitation not yet sent; `send_reminders` sends one reminder a
  day to each contact whose code is not completed.
- `forget_closed_rounds` deletes the contacts of every round whose closing time has passed.

At most once: each message is marked SENDING and *committed* before it is handed to the server,
then marked with what became of it and committed again. These functions therefore commit (unlike
the other services): a run that is cut off and repeated never sends a message twice; one cut off
between the two commits stays SENDING and is reported as uncertain, never repeated
(collector/messaging.py lists the outcomes).

What the contact table links (docs/collector.md, threat model): an address or number to its
invitation, so to whether that code is completed, until the round closes. Never to a response.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, or_, select, update

from collector import codes, contacts, letters, messaging, services
from collector.clock import today, utcnow
from collector.models import (
    Campaign,
    CampaignState,
    Contact,
    ContactChannel,
    DeliveryState,
    Invitation,
    InvitationStatus,
)
from helhet import audit
from helhet.extensions import db
from helhet.i18n import localized, open_until
from helhet.models import OrgUnit

STALE_AFTER = timedelta(minutes=15)  # a SENDING mark older than this was cut off


class InvitationError(services.CampaignError):
    """Contacts cannot be imported or messages sent now (a translated message)."""


# --- importing --------------------------------------------------------------------------------


def _check_round(campaign: Campaign) -> None:
    if not campaign.use_codes:
        raise InvitationError(_("This round does not use invitation codes."), "file")
    if campaign.sealed_at is not None or campaign.state() == CampaignState.CLOSED:
        raise InvitationError(_("The round is closed."), "file")


def import_contacts(
    campaign: Campaign, unit: OrgUnit, channel: ContactChannel, file_name: str, content: bytes
) -> int:
    """Store a contact list for one unit of the round, each row with a new code; all or nothing.
    Raises InvitationError or ImportFailed. Flushes; the caller commits. Returns the number."""
    _check_round(campaign)
    if unit.id not in {cu.unit_id for cu in campaign.units}:
        raise InvitationError(_("%(unit)s is not part of this round.", unit=unit.name), "unit")
    taken = {
        address.casefold()
        for address in db.session.scalars(
            select(Contact.address).where(
                Contact.campaign_id == campaign.id, Contact.channel == channel
            )
        )
    }
    rows = contacts.parse(file_name, content, channel, taken)
    if len(rows) > services.MAX_CODES_PER_BATCH:
        raise InvitationError(
            _(
                "A list can have at most %(n)s addresses or numbers: split it into smaller lists.",
                n=services.MAX_CODES_PER_BATCH,
            ),
            "file",
        )
    seeds: list[tuple[str, str]] = []  # (seed, code)
    seen: set[str] = set()  # the hashes of the codes in `seeds`
    while len(seeds) < len(rows):
        batch = {}
        for _n in range(len(rows) - len(seeds)):
            seed = contacts.new_seed()
            code = contacts.code_for(seed)
            batch[codes.code_hash(code)] = (seed, code)
        used = services.taken_code_hashes(list(batch))
        for h, (seed, code) in batch.items():
            if h not in used and h not in seen:
                seeds.append((seed, code))
                seen.add(h)
    table = Invitation.__table__
    ids = (
        db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {
                    "campaign_id": campaign.id,
                    "unit_id": unit.id,
                    "code_hash": codes.code_hash(code),
                    "status": InvitationStatus.UNUSED.value,
                }
                for _seed, code in seeds
            ],
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(Contact.__table__),
        [
            {
                "campaign_id": campaign.id,
                "unit_id": unit.id,
                "invitation_id": invitation_id,
                "channel": channel.value,
                "address": row.address,
                "language": row.language,
                "code_seed": seed,
                "state": DeliveryState.PENDING.value,
            }
            for row, (seed, _code), invitation_id in zip(rows, seeds, ids, strict=True)
        ],
    )
    audit.record(
        "round.contacts_imported",
        f"{campaign.name} (#{campaign.id})",
        unit=unit.code,
        channel=channel.value,
        count=len(rows),
    )
    return len(rows)


# --- messages ---------------------------------------------------------------------------------


def compose(
    campaign: Campaign, contact: Contact, code: str, answer_address: str, reminder: bool
) -> messaging.Message:
    """The invitation or reminder of one contact, in the contact's language."""
    info = letters.info_for(campaign, answer_address)
    unit = next((cu.unit for cu in campaign.units if cu.unit_id == contact.unit_id), None)
    # the survey opens in the contact's language (a respondent can still switch)
    link = f"{codes.personal_link(answer_address, code)}?lang={contact.language}"
    with force_locale(contact.language):
        title = localized(info.title, contact.language)
        values = {
            "title": title,
            "unit": unit.name if unit else "",
            "link": link,
            "code": codes.display(code),
            "address": answer_address,
            "until": open_until(campaign.closes_at),  # "til og med 31.12.2026"
            "sender": info.sender,
        }
        if contact.channel == ContactChannel.SMS:
            if reminder:
                text = _(
                    "%(sender)s: A reminder to answer «%(title)s» if you have not yet done so."
                    " Your personal link: %(link)s (open %(until)s).",
                    **values,
                )
            else:
                text = _(
                    "%(sender)s: You are invited to answer «%(title)s». Your personal link:"
                    " %(link)s (open %(until)s). Your answers are anonymous.",
                    **values,
                )
            return messaging.Message(contact.address, "", text)
        subject = (
            _("Reminder: %(title)s", title=title)
            if reminder
            else _("Invitation: %(title)s", title=title)
        )
        paragraphs = {
            "intro": _(
                "This is a reminder: we have not yet received your answers to the survey"
                " «%(title)s» for %(unit)s. If you have just answered, thank you, and please"
                " disregard this message.",
                **values,
            )
            if reminder
            else _("You are invited to answer the survey «%(title)s» for %(unit)s.", **values),
            "link": _("Open your personal link to start answering:"),
            "code": _("Or go to %(address)s and enter your personal code %(code)s.", **values),
            "deadline": _("The survey is open %(until)s.", until=values["until"]),
            "anonymous": _(
                "Your answers are anonymous. The code only makes sure that each person answers"
                " once: it is never stored together with your answers, and nobody can see what you"
                " answered."
            ),
            "personal": _("The link and the code are yours alone: please do not forward them."),
        }
        text = "\n\n".join(
            [
                paragraphs["intro"],
                f"{paragraphs['link']}\n{link}",
                paragraphs["code"],
                paragraphs["deadline"],
                paragraphs["anonymous"],
                paragraphs["personal"],
                f"-- \n{info.sender}",
            ]
        )
        html = render_template(
            "collector/mail/message.html",
            lang=contact.language,
            subject=subject,
            paragraphs=paragraphs,
            link=link,
            sender=info.sender,
        )
    return messaging.Message(contact.address, subject, text, html)


# --- sending ----------------------------------------------------------------------------------


@dataclass
class SendReport:
    """What a run did. `refused` and `uncertain` name the addresses, for the administrator."""

    sent: int = 0
    retry: int = 0  # refused for now (temporary): tried again next run
    refused: list[tuple[str, str]] = field(default_factory=list)  # (address, server's reply)
    uncertain: list[str] = field(default_factory=list)
    code_lost: int = 0  # SECRET_KEY changed: the code cannot be derived any more
    unavailable: dict[str, str] = field(default_factory=dict)  # channel -> why (the run stopped)
    waiting: int = 0  # not tried: the run's time was up (a page's send); the next run sends them
    not_configured: dict[str, str] = field(default_factory=dict)  # channel -> missing setting


def _transport(channel: ContactChannel):
    if channel == ContactChannel.EMAIL:
        return messaging.MailTransport()
    return messaging.SmsTransport()


def mark_cut_off(campaign_id: int) -> int:
    """SENDING marks older than STALE_AFTER were cut off between handing over and recording:
    they become UNCERTAIN (never repeated). Returns how many."""
    changed = db.session.execute(
        update(Contact)
        .where(
            Contact.campaign_id == campaign_id,
            Contact.state == DeliveryState.SENDING,
            Contact.claimed_at < utcnow() - STALE_AFTER,
        )
        .values(state=DeliveryState.UNCERTAIN)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed or 0


def _run(
    campaign: Campaign,
    answer_address: str,
    candidates,
    claim,
    record,
    reminder: bool,
    seconds: float | None,
):
    report = SendReport()
    transports: dict[ContactChannel, object] = {}
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        for done, (contact_id, channel) in enumerate(candidates):
            if deadline is not None and time.monotonic() > deadline:
                report.waiting = len(candidates) - done
                break
            if channel.value in report.unavailable or channel.value in report.not_configured:
                continue
            if channel not in transports:
                try:
                    transports[channel] = _transport(channel)
                except messaging.NotConfigured as error:
                    report.not_configured[channel.value] = str(error)
                    continue
            if not claim(contact_id):
                db.session.rollback()
                continue
            db.session.commit()  # marked SENDING before anything is handed over
            contact = db.session.get(Contact, contact_id)
            code = contacts.code_for(contact.code_seed)
            invitation = db.session.get(Invitation, contact.invitation_id)
            if invitation is None or invitation.code_hash != codes.code_hash(code):
                record(contact, messaging.Result(messaging.Outcome.REFUSED, "code lost"))
                contact.problem = "SECRET_KEY changed: the code cannot be derived"
                db.session.commit()
                report.code_lost += 1
                continue
            message = compose(campaign, contact, code, answer_address, reminder)
            result = transports[channel].send(message)
            record(contact, result)
            db.session.commit()
            if result.outcome == messaging.Outcome.SENT:
                report.sent += 1
            elif result.outcome == messaging.Outcome.REFUSED:
                report.refused.append((contact.address, result.detail))
            elif result.outcome == messaging.Outcome.TEMPORARY:
                report.retry += 1
            elif result.outcome == messaging.Outcome.UNCERTAIN:
                report.uncertain.append(contact.address)
            else:
                report.unavailable[channel.value] = result.detail
    finally:
        for transport in transports.values():
            transport.close()
    return report


def _sendable(campaign: Campaign, reminder: bool) -> None:
    forget_closed_rounds()
    state = campaign.state()
    if campaign.sealed_at is not None or state == CampaignState.CLOSED:
        raise InvitationError(_("The round is closed."), "send")
    if reminder and state != CampaignState.OPEN:
        raise InvitationError(_("Reminders can be sent only while the round is open."), "send")


def send_invitations(
    campaign: Campaign,
    answer_address: str,
    channel: ContactChannel | None = None,
    seconds: float | None = None,
) -> SendReport:
    """Send every invitation of the round not yet sent (or refused for now), or as many as
    `seconds` allow (a page's request must end before the server's timeout). Commits."""
    _sendable(campaign, reminder=False)
    mark_cut_off(campaign.id)
    query = select(Contact.id, Contact.channel).where(
        Contact.campaign_id == campaign.id, Contact.state == DeliveryState.PENDING
    )
    if channel is not None:
        query = query.where(Contact.channel == channel)
    candidates = db.session.execute(query.order_by(Contact.id)).all()

    def claim(contact_id: int) -> bool:
        return bool(
            db.session.execute(
                update(Contact)
                .where(Contact.id == contact_id, Contact.state == DeliveryState.PENDING)
                .values(state=DeliveryState.SENDING, claimed_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
        )

    def record(contact: Contact, result: messaging.Result) -> None:
        outcome = result.outcome
        contact.claimed_at = None
        if outcome == messaging.Outcome.SENT:
            contact.state, contact.invited_at, contact.problem = DeliveryState.SENT, utcnow(), None
        elif outcome == messaging.Outcome.REFUSED:
            contact.state, contact.problem = DeliveryState.REFUSED, result.detail
        elif outcome == messaging.Outcome.UNCERTAIN:
            contact.state, contact.problem = DeliveryState.UNCERTAIN, result.detail
        else:  # TEMPORARY, UNAVAILABLE: nothing was accepted; the next run tries again
            contact.state, contact.problem = DeliveryState.PENDING, result.detail

    report = _run(campaign, answer_address, candidates, claim, record, False, seconds)
    _audit("round.invitations_sent", campaign, report)
    return report


def send_reminders(
    campaign: Campaign,
    answer_address: str,
    channel: ContactChannel | None = None,
    seconds: float | None = None,
) -> SendReport:
    """Send one reminder to every contact whose invitation was sent and whose code is not
    completed, at most once a day (Europe/Oslo) per contact: running it again the same day sends
    nothing new. Commits."""
    _sendable(campaign, reminder=True)
    mark_cut_off(campaign.id)
    day = today()
    not_completed = select(Invitation.id).where(
        Invitation.campaign_id == campaign.id, Invitation.status != InvitationStatus.COMPLETED
    )
    not_reminded_today = (
        Contact.campaign_id == campaign.id,
        Contact.invited_at.is_not(None),
        Contact.state.in_([DeliveryState.SENT, DeliveryState.UNCERTAIN]),
        or_(Contact.reminded_on.is_(None), Contact.reminded_on < day),
        *(() if channel is None else (Contact.channel == channel,)),
    )
    due = (*not_reminded_today, Contact.invitation_id.in_(not_completed))
    candidates = db.session.execute(
        select(Contact.id, Contact.channel).where(*due).order_by(Contact.id)
    ).all()
    # a completed code gets no reminder, but its day moves like everyone else's: a reminder day
    # that stopped moving would say when the code was completed
    db.session.execute(
        update(Contact)
        .where(*not_reminded_today, Contact.invitation_id.not_in(not_completed))
        .values(reminded_on=day)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    previous: dict[int, object] = {}

    def claim(contact_id: int) -> bool:
        before = db.session.execute(
            select(Contact.reminded_on).where(Contact.id == contact_id)
        ).scalar_one_or_none()
        previous[contact_id] = before
        return bool(
            db.session.execute(
                update(Contact)
                .where(Contact.id == contact_id, *due)
                .values(state=DeliveryState.SENDING, claimed_at=utcnow(), reminded_on=day)
                .execution_options(synchronize_session=False)
            ).rowcount
        )

    def record(contact: Contact, result: messaging.Result) -> None:
        outcome = result.outcome
        contact.claimed_at = None
        if outcome == messaging.Outcome.SENT:
            contact.state, contact.problem = DeliveryState.SENT, None
        elif outcome == messaging.Outcome.REFUSED:
            contact.state, contact.problem = DeliveryState.REFUSED, result.detail
        elif outcome == messaging.Outcome.UNCERTAIN:
            contact.state, contact.problem = DeliveryState.UNCERTAIN, result.detail
        else:  # not accepted: may be tried again today
            contact.state, contact.problem = DeliveryState.SENT, result.detail
            contact.reminded_on = previous.get(contact.id)

    report = _run(campaign, answer_address, candidates, claim, record, True, seconds)
    _audit("round.reminders_sent", campaign, report)
    return report


def _audit(action: str, campaign: Campaign, report: SendReport) -> None:
    audit.record(
        action,
        f"{campaign.name} (#{campaign.id})",
        sent=report.sent,
        refused=len(report.refused),
        uncertain=len(report.uncertain),
        retry=report.retry,
    )
    db.session.commit()


# --- after closing ----------------------------------------------------------------------------


def forget_closed_rounds() -> int:
    """Delete the contacts of every round whose closing time has passed (also of rounds nobody
    closed by hand). Commits when it deleted something. Returns how many."""
    closed = select(Campaign.id).where(Campaign.closes_at <= utcnow())
    deleted = (
        db.session.execute(
            delete(Contact)
            .where(Contact.campaign_id.in_(closed))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    if deleted:
        db.session.commit()
    return deleted


# --- what the round page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class ContactSummary:
    """Counts per channel and state, and the contacts whose message was refused or uncertain."""

    counts: dict[str, dict[str, int]]  # channel -> state -> count
    problems: list[Contact]  # refused or uncertain (or cut off), with the server's reply

    @property
    def empty(self) -> bool:
        return not self.counts


def summary(campaign: Campaign) -> ContactSummary:
    counts: dict[str, dict[str, int]] = {}
    for channel, state, count in db.session.execute(
        select(Contact.channel, Contact.state, func.count())
        .where(Contact.campaign_id == campaign.id)
        .group_by(Contact.channel, Contact.state)
    ):
        counts.setdefault(channel.value, {})[state.value] = count
    problems = list(
        db.session.scalars(
            select(Contact)
            .where(
                Contact.campaign_id == campaign.id,
                Contact.state.in_([DeliveryState.REFUSED, DeliveryState.UNCERTAIN]),
            )
            .order_by(Contact.channel, Contact.address)
            .limit(200)
        )
    )
    return ContactSummary(counts, problems)
