"""`birthbudget report DIR`: charts, appendix.xlsx, and appendix.docx and appendix.pdf (one content
model, appendix_content.py, rendered twice) from a run folder."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from model.compare import check_comparable
from model.errors import InputError
from model.report import charts
from model.report.appendix_content import build_document
from model.report.appendix_docx import write_docx
from model.report.appendix_pdf import write_pdf
from model.report.excel import write_appendix
from model.report.fonts import use_cjk_font
from model.run_folder import add_files, load_run

FORMATS = ("png", "svg", "pdf")


def _png(figure: Figure) -> bytes:
    """A chart as PNG bytes, as report draws it into charts/ (the appendix documents embed these)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def build_report(run_dir: Path, lang: str = "zh", formats: tuple[str, ...] = ("png",),
                 compare_dir: Path | None = None) -> list[Path]:
    """Draw every chart, write appendix.xlsx, appendix.docx and appendix.pdf; return the files written."""
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

    writers["appendix.xlsx"] = lambda path: write_appendix(run, path, lang)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="Glyph .* missing")  # a box instead of a character is a failure
            # one content model, rendered twice: the Word file and the PDF cannot drift apart
            document = build_document(run, lang, {name: _png(figure) for name, figure in figures.items()}, other)
            writers[f"appendix{suffix}.docx"] = partial(write_docx, document)
            writers[f"appendix{suffix}.pdf"] = partial(write_pdf, document)
            return add_files(run.path, writers)  # all at once: the folder never holds half a report
    finally:
        for figure in figures.values():
            plt.close(figure)
