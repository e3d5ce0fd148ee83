"""The appendix charts: each function draws one figure from a run folder, in 万元.

Titles, axes and legends are Chinese by default (`lang="en"` for English); the scenario
name and the run date go in a footer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib import pyplot as plt
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from model.city import HIGHER_LEVELS
from model.lines import LINE_IDS
from model.report.labels import ORDER_NAMES, TEXT, line_name
from model.run_folder import RunFolder
from model.units import WAN

COLOURS = ["#1f5a96", "#e07b39", "#3a9a5b", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4a017", "#2e86ab", "#8d5524",
           "#e377c2", "#17becf", "#bcbd22"]
# Payers get their own palette (City.payer_colour: the city dark, areas muted, the province and the
# central government greys), so no colour means a line in one chart and a payer in another.


def line_colour(line: str, lines: Sequence[str] = ()) -> str:
    """The line's own colour in every chart: the palette above for the first lines, then the
    colours of matplotlib's tab20 for any further line (none is ever given twice)."""
    # a package's measures follow the model's lines, in the run's order
    index = LINE_IDS.index(line) if line in LINE_IDS else len(LINE_IDS) + [x for x in lines if x not in LINE_IDS].index(
        line)
    if index < len(COLOURS):
        return COLOURS[index]
    return to_hex(colormaps["tab20"]((index - len(COLOURS)) % 20))


def _figure(title: str) -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=(9, 5.2))
    axes.set_title(title, fontsize=14, loc="left", pad=12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    return figure, axes


def _with_upper(run: RunFolder, title: str, lang: str) -> str:
    """A total that holds the province's and the central government's money says so."""
    if any(payer in HIGHER_LEVELS for payer in run.payers):
        return title + TEXT[lang]["incl_upper"]
    return title


def _footer(figure: Figure, run: RunFolder, lang: str, key: str = "footer") -> None:
    figure.text(0.01, 0.01, TEXT[lang][key].format(name=run.name, date=run.run_date), fontsize=8, color="#555555")
    figure.tight_layout(rect=(0, 0.04, 1, 1))


def cost_by_line(run: RunFolder, lang: str = "zh") -> Figure:
    """Annual cost by line, stacked (means), with the 5–95% range of the total."""
    text = TEXT[lang]
    figure, axes = _figure(_with_upper(run, text["cost_by_line"], lang))
    years = np.array(run.years)
    bottom = np.zeros(len(years))
    for line in run.outlay_lines:  # revenue forgone and memo items are not spending
        values = run.accrual(line).loc[years, "mean"].to_numpy() / WAN
        axes.bar(years, values, bottom=bottom, color=line_colour(line, run.lines),
                 label=line_name(line, lang, run.line_specs), width=0.7)
        bottom += values
    total = run.accrual()
    low, high = total.loc[years, "p05"] / WAN, total.loc[years, "p95"] / WAN
    axes.errorbar(years, bottom, yerr=[bottom - low, high - bottom], fmt="none", ecolor="black", capsize=3,
                  label=text["cost_by_line_total"])
    axes.set_xlabel(text["year"])
    axes.set_ylabel(text["wan"])
    axes.set_xticks(years)
    axes.legend(fontsize=8, ncol=2, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12))
    _footer(figure, run, lang)
    return figure


def payer_split(run: RunFolder, lang: str = "zh") -> Figure:
    """Who pays: per year (stacked by payer) and cumulative over the budget years."""
    text = TEXT[lang]
    figure, (by_year, cumulative) = plt.subplots(1, 2, figsize=(11, 5.2), gridspec_kw={"width_ratios": [2.2, 1]})
    city, years = run.city, np.array(run.years)
    # a payer that pays nothing in any year is not drawn (e.g. the levels above when no line they fund is priced)
    paying = [payer for payer in run.payers if run.accrual("all", payer).loc[years, "mean"].abs().sum() > 0]
    payers = paying or run.payers
    with_upper = any(payer in HIGHER_LEVELS for payer in payers)
    figure.suptitle(text["payer_split_upper" if with_upper else "payer_split"], fontsize=14, x=0.01, ha="left")
    bottom = np.zeros(len(years))
    totals = []
    for payer in payers:
        values = run.accrual("all", payer).loc[years, "mean"].to_numpy() / WAN
        by_year.bar(years, values, bottom=bottom, color=city.payer_colour(payer),
                   label=city.payer_name(payer, lang), width=0.7)
        bottom += values
        totals.append(values.sum())
    by_year.set_xticks(years)
    by_year.tick_params(axis="x", labelrotation=45)
    by_year.set_ylabel(text["wan"])
    by_year.set_xlabel(text["year"])
    by_year.spines[["top", "right"]].set_visible(False)
    by_year.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    by_year.legend(fontsize=8, frameon=False, ncol=4, loc="upper left", bbox_to_anchor=(0, -0.24))
    order = np.argsort(totals)
    cumulative.barh([city.payer_name(payers[i], lang) for i in order], [totals[i] for i in order],
                    color=[city.payer_colour(payers[i]) for i in order])
    cumulative.set_title(text["payer_cumulative"].format(start=years[0], end=years[-1]), fontsize=11, loc="left")
    cumulative.set_xlabel(text["wan"])
    cumulative.spines[["top", "right"]].set_visible(False)
    for position, i in enumerate(order):
        cumulative.text(totals[i], position, f" {totals[i]:,.0f}", va="center", fontsize=8)
    cumulative.set_xlim(0, max(totals) * 1.3)
    cumulative.xaxis.set_major_locator(MaxNLocator(4))
    cumulative.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _footer(figure, run, lang)
    return figure


def fan(run: RunFolder, lang: str = "zh") -> Figure:
    """Fan chart of the annual total: median, 50% and 90% bands over the replicates."""
    text = TEXT[lang]
    figure, axes = _figure(_with_upper(run, text["fan"], lang))
    years = np.array(run.years)
    totals = run.outlays().sum(axis=(2, 3)) / WAN  # [rep, year]
    q05, q25, q50, q75, q95 = np.quantile(totals, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    axes.fill_between(years, q05, q95, color=COLOURS[0], alpha=0.18, label=text["band90"])
    axes.fill_between(years, q25, q75, color=COLOURS[0], alpha=0.38, label=text["band50"])
    axes.plot(years, q50, color=COLOURS[0], linewidth=2, label=text["median"])
    axes.set_xticks(years)
    axes.set_xlabel(text["year"])
    axes.set_ylabel(text["wan"])
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False, loc="lower left")
    _footer(figure, run, lang)
    return figure


def births(run: RunFolder, lang: str = "zh") -> Figure:
    """Births by birth order (means and 5–95% of each), the base-year actual count marked."""
    text = TEXT[lang]
    figure, axes = _figure(text["births"])
    table = run.births.groupby(["year", "birth_order"])[["mean", "p05", "p95"]].sum().reset_index()
    for order, label in zip((1, 2, 3), ORDER_NAMES[lang], strict=True):
        rows = table[table.birth_order == order]
        axes.plot(rows.year, rows["mean"], marker="o", markersize=3, color=COLOURS[order - 1], label=label)
    if run.births_total is not None:
        total = run.births_total.set_index("year")
        axes.plot(total.index, total["mean"], color="black", linewidth=2, label=text["total"])
        axes.fill_between(total.index, total["p05"], total["p95"], color="black", alpha=0.1)
    base_year = int(table.year.min())
    actual = run.base_year_births  # the count the births were calibrated to
    if actual is not None:
        axes.scatter([base_year], [actual], marker="*", s=160, color="#c0392b", zorder=5,
                     label=text["base_actual"].format(year=base_year, births=actual))
    axes.set_xlabel(text["year"])
    axes.set_ylabel(text["people"])
    axes.set_ylim(bottom=0)
    axes.set_xticks(sorted(table.year.unique()))
    axes.tick_params(axis="x", labelrotation=45)
    axes.set_ylim(0, axes.get_ylim()[1] * 1.25)  # room for the legend above the lines
    axes.legend(frameon=False, fontsize=9, loc="upper right", ncol=3)
    _footer(figure, run, lang, key="footer_births")
    return figure


def induced(run: RunFolder, lang: str = "zh") -> Figure | None:
    """Induced births per year with their 5–95% range (top) and the cost per induced birth
    (bottom, its own panel: on a second axis the births' range bars read as the cost's range)."""
    if run.impact is None:
        return None
    text = TEXT[lang]
    impact = run.impact[run.impact.year != "all"].copy()
    impact["year"] = impact.year.astype(int)
    counts = impact[impact.measure == "induced_births"].set_index("year")
    if counts.empty or not counts["mean"].any():  # no fertility response: nothing to draw
        return None
    # the median: the mean of a ratio is pulled up by replicates with almost no induced births
    cost = impact[impact.measure == "cost_per_induced_birth"].set_index("year")[["p05", "p50", "p95"]] / WAN
    figure, (births_axes, cost_axes) = plt.subplots(2, 1, figsize=(9, 6.4), sharex=True,
                                                    gridspec_kw={"height_ratios": [3, 2]})
    figure.suptitle(text["induced"], fontsize=14, x=0.01, ha="left")
    for axes in (births_axes, cost_axes):
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", alpha=0.3)
        axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    births_axes.bar(counts.index, counts["mean"], color=COLOURS[2], width=0.7, label=text["induced_births"])
    births_axes.errorbar(counts.index, counts["mean"], yerr=[counts["mean"] - counts["p05"],
                                                             counts["p95"] - counts["mean"]],
                         fmt="none", ecolor="black", capsize=3, label=text["range_5_95"])
    births_axes.set_ylabel(text["people"])
    births_axes.legend(frameon=False, loc="upper right", fontsize=9, ncol=2)
    cost_axes.plot(cost.index, cost["p50"], color=COLOURS[3], marker="o", label=text["cost_per_induced"])
    cost_axes.set_ylim(0, (cost["p50"].max() if len(cost) else 1) * 1.3)
    cost_axes.set_ylabel(text["wan"])
    cost_axes.set_xlabel(text["year"])
    cost_axes.set_xticks(counts.index)
    cost_axes.legend(frameon=False, loc="lower right", fontsize=9)
    _footer(figure, run, lang, key="footer_births")
    return figure


def difference(run: RunFolder, other: RunFolder, lang: str = "zh") -> Figure:
    """Difference by line, other minus run, over the budget years (paired where seeds match)."""
    from model.compare import period_totals

    text = TEXT[lang]
    totals = period_totals(run.path, other.path)
    totals = totals[totals.line != "all"]
    figure, axes = _figure(text["compare"].format(a=run.name, b=other.name))
    names = [line_name(line, lang, {**other.line_specs, **run.line_specs}) for line in totals.line]
    values = totals.difference.to_numpy() / WAN
    colours = [COLOURS[0] if v >= 0 else COLOURS[3] for v in values]
    rows = np.arange(len(names))[::-1]  # first line on top
    axes.barh(rows, values, color=colours)
    # named ticks: the money formatter _figure puts on the y axis would otherwise number the bars
    axes.set_yticks(rows, names)
    axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    if "difference_p05" in totals:
        low, high = totals.difference_p05 / WAN, totals.difference_p95 / WAN
        # the mean may lie outside the 5-95% range (a skewed difference): whiskers never go negative
        axes.errorbar(values, rows, xerr=[np.clip(values - low, 0, None), np.clip(high - values, 0, None)],
                      fmt="none", ecolor="black", capsize=3)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel(text["wan"])
    axes.grid(axis="x", alpha=0.3)
    _footer(figure, run, lang)
    return figure


CHARTS = {"cost_by_line": cost_by_line, "payer_split": payer_split, "fan": fan, "births": births, "induced": induced}
