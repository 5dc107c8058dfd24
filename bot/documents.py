"""Word documents (issue 15, item 6): the personalized program in the shape of seed 001
(/program_doc) and the final analytic report (/annual_report).

A document is a list of plain blocks (headings, paragraphs, labelled lines, tables, a
picture), made on the loop from what the database said, in the reader's language;
`build` writes them with python-docx in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEXT_MAX = 20000
FONT = "Times New Roman"
A4 = (Cm(21.0), Cm(29.7))  # width, height (portrait)
MARGIN = Cm(2)


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    label: str | None = None  # a bold lead-in: «Цели: …»
    centered: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths_cm: list[float] = field(default_factory=list)


@dataclass
class Picture:
    png: bytes
    width_cm: float = 16.0


Block = Heading | Para | Bullets | Table | Picture


@dataclass
class Doc:
    title: str
    blocks: list[Block]
    landscape: bool = False
    subtitle: str | None = None


def build(doc: Doc) -> bytes:
    """The .docx of a document. A pure function of plain data, for a worker thread."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    # A4 (python-docx's template is US Letter); the program's 9-column plan: landscape.
    width, height = A4
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    usable = int(width - 2 * MARGIN)
    title = document.add_heading(_clean(doc.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.subtitle:
        sub = document.add_paragraph(_clean(doc.subtitle))
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_heading(_clean(block.text), level=block.level)
        elif isinstance(block, Para):
            paragraph = document.add_paragraph()
            if block.label:
                paragraph.add_run(_clean(block.label) + ": ").bold = True
            paragraph.add_run(_clean(block.text))
            if block.centered:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(_clean(item), style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block, usable)
        elif isinstance(block, Picture):
            document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _styles(document: object) -> None:
    """Body and headings in black Times New Roman (the template's headings are blue
    Calibri Light), as an official document is typed."""
    styles = document.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    _east_asian(normal, FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style, FONT)
    styles["Title"].font.size = Pt(16)
    styles["Heading 1"].font.size = Pt(14)
    styles["Heading 2"].font.size = Pt(13)


def _east_asian(style: object, font: str) -> None:
    """The theme's font also for the other scripts (w:rFonts' ascii/hAnsi/cs/eastAsia),
    so Word does not fall back to the heading theme font."""
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)


def _table(document: object, block: Table, usable: int) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(_clean(text))
        run.bold = True
        run.font.size = Pt(10)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(_clean(text))
            run.font.size = Pt(10)
    _widths(table, block.widths_cm or [1.0] * len(block.headers), usable)


def _widths(table: object, weights: list[float], usable: int) -> None:
    """Column widths in proportion to `weights`, scaled to fill the page's usable width,
    written to the grid and to every cell (Word reads the cells, LibreOffice the grid),
    with autofit off so that long texts wrap instead of widening the table."""
    total = sum(weights) or 1.0
    widths = [int(usable * w / total) for w in weights]
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths, strict=False):  # type: ignore[attr-defined]
        column.width = width
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _clean(text: str | None) -> str:
    """Characters XML cannot hold dropped, length capped."""
    text = text or ""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        text = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\t\n\r")
    return text[:TEXT_MAX]
