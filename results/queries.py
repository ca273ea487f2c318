"""Reads for results: the org units a round's results cover, and the follow-up of a round's unit.

tree = round_tree(campaign)
tree.nodes          the round's units and every ancestor up to the municipality, in tree order
tree.parent[code]   the parent's code within the tree (None at the top)
tree.strata[code]   the round's units in the subtree of `code` (itself included if it is one):
                    the strata whose respondents make up the figures of `code`
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collector import tallies
from collector.clock import utcnow
from collector.models import Campaign
from helhet import queries as core_queries
from helhet.extensions import db
from helhet.models import OrgUnit
from results.models import FollowupAction, FollowupPoint
from surveys.models import Questionnaire


@dataclass(frozen=True)
class RoundTree:
    """The org units a round's results are shown for: its units and all their ancestors.

    nodes        OrgUnits in tree order (helhet.queries.flattened: parents first, children by name)
    depth        code -> depth (0 for the municipality)
    parent       code -> parent code, None at the top
    strata       code -> codes of the round's units in its subtree (the unit itself included when
                 it is a unit of the round), in tree order; a figure of `code` is the domain
                 estimate over these strata
    round_units  codes of the units the round covers (its strata)
    """

    nodes: tuple[OrgUnit, ...]
    depth: dict[str, int]
    parent: dict[str, str | None]
    strata: dict[str, tuple[str, ...]]
    round_units: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return code in self.depth

    def is_single_stratum(self, code: str) -> bool:
        """True when the figures of `code` come from one stratum only: a unit of the round with no
        unit of the round below it."""
        return self.strata[code] == (code,)

    def ancestors(self, code: str) -> list[str]:
        """`code` and its ancestors, from the municipality down to `code`."""
        chain = []
        node: str | None = code
        while node is not None:
            chain.append(node)
            node = self.parent[node]
        return chain[::-1]


def round_tree(campaign: Campaign) -> RoundTree:
    """The round's units and their ancestors (one query for the whole org tree; read once per
    request)."""
    if has_request_context():
        trees = g.setdefault("round_trees", {})
        if campaign.id not in trees:
            trees[campaign.id] = _round_tree(campaign)
        return trees[campaign.id]
    return _round_tree(campaign)


def _round_tree(campaign: Campaign) -> RoundTree:
    round_ids = {cu.unit_id for cu in campaign.units}
    flat = core_queries.flattened()
    by_id = {unit.id: unit for unit, _ in flat}
    wanted: set[int] = set()
    for unit_id in round_ids:
        node = by_id.get(unit_id)
        while node is not None and node.id not in wanted:
            wanted.add(node.id)
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
    nodes = tuple(unit for unit, _ in flat if unit.id in wanted)
    depth = {unit.code: d for unit, d in flat if unit.id in wanted}
    parent = {
        unit.code: (by_id[unit.parent_id].code if unit.parent_id in by_id else None)
        for unit in nodes
    }
    round_codes = frozenset(unit.code for unit in nodes if unit.id in round_ids)
    strata: dict[str, list[str]] = {unit.code: [] for unit in nodes}
    for unit in nodes:
        if unit.code in round_codes:
            node: str | None = unit.code
            while node is not None:
                strata[node].append(unit.code)
                node = parent[node]
    return RoundTree(
        nodes=nodes,
        depth=depth,
        parent=parent,
        strata={code: tuple(found) for code, found in strata.items()},
        round_units=round_codes,
    )


def answer_counts(
    campaign: Campaign, question_keys: list[str]
) -> dict[tuple[str, str, float], int]:
    """(org unit code, question key, value) -> counted answers with that value, per round unit
    (from the round's tallies; "vet ikke" and unanswered are left out). Not suppressed: the
    caller shows a distribution only where `services.round_results` shows the item's cell."""
    if not question_keys:
        return {}
    wanted = set(question_keys)
    code_of = {cu.unit_id: cu.unit.code for cu in campaign.units}
    return {
        (code_of[unit_id], key, value): n
        for (unit_id, key, dont_know, value), n in tallies.current(campaign, wanted).items.items()
        if key in wanted and not dont_know and n and unit_id in code_of
    }


def earlier_rounds(campaign: Campaign) -> list[Campaign]:
    """Closed rounds of the same questionnaire key that closed before `campaign`, newest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .join(Questionnaire, Questionnaire.id == Campaign.questionnaire_id)
            .where(
                Questionnaire.key == campaign.questionnaire.key,
                Campaign.id != campaign.id,
                Campaign.closes_at < campaign.closes_at,
                Campaign.closes_at <= utcnow(),
            )
            .order_by(Campaign.closes_at.desc(), Campaign.id.desc())
        )
    )


def previous_round(campaign: Campaign, code: str) -> Campaign | None:
    """The latest earlier closed round of the same questionnaire whose results cover `code`."""
    for earlier in earlier_rounds(campaign):
        if code in round_tree(earlier):
            return earlier
    return None


def rounds() -> list[Campaign]:
    """Every round, the latest to close first."""
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.closes_at.desc(), Campaign.id.desc()))
    )


# --- follow-up (results/followup.py writes it) ---------------------------------------------------


def followup_points(campaign: Campaign, unit: OrgUnit) -> list[FollowupPoint]:
    """The round's follow-up points for `unit` with their actions, in the order written."""
    return list(
        db.session.scalars(
            select(FollowupPoint)
            .where(FollowupPoint.campaign_id == campaign.id, FollowupPoint.unit_id == unit.id)
            .options(selectinload(FollowupPoint.actions))
            .order_by(FollowupPoint.id)
        )
    )


def followup_point(campaign: Campaign, unit: OrgUnit, point_id: int) -> FollowupPoint | None:
    """The point `point_id` if it belongs to this round and unit, else None."""
    return db.session.scalar(
        select(FollowupPoint).where(
            FollowupPoint.id == point_id,
            FollowupPoint.campaign_id == campaign.id,
            FollowupPoint.unit_id == unit.id,
        )
    )


def followup_action(campaign: Campaign, unit: OrgUnit, action_id: int) -> FollowupAction | None:
    """The action `action_id` if its point belongs to this round and unit, else None."""
    return db.session.scalar(
        select(FollowupAction)
        .join(FollowupPoint, FollowupPoint.id == FollowupAction.point_id)
        .where(
            FollowupAction.id == action_id,
            FollowupPoint.campaign_id == campaign.id,
            FollowupPoint.unit_id == unit.id,
        )
    )
