"""A round's results for leaders: the one results service and what is built on it (DESIGN §2).

    services.round_results(campaign, units)   every figure of a round, suppressed once (services.py)
    queries.round_tree(campaign)              the org units a round's results cover (queries.py)
    exports.FORMATS                           json, csv, xlsx: the rows of `helhet results`
                                              (exports.py)
    cli                                       `helhet results ROUND [--unit CODE] --format ...`
    followup                                  follow-up: strengths to keep, areas to improve and
                                              their actions, per round and unit (models.py,
                                              followup.py writes, queries.py reads)

Every page, download, report and API response reads its numbers from `services.round_results`, so
no two of them can disagree and nothing shows a number that suppression hid. docs/results.md
describes the columns. Neither collector nor surveys imports this package.
"""

from flask import Blueprint

bp = Blueprint("results", __name__, cli_group=None)  # cli.py adds `helhet results`; pages come here

from results import admin_routes, cli, routes  # noqa: E402,F401
