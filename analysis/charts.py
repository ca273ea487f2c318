"""Charts for results pages and reports: matplotlib's Figure API (never pyplot), PNG and SVG.

Every function takes a table (DataFrame) and labels already translated by the caller (title,
axis label, description for alt text, ...), and returns a `Chart`: png bytes, svg bytes, the
plotted numbers as a plain table (for screen readers and for "show as table"), and the alt text.
Numbers on axes and labels use the decimal comma for locale "nb"/"nn" (analysis.formatting). Colours
are the Okabe-Ito palette (colour-blind safe) and ColorBrewer's RdBu for diverging scales; status
colours always come with a text label. SVG output is deterministic (fixed hash salt, no date) and
keeps text as text.

- `indicator_bars`: horizontal bars with interval whiskers and a target line (or per-row
  targets), e.g. the indicators of a unit on 0-100.
- `trend`: estimates over survey rounds with interval bars, one line per series.
- `units_dotplot`: units side by side, sorted, dots with intervals and an optional reference.
- `likert_diverging`: answer distributions per item as diverging stacked bars around the middle.
- `dimension_overview`: for the four dimensions, how many goals are achieved / uncertain /
  not achieved / without data.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from analysis.formatting import EN_DASH, format_number, format_percent

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
SERIES_COLOURS = [
    OKABE_ITO[c]
    for c in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion")
]
NEUTRAL = "#D9D9D9"
STATUS_COLOURS = {
    "achieved": OKABE_ITO["bluish_green"],
    "uncertain": OKABE_ITO["yellow"],
    "not_achieved": OKABE_ITO["vermillion"],
    "no_data": OKABE_ITO["grey"],
}
STATUS_HATCHES = {"achieved": "", "uncertain": "..", "not_achieved": "//", "no_data": "xx"}
STATUSES = tuple(STATUS_COLOURS)
# read by the SVG writer from matplotlib's global rcParams: set only while saving, under a lock so
# that concurrent requests in one process never see each other's settings
_SVG_RC = {"svg.hashsalt": "helhet", "svg.fonttype": "none"}
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Chart:
    """A rendered chart with the numbers behind it.

    png, svg   the image (bytes)
    table      the plotted numbers, one row per bar/point, columns as documented per chart
    title      the chart's title (as passed in)
    description  alt text: the caller's (translated) description, else the title
    locale     the locale used for numbers
    decimals   decimals used for numbers in rows()
    """

    png: bytes
    svg: bytes
    table: pd.DataFrame
    title: str
    description: str
    locale: str
    decimals: int = 1

    def rows(self) -> list[list[str]]:
        """The table as text, header first, numbers formatted for the locale (for <table>)."""
        header = [str(c) for c in self.table.columns]
        body = []
        for record in self.table.itertuples(index=False):
            cells = []
            for value in record:
                if isinstance(value, bool | np.bool_):
                    cells.append(str(value))
                elif isinstance(value, int | np.integer):
                    cells.append(format_number(value, 0, self.locale))
                elif isinstance(value, float | np.floating):
                    cells.append(format_number(value, self.decimals, self.locale))
                else:
                    cells.append(EN_DASH if value is None or value is pd.NA else str(value))
            body.append(cells)
        return [header, *body]


class LocaleFormatter(Formatter):
    """Tick labels with as many decimals as the tick spacing needs, in the locale's style."""

    def __init__(self, locale: str, percent: bool = False):
        self.locale = locale
        self.percent = percent
        self.decimals = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        finite = np.asarray([v for v in locs if np.isfinite(v)])
        if len(finite) > 1:
            step = float(np.min(np.diff(np.sort(finite))))
            self.decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
        else:
            self.decimals = 0

    def __call__(self, x, pos=None):
        text = format_number(x, self.decimals, self.locale)
        return f"{text} %" if self.percent else text


def _figure(rows: int, width: float = 8.0) -> Figure:
    height = max(2.6, 0.9 + 0.42 * rows)
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _render(fig: Figure) -> tuple[bytes, bytes]:
    png = io.BytesIO()
    fig.savefig(png, format="png", metadata={"Software": None})
    svg = io.BytesIO()
    with _RENDER_LOCK, matplotlib.rc_context(_SVG_RC):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


def _chart(fig, table, title, description, locale, decimals) -> Chart:
    png, svg = _render(fig)
    text = description or title
    return Chart(png, svg, table.reset_index(drop=True), title, text, locale, decimals)


def _style(ax, title: str, axis_label: str, locale: str, axis: str = "x") -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    fmt = LocaleFormatter(locale)
    if axis == "x":
        ax.xaxis.set_major_formatter(fmt)
        ax.set_xlabel(axis_label)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    else:
        ax.yaxis.set_major_formatter(fmt)
        ax.set_ylabel(axis_label)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)


def _interval_errors(est, lo, hi):
    est, lo, hi = (np.asarray(a, dtype=float) for a in (est, lo, hi))
    ok = np.isfinite(est) & np.isfinite(lo) & np.isfinite(hi)
    return ok, np.vstack([np.where(ok, est - lo, 0.0), np.where(ok, hi - est, 0.0)])


def _reference_line(ax, value: float, label: str, axis: str = "x") -> None:
    """A dashed line at a target or reference value (vertical on the x axis), in the legend."""
    draw = ax.axvline if axis == "x" else ax.axhline
    draw(
        float(value),
        color=OKABE_ITO["vermillion"],
        linestyle="--",
        linewidth=1.5,
        label=label or None,
    )


def _missing_label(ax, y: float, text: str) -> None:
    """The text shown instead of a row's figure (e.g. "for få svar"), at the left edge."""
    ax.text(
        0.01, y, text, va="center", fontsize=9, color="#333333", transform=ax.get_yaxis_transform()
    )


def _row_labels(ax, y: np.ndarray, labels: pd.Series) -> None:
    """One row per label, first on top, for the horizontal charts."""
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_yticks(y, [str(v) for v in labels])


def _check_columns(table: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"the table needs the columns {list(columns)}; missing {missing}")


def indicator_bars(
    table: pd.DataFrame,
    label: str = "label",
    target=None,
    scale: tuple[float, float] | None = None,
    title: str = "",
    description: str = "",
    axis_label: str = "",
    target_label: str = "",
    missing_text: str = EN_DASH,
    locale: str = "nb",
    decimals: int = 1,
) -> Chart:
    """Bars for estimates with interval whiskers, in the table's order (first on top).

    table: [label, estimate, ci_low, ci_high] (NaN estimate: no bar, `missing_text` shown, e.g.
    "for få svar"). target: a number (a vertical line), a column name (a mark per bar) or None.
    scale: the axis range, e.g. (0, 100). Chart.table: [label, estimate, ci_low, ci_high(, target)].
    """
    _check_columns(table, [label, "estimate", "ci_low", "ci_high"])
    columns = [label, "estimate", "ci_low", "ci_high"]
    per_row_target = isinstance(target, str)
    if per_row_target:
        _check_columns(table, [target])
        columns.append(target)
    data = table[columns].copy()
    est = data["estimate"].to_numpy(dtype=float)
    y = np.arange(len(data))[::-1]
    fig = _figure(len(data))
    ax = fig.add_subplot()
    ax.barh(y, np.nan_to_num(est), color=OKABE_ITO["blue"], height=0.6)
    ok, err = _interval_errors(est, data["ci_low"], data["ci_high"])
    if ok.any():
        ax.errorbar(
            est[ok], y[ok], xerr=err[:, ok], fmt="none", ecolor="black", capsize=3, linewidth=1
        )
    if scale is not None:
        ax.set_xlim(*scale)
    right = ax.get_xlim()[1]
    for yi, value, hi in zip(y, est, data["ci_high"].to_numpy(dtype=float), strict=True):
        if np.isfinite(value):
            x = hi if np.isfinite(hi) else value
            ax.text(
                min(x, right) + 0.01 * right,
                yi,
                format_number(value, decimals, locale),
                va="center",
                fontsize=9,
            )
        else:
            _missing_label(ax, yi, missing_text)
    if per_row_target:
        targets = data[target].to_numpy(dtype=float)
        has = np.isfinite(targets)
        ax.scatter(
            targets[has],
            y[has],
            marker="|",
            s=400,
            color=OKABE_ITO["vermillion"],
            linewidths=2.5,
            label=target_label or None,
            zorder=3,
        )
    elif target is not None:
        _reference_line(ax, target, target_label, "x")
    if target is not None and target_label:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    _row_labels(ax, y, data[label])
    _style(ax, title, axis_label, locale, "x")
    return _chart(fig, data, title, description, locale, decimals)


def trend(
    table: pd.DataFrame,
    period: str = "period",
    series: str | None = None,
    target: float | None = None,
    scale: tuple[float, float] | None = None,
    title: str = "",
    description: str = "",
    axis_label: str = "",
    target_label: str = "",
    locale: str = "nb",
    decimals: int = 1,
) -> Chart:
    """Estimates over rounds with interval bars; one line per value of `series` (if given).

    table: [period, (series,) estimate, ci_low, ci_high], periods in the table's order.
    Chart.table: the same columns.
    """
    columns = [period] + ([series] if series else []) + ["estimate", "ci_low", "ci_high"]
    _check_columns(table, columns)
    data = table[columns].copy()
    periods = list(dict.fromkeys(data[period].tolist()))
    position = {p: i for i, p in enumerate(periods)}
    fig = _figure(6, width=8.0)
    ax = fig.add_subplot()
    groups = data.groupby(series, sort=False) if series else [(None, data)]
    for k, (name, part) in enumerate(groups):
        x = np.array([position[p] for p in part[period]], dtype=float)
        est = part["estimate"].to_numpy(dtype=float)
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        offset = (k - (len(groups) - 1) / 2) * 0.06 if series else 0.0
        ax.plot(
            x + offset,
            est,
            marker="o",
            color=colour,
            label=str(name) if series else None,
            linewidth=1.8,
        )
        ok, err = _interval_errors(est, part["ci_low"], part["ci_high"])
        if ok.any():
            ax.errorbar(
                x[ok] + offset,
                est[ok],
                yerr=err[:, ok],
                fmt="none",
                ecolor=colour,
                capsize=4,
                linewidth=1,
            )
    if target is not None:
        _reference_line(ax, target, target_label, "y")
    if series or (target is not None and target_label):
        ax.legend(frameon=False, loc="best")
    ax.set_xticks(range(len(periods)), [str(p) for p in periods])
    ax.set_xlim(-0.5, len(periods) - 0.5)
    if scale is not None:
        ax.set_ylim(*scale)
    _style(ax, title, axis_label, locale, "y")
    return _chart(fig, data, title, description, locale, decimals)


def units_dotplot(
    table: pd.DataFrame,
    label: str = "unit",
    reference: float | None = None,
    sort: bool = True,
    scale: tuple[float, float] | None = None,
    title: str = "",
    description: str = "",
    axis_label: str = "",
    reference_label: str = "",
    missing_text: str = EN_DASH,
    locale: str = "nb",
    decimals: int = 1,
    missing_column: str | None = None,
) -> Chart:
    """Units side by side: a dot per unit with its interval, highest first when sorted.

    table: [label, estimate, ci_low, ci_high]; units without an estimate (suppressed) come last
    with `missing_text`, or with their own text from the column `missing_column` where it has one
    (e.g. why the unit is hidden). reference: e.g. the parent unit's or the national value.
    Chart.table: [label, estimate, ci_low, ci_high] in the plotted order.
    """
    _check_columns(table, [label, "estimate", "ci_low", "ci_high"])
    if missing_column is not None:
        _check_columns(table, [missing_column])
        missing = table[missing_column].where(table[missing_column].notna(), "").astype(str)
    else:
        missing = pd.Series("", index=table.index)
    data = table[[label, "estimate", "ci_low", "ci_high"]].copy()
    if sort:
        data = data.sort_values("estimate", ascending=False, na_position="last", kind="stable")
    est = data["estimate"].to_numpy(dtype=float)
    y = np.arange(len(data))[::-1]
    fig = _figure(len(data))
    ax = fig.add_subplot()
    ok, err = _interval_errors(est, data["ci_low"], data["ci_high"])
    ax.errorbar(
        est[ok],
        y[ok],
        xerr=err[:, ok],
        fmt="none",
        ecolor=OKABE_ITO["blue"],
        capsize=3,
        linewidth=1.2,
    )
    has = np.isfinite(est)
    ax.scatter(est[has], y[has], color=OKABE_ITO["blue"], s=36, zorder=3)
    if reference is not None:
        _reference_line(ax, reference, reference_label, "x")
        if reference_label:
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    if scale is not None:
        ax.set_xlim(*scale)
    texts = missing.loc[data.index].to_numpy()
    for yi, text in zip(y[~has], texts[~has], strict=True):
        _missing_label(ax, yi, text or missing_text)
    _row_labels(ax, y, data[label])
    _style(ax, title, axis_label, locale, "x")
    return _chart(fig, data, title, description, locale, decimals)


def _diverging_colours(n_negative: int, n_positive: int, has_neutral: bool) -> list[str]:
    """ColorBrewer RdBu (colour-blind safe): strong red ... light, grey, light ... strong blue."""
    cmap = matplotlib.colormaps["RdBu"]

    def spread(n, start, stop):
        if n == 0:
            return []
        points = [start] if n == 1 else np.linspace(start, stop, n)
        return [matplotlib.colors.to_hex(cmap(float(p))) for p in points]

    negative = spread(n_negative, 0.05, 0.38) if n_negative > 1 else spread(n_negative, 0.2, 0.2)
    positive = spread(n_positive, 0.62, 0.95) if n_positive > 1 else spread(n_positive, 0.8, 0.8)
    return [*negative, *([NEUTRAL] if has_neutral else []), *positive]


def _text_colour(background: str) -> str:
    r, g, b = matplotlib.colors.to_rgb(background)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "black"


def likert_diverging(
    table: pd.DataFrame,
    label: str = "item",
    categories: Sequence[str] | None = None,
    category_labels: Mapping[str, str] | None = None,
    neutral: str | None = None,
    title: str = "",
    description: str = "",
    axis_label: str = "",
    locale: str = "nb",
) -> Chart:
    """Answer distributions as diverging stacked bars (negative left of 0, positive right).

    table: one row per item: [label, <one column per answer category>] with counts or shares.
    categories: the category columns from most negative to most positive (default: every other
    column). neutral: the middle category (split across 0); by default the middle one of an odd
    number. "Vet ikke" should not be a category (report it beside the chart).
    Chart.table: [label, <categories as shares 0-1>].
    """
    if categories is None:
        categories = [c for c in table.columns if c != label]
    categories = list(categories)
    _check_columns(table, [label, *categories])
    if neutral is None and len(categories) % 2 == 1:
        neutral = categories[len(categories) // 2]
    if neutral is not None and neutral not in categories:
        raise ValueError(f"neutral category {neutral!r} is not among the categories")
    counts = table[categories].to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, counts / totals, np.nan)
    mid = categories.index(neutral) if neutral is not None else len(categories) // 2
    negative = list(range(mid))
    positive = list(range(mid + 1 if neutral is not None else mid, len(categories)))
    colours = _diverging_colours(len(negative), len(positive), neutral is not None)
    names = [str((category_labels or {}).get(c, c)) for c in categories]
    y = np.arange(len(table))[::-1]
    fig = _figure(len(table) + 1)
    ax = fig.add_subplot()
    values = np.nan_to_num(shares) * 100.0
    half = values[:, mid] / 2.0 if neutral is not None else np.zeros(len(table))
    left = -half - values[:, negative].sum(axis=1)
    for j in range(len(categories)):
        ax.barh(
            y,
            values[:, j],
            left=left,
            color=colours[j],
            height=0.6,
            label=names[j],
            edgecolor="white",
        )
        for yi, start, width in zip(y, left, values[:, j], strict=True):
            if width >= 6:
                ax.text(
                    start + width / 2,
                    yi,
                    format_number(width, 0, locale),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_text_colour(colours[j]),
                )
        left = left + values[:, j]
    ax.axvline(0, color="#333333", linewidth=0.8)
    limit = max(10.0, float(np.max(np.abs(ax.get_xlim()))))
    ax.set_xlim(-limit, limit)
    ax.set_yticks(y, [str(v) for v in table[label]])
    ax.legend(
        ncols=min(len(categories), 6),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        frameon=False,
        fontsize=8,
    )
    _style(ax, title, axis_label, locale, "x")
    fmt = ax.xaxis.get_major_formatter()
    ax.xaxis.set_major_formatter(_AbsPercent(fmt.locale))
    data = pd.DataFrame({label: table[label].to_numpy()})
    for j, c in enumerate(categories):
        data[c] = shares[:, j]
    return _chart(fig, data, title, description, locale, 2)


class _AbsPercent(LocaleFormatter):
    """Percent ticks on both sides of 0 shown without sign (a diverging bar's length)."""

    def __call__(self, x, pos=None):
        return format_percent(abs(x) / 100.0, 0, self.locale)


def dimension_overview(
    table: pd.DataFrame,
    dimension: str = "dimension",
    status_labels: Mapping[str, str] | None = None,
    title: str = "",
    description: str = "",
    axis_label: str = "",
    locale: str = "nb",
) -> Chart:
    """Goal status per dimension: stacked bars of achieved / uncertain / not achieved / no data.

    table: one row per dimension (økonomi, tjenestekvalitet, organisasjonskvalitet,
    samfunnskvalitet) with count columns named as STATUSES; missing status columns count 0.
    status_labels: the translated text for each status (shown in the legend and read with the
    colours, never colour alone). Chart.table: [dimension, *STATUSES, total].
    """
    _check_columns(table, [dimension])
    labels = {s: s for s in STATUSES} | dict(status_labels or {})
    data = pd.DataFrame({dimension: table[dimension].to_numpy()})
    for s in STATUSES:
        data[s] = table[s].fillna(0).astype(int).to_numpy() if s in table else 0
    data["total"] = data[list(STATUSES)].sum(axis=1)
    y = np.arange(len(data))[::-1]
    fig = _figure(len(data) + 1)
    ax = fig.add_subplot()
    left = np.zeros(len(data))
    for s in STATUSES:
        width = data[s].to_numpy(dtype=float)
        ax.barh(
            y,
            width,
            left=left,
            color=STATUS_COLOURS[s],
            hatch=STATUS_HATCHES[s],
            edgecolor="white",
            height=0.6,
            label=labels[s],
        )
        for yi, start, w in zip(y, left, width, strict=True):
            if w > 0:
                ax.text(
                    start + w / 2,
                    yi,
                    format_number(w, 0, locale),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=_text_colour(STATUS_COLOURS[s]),
                    bbox={"facecolor": STATUS_COLOURS[s], "edgecolor": "none", "pad": 1},
                )
        left = left + width
    ax.set_yticks(y, [str(v) for v in data[dimension]])
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False, fontsize=9)
    _style(ax, title, axis_label, locale, "x")
    return _chart(fig, data, title, description, locale, 0)
