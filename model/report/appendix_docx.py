"""appendix.docx: the appendix's content model as a Word document (python-docx).

A4 with a page number (a PAGE field) in every footer but the title page's; tables are real,
editable Word tables whose header row repeats on every page; chapter sections in landscape
where the tables are wide. Chinese text names its East Asian font separately from the Latin
one (宋体 for the body, 黑体 for headings), so Word and WPS show it on any Chinese system.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document  # noqa: N813 - a function, named as one
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.oxml.text.font import CT_RPr
from docx.section import Section as WordSection
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from model.report.appendix_content import (
    Document,
    Figure,
    Heading,
    Paragraph,
    Section,
    Table,
    column_widths,
)

BODY_LATIN, BODY_EAST_ASIA = "Times New Roman", "宋体"
HEADING_LATIN, HEADING_EAST_ASIA = "Arial", "黑体"
MARGIN_MM = 20
HEADER_FILL, TOTAL_FILL = "DCE6F1", "F2F2F2"


def _set_fonts(rpr: CT_RPr, latin: str, east_asia: str) -> None:
    """Explicit Latin and East Asian fonts on a run-properties element (theme fonts removed:
    in Word a theme font wins over a named one)."""
    rfonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for attribute, font in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attribute), font)


def _styles(document: WordDocument, lang: str) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if isinstance(rpr, CT_RPr):
            _set_fonts(rpr, BODY_LATIN, BODY_EAST_ASIA)
            lang_element = rpr.find(qn("w:lang"))
            if lang_element is not None:
                lang_element.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
                lang_element.set(qn("w:eastAsia"), "zh-CN")
    plain = [("Normal", 10.5, False), ("Caption", 10, True), ("Footer", 9, False), ("List Bullet", 10.5, False)]
    for name, size, bold in plain:
        style = styles[name]
        _set_fonts(style.element.get_or_add_rPr(), BODY_LATIN, BODY_EAST_ASIA)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 22), ("Subtitle", 16), ("Heading 1", 16), ("Heading 2", 13)):
        style = styles[name]
        _set_fonts(style.element.get_or_add_rPr(), HEADING_LATIN, HEADING_EAST_ASIA)
        style.font.size = Pt(size)
        style.font.bold = name.startswith("Heading")
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)


def _page(section: WordSection, landscape: bool) -> None:
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    section.footer_distance = Mm(10)


def _field(paragraph: WordParagraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SEQ …) with the value shown until Word updates it."""
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _footer(section: WordSection, document: Document) -> None:
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(document.footer + "　　" + document.page_label[0])
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(document.page_label[1])


def _shade(cell_element: CT_Tc, fill: str) -> None:
    tcpr = cell_element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _row_flag(row_element: CT_Row, flag: str) -> None:
    trpr = row_element.get_or_add_trPr()
    element = OxmlElement(flag)
    element.set(qn("w:val"), "true")
    trpr.append(element)


def _estimate_width(text: str, size: float) -> float:
    """Points a string takes in 宋体 / Times: a Chinese character a full em, the rest about half."""
    return sum(size if ord(char) > 0x2E80 else 0.52 * size for char in text)


def _caption(document: WordDocument, label: str, number: int, title: str, lang: str) -> WordParagraph:
    paragraph = document.add_paragraph(style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(label if lang == "zh" else f"{label} ")
    _field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
    paragraph.add_run(f" {title}" if lang == "zh" else f". {title}")
    return paragraph


def _table(document: WordDocument, table: Table, available: float, lang: str) -> None:
    caption = _caption(document, table.label, table.number, table.title, lang)
    caption.paragraph_format.keep_with_next = True
    if table.note:
        note = document.add_paragraph(table.note)
        note.paragraph_format.keep_with_next = True
        for run in note.runs:
            run.font.size = Pt(9)
    size = table.font_size + 0.5  # 宋体 reads smaller than the PDF's font at the same size
    widths = column_widths(table, available, lambda text, _: _estimate_width(text, size), padding=12)
    columns = len(table.widths)
    word: WordTable = document.add_table(rows=len(table.header) + len(table.rows), cols=columns)
    word.style = document.styles["Table Grid"]
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.autofit = False  # a fixed layout (w:tblLayout): the widths below hold
    table_width = word._tbl.tblPr.find(qn("w:tblW"))
    if table_width is not None:  # the whole width in twentieths of a point, as WPS wants it
        table_width.set(qn("w:type"), "dxa")
        table_width.set(qn("w:w"), str(round(sum(widths) * 20)))
    for column, width in zip(word.columns, widths, strict=True):
        column.width = Emu(int(Pt(width)))
    all_rows = [*table.header, *table.rows]
    for index, (row, values) in enumerate(zip(word.rows, all_rows, strict=True)):
        header = index < len(table.header)
        total = not header and (index - len(table.header)) in table.total_rows
        if header:
            _row_flag(row._tr, "w:tblHeader")  # repeated at the top of every page
        _row_flag(row._tr, "w:cantSplit")
        for column, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Emu(int(Pt(widths[column])))
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.space_before = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            if header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif column >= table.label_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.font.bold = header or total
            if header:
                _shade(cell._tc, HEADER_FILL)
            elif total:
                _shade(cell._tc, TOTAL_FILL)
    document.add_paragraph()


def _figure(document: WordDocument, figure: Figure, available: float, lang: str) -> None:
    width = min(available, Pt(16 * 28.35))  # at most 16 cm
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(figure.png), width=Emu(int(width)))
    caption = _caption(document, figure.label, figure.number, figure.title, lang)
    caption.paragraph_format.keep_with_next = True
    note = document.add_paragraph(figure.note)
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in note.runs:
        run.font.size = Pt(9)


def _section(document: WordDocument, section: Section, lang: str) -> None:
    word = document.add_section(WD_SECTION.NEW_PAGE)  # a copy of the section before: undo its title page
    word.different_first_page_header_footer = False
    _page(word, section.landscape)
    available = (word.page_width - word.left_margin - word.right_margin) / 12700  # EMU → points
    for block in section.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            if block.style == "bullet":
                document.add_paragraph(block.text, style="List Bullet")
            else:
                paragraph = document.add_paragraph(block.text)
                if block.style in ("note", "source"):
                    for run in paragraph.runs:
                        run.font.size = Pt(9.5)
                if block.style == "source":
                    paragraph.paragraph_format.left_indent = Pt(21)
                    paragraph.paragraph_format.first_line_indent = Pt(-21)
        elif isinstance(block, Table):
            _table(document, block, available, lang)
        else:
            _figure(document, block, Pt(available), lang)


def write_docx(document: Document, path: Path) -> None:
    word = new_document()
    _styles(word, document.lang)
    first = word.sections[0]
    _page(first, landscape=False)
    _footer(first, document)
    first.different_first_page_header_footer = True  # no page number on the title page
    properties = word.core_properties
    properties.title = f"{document.title} {document.subtitle}"
    properties.author = document.author
    properties.language = "zh-CN" if document.lang == "zh" else "en"
    for _ in range(5):
        word.add_paragraph()
    word.add_paragraph(document.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(document.subtitle, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph()
    separator = "：" if document.lang == "zh" else ": "
    for label, value in document.facts:
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(25)
        paragraph.add_run(label + separator).bold = True
        paragraph.add_run(value)
    for section in document.sections:
        _section(word, section, document.lang)
    word.save(str(path))
