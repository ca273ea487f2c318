"""The demo municipality's scorecard (helhet/demo.py calls `load` after the rounds are closed).

- Figures, through the scorecard's own importer (`scorecard.services.plan_import`), as an
  administrator would import them: two years of SSB's KOSTRA table 12134 as JSON-stat 2.0
  (helhet/data/demo-kostra-12134.json, with the comparison regions EKG13 and EAKUO and a missing
  value with its status symbol), the "revised June figures" that change one of them (a second
  revision), and sickness absence and population growth from a CSV file
  (helhet/data/demo-nokkeltall.csv). The files are for 2025 and 2026; the demo moves them to last
  year and this year, so that they meet this year's survey rounds.
- Goals on all four dimensions for this year, with every status: achieved, not achieved,
  uncertain (and close to the target), and no data (no round, a suppressed small unit, a figure
  missing with its symbol). The survey goals' targets are set from this year's results (rounded
  to one decimal on the side that gives the status the demo wants), so that each status shows
  whatever the simulated answers come out as. Last year's goals for two figures, with measures
  carried out or not.
- Explanations and measures for the goals not reached, the chief executive's summaries, a
  leader's proposal with a comment, and this year's scorecard published.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

from helhet import queries
from helhet.extensions import db
from helhet.models import OrgUnit
from results import queries as results_queries
from results import services as results_services
from scorecard import goal_queries, goal_services
from scorecard import services as figure_services
from scorecard.goal_services import GoalData
from scorecard.models import Dimension

DATA = Path(__file__).parent / "data"
KOSTRA = "demo-kostra-12134.json"
KOSTRA_REVISED = "demo-kostra-12134-revidert.json"
FIGURES = "demo-nokkeltall.csv"
FILE_YEARS = (2025, 2026)  # the years the files hold: last year and this year
KOSTRA_MAP = {
    "KOSnettodriftsres0000": "netto_driftsresultat",
    "KOSdispfond0000": "disposisjonsfond",
    "KOSnettolaanegj0000": "netto_lanegjeld",
}

# (indicator, unit, target, tolerance, owner, rationale): figure goals for this year
FIGURE_GOALS = [
    (
        "netto_driftsresultat",
        "4699",
        2.0,
        0.5,
        "Kommunedirektør",
        "Fylkesmannens anbefaling: minst 2 prosent over tid.",
    ),
    ("disposisjonsfond", "4699", 8.0, None, "Kommunedirektør", "En buffer mot svingninger."),
    ("netto_lanegjeld", "4699", 90.0, 5.0, "Kommunedirektør", "Handlingsregel for gjeld."),
    ("sykefravaer", "4699", 7.5, 0.5, "HR-sjef", "Nærvær gir bedre tjenester."),
    ("sykefravaer", "4699-helse", 10.0, 0.5, "Kommunalsjef helse og omsorg", ""),
    ("sykefravaer", "4699-helse-frisklivs", 6.0, 0.5, "Enhetsleder", ""),
    ("befolkningsvekst", "4699", 0.5, 0.2, "Ordfører", "Kommuneplanens samfunnsdel."),
]
FIGURE_GOALS_BY_KEY = {
    (indicator, code): (target, tolerance, owner, rationale)
    for indicator, code, target, tolerance, owner, rationale in FIGURE_GOALS
}
# (indicator, unit, the status the target is set for, or the target, owner): survey goals
SURVEY_GOALS = [
    ("medarbeiderundersokelse.ledelse", "4699", "achieved", "Kommunedirektør"),
    ("medarbeiderundersokelse.arbeidsmengde", "4699-helse-sykehjem", "not_achieved", "Enhetsleder"),
    ("medarbeiderundersokelse.motivasjon", "4699-helse-frisklivs", "achieved", "Enhetsleder"),
    (
        "bruker_hjemmetjenester.respektfull_behandling",
        "4699-helse-hjemme",
        "uncertain",
        "Enhetsleder",
    ),
    ("bruker_hjemmetjenester.informasjon", "4699-helse-hjemme", "achieved", "Enhetsleder"),
    ("innbyggerundersokelse.tjenester_helhet", "4699", 4.5, "Kommunedirektør"),
    ("innbyggerundersokelse.bosted_helhet", "4699", 4.8, "Ordfører"),
]
EXPLANATIONS = {
    ("netto_lanegjeld", "4699"): (
        "Nytt sykehjem og ny skole er finansiert med lån. Gjelden topper seg i år og faller når"
        " investeringene er ferdige.",
        [
            ("Investeringsplanen legges fram på nytt med færre prosjekter", "Økonomisjef", 3, 31),
            ("Ekstra nedbetaling av lån med salgsinntekter fra tomter", "Økonomisjef", 9, 30),
        ],
    ),
    ("netto_driftsresultat", "4699"): (
        "Høyere pensjonskostnader enn budsjettert. Revidert tall i juni er bedre enn i mars.",
        [("Innsparing i innkjøp gjennom felles avtaler", "Innkjøpssjef", 6, 30)],
    ),
    ("sykefravaer", "4699"): (
        "Høyt langtidsfravær i helse og omsorg trekker hele kommunen opp.",
        [
            ("Tett oppfølging av langtidssykmeldte med bedriftshelsetjenesten", "HR-sjef", 4, 30),
            ("Nærværsprosjekt i helse og omsorg fortsetter", "Kommunalsjef helse", 12, 31),
        ],
    ),
    ("sykefravaer", "4699-helse"): (
        "Fraværet går ned, men ligger fortsatt over målet.",
        [("Turnus med færre delte vakter på sykehjemmet", "Kommunalsjef helse", 8, 31)],
    ),
    ("medarbeiderundersokelse.arbeidsmengde", "4699-helse-sykehjem"): (
        "Flere brukere med store behov og vakante stillinger har gitt høy arbeidsbelastning.",
        [
            ("Rekruttering av sykepleiere med stipendordning", "Enhetsleder", 5, 31),
            ("Arbeidsmiljøgruppe følger opp belastningen hver måned", "Verneombud", 12, 31),
        ],
    ),
    ("bruker_hjemmetjenester.respektfull_behandling", "4699-helse-hjemme"): (
        "Resultatet er godt, men usikkerheten er stor med få svar. Vi følger med.",
        [],
    ),
}
LAST_YEAR_MEASURES = {
    ("sykefravaer", "4699"): [
        ("Nærværsprosjekt i helse og omsorg", "Kommunalsjef helse", 6, 30, True),
        ("Felles rutine for oppfølging av sykmeldte", "HR-sjef", 3, 31, True),
        ("Kurs i sykefraværsoppfølging for alle ledere", "HR-sjef", 10, 31, False),
    ],
    ("netto_lanegjeld", "4699"): [
        ("Utsette bygging av ny idrettshall", "Kommunedirektør", 12, 31, True),
    ],
}
SUMMARIES = {
    Dimension.ECONOMY: (
        "Et krevende år: driftsresultatet er nær målet etter revisjonen i juni, men lånegjelden"
        " er for høy etter store investeringer. Disposisjonsfondet gir oss en buffer."
    ),
    Dimension.SERVICE: (
        "Brukerne av hjemmetjenesten er godt fornøyd. Innbyggerundersøkelsen gjennomføres neste"
        " år, så målene for den har ingen tall ennå."
    ),
    Dimension.ORGANISATION: (
        "Ledelsen får gode tilbakemeldinger. Arbeidsmengden på sykehjemmet og sykefraværet i"
        " helse og omsorg krever fortsatt innsats."
    ),
    Dimension.COMMUNITY: "Befolkningen vokser som planlagt.",
}


def load(units: dict[str, OrgUnit], year: int) -> None:
    """The demo's figures, goals and dialogue (flushes; the caller commits)."""
    years = {str(FILE_YEARS[0]): str(year - 1), str(FILE_YEARS[1]): str(year)}
    _import_figures(years)
    period, last = str(year), str(year - 1)
    goals = {}
    computed: dict = {}  # round id -> its results
    for indicator, code, target, tolerance, owner, rationale in FIGURE_GOALS:
        goals[(indicator, code)] = goal_services.create_goal(
            GoalData(indicator, units[code], period, target, tolerance, owner, rationale)
        )
    for indicator, code, wanted, owner in SURVEY_GOALS:
        target = (
            wanted
            if isinstance(wanted, float)
            else _target(indicator, units[code], year, wanted, computed)
        )
        goals[(indicator, code)] = goal_services.create_goal(
            GoalData(indicator, units[code], period, target, None, owner)
        )
    for key, (explanation, measures) in EXPLANATIONS.items():
        goal = goals[key]
        goal_services.set_explanation(goal, explanation)
        for text, responsible, month, day in measures:
            goal_services.add_measure(goal, text, responsible, date(year + 1, month, day))
    for (indicator, code), measures in LAST_YEAR_MEASURES.items():
        target, tolerance, owner, rationale = FIGURE_GOALS_BY_KEY[(indicator, code)]
        earlier = goal_services.create_goal(
            GoalData(indicator, units[code], last, target, tolerance, owner, rationale)
        )
        for text, responsible, month, day, done in measures:
            measure = goal_services.add_measure(
                earlier, text, responsible, date(year - 1, month, day)
            )
            if done:
                goal_services.set_measure_done(measure, True, today=date(year - 1, month, day))
    chief = queries.user_by_email("kommunedirektor@eksempel.kommune.no")
    leader = queries.user_by_email("helseleder@eksempel.kommune.no")
    for dimension, text in SUMMARIES.items():
        goal_services.save_summary(period, dimension, text, chief)
    proposal = goal_services.propose_goal(
        GoalData(
            "bruker_hjemmetjenester.brukermedvirkning",
            units["4699-helse-hjemme"],
            str(year + 1),
            4.5,
            None,
            "Enhetsleder hjemmetjenesten",
            "Brukerne skal ha mer å si om hjelpen de får.",
        ),
        leader,
        queries.subtree_ids(units["4699-helse"]),
    )
    goal_services.add_comment(
        proposal, chief, "Godt forslag. Kan vi måle det i innbyggerundersøkelsen også?"
    )
    goal_services.publish(period, None)
    db.session.flush()


def _moved_jsonstat(content: bytes, years: dict[str, str]) -> bytes:
    """The dataset with its Tid categories moved to the demo's years."""
    dataset = json.loads(content)
    category = dataset["dimension"]["Tid"]["category"]
    category["index"] = {years.get(k, k): v for k, v in category["index"].items()}
    category["label"] = {years.get(k, k): years.get(v, v) for k, v in category["label"].items()}
    return json.dumps(dataset, ensure_ascii=False).encode("utf-8")


def _moved_csv(content: bytes, years: dict[str, str]) -> bytes:
    """The CSV file with its period column moved to the demo's years."""
    lines = content.decode("utf-8").splitlines()
    moved = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        cells[2] = years.get(cells[2], cells[2])
        moved.append(";".join(cells))
    return ("\n".join(moved) + "\n").encode("utf-8")


def _import(name: str, content: bytes, mappings: dict | None = None) -> None:
    plan = figure_services.plan_import(name, content, mappings)
    if plan.problems:  # the shipped files are right; this says which place if one is not
        raise ValueError(f"{name}: " + "; ".join(str(p) for p in plan.problems))
    figure_services.apply_import(plan)


def _import_figures(years: dict[str, str]) -> None:
    _import(KOSTRA, _moved_jsonstat((DATA / KOSTRA).read_bytes(), years), KOSTRA_MAP)
    _import(KOSTRA_REVISED, _moved_jsonstat((DATA / KOSTRA_REVISED).read_bytes(), years))
    _import(FIGURES, _moved_csv((DATA / FIGURES).read_bytes(), years))


def _target(indicator: str, unit: OrgUnit, year: int, wanted: str, computed: dict) -> float:
    """A target on one decimal that gives the survey goal the status the demo wants, from this
    year's result (the one results service). A suppressed or missing result: the scale's middle
    (the goal has no data whatever its target)."""
    questionnaire_key, indicator_key = indicator.split(".", 1)
    entry = goal_queries.indicator_entries()[indicator]
    low, high = entry.scale
    cell = None
    for campaign in goal_queries.closed_rounds(questionnaire_key, year):
        tree = results_queries.round_tree(campaign)
        if unit.code in tree:
            if campaign.id not in computed:  # once per round: the demo's transaction is open,
                # so the results cache cannot keep them yet
                computed[campaign.id] = results_services.round_results(campaign, tree.nodes)
            cell = computed[campaign.id].cell(unit.code, indicator_key)
            break
    if cell is None or cell.suppressed or cell.ci_low is None:
        return float(round((low + high) / 2, 1))
    if wanted == "achieved":
        target = math.floor(cell.ci_low * 10) / 10
    elif wanted == "not_achieved":
        target = round(math.ceil(cell.ci_high * 10) / 10 + 0.1, 1)
    else:
        target = round(cell.estimate, 1)
        if not cell.ci_low < target < cell.ci_high:
            target = round(cell.estimate, 2)
    return float(min(max(target, low), high))
