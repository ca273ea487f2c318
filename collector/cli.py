"""`helhet round ...` and `helhet responses ...`: survey rounds from the command line.

    helhet round create --questionnaire KEY --unit CODE [--unit CODE ...] \\
        --opens DATE --closes DATE [--open-link] [--without-codes] \\
        [--codes N --codes-file FILE.csv [--letters FILE.pdf] [--base-url URL]]
    helhet round codes ID --unit CODE --count N --out FILE.csv [--letters FILE.pdf] [--base-url URL]
    helhet round invite ID --unit CODE [--addresses FILE] [--phones FILE] [--base-url URL]
    helhet round remind ID [--base-url URL]          (daily from cron: once a day per contact)
    helhet round status ID --format json
    helhet responses import ID FILE.csv

`helhet campaign ...` is the old name of `helhet round ...` (the code's model is Campaign); it is
kept, hidden from --help, so that scripts keep working.

Dates and times are Europe/Oslo: "2026-03-02", "2026-03-02 08:00" or "2026-03-02T08:00". An opening
date alone means the start of that day; a closing date alone means the end of it.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from collector import bp, invitations, letters, mixing, queries, services, tallies
from collector.clock import parse_local, to_local, utcnow
from collector.models import ContactChannel
from helhet.clitools import (
    after_upgrade,
    echo_json,
    echo_rows,
    fail,
    fail_import,
    list_format,
    org_unit,
    refused,
)
from helhet.config import RESPONDENT_LANGUAGES
from helhet.extensions import db
from helhet.i18n import open_until
from helhet.tabular import ImportFailed
from surveys import queries as survey_queries

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _when(text: str, end_of_day: bool = False):
    try:
        return parse_local(text, end_of_day=end_of_day)
    except ValueError:
        fail(
            f"{text!r} is not a date or time: write YYYY-MM-DD or YYYY-MM-DD HH:MM (Norwegian"
            " time)."
        )


def _round(round_id: int):
    campaign = queries.campaign(round_id)
    if campaign is None:
        fail(f"No survey round has the id {round_id}.")
    return campaign


def _answer_address(base_url: str | None) -> str:
    """Where the letters send respondents: --base-url, else PUBLIC_BASE_URL, followed by /svar.

    An address only this computer can open (http://127.0.0.1:5000 when PUBLIC_BASE_URL is not set)
    is refused, and nothing is saved, unless it was given with --base-url; then it is printed with a
    warning. Letters cannot be taken back once they are sent.
    """
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    address = (base_url or configured or DEFAULT_BASE_URL).rstrip("/") + "/svar"
    if letters.only_this_computer(address):
        if not base_url:
            why = f"PUBLIC_BASE_URL is {configured}" if configured else "PUBLIC_BASE_URL is not set"
            db.session.rollback()
            fail(
                f"The letters would send respondents to {address}, an address only this computer "
                f"can open ({why}). Give Helhet's public address with --base-url (e.g. --base-url "
                "https://svar.kommune.no) or set PUBLIC_BASE_URL. Nothing was saved."
            )
        click.echo(
            f"Warning: the letters send respondents to {address}, an address only this computer can"
            " open.",
            err=True,
        )
    return address


def _refuse_existing(*paths: Path | None) -> None:
    for path in paths:
        if path is not None and path.exists():
            fail(
                f"{path} exists already; codes are shown only once, so Helhet never overwrites a"
                " code file. Choose another name."
            )


def _write_codes(
    campaign, batches, out: Path, letters_path: Path | None, language: str, base_url: str | None
) -> None:
    """Write the issued codes (CSV, optionally PDF letters), then commit; nothing is kept if
    writing fails."""
    if letters_path and language not in letters.LATIN1_LANGUAGES and not letters.unicode_font_dir():
        fail(
            "Letters in this language need the font DejaVu Sans (on Debian and Ubuntu: apt install"
            " fonts-dejavu-core); no codes were kept."
        )
    issued = [
        letters.IssuedCode(code, unit.code, unit.name) for unit, codes in batches for code in codes
    ]
    info = letters.info_for(campaign, _answer_address(base_url))
    written = []
    try:
        out.write_bytes(letters.csv_bytes(issued, info, language))
        written.append(out)
        if letters_path is not None:
            letters_path.write_bytes(letters.pdf_bytes(issued, info, language))
            written.append(letters_path)
    except OSError as error:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        fail(f"Could not write the codes ({error}); no codes were issued.")
    db.session.commit()
    also = f" and letters to {letters_path}" if letters_path else ""
    click.echo(f"{len(issued)} codes written to {out}{also}.", err=True)


def _letter_options(command):
    """--letters, --language and --base-url: how `round create --codes` and `round codes` write
    letters to go with the codes."""
    options = [
        click.option(
            "--letters",
            "letters_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Also write a PDF with one letter per code.",
        ),
        click.option(
            "--language",
            type=click.Choice(RESPONDENT_LANGUAGES),
            default="nb",
            show_default=True,
            help="Language of the letters.",
        ),
        click.option(
            "--base-url",
            help=(
                "Public address of Helhet for the letters and the code file "
                "(default: PUBLIC_BASE_URL; needed when that is not set or is "
                "this computer's own address)."
            ),
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group("round")
def round_cli() -> None:
    """Survey rounds: create, issue codes, follow the response rate, extend or close."""


@round_cli.command("create")
@click.option(
    "--questionnaire",
    "key",
    required=True,
    help="Key of a published questionnaire (its latest published version).",
)
@click.option("--version", type=int, help="A specific published version instead of the latest.")
@click.option(
    "--unit",
    "unit_codes",
    multiple=True,
    required=True,
    help="Org unit code; repeat for more units.",
)
@click.option("--opens", required=True, help="Opening date or time (Europe/Oslo).")
@click.option(
    "--closes",
    required=True,
    help="Closing date or time (Europe/Oslo); a date alone closes at the end of that day.",
)
@click.option(
    "--name", default="", help="Name of the round (default: questionnaire title and year)."
)
@click.option("--open-link/--no-open-link", default=False, help="Give each unit an open link.")
@click.option(
    "--without-codes",
    is_flag=True,
    help="No invitation codes: open links only (needs --open-link).",
)
@click.option(
    "--min-group",
    type=int,
    default=5,
    show_default=True,
    help="Minimum group size for reporting (at least 3).",
)
@click.option(
    "--period",
    type=int,
    help="Year of the headcounts used for the response rate (default: the opening year).",
)
@click.option(
    "--require-language",
    "required_languages",
    multiple=True,
    type=click.Choice(RESPONDENT_LANGUAGES),
    help="A language the round must offer, e.g. se in the Sami administrative area; repeat for"
    " more. Warns when the questionnaire has no texts in it.",
)
@click.option(
    "--codes",
    "codes_count",
    type=int,
    help="Issue N codes for every unit now (needs --codes-file).",
)
@click.option(
    "--codes-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write the new codes to.",
)
@_letter_options
@with_appcontext
def round_create(
    key,
    version,
    unit_codes,
    opens,
    closes,
    name,
    open_link,
    without_codes,
    min_group,
    period,
    required_languages,
    codes_count,
    codes_file,
    letters_path,
    language,
    base_url,
) -> None:
    """Create a survey round and print its id (on standard output, alone, for scripts)."""
    questionnaire = survey_queries.published(key, version)
    if questionnaire is None:
        fail(
            f"No published questionnaire has the key {key}"
            + (f" and version {version}." if version else ".")
        )
    units = [org_unit(code) for code in unit_codes]
    if codes_count and without_codes:
        fail("--codes and --without-codes contradict each other.")
    if codes_count and not codes_file:
        fail(
            "--codes needs --codes-file: codes are shown only once, so they must be written"
            " somewhere."
        )
    if codes_file and not codes_count:
        fail("--codes-file needs --codes N (codes per unit).")
    _refuse_existing(codes_file, letters_path)
    with refused(services.CampaignError):
        campaign = services.create_campaign(
            name=name,
            questionnaire=questionnaire,
            units=units,
            opens_at=_when(opens),
            closes_at=_when(closes, end_of_day=True),
            open_link=open_link,
            use_codes=not without_codes,
            min_group=min_group,
            period=period,
            required_languages=list(required_languages),
        )
        batches = (
            [(cu.unit, services.add_codes(campaign, cu.unit, codes_count)) for cu in campaign.units]
            if codes_count
            else []
        )
    round_id = campaign.id
    if missing := services.missing_languages(campaign):
        click.echo(f"Warning: {services.missing_languages_message(missing)}", err=True)
    if batches:
        _write_codes(campaign, batches, codes_file, letters_path, language, base_url)
    else:
        db.session.commit()
    click.echo(round_id)


@round_cli.command("codes")
@click.argument("round_id", type=int)
@click.option("--unit", "unit_code", required=True, help="Org unit code (a unit of the round).")
@click.option("--count", type=int, required=True, help="How many new codes.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV file for mail merge.",
)
@_letter_options
@with_appcontext
def round_codes(round_id, unit_code, count, out, letters_path, language, base_url) -> None:
    """Issue more invitation codes for one unit of a round."""
    campaign = _round(round_id)
    unit = org_unit(unit_code)
    _refuse_existing(out, letters_path)
    with refused(services.CampaignError):
        issued = services.add_codes(campaign, unit, count)
    _write_codes(campaign, [(unit, issued)], out, letters_path, language, base_url)


@round_cli.command("status")
@click.argument("round_id", type=int)
@list_format
@with_appcontext
def round_status(round_id, fmt) -> None:
    """Population, responses and response rate per unit (counts only)."""
    campaign = _round(round_id)
    data = queries.status_dict(campaign)
    if fmt == "json":  # machine-readable: the exclusive end, as stored, in local time
        echo_json(data)
        return
    state = f"{data['state']}, sealed" if data["sealed"] else data["state"]
    until = open_until(campaign.closes_at)
    click.echo(f"{data['name']} ({state}, open from {data['opens_at']} {until})")
    for unit in data["units"]:
        rate = "-" if unit["response_rate"] is None else f"{unit['response_rate'] * 100:.0f} %"
        population = "-" if unit["population"] is None else unit["population"]
        flag = "  UNUSUAL OPEN-LINK ANSWERS" if unit["spike"] else ""
        held = sum(unit["held"].values())
        if held:
            flag += (
                f"  {held} HELD (`helhet round held {data['id']} --unit {unit['code']} "
                "--accept|--discard`)"
            )
        click.echo(
            f"  {unit['code']:<28} {unit['responses']:>6} / {population!s:<6} {rate:>6}{flag}"
        )
    total_rate = "-" if data["response_rate"] is None else f"{data['response_rate'] * 100:.0f} %"
    click.echo(
        f"  {'all units':<28} {data['responses']:>6} / {data['population']!s:<6} {total_rate:>6}"
    )


@round_cli.command("list")
@list_format
@with_appcontext
def round_list(fmt) -> None:
    """Every round with its state and number of responses."""
    rows = [
        {
            "id": r.campaign.id,
            "name": r.campaign.name,
            "state": r.state.value,
            "opens_at": to_local(r.campaign.opens_at).isoformat(timespec="minutes"),
            "closes_at": to_local(r.campaign.closes_at).isoformat(timespec="minutes"),
            "open_until": open_until(r.campaign.closes_at),
            "units": r.units,
            "responses": r.responses,
        }
        for r in queries.campaign_list()
    ]
    echo_rows(
        fmt,
        rows,
        lambda r: (
            f"{r['id']:>4}  {r['state']:<9} {r['opens_at']} {r['open_until']}  "
            f"{r['responses']:>6}  {r['name']}"
        ),
    )


@round_cli.command("extend")
@click.argument("round_id", type=int)
@click.option("--closes", required=True, help="New, later closing date or time (Europe/Oslo).")
@with_appcontext
def round_extend(round_id, closes) -> None:
    """Move a round's closing time later."""
    campaign = _round(round_id)
    with refused(services.CampaignError):
        services.extend(campaign, _when(closes, end_of_day=True))
    db.session.commit()
    click.echo(f"Round {campaign.id} now closes {closes}.")


@round_cli.command("close")
@click.argument("round_id", type=int)
@with_appcontext
def round_close(round_id) -> None:
    """Close a round now, or finish closing one whose time has run out: its responses are mixed
    so that no code can be linked to an answer, and its unfinished open-link answers removed."""
    campaign = _round(round_id)
    with refused(services.CampaignError):
        removed = services.close_now(campaign)
    db.session.commit()
    click.echo(
        f"Round {campaign.id} is closed and sealed; {removed} unfinished open-link drafts removed."
    )
    if not mixing.scrub_storage():
        click.echo(
            "Warning: the database was busy, so the old rows' traces are not scrubbed from its "
            f"files yet. Run `helhet round close {campaign.id}` again later.",
            err=True,
        )


@round_cli.command("held")
@click.argument("round_id", type=int)
@click.option(
    "--unit", "unit_code", required=True, help="The unit whose held open-link answers to decide on."
)
@click.option("--accept", "decision", flag_value="accept", help="Count them after all.")
@click.option("--discard", "decision", flag_value="discard", help="Delete them.")
@with_appcontext
def round_held(round_id, unit_code, decision) -> None:
    """Accept or discard the open-link answers held back for one unit (see `round status`)."""
    campaign = _round(round_id)
    link = next((cu for cu in campaign.units if cu.unit.code == unit_code), None)
    if link is None:
        fail(f"{unit_code} is not a unit of round {campaign.id}.")
    if decision is None:
        fail("Say --accept or --discard.")
    if decision == "accept":
        count = services.accept_held(campaign, link.unit_id)
    else:
        count = services.discard_held(campaign, link.unit_id)
    db.session.commit()
    click.echo(
        f"{count} held answers for {unit_code}"
        f" {'accepted' if decision == 'accept' else 'discarded'}."
    )


@round_cli.command("purge-drafts")
@click.option(
    "--idle-days", type=int, help="Also remove open-link drafts untouched for this many days."
)
@with_appcontext
def round_purge(idle_days) -> None:
    """Seal rounds whose time has run out and remove unfinished open-link answers nobody can send
    any more (run it daily, e.g. from cron)."""
    sealed = services.seal_closed_rounds()
    invitations.forget_closed_rounds()
    removed = sum(result.drafts_removed for _campaign, result in sealed)
    idle_before = queries.idle_cutoff(idle_days) if idle_days else None
    removed += services.purge_open_link_drafts(idle_before=idle_before)
    db.session.commit()
    if sealed and not mixing.scrub_storage():
        click.echo(
            "Warning: the database was busy; the old rows' traces are not scrubbed yet "
            "(the next run tries again).",
            err=True,
        )
    for campaign, _result in sealed:
        click.echo(f"Round {campaign.id} has closed and is now sealed.")
    click.echo(f"{removed} open-link drafts removed.")


def _echo_report(report: invitations.SendReport, what: str) -> int:
    """Print what a send did; returns the exit status (1 when a channel could not be used)."""
    click.echo(f"{report.sent} {what} sent.")
    for address, reply in report.refused:
        click.echo(f"Refused: {address} ({reply})")
    for address in report.uncertain:
        click.echo(f"Uncertain (the connection broke; not sent again): {address}")
    if report.retry:
        click.echo(f"{report.retry} refused for now; tried again at the next run.")
    if report.code_lost:
        click.echo(
            f"{report.code_lost} not sent: the code cannot be derived since SECRET_KEY changed."
        )
    status = 0
    for channel, why in report.unavailable.items():
        click.echo(f"Could not reach the {channel} server ({why}); the rest waits.", err=True)
        status = 1
    for channel, setting in report.not_configured.items():
        click.echo(f"{channel} is not set up ({setting} is missing); nothing sent.", err=True)
        status = 1
    return status


@round_cli.command("invite")
@click.argument("round_id", type=int)
@click.option("--unit", "unit_code", help="The unit the addresses or numbers belong to.")
@click.option(
    "--addresses",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV or XLSX with a column email (and optionally language).",
)
@click.option(
    "--phones",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV or XLSX with a column phone (and optionally language).",
)
@click.option("--no-send", is_flag=True, help="Only add the contacts; send later.")
@click.option("--base-url", help="Public address of Helhet (default: PUBLIC_BASE_URL).")
@with_appcontext
def round_invite(round_id, unit_code, addresses, phones, no_send, base_url) -> None:
    """Add contact lists (each address or number gets its own code) and send every invitation
    not yet sent. Without files it only sends what is waiting (e.g. after a temporary failure)."""
    campaign = _round(round_id)
    if (addresses or phones) and not unit_code:
        fail("--addresses and --phones need --unit CODE.")
    unit = org_unit(unit_code) if unit_code else None
    address = _answer_address(base_url) if not no_send else None
    for channel, path in ((ContactChannel.EMAIL, addresses), (ContactChannel.SMS, phones)):
        if path is None:
            continue
        try:
            with refused(services.CampaignError):
                count = invitations.import_contacts(
                    campaign, unit, channel, path.name, path.read_bytes()
                )
        except ImportFailed as failure:
            db.session.rollback()
            fail_import(path, failure)
        click.echo(f"{count} contacts added from {path}.")
    db.session.commit()
    if no_send:
        return
    with refused(services.CampaignError):
        report = invitations.send_invitations(campaign, address)
    click.get_current_context().exit(_echo_report(report, "invitations"))


@round_cli.command("remind")
@click.argument("round_id", type=int)
@click.option("--base-url", help="Public address of Helhet (default: PUBLIC_BASE_URL).")
@with_appcontext
def round_remind(round_id, base_url) -> None:
    """Send a reminder to every contact whose code is not completed, at most once a day (safe to
    run from cron). Also deletes the contacts of rounds that have closed."""
    campaign = _round(round_id)
    invitations.forget_closed_rounds()
    if campaign.sealed_at is not None or campaign.closes_at <= utcnow():
        click.echo(f"Round {campaign.id} is closed; its contacts are deleted. Nothing to send.")
        return
    address = _answer_address(base_url)
    with refused(services.CampaignError):
        report = invitations.send_reminders(campaign, address)
    click.get_current_context().exit(_echo_report(report, "reminders"))


# The code's model is Campaign, every public name says round: `helhet campaign ...` is the old name,
# kept (hidden from --help) so that no script breaks. It shares round_cli's commands.
campaign_cli = click.Group(
    "campaign",
    commands=round_cli.commands,
    hidden=True,
    help="The old name of `helhet round` (the same commands).",
)


@click.group("responses")
def responses_cli() -> None:
    """Responses: import answers typed in from paper forms."""


@responses_cli.command("import")
@click.argument("round_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def responses_import(round_id, file: Path) -> None:
    """Import paper answers: one row per respondent, columns unit and question keys
    (all or nothing).
    """
    campaign = _round(round_id)
    try:
        count = services.import_responses(campaign, file.read_bytes())
    except ImportFailed as failure:
        fail_import(file, failure)
    db.session.commit()
    click.echo(f"Imported {count} responses into round {campaign.id}.")


bp.cli.add_command(round_cli)
bp.cli.add_command(campaign_cli)
bp.cli.add_command(responses_cli)


def tally_old_rounds() -> str | None:
    """`helhet init-db`: rounds stored before tallies were kept (collector/tallies.py) get them."""
    counted = []
    for campaign in tallies.untallied_rounds():
        tallies.recount(campaign)
        db.session.commit()
        counted.append(f"{campaign.id} ({campaign.name})")
    return f"Tallied the answers of round {', '.join(counted)}." if counted else None


bp.record_once(lambda state: after_upgrade(state.app, tally_old_rounds))
