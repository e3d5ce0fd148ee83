"""Build the CJK font shipped in model/fonts/ (run once; the result is committed).

Source: Noto Sans SC Regular (SIL Open Font License 1.1, © 2014-2021 Adobe), taken from the
PyPI package `pylopdf-fonts-zh-cn` (`pip install pylopdf-fonts-zh-cn` to rebuild). Subset
to ASCII, GB2312 (the 7,445 common simplified characters) and every character used in the
package's labels, and renamed "Birthbudget Sans SC", as the OFL asks of modified fonts. The CFF outlines are
converted to TrueType (quadratic) ones, so PDFs embed it as the TrueType font they declare.
The licence travels beside the font (model/fonts/OFL.txt).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "model" / "fonts" / "BirthbudgetSansSC-Regular.ttf"
FAMILY = "Birthbudget Sans SC"


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                chars.add(bytes([high, low]).decode("gb2312"))
    return chars


def used_in_package() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (REPO / "model").rglob("*.py"))
    text += "".join(p.read_text(encoding="utf-8") for p in (REPO / "scenarios").rglob("*.toml"))
    return {c for c in text if ord(c) > 127}


def to_truetype(font: TTFont, max_error: float = 1.0) -> None:
    """Replace CFF outlines by TrueType glyf outlines (after fontTools' Snippets/otf2ttf.py)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_error, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attribute in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> None:
    import pylopdf_fonts_zh_cn  # the source font (OFL)

    source = Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"
    chars = {chr(c) for c in range(0x20, 0x7F)} | gb2312() | used_in_package() | set("–—‰≤≥×÷·…“”‘’、。，：；（）《》【】％")
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = "BirthbudgetSansSC-Regular"
        elif record.nameID == 3:
            record.string = "Birthbudget Sans SC subset of Noto Sans SC"
    to_truetype(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, {len(chars)} characters requested)")


if __name__ == "__main__":
    main()
