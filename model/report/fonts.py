"""Chinese text in charts on any machine: the OFL font subset shipped in the package.

No system font is needed: model/fonts/BirthbudgetSansSC-Regular.otf (a subset of Noto Sans
SC, SIL Open Font License, licence beside it) is registered with matplotlib at first use.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

from matplotlib import font_manager  # noqa: E402

FONT_FILE = Path(str(resources.files("model") / "fonts" / "BirthbudgetSansSC-Regular.ttf"))
FAMILY = "Birthbudget Sans SC"


def use_cjk_font() -> None:
    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    matplotlib.rcParams.update({
        "font.family": [FAMILY],
        "axes.unicode_minus": False,  # the font's hyphen-minus, not U+2212
        "pdf.fonttype": 42,  # embed the font (TrueType/CFF) so the PDF shows Chinese everywhere
        "svg.fonttype": "none",
        "text.parse_math": False,  # a "$" in a scenario name is text, not the start of a formula
    })
