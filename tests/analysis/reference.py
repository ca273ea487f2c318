"""Our side of the R reference values: one function per reference row name.

The R side is ../shared/reference/r_survey_api.csv (designs described in its README) and
tests/analysis/data/r_extra.csv (produced by tests/analysis/data/r_extra.R).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import (
    SurveyDesign,
    adjust_pvalues,
    clopper_pearson_interval,
    cronbach_alpha,
    wilson_interval,
)
from tests.shared import SHARED

API = SHARED / "fixtures" / "api"
REFERENCE_CSV = SHARED / "reference" / "r_survey_api.csv"
DATA = Path(__file__).parent / "data"
EXTRA_CSV = DATA / "r_extra.csv"

POP_STYPE = pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
POP_SCHWIDE = pd.DataFrame({"sch.wide": ["No", "Yes"], "Freq": [1072, 5122]})


@cache
def api(name: str) -> pd.DataFrame:
    frame = pd.read_csv(API / f"{name}.csv")
    if name == "apistrat":
        frame["yes"] = frame["sch.wide"] == "Yes"
        frame["api00na"] = frame["api00"].where((np.arange(len(frame)) + 1) % 7 != 0)
    return frame


@cache
def employee() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "employee_small.csv")
    frame["q2_fav"] = (frame["q2"] >= 4).where(frame["q2"].notna())
    return frame


@cache
def designs() -> dict[str, SurveyDesign]:
    srs, strat, clus1 = api("apisrs"), api("apistrat"), api("apiclus1")
    d = {
        "srs": SurveyDesign(srs, fpc="fpc"),
        "srs_nofpc": SurveyDesign(srs, weights="pw"),
        "strat": SurveyDesign(strat, strata="stype", weights="pw", fpc="fpc"),
        "clus1": SurveyDesign(clus1, ids="dnum", weights="pw", fpc="fpc"),
        "employee": SurveyDesign(employee(), strata="unit", fpc="headcount"),
    }
    d["srs.poststratify_stype"] = d["srs"].poststratify("stype", POP_STYPE)
    d["srs.rake_stype_schwide"] = d["srs"].rake(
        [("stype", POP_STYPE), ("sch.wide", POP_SCHWIDE)], maxit=50, epsilon=1e-10
    )
    d["srs.rake_default"] = d["srs"].rake([("stype", POP_STYPE), ("sch.wide", POP_SCHWIDE)])
    d["strat.poststratify_schwide"] = d["strat"].poststratify("sch.wide", POP_SCHWIDE)
    for option in ("adjust", "average", "certainty", "remove"):
        d[f"lonely.{option}"] = SurveyDesign(strat, strata="cname", weights="pw", lonely_psu=option)
    return d


def _row(table: pd.DataFrame, **where) -> dict:
    for column, value in where.items():
        table = table[table[column] == value]
    assert len(table) == 1, where
    return table.iloc[0].to_dict()


P_ADJUST_INPUT = [0.01, 0.04, 0.03, 0.005, 0.2, math.nan, 0.04]


def ours(name: str, level: float = 0.95, df="domain") -> dict:
    """Our estimate, se, ci_low, ci_high, df for a reference row name.

    df="design" reports the whole design's degrees of freedom for domain rows, as the df column
    of r_survey_api.csv does (degf(dstrat) for the svyby rows).
    """
    d = designs()
    parts = name.split(".")
    if name.startswith("binom."):
        k, n = (int(v) for v in parts[1].removeprefix("k").split("n"))
        lo, hi = (wilson_interval if parts[-1] == "wilson" else clopper_pearson_interval)(
            k, n, level
        )
        return {"estimate": k / n, "ci_low": float(lo), "ci_high": float(hi)}
    if name == "alpha.apistrat4":
        a = cronbach_alpha(api("apistrat")[["pcttest", "api00", "api99", "avg.ed"]], level)
        return {"estimate": a.alpha, "ci_low": a.ci_low, "ci_high": a.ci_high, "df": a.n}
    if name.startswith("padjust"):
        method, i = parts[1], int(parts[2])
        return {"estimate": float(adjust_pvalues(P_ADJUST_INPUT, method.lower())[i - 1])}
    if name.endswith(".level90"):
        return ours(name.removesuffix(".level90"), level=0.90)
    if name == "strat.ttest.api00_by_schwide":
        c = d["strat"].compare("api00", by="sch.wide", a="Yes", b="No")
        return {"estimate": c.difference, "se": c.se, "df": c.df}
    if name.startswith("employee.ttest"):
        c = d["employee"].compare("q2", by="unit", a="A", b="F")
        if name.endswith(".p"):
            return {"estimate": c.p_value}
        return {"estimate": c.difference, "se": c.se, "df": c.df}
    if ".prop." in name:
        design_name, rest = name.split(".prop.")
        variable, *domain = rest.split(".")
        method = domain.pop()
        condition = {"schwide_yes": "yes", "q2_fav": "q2_fav"}[variable]
        if domain:
            by = {"by_stype": "stype", "by_unit": "unit"}[domain[0]]
            return _row(
                d[design_name].proportion(condition, by=by, method=method, level=level),
                **{by: domain[1]},
            )
        return _row(d[design_name].proportion(condition, method=method, level=level))
    for statistic in ("mean", "total"):
        marker = f".{statistic}."
        if marker in name:
            design_name, rest = name.split(marker)
            variable, *domain = rest.split(".")
            design = d[design_name]
            if domain:
                by = {"by_stype": "stype", "by_unit": "unit", "by_schwide": "sch.wide"}[domain[0]]
                table = getattr(design, statistic)(variable, by=by, level=level, df=df)
                return _row(table, **{by: domain[1]})
            return _row(getattr(design, statistic)(variable, level=level))
    raise KeyError(name)
