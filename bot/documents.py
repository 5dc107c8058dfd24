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
from docx.shared import Cm, Pt

TEXT_MAX = 20000


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
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = document.sections[0]
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
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
            _table(document, block)
        elif isinstance(block, Picture):
            document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: object, block: Table) -> None:
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
    if block.widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, block.widths_cm, strict=False):
                cell.width = Cm(width)


def _clean(text: str | None) -> str:
    """Characters XML cannot hold dropped, length capped."""
    text = text or ""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        text = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\t\n\r")
    return text[:TEXT_MAX]
