"""The result pages only administrators open: a round's anonymised answers (CSV, XLSX, SPSS .sav)
and its free-text answers, for an org unit and every unit below it.

The round and the unit are loaded as for every result page (`routes._load`: 404 for a round or
unit that does not exist or is not in the round's results); `admin_only` turns leaders away (403)
and sends anyone not signed in to the login page. What may be shown is the release rule's
(results/release.py): nothing of a unit whose results the pages hide.
"""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask_babel import gettext as _

from helhet.access import admin_only
from helhet.errors import render_error
from helhet.extensions import db
from helhet.i18n import current_language
from results import answers_export, bp, free_text
from results.routes import _load


@bp.context_processor
def answer_links():
    """The answer formats, for the administrators' links under every result page's downloads."""
    return {"answer_formats": tuple(answers_export.ANSWER_FORMATS)}


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/svar.<fmt>")
@admin_only
def answers_download(campaign_id: int, unit_id: int, fmt: str):
    """The anonymised answers of the unit's subtree, labelled in the reader's language."""
    export = answers_export.ANSWER_FORMATS.get(fmt)
    if export is None:
        return render_error(
            404, message=_("The answers can be downloaded as CSV, XLSX or SPSS (.sav) only.")
        )
    campaign, unit, _reader = _load(campaign_id, unit_id)
    table = answers_export.answer_table(campaign, unit, current_language())
    body = export.render(table)
    answers_export.record_export(campaign, unit, export, table)
    db.session.commit()
    return send_file(
        io.BytesIO(body),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=answers_export.file_name(campaign, unit, export),
    )


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/fritekst")
@admin_only
def free_text_answers(campaign_id: int, unit_id: int):
    """The free-text answers of the unit's subtree, each question's list in random order."""
    campaign, unit, _reader = _load(campaign_id, unit_id)
    return render_template(
        "results/free_text.html",
        page=free_text.free_text_page(campaign, unit),
        formats=answers_export.ANSWER_FORMATS,
    )
