"""Benchmark: the analysis of a national-scale employee survey.

    .venv/bin/python bench/analysis.py            # full size: 1,000,000 respondents
    .venv/bin/python bench/analysis.py --small    # 100,000 respondents, for a quick look

Generates (fixed seed) respondents in 400 units with 30 items on 1-5 and ~5 % "vet ikke"
(NaN); the design is strata = units, fpc = unit headcount. Times, best of three runs:
- item_table_s: the full per-unit x per-item table (estimate, se, interval, n, df) through the
  public API `analysis.item_table` (builds the design, then `SurveyDesign.mean_table`);
- floor_s: the same table by hand with the least numpy work we know (np.bincount per item for
  n, sum and sum of squares, then the closed-form variance): the floor we compare against;
- indicator_table_s: respondent-level index scores for 6 indicators of 5 items each
  (`indicator_scores`) and their per-unit table;
- r_s / r_speedup: when Rscript with the survey package is installed, R's
  svyby(~item, ~unit, design, svymean, na.rm=TRUE) for every item on a 100,000-respondent
  subset, against our item table on the same subset, and the largest difference between them.
Ends with one line of key=value figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import indicator_scores, item_table  # noqa: E402

SEED = 20240601
UNITS = 400
ITEMS = [f"q{j:02d}" for j in range(1, 31)]
INDICATORS = {f"ind{k + 1}": ITEMS[5 * k : 5 * k + 5] for k in range(6)}
DONT_KNOW_SHARE = 0.05
R_SUBSET = 100_000


def generate(respondents: int, seed: int = SEED) -> pd.DataFrame:
    """Respondents in UNITS units (sizes vary), items on 1-5 with NaN for "vet ikke"."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(mean=0.0, sigma=0.8, size=UNITS)
    size = np.maximum(1, np.floor(size / size.sum() * respondents)).astype(np.int64)
    size[np.argmax(size)] += respondents - size.sum()
    unit = np.repeat(np.arange(UNITS), size)
    response_rate = rng.uniform(0.55, 1.0, size=UNITS)
    response_rate[rng.random(UNITS) < 0.05] = 1.0  # some units answer in full: a census
    headcount = np.ceil(size / response_rate).astype(np.int64)
    unit_effect = rng.normal(0.0, 0.4, size=UNITS)[unit]
    person_effect = rng.normal(0.0, 0.5, size=len(unit))
    columns = {
        "unit": np.char.add("enhet-", unit.astype(str).astype("U3")),
        "headcount": headcount[unit],
    }
    for j, item in enumerate(ITEMS):
        mean = 3.2 + 0.3 * np.sin(j) + unit_effect + person_effect
        y = np.clip(np.rint(mean + rng.normal(0.0, 0.8, size=len(unit))), 1, 5)
        y[rng.random(len(unit)) < DONT_KNOW_SHARE] = np.nan
        columns[item] = y
    frame = pd.DataFrame(columns)
    frame["unit"] = frame["unit"].astype(str)
    return frame


def floor_table(
    codes: np.ndarray, n_units: int, n_h: np.ndarray, N_h: np.ndarray, columns: list[np.ndarray]
):
    """The item table with the least work: bincount n, sum, sumsq per item, closed form."""
    fpc = 1.0 - n_h / N_h
    out = []
    for y in columns:
        ok = ~np.isnan(y)
        c = codes[ok]
        v = y[ok]
        m = np.bincount(c, minlength=n_units)
        s = np.bincount(c, weights=v, minlength=n_units)
        q = np.bincount(c, weights=v * v, minlength=n_units)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = s / m
            var = fpc * n_h / (n_h - 1.0) * (q - s * s / m) / (m * m)
            se = np.sqrt(np.maximum(var, 0.0))
            t = stats.t.ppf(0.975, np.maximum(m - 1, 1))
        out.append((mean, se, mean - t * se, mean + t * se, m, m - 1))
    return out


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def indicator_table(frame: pd.DataFrame) -> pd.DataFrame:
    scores = pd.DataFrame({"unit": frame["unit"], "headcount": frame["headcount"]})
    for name, items in INDICATORS.items():
        scores[name] = indicator_scores(frame, items, scale=(1, 5), min_share=0.5)
    return item_table(scores, list(INDICATORS), unit="unit", population="headcount")


R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
items <- grep("^q", names(d), value = TRUE)
start <- proc.time()[["elapsed"]]
design <- svydesign(id = ~1, strata = ~unit, fpc = ~headcount, data = d)
out <- list()
for (item in items) {
  r <- svyby(as.formula(paste0("~", item)), ~unit, design, svymean, na.rm = TRUE)
  out[[item]] <- data.frame(unit = r$unit, item = item, estimate = r[[item]], se = r$se)
}
elapsed <- proc.time()[["elapsed"]] - start
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
cat(elapsed, "\n", file = args[3])
"""


def r_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    check = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True, text=True
    )
    return check.returncode == 0


def run_r(subset: pd.DataFrame):
    """(R seconds, our seconds on the same subset, largest relative difference) or None."""
    if not r_available():
        return None
    ours_seconds, table = best_of(
        3, lambda: item_table(subset, ITEMS, unit="unit", population="headcount")
    )
    with tempfile.TemporaryDirectory() as tmp:
        data, result, timing, script = (Path(tmp) / n for n in ("d.csv", "r.csv", "t.txt", "s.R"))
        subset.to_csv(data, index=False)
        script.write_text(R_SCRIPT)
        subprocess.run(["Rscript", str(script), str(data), str(result), str(timing)], check=True)
        r_seconds = float(timing.read_text().split()[0])
        r_table = pd.read_csv(result)
    merged = table.merge(r_table, on=["unit", "item"], suffixes=("", "_r"))
    if len(merged) != len(table):
        raise SystemExit("R and analysis disagree on the cells of the table")
    both = merged["se_r"] > 0
    diff = max(
        float(
            np.max(np.abs(merged["estimate"] - merged["estimate_r"]) / np.abs(merged["estimate_r"]))
        ),
        float(np.max(np.abs(merged["se"][both] - merged["se_r"][both]) / merged["se_r"][both])),
    )
    return r_seconds, ours_seconds, diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--small", action="store_true", help="100,000 respondents instead of 1,000,000"
    )
    parser.add_argument("--no-r", action="store_true", help="skip the comparison with R")
    args = parser.parse_args()
    respondents = 100_000 if args.small else 1_000_000

    start = time.perf_counter()
    frame = generate(respondents)
    print(
        f"generated {len(frame):,} respondents x {len(ITEMS)} items in {frame['unit'].nunique()}"
        f" units ({time.perf_counter() - start:.1f} s); vet ikke"
        f" {frame[ITEMS].isna().mean().mean():.1%}"
    )

    item_s, table = best_of(
        3, lambda: item_table(frame, ITEMS, unit="unit", population="headcount")
    )
    print(f"item table ({len(table):,} cells) through analysis.item_table: {item_s:.3f} s")

    codes, units = pd.factorize(frame["unit"], sort=True)
    n_h = np.bincount(codes).astype(float)
    N_h = frame.groupby("unit")["headcount"].first().reindex(units).to_numpy(dtype=float)
    columns = [frame[item].to_numpy() for item in ITEMS]
    floor_s, floor = best_of(3, lambda: floor_table(codes, len(units), n_h, N_h, columns))
    print(f"numpy floor (bincount per item, closed form): {floor_s:.3f} s")
    ours = table.set_index(["item", "unit"])
    worst = 0.0
    for item, (mean, se, *_rest) in zip(ITEMS, floor, strict=True):
        part = ours.loc[item].reindex(units)
        worst = max(worst, float(np.nanmax(np.abs(part["estimate"].to_numpy() - mean))))
        finite = np.isfinite(part["se"].to_numpy())
        worst = max(worst, float(np.nanmax(np.abs(part["se"].to_numpy()[finite] - se[finite]))))
    print(f"largest difference analysis vs floor: {worst:.2e}")

    indicator_s, indicators = best_of(3, lambda: indicator_table(frame))
    print(f"indicator table ({len(indicators):,} cells, 6 indicators): {indicator_s:.3f} s")

    r_part = None
    if not args.no_r:
        subset = frame.sample(n=min(R_SUBSET, len(frame)), random_state=SEED).sort_index()
        r_part = run_r(subset)
    if r_part is None:
        r_speedup = "NA"
        print("R comparison: skipped (Rscript with the survey package not found, or --no-r)")
    else:
        r_s, ours_s, diff = r_part
        r_speedup = f"{r_s / ours_s:.0f}"
        print(
            f"R svyby on {R_SUBSET:,} respondents, {len(ITEMS)} items: {r_s:.2f} s; "
            f"analysis on the same subset: {ours_s:.3f} s; speed-up {r_s / ours_s:.0f}x; "
            f"largest relative difference {diff:.1e}"
        )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process, incl. the generated data): {peak_mb:.0f} MB")
    ratio = item_s / floor_s
    goal = "meets" if (ratio <= 3 and item_s < 2 and peak_mb < 2048) else "misses"
    print(f"goal (item table within 3x of floor, under 2 s, peak under 2 GB): {goal}")
    print(
        f"item_table_s={item_s:.2f} floor_s={floor_s:.2f} ratio={ratio:.1f} "
        f"indicator_table_s={indicator_s:.2f} r_speedup={r_speedup} peak_mb={peak_mb:.0f}"
    )


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
