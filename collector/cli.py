"""`helhet campaign ...` and `helhet responses ...`: survey rounds from the command line.

    helhet campaign create --questionnaire KEY --unit CODE [--unit CODE ...] --opens DATE --closes DATE \\
        [--open-link] [--without-codes] [--codes N --codes-file FILE.csv [--letters FILE.pdf] [--base-url URL]]
    helhet campaign codes ID --unit CODE --count N --out FILE.csv [--letters FILE.pdf] [--base-url URL]
    helhet campaign status ID --format json
    helhet responses import ID FILE.csv

Dates and times are Europe/Oslo: "2026-03-02", "2026-03-02 08:00" or "2026-03-02T08:00". An opening
date alone means the start of that day; a closing date alone means the end of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from helhet.cli import fail, fail_import
from helhet.extensions import db
from helhet.tabular import ImportFailed

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _when(text: str, end_of_day: bool = False):
    from collector.clock import parse_local

    try:
        return parse_local(text, end_of_day=end_of_day)
    except ValueError:
        fail(f"{text!r} is not a date or time: write YYYY-MM-DD or YYYY-MM-DD HH:MM (Norwegian time).")


def _campaign(campaign_id: int):
    from collector import queries

    campaign = queries.campaign(campaign_id)
    if campaign is None:
        fail(f"No survey round has the id {campaign_id}.")
    return campaign


def _answer_address(base_url: str | None) -> str:
    """Where the letters send respondents: --base-url, else PUBLIC_BASE_URL, followed by /svar.

    An address only this computer can open (http://127.0.0.1:5000 when PUBLIC_BASE_URL is not set)
    is refused, and nothing is saved, unless it was given with --base-url; then it is printed with a
    warning. Letters cannot be taken back once they are sent.
    """
    from collector import letters

    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    address = (base_url or configured or DEFAULT_BASE_URL).rstrip("/") + "/svar"
    if letters.only_this_computer(address):
        if not base_url:
            why = f"PUBLIC_BASE_URL is {configured}" if configured else "PUBLIC_BASE_URL is not set"
            db.session.rollback()
            fail(f"The letters would send respondents to {address}, an address only this computer can open ({why}). "
                 "Give Helhet's public address with --base-url (e.g. --base-url https://svar.kommune.no) or set "
                 "PUBLIC_BASE_URL. Nothing was saved.")
        click.echo(f"Warning: the letters send respondents to {address}, an address only this computer can open.",
                   err=True)
    return address


def _refuse_existing(*paths: Path | None) -> None:
    for path in paths:
        if path is not None and path.exists():
            fail(f"{path} exists already; codes are shown only once, so Helhet never overwrites a code file. Choose another name.")


def _write_codes(campaign, batches, out: Path, letters_path: Path | None, language: str, base_url: str | None) -> None:
    """Write the issued codes (CSV, optionally PDF letters), then commit; nothing is kept if
    writing fails."""
    from collector import letters

    issued = [letters.IssuedCode(code, unit.code, unit.name) for unit, codes in batches for code in codes]
    info = letters.info_for(campaign, _answer_address(base_url))
    written = []
    try:
        out.write_bytes(letters.csv_bytes(issued, info))
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
    click.echo(f"{len(issued)} codes written to {out}" + (f" and letters to {letters_path}" if letters_path else "") + ".", err=True)


@click.group("campaign")
def campaign_cli() -> None:
    """Survey rounds: create, issue codes, follow the response rate, extend or close."""


@campaign_cli.command("create")
@click.option("--questionnaire", "key", required=True, help="Key of a published questionnaire (its latest published version).")
@click.option("--version", type=int, help="A specific published version instead of the latest.")
@click.option("--unit", "unit_codes", multiple=True, required=True, help="Org unit code; repeat for more units.")
@click.option("--opens", required=True, help="Opening date or time (Europe/Oslo).")
@click.option("--closes", required=True, help="Closing date or time (Europe/Oslo); a date alone closes at the end of that day.")
@click.option("--name", default="", help="Name of the round (default: questionnaire title and year).")
@click.option("--open-link/--no-open-link", default=False, help="Give each unit an open link.")
@click.option("--without-codes", is_flag=True, help="No invitation codes: open links only (needs --open-link).")
@click.option("--min-group", type=int, default=5, show_default=True, help="Minimum group size for reporting (at least 3).")
@click.option("--period", type=int, help="Year of the headcounts used for the response rate (default: the opening year).")
@click.option("--codes", "codes_count", type=int, help="Issue N codes for every unit now (needs --codes-file).")
@click.option("--codes-file", type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write the new codes to.")
@click.option("--letters", "letters_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a PDF with one letter per code.")
@click.option("--language", type=click.Choice(["nb", "nn", "en"]), default="nb", show_default=True, help="Language of the letters.")
@click.option("--base-url", help="Public address of Helhet for the letters and the code file (default: PUBLIC_BASE_URL; "
                                 "needed when that is not set or is this computer's own address).")
@with_appcontext
def campaign_create(key, version, unit_codes, opens, closes, name, open_link, without_codes, min_group, period,
                    codes_count, codes_file, letters_path, language, base_url) -> None:
    """Create a survey round and print its id (on standard output, alone, for scripts)."""
    from collector import queries, services
    from helhet import orgunits

    questionnaire = queries.latest_published(key, version)
    if questionnaire is None:
        fail(f"No published questionnaire has the key {key}" + (f" and version {version}." if version else "."))
    units = []
    for code in unit_codes:
        unit = orgunits.by_code(code)
        if unit is None:
            fail(f"No org unit has the code {code}.")
        units.append(unit)
    if codes_count and without_codes:
        fail("--codes and --without-codes contradict each other.")
    if codes_count and not codes_file:
        fail("--codes needs --codes-file: codes are shown only once, so they must be written somewhere.")
    if codes_file and not codes_count:
        fail("--codes-file needs --codes N (codes per unit).")
    _refuse_existing(codes_file, letters_path)
    try:
        campaign = services.create_campaign(
            name=name, questionnaire=questionnaire, units=units, opens_at=_when(opens),
            closes_at=_when(closes, end_of_day=True), open_link=open_link, use_codes=not without_codes,
            min_group=min_group, period=period,
        )
        batches = [(cu.unit, services.add_codes(campaign, cu.unit, codes_count)) for cu in campaign.units] if codes_count else []
    except services.CampaignError as error:
        db.session.rollback()
        fail(str(error))
    campaign_id = campaign.id
    if batches:
        _write_codes(campaign, batches, codes_file, letters_path, language, base_url)
    else:
        db.session.commit()
    click.echo(campaign_id)


@campaign_cli.command("codes")
@click.argument("campaign_id", type=int)
@click.option("--unit", "unit_code", required=True, help="Org unit code (a unit of the round).")
@click.option("--count", type=int, required=True, help="How many new codes.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="CSV file for mail merge.")
@click.option("--letters", "letters_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a PDF with one letter per code.")
@click.option("--language", type=click.Choice(["nb", "nn", "en"]), default="nb", show_default=True, help="Language of the letters.")
@click.option("--base-url", help="Public address of Helhet for the letters and the code file (default: PUBLIC_BASE_URL; "
                                 "needed when that is not set or is this computer's own address).")
@with_appcontext
def campaign_codes(campaign_id, unit_code, count, out, letters_path, language, base_url) -> None:
    """Issue more invitation codes for one unit of a round."""
    from collector import services
    from helhet import orgunits

    campaign = _campaign(campaign_id)
    unit = orgunits.by_code(unit_code)
    if unit is None:
        fail(f"No org unit has the code {unit_code}.")
    _refuse_existing(out, letters_path)
    try:
        issued = services.add_codes(campaign, unit, count)
    except services.CampaignError as error:
        db.session.rollback()
        fail(str(error))
    _write_codes(campaign, [(unit, issued)], out, letters_path, language, base_url)


@campaign_cli.command("status")
@click.argument("campaign_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_appcontext
def campaign_status(campaign_id, fmt) -> None:
    """Population, responses and response rate per unit (counts only)."""
    from collector import queries

    data = queries.status_dict(_campaign(campaign_id))
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    state = f"{data['state']}, sealed" if data["sealed"] else data["state"]
    click.echo(f"{data['name']} ({state}, {data['opens_at']} - {data['closes_at']})")
    for unit in data["units"]:
        rate = "-" if unit["response_rate"] is None else f"{unit['response_rate'] * 100:.0f} %"
        population = "-" if unit["population"] is None else unit["population"]
        flag = "  UNUSUAL OPEN-LINK ANSWERS" if unit["spike"] else ""
        held = sum(unit["held"].values())
        if held:
            flag += f"  {held} HELD (`helhet campaign held {data['id']} --unit {unit['code']} --accept|--discard`)"
        click.echo(f"  {unit['code']:<28} {unit['responses']:>6} / {population!s:<6} {rate:>6}{flag}")
    total_rate = "-" if data["response_rate"] is None else f"{data['response_rate'] * 100:.0f} %"
    click.echo(f"  {'all units':<28} {data['responses']:>6} / {data['population']!s:<6} {total_rate:>6}")


@campaign_cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_appcontext
def campaign_list(fmt) -> None:
    """Every round with its state and number of responses."""
    from collector import queries
    from collector.clock import to_local

    rows = [{"id": r.campaign.id, "name": r.campaign.name, "state": r.state.value,
             "opens_at": to_local(r.campaign.opens_at).isoformat(timespec="minutes"),
             "closes_at": to_local(r.campaign.closes_at).isoformat(timespec="minutes"),
             "units": r.units, "responses": r.responses} for r in queries.campaign_list()]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:>4}  {r['state']:<9} {r['opens_at']} - {r['closes_at']}  {r['responses']:>6}  {r['name']}")


@campaign_cli.command("extend")
@click.argument("campaign_id", type=int)
@click.option("--closes", required=True, help="New, later closing date or time (Europe/Oslo).")
@with_appcontext
def campaign_extend(campaign_id, closes) -> None:
    """Move a round's closing time later."""
    from collector import services

    campaign = _campaign(campaign_id)
    try:
        services.extend(campaign, _when(closes, end_of_day=True))
    except services.CampaignError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    click.echo(f"Round {campaign.id} now closes {closes}.")


@campaign_cli.command("close")
@click.argument("campaign_id", type=int)
@with_appcontext
def campaign_close(campaign_id) -> None:
    """Close a round now, or finish closing one whose time has run out: its responses are mixed
    so that no code can be linked to an answer, and its unfinished open-link answers removed."""
    from collector import mixing, services

    campaign = _campaign(campaign_id)
    try:
        removed = services.close_now(campaign)
    except services.CampaignError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    click.echo(f"Round {campaign.id} is closed and sealed; {removed} unfinished open-link drafts removed.")
    if not mixing.scrub_storage():
        click.echo("Warning: the database was busy, so the old rows' traces are not scrubbed from its "
                   f"files yet. Run `helhet campaign close {campaign.id}` again later.", err=True)


@campaign_cli.command("held")
@click.argument("campaign_id", type=int)
@click.option("--unit", "unit_code", required=True, help="The unit whose held open-link answers to decide on.")
@click.option("--accept", "decision", flag_value="accept", help="Count them after all.")
@click.option("--discard", "decision", flag_value="discard", help="Delete them.")
@with_appcontext
def campaign_held(campaign_id, unit_code, decision) -> None:
    """Accept or discard the open-link answers held back for one unit (see `campaign status`)."""
    from collector import services

    campaign = _campaign(campaign_id)
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
    click.echo(f"{count} held answers for {unit_code} {'accepted' if decision == 'accept' else 'discarded'}.")


@campaign_cli.command("purge-drafts")
@click.option("--idle-days", type=int, help="Also remove open-link drafts untouched for this many days.")
@with_appcontext
def campaign_purge(idle_days) -> None:
    """Seal rounds whose time has run out and remove unfinished open-link answers nobody can send
    any more (run it daily, e.g. from cron)."""
    from collector import mixing, queries, services

    sealed = services.seal_closed_rounds()
    removed = sum(result.drafts_removed for _campaign, result in sealed)
    removed += services.purge_open_link_drafts(idle_before=queries.idle_cutoff(idle_days) if idle_days else None)
    db.session.commit()
    if sealed and not mixing.scrub_storage():
        click.echo("Warning: the database was busy; the old rows' traces are not scrubbed yet "
                   "(the next run tries again).", err=True)
    for campaign, _result in sealed:
        click.echo(f"Round {campaign.id} has closed and is now sealed.")
    click.echo(f"{removed} open-link drafts removed.")


@click.group("responses")
def responses_cli() -> None:
    """Responses: import answers typed in from paper forms."""


@responses_cli.command("import")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def responses_import(campaign_id, file: Path) -> None:
    """Import paper answers: one row per respondent, columns unit and question keys (all or nothing)."""
    from collector import services

    campaign = _campaign(campaign_id)
    try:
        count = services.import_responses(campaign, file.read_bytes())
    except ImportFailed as failure:
        fail_import(file, failure)
    db.session.commit()
    click.echo(f"Imported {count} responses into round {campaign.id}.")


def register(app: Flask) -> None:
    app.cli.add_command(campaign_cli)
    app.cli.add_command(responses_cli)
