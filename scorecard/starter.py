"""The starter set of figure indicators: the figures Norwegian municipalities steer by.

`services.install_starter_indicators()` adds the ones a database lacks (by key) and never changes
one that is there, so that an administrator's edits stay; `helhet init-db` and `helhet demo` call
it. The texts are data, not messages: they are stored per language like a questionnaire's.
"""

from __future__ import annotations

from scorecard.models import Dimension, Direction, Measure

STARTER_INDICATORS: list[dict] = [
    {
        "key": "netto_driftsresultat",
        "name": {
            "nb": "Netto driftsresultat",
            "nn": "Netto driftsresultat",
            "en": "Net operating result",
        },
        "description": {
            "nb": "Netto driftsresultat i prosent av brutto driftsinntekter: det som er igjen av"
            " driftsinntektene til avsetning og investering.",
            "nn": "Netto driftsresultat i prosent av brutto driftsinntekter: det som er att av"
            " driftsinntektene til avsetjing og investering.",
            "en": "Net operating result as a percentage of gross operating revenue: what is left"
            " of the operating revenue for reserves and investment.",
        },
        "dimension": Dimension.ECONOMY,
        "measure": Measure.PERCENT,
        "direction": Direction.HIGHER,
        "decimals": 1,
        "source": "SSB, KOSTRA (finansielle nøkkeltall)",
    },
    {
        "key": "disposisjonsfond",
        "name": {"nb": "Disposisjonsfond", "nn": "Disposisjonsfond", "en": "Unrestricted reserves"},
        "description": {
            "nb": "Disposisjonsfond i prosent av brutto driftsinntekter: buffer mot uforutsette"
            " utgifter og svikt i inntektene.",
            "nn": "Disposisjonsfond i prosent av brutto driftsinntekter: buffer mot uventa"
            " utgifter og svikt i inntektene.",
            "en": "Unrestricted reserves (disposisjonsfond) as a percentage of gross operating"
            " revenue: a buffer against unforeseen costs and lost revenue.",
        },
        "dimension": Dimension.ECONOMY,
        "measure": Measure.PERCENT,
        "direction": Direction.HIGHER,
        "decimals": 1,
        "source": "SSB, KOSTRA (finansielle nøkkeltall)",
    },
    {
        "key": "netto_lanegjeld",
        "name": {"nb": "Netto lånegjeld", "nn": "Netto lånegjeld", "en": "Net debt"},
        "description": {
            "nb": "Netto lånegjeld i prosent av brutto driftsinntekter.",
            "nn": "Netto lånegjeld i prosent av brutto driftsinntekter.",
            "en": "Net debt as a percentage of gross operating revenue.",
        },
        "dimension": Dimension.ECONOMY,
        "measure": Measure.PERCENT,
        "direction": Direction.LOWER,
        "decimals": 1,
        "source": "SSB, KOSTRA (finansielle nøkkeltall)",
    },
    {
        "key": "sykefravaer",
        "name": {"nb": "Sykefravær", "nn": "Sjukefråvær", "en": "Sickness absence"},
        "description": {
            "nb": "Legemeldt og egenmeldt sykefravær i prosent av avtalte dagsverk.",
            "nn": "Legemeldt og eigenmeldt sjukefråvær i prosent av avtalte dagsverk.",
            "en": "Sickness absence, certified and self-certified, as a percentage of contracted"
            " working days.",
        },
        "dimension": Dimension.ORGANISATION,
        "measure": Measure.PERCENT,
        "direction": Direction.LOWER,
        "decimals": 1,
        "source": "Kommunens personalsystem / SSB",
    },
    {
        "key": "befolkningsvekst",
        "name": {"nb": "Befolkningsvekst", "nn": "Folketalsvekst", "en": "Population growth"},
        "description": {
            "nb": "Endring i folketallet gjennom året, i prosent av folketallet 1. januar.",
            "nn": "Endring i folketalet gjennom året, i prosent av folketalet 1. januar.",
            "en": "Change in the population over the year, as a percentage of the population on"
            " 1 January.",
        },
        "dimension": Dimension.COMMUNITY,
        "measure": Measure.PERCENT,
        "direction": Direction.HIGHER,
        "decimals": 1,
        "source": "SSB, befolkningsstatistikk",
    },
]
