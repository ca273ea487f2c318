"""The result pages: the rounds a reader may see, a unit's summary, an indicator's drill-down and
the downloads (the rows of `helhet results`). Leaders read closed rounds of their own subtree;
administrators every round, open ones marked preliminary.

Every page about a round is loaded by `_load` once: the round (404 when it does not exist or the
reader may not see it) and the unit (404 outside the round's results, 403 outside the reader's
subtree). The numbers come from results/pages.py, which reads `services.round_results` for the
units the reader may see only.
"""

from __future__ import annotations

import base64
import io

from flask import abort, render_template, send_file
from flask_babel import gettext as _

from analysis.formatting import format_interval, format_number, format_percent
from collector import queries as collector_queries
from collector.models import Campaign
from helhet.access import staff_only
from helhet.extensions import db
from helhet.i18n import current_language
from helhet.models import OrgUnit
from results import bp, pages, queries, report
from results.exports import FORMATS, export_rows

LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


@bp.context_processor
def result_helpers():
    return {
        "number": lambda value, decimals=1: format_number(value, decimals, current_language()),
        "percent": lambda share: format_percent(share, 0, current_language()),
        "interval": lambda low, high, decimals=0: format_interval(
            low, high, decimals, current_language()
        ),
        "svg_src": lambda chart: (
            "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")
        ),
        "too_few": lambda n, reason=None: (
            _("Hidden to protect another unit with few answers")
            if reason == "complementary"
            else _("Too few answers to show a result (under %(n)s)", n=n)
        ),
    }


def _campaign(campaign_id: int, reader: pages.Reader) -> Campaign:
    campaign = collector_queries.campaign(campaign_id) if 1 <= campaign_id <= LARGEST_ID else None
    if campaign is None or not reader.may_see(campaign):
        abort(404)
    return campaign


def _load(campaign_id: int, unit_id: int | None) -> tuple[Campaign, OrgUnit, pages.Reader]:
    """The round and the unit, or the reader's top unit of the round when `unit_id` is None."""
    reader = pages.Reader.current()
    campaign = _campaign(campaign_id, reader)
    tree = queries.round_tree(campaign)
    if unit_id is None:
        nodes = reader.nodes(tree)
        if not nodes:
            abort(404)
        return campaign, nodes[0], reader
    unit = db.session.get(OrgUnit, unit_id) if 1 <= unit_id <= LARGEST_ID else None
    if unit is None or unit.code not in tree:
        abort(404)
    if not reader.reads(unit):
        abort(403)
    return campaign, unit, reader


@bp.get("/resultater")
@staff_only
def rounds():
    return render_template("results/list.html", rounds=pages.visible_rounds(pages.Reader.current()))


@bp.get("/resultater/<int:campaign_id>")
@staff_only
def round_summary(campaign_id: int):
    campaign, unit, reader = _load(campaign_id, None)
    return _summary_page(campaign, unit, reader)


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>")
@staff_only
def unit_summary(campaign_id: int, unit_id: int):
    campaign, unit, reader = _load(campaign_id, unit_id)
    return _summary_page(campaign, unit, reader)


def _summary_page(campaign: Campaign, unit: OrgUnit, reader: pages.Reader):
    return render_template(
        "results/summary.html",
        summary=pages.summary(campaign, unit, reader),
        formats=FORMATS,
    )


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/indikator/<indicator_key>")
@staff_only
def indicator(campaign_id: int, unit_id: int, indicator_key: str):
    campaign, unit, reader = _load(campaign_id, unit_id)
    page = pages.indicator_page(
        campaign,
        unit,
        indicator_key,
        reader,
        current_language(),
        report.chart_texts(unit),
    )
    if page is None:
        abort(404)
    return render_template("results/indicator.html", page=page, formats=FORMATS)


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/rapport.pdf")
@staff_only
def report_pdf(campaign_id: int, unit_id: int):
    """The unit's PDF report in the reader's language, with the summary page's access."""
    campaign, unit, reader = _load(campaign_id, unit_id)
    body = report.report_pdf(campaign, unit, reader, current_language())
    return send_file(
        io.BytesIO(body),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"rapport-{campaign.id}-{unit.code}.pdf",
    )


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/resultater.<fmt>")
@staff_only
def download(campaign_id: int, unit_id: int, fmt: str):
    export = FORMATS.get(fmt)
    if export is None:
        abort(404)
    campaign, unit, reader = _load(campaign_id, unit_id)
    body = export.render(export_rows(pages.download_results(campaign, unit, reader)))
    return send_file(
        io.BytesIO(body),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=f"resultater-{campaign.id}-{unit.code}.{export.extension}",
    )
