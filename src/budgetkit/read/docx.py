r"""Read a Word document (``.docx``, with python-docx) into a :class:`~budgetkit.model.cells.Document`.

The body is read in order: each paragraph outside tables is a line of text (a
blank row between paragraphs, as between the blocks of a page), each table a
grid. Merged cells are spans: a cell's ``gridSpan`` is its colspan, a
``vMerge`` run (``restart`` and the ``continue`` cells below it) its rowspan;
the covered positions are ``spanned`` copies. Cells are addressed
``t{table}r{row}c{col}`` (1-based, on the table's layout grid). A cell's
paragraphs (and those of a table nested in it) are its lines. Content controls
(``w:sdt``) are read through; headers, footers and text boxes are page furniture
and not read.

Legacy Word files (``.doc``) are not read: :func:`read_docx` names the file and
how to convert it.

Examples:
    >>> import tempfile, pathlib, docx
    >>> d = docx.Document(); _ = d.add_paragraph("附件2")
    >>> t = d.add_table(rows=3, cols=3)
    >>> t.cell(0, 0).text, t.cell(0, 1).text = "项目名称", "测试项目"; _ = t.cell(0, 1).merge(t.cell(0, 2))
    >>> t.cell(1, 0).text = "产出指标"; _ = t.cell(1, 0).merge(t.cell(2, 0))
    >>> for (r, c), text in {(1, 1): "甲", (1, 2): "200户", (2, 1): "乙", (2, 2): "≥90％"}.items():
    ...     t.cell(r, c).text = text
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.docx"; d.save(p)
    >>> doc = read_docx(p)
    >>> [[(c.text, c.spanned, c.address) for c in r.cells]
    ...  for r in doc.rows]  # doctest: +NORMALIZE_WHITESPACE
    [[('附件2', False, None)], [],
     [('项目名称', False, 't1r1c1'), ('测试项目', False, 't1r1c2'), ('测试项目', True, 't1r1c3')],
     [('产出指标', False, 't1r2c1'), ('甲', False, 't1r2c2'), ('200户', False, 't1r2c3')],
     [('产出指标', True, 't1r3c1'), ('乙', False, 't1r3c2'), ('≥90%', False, 't1r3c3')]]
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from budgetkit.errors import InputError
from budgetkit.model.cells import Document
from budgetkit.read.grid import Placed, RowWriter, check_cells

__all__ = ["read_docx"]

logger = logging.getLogger(__name__)


def _paragraph_text(p: Any) -> str:
    from docx.text.paragraph import Paragraph  # lazy: python-docx loads only when a Word file is read

    return Paragraph(p, None).text


def _cell_text(tc: Any) -> str:
    from docx.oxml.ns import qn  # lazy: python-docx loads only when a Word file is read

    return "\n".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))


def _grid_width(tbl: Any) -> int:
    """The table's real width: its grid's columns, or the most cells a row holds when it declares none."""
    declared = len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0
    widest = max((len(tr.tc_lst) for tr in tbl.tr_lst), default=1)
    check_cells(len(tbl.tr_lst) * widest)
    return max(declared, widest, 1)


def _table_cells(tbl: Any) -> list[Placed]:
    """The origins of a table's cells on its layout grid, vertical merges counted into rowspans."""
    spans: list[list[Any]] = []  # [row, col, text, rowspan, colspan]
    open_at: dict[int, list[Any]] = {}  # column -> the origin whose vMerge run is open there
    width = _grid_width(tbl)
    for r, tr in enumerate(tbl.tr_lst):
        col = min(tr.grid_before, width)
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, width - col))  # never past the table's grid (a 37 KB span bomb)
            merge = tc.vMerge
            above = open_at.get(col)
            if merge == "continue" and above is not None and above[4] == span:
                above[3] = r - above[0] + 1
            else:
                origin = [r, col, _cell_text(tc), 1, span]
                spans.append(origin)
                for c in range(col, col + span):
                    open_at.pop(c, None)
                if merge == "restart":
                    open_at[col] = origin
            col += span
        for c in [c for c, o in open_at.items() if o[0] + o[3] - 1 < r]:
            del open_at[c]  # a run not continued in this row is closed
    return [Placed(r, c, text, rowspan, colspan) for r, c, text, rowspan, colspan in spans]


def _blocks(parent: Any):
    """The paragraphs and tables of a body in order, through content controls."""
    from docx.oxml.ns import qn  # lazy: python-docx loads only when a Word file is read

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield "p", child
        elif child.tag == qn("w:tbl"):
            yield "tbl", child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def read_docx(path: str | Path) -> Document:
    """Read a ``.docx`` document (see the module docstring).

    Raises:
        InputError: naming the file when it is missing, damaged or not a Word document.
    """
    import docx  # lazy: python-docx loads only when a Word file is read

    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", path=p)
    try:
        document = docx.Document(str(p))
    except Exception as err:  # noqa: BLE001 -- zipfile, XML and python-docx errors all mean a damaged file
        raise InputError(f"cannot open the Word document ({type(err).__name__}: {err}); if it opens in a "
                         "word processor, save it again as .docx", path=p) from err
    out = RowWriter()
    tables = 0
    for kind, el in _blocks(document.element.body):
        if kind == "p":
            out.blank()
            for line in _paragraph_text(el).splitlines():
                out.text(line)
            continue
        tables += 1
        number = tables
        out.blank()
        out.grid(_table_cells(el), address=lambda r, c, n=number: f"t{n}r{r + 1}c{c + 1}")
    rows = out.rows
    while rows and not rows[-1].cells:
        rows.pop()
    logger.info("%s: %d tables, %d rows", p.name, tables, len(rows))
    return Document(p, rows, kind="docx", units=tables, unit_name="tables")
