"""Round administration (administrators only): list, create, follow up, extend or close, issue
codes (CSV and PDF letters), import paper answers."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from collector import bp, invitations, letters, mixing, queries, services
from collector.clock import to_local, utcnow
from collector.forms import (
    CampaignForm,
    CloseForm,
    ContactsForm,
    ExtendForm,
    HeldForm,
    ImportForm,
    SendForm,
    codes_form,
)
from collector.models import Campaign, CampaignState, ContactChannel
from collector.survey import load
from helhet import queries as core_queries
from helhet import spreadsheets
from helhet.access import admin_only
from helhet.extensions import db
from helhet.i18n import localized, open_until
from helhet.models import OrgUnit
from helhet.problems import attach, status
from helhet.tabular import ImportFailed
from surveys import queries as survey_queries
from surveys import services as survey_services


def campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


def public_address(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


@bp.get("/admin/runder")
@admin_only
def campaigns():
    invitations.forget_closed_rounds()  # a round nobody closed by hand loses its addresses too
    return render_template("collector/admin/list.html", rounds=queries.campaign_list())


def _fill_choices(form: CampaignForm) -> list[tuple[OrgUnit, int]]:
    tree = core_queries.flattened()
    form.questionnaire.choices = [("", _("Choose a questionnaire"))] + [
        (
            q.id,
            _(
                "%(title)s (%(key)s, version %(version)s)",
                title=localized(q.title) or q.key,
                key=q.key,
                version=q.version,
            ),
        )
        for q in survey_queries.all_published()
    ]
    form.units.choices = [(u.id, u.name) for u, _depth in tree]
    form.all_under.choices = [(u.id, u.name) for u, _depth in tree if u.children]
    return tree


@bp.route("/admin/runder/ny", methods=["GET", "POST"])
@admin_only
def new_campaign():
    form = CampaignForm()
    tree = _fill_choices(form)
    if request.method == "GET":
        start = to_local(utcnow()).replace(minute=0, second=0, microsecond=0)
        form.opens.raw_data = [start.strftime("%Y-%m-%dT%H:%M")]
        form.closes.raw_data = [(start + timedelta(days=14)).strftime("%Y-%m-%dT23:59")]
    if form.validate_on_submit():
        ids = set(form.units.data or [])
        for root_id in form.all_under.data or []:
            root = db.session.get(OrgUnit, root_id)
            if root is not None:
                ids.update(u.id for u in core_queries.descendants(root))
        units = list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))) if ids else []
        questionnaire = (
            survey_queries.get(form.questionnaire.data) if form.questionnaire.data else None
        )
        try:
            campaign = services.create_campaign(
                name=form.name.data,
                questionnaire=questionnaire,
                units=units,
                opens_at=form.opens.data,
                closes_at=form.closes.data,
                open_link=form.open_link.data,
                use_codes=form.use_codes.data,
                min_group=form.min_group.data,
                period=form.period.data,
                required_languages=form.required_languages.data,
            )
        except services.CampaignError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The round %(name)s was created.", name=campaign.name), "success")
            if missing := services.missing_languages(campaign):
                flash(services.missing_languages_message(missing), "error")
            return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    return render_template("collector/admin/new.html", form=form, tree=tree), status(form)


def contacts_form(campaign: Campaign, submitted: bool = False) -> ContactsForm:
    """The contact-list form with the round's units; `submitted`: read the request's form and
    files."""
    form = ContactsForm() if submitted else ContactsForm(formdata=None)
    form.unit.choices = [
        (cu.unit_id, cu.unit.name) for cu in sorted(campaign.units, key=lambda cu: cu.unit.name)
    ]
    return form


def _campaign_page(
    campaign: Campaign,
    extend_form=None,
    codes=None,
    response_status=200,
    contacts=None,
    contact_problems=(),
):
    invitations.forget_closed_rounds()  # also when nobody closed the round by hand
    report = queries.progress(campaign)
    links = {
        u.link.unit_id: public_address(".open_link", link_token=u.link.link_token)
        for u in report.units
    }
    return render_template(
        "collector/admin/campaign.html",
        campaign=campaign,
        report=report,
        links=links,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        extend_form=extend_form or ExtendForm(formdata=None),
        close_form=CloseForm(formdata=None),
        held_form=HeldForm(formdata=None),
        codes_form=codes or codes_form([u.unit for u in report.units], formdata=None),
        contacts_form=contacts or contacts_form(campaign),
        contact_problems=contact_problems,
        send_form=SendForm(formdata=None),
        contact_summary=invitations.summary(campaign),
        mail_configured=bool(
            current_app.config.get("MAIL_SERVER") and current_app.config.get("MAIL_DEFAULT_SENDER")
        ),
        sms_configured=bool(current_app.config.get("SMS_GATEWAY_URL")),
        answer_address=public_address(".enter_code"),
        state=report.state,
        States=CampaignState,
        missing_languages=services.missing_languages(campaign),
        missing_languages_message=services.missing_languages_message,
        unchecked=survey_services.unchecked_message(campaign.questionnaire.unchecked_translations)
        if campaign.questionnaire.unchecked_translations
        else None,
    ), response_status


@bp.get("/admin/runder/<int:campaign_id>")
@admin_only
def campaign(campaign_id: int):
    return _campaign_page(campaign_or_404(campaign_id))


@bp.post("/admin/runder/<int:campaign_id>/forleng")
@admin_only
def extend(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            services.extend(campaign, form.closes.data)
        except services.CampaignError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(
                _("The round is now open %(until)s.", until=open_until(campaign.closes_at)),
                "success",
            )
            return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    return _campaign_page(campaign, extend_form=form, response_status=422)


@bp.post("/admin/runder/<int:campaign_id>/steng")
@admin_only
def close(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            removed = services.close_now(campaign)
        except services.CampaignError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            mixing.scrub_storage()
            flash(
                ngettext(
                    "The round is closed. %(num)s unfinished open-link answer was removed.",
                    "The round is closed. %(num)s unfinished open-link answers were removed.",
                    removed,
                ),
                "success",
            )
    return redirect(url_for(".campaign", campaign_id=campaign.id), 303)


@bp.post("/admin/runder/<int:campaign_id>/holdt/<int:unit_id>")
@admin_only
def held(campaign_id: int, unit_id: int):
    """Accept or discard a unit's open-link answers that were held back."""
    campaign = campaign_or_404(campaign_id)
    if unit_id not in {cu.unit_id for cu in campaign.units}:
        abort(404)
    form = HeldForm()
    if form.validate_on_submit():
        if form.decision.data == "accept":
            count = services.accept_held(campaign, unit_id)
            message = ngettext(
                "%(num)s held answer is now counted.",
                "%(num)s held answers are now counted.",
                count,
            )
        else:
            count = services.discard_held(campaign, unit_id)
            message = ngettext(
                "%(num)s held answer was deleted.", "%(num)s held answers were deleted.", count
            )
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".campaign", campaign_id=campaign.id), 303)


@bp.post("/admin/runder/<int:campaign_id>/koder")
@admin_only
def issue_codes(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    units = [cu.unit for cu in sorted(campaign.units, key=lambda cu: cu.unit.name)]
    form = codes_form(units, formdata=request.form)
    if not form.validate_on_submit():
        return _campaign_page(campaign, codes=form, response_status=422)
    issued = []
    try:
        for unit, count in form.counts():
            issued.extend(
                letters.IssuedCode(code, unit.code, unit.name)
                for code in services.add_codes(campaign, unit, count)
            )
    except services.CampaignError as error:
        db.session.rollback()
        attach(form, error)
        return _campaign_page(campaign, codes=form, response_status=422)
    info = letters.info_for(campaign, public_address(".enter_code"))
    stem = f"koder-runde-{campaign.id}-{to_local(utcnow()).strftime('%Y%m%d-%H%M')}"
    output = form.output.data
    try:
        if output == "csv":
            body = letters.csv_bytes(issued, info, form.language.data)
            mimetype, name = "text/csv", f"{stem}.csv"
        elif output == "pdf":
            body, mimetype, name = (
                letters.pdf_bytes(issued, info, form.language.data),
                "application/pdf",
                f"{stem}.pdf",
            )
        else:
            body, mimetype, name = (
                letters.zip_bytes(issued, info, form.language.data, stem),
                "application/zip",
                f"{stem}.zip",
            )
    except letters.LetterFontMissing as error:  # no codes are kept: the letters were not made
        db.session.rollback()
        attach(form, error)
        return _campaign_page(campaign, codes=form, response_status=422)
    db.session.commit()  # only once the file exists: codes are never stored in clear
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/admin/runder/<int:campaign_id>/papirsvar", methods=["GET", "POST"])
@admin_only
def import_paper(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            count = services.import_responses(campaign, form.file.data.read())
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.problems
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)s paper answer was imported.",
                    "%(num)s paper answers were imported.",
                    count,
                ),
                "success",
            )
            return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    return render_template(
        "collector/admin/import.html",
        campaign=campaign,
        form=form,
        problems=problems,
        questions=[q for q in survey.questions if q.answerable],
    ), status(form, problems)


@bp.get("/admin/runder/<int:campaign_id>/papirsvar/mal.csv")
@admin_only
def import_template(campaign_id: int):
    """An empty CSV with the right columns, to fill in from the paper forms."""
    campaign = campaign_or_404(campaign_id)
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    header = ["unit", *[q.key for q in survey.questions if q.answerable]]
    example = [campaign.units[0].unit.code if campaign.units else ""] + [""] * (len(header) - 1)
    body = spreadsheets.csv_bytes([header, example])
    return send_file(
        io.BytesIO(body),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"papirsvar-runde-{campaign.id}.csv",
    )


# --- invitations by e-mail and text message ---------------------------------------------------


# A send from the round page stops starting new messages after this many seconds, so that the
# request ends well before gunicorn's timeout (60 s; one SMS may take SMS_GATEWAY_TIMEOUT, 30 s):
# a worker killed mid-send would leave its message uncertain, never sent
PAGE_SEND_SECONDS = 20


def flash_report(report: invitations.SendReport, reminders: bool) -> None:
    """Say what a send did: sent, refused (with the server's reply), uncertain, left for later."""
    if reminders:
        message = ngettext(
            "%(num)s reminder was sent.", "%(num)s reminders were sent.", report.sent
        )
    else:
        message = ngettext(
            "%(num)s invitation was sent.", "%(num)s invitations were sent.", report.sent
        )
    flash(message, "success")
    for address, reply in report.refused:
        flash(
            _("Refused by the server: %(address)s (%(reply)s).", address=address, reply=reply),
            "error",
        )
    for address in report.uncertain:
        flash(
            _(
                "Not known whether it arrived (the connection broke): %(address)s. It is not sent"
                " again.",
                address=address,
            ),
            "error",
        )
    if report.retry:
        flash(
            ngettext(
                "%(num)s message was refused for now; it is tried again at the next send.",
                "%(num)s messages were refused for now; they are tried again at the next send.",
                report.retry,
            ),
            "error",
        )
    if report.waiting:
        flash(
            ngettext(
                "%(num)s message is still waiting: press the button again to send it.",
                "%(num)s messages are still waiting: press the button again to send them.",
                report.waiting,
            ),
            "info",
        )
    if report.code_lost:
        flash(
            ngettext(
                "%(num)s message was not sent: its code cannot be recreated since the secret key"
                " changed.",
                "%(num)s messages were not sent: their codes cannot be recreated since the secret"
                " key changed.",
                report.code_lost,
            ),
            "error",
        )
    for channel, why in {**report.unavailable, **report.not_configured}.items():
        flash(
            _(
                "Could not send by %(channel)s (%(why)s); what was not sent is sent next time.",
                channel=_("e-mail") if channel == "email" else _("text message"),
                why=why,
            ),
            "error",
        )


@bp.post("/admin/runder/<int:campaign_id>/kontakter")
@admin_only
def upload_contacts(campaign_id: int):
    """Import a contact list for one unit (all or nothing) and send its invitations at once."""
    campaign = campaign_or_404(campaign_id)
    form = contacts_form(campaign, submitted=True)
    if not form.validate_on_submit():
        return _campaign_page(campaign, contacts=form, response_status=422)
    unit = db.session.get(OrgUnit, form.unit.data)
    upload = form.file.data
    channel = ContactChannel(form.channel.data)
    try:
        count = invitations.import_contacts(
            campaign, unit, channel, upload.filename or "", upload.read()
        )
    except services.CampaignError as error:
        db.session.rollback()
        attach(form, error)
        return _campaign_page(campaign, contacts=form, response_status=422)
    except ImportFailed as failure:
        db.session.rollback()
        return _campaign_page(
            campaign, contacts=form, contact_problems=failure.problems, response_status=422
        )
    db.session.commit()
    flash(
        ngettext(
            "%(num)s contact was added, each with its own code.",
            "%(num)s contacts were added, each with its own code.",
            count,
        ),
        "success",
    )
    try:
        report = invitations.send_invitations(
            campaign, public_address(".enter_code"), channel, seconds=PAGE_SEND_SECONDS
        )
    except services.CampaignError as error:
        flash(str(error), "error")
    else:
        flash_report(report, reminders=False)
    return redirect(url_for(".campaign", campaign_id=campaign.id, _anchor="invitations"), 303)


@bp.post("/admin/runder/<int:campaign_id>/send/<kind>")
@admin_only
def send_messages(campaign_id: int, kind: str):
    """Send the invitations still waiting (kind "invitasjoner") or the reminders ("paminnelser")."""
    campaign = campaign_or_404(campaign_id)
    if kind not in ("invitasjoner", "paminnelser"):
        abort(404)
    form = SendForm()
    if form.validate_on_submit():
        reminders = kind == "paminnelser"
        send = invitations.send_reminders if reminders else invitations.send_invitations
        try:
            report = send(campaign, public_address(".enter_code"), seconds=PAGE_SEND_SECONDS)
        except services.CampaignError as error:
            flash(str(error), "error")
        else:
            flash_report(report, reminders=reminders)
    return redirect(url_for(".campaign", campaign_id=campaign.id, _anchor="invitations"), 303)
