"""appendix.pdf: the appendix's content model as a PDF (reportlab platypus), the same content
and structure as appendix.docx.

Text is set in the Chinese font shipped in the package (model/fonts/, an OFL subset of Noto
Sans SC), embedded in the file; a character the font lacks is an error rather than a box.
Tables split across pages with their header repeated; A4, landscape where tables are wide,
a page number on every page but the title page.
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import paragraph as reportlab_paragraph

from model.errors import InputError
from model.report.appendix_content import Document, Figure, Heading, Paragraph, Table, column_widths
from model.report.fonts import FONT_FILE

FONT = "BirthbudgetSansSC"
BULLET = "●"  # U+2022 "•" is not in the shipped subset
MARGIN = 20 * mm
GRID, HEADER_FILL, TOTAL_FILL, GREY = (colors.HexColor("#8C8C8C"), colors.HexColor("#DCE6F1"),
                                        colors.HexColor("#F2F2F2"), colors.HexColor("#555555"))


_FONTS: list[TTFont] = []


def register_font() -> TTFont:
    """The shipped font, registered with reportlab once."""
    if not _FONTS:
        _FONTS.append(TTFont(FONT, str(FONT_FILE)))
        pdfmetrics.registerFont(_FONTS[0])
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return _FONTS[0]


# Chinese punctuation that must not start a line (reportlab's own list lacks the full-width comma,
# semicolon, colon and closing quotes); its CJK line breaking hangs such a character in the margin.
NO_LINE_START = "，；：！？”’）》」』〉】"


def _chinese_line_breaking() -> None:
    for module in (reportlab_paragraph, textsplit):  # the module-level lists its line breaking reads
        namespace = vars(module)  # (not in the type stubs)
        namespace["ALL_CANNOT_START"] += "".join(char for char in NO_LINE_START
                                                 if char not in namespace["ALL_CANNOT_START"])


def missing_characters(text: str) -> list[str]:
    """Characters of `text` the shipped font has no glyph for (they would print as boxes)."""
    glyphs = register_font().face.charToGlyph
    return sorted({char for char in text if not char.isspace() and ord(char) not in glyphs})


class _Styles:
    def __init__(self, lang: str) -> None:
        wrap = "CJK" if lang == "zh" else None
        base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15.5, wordWrap=wrap, spaceAfter=5)
        self.body = base
        self.note = ParagraphStyle("note", parent=base, fontSize=8.5, leading=12.5, textColor=GREY)
        self.bullet = ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, bulletFontName=FONT,
                                     bulletFontSize=5.5, bulletOffsetY=1.5)
        self.source = ParagraphStyle("source", parent=base, fontSize=9, leading=13.5, leftIndent=20,
                                     firstLineIndent=-20)
        self.heading1 = ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceBefore=4, spaceAfter=10,
                                       keepWithNext=1)
        self.heading2 = ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=5,
                                       keepWithNext=1)
        self.caption = ParagraphStyle("caption", parent=base, fontSize=10, leading=14, alignment=TA_CENTER,
                                      spaceBefore=14, spaceAfter=2)  # space after a table: none at a page top
        self.caption_note = ParagraphStyle("caption_note", parent=self.note, alignment=TA_CENTER, spaceAfter=10)
        self.table_note = ParagraphStyle("table_note", parent=self.note, alignment=TA_LEFT, spaceAfter=4)
        self.title = ParagraphStyle("title", parent=base, fontSize=24, leading=34, alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", parent=base, fontSize=16, leading=24, alignment=TA_CENTER,
                                       spaceBefore=6)
        self.fact = ParagraphStyle("fact", parent=base, fontSize=11, leading=16)

    def cell(self, size: float, align: Literal[0, 1, 2]) -> ParagraphStyle:
        return ParagraphStyle(f"cell{size}{align}", parent=self.body, fontSize=size, leading=size * 1.3,
                              alignment=align, spaceAfter=0)


def _text(text: str) -> str:
    return escape(text)


def _table(table: Table, width: float, styles: _Styles) -> list[Flowable]:
    widths = column_widths(table, width, lambda text, size: pdfmetrics.stringWidth(text, FONT, size), padding=7)
    head = styles.cell(table.font_size, TA_CENTER)
    label = styles.cell(table.font_size, TA_LEFT)
    number = styles.cell(table.font_size, TA_RIGHT)
    data = [[PdfParagraph(_text(text), head) for text in row] for row in table.header]
    data += [[PdfParagraph(_text(text), label if column < table.label_columns else number)
              for column, text in enumerate(row)] for row in table.rows]
    header_rows = len(table.header)
    commands: list[Any] = [  # TableStyle commands
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for row in sorted(table.total_rows):
        commands.append(("BACKGROUND", (0, header_rows + row), (-1, header_rows + row), TOTAL_FILL))
    pdf_table = PdfTable(data, colWidths=widths, repeatRows=header_rows, style=TableStyle(commands), hAlign="CENTER")
    caption = PdfParagraph(_text(table.caption), styles.caption)
    flowables: list[Flowable] = [caption]
    if table.note:
        flowables.append(PdfParagraph(_text(table.note), styles.table_note))
    if len(table.rows) <= 12:
        return [KeepTogether([*flowables, pdf_table])]
    # a long table splits across pages: start it on a new page unless its caption, note, header
    # and first rows fit on this one
    return [CondPageBreak(40 + 8 * table.font_size * (1 + len(table.header) + 3)), *flowables, pdf_table]


def _figure(figure: Figure, width: float, styles: _Styles) -> Flowable:
    picture_width = min(width, 160 * mm)
    picture = Image(io.BytesIO(figure.png), width=picture_width, height=picture_width * figure.aspect)
    return KeepTogether([picture, PdfParagraph(_text(figure.caption), styles.caption),
                         PdfParagraph(_text(figure.note), styles.caption_note)])


def _footer(document: Document, width: float, canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.setFillColor(GREY)
    text = f"{document.footer}　　{document.page_label[0]}{canvas.getPageNumber()}{document.page_label[1]}"
    canvas.drawCentredString(width / 2, 10 * mm, text)
    canvas.restoreState()


def _title_page(document: Document, styles: _Styles) -> list[Flowable]:
    separator = "：" if document.lang == "zh" else ": "
    facts = [[PdfParagraph(_text(label + separator), styles.fact), PdfParagraph(_text(value), styles.fact)]
             for label, value in document.facts]
    table = PdfTable(facts, colWidths=[35 * mm, 115 * mm], hAlign="CENTER",
                     style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [Spacer(1, 55 * mm), PdfParagraph(_text(document.title), styles.title),
            PdfParagraph(_text(document.subtitle), styles.subtitle), Spacer(1, 25 * mm), table]


def write_pdf(document: Document, path: Path) -> None:
    missing = missing_characters(document.text() + BULLET)
    if missing:
        raise InputError(None, "report", "the appendix holds characters the shipped font cannot show "
                         f"({' '.join(missing)}); change the scenario's name or description")
    _chinese_line_breaking()
    styles = _Styles(document.lang)
    portrait, wide = A4, landscape(A4)

    def frame(size: tuple[float, float]) -> Frame:
        return Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    pdf = BaseDocTemplate(
        str(path), pagesize=portrait, title=f"{document.title} {document.subtitle}", author=document.author,
        subject=document.footer, pageTemplates=[
            PageTemplate("title", [frame(portrait)], pagesize=portrait),
            PageTemplate("portrait", [frame(portrait)], onPage=partial(_footer, document, portrait[0]),
                         pagesize=portrait),
            PageTemplate("landscape", [frame(wide)], onPage=partial(_footer, document, wide[0]), pagesize=wide),
        ])
    story: list[Flowable] = _title_page(document, styles)
    for section in document.sections:
        size = wide if section.landscape else portrait
        story += [NextPageTemplate("landscape" if section.landscape else "portrait"), PageBreak()]
        width = size[0] - 2 * MARGIN
        for block in section.blocks:
            if isinstance(block, Heading):
                style = styles.heading1 if block.level == 1 else styles.heading2
                story.append(PdfParagraph(_text(block.text), style))
            elif isinstance(block, Paragraph):
                if block.style == "bullet":
                    story.append(PdfParagraph(_text(block.text), styles.bullet, bulletText=BULLET))
                else:
                    style = {"body": styles.body, "note": styles.note, "source": styles.source}[block.style]
                    story.append(PdfParagraph(_text(block.text), style))
            elif isinstance(block, Table):
                story += _table(block, width, styles)
            else:
                story.append(_figure(block, width, styles))
    pdf.build(story)
