"""`birthbudget report DIR`: charts, appendix.xlsx and appendix.pdf from a run folder."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from model.compare import check_comparable
from model.errors import InputError
from model.pipeline.accounts import outlay_mask
from model.report import charts
from model.report.excel import write_appendix
from model.report.fonts import use_cjk_font
from model.report.labels import line_name
from model.run_folder import RunFolder, add_files, load_run
from model.units import WAN

FORMATS = ("png", "svg", "pdf")


def _summary_page(run: RunFolder, lang: str):  # noqa: ANN202 - a matplotlib Figure
    """The summary table (2025–2035 totals by line, 万元, mean and 5–95%) as a printable page."""
    figure = plt.figure(figsize=(8.27, 11.69))  # A4
    title = f"{run.name}：{run.years[0]}–{run.years[-1]}年各项目支出合计（万元）" if lang == "zh" else \
        f"{run.name}: total cost {run.years[0]}–{run.years[-1]} by line (10,000 yuan)"
    figure.text(0.08, 0.94, title, fontsize=14)
    period = run.replicates["accrual"].sum(axis=(1, 3)) / WAN  # [rep, line]
    outlay = np.array(outlay_mask(run.kinds))
    rows = []
    # outlays and their total, then revenue forgone and memo items (never in the total)
    for line in [*run.outlay_lines, "all", *run.other_lines]:
        values = period[:, outlay].sum(axis=1) if line == "all" else period[:, run.lines.index(line)]
        label = ("支出合计" if lang == "zh" else "total outlays") if line == "all" else line_name(line, lang)
        rows.append([label, f"{values.mean():,.2f}", f"{np.quantile(values, 0.05):,.2f}",
                     f"{np.quantile(values, 0.95):,.2f}"])
    header = ["项目", "均值", "5%分位", "95%分位"] if lang == "zh" else ["line", "mean", "p05", "p95"]
    axes = figure.add_axes((0.08, 0.55, 0.84, 0.35))
    axes.axis("off")
    table = axes.table(cellText=rows, colLabels=header, loc="upper center", colLoc="center", cellLoc="right")
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1, 1.6)
    figure.text(0.08, 0.05, f"{run.name}　{run.run_date}", fontsize=8, color="#555555")
    return figure


def build_report(run_dir: Path, lang: str = "zh", formats: tuple[str, ...] = ("png",),
                 compare_dir: Path | None = None) -> list[Path]:
    """Draw every chart, write appendix.xlsx and appendix.pdf; return the files written."""
    if lang not in ("zh", "en"):
        raise InputError(None, "--lang", f"unknown language {lang!r}; allowed: zh, en")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(None, "--format", f"unknown format {unknown[0]!r}; allowed: {', '.join(FORMATS)}")
    run = load_run(run_dir, "report")
    other = load_run(compare_dir, "report --compare") if compare_dir is not None else None
    if other is not None:
        check_comparable(run.path, run.replicates, other.path, other.replicates)
    use_cjk_font()
    drawn = {name: draw(run, lang) for name, draw in charts.CHARTS.items()}
    if other is not None:
        drawn["difference"] = charts.difference(run, other, lang)
    figures = {name: figure for name, figure in drawn.items() if figure is not None}
    suffix = "" if lang == "zh" else "_en"
    writers: dict[str, Callable[[Path], object]] = {}
    for name, figure in figures.items():
        for fmt in formats:
            writers[f"charts/{name}{suffix}.{fmt}"] = partial(figure.savefig, dpi=150)

    def write_pdf(path: Path) -> None:
        with PdfPages(path) as pdf:
            summary = _summary_page(run, lang)
            pdf.savefig(summary)
            plt.close(summary)
            for figure in figures.values():
                pdf.savefig(figure)

    writers[f"appendix{suffix}.pdf"] = write_pdf
    writers["appendix.xlsx"] = lambda path: write_appendix(run, path, lang)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="Glyph .* missing")  # a box instead of a character is a failure
            return add_files(run.path, writers)  # all at once: the folder never holds half a report
    finally:
        for figure in figures.values():
            plt.close(figure)
