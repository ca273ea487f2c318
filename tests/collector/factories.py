"""Factories for collector tests: questionnaires (built with the surveys models), rounds, codes.

Each makes one thing, with defaults a test can override; they commit so that a test client (a
separate request) sees the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from collector import codes, services
from collector.clock import utcnow
from collector.models import Campaign, CampaignUnit
from helhet.extensions import db
from helhet.models import OrgUnit
from surveys.models import (
    Choice,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireStatus,
    QuestionType,
    Section,
)

EXTRA_TYPES = ("single", "multiple", "number", "text", "info")


def make_question(
    key: str, type_: str = "scale", required: bool = True, position: int = 0, **extra
) -> Question:
    question = Question(
        key=key,
        type=QuestionType(type_),
        position=position,
        required=required,
        text={"nb": f"Spørsmål {key}", "nn": f"Spørsmål {key} (nynorsk)", "en": f"Question {key}"},
    )
    if type_ == "scale":
        question.scale_min = extra.get("scale_min", 1)
        question.scale_max = extra.get("scale_max", 6)
        question.low_label = {
            "nb": "Svært misfornøyd",
            "nn": "Svært misnøgd",
            "en": "Very dissatisfied",
        }
        question.high_label = {"nb": "Svært fornøyd", "nn": "Svært nøgd", "en": "Very satisfied"}
        question.dont_know = extra.get("dont_know", True)
    elif type_ in ("single", "multiple"):
        for i, (value, nb, en) in enumerate(
            [
                ("a", "Alternativ A", "Option A"),
                ("b", "Alternativ B", "Option B"),
                ("c", "Alternativ C", "Option C"),
            ]
        ):
            question.choices.append(
                Choice(value=value, position=i, label={"nb": nb, "nn": nb, "en": en})
            )
    elif type_ == "number":
        question.min_value, question.max_value, question.integer_only = 0, 120, True
    elif type_ == "text":
        question.max_length = extra.get("max_length", 500)
        question.required = False
    elif type_ == "info":
        question.required = False
        question.text = {
            "nb": "Nå kommer noen spørsmål om arbeidsmiljøet.",
            "nn": "No kjem nokre spørsmål om arbeidsmiljøet.",
            "en": "Now some questions about the working environment.",
        }
    return question


def make_questionnaire(
    key: str = "test",
    sections: int = 3,
    questions_per_section: int = 10,
    published: bool = True,
    extra_types: tuple[str, ...] = (),
    required: bool = True,
    kind: str = "employee",
    version: int = 1,
    grid_sections: tuple[int, ...] = (),
) -> Questionnaire:
    """A questionnaire with `sections` pages of `questions_per_section` scale questions (1-6,
    "vet ikke" allowed), keys s<section>q<n>; `extra_types` adds one question of each named
    type at the end of the first section (keys x_<type>). The scale questions of the sections
    numbered in `grid_sections` are shown as one grid per section (grid key grid<section>)."""
    questionnaire = Questionnaire(
        key=key,
        version=version,
        kind=QuestionnaireKind(kind),
        title={
            "nb": "Medarbeiderundersøkelse",
            "nn": "Medarbeidarundersøking",
            "en": "Employee survey",
        },
        description={
            "nb": "Om arbeidsplassen din.",
            "nn": "Om arbeidsplassen din.",
            "en": "About your workplace.",
        },
    )
    for s in range(1, sections + 1):
        section = Section(position=s, title={"nb": f"Del {s}", "nn": f"Del {s}", "en": f"Part {s}"})
        for n in range(1, questions_per_section + 1):
            question = make_question(f"s{s}q{n}", required=required, position=n)
            question.grid = f"grid{s}" if s in grid_sections else None
            section.questions.append(question)
        if s == 1:
            for i, type_ in enumerate(extra_types, start=questions_per_section + 1):
                section.questions.append(
                    make_question(
                        f"x_{type_}", type_, required=type_ in ("single", "number"), position=i
                    )
                )
        questionnaire.sections.append(section)
    if published:
        questionnaire.status = QuestionnaireStatus.PUBLISHED
        questionnaire.published_at = utcnow()
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def make_campaign(
    questionnaire: Questionnaire,
    units: list[OrgUnit],
    state: str = "open",
    open_link: bool = True,
    use_codes: bool = True,
    min_group: int = 5,
    period: int = 2026,
    name: str = "Testrunde",
) -> Campaign:
    """A round in `state`: "open" (opened a day ago, closes in a week), "scheduled" (opens
    tomorrow) or "closed" (closed an hour ago)."""
    now = utcnow()
    opens, closes = {
        "open": (now - timedelta(days=1), now + timedelta(days=7)),
        "scheduled": (now + timedelta(days=1), now + timedelta(days=8)),
        "closed": (now - timedelta(days=8), now - timedelta(hours=1)),
    }[state]
    campaign = Campaign(
        name=name,
        questionnaire=questionnaire,
        period=period,
        opens_at=opens,
        closes_at=closes,
        open_link=open_link,
        use_codes=use_codes,
        min_group=min_group,
    )
    for unit in units:
        campaign.units.append(CampaignUnit(unit=unit, link_token=codes.new_link_path_token()))
    db.session.add(campaign)
    db.session.commit()
    return campaign


def make_codes(campaign: Campaign, unit: OrgUnit, count: int = 1) -> list[str]:
    """`count` new codes (normalised) for a unit of the round."""
    issued = services.add_codes(campaign, unit, count)
    db.session.commit()
    return issued


@dataclass
class Round:
    questionnaire: Questionnaire
    campaign: Campaign
    unit: OrgUnit
    codes: list[str]


def make_open_round(tree: dict[str, OrgUnit], codes: int = 3) -> Round:
    """The common start: a published 3-page questionnaire (30 scale questions and one of each other
    type on page 1) and an open round (codes and open link) for Hjemmetjenesten, with `codes` codes.
    """
    questionnaire = make_questionnaire(extra_types=EXTRA_TYPES)
    unit = tree["4601-helse-hjemme"]
    campaign = make_campaign(questionnaire, [unit])
    return Round(questionnaire, campaign, unit, make_codes(campaign, unit, codes))
