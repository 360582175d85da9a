"""A health report of one file's reading: what was there to read, and what was read.

For every file, keyed or not: the pages read, the pages whose text shows a target-table
header (the reader's candidate test: a title or two indicator columns), the tables and
indicator rows found (and the printings of a table printed again, read once), the rows
read with an empty name or value (and the rows reported without one), and the share of
the document's cells that went to ``unparsed``. Compared with a list of the tables each
file holds (``benchmarks/health.py``), it shows where a reading misses tables or finds
them where there are none.

Examples:
    >>> from budgetkit.cells import Cell, Document, Row
    >>> rows = [Row([Cell(t, 1, col=k) for k, t in enumerate(["项目名称", "甲"])], hard=True, grid=0),
    ...         Row([Cell(t, 2, col=k) for k, t in enumerate(["三级指标", "指标值"])], hard=True, grid=0),
    ...         Row([Cell(t, 3, col=k) for k, t in enumerate(["户数", "200户"])], hard=True, grid=0)]
    >>> from pathlib import Path
    >>> h = document_health(Document(Path("t.html"), rows, kind="html"))
    >>> h["tables"], h["rows"], h["empty_rows"], h["error"]
    (1, 1, 0, None)
"""

from __future__ import annotations

from pathlib import Path

from budgetkit.cells import Document
from budgetkit.errors import BudgetkitError

__all__ = ["HEALTH_COLUMNS", "document_health", "file_health"]

#: The columns of a health report, in order.
HEALTH_COLUMNS = ("file", "reader", "pages", "header_pages", "tables", "repeated", "rows", "empty_rows",
                  "unparsed_share", "error")
#: Reasons of ``unparsed`` rows that are indicator rows read without a name or a value.
_EMPTY_REASONS = ("level-3 indicator without a value", "cell of a row without a level-3 indicator name")


def _header_pages(doc: Document) -> list[int]:
    """Pages whose text shows a target-table header (the PDF reader's candidate test on the page's rows)."""
    from budgetkit.read_pdf import is_candidate

    by_page: dict[int, list[str]] = {}
    for row in doc.rows:
        page = next((c.page for c in row.cells if c.page is not None), None)
        if page is not None:
            by_page.setdefault(page, []).append(row.text())
    return sorted(p for p, lines in by_page.items() if is_candidate(lines))


def document_health(doc: Document) -> dict:
    """The health of one read document (see the module docstring)."""
    from budgetkit.parse import document_records

    cells = sum(1 for r in doc.rows for c in r.cells if c.text and not c.spanned)
    out = {"file": Path(doc.path).name, "reader": doc.kind,
           "pages": doc.units if doc.unit_name == "pages" else None,
           "header_pages": " ".join(map(str, _header_pages(doc))) or None,
           "tables": 0, "repeated": 0, "rows": 0, "empty_rows": 0, "unparsed_share": None, "error": None}
    try:
        rec = document_records(doc)
    except BudgetkitError as err:
        out["error"] = str(err).splitlines()[0][:200]
        return out
    empty = sum(1 for i in rec.indicators if not i.get("indicator") or not i.get("value"))
    empty += len({(u["line"], u.get("project_id")) for u in rec.unparsed if u["reason"] in _EMPTY_REASONS})
    from budgetkit.grid_recognise import REPEATED

    repeated = {u.get("project_id") for u in rec.unparsed if u["reason"].startswith(REPEATED)}
    out.update(tables=len(rec.projects), repeated=len(repeated), rows=len(rec.indicators), empty_rows=empty,
               unparsed_share=round(len(rec.unparsed) / cells, 3) if cells else None)
    return out


def file_health(path: str | Path) -> dict:
    """The health of one file: read it (a file that cannot be read says why in ``error``)."""
    from budgetkit.parse import read_document

    try:
        doc = read_document(path)
    except BudgetkitError as err:
        return {**dict.fromkeys(HEALTH_COLUMNS), "file": Path(path).name, "tables": 0, "rows": 0,
                "error": str(err).splitlines()[0][:200]}
    return document_health(doc)
